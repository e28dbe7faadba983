//! Writes that carry an `Idempotency-Key`: each commits its answer with
//! the write, and a retry with the key gets that answer again.

use core::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use http::Response;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::{Idempotency, Preconditions, Version};
use crate::problem::{Error, StoreError};
use crate::resource::{ResourcePatch, Revision, Stored, Versioned};
use crate::rules::ops::Outcome;
use crate::rules::{Collection, Creation, NoContent, Receipt, Replacement, View};
use crate::store::{Claim, KeyedStore, Slot, Store};

/// How many expired receipts [`Collection::forget_expired_keys`] forgets
/// per call: a batch small enough to never hold a write back.
const FORGET_BATCH: usize = 500;

/// The writes of a [`Collection`] for one request that may carry an
/// `Idempotency-Key` ([`Collection::keyed`]).
///
/// With a key, the first request is processed and its answer, a
/// [`Receipt`], is stored in the same atomic step as the write; a retry
/// with the same key and request gets that answer again (same status,
/// `ETag`, `Location` and body; nothing written), the same key with
/// another request is 422, and a duplicate that races the first waits for
/// its commit and gets its answer. A request that writes nothing (a 4xx,
/// or a write that changes nothing) keeps no receipt: it is decided anew
/// on a retry, which is safe, since it did nothing. Without a key, each
/// method is the collection's own.
///
/// ```
/// use optimist::{Collection, Idempotency, MemoryStore, Preconditions};
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
/// struct Note { id: u64, version: u64, text: String }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
/// let mut headers = http::HeaderMap::new();
/// headers.insert("idempotency-key", "\"a1\"".parse().unwrap());
/// let body = br#"{"id":1,"version":0,"text":"hi"}"#;
/// let key = Idempotency::from_request(&headers, &http::Method::POST, "/notes", body)?;
/// let note: Note = serde_json::from_slice(body).unwrap();
///
/// let first = notes.keyed(key.as_ref()).post::<Note>(&note).await?;
/// let retry = notes.keyed(key.as_ref()).post::<Note>(&note).await?;
/// assert_eq!((first.status, retry.status), (201, 201));
/// assert_eq!(first, retry, "the retry gets the first answer, not a 409");
///
/// let other = Idempotency::from_request(&headers, &http::Method::POST, "/notes", b"{}")?;
/// let reused = notes.keyed(other.as_ref()).post::<Note>(&note).await.unwrap_err();
/// assert_eq!(reused.status(), 422);
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
pub struct Keyed<'a, T, S> {
    collection: &'a Collection<T, S>,
    key: Option<&'a Idempotency>,
}

impl<T, S> Collection<T, S>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: KeyedStore<T>,
{
    /// The writes of one request, under its `Idempotency-Key` where it
    /// sends one (`None`: the collection's own writes). See [`Keyed`].
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = optimist::Collection::new(optimist::MemoryStore::<Note>::new(), "/notes");
    /// let unkeyed = notes.keyed(None).post::<Note>(&Note { id: 1, version: 0, text: "a".into() }).await?;
    /// assert_eq!((unkeyed.status, unkeyed.location.as_deref()), (201, Some("/notes/1")));
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    pub fn keyed<'a>(&'a self, key: Option<&'a Idempotency>) -> Keyed<'a, T, S> {
        Keyed {
            collection: self,
            key,
        }
    }

    /// Forgets a batch of receipts whose keys have expired (under the
    /// policy's [`key_lifetime`](crate::Policy::key_lifetime)), and says
    /// how many. Expired keys are free whether forgotten or not; call this
    /// now and then (a minute apart, say) to keep the store small.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = optimist::Collection::new(optimist::MemoryStore::<Note>::new(), "/notes");
    /// assert_eq!(notes.forget_expired_keys().await?, 0);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// 503 when the store fails.
    pub async fn forget_expired_keys(&self) -> Result<usize, Error> {
        Ok(self.store().forget_receipts(now(), FORGET_BATCH).await?)
    }
}

/// The body of each write of [`Keyed`]: the answer committed before, else
/// `$write` on the collection under the key, settled.
macro_rules! keyed {
    ($self:ident, $answer:expr, |$on:ident| $write:expr) => {{
        let claiming = $self.claiming($answer);
        if let Some(replay) = $self.replayed(&claiming).await? {
            return Ok(replay);
        }
        let $on = $self.on(&claiming);
        let answer = $write.await.map(|a| a.to_response());
        $self.settle(&claiming, answer).await
    }};
}

