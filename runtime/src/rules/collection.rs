//! The handler-level API: a collection of resources in a store, served
//! under one path with one policy, and one method per HTTP method that
//! decides, writes and builds the response.

use core::fmt;
use std::borrow::Cow;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::{Preconditions, Version};
use crate::problem::Error;
use crate::resource::{ResourcePatch, Stored, Versioned};
use crate::rules::ops::{Outcome, Written};
use crate::rules::{Listed, NoContent, PageRequest, Policy, Tagged};
use crate::store::Store;

/// The representation a collection answers with, built from the stored
/// resource: the way to keep write-only fields (a password, a key) out of
/// every response.
///
/// Every `Clone` resource is its own view: right for a resource without
/// secrets. `sensitive` keeps a field's values out of conflict answers,
/// not out of the resource's own serialisation, so a resource with a
/// password or key answers through a view that leaves it out.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
/// # struct User { id: u64, version: u64, name: String, #[versioned(sensitive)] password: String }
/// #[derive(serde::Serialize)]
/// struct UserView { id: u64, version: u64, name: String }
///
/// impl optimist::View<User> for UserView {
///     fn view(user: &User) -> Self {
///         UserView { id: user.id, version: user.version, name: user.name.clone() }
///     }
/// }
/// ```
pub trait View<T> {
    /// The representation of `resource`.
    fn view(resource: &T) -> Self;
}

// A resource with `sensitive` fields needs a view of its own: `sensitive`
// keeps values out of conflicts, not out of serialisation.
impl<T: Clone> View<T> for T {
    #[inline]
    fn view(resource: &T) -> Self {
        resource.clone()
    }
}

/// A PUT body: the state it asks for and the version it is based on.
///
/// Every `Clone` resource is a replacement of itself, based on its own
/// version field; a separate body type (one that may omit a password to
/// keep the current one, say) implements this.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
/// # struct User { id: u64, version: u64, name: String, #[versioned(sensitive)] password: String }
/// use optimist::{Error, Replacement, Version};
///
/// #[derive(serde::Deserialize)]
/// struct PutUser { name: String, password: Option<String>, version: Option<Version> }
///
/// impl Replacement<User> for PutUser {
///     fn base(&self) -> Option<Version> {
///         self.version
///     }
///     fn to_resource(&self, id: &u64, current: Option<&User>) -> Result<User, Error> {
///         let password = match (&self.password, current) {
///             (Some(new), _) => new.clone(),
///             (None, Some(current)) => current.password.clone(),
///             (None, None) => return Err(Error::StateConflict("a new user needs a password".into())),
///         };
///         Ok(User { id: *id, version: 0, name: self.name.clone(), password })
///     }
/// }
/// ```
pub trait Replacement<T: Versioned> {
    /// The version the client read, as the body says it (`None`: only
    /// `If-Match` says it, or nothing does).
    fn base(&self) -> Option<Version>;

    /// The requested state of the resource at `id`, from the current one
    /// (`None` when the PUT creates it, under `If-None-Match: *`).
    ///
    /// # Errors
    /// Whatever makes the body unusable, such as a 422 for a value that
    /// breaks a rule; nothing is written.
    fn to_resource(&self, id: &T::Id, current: Option<&T>) -> Result<T, Error>;
}

/// A POST body: the resource it creates, at the id it names or, naming
/// none, at the next id of the store's sequence.
///
/// Every `Clone` resource is a creation of itself, at its own id; a body
/// type of its own (one with an optional id, or a password to hash)
/// implements this.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::{Creation, Error};
///
/// #[derive(serde::Deserialize)]
/// struct NewNote { id: Option<u64>, text: String }
///
/// impl Creation<Note> for NewNote {
///     fn id(&self) -> Option<u64> {
///         self.id
///     }
///     fn to_resource(&self, id: u64) -> Result<Note, Error> {
///         Ok(Note { id, version: 0, text: self.text.clone() })
///     }
/// }
/// ```
pub trait Creation<T: Versioned> {
    /// The id the body names (`None`: the store picks one).
    fn id(&self) -> Option<T::Id>;

    /// The resource to create at `id` (any version: it is created at the
    /// first one never used at `id`). It may be asked for again at
    /// another id, where the store's next id turns out taken.
    ///
    /// # Errors
    /// Whatever makes the body unusable, such as a 422 for a value that
    /// breaks a rule; nothing is written.
    fn to_resource(&self, id: T::Id) -> Result<T, Error>;
}

