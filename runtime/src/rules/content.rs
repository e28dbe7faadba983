//! Reading request bodies, whatever the framework: the media type is
//! checked first (415, before the body is read), then the JSON syntax
//! (400), then its shape (422). The framework adapters (features `axum`
//! and `actix-web`) call `accept_*` with the `Content-Type`, read the
//! bytes, and call `parse_*`.

use core::time::Duration;

use serde::de::DeserializeOwned;

use crate::problem::Error;
use crate::resource::{MERGE_PATCH_JSON, ResourcePatch, Versioned};

/// Whether a `Content-Type` value's essence (before any `;`) is `expected`,
/// ignoring case and surrounding whitespace.
///
/// ```
/// use optimist::content::is_media_type;
/// assert!(is_media_type(Some(b"Application/JSON; charset=utf-8"), "application/json"));
/// assert!(!is_media_type(Some(b"text/plain"), "application/json"));
/// assert!(!is_media_type(None, "application/json"));
/// ```
#[must_use]
pub fn is_media_type(content_type: Option<&[u8]>, expected: &str) -> bool {
    content_type
        .and_then(|v| v.split(|b| *b == b';').next())
        .is_some_and(|essence| {
            essence
                .trim_ascii()
                .eq_ignore_ascii_case(expected.as_bytes())
        })
}

/// 415 unless the `Content-Type` is `application/json`.
///
/// ```
/// assert!(optimist::content::accept_json(Some(b"application/json")).is_ok());
/// assert_eq!(optimist::content::accept_json(None).unwrap_err().status(), 415);
/// ```
pub fn accept_json(content_type: Option<&[u8]>) -> Result<(), Error> {
    if is_media_type(content_type, "application/json") {
        Ok(())
    } else {
        Err(Error::UnsupportedMediaType(
            "send the body as `Content-Type: application/json`".into(),
        ))
    }
}

/// 415 unless the `Content-Type` is `application/merge-patch+json`.
///
/// ```
/// assert!(optimist::content::accept_merge_patch(Some(b"application/merge-patch+json")).is_ok());
/// assert_eq!(optimist::content::accept_merge_patch(Some(b"application/json")).unwrap_err().status(), 415);
/// ```
pub fn accept_merge_patch(content_type: Option<&[u8]>) -> Result<(), Error> {
    if is_media_type(content_type, MERGE_PATCH_JSON) {
        Ok(())
    } else {
        Err(Error::UnsupportedMediaType(format!(
            "a PATCH is a JSON merge patch: send `Content-Type: {MERGE_PATCH_JSON}`"
        )))
    }
}

/// JSON as `T`: a syntax error is 400, the wrong shape or types 422.
///
/// ```
/// let status = |r: Result<Vec<u32>, optimist::Error>| r.unwrap_err().status().as_u16();
/// assert_eq!(status(optimist::content::parse_json(b"[1,")), 400);
/// assert_eq!(status(optimist::content::parse_json(b"{}")), 422);
/// ```
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => Error::Unprocessable(e.to_string()),
        _ => Error::BadRequest(format!("the body is not valid JSON: {e}")),
    })
}

/// A merge patch for resource `T`, with its version member taken out as
/// the client's base.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize)]
/// # struct Note { id: u64, version: u64, text: String }
/// let patch = optimist::content::parse_merge_patch::<Note>(br#"{"version": 3}"#)?;
/// assert_eq!(patch.base().map(|v| v.get()), Some(3));
/// # Ok::<(), optimist::Error>(())
/// ```
pub fn parse_merge_patch<T: Versioned>(body: &[u8]) -> Result<ResourcePatch<T>, Error> {
    ResourcePatch::new(parse_json(body)?)
}

/// A request body as the framework adapters' body extractors read it:
/// the media type it accepts, and how its bytes parse. What lets
/// `WithKey<E>` (`optimist::axum::WithKey`, `optimist::actix_web::WithKey`)
/// read the bytes once, for the request's fingerprint and for `E`.
/// `()` is the body of a DELETE: none is read.
///
/// ```
/// use optimist::content::Body;
/// assert!(<() as Body>::accept(Some(b"text/plain")).is_ok());
/// assert!(!<() as Body>::READS);
/// ```
pub trait Body: Sized {
    /// Whether the body is read at all.
    const READS: bool = true;

    /// Checks the `Content-Type` (415 for another media type).
    ///
    /// # Errors
    /// 415.
    fn accept(content_type: Option<&[u8]>) -> Result<(), Error>;

    /// The body from its bytes.
    ///
    /// # Errors
    /// 400 or 422.
    fn parse(bytes: &[u8]) -> Result<Self, Error>;
}

impl Body for () {
    const READS: bool = false;

    fn accept(_: Option<&[u8]>) -> Result<(), Error> {
        Ok(())
    }

    fn parse(_: &[u8]) -> Result<Self, Error> {
        Ok(())
    }
}

/// How long a client may take to send a request body. The body extractors
/// of the framework adapters look it up (axum: a request extension, as
/// added by `axum::Extension`; actix-web: app data) and answer 408 when
/// the body is not complete in time, before any store is touched. Without
/// it they wait as long as the connection lives.
///
/// ```
/// let timeout = optimist::content::BodyTimeout(std::time::Duration::from_secs(10));
/// # let _ = timeout;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyTimeout(pub Duration);

/// A JSON integer that fits a `u64`, also written with a fraction of zero
/// (`7.0`), as JSON Schema's `integer` allows: for
/// `#[serde(deserialize_with = "optimist::content::integer")]` on fields
/// that an OpenAPI document describes as integers.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Body {
///     #[serde(deserialize_with = "optimist::content::integer")]
///     id: u64,
/// }
/// let body: Body = serde_json::from_str(r#"{"id": 7.0}"#)?;
/// assert_eq!(body.id, 7);
/// assert!(serde_json::from_str::<Body>(r#"{"id": 7.5}"#).is_err());
/// assert!(serde_json::from_str::<Body>(r#"{"id": -1}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn integer<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct Integer;
    impl serde::de::Visitor<'_> for Integer {
        type Value = u64;
        fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
            f.write_str("a non-negative integer")
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<u64, E> {
            Ok(n)
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<u64, E> {
            u64::try_from(n).map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(n), &self))
        }
        fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<u64, E> {
            integral(n).ok_or_else(|| E::invalid_value(serde::de::Unexpected::Float(n), &self))
        }
    }
    deserializer.deserialize_any(Integer)
}

/// As [`integer`], for an optional field (`null` or absent is `None`;
/// absent needs `#[serde(default)]`).
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Body {
///     #[serde(default, deserialize_with = "optimist::content::optional_integer")]
///     id: Option<u64>,
/// }
/// assert_eq!(serde_json::from_str::<Body>(r#"{"id": 3.0}"#)?.id, Some(3));
/// assert_eq!(serde_json::from_str::<Body>(r#"{"id": null}"#)?.id, None);
/// assert_eq!(serde_json::from_str::<Body>("{}")?.id, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn optional_integer<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u64>, D::Error> {
    #[derive(serde::Deserialize)]
    struct Wrapped(#[serde(deserialize_with = "integer")] u64);
    Ok(<Option<Wrapped> as serde::Deserialize>::deserialize(deserializer)?.map(|w| w.0))
}

/// `n` as a `u64` where it is a whole number in range.
fn integral(n: f64) -> Option<u64> {
    // 2^64 as f64: anything below it (and whole, and not negative) fits.
    const LIMIT: f64 = 18_446_744_073_709_551_616.0;
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked just before
    (n.fract() == 0.0 && (0.0..LIMIT).contains(&n)).then_some(n as u64)
}