impl<T, S> Keyed<'_, T, S>
where
    T: Versioned + Serialize + Send + Sync,
    T::Id: PartialEq + Serialize + fmt::Display + Sync,
    S: KeyedStore<T>,
{
    /// [`Collection::post`], under the request's key.
    ///
    /// # Errors
    /// As [`Collection::post`]; 422 for a key used by another request.
    pub async fn post<V: View<T> + Serialize>(
        &self,
        body: &impl Creation<T>,
    ) -> Result<Receipt, Error>
    where
        T::Id: From<u64>,
    {
        keyed!(self, answer_as::<T, S, V>, |on| on.post::<V>(body))
    }

    /// [`Collection::put`], under the request's key: a retry gets the
    /// first answer again, even after the resource moved on.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, Idempotency, MemoryStore, Preconditions};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("idempotency-key", "\"p1\"".parse().unwrap());
    /// let key = Idempotency::from_request(&headers, &http::Method::PUT, "/notes/1", b"b")?;
    /// let (pre, edit) = (Preconditions::default(), Note { id: 1, version: 1, text: "b".into() });
    /// let first = notes.keyed(key.as_ref()).put::<Note>(&1, &pre, &edit).await?;
    /// let retry = notes.keyed(key.as_ref()).put::<Note>(&1, &pre, &edit).await?;
    /// assert_eq!((first.etag.as_deref(), &retry), (Some("\"v2\""), &first));
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// As [`Collection::put`]; 422 for a key used by another request.
    pub async fn put<V: View<T> + Serialize>(
        &self,
        id: &T::Id,
        pre: &Preconditions,
        body: &impl Replacement<T>,
    ) -> Result<Receipt, Error> {
        keyed!(self, answer_as::<T, S, V>, |on| on.put::<V>(id, pre, body))
    }

    /// [`Collection::patch`], under the request's key.
    ///
    /// # Errors
    /// As [`Collection::patch`]; 422 for a key used by another request.
    pub async fn patch<V: View<T> + Serialize>(
        &self,
        id: &T::Id,
        pre: &Preconditions,
        patch: &ResourcePatch<T>,
    ) -> Result<Receipt, Error>
    where
        T: DeserializeOwned,
    {
        keyed!(self, answer_as::<T, S, V>, |on| on
            .patch::<V>(id, pre, patch))
    }

    /// [`Collection::delete`], under the request's key: a retry of a
    /// delete that took effect gets its 204 again, not a 404.
    ///
    /// # Errors
    /// As [`Collection::delete`]; 422 for a key used by another request.
    pub async fn delete(&self, id: &T::Id, pre: &Preconditions) -> Result<Receipt, Error> {
        keyed!(self, |_, _| NoContent.to_response(), |on| on
            .delete(id, pre))
    }

    /// The answer a request with the key committed before, if any: a
    /// retry is answered before any work, since it must get the first
    /// answer, not one decided anew against the state it left.
    async fn replayed(&self, claiming: &Claiming<'_, T, S>) -> Result<Option<Receipt>, Error> {
        match self.key {
            Some(key) => self.replay(key, &claiming.fingerprint, claiming.now).await,
            None => Ok(None),
        }
    }

    /// The collection on the store of one keyed write. A keyed request
    /// is never answered "already applied": its key tells a retry from
    /// another client's equal write, which must not pass for its own
    /// (a counter's increment would be lost).
    fn on<'c>(&self, claiming: &'c Claiming<'_, T, S>) -> Collection<T, &'c Claiming<'c, T, S>> {
        let policy = match self.key {
            Some(_) => self.collection.policy().already_applied(false),
            None => *self.collection.policy(),
        };
        self.collection.with_store(claiming).with_policy(policy)
    }

    /// The store the write runs on: the collection's, committing the
    /// answer with the write where the request has a key.
    fn claiming(&self, answer: Answer<T, S>) -> Claiming<'_, T, S> {
        let now = now();
        Claiming {
            collection: self.collection,
            key: self.key,
            fingerprint: self.key.map_or_else(String::new, |k| {
                self.collection.kept_fingerprint(k.fingerprint())
            }),
            now,
            expires: now.saturating_add(self.collection.policy().keys_held_for()),
            answer,
            committed: Mutex::new(None),
            taken: AtomicBool::new(false),
        }
    }

    /// The answer to the request: the receipt its write committed, else
    /// its own answer, unless another request with the key got there
    /// first (then that one's receipt).
    async fn settle(
        &self,
        claiming: &Claiming<'_, T, S>,
        answer: Result<Response<Vec<u8>>, Error>,
    ) -> Result<Receipt, Error> {
        let Some(key) = self.key else {
            return answer.map(Receipt::from_response);
        };
        if let Some(committed) = claiming.committed() {
            return Ok(committed);
        }
        // Nothing committed: a write with the key may have (before this
        // one began, or while it ran and was refused for it).
        match (
            self.replay(key, &claiming.fingerprint, claiming.now)
                .await?,
            answer,
        ) {
            (Some(replay), _) => Ok(replay),
            (None, _) if claiming.taken.load(Ordering::Relaxed) => Err(Error::KeyInFlight),
            (None, answer) => answer.map(Receipt::from_response),
        }
    }

    /// The receipt a request with `key` committed, if any: 422 where that
    /// request was another one.
    async fn replay(
        &self,
        key: &Idempotency,
        fingerprint: &str,
        now: u64,
    ) -> Result<Option<Receipt>, Error> {
        let found = self
            .collection
            .store()
            .receipt(key.scope(), key.key(), now)
            .await?;
        match found {
            Some(receipt) if receipt.fingerprint != fingerprint => Err(Error::KeyReused),
            found => Ok(found),
        }
    }
}

