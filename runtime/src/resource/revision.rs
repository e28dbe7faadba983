//! One version of a resource as its revision history keeps it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::http::Version;
use crate::resource::{Stored, Versioned};

/// A resource as it was at one version: its representation without the
/// sensitive fields (which no history keeps) and the skipped ones (the
/// service's bookkeeping), for three-way merges of stale writes and for
/// services that show what changed.
///
/// Stores keep the latest [`Versioned::HISTORY`] of them per resource,
/// written in the same atomic step as each version
/// ([`Store::revisions`](crate::Store::revisions)). Serialises as its
/// fields, with the version as `version`.
///
/// ```
/// use optimist::{Revision, Stored, Version};
///
/// #[derive(optimist::Versioned, serde::Serialize, Clone)]
/// #[versioned(history = 10)]
/// struct Doc { id: u64, version: u64, body: String, #[versioned(sensitive)] key: String }
///
/// let doc = Stored::created(Doc { id: 1, version: 0, body: "hi".into(), key: "k".into() }, Version::FIRST)?;
/// let revision = Revision::of(&doc)?;
/// assert_eq!(revision.version(), Version::FIRST);
/// assert_eq!(revision.get("body"), Some(&serde_json::json!("hi")));
/// assert_eq!(revision.get("key"), None);
/// assert_eq!(serde_json::to_value(&revision)?, serde_json::json!({"id": 1, "version": 1, "body": "hi"}));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    version: Version,
    #[serde(flatten)]
    fields: Map<String, Value>,
}

impl Revision {
    /// The revision of a stored state.
    ///
    /// # Errors
    /// The resource's `Serialize` fails, or writes something other than
    /// an object.
    pub fn of<T: Versioned + Serialize>(stored: &Stored<T>) -> Result<Revision, serde_json::Error> {
        let Value::Object(mut fields) = serde_json::to_value(stored.value())? else {
            return Err(serde::ser::Error::custom(
                "a resource must serialise as a JSON object",
            ));
        };
        for field in T::FIELDS.iter().filter(|f| f.sensitive) {
            fields.remove(field.name);
        }
        for name in T::SKIPPED {
            fields.remove(*name);
        }
        fields.remove(T::VERSION_FIELD);
        Ok(Revision {
            version: stored.version(),
            fields,
        })
    }

    /// The revision a store keeps of `stored`, where `T` keeps a history.
    pub(crate) fn kept<T: Versioned + Serialize>(
        stored: &Stored<T>,
    ) -> Result<Option<Revision>, serde_json::Error> {
        (T::HISTORY > 0).then(|| Revision::of(stored)).transpose()
    }

    /// A revision read back from storage: `fields` as [`Revision::fields`]
    /// gave them.
    ///
    /// ```
    /// use optimist::{Revision, Version};
    /// let revision = Revision::from_parts(Version::FIRST, serde_json::Map::new());
    /// assert!(revision.fields().is_empty());
    /// ```
    #[must_use]
    pub fn from_parts(version: Version, fields: Map<String, Value>) -> Revision {
        Revision { version, fields }
    }

    /// The version this was.
    #[must_use]
    pub fn version(&self) -> Version {
        self.version
    }

    /// The value of the field with this wire name, where it was kept.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name)
    }

    /// Every kept field by wire name, the id's included, the version's
    /// and the sensitive ones' not.
    #[must_use]
    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }
}
