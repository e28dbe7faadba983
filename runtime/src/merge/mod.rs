//! Three-way merges of stale writes: each field of the request, the
//! current state and the state at the request's base version (from the
//! revision history), decided by the field's [`MergeKind`].
//!
//! For every field: where the two sides agree, or only one side changed
//! it since the base, that side's value is taken; where both changed it
//! differently, text merges line by line, a counter adds the request's
//! change to the current value, a set applies the request's additions
//! and removals, and any other field is a conflict. Fields of one group
//! are decided together, as one value. A field the history does not hold
//! (a sensitive one, or one the base version did not have) is decided by
//! its stamp, as a write without history is.
//!
//! [`MergeKind`]: crate::MergeKind

use serde::Serialize;
use serde_json::{Map, Value};

use crate::http::Version;
use crate::resource::{
    Field, FieldConflict, FieldSet, MergeKind, Revision, Stamps, Stored, Versioned,
};

mod counter;
mod set;
mod text;

pub use counter::Counter;
pub use set::SetField;
pub use text::{Region, Resolution, Text, merge_text, resolve_text};

/// What the merge decided for one field.
#[derive(Debug)]
enum State {
    /// The request's value stands.
    Keep,
    /// Only the current state changed it: the current value is taken.
    Take,
    /// The current value was taken, or the two merged.
    Done,
    /// Both changed it differently (or its stamp says so where the
    /// history cannot tell), with what a merge of its kind found.
    Conflict {
        regions: Vec<Region>,
        reason: Option<String>,
    },
}

impl State {
    const fn conflict() -> State {
        State::Conflict {
            regions: Vec::new(),
            reason: None,
        }
    }
}

/// A merge in progress: the request's state is merged into field by field
/// by [`Versioned::merge`], which the derive writes as one call per field,
/// the method of its kind. Services see the outcome: a merged write, or a
/// 409 listing the conflicts.
///
/// A hand-written `merge` makes the same calls:
///
/// ```
/// use optimist::{Field, FieldSet, MergeKind, Version, VersionOverflow, Versioned};
/// use optimist::merge::ThreeWay;
///
/// #[derive(serde::Serialize, Clone)]
/// struct Post { id: u64, version: u64, title: String, body: String, likes: u32 }
///
/// impl Versioned for Post {
///     type Id = u64;
///     type VersionField = u64;
///     const RESOURCE: &'static str = "Post";
///     const ID_FIELD: &'static str = "id";
///     const VERSION_FIELD: &'static str = "version";
///     const FIELDS: &'static [Field] = &[
///         Field::plain("title"),
///         Field { merge: MergeKind::Text, ..Field::plain("body") },
///         Field { merge: MergeKind::Counter { min: Some(0), max: None }, ..Field::plain("likes") },
///     ];
///     const HISTORY: usize = 10;
///     fn id(&self) -> &u64 { &self.id }
///     fn version(&self) -> Option<Version> { Version::new(self.version) }
///     fn set_version(&mut self, v: Version) -> Result<(), VersionOverflow> {
///         self.version = v.get();
///         Ok(())
///     }
///     fn diff(&self, other: &Self) -> FieldSet {
///         FieldSet::from_changed([self.title != other.title, self.body != other.body, self.likes != other.likes])
///     }
///     fn merge(&mut self, current: &Self, merge: &mut ThreeWay<'_>) {
///         merge.plain(0, &mut self.title, &current.title);
///         merge.text(1, &mut self.body, &current.body);
///         merge.counter(2, &mut self.likes, &current.likes);
///     }
///     fn at_revision(&self, revision: &optimist::Revision) -> Option<Self> {
///         let mut base = self.clone();
///         base.title = revision.get("title")?.as_str()?.to_owned();
///         base.body = revision.get("body")?.as_str()?.to_owned();
///         base.likes = u32::try_from(revision.get("likes")?.as_u64()?).ok()?;
///         Some(base)
///     }
/// }
/// # assert_eq!(Post::HISTORY, 10);
/// ```
#[derive(Debug)]
pub struct ThreeWay<'a> {
    fields: &'static [Field],
    base: &'a Revision,
    /// The two sides' representations, without sensitive fields (so that
    /// not even `Debug` shows them).
    yours: Map<String, Value>,
    current: Map<String, Value>,
    /// The fields whose values differ between the two sides, by the
    /// resource's own comparison (a field its `Serialize` leaves out
    /// differs or not all the same).
    changed: FieldSet,
    stamps: &'a Stamps,
    states: Vec<State>,
}

