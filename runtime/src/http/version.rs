//! The version of a resource: a positive integer that starts at 1 and grows
//! by exactly one on every successful write, never wraps and is never
//! reused for an id (so no old `ETag` can match a re-created resource).

use core::fmt;
use core::num::NonZeroU64;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The version of a resource.
///
/// Versions start at [`Version::FIRST`] and only ever grow, one step per
/// write. A version is never zero, so `Option<Version>` costs nothing.
///
/// ```
/// use optimist::Version;
///
/// let v = Version::FIRST;
/// assert_eq!(v.get(), 1);
/// assert_eq!(v.next()?.get(), 2);
/// assert_eq!(Version::new(0), None);
/// # Ok::<(), optimist::VersionOverflow>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(NonZeroU64);

impl Version {
    /// The version of a newly created resource.
    pub const FIRST: Version = Version(NonZeroU64::MIN);

    /// The version `n`, or `None` for zero.
    ///
    /// ```
    /// assert_eq!(optimist::Version::new(7).map(|v| v.get()), Some(7));
    /// ```
    #[must_use]
    pub const fn new(n: u64) -> Option<Version> {
        match NonZeroU64::new(n) {
            Some(n) => Some(Version(n)),
            None => None,
        }
    }

    /// The version as an integer.
    ///
    /// ```
    /// assert_eq!(optimist::Version::FIRST.get(), 1);
    /// ```
    #[must_use]
    pub const fn get(self) -> u64 {
        self.0.get()
    }

    /// The version after this one; an error instead of wrapping.
    ///
    /// ```
    /// use optimist::Version;
    /// assert!(Version::new(u64::MAX).unwrap().next().is_err());
    /// ```
    pub const fn next(self) -> Result<Version, VersionOverflow> {
        match self.0.checked_add(1) {
            Some(n) => Ok(Version(n)),
            None => Err(VersionOverflow),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.get())
    }
}

/// Any JSON integer from 1, also written with a fraction of zero (`4.0`):
/// JSON Schema's `integer`, which OpenAPI documents use, allows both.
///
/// ```
/// use optimist::Version;
/// assert_eq!(serde_json::from_str::<Version>("4.0")?, Version::new(4).unwrap());
/// assert!(serde_json::from_str::<Version>("4.5").is_err());
/// assert!(serde_json::from_str::<Version>("0").is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let n = crate::rules::content::integer(deserializer)?;
        Version::new(n).ok_or_else(|| serde::de::Error::custom("a version starts at 1"))
    }
}

/// The version cannot grow any further in the type that holds it.
///
/// A `u32` version field at `u32::MAX` cannot be written again: the write is
/// refused rather than wrapped (a wrapped version would repeat an old ETag).
///
/// ```
/// use optimist::{Version, VersionOverflow, VersionRepr};
/// let at_limit = Version::new(u64::from(u32::MAX) + 1).unwrap();
/// assert_eq!(<u32 as VersionRepr>::from_version(at_limit), Err(VersionOverflow));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionOverflow;

impl fmt::Display for VersionOverflow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the version cannot grow any further")
    }
}

impl std::error::Error for VersionOverflow {}

/// The integer types a version field may have: `u32`, `u64`, `i32`, `i64`
/// and [`Version`], or an alias of one.
///
/// ```
/// use optimist::{Version, VersionRepr};
/// assert_eq!(7u32.to_version(), Version::new(7));
/// assert_eq!(0u64.to_version(), None); // 0: not yet stored
/// assert_eq!(i32::from_version(Version::FIRST), Ok(1));
/// ```
#[diagnostic::on_unimplemented(
    message = "the version field must be `u32`, `u64`, `i32`, `i64` or `optimist::Version`, not `{Self}`",
    label = "a version field counts writes: an integer that grows by one per write",
    note = "aliases work too: `type Rev = u64;` then `version: Rev`"
)]
pub trait VersionRepr: Copy + sealed::Sealed {
    /// The field's value as a version; `None` for zero or negative values.
    fn to_version(self) -> Option<Version>;
    /// The version in the field's type; an error where it does not fit.
    fn from_version(version: Version) -> Result<Self, VersionOverflow>;
}

/// Only the types listed can hold a version: the set is closed, so the
/// derive's error message can name them all.
mod sealed {
    pub trait Sealed {}
    impl Sealed for super::Version {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
    impl Sealed for i32 {}
    impl Sealed for i64 {}
}

impl VersionRepr for Version {
    fn to_version(self) -> Option<Version> {
        Some(self)
    }
    fn from_version(version: Version) -> Result<Self, VersionOverflow> {
        Ok(version)
    }
}

macro_rules! integer_repr {
    ($($t:ty),*) => {$(
        impl VersionRepr for $t {
            fn to_version(self) -> Option<Version> {
                u64::try_from(self).ok().and_then(Version::new)
            }
            fn from_version(version: Version) -> Result<Self, VersionOverflow> {
                <$t>::try_from(version.get()).map_err(|_| VersionOverflow)
            }
        }
    )*};
}
integer_repr!(u32, u64, i32, i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integer_fields_refuse_what_they_cannot_hold() {
        assert_eq!((-1i32).to_version(), None);
        assert_eq!(0u64.to_version(), None);
        assert_eq!(5i64.to_version(), Version::new(5));
        let big = Version::new(u64::from(u32::MAX)).unwrap();
        assert_eq!(u32::from_version(big), Ok(u32::MAX));
        assert_eq!(u32::from_version(big.next().unwrap()), Err(VersionOverflow));
        assert_eq!(i32::from_version(big), Err(VersionOverflow));
    }

    #[test]
    fn serde_rejects_zero() {
        assert!(serde_json::from_str::<Version>("0").is_err());
        assert!(serde_json::from_str::<Version>("-3").is_err());
        assert_eq!(serde_json::from_str::<Version>("4").unwrap().get(), 4);
    }
}
