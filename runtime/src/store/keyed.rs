//! Stores that keep idempotency keys: each keyed write commits its
//! [`Receipt`] in the same atomic step as the resource.

use core::future::Future;

use crate::http::Version;
use crate::problem::StoreError;
use crate::resource::{Stored, Versioned};
use crate::rules::Receipt;
use crate::store::Store;

/// What a keyed write did (the example of [`KeyedStore`] shows `Written`
/// and `Taken`; `Lost` is a plain write's `false`).
///
/// ```
/// use optimist::store::Claim;
/// assert_ne!(Claim::Written, Claim::Taken);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// The write and its receipt are stored, together.
    Written,
    /// The compare-and-swap lost (as a plain write's `false`): nothing is
    /// stored, the key stays free.
    Lost,
    /// The key holds an unexpired receipt: nothing is stored.
    Taken,
}

/// A [`Store`] that keeps idempotency keys (the `Idempotency-Key`
/// header): the receipt of each keyed write is stored in the **same**
/// atomic step as the write, so no crash can keep one without the other,
/// and a key held by an unexpired receipt refuses a second write.
///
/// Each `*_keyed` method is its plain counterpart plus the receipt: it
/// first claims the key (free, or held by an expired receipt, which it
/// replaces), then makes the compare-and-swap, and keeps both or
/// neither. Where two writes claim one key at once, one of them is
/// [`Claim::Taken`] (the SQL stores on PostgreSQL make the second wait for
/// the first's transaction, at most 3 s, and then refuse it).
///
/// ```
/// use optimist::store::{Claim, KeyedStore};
/// use optimist::{MemoryStore, Receipt, Store, Stored, Version};
///
/// #[derive(optimist::Versioned, serde::Serialize, Clone, Debug, PartialEq)]
/// struct Note { id: u64, version: u64, text: String }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// let receipt = Receipt { scope: String::new(), key: "k1".into(), fingerprint: "f".into(), expires: 200,
///     status: 201, etag: Some("\"v1\"".into()), location: None, cache_control: None, body: "{}".into() };
/// let v1 = Stored::created(Note { id: 1, version: 0, text: "a".into() }, Version::FIRST).unwrap();
/// assert_eq!(store.insert_keyed(&v1, None, &receipt, 100).await?, Claim::Written);
/// assert_eq!(store.receipt("", "k1", 100).await?, Some(receipt.clone()));
/// // The key is held until it expires, then free again.
/// let v2 = v1.successor(Note { id: 1, version: 1, text: "b".into() }).unwrap();
/// assert_eq!(store.update_keyed(&v2, Version::FIRST, &receipt, 150).await?, Claim::Taken);
/// assert_eq!(store.receipt("", "k1", 200).await?, None);
/// assert_eq!(store.forget_receipts(200, 100).await?, 1);
/// # Ok::<(), optimist::StoreError>(()) }).unwrap();
/// ```
pub trait KeyedStore<T: Versioned>: Store<T> {
    /// The receipt under `key` in `scope`, if one holds it at `now`
    /// (seconds since the Unix epoch).
    fn receipt(
        &self,
        scope: &str,
        key: &str,
        now: u64,
    ) -> impl Future<Output = Result<Option<Receipt>, StoreError>> + Send;

    /// [`Store::insert`], with `receipt`, at `now`.
    fn insert_keyed(
        &self,
        record: &Stored<T>,
        after: Option<Version>,
        receipt: &Receipt,
        now: u64,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// [`Store::update`], with `receipt`, at `now`.
    fn update_keyed(
        &self,
        record: &Stored<T>,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// [`Store::delete`], with `receipt`, at `now`.
    fn delete_keyed(
        &self,
        id: &T::Id,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send;

    /// Forgets at most `limit` receipts expired at `now`, and says how
    /// many it forgot: small batches, outside any write, so that cleaning
    /// up never holds a write back. Expired receipts that are still
    /// stored are ignored, and replaced by the next write with their key.
    fn forget_receipts(
        &self,
        now: u64,
        limit: usize,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send;
}

impl<T: Versioned, S: KeyedStore<T>> KeyedStore<T> for &S {
    fn receipt(
        &self,
        scope: &str,
        key: &str,
        now: u64,
    ) -> impl Future<Output = Result<Option<Receipt>, StoreError>> + Send {
        (**self).receipt(scope, key, now)
    }

    fn insert_keyed(
        &self,
        record: &Stored<T>,
        after: Option<Version>,
        receipt: &Receipt,
        now: u64,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send {
        (**self).insert_keyed(record, after, receipt, now)
    }

    fn update_keyed(
        &self,
        record: &Stored<T>,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send {
        (**self).update_keyed(record, expected, receipt, now)
    }

    fn delete_keyed(
        &self,
        id: &T::Id,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> impl Future<Output = Result<Claim, StoreError>> + Send {
        (**self).delete_keyed(id, expected, receipt, now)
    }

    fn forget_receipts(
        &self,
        now: u64,
        limit: usize,
    ) -> impl Future<Output = Result<usize, StoreError>> + Send {
        (**self).forget_receipts(now, limit)
    }
}