impl<T: Versioned + Clone> Creation<T> for T
where
    T::Id: Clone,
{
    #[inline]
    fn id(&self) -> Option<T::Id> {
        Some(Versioned::id(self).clone())
    }

    #[inline]
    fn to_resource(&self, _: T::Id) -> Result<T, Error> {
        Ok(self.clone())
    }
}

/// A write-only field of a PUT body (a password, a key), which a client
/// cannot read back and so may leave out to keep the current value: the
/// value sent, else the current one, else (a create by PUT, which has no
/// current value) a 409 `state-conflict` that names the field.
///
/// ```
/// let current = String::from("old");
/// assert_eq!(optimist::kept(None, Some(&current), "password")?, "old");
/// assert_eq!(optimist::kept(Some(&"new".into()), Some(&current), "password")?, "new");
/// let create = optimist::kept::<String>(None, None, "password").unwrap_err();
/// assert_eq!(create.to_string(), "a create by PUT needs `password`: only a replacement keeps the current value");
/// # Ok::<(), optimist::Error>(())
/// ```
///
/// # Errors
/// 409 where nothing is sent and there is no current value.
pub fn kept<V: Clone>(sent: Option<&V>, current: Option<&V>, name: &str) -> Result<V, Error> {
    sent.or(current).cloned().ok_or_else(|| {
        Error::StateConflict(format!(
            "a create by PUT needs `{name}`: only a replacement keeps the current value"
        ))
    })
}

impl<T: Versioned + Clone> Replacement<T> for T {
    #[inline]
    fn base(&self) -> Option<Version> {
        self.version()
    }

    #[inline]
    fn to_resource(&self, _: &T::Id, _: Option<&T>) -> Result<T, Error> {
        Ok(self.clone())
    }
}

/// `{path}/{id}`, the id percent-encoded as one path segment (RFC 3986
/// §3.3), so that a string id with `/` or spaces still names its resource.
fn location(path: &str, id: &impl fmt::Display) -> String {
    let segment = format!("{}/", path.trim_end_matches('/'));
    super::tagged::percent_encoded(segment, id, b"-._~!$&'()*+,;=:@")
}

// What `Collection::before_save` runs: the current state (`None` for a
// create) and the state about to be saved, which it may check or complete.
type BeforeSave<T> = Arc<dyn Fn(Option<&T>, T) -> Result<T, Error> + Send + Sync>;

/// Resources of type `T` kept in `S`, served under one path.
///
/// Each method is one handler's whole body: it evaluates the
/// preconditions, decides the write, commits it with one compare-and-swap
/// and answers with the right response — `200`, or `201` with `Location`
/// for a create, each with the `ETag` and the policy's `Cache-Control` —
/// or with the [`Error`] that says why not.
///
/// ```
/// use optimist::{Collection, MemoryStore, Policy, Preconditions, Tagged};
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
/// struct Note { id: u64, version: u64, text: String }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
/// let created: Tagged<Note> = notes.create(Note { id: 7, version: 0, text: "hi".into() }).await?;
/// let response: http::Response<Vec<u8>> = created.to_response();
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.headers()["location"], "/notes/7");
///
/// // A PUT based on version 1, then a stale one.
/// let pre = Preconditions::default();
/// let edit = Note { id: 7, version: 1, text: "hello".into() };
/// let saved: Tagged<Note> = notes.put(&7, &pre, &edit).await?;
/// assert_eq!(saved.to_response::<Vec<u8>>().headers()["etag"], "\"v2\"");
/// let stale = notes.put::<Note>(&7, &pre, &edit).await.unwrap_err();
/// assert_eq!(stale.status(), 409);
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
pub struct Collection<T, S> {
    store: S,
    policy: Policy,
    path: Cow<'static, str>,
    before_save: BeforeSave<T>,
    fingerprint_secret: Option<Arc<[u8]>>,
}

impl<T, S: Clone> Clone for Collection<T, S> {
    fn clone(&self) -> Self {
        Collection {
            store: self.store.clone(),
            policy: self.policy,
            path: self.path.clone(),
            before_save: Arc::clone(&self.before_save),
            fingerprint_secret: self.fingerprint_secret.clone(),
        }
    }
}

