//! A resource as a store holds it: the value with its field stamps.

use crate::http::{Version, VersionTag};
use crate::resource::{Stamps, Versioned};

/// A resource as stored: its value, whose version is valid, and the stamps
/// of its compared fields.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::{Stamps, Stored, Version};
///
/// let note = Stored::new(Note { id: 1, version: 3, text: "hi".into() }, Stamps::new(1, Version::FIRST)).unwrap();
/// assert_eq!(note.version().get(), 3);
/// assert_eq!(note.etag().to_string(), "\"v3\"");
/// assert!(Stored::new(Note { id: 1, version: 0, text: "".into() }, Stamps::new(1, Version::FIRST)).is_none());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<T> {
    value: T,
    stamps: Stamps,
    version: Version,
}

impl<T: Versioned> Stored<T> {
    /// Pairs a value with its stamps; `None` where the value's version
    /// field holds no valid version.
    #[must_use]
    pub fn new(value: T, stamps: Stamps) -> Option<Self> {
        let version = value.version()?;
        Some(Stored {
            value,
            stamps,
            version,
        })
    }

    /// A new resource at `version`: every stamp is `version`.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Stored, Version};
    /// let v5 = Version::new(5).unwrap();
    /// let note = Stored::created(Note { id: 1, version: 0, text: "".into() }, v5)?;
    /// assert_eq!((note.version(), note.stamps().get(0)), (v5, Some(v5)));
    /// # Ok::<(), optimist::VersionOverflow>(())
    /// ```
    pub fn created(mut value: T, version: Version) -> Result<Self, crate::http::VersionOverflow> {
        value.set_version(version)?;
        Ok(Stored {
            value,
            stamps: Stamps::new(T::FIELDS.len(), version),
            version,
        })
    }

    /// The next state: `value` at the next version, with the stamps of the
    /// fields that differ from the current value advanced to it.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
    /// # struct Note { id: u64, version: u64, title: String, text: String }
    /// use optimist::{Stored, Version};
    /// let v1 = Stored::created(Note { id: 1, version: 0, title: "a".into(), text: "".into() }, Version::FIRST)?;
    /// let mut edit = v1.value().clone();
    /// edit.text = "hello".into();
    /// let v2 = v1.successor(edit)?;
    /// assert_eq!(v2.version().get(), 2);
    /// assert_eq!(v2.stamps().get(0).map(Version::get), Some(1));
    /// assert_eq!(v2.stamps().get(1).map(Version::get), Some(2));
    /// # Ok::<(), optimist::VersionOverflow>(())
    /// ```
    pub fn successor(&self, mut value: T) -> Result<Self, crate::http::VersionOverflow> {
        let version = self.version.next()?;
        let changed = self.value.diff(&value);
        value.set_version(version)?;
        let mut stamps = self.stamps.clone();
        stamps.advance(&changed, version);
        Ok(Stored {
            value,
            stamps,
            version,
        })
    }
}

impl<T> Stored<T> {
    /// The value.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The value, giving up the stamps.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The field stamps.
    pub fn stamps(&self) -> &Stamps {
        &self.stamps
    }

    /// The version.
    pub fn version(&self) -> Version {
        self.version
    }

    /// The strong entity tag of this state, for the `ETag` header.
    pub fn etag(&self) -> VersionTag {
        VersionTag::from_version(self.version)
    }
}
