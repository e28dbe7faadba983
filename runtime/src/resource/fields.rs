//! Field metadata, sets of fields and per-field stamps: the version at
//! which each field last changed.

use core::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use crate::http::Version;
use crate::resource::Versioned;

/// One compared field of a [`Versioned`] type, as the derive describes it.
///
/// ```
/// use optimist::{Field, MergeKind};
/// let email = Field::plain("email");
/// assert_eq!((email.name, email.sensitive, email.merge), ("email", false, MergeKind::Plain));
/// let likes = Field { merge: MergeKind::Counter { min: Some(0), max: None }, ..Field::plain("likes") };
/// assert_eq!(likes.group, None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// The name on the wire (after `#[serde(rename)]` and `rename_all`).
    pub name: &'static str,
    /// Whether values of this field must never be shown (`#[versioned(sensitive)]`).
    pub sensitive: bool,
    /// How a stale write merges it, where the revision history holds the
    /// write's base (`#[versioned(text)]`, `counter`, `set`).
    pub merge: MergeKind,
    /// The group it conflicts together with (`#[versioned(group = "..")]`):
    /// a stale write never mixes one writer's values of a group with
    /// another's.
    pub group: Option<&'static str>,
}

impl Field {
    /// A field merged as one value, in no group, not sensitive.
    #[must_use]
    pub const fn plain(name: &'static str) -> Field {
        Field {
            name,
            sensitive: false,
            merge: MergeKind::Plain,
            group: None,
        }
    }
}

/// How a field of a stale write is merged with the current state, three
/// ways, from the value at the write's base version (kept in the revision
/// history, [`Versioned::HISTORY`]).
///
/// Whatever the kind, a field only one side changed takes that side's
/// value, and one both changed to the same value is no conflict.
///
/// ```
/// use optimist::MergeKind;
/// let likes = MergeKind::Counter { min: Some(0), max: None };
/// assert_ne!(likes, MergeKind::Plain);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeKind {
    /// Both sides changed it to different values: a conflict.
    Plain,
    /// Text merged line by line (a three-way merge, as `git merge` or
    /// `diff3` do): lines only one side edited take that side's edit;
    /// regions both edited differently conflict.
    Text,
    /// A number: the request's change from the base is added to the
    /// current value, so concurrent increments all count. A result
    /// outside the bounds (or the type) is a conflict.
    Counter {
        /// The smallest value allowed.
        min: Option<i128>,
        /// The largest value allowed.
        max: Option<i128>,
    },
    /// A collection read as a set: the elements the request added since
    /// the base are added to the current value, those it removed are
    /// removed.
    Set,
}

/// A set of field indexes into [`Versioned::FIELDS`].
///
/// Up to 128 fields live inline, so diffing ordinary resources does not
/// allocate; wider structs spill to the heap.
///
/// ```
/// use optimist::FieldSet;
/// let mut set = FieldSet::new();
/// set.insert(3);
/// set.insert(200);
/// assert!(set.contains(3) && set.contains(200) && !set.contains(4));
/// assert_eq!(set.iter().collect::<Vec<_>>(), [3, 200]);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct FieldSet {
    low: u128,
    high: Vec<u128>,
}

impl FieldSet {
    /// The empty set.
    #[must_use]
    pub const fn new() -> FieldSet {
        FieldSet {
            low: 0,
            high: Vec::new(),
        }
    }

    /// The fields whose entry in `changed` is `true`: what a derived
    /// [`Versioned::diff`] returns, from one comparison per field.
    ///
    /// ```
    /// use optimist::FieldSet;
    /// let set = FieldSet::from_changed([false, true, true]);
    /// assert_eq!(set.iter().collect::<Vec<_>>(), [1, 2]);
    /// ```
    #[must_use]
    #[inline]
    pub fn from_changed<const N: usize>(changed: [bool; N]) -> FieldSet {
        let mut set = FieldSet::new();
        for (index, _) in changed.iter().enumerate().filter(|(_, c)| **c) {
            set.insert(index);
        }
        set
    }

    /// Adds field `index`.
    pub fn insert(&mut self, index: usize) {
        let (word, bit) = (index / 128, index % 128);
        if word == 0 {
            self.low |= 1 << bit;
        } else {
            if self.high.len() < word {
                self.high.resize(word, 0);
            }
            self.high[word - 1] |= 1 << bit;
        }
    }

    /// Whether field `index` is in the set.
    #[must_use]
    pub fn contains(&self, index: usize) -> bool {
        let (word, bit) = (index / 128, index % 128);
        let word = if word == 0 {
            Some(self.low)
        } else {
            self.high.get(word - 1).copied()
        };
        word.is_some_and(|w| w & (1 << bit) != 0)
    }