/// The representation of `value` without its sensitive fields.
fn object<T: Versioned + Serialize>(value: &T) -> Result<Map<String, Value>, serde_json::Error> {
    let Value::Object(mut map) = serde_json::to_value(value)? else {
        return Err(serde::ser::Error::custom(
            "a resource must serialise as a JSON object",
        ));
    };
    for field in T::FIELDS.iter().filter(|f| f.sensitive) {
        map.remove(field.name);
    }
    Ok(map)
}

impl<'a> ThreeWay<'a> {
    /// Decides every field of `yours` against `current` and `base` by its
    /// values; merging kinds are merged by the calls that follow.
    pub(crate) fn new<T: Versioned + Serialize>(
        current: &'a Stored<T>,
        yours: &T,
        base: &'a Revision,
    ) -> Result<Self, serde_json::Error> {
        let mut merge = ThreeWay {
            fields: T::FIELDS,
            base,
            yours: object(yours)?,
            current: object(current.value())?,
            changed: current.value().diff(yours),
            stamps: current.stamps(),
            states: Vec::new(),
        };
        merge.states = (0..T::FIELDS.len()).map(|i| merge.decide(&[i])).collect();
        merge.decide_groups();
        Ok(merge)
    }

    /// The three values of a field: the request's, the current one, and
    /// the base's (`None` where the history does not hold it).
    fn values(&self, field: &Field) -> (Option<&Value>, Option<&Value>, Option<&Value>) {
        let base = if field.sensitive {
            None
        } else {
            self.base.get(field.name)
        };
        (
            self.yours.get(field.name),
            self.current.get(field.name),
            base,
        )
    }

    /// Decides the fields at `members` as one value (one field, or a
    /// group), for every member the same way.
    fn decide(&self, members: &[usize]) -> State {
        let fields: Vec<&Field> = members.iter().map(|i| &self.fields[*i]).collect();
        let values: Vec<_> = fields.iter().map(|f| self.values(f)).collect();
        // Two equal counts are two changes, not one: a counter the
        // request changed since its base merges even where it equals the
        // current value.
        if let ([field], [(y, _, Some(b))]) = (&fields[..], &values[..])
            && matches!(field.merge, MergeKind::Counter { .. })
            && y != &Some(*b)
        {
            return State::conflict();
        }
        if members.iter().all(|i| !self.changed.contains(*i)) {
            return State::Keep;
        }
        if values.iter().any(|(_, _, b)| b.is_none()) {
            let changed_since = members
                .iter()
                .any(|i| self.stamps.get(*i).is_none_or(|s| s > self.base.version()));
            return if changed_since {
                State::conflict()
            } else {
                State::Keep
            };
        }
        if values.iter().all(|(y, _, b)| y == b) {
            State::Take
        } else if values.iter().all(|(_, c, b)| c == b) {
            State::Keep
        } else {
            State::conflict()
        }
    }

    /// Redecides each group's members together.
    fn decide_groups(&mut self) {
        let mut groups: Vec<&'static str> = self.fields.iter().filter_map(|f| f.group).collect();
        groups.sort_unstable();
        groups.dedup();
        for group in groups {
            let members: Vec<usize> = (0..self.fields.len())
                .filter(|i| self.fields[*i].group == Some(group))
                .collect();
            let state = self.decide(&members);
            for i in members {
                // A member both sides left alike needs nothing done.
                let alike = !self.changed.contains(i);
                self.states[i] = match &state {
                    State::Take | State::Conflict { .. } if alike => State::Keep,
                    State::Take => State::Take,
                    State::Conflict { .. } => State::Conflict {
                        regions: Vec::new(),
                        reason: Some(format!("the group `{group}` changed on both sides")),
                    },
                    State::Keep | State::Done => State::Keep,
                };
            }
        }
    }

