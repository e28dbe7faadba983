//! The trait that `#[derive(Versioned)]` implements.

use crate::http::{Version, VersionOverflow, VersionRepr};
use crate::resource::{Field, FieldSet};

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
