//! The in-memory reference store.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::http::Version;
use crate::problem::StoreError;
use crate::resource::{Revision, Stored, Versioned};
use crate::rules::Receipt;
use crate::store::{Claim, KeyedStore, Slot, Store};

/// A store in process memory: the reference implementation of [`Store`],
/// for tests and for services that keep nothing across restarts.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
/// # struct Note { id: u64, version: u64, text: String }
/// let store = optimist::MemoryStore::<Note>::new();
/// # let _ = store;
/// ```
pub struct MemoryStore<T: Versioned> {
    slots: Mutex<Inner<T>>,
    ids: AtomicU64,
}

struct Inner<T: Versioned> {
    by_id: HashMap<T::Id, Slot<T>>,
    order: Vec<T::Id>,
    /// The kept revisions of each live resource, oldest first.
    history: HashMap<T::Id, VecDeque<Revision>>,
    /// The receipts of keyed writes, by scope and key.
    receipts: HashMap<(String, String), Receipt>,
}

impl<T: Versioned> MemoryStore<T> {
    /// An empty store.
    #[must_use]
    pub fn new() -> Self {
        MemoryStore {
            slots: Mutex::new(Inner {
                by_id: HashMap::new(),
                order: Vec::new(),
                history: HashMap::new(),
                receipts: HashMap::new(),
            }),
            ids: AtomicU64::new(0),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Inner<T>) -> R) -> R {
        // A panic while holding the lock cannot leave a half-written slot:
        // every change below is one assignment.
        let mut guard = self
            .slots
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }
}

impl<T: Versioned> Default for MemoryStore<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Versioned + Clone> Inner<T>
where
    T::Id: Hash + Eq + Clone,
{
    /// Keeps `revision` of the resource `id`, forgetting the oldest past
    /// the type's depth.
    fn keep(&mut self, id: &T::Id, revision: Option<Revision>) {
        let Some(revision) = revision else { return };
        let kept = self.history.entry(id.clone()).or_default();
        kept.push_back(revision);
        while kept.len() > T::HISTORY {
            kept.pop_front();
        }
    }

    fn insert(
        &mut self,
        record: &Stored<T>,
        after: Option<Version>,
        revision: Option<Revision>,
    ) -> bool {
        let id = record.value().id();
        let free = match (self.by_id.get(id), after) {
            (None, None) => {
                self.order.push(id.clone());
                true
            }
            (Some(Slot::Deleted(v)), Some(after)) => *v == after,
            _ => false,
        };
        if free {
            self.by_id.insert(id.clone(), Slot::Live(record.clone()));
            self.history.remove(id);
            self.keep(id, revision);
        }
        free
    }

    fn update(
        &mut self,
        record: &Stored<T>,
        expected: Version,
        revision: Option<Revision>,
    ) -> bool {
        let id = record.value().id();
        let done = swap_live(&mut self.by_id, id, expected, || Slot::Live(record.clone()));
        if done {
            self.keep(id, revision);
        }
        done
    }

    fn delete(&mut self, id: &T::Id, expected: Version) -> bool {
        let done = swap_live(&mut self.by_id, id, expected, || Slot::Deleted(expected));
        if done {
            self.history.remove(id);
        }
        done
    }

    /// Runs `write` where `receipt`'s key is free at `now`, and keeps the
    /// receipt where it took effect: both under the one lock.
    fn keyed(
        &mut self,
        receipt: &Receipt,
        now: u64,
        write: impl FnOnce(&mut Self) -> bool,
    ) -> Claim {
        let key = (receipt.scope.clone(), receipt.key.clone());
        if self
            .receipts
            .get(&key)
            .is_some_and(|held| held.holds_at(now))
        {
            return Claim::Taken;
        }
        if !write(self) {
            return Claim::Lost;
        }
        self.receipts.insert(key, receipt.clone());
        Claim::Written
    }
}

