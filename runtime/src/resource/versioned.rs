//! The trait that `#[derive(Versioned)]` implements.

use crate::http::{Version, VersionOverflow, VersionRepr};
use crate::merge::ThreeWay;
use crate::resource::{Field, FieldSet, Revision};

/// A resource under optimistic concurrency control.
///
/// Derive it: `#[derive(Versioned)]` finds the id and version fields (named
/// `id` and `version`, or marked `#[versioned(id)]` and
/// `#[versioned(version)]`) and describes every other field for per-field
/// comparison, stamps and merge. Every field other than id and version is
/// *compared* unless marked `#[versioned(skip)]`.
///
/// ```
/// use optimist::Versioned;
///
/// #[derive(Versioned, serde::Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct User {
///     id: u64,
///     version: u32,
///     display_name: String,
///     #[versioned(sensitive)]
///     password: String,
/// }
///
/// assert_eq!(User::RESOURCE, "User");
/// assert_eq!(User::FIELDS[0].name, "displayName");
/// assert!(User::FIELDS[1].sensitive);
/// ```
pub trait Versioned: Sized {
    /// The type of the id field.
    type Id;

    /// The type of the version field: `u32`, `u64`, `i32`, `i64` or
    /// [`Version`], or an alias of one.
    type VersionField: VersionRepr;

    /// The resource's name in messages (`#[versioned(resource = "..")]`,
    /// default: the struct's name).
    const RESOURCE: &'static str;

    /// The wire name of the id field.
    const ID_FIELD: &'static str;

    /// The wire name of the version field.
    const VERSION_FIELD: &'static str;

    /// The compared fields, in declaration order. Indexes into this slice
    /// name fields in [`FieldSet`]s and [`Stamps`](crate::Stamps).
    /// A field under a `#[cfg]` that is off is not part of the struct, so
    /// it is not listed; stored stamps are keyed by name, so they survive.
    const FIELDS: &'static [Field];

    /// Each serialised field's `(wire name, column)` in a table of its
    /// own ([`TableStore`](crate::store::TableStore)): id, version, the
    /// compared fields, then the skipped ones. The column is the Rust
    /// field's name, or `#[versioned(column = "..")]`. Empty (the default
    /// of a hand-written impl): every column is named as on the wire.
    ///
    /// ```
    /// #[derive(optimist::Versioned, serde::Serialize)]
    /// #[serde(rename_all = "camelCase")]
    /// struct User {
    ///     id: u64,
    ///     version: u32,
    ///     display_name: String,
    ///     #[versioned(column = "mail")]
    ///     email: String,
    /// }
    ///
    /// use optimist::Versioned;
    /// assert_eq!(User::COLUMNS, [("id", "id"), ("version", "version"),
    ///     ("displayName", "display_name"), ("email", "mail")]);
    /// ```
    const COLUMNS: &'static [(&'static str, &'static str)] = &[];