/// Seconds since the Unix epoch (0 for a clock set before it).
fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The answer to a write: one that stored a resource gets it with what
/// the write did; a delete gets `None`.
type Answer<T, S> = fn(&Collection<T, S>, Option<(&Stored<T>, Outcome)>) -> Response<Vec<u8>>;

/// The answer to a write that stored a resource, as view `V`.
fn answer_as<T, S, V>(
    collection: &Collection<T, S>,
    written: Option<(&Stored<T>, Outcome)>,
) -> Response<Vec<u8>>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: Store<T>,
    V: View<T> + Serialize,
{
    match written {
        Some((stored, outcome)) => collection.respond::<V>(stored, outcome).to_response(),
        None => NoContent.to_response(),
    }
}

/// The collection's store for one keyed write: its writes commit the
/// answer they lead to with them, and one refused for the key stops the
/// request (its answer is then the receipt that holds the key).
struct Claiming<'a, T, S> {
    collection: &'a Collection<T, S>,
    key: Option<&'a Idempotency>,
    /// The request's fingerprint as the store keeps it.
    fingerprint: String,
    now: u64,
    expires: u64,
    answer: Answer<T, S>,
    committed: Mutex<Option<Receipt>>,
    taken: AtomicBool,
}

impl<T, S> Claiming<'_, T, S> {
    /// The receipt that a keyed write commits with itself (`None` without
    /// a key): the answer to `written`, under the request's key.
    fn receipt(&self, written: Option<(&Stored<T>, Outcome)>) -> Option<Receipt> {
        let key = self.key?;
        let answer = (self.answer)(self.collection, written);
        Some(Receipt::of(key, &self.fingerprint, self.expires, answer))
    }

    fn committed(&self) -> Option<Receipt> {
        self.committed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
    }

    /// What a keyed write's [`Claim`] means to the rules: a write that
    /// took effect (its receipt kept for the answer), one that lost, or
    /// the end of the request.
    fn claimed(&self, claim: Claim, receipt: Receipt) -> Result<bool, StoreError> {
        match claim {
            Claim::Written => {
                *self
                    .committed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(receipt);
                Ok(true)
            }
            Claim::Lost => Ok(false),
            Claim::Taken => {
                self.taken.store(true, Ordering::Relaxed);
                Err(StoreError::new("another request holds the idempotency key"))
            }
        }
    }
}

impl<T, S> Store<T> for Claiming<'_, T, S>
where
    T: Versioned + Serialize + Send + Sync,
    T::Id: PartialEq + Serialize + fmt::Display + Sync,
    S: KeyedStore<T>,
{
    async fn load(&self, id: &T::Id) -> Result<Option<Slot<T>>, StoreError> {
        self.collection.store().load(id).await
    }

    async fn live_version(&self, id: &T::Id) -> Result<Option<Version>, StoreError> {
        self.collection.store().live_version(id).await
    }

    async fn list(
        &self,
        after: Option<&T::Id>,
        limit: usize,
    ) -> Result<Vec<Stored<T>>, StoreError> {
        self.collection.store().list(after, limit).await
    }

    async fn insert(&self, record: &Stored<T>, after: Option<Version>) -> Result<bool, StoreError> {
        let store = self.collection.store();
        let Some(receipt) = self.receipt(Some((record, Outcome::Created))) else {
            return store.insert(record, after).await;
        };
        let claim = store
            .insert_keyed(record, after, &receipt, self.now)
            .await?;
        self.claimed(claim, receipt)
    }

    async fn update(&self, record: &Stored<T>, expected: Version) -> Result<bool, StoreError> {
        let store = self.collection.store();
        let Some(receipt) = self.receipt(Some((record, Outcome::Updated))) else {
            return store.update(record, expected).await;
        };
        let claim = store
            .update_keyed(record, expected, &receipt, self.now)
            .await?;
        self.claimed(claim, receipt)
    }

    async fn delete(&self, id: &T::Id, expected: Version) -> Result<bool, StoreError> {
        let store = self.collection.store();
        let Some(receipt) = self.receipt(None) else {
            return store.delete(id, expected).await;
        };
        let claim = store.delete_keyed(id, expected, &receipt, self.now).await?;
        self.claimed(claim, receipt)
    }

    async fn next_id(&self) -> Result<u64, StoreError> {
        self.collection.store().next_id().await
    }

    async fn revisions(
        &self,
        id: &T::Id,
        from: Version,
        to: Version,
    ) -> Result<Vec<Revision>, StoreError> {
        self.collection.store().revisions(id, from, to).await
    }
}
