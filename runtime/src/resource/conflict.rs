//! The body of a 409 for a stale write (an RFC 9457 problem with
//! extension members).

use core::fmt;

use serde::Serialize;
use serde_json::Value;

use crate::http::Version;
use crate::merge::Region;
use crate::resource::{Field, FieldSet, Stored, Versioned};

/// A stale write refused because fields it changes were changed by someone
/// else since the client's version.
///
/// Serialises to the extension members of the `edit-conflict` problem: `resource`, `id`,
/// `yourVersion`, `currentVersion`, `conflicts` and `current`. Values of
/// sensitive fields are never held, so neither the body nor `Debug` can
/// show them.
///
/// ```
/// use optimist::{Conflict, FieldSet, Stamps, Stored, Version, Versioned};
///
/// #[derive(Versioned, serde::Serialize)]
/// struct User { id: u64, version: u64, email: String, #[versioned(sensitive)] password: String }
///
/// let v4 = Version::new(4).unwrap();
/// let v6 = Version::new(6).unwrap();
/// let mut stamps = Stamps::new(2, v4);
/// stamps.advance(&[0, 1].into_iter().collect(), v6);
/// let value = User { id: 123, version: 6, email: "b@x.org".into(), password: "s3cret".into() };
/// let current = Stored::new(value, stamps).unwrap();
/// let yours = User { id: 123, version: 4, email: "a@x.org".into(), password: "hunter2".into() };
/// let conflict = Conflict::new(&current, &yours, v4, &current.value().diff(&yours))?;
/// let body = serde_json::to_value(&conflict)?;
/// assert_eq!(body["conflicts"][0]["yours"], "a@x.org");
/// assert_eq!(body["conflicts"][1], serde_json::json!({"field": "password", "redacted": true, "changedIn": 6}));
/// assert!(body["current"].get("password").is_none());
/// assert!(!format!("{conflict:?}").contains("s3cret"));
/// # Ok::<(), serde_json::Error>(())
/// ```
//
// In the OpenAPI schema every member is optional: the 409 answers of a
// write share one response, and the others are plain problems.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Conflict {
    /// The resource's name, such as `User`.
    #[cfg_attr(feature = "utoipa", schema(value_type = String, required = false))]
    resource: &'static str,
    /// The resource's id.
    #[cfg_attr(feature = "utoipa", schema(required = false))]
    id: Value,
    /// The version the request was based on.
    #[cfg_attr(feature = "utoipa", schema(value_type = u64, minimum = 1, required = false))]
    your_version: Version,
    /// The current version: retry with it.
    #[cfg_attr(feature = "utoipa", schema(value_type = u64, minimum = 1, required = false))]
    current_version: Version,
    /// The conflicting fields.
    #[cfg_attr(feature = "utoipa", schema(required = false))]
    conflicts: Vec<FieldConflict>,
    /// The current representation, without sensitive fields.
    #[cfg_attr(feature = "utoipa", schema(value_type = Object, required = false))]
    current: Value,
    /// For a resource with revision history: `history` where the conflicts
    /// were found by a three-way merge with the state at `yourVersion`,
    /// `stamps` where the history no longer holds it, so the fields were
    /// judged by the version at which each last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "utoipa", schema(required = false))]
    basis: Option<Basis>,
    /// Members a service adds (RFC 9457 §3.2), after the standard ones.
    #[serde(flatten)]
    extensions: serde_json::Map<String, Value>,
    #[serde(skip)]
    display_id: String,
}

/// How the conflicts of a resource with revision history were found.
///
/// ```
/// assert_eq!(serde_json::to_value(optimist::Basis::Stamps).unwrap(), "stamps");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub enum Basis {
    /// A three-way merge with the state at the request's base version.
    History,
    /// The history no longer holds the base: each field was judged by
    /// the version at which it last changed.
    Stamps,
}

/// Members the problem body already has: an extension cannot replace them.
const RESERVED: [&str; 12] = [
    "type",
    "title",
    "status",
    "detail",
    "instance",
    "resource",
    "id",
    "yourVersion",
    "currentVersion",
    "conflicts",
    "current",
    "basis",
];