    /// Whether the set is empty.
    ///
    /// ```
    /// assert!(optimist::FieldSet::new().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.low == 0 && self.high.iter().all(|w| *w == 0)
    }

    /// The indexes in the set, ascending.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        core::iter::once(self.low)
            .chain(self.high.iter().copied())
            .enumerate()
            .flat_map(|(word, bits)| {
                (0..128)
                    .filter(move |bit| bits & (1u128 << bit) != 0)
                    .map(move |bit| word * 128 + bit)
            })
    }

    /// Keeps only the indexes for which `keep` is true.
    ///
    /// ```
    /// let mut set: optimist::FieldSet = [1, 2, 3].into_iter().collect();
    /// set.retain(|i| i != 2);
    /// assert_eq!(set.iter().collect::<Vec<_>>(), [1, 3]);
    /// ```
    pub fn retain(&mut self, mut keep: impl FnMut(usize) -> bool) {
        // Clears bits in place: this runs on every stale write.
        for (word, bits) in core::iter::once(&mut self.low)
            .chain(self.high.iter_mut())
            .enumerate()
        {
            let mut rest = *bits;
            while rest != 0 {
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                if !keep(word * 128 + bit) {
                    *bits &= !(1 << bit);
                }
            }
        }
    }
}

impl FromIterator<usize> for FieldSet {
    fn from_iter<I: IntoIterator<Item = usize>>(iter: I) -> Self {
        let mut set = FieldSet::new();
        for i in iter {
            set.insert(i);
        }
        set
    }
}

impl fmt::Debug for FieldSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

/// For each compared field, the version at which it last changed.
///
/// Kept beside the resource by every store and advanced on every write,
/// so a stale write can be checked field by field.
///
/// ```
/// use optimist::{FieldSet, Stamps, Version};
///
/// let v1 = Version::FIRST;
/// let v2 = v1.next()?;
/// let mut stamps = Stamps::new(3, v1);
/// stamps.advance(&[1].into_iter().collect::<FieldSet>(), v2);
/// assert_eq!(stamps.get(0), Some(v1));
/// assert_eq!(stamps.get(1), Some(v2));
/// # Ok::<(), optimist::VersionOverflow>(())
/// ```
///
/// Reads clone stamps with every resource they load and writes replace
/// them whole, so they are shared: a clone allocates nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamps(Arc<[Version]>);

impl Stamps {
    /// Stamps for `fields` fields, all at `version` (a new resource).
    #[must_use]
    pub fn new(fields: usize, version: Version) -> Stamps {
        Stamps(core::iter::repeat_n(version, fields).collect())
    }

    /// The stamp of field `index`.
    #[must_use]
    pub fn get(&self, index: usize) -> Option<Version> {
        self.0.get(index).copied()
    }

    /// Marks `changed` as written at `version`. Stamps never decrease.
    pub fn advance(&mut self, changed: &FieldSet, version: Version) {
        if changed.is_empty() {
            return;
        }
        let mut stamps = self.0.to_vec();
        for i in changed.iter() {
            if let Some(stamp) = stamps.get_mut(i) {
                *stamp = (*stamp).max(version);
            }
        }
        self.0 = stamps.into();
    }

    /// The stamps as a JSON object keyed by wire name, for storage.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Stamps, Version};
    /// let stamps = Stamps::new(1, Version::FIRST);
    /// assert_eq!(stamps.to_json::<Note>().to_string(), r#"{"text":1}"#);
    /// ```
    #[must_use]
    pub fn to_json<T: Versioned>(&self) -> Value {
        let map: Map<String, Value> = T::FIELDS
            .iter()
            .zip(self.0.iter())
            .map(|(field, stamp)| (field.name.to_owned(), Value::from(stamp.get())))
            .collect();
        Value::Object(map)
    }

    /// Reads stored stamps. A field without a valid stamp (one added to
    /// the struct after the row was written) gets `current`: a stale write
    /// to it is then a conflict, the safe reading of "unknown".
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: u64, text: String, tags: String }
    /// use optimist::{Stamps, Version};
    /// let v9 = Version::new(9).unwrap();
    /// let stamps = Stamps::from_json::<Note>(&serde_json::json!({"text": 2}), v9);
    /// assert_eq!(stamps.get(0), Version::new(2));
    /// assert_eq!(stamps.get(1), Some(v9));
    /// ```
    #[must_use]
    pub fn from_json<T: Versioned>(stored: &Value, current: Version) -> Stamps {
        Stamps(
            T::FIELDS
                .iter()
                .map(|field| {
                    stored
                        .get(field.name)
                        .and_then(Value::as_u64)
                        .and_then(Version::new)
                        .map_or(current, |v| v.min(current))
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::FieldSet;

    #[test]
    fn retain_keeps_exactly_what_it_is_told_across_words() {
        let mut set: FieldSet = [0, 5, 127, 128, 200, 383].into_iter().collect();
        set.retain(|i| i % 5 == 0 || i == 383);
        assert_eq!(set.iter().collect::<Vec<_>>(), [0, 5, 200, 383]);
        set.retain(|_| false);
        assert!(set.is_empty());
    }
}
