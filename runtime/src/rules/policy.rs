//! The per-service (or per-route) choices the rules leave to the service.

use crate::http::Caching;

/// How a service treats requests.
///
/// The default is the safe one: every PUT, PATCH and DELETE must be
/// conditional (428 otherwise), stale PATCHes that touch no conflicting
/// field are merged, a false `If-Match` is always 412, and tagged
/// responses tell caches to revalidate ([`Caching::REVALIDATE`]).
///
/// ```
/// use optimist::Policy;
///
/// // Retries whose first response was lost are answered 2xx.
/// const USERS: Policy = Policy::DEFAULT.already_applied(true);
/// // A legacy API: unconditional writes allowed, every stale write is 409.
/// let legacy = Policy::default().require_precondition(false).merge_patches(false);
/// assert_ne!(legacy, USERS);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(clippy::struct_excessive_bools)] // three independent switches
pub struct Policy {
    require_precondition: bool,
    merge_patches: bool,
    already_applied: bool,
    caching: Caching,
    key_lifetime: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::DEFAULT
    }
}

impl Policy {
    /// The default policy as a constant, so `&Policy::DEFAULT` lives as
    /// long as the program.
    ///
    /// ```
    /// assert_eq!(optimist::Policy::DEFAULT, optimist::Policy::default());
    /// ```
    pub const DEFAULT: Policy = Policy {
        require_precondition: true,
        merge_patches: true,
        already_applied: false,
        caching: Caching::REVALIDATE,
        key_lifetime: 24 * 60 * 60,
    };

    /// `true` (default): a write without `If-Match` or a body version is
    /// 428. `false`: it is applied unconditionally (last write wins).
    #[must_use]
    pub const fn require_precondition(mut self, on: bool) -> Self {
        self.require_precondition = on;
        self
    }

    /// `true` (default): a stale merge-patch that touches no conflicting
    /// field is merged. `false` (strict): every stale write is 409.
    #[must_use]
    pub const fn merge_patches(mut self, on: bool) -> Self {
        self.merge_patches = on;
        self
    }

    /// `true`: a write whose `If-Match` is false but whose result already
    /// equals the current state (a retry whose response was lost) is 2xx
    /// with the current `ETag` (RFC 9110 §13.1.1). Off by default: right
    /// for counters, where "already equal" proves nothing.
    #[must_use]
    pub const fn already_applied(mut self, on: bool) -> Self {
        self.already_applied = on;
        self
    }

    /// The `Cache-Control` of tagged responses (200, 201, 304): see
    /// [`Caching`].
    #[must_use]
    pub const fn caching(mut self, caching: Caching) -> Self {
        self.caching = caching;
        self
    }

    /// How long an `Idempotency-Key` holds its write's answer (default 24
    /// hours; a fraction of a second counts as a whole one): a retry within
    /// it gets the answer again,
    /// a request with the key after it is processed anew. Make it longer
    /// than the longest a client keeps retrying.
    ///
    /// ```
    /// use std::time::Duration;
    /// const KEYS_FOR_A_WEEK: optimist::Policy = optimist::Policy::DEFAULT.key_lifetime(Duration::from_secs(7 * 86_400));
    /// # let _ = KEYS_FOR_A_WEEK;
    /// ```
    #[must_use]
    pub const fn key_lifetime(mut self, lifetime: core::time::Duration) -> Self {
        self.key_lifetime = lifetime.as_secs() + (lifetime.subsec_nanos() > 0) as u64;
        self
    }

    // The rules read the switches; services set them and never need to
    // read them back, so the readers stay inside the crate.
    pub(crate) const fn cache(&self) -> Caching {
        self.caching
    }

    pub(crate) const fn requires_precondition(&self) -> bool {
        self.require_precondition
    }

    pub(crate) const fn merges_patches(&self) -> bool {
        self.merge_patches
    }

    pub(crate) const fn keys_held_for(&self) -> u64 {
        self.key_lifetime
    }

    pub(crate) const fn accepts_already_applied(&self) -> bool {
        self.already_applied
    }
}