/// One conflicting field: its values, or `redacted` for a sensitive one.
///
/// ```
/// # use optimist::{Conflict, FieldSet, Stamps, Stored, Version, Versioned};
/// # #[derive(Versioned, serde::Serialize)]
/// # struct Note { id: u64, version: u64, text: String }
/// # let v2 = Version::new(2).unwrap();
/// # let current = Stored::new(Note { id: 1, version: 2, text: "b".into() }, Stamps::new(1, v2)).unwrap();
/// # let yours = Note { id: 1, version: 1, text: "a".into() };
/// let conflict = Conflict::new(&current, &yours, Version::FIRST, &[0].into_iter().collect())?;
/// let field = &conflict.conflicts()[0];
/// assert_eq!(field.field(), "text");
/// assert_eq!(field.yours(), Some(&serde_json::json!("a")));
/// assert_eq!(field.current(), Some(&serde_json::json!("b")));
/// assert_eq!(field.changed_in(), v2);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct FieldConflict {
    /// The field's name on the wire.
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    field: &'static str,
    /// The request's value (absent for a sensitive field).
    #[serde(skip_serializing_if = "Option::is_none")]
    yours: Option<Value>,
    /// The current value (absent for a sensitive field).
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<Value>,
    /// The value at the request's base version, where the revision
    /// history holds it (never for a sensitive field).
    #[serde(skip_serializing_if = "Option::is_none")]
    base: Option<Value>,
    /// For a text field: each region both sides edited differently.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "utoipa", schema(required = false))]
    regions: Vec<Region>,
    /// Why the values could not be merged, where a rule says more than
    /// "both changed it" (a counter's bound, a group, texts that differ in
    /// too many places to merge line by line).
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    /// `true` for a sensitive field: no values are shown.
    #[serde(skip_serializing_if = "core::ops::Not::not")]
    #[cfg_attr(feature = "utoipa", schema(required = false))]
    redacted: bool,
    /// The version in which the field last changed.
    #[cfg_attr(feature = "utoipa", schema(value_type = u64, minimum = 1))]
    changed_in: Version,
}

impl FieldConflict {
    /// The conflict on `field` between `yours` and `current`, which
    /// last changed in `changed_in`; no values are kept of a sensitive
    /// field.
    pub(crate) fn of(field: &Field, yours: Value, current: Value, changed_in: Version) -> Self {
        let (yours, current) = if field.sensitive {
            (None, None)
        } else {
            (Some(yours), Some(current))
        };
        FieldConflict {
            field: field.name,
            yours,
            current,
            base: None,
            regions: Vec::new(),
            reason: None,
            redacted: field.sensitive,
            changed_in,
        }
    }

    /// Adds what a three-way merge found: the base value, the regions of
    /// a text, the reason.
    pub(crate) fn with_base(
        mut self,
        base: Option<Value>,
        regions: Vec<Region>,
        reason: Option<String>,
    ) -> Self {
        if !self.redacted {
            self.base = base;
            self.regions = regions;
        }
        self.reason = reason;
        self
    }

    /// The value at the request's base version, where the revision
    /// history holds it; `None` for a sensitive field.
    #[must_use]
    pub fn base(&self) -> Option<&Value> {
        self.base.as_ref()
    }

    /// The regions of a text field that both sides edited differently.
    #[must_use]
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Why the values could not be merged, where a rule says more than
    /// "both changed it".
    #[must_use]
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }

    /// The field's wire name.
    #[must_use]
    pub fn field(&self) -> &'static str {
        self.field
    }

    /// The request's value, as the resource's `Serialize` writes it
    /// (`null` where it leaves the field out); `None` for a sensitive
    /// field.
    #[must_use]
    pub fn yours(&self) -> Option<&Value> {
        self.yours.as_ref()
    }

    /// The current value, as [`yours`](Self::yours) is shown; `None` for
    /// a sensitive field.
    #[must_use]
    pub fn current(&self) -> Option<&Value> {
        self.current.as_ref()
    }

    /// The version at which the field last changed.
    #[must_use]
    pub fn changed_in(&self) -> Version {
        self.changed_in
    }

    /// Whether values are withheld because the field is sensitive.
    #[must_use]
    pub fn is_redacted(&self) -> bool {
        self.redacted
    }
}

impl Conflict {
    /// Describes a refused write of `yours`, based on `your_version`,
    /// against `current`; `fields` are the conflicting compared fields.
    pub fn new<T>(
        current: &Stored<T>,
        yours: &T,
        your_version: Version,
        fields: &FieldSet,
    ) -> Result<Self, serde_json::Error>
    where
        T: Versioned + Serialize,
        T::Id: Serialize + fmt::Display,
    {
        // Each side is serialised once, as its representation: a field
        // shows as the resource's `Serialize` writes it (renames,
        // `serialize_with`), and one it leaves out shows as `null`.
        let theirs = redacted_representation(current.value())?;
        let yours = redacted_representation(yours)?;
        let value = |json: &Value, name: &str| json.get(name).cloned().unwrap_or(Value::Null);
        let conflicts = fields
            .iter()
            .filter_map(|index| {
                let field = T::FIELDS.get(index)?;
                let changed_in = current.stamps().get(index)?;
                Some(FieldConflict::of(
                    field,
                    value(&yours, field.name),
                    value(&theirs, field.name),
                    changed_in,
                ))
            })
            .collect();
        Self::from_parts(current, theirs, your_version, conflicts, None)
    }

