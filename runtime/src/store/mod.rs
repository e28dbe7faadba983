//! The storage contract: every write is one atomic
//! compare-and-swap on (id, version).

use core::future::Future;

use crate::http::Version;
use crate::problem::StoreError;
use crate::resource::{Revision, Stored, Versioned};

#[cfg(feature = "test-util")]
pub mod contract;
mod keyed;
mod memory;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_history;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_parts;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql_receipts;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod table;

pub use keyed::{Claim, KeyedStore};
pub use memory::MemoryStore;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use sql::SqlStore;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub use table::{InTransaction, TablePool, TableStore, TableTransaction};

/// What a store holds under an id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot<T> {
    /// A live resource.
    Live(Stored<T>),
    /// A deleted resource, and the last version it had: a re-create
    /// continues after it, so no version (and no ETag) repeats.
    Deleted(Version),
}

/// A store of versioned resources.
///
/// The methods are primitives, each one atomic step; the rules of
/// conditional writes live in [`crate::ops`] and hold for every store
/// whose methods keep what their docs promise: each write is one
/// compare-and-swap that reports whether it took effect, and a deleted
/// id keeps its last version.
///
/// ```
/// use optimist::{MemoryStore, Slot, Store, Stored, Version};
///
/// #[derive(optimist::Versioned, serde::Serialize, Clone, Debug, PartialEq)]
/// struct Note { id: u64, version: u64, text: String }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// let v1 = Stored::created(Note { id: 1, version: 0, text: "a".into() }, Version::FIRST).unwrap();
/// assert!(store.insert(&v1, None).await?);
/// assert!(!store.insert(&v1, None).await?, "the id is taken");
/// let v2 = v1.successor(Note { id: 1, version: 1, text: "b".into() }).unwrap();
/// assert!(store.update(&v2, Version::FIRST).await?);
/// assert!(!store.update(&v2, Version::FIRST).await?, "version 1 is gone");
/// assert_eq!(store.load(&1).await?, Some(Slot::Live(v2)));
/// # Ok::<(), optimist::StoreError>(()) }).unwrap();
/// ```
pub trait Store<T: Versioned>: Send + Sync {
    /// What is stored under `id`, if anything ever was.
    fn load(&self, id: &T::Id) -> impl Future<Output = Result<Option<Slot<T>>, StoreError>> + Send;

    /// The version of the live resource under `id` (`None`: none lives
    /// there), without loading the resource: what a request decided by the
    /// version alone needs (a 304, a 412), whatever the resource's size.
    fn live_version(
        &self,
        id: &T::Id,
    ) -> impl Future<Output = Result<Option<Version>, StoreError>> + Send;

    /// At most `limit` live resources, in the store's order (creation
    /// order, or the table store's id order), after the one with id
    /// `after` (live or deleted: the last of the page before) or from the
    /// first. Where the store never held `after`, the table store pages on
    /// from the next larger id, the others answer an empty page.
    fn list(
        &self,
        after: Option<&T::Id>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Stored<T>>, StoreError>> + Send;

    /// Stores a new resource, if the id is free: never used
    /// (`after: None`) or deleted at version `after`. `false`: it was not.
    fn insert(
        &self,
        record: &Stored<T>,
        after: Option<Version>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Replaces the live resource at `expected` with `record`.
    /// `false`: the resource is no longer at `expected` (or is gone).
    fn update(
        &self,
        record: &Stored<T>,
        expected: Version,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Deletes the live resource at `expected`, keeping its version.
    /// `false`: the resource is no longer at `expected` (or is gone).
    fn delete(
        &self,
        id: &T::Id,
        expected: Version,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A number never returned before by this store, for new ids.
    fn next_id(&self) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The revision history of the live resource under `id`: its kept
    /// versions from `from` to `to` (both included), oldest first.
    ///
    /// A store keeps the latest [`Versioned::HISTORY`] versions of each
    /// live resource, the current one included, each written in the same
    /// atomic step as the version itself ([`insert`](Self::insert),
    /// [`update`](Self::update)), and forgets them with the resource
    /// ([`delete`](Self::delete)). The default keeps none: stale writes
    /// to such a store are judged by the field stamps, and say so.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
    /// # #[versioned(history = 2)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{MemoryStore, Policy, Preconditions, Store, Version};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let store = MemoryStore::<Note>::new();
    /// optimist::create(&store, Note { id: 1, version: 0, text: "a".into() }).await?;
    /// let policy = Policy::DEFAULT.require_precondition(false);
    /// for text in ["b", "c"] {
    ///     let edit = |n: Option<&Note>| Ok(Note { text: text.into(), ..n.unwrap().clone() });
    ///     optimist::put(&store, &1, &Preconditions::default(), &policy, None, edit).await?;
    /// }
    /// let kept = store.revisions(&1, Version::FIRST, Version::new(3).unwrap()).await?;
    /// let texts: Vec<_> = kept.iter().map(|r| (r.version().get(), r.get("text").unwrap().clone())).collect();
    /// assert_eq!(texts, [(2, "b".into()), (3, "c".into())]);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    fn revisions(
        &self,
        id: &T::Id,
        from: Version,
        to: Version,
    ) -> impl Future<Output = Result<Vec<Revision>, StoreError>> + Send {
        let _ = (id, from, to);
        core::future::ready(Ok(Vec::new()))
    }
}

/// A store borrowed is a store: a collection can run on a store it does
/// not own, such as a transaction ([`Collection::with_store`](crate::Collection::with_store)).
impl<T: Versioned, S: Store<T>> Store<T> for &S {
    fn load(&self, id: &T::Id) -> impl Future<Output = Result<Option<Slot<T>>, StoreError>> + Send {
        (**self).load(id)
    }

    fn live_version(
        &self,
        id: &T::Id,
    ) -> impl Future<Output = Result<Option<Version>, StoreError>> + Send {
        (**self).live_version(id)
    }

    fn list(
        &self,
        after: Option<&T::Id>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Stored<T>>, StoreError>> + Send {
        (**self).list(after, limit)
    }

    fn insert(
        &self,
        record: &Stored<T>,
        after: Option<Version>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        (**self).insert(record, after)
    }

    fn update(
        &self,
        record: &Stored<T>,
        expected: Version,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        (**self).update(record, expected)
    }

    fn delete(
        &self,
        id: &T::Id,
        expected: Version,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send {
        (**self).delete(id, expected)
    }

    fn next_id(&self) -> impl Future<Output = Result<u64, StoreError>> + Send {
        (**self).next_id()
    }

    fn revisions(
        &self,
        id: &T::Id,
        from: Version,
        to: Version,
    ) -> impl Future<Output = Result<Vec<Revision>, StoreError>> + Send {
        (**self).revisions(id, from, to)
    }
}
