//! The in-memory reference store.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

use crate::http::Version;
use crate::problem::StoreError;
use crate::resource::{Revision, Stored, Versioned};
use crate::store::{Slot, Store};

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

impl<T: Versioned> Inner<T>
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
        Ok(self.with(|inner| {
            let id = record.value().id();
            let free = match (inner.by_id.get(id), after) {
                (None, None) => {
                    inner.order.push(id.clone());
                    true
                }
                (Some(Slot::Deleted(v)), Some(after)) => *v == after,
                _ => false,
            };
            if free {
                inner.by_id.insert(id.clone(), Slot::Live(record.clone()));
                inner.history.remove(id);
                inner.keep(id, revision);
            }
            free
        }))
    }

    async fn update(&self, record: &Stored<T>, expected: Version) -> Result<bool, StoreError> {
        let revision = Revision::kept(record).map_err(StoreError::new)?;
        Ok(self.with(|inner| {
            let id = record.value().id();
            let done = swap_live(&mut inner.by_id, id, expected, || {
                Slot::Live(record.clone())
            });
            if done {
                inner.keep(id, revision);
            }
            done
        }))
    }

    async fn delete(&self, id: &T::Id, expected: Version) -> Result<bool, StoreError> {
        Ok(self.with(|inner| {
            let done = swap_live(&mut inner.by_id, id, expected, || Slot::Deleted(expected));
            if done {
                inner.history.remove(id);
            }
            done
        }))
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
