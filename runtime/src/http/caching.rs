//! What tagged responses tell caches (RFC 9111 §5.2.2): revalidate before
//! reuse, so no cache hands a client a version that is no longer current.

use http::HeaderValue;

/// The `Cache-Control` of every response that carries an `ETag` (a 200,
/// 201 or 304).
///
/// A tagged response without `Cache-Control` may be given a heuristic
/// freshness lifetime by any cache on the way (RFC 9111 §4.2.2) and served
/// later without asking the origin: a client would then edit a version
/// that is long gone. The default, [`Caching::REVALIDATE`], is `no-cache`:
/// caches may store the response but must revalidate it first, which costs
/// a 304 (RFC 9110 §15.4.5 has the 304 repeat the same `Cache-Control`).
///
/// ```
/// use optimist::{Caching, Policy};
/// assert_eq!(Caching::default().header_value(), "no-cache");
/// let per_user = Policy::default().caching(Caching::PRIVATE);
/// assert_eq!(Caching::PRIVATE.header_value(), "private, no-cache");
/// # let _ = per_user;
/// const LONGER: Caching = Caching::directives("max-age=0, must-revalidate");
/// assert_eq!(LONGER.header_value(), "max-age=0, must-revalidate");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caching(&'static str);

impl Default for Caching {
    fn default() -> Self {
        Caching::REVALIDATE
    }
}

impl Caching {
    /// `no-cache`: any cache may store it, none may reuse it unrevalidated.
    pub const REVALIDATE: Caching = Caching("no-cache");

    /// `private, no-cache`: the data is per user; shared caches must not
    /// store it (RFC 9111 §5.2.2.7), the user's own must revalidate.
    pub const PRIVATE: Caching = Caching("private, no-cache");

    /// The service's own `Cache-Control` directives.
    ///
    /// # Panics
    /// On a byte that a header value cannot hold: at compile time where
    /// the result is a `const`, as it should be.
    ///
    /// ```
    /// let c = optimist::Caching::directives("no-store");
    /// assert_eq!(c.header_value(), "no-store");
    /// ```
    #[must_use]
    pub const fn directives(value: &'static str) -> Caching {
        let bytes = value.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            assert!(
                b == b'\t' || (b >= 0x20 && b < 0x7f),
                "Cache-Control directives are visible ASCII, spaces and tabs"
            );
            i += 1;
        }
        Caching(value)
    }

    /// The `Cache-Control` header value; never allocates.
    #[must_use]
    pub const fn header_value(self) -> HeaderValue {
        HeaderValue::from_static(self.0)
    }
}