    /// A field merged as one value: takes the current value where only
    /// the current state changed it.
    pub fn plain<F: Clone>(&mut self, index: usize, yours: &mut F, current: &F) {
        if matches!(self.states.get(index), Some(State::Take)) {
            yours.clone_from(current);
            self.states[index] = State::Done;
        }
    }

    /// A `#[versioned(text)]` field: merged line by line where both
    /// changed it.
    pub fn text<S: Text>(&mut self, index: usize, yours: &mut S, current: &S) {
        self.kind(index, yours, current, |base, yours, current| {
            let base = base.as_str().ok_or((Vec::new(), None))?;
            text::merge_explained(base, yours.as_text(), current.as_text()).map(S::from_text)
        });
    }

    /// A `#[versioned(counter)]` field: the request's change added to the
    /// current value where both changed it.
    pub fn counter<C: Counter>(&mut self, index: usize, yours: &mut C, current: &C) {
        let bounds = match self.fields.get(index).map(|f| f.merge) {
            Some(MergeKind::Counter { min, max }) => (min, max),
            _ => (None, None),
        };
        self.kind(index, yours, current, |base, yours, current| {
            counter::merge_counter(base, *yours, *current, bounds)
                .map_err(|reason| (Vec::new(), Some(reason)))
        });
    }

    /// A `#[versioned(set)]` field: the request's additions and removals
    /// applied to the current elements where both changed it.
    pub fn set<S: SetField + Clone>(&mut self, index: usize, yours: &mut S, current: &S) {
        self.kind(index, yours, current, |base, yours, current| {
            set::merge_set(base, yours, current).map_err(|e| (Vec::new(), Some(e.to_string())))
        });
    }

    /// A merging kind's field: taken, merged by `merge`, or a conflict
    /// with what `merge` found.
    fn kind<F: Clone>(
        &mut self,
        index: usize,
        yours: &mut F,
        current: &F,
        merge: impl FnOnce(&Value, &F, &F) -> Result<F, (Vec<Region>, Option<String>)>,
    ) {
        self.plain(index, yours, current);
        // A conflict decided by the stamp has no base to merge from.
        let Some(State::Conflict { .. }) = self.states.get(index) else {
            return;
        };
        let Some(base) = self.base.get(self.fields[index].name) else {
            return;
        };
        self.states[index] = match merge(base, yours, current) {
            Ok(merged) => {
                *yours = merged;
                State::Done
            }
            Err((regions, reason)) => State::Conflict { regions, reason },
        };
    }

    /// The outcome: nothing left unmerged, or the conflicts (with each
    /// field's base value where the history holds it). A field left to
    /// take (one a hand-written [`Versioned::merge`] does not handle) is a
    /// conflict: the request's value would undo the current one.
    pub(crate) fn finish(self) -> Result<(), Vec<FieldConflict>> {
        let mut conflicts = Vec::new();
        for (i, state) in self.states.into_iter().enumerate() {
            let field = &self.fields[i];
            let (regions, reason) = match state {
                State::Keep | State::Done => continue,
                State::Take => (Vec::new(), None),
                State::Conflict { regions, reason } => (regions, reason),
            };
            let value =
                |map: &Map<String, Value>| map.get(field.name).cloned().unwrap_or(Value::Null);
            let base = (!field.sensitive)
                .then(|| self.base.get(field.name).cloned())
                .flatten();
            conflicts.push(
                FieldConflict::of(
                    field,
                    value(&self.yours),
                    value(&self.current),
                    self.stamps.get(i).unwrap_or(Version::FIRST),
                )
                .with_base(base, regions, reason),
            );
        }
        if conflicts.is_empty() {
            Ok(())
        } else {
            Err(conflicts)
        }
    }
}