    /// The wire names of `#[versioned(skip)]` fields: the service's own
    /// bookkeeping, which takes no part in comparison or merge and is left
    /// out of the `current` representation of a conflict.
    const SKIPPED: &'static [&'static str] = &[];

    /// How many versions of each resource its store keeps in the
    /// revision history (`#[versioned(history = 20)]`), the current one
    /// included: a stale write based on one of them is merged three ways,
    /// field by field ([`crate::merge`]). 0, the default, keeps none: a
    /// stale write is then judged by the field stamps alone. A resource
    /// with history is `Clone`, and its kept fields `Clone` and
    /// `Deserialize`: a merge copies values and reads the kept ones.
    ///
    /// ```
    /// #[derive(optimist::Versioned, serde::Serialize, Clone)]
    /// #[versioned(history = 20)]
    /// struct Doc { id: u64, version: u64, #[versioned(text)] body: String }
    ///
    /// use optimist::Versioned;
    /// assert_eq!(Doc::HISTORY, 20);
    /// ```
    const HISTORY: usize = 0;

    /// Merges the current state into `self`, a stale write's requested
    /// state, field by field as `merge` decided them: derived for a
    /// resource with history, calling the [`ThreeWay`] method of each
    /// field's kind. The default merges nothing, so every field only the
    /// current state changed stays a conflict.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
    /// # #[versioned(history = 5)]
    /// # struct Doc { id: u64, version: u64, title: String, #[versioned(text)] body: String }
    /// use optimist::{MemoryStore, Policy, Preconditions, Version};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let store = MemoryStore::<Doc>::new();
    /// let doc = Doc { id: 1, version: 0, title: "T".into(), body: "one\n\ntwo\n".into() };
    /// optimist::create(&store, doc.clone()).await?;
    /// let (pre, policy, v1) = (Preconditions::default(), Policy::default(), Version::new(1));
    /// // Two writers start from version 1 and edit different lines.
    /// let first = |_: Option<&Doc>| Ok(Doc { body: "ONE\n\ntwo\n".into(), ..doc.clone() });
    /// optimist::put(&store, &1, &pre, &policy, v1, first).await?;
    /// let second = |_: Option<&Doc>| Ok(Doc { body: "one\n\nTWO\n".into(), ..doc.clone() });
    /// let merged = optimist::put(&store, &1, &pre, &policy, v1, second).await?;
    /// assert_eq!(merged.stored.value().body, "ONE\n\nTWO\n");
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    #[inline]
    fn merge(&mut self, current: &Self, merge: &mut ThreeWay<'_>) {
        let _ = (current, merge);
    }

    /// This resource as it was at `revision`: its compared fields read
    /// from the revision, the sensitive and skipped ones as they are now.
    /// A stale write's edit is applied to it, so that the request's
    /// changes are told from its base (a field a patch leaves out is the
    /// base's, not a change). Derived for a resource with history; `None`
    /// where a kept value does not read as its field (the write is then
    /// judged by the stamps). The default: `None`.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug, PartialEq)]
    /// # #[versioned(history = 5)]
    /// # struct Note { id: u64, version: u64, text: String, #[versioned(sensitive)] key: String }
    /// use optimist::{Revision, Version, Versioned};
    /// let now = Note { id: 1, version: 2, text: "new".into(), key: "k2".into() };
    /// let fields = serde_json::json!({"id": 1, "text": "old"});
    /// let v1 = Revision::from_parts(Version::FIRST, fields.as_object().unwrap().clone());
    /// let then = now.at_revision(&v1).unwrap();
    /// assert_eq!((then.text.as_str(), then.key.as_str()), ("old", "k2"));
    /// ```
    #[inline]
    #[must_use]
    fn at_revision(&self, revision: &Revision) -> Option<Self> {
        let _ = revision;
        None
    }

    /// The id.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::Versioned;
    /// let note = Note { id: 7, version: 1, text: "hi".into() };
    /// assert_eq!(*note.id(), 7);
    /// ```
    fn id(&self) -> &Self::Id;

    /// The version; `None` where the field holds no valid version (zero
    /// or a negative number).
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: i32, text: String }
    /// use optimist::{Version, Versioned};
    /// assert_eq!(Note { id: 7, version: 3, text: "".into() }.version(), Version::new(3));
    /// assert_eq!(Note { id: 7, version: -1, text: "".into() }.version(), None);
    /// ```
    fn version(&self) -> Option<Version>;

    /// Sets the version; an error where the field's type cannot hold it.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: u32, text: String }
    /// use optimist::{Version, Versioned};
    /// let mut note = Note { id: 7, version: 1, text: "".into() };
    /// note.set_version(Version::new(9).unwrap())?;
    /// assert_eq!(note.version, 9);
    /// assert!(note.set_version(Version::new(1 << 40).unwrap()).is_err());
    /// # Ok::<(), optimist::VersionOverflow>(())
    /// ```
    fn set_version(&mut self, version: Version) -> Result<(), VersionOverflow>;

    /// The compared fields whose values differ between `self` and `other`.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: u64, title: String, text: String }
    /// use optimist::Versioned;
    /// let a = Note { id: 1, version: 1, title: "a".into(), text: "x".into() };
    /// let b = Note { id: 1, version: 2, title: "a".into(), text: "y".into() };
    /// assert_eq!(a.diff(&b).iter().collect::<Vec<_>>(), [1]);
    /// ```
    fn diff(&self, other: &Self) -> FieldSet;
}