    /// The conflict of a stale write based on `your_version` with
    /// `current` (`theirs` its redacted representation), found `basis`.
    pub(crate) fn from_parts<T>(
        current: &Stored<T>,
        theirs: Value,
        your_version: Version,
        conflicts: Vec<FieldConflict>,
        basis: impl Into<Option<Basis>>,
    ) -> Result<Self, serde_json::Error>
    where
        T: Versioned + Serialize,
        T::Id: Serialize + fmt::Display,
    {
        Ok(Conflict {
            resource: T::RESOURCE,
            id: serde_json::to_value(current.value().id())?,
            your_version,
            current_version: current.version(),
            conflicts,
            current: theirs,
            basis: basis.into(),
            extensions: serde_json::Map::new(),
            display_id: current.value().id().to_string(),
        })
    }

    /// Says how the conflicts were found (for a resource with history).
    pub(crate) fn with_basis(mut self, basis: Basis) -> Self {
        self.basis = Some(basis);
        self
    }

    /// How the conflicts were found, for a resource with revision
    /// history; `None` for one without.
    #[must_use]
    pub fn basis(&self) -> Option<Basis> {
        self.basis
    }

    /// The resource's name.
    #[must_use]
    pub fn resource(&self) -> &'static str {
        self.resource
    }

    /// The version the refused write was based on.
    #[must_use]
    pub fn your_version(&self) -> Version {
        self.your_version
    }

    /// The resource's current version.
    #[must_use]
    pub fn current_version(&self) -> Version {
        self.current_version
    }

    /// The conflicting fields.
    #[must_use]
    pub fn conflicts(&self) -> &[FieldConflict] {
        &self.conflicts
    }

    /// The current representation, without sensitive fields.
    #[must_use]
    pub fn current(&self) -> &Value {
        &self.current
    }

    /// Adds an extension member (RFC 9457 §3.2) to the problem body, such
    /// as a link to what changed between the two versions. A name the
    /// body already uses (`detail`, `conflicts`, …) is left untouched, so
    /// a service cannot reintroduce what optimist withholds.
    ///
    /// ```
    /// # use optimist::{Conflict, Stamps, Stored, Version};
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// # let v2 = Version::new(2).unwrap();
    /// # let current = Stored::new(Note { id: 1, version: 2, text: "b".into() }, Stamps::new(1, v2)).unwrap();
    /// # let yours = Note { id: 1, version: 1, text: "a".into() };
    /// let conflict = Conflict::new(&current, &yours, Version::FIRST, &[0].into_iter().collect())?
    ///     .with_extension("revisions", "/notes/1/revisions?from=1&to=2".into())
    ///     .with_extension("current", serde_json::Value::Null);
    /// let body = serde_json::to_value(&conflict)?;
    /// assert_eq!(body["revisions"], "/notes/1/revisions?from=1&to=2");
    /// assert_eq!(body["current"]["text"], "b");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn with_extension(mut self, name: &str, value: Value) -> Self {
        if !RESERVED.contains(&name) {
            self.extensions.insert(name.to_owned(), value);
        }
        self
    }
}

impl fmt::Display for Conflict {
    /// `User 123 changed since version 4: email, name`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} changed since version {}",
            self.resource, self.display_id, self.your_version
        )?;
        for (i, c) in self.conflicts.iter().enumerate() {
            f.write_str(if i == 0 { ": " } else { ", " })?;
            f.write_str(c.field)?;
        }
        Ok(())
    }
}

/// The resource as JSON with every sensitive and every skipped field
/// removed.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize)]
/// # struct User { id: u64, version: u64, #[versioned(sensitive)] password: String, #[versioned(skip)] audit: Vec<u64> }
/// let user = User { id: 1, version: 1, password: "hunter2".into(), audit: vec![1] };
/// let json = optimist::redacted_representation(&user)?;
/// assert_eq!(json, serde_json::json!({"id": 1, "version": 1}));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn redacted_representation<T: Versioned + Serialize>(
    value: &T,
) -> Result<Value, serde_json::Error> {
    let mut json = serde_json::to_value(value)?;
    if let Value::Object(map) = &mut json {
        for field in T::FIELDS.iter().filter(|f| f.sensitive) {
            map.remove(field.name);
        }
        for name in T::SKIPPED {
            map.remove(*name);
        }
    }
    Ok(json)
}