impl<T> Store<T> for MemoryStore<T>
where
    T: Versioned + Serialize + Clone + Send + Sync,
    T::Id: Hash + Eq + Clone + Send + Sync,
{
    async fn load(&self, id: &T::Id) -> Result<Option<Slot<T>>, StoreError> {
        Ok(self.with(|inner| inner.by_id.get(id).cloned()))
    }

    async fn live_version(&self, id: &T::Id) -> Result<Option<Version>, StoreError> {
        Ok(self.with(|inner| match inner.by_id.get(id) {
            Some(Slot::Live(stored)) => Some(stored.version()),
            _ => None,
        }))
    }

    async fn list(
        &self,
        after: Option<&T::Id>,
        limit: usize,
    ) -> Result<Vec<Stored<T>>, StoreError> {
        Ok(self.with(|inner| {
            let start = match after {
                None => 0,
                Some(after) => inner
                    .order
                    .iter()
                    .position(|id| id == after)
                    .map_or(inner.order.len(), |at| at + 1),
            };
            inner.order[start..]
                .iter()
                .filter_map(|id| match inner.by_id.get(id) {
                    Some(Slot::Live(stored)) => Some(stored.clone()),
                    _ => None,
                })
                .take(limit)
                .collect()
        }))
    }

    async fn insert(&self, record: &Stored<T>, after: Option<Version>) -> Result<bool, StoreError> {
        let revision = Revision::kept(record).map_err(StoreError::new)?;
        Ok(self.with(|inner| inner.insert(record, after, revision)))
    }

    async fn update(&self, record: &Stored<T>, expected: Version) -> Result<bool, StoreError> {
        let revision = Revision::kept(record).map_err(StoreError::new)?;
        Ok(self.with(|inner| inner.update(record, expected, revision)))
    }

    async fn delete(&self, id: &T::Id, expected: Version) -> Result<bool, StoreError> {
        Ok(self.with(|inner| inner.delete(id, expected)))
    }

    async fn revisions(
        &self,
        id: &T::Id,
        from: Version,
        to: Version,
    ) -> Result<Vec<Revision>, StoreError> {
        Ok(self.with(|inner| {
            inner.history.get(id).map_or_else(Vec::new, |kept| {
                kept.iter()
                    .filter(|r| (from..=to).contains(&r.version()))
                    .cloned()
                    .collect()
            })
        }))
    }

    async fn next_id(&self) -> Result<u64, StoreError> {
        Ok(self.ids.fetch_add(1, Ordering::Relaxed) + 1)
    }
}

impl<T> KeyedStore<T> for MemoryStore<T>
where
    T: Versioned + Serialize + Clone + Send + Sync,
    T::Id: Hash + Eq + Clone + Send + Sync,
{
    async fn receipt(
        &self,
        scope: &str,
        key: &str,
        now: u64,
    ) -> Result<Option<Receipt>, StoreError> {
        let key = (scope.to_owned(), key.to_owned());
        Ok(self.with(|inner| {
            inner
                .receipts
                .get(&key)
                .filter(|r| r.holds_at(now))
                .cloned()
        }))
    }

    async fn insert_keyed(
        &self,
        record: &Stored<T>,
        after: Option<Version>,
        receipt: &Receipt,
        now: u64,
    ) -> Result<Claim, StoreError> {
        let revision = Revision::kept(record).map_err(StoreError::new)?;
        Ok(self
            .with(|inner| inner.keyed(receipt, now, |inner| inner.insert(record, after, revision))))
    }

    async fn update_keyed(
        &self,
        record: &Stored<T>,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> Result<Claim, StoreError> {
        let revision = Revision::kept(record).map_err(StoreError::new)?;
        Ok(self.with(|inner| {
            inner.keyed(receipt, now, |inner| {
                inner.update(record, expected, revision)
            })
        }))
    }

    async fn delete_keyed(
        &self,
        id: &T::Id,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> Result<Claim, StoreError> {
        Ok(self.with(|inner| inner.keyed(receipt, now, |inner| inner.delete(id, expected))))
    }

    async fn forget_receipts(&self, now: u64, limit: usize) -> Result<usize, StoreError> {
        Ok(self.with(|inner| {
            let expired: Vec<_> = inner
                .receipts
                .iter()
                .filter(|(_, r)| !r.holds_at(now))
                .map(|(key, _)| key.clone())
                .take(limit)
                .collect();
            for key in &expired {
                inner.receipts.remove(key);
            }
            expired.len()
        }))
    }
}

/// The compare-and-swap: replaces the live slot at `expected` version.
fn swap_live<T: Versioned>(
    slots: &mut HashMap<T::Id, Slot<T>>,
    id: &T::Id,
    expected: Version,
    next: impl FnOnce() -> Slot<T>,
) -> bool
where
    T::Id: Hash + Eq,
{
    let Some(slot) = slots.get_mut(id) else {
        return false;
    };
    let at_expected = matches!(&*slot, Slot::Live(s) if s.version() == expected);
    if at_expected {
        *slot = next();
    }
    at_expected
}