impl<T, S: fmt::Debug> fmt::Debug for Collection<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Collection")
            .field("store", &self.store)
            .field("policy", &self.policy)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<T, S> Collection<T, S>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: Store<T>,
{
    /// The resources in `store`, each at `{path}/{id}` (the `Location` of a
    /// create), under [`Policy::DEFAULT`].
    pub fn new(store: S, path: impl Into<Cow<'static, str>>) -> Self {
        Collection {
            store,
            policy: Policy::DEFAULT,
            path: path.into(),
            before_save: Arc::new(|_, next| Ok(next)),
            fingerprint_secret: None,
        }
    }

    /// Serve under `policy` instead of [`Policy::DEFAULT`].
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, MemoryStore, Policy};
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes")
    ///     .with_policy(Policy::DEFAULT.require_precondition(false));
    /// # let _ = notes;
    /// ```
    #[must_use]
    pub fn with_policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }

    /// Run `hook` on every state about to be saved (by a create, PUT or
    /// PATCH), with the current state where there is one: the place for
    /// validation (an `Err` is answered and nothing is written) and for
    /// fields the service derives. It may capture what it needs (limits,
    /// a password hasher), as long as it can be shared between threads.
    ///
    /// The hook may run more than once for one request (again after losing
    /// a race to a concurrent write, and once per id tried by
    /// [`post`](Collection::post) without an id), so it must not
    /// have effects of its own. A compared field it sets anew on every call
    /// (a timestamp) makes every write a change; keep such fields `skip`.
    ///
    /// For a resource with revision history, a stale write's edit is made
    /// of the state at the version the client read, so the hook sees that
    /// state as "current"; the three-way merge of the result with the
    /// state now stored is then checked again, with that state: run on a
    /// value it already returned, the hook must return it unchanged.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, Error, MemoryStore, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes").before_save(|_, note| {
    ///     if note.text.is_empty() {
    ///         return Err(Error::Unprocessable("`text` must not be empty".into()));
    ///     }
    ///     Ok(note)
    /// });
    /// let empty = Note { id: 1, version: 0, text: String::new() };
    /// assert_eq!(notes.create::<Note>(empty).await.unwrap_err().status(), 422);
    /// # });
    /// ```
    #[must_use]
    pub fn before_save(
        mut self,
        hook: impl Fn(Option<&T>, T) -> Result<T, Error> + Send + Sync + 'static,
    ) -> Self {
        self.before_save = Arc::new(hook);
        self
    }

    /// The two settings of `Idempotency-Key` that a service's
    /// configuration makes: answers are kept for `lifetime`
    /// ([`Policy::key_lifetime`]), and fingerprints under `secret` where
    /// one is given ([`fingerprint_secret`](Collection::fingerprint_secret)).
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use std::time::Duration;
    /// let secret = std::env::var("KEY_SECRET").ok();
    /// let notes = optimist::Collection::new(optimist::MemoryStore::<Note>::new(), "/notes")
    ///     .with_keys(Duration::from_secs(3600), secret.as_deref());
    /// let hourly = optimist::Policy::DEFAULT.key_lifetime(Duration::from_secs(3600));
    /// assert_eq!(*notes.policy(), hourly);
    /// ```
    #[must_use]
    pub fn with_keys(self, lifetime: core::time::Duration, secret: Option<&str>) -> Self {
        let policy = self.policy.key_lifetime(lifetime);
        let keyed = self.with_policy(policy);
        match secret {
            Some(secret) => keyed.fingerprint_secret(secret),
            None => keyed,
        }
    }

    /// Keep the fingerprints of keyed requests as HMAC-SHA256 under
    /// `secret` (32 random bytes, say, from the service's configuration,
    /// the same for every process that shares the store), instead of
    /// their plain SHA-256. A fingerprint covers the whole request body:
    /// where bodies carry a password or key, a plain hash in the store
    /// lets whoever reads the store test guesses of it, fast. Under a
    /// secret kept outside the store, it cannot. Changing the secret
    /// makes retries of earlier keyed writes 422 until their keys expire.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// let notes = optimist::Collection::new(optimist::MemoryStore::<Note>::new(), "/notes")
    ///     .fingerprint_secret(b"from the service's configuration");
    /// # let _ = notes;
    /// ```
    #[must_use]
    pub fn fingerprint_secret(mut self, secret: impl AsRef<[u8]>) -> Self {
        self.fingerprint_secret = Some(Arc::from(secret.as_ref()));
        self
    }

    /// `fingerprint` as the store keeps it: under the secret, if any.
    pub(super) fn kept_fingerprint(&self, fingerprint: &str) -> String {
        use hmac::{KeyInit, Mac};
        match &self.fingerprint_secret {
            None => fingerprint.to_owned(),
            Some(secret) => {
                let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret)
                    .unwrap_or_else(|_| unreachable!("HMAC takes a key of any length"));
                mac.update(fingerprint.as_bytes());
                crate::http::hex(&mac.finalize().into_bytes())
            }
        }
    }

    /// The policy the collection serves under, for handlers that call
    /// [`put`](crate::put) or [`patch`](crate::patch) themselves.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, MemoryStore, Policy};
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// assert_eq!(notes.policy(), &Policy::DEFAULT);
    /// ```
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The store, for what the collection does not do itself.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// use optimist::Store;
    /// assert_eq!(notes.store().list(None, 10).await?.len(), 1);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    pub fn store(&self) -> &S {
        &self.store
    }

    /// This collection (path, policy, hook) on another store: the way to
    /// run its writes inside a transaction
    /// ([`TableTransaction`](crate::store::TableTransaction)), which
    /// borrows as a store for as long as the view lives.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, MemoryStore, Store, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// let elsewhere = MemoryStore::<Note>::new();
    /// let _: Tagged<Note> = notes.with_store(&elsewhere).create(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// assert_eq!((notes.store().list(None, 10).await?.len(), elsewhere.list(None, 10).await?.len()), (0, 1));
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    pub fn with_store<R: Store<T>>(&self, store: R) -> Collection<T, R> {
        Collection {
            store,
            policy: self.policy,
            path: self.path.clone(),
            before_save: Arc::clone(&self.before_save),
            fingerprint_secret: self.fingerprint_secret.clone(),
        }
    }

    /// A 200 with `body` for `stored`: its `ETag` and the policy's
    /// `Cache-Control`. For handlers that answer with something other
    /// than the resource's view, such as a list of its revisions.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// let note = notes.read(&1, &pre).await?;
    /// let length = notes.tagged(&note, note.value().text.len());
    /// assert_eq!(length.to_response::<Vec<u8>>().headers()["etag"], "\"v1\"");
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    pub fn tagged<B: Serialize>(&self, stored: &Stored<T>, body: B) -> Tagged<B> {
        Tagged::ok(stored, body).caching(self.policy.cache())
    }

    pub(super) fn respond<V: View<T> + Serialize>(
        &self,
        stored: &Stored<T>,
        outcome: Outcome,
    ) -> Tagged<V> {
        let view = V::view(stored.value());
        match outcome {
            Outcome::Created => {
                let location = location(&self.path, stored.value().id());
                Tagged::created(stored, &location, view).caching(self.policy.cache())
            }
            Outcome::Updated => self.tagged(stored, view).written(),
            Outcome::Unchanged => self.tagged(stored, view),
        }
    }

    /// GET or HEAD of the resource at `id`: 200, or 304 when
    /// `If-None-Match` names the current version (the body is never
    /// built), 404, or 412.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// let v1: Tagged<Note> = notes.get(&1, &pre).await?;
    /// let cached = Preconditions::from_lines([], [&b"\"v1\""[..]]).unwrap();
    /// assert_eq!(notes.get::<Note>(&1, &cached).await.unwrap_err().status(), 304);
    /// # let _ = v1;
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 304, 404, 412, or 503 when the store fails.
    pub async fn get<V: View<T> + Serialize>(
        &self,
        id: &T::Id,
        pre: &Preconditions,
    ) -> Result<Tagged<V>, Error> {
        let stored = self.read(id, pre).await?;
        Ok(self.tagged(&stored, V::view(stored.value())))
    }

    /// As [`Collection::get`], with the stored resource instead of a response.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// assert_eq!(notes.read(&1, &pre).await?.value().text, "a");
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`Collection::get`].
    pub async fn read(&self, id: &T::Id, pre: &Preconditions) -> Result<Stored<T>, Error> {
        super::ops::read(&self.store, id, pre, &self.policy).await
    }

    /// Refuses a write to `id` from its stored version alone, before the
    /// request body is read: 412 for a false `If-Match` (or an
    /// `If-None-Match` that names the current version), at the cost of
    /// one version lookup. Call it first in a handler that reads its body
    /// late (`optimist::actix_web::Deferred`, `optimist::axum::Deferred`),
    /// so a stale write is never parsed or loaded against, whatever its
    /// size; a write that passes pays that lookup on top of its own load.
    /// [`ops::precheck`](super::ops::precheck) says what it leaves to the
    /// write.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// let stale = Preconditions::from_lines([&b"\"v7\""[..]], []).unwrap();
    /// assert_eq!(notes.precheck(&1, &stale).await.unwrap_err().status(), 412);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 412, or 503 when the store fails.
    pub async fn precheck(&self, id: &T::Id, pre: &Preconditions) -> Result<(), Error> {
        super::ops::precheck(&self.store, id, pre, &self.policy).await
    }

    /// GET of the collection: one page of views, in the store's order,
    /// with a `Link` to the next page where one follows (keyset
    /// pagination: in the SQL stores a page is as fast at the end of a
    /// long list as at its start, and in every store no resource is
    /// skipped or repeated when others are created or deleted between
    /// pages).
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, Listed, MemoryStore, PageRequest};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// for id in 1..=3 {
    ///     notes.create::<Note>(Note { id, version: 0, text: "a".into() }).await?;
    /// }
    /// let first: Listed<Note> = notes.list(&PageRequest { limit: Some(2), after: None }).await?;
    /// assert_eq!(first.items().len(), 2);
    /// assert_eq!(first.next(), Some("/notes?limit=2&after=2"));
    /// let last: Listed<Note> = notes.list(&PageRequest { limit: Some(2), after: Some(2) }).await?;
    /// assert_eq!((last.items().len(), last.next()), (1, None));
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 400 for a limit outside 1 to [`PageRequest::MAX_LIMIT`], 503 when
    /// the store fails.
    pub async fn list<V: View<T> + Serialize>(
        &self,
        page: &PageRequest<T::Id>,
    ) -> Result<Listed<V>, Error> {
        let limit = page.limit()?;
        // One more than asked tells whether a next page follows.
        let mut stored = self.store.list(page.after.as_ref(), limit + 1).await?;
        let next = (stored.len() > limit).then(|| {
            stored.truncate(limit);
            let last = stored.last().map(|s| s.value().id());
            last.map(|id| super::page::next_page(&self.path, limit, id))
        });
        let items = stored.iter().map(|s| V::view(s.value())).collect();
        Ok(Listed::new(items, next.flatten()).caching(self.policy.cache()))
    }

    /// POST: creates `value` at its id, answering 201 with `Location`.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// let again = notes.create::<Note>(Note { id: 1, version: 0, text: "b".into() }).await;
    /// assert_eq!(again.unwrap_err().status(), 409);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 409 when the id exists, the hook's error, or 503.
    pub async fn create<V: View<T> + Serialize>(&self, value: T) -> Result<Tagged<V>, Error> {
        let value = (self.before_save)(None, value)?;
        let stored = super::ops::create(&self.store, value).await?;
        Ok(self.respond(&stored, Outcome::Created))
    }

    /// POST: creates the resource `body` asks for, at the id it names
    /// (409 where that id exists) or else at the next id of the store's
    /// sequence, and answers 201 with its `Location`. Ids the store picks
    /// are integers, so `T::Id` is one (or made from one).
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, Creation, Error, MemoryStore, Tagged};
    ///
    /// struct NewNote { id: Option<u64>, text: &'static str }
    /// impl Creation<Note> for NewNote {
    ///     fn id(&self) -> Option<u64> { self.id }
    ///     fn to_resource(&self, id: u64) -> Result<Note, Error> {
    ///         Ok(Note { id, version: 0, text: self.text.into() })
    ///     }
    /// }
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// let named: Tagged<Note> = notes.post(&NewNote { id: Some(1), text: "a" }).await?;
    /// let numbered: Tagged<Note> = notes.post(&NewNote { id: None, text: "b" }).await?;
    /// let response = numbered.to_response::<Vec<u8>>();
    /// assert_eq!(response.status(), 201);
    /// assert_eq!(response.headers()["location"], "/notes/2");
    /// let again = notes.post::<Note>(&NewNote { id: Some(1), text: "c" }).await;
    /// assert_eq!(again.unwrap_err().status(), 409);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 409 when the id named exists, the body's or the hook's error, or
    /// 503.
    pub async fn post<V: View<T> + Serialize>(
        &self,
        body: &impl Creation<T>,
    ) -> Result<Tagged<V>, Error>
    where
        T::Id: From<u64>,
    {
        let make = |id| (self.before_save)(None, body.to_resource(id)?);
        let stored = match body.id() {
            Some(id) => super::ops::create(&self.store, make(id)?).await?,
            None => super::ops::create_next(&self.store, |n| make(T::Id::from(n))).await?,
        };
        Ok(self.respond(&stored, Outcome::Created))
    }

    /// PUT: replaces the resource at `id` with `body`, based on `If-Match`
    /// or the body's version; `If-None-Match: *` creates it (201).
    ///
    /// # Errors
    /// 409 for a stale body version, 412, 428, 404, the body's or the
    /// hook's error, or 503.
    pub async fn put<V: View<T> + Serialize>(
        &self,
        id: &T::Id,
        pre: &Preconditions,
        body: &impl Replacement<T>,
    ) -> Result<Tagged<V>, Error> {
        let edit =
            |current: Option<&T>| (self.before_save)(current, body.to_resource(id, current)?);
        let written = super::ops::put_checked(
            &self.store,
            id,
            (pre, &self.policy, body.base()),
            edit,
            |current, merged| (self.before_save)(Some(current), merged),
        )
        .await?;
        Ok(self.written(&written))
    }

    /// PATCH: applies the merge patch to the resource at `id`, based on
    /// `If-Match` or the patch's version. A stale patch that touches no
    /// field changed since its version is merged.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// let patch = optimist::ResourcePatch::new(serde_json::json!({"version": 1, "text": "b"}))?;
    /// let patched: Tagged<Note> = notes.patch(&1, &pre, &patch).await?;
    /// assert_eq!(patched.to_response::<Vec<u8>>().headers()["etag"], "\"v2\"");
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 409 for a stale patch of a changed field, 412, 428, 404, 422 for a
    /// patch that leaves an invalid resource, the hook's error, or 503.
    pub async fn patch<V: View<T> + Serialize>(
        &self,
        id: &T::Id,
        pre: &Preconditions,
        patch: &ResourcePatch<T>,
    ) -> Result<Tagged<V>, Error>
    where
        T: DeserializeOwned,
    {
        let edit = |current: &T| (self.before_save)(Some(current), patch.apply(current)?);
        let written = super::ops::patch_checked(
            &self.store,
            id,
            (pre, &self.policy, patch.base()),
            edit,
            |current, merged| (self.before_save)(Some(current), merged),
        )
        .await?;
        Ok(self.written(&written))
    }

    /// The response to a write: 201 with `Location` for a create, else
    /// 200. For handlers that call [`put`](crate::put) or
    /// [`patch`](crate::patch) themselves, to do more with the
    /// [`Written`] value.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// let edit = |n: &Note| Ok(Note { text: "b".into(), ..n.clone() });
    /// let v1 = optimist::Version::new(1);
    /// let done = optimist::patch(notes.store(), &1, &pre, notes.policy(), v1, edit).await?;
    /// let response = notes.written::<Note>(&done).to_response::<Vec<u8>>();
    /// assert_eq!(response.status(), 200);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    pub fn written<V: View<T> + Serialize>(&self, written: &Written<T>) -> Tagged<V> {
        self.respond(&written.stored, written.outcome)
    }

    /// DELETE of the resource at `id`, based on `If-Match`: 204.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// # let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// # notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// # let pre = Preconditions::default();
    /// assert_eq!(notes.delete(&1, &pre).await.unwrap_err().status(), 428);
    /// let current = Preconditions::from_lines([&b"\"v1\""[..]], []).unwrap();
    /// notes.delete(&1, &current).await?;
    /// assert_eq!(notes.read(&1, &pre).await.unwrap_err().status(), 404);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 412, 428, 404, or 503.
    pub async fn delete(&self, id: &T::Id, pre: &Preconditions) -> Result<NoContent, Error> {
        super::ops::delete(&self.store, id, pre, &self.policy).await?;
        Ok(NoContent)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn location_names_one_segment() {
        assert_eq!(super::location("/api/users", &42), "/api/users/42");
        assert_eq!(
            super::location("/api/docs/", &"a b/c"),
            "/api/docs/a%20b%2Fc"
        );
        assert_eq!(super::location("/x", &"é"), "/x/%C3%A9");
    }
}
