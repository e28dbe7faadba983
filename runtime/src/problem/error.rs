//! The one error type of optimist: every refusal of a read or write, each with
//! its status, its problem type and its `ETag`.

use core::fmt;

use http::StatusCode;
use serde_json::Value;

use crate::http::{Caching, HeaderError, TagError, Version, VersionTag};
use crate::resource::Conflict;

/// A storage failure: the store could not be reached or did not answer.
///
/// Services answer it with 503 and a generic detail; the cause is kept
/// for logs and never sent to clients.
///
/// ```
/// let err = optimist::StoreError::new(std::io::Error::other("disk on fire"));
/// assert!(err.to_string().contains("disk on fire"));
/// ```
#[derive(Debug)]
pub struct StoreError(Box<dyn std::error::Error + Send + Sync>);

impl StoreError {
    /// Wraps the store's own error.
    pub fn new(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError(cause.into())
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "store unavailable: {}", self.0)
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.0)
    }
}

/// Every way optimist refuses a request: first the concurrency answers
/// (409, 412, 428, 304, 404 for a resource), then the request problems
/// (unreadable content, media type, size, time, routing) and the store
/// being unavailable. [`problem`](crate::problem) lists each problem type.
///
/// Each variant knows its status, its RFC 9457 problem type and, for 409
/// and 412, the current `ETag`. [`Error::to_response`] renders it; with
/// the `axum` feature it is also an `IntoResponse`.
///
/// ```
/// use optimist::{Error, Version};
///
/// let err = Error::already_exists("User", &123, Version::new(2));
/// assert_eq!(err.to_string(), "User with ID 123 already exists");
/// let response: http::Response<Vec<u8>> = err.to_response();
/// assert_eq!(response.status(), 409);
/// assert_eq!(response.headers()["content-type"], "application/problem+json");
/// assert_eq!(response.headers()["etag"], "\"v2\"");
/// let body: serde_json::Value = serde_json::from_slice(response.body())?;
/// assert_eq!(body["detail"], "User with ID 123 already exists");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    // The concurrency answers: what the rules of conditional requests
    // decide from the resource's state.
    /// 409: a stale write that changes fields changed since its version.
    Conflict(Box<Conflict>),
    /// 409: a create for an id that exists.
    AlreadyExists {
        /// The resource's name.
        resource: &'static str,
        /// The id as JSON.
        id: Value,
        /// The id as shown in messages.
        display_id: String,
        /// The existing resource's version, where known.
        current: Option<Version>,
    },
    /// 409: the body names a version the resource has not reached.
    VersionAhead {
        /// The version the body names.
        yours: Version,
        /// The current version.
        current: Version,
    },
    /// 409: the request cannot apply to the resource's current state, such
    /// as a create by PUT that omits a field only a replacement may omit.
    StateConflict(String),
    /// 409: the version field's type cannot count any higher.
    VersionExhausted {
        /// The current, last possible, version.
        current: Version,
    },
    /// 412: `If-Match` or `If-None-Match` is false.
    PreconditionFailed {
        /// The current version, where the resource exists.
        current: Option<Version>,
    },
    /// 428: a write without `If-Match` or a body version.
    PreconditionRequired,
    /// 304: the client's copy is current. Not a failure, but a short cut
    /// that handlers take with `?`.
    NotModified {
        /// The current tag, which the client named.
        etag: VersionTag,
        /// The `Cache-Control` the 200 would have carried (RFC 9110 §15.4.5).
        caching: Caching,
    },
    /// 404: no resource with that id.
    NotFound {
        /// The resource's name.
        resource: &'static str,
        /// The id as shown in messages.
        display_id: String,
    },
    // Request problems: requests that cannot be read or served, whatever
    // the resource's state.
    /// 400 or 431: a malformed or oversize precondition header.
    Header(HeaderError),
    /// 400: a request that cannot be read (invalid JSON, a bad id).
    BadRequest(String),
    /// 422: well-formed content of the wrong shape, type or value.
    Unprocessable(String),
    /// 415: content that is not of the required media type.
    UnsupportedMediaType(String),
    /// 413: content larger than the service accepts.
    PayloadTooLarge,
    /// 408: the body did not arrive within the service's [`BodyTimeout`](crate::rules::content::BodyTimeout).
    RequestTimeout,
    /// 404: no route matches the path.
    NoRoute,
    /// 405: the route exists but not for this method.
    MethodNotAllowed,
    /// 503: the store is unavailable.
    Unavailable(StoreError),
}

impl Error {
    /// 409 for a create whose id exists: `User with ID 123 already exists`,
    /// with the existing resource's `ETag` where its version is known.
    pub fn already_exists<I: serde::Serialize + fmt::Display + ?Sized>(
        resource: &'static str,
        id: &I,
        current: Option<Version>,
    ) -> Error {
        Error::AlreadyExists {
            resource,
            id: serde_json::to_value(id).unwrap_or(Value::Null),
            display_id: id.to_string(),
            current,
        }
    }

    /// 404 for an unknown id: `User 123 does not exist`.
    ///
    /// ```
    /// let err = optimist::Error::not_found("User", &9);
    /// assert_eq!((err.status().as_u16(), err.to_string()), (404, "User 9 does not exist".into()));
    /// ```
    pub fn not_found<I: fmt::Display + ?Sized>(resource: &'static str, id: &I) -> Error {
        Error::NotFound {
            resource,
            display_id: id.to_string(),
        }
    }

    /// The HTTP status.
    ///
    /// ```
    /// assert_eq!(optimist::Error::PreconditionRequired.status(), 428);
    /// ```
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Error::Conflict(_)
            | Error::AlreadyExists { .. }
            | Error::VersionAhead { .. }
            | Error::StateConflict(_)
            | Error::VersionExhausted { .. } => StatusCode::CONFLICT,
            Error::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Error::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Error::NotModified { .. } => StatusCode::NOT_MODIFIED,
            Error::NotFound { .. } | Error::NoRoute => StatusCode::NOT_FOUND,
            Error::Header(e) if e.reason() == TagError::TooLarge => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            Error::Header(_) | Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Error::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Error::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Error::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    /// The current `ETag` that the response carries, where there is one.
    ///
    /// ```
    /// use optimist::{Error, Version};
    /// let err = Error::PreconditionFailed { current: Version::new(6) };
    /// assert_eq!(err.etag().unwrap().to_string(), "\"v6\"");
    /// ```
    #[must_use]
    pub fn etag(&self) -> Option<VersionTag> {
        let version = match self {
            Error::Conflict(c) => Some(c.current_version()),
            Error::AlreadyExists { current, .. } | Error::PreconditionFailed { current } => {
                *current
            }
            Error::VersionExhausted { current } | Error::VersionAhead { current, .. } => {
                Some(*current)
            }
            Error::NotModified { etag, .. } => return Some(*etag),
            _ => None,
        };
        version.map(VersionTag::from_version)
    }
}

impl fmt::Display for Error {
    /// The problem's `detail`: safe to show to clients and to log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Conflict(c) => fmt::Display::fmt(c, f),
            Error::AlreadyExists { resource, display_id, .. } => {
                write!(f, "{resource} with ID {display_id} already exists")
            }
            Error::VersionExhausted { current } => {
                write!(f, "the resource is at version {current}, the largest its version field can hold")
            }
            Error::PreconditionFailed { current: Some(v) } => write!(
                f,
                "the resource is at version {v} ({}); the request's precondition names another state",
                VersionTag::from_version(*v)
            ),
            Error::PreconditionFailed { current: None } => {
                f.write_str("the request's precondition requires a resource that does not exist")
            }
            Error::PreconditionRequired => f.write_str(
                "this write must be conditional: send If-Match with the ETag you read, or the version you read in the body",
            ),
            Error::NotModified { etag, .. } => write!(f, "the client's copy {etag} is current"),
            Error::VersionAhead { yours, current } => write!(
                f,
                "the body names version {yours}, but the resource is at version {current}"
            ),
            Error::NotFound { resource, display_id } => write!(f, "{resource} {display_id} does not exist"),
            Error::Header(e) => fmt::Display::fmt(e, f),
            Error::BadRequest(d)
            | Error::Unprocessable(d)
            | Error::UnsupportedMediaType(d)
            | Error::StateConflict(d) => f.write_str(d),
            Error::PayloadTooLarge => f.write_str("the content is larger than this service accepts"),
            Error::RequestTimeout => f.write_str("the request body did not arrive in time"),
            Error::NoRoute => f.write_str("no resource lives at this path"),
            Error::MethodNotAllowed => f.write_str("this resource does not support the method"),
            Error::Unavailable(_) => f.write_str("the store is unavailable; retry later"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Header(e) => Some(e),
            Error::Unavailable(e) => Some(e),
            _ => None,
        }
    }
}

impl From<HeaderError> for Error {
    fn from(e: HeaderError) -> Self {
        Error::Header(e)
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Error::Unavailable(e)
    }
}

impl From<Conflict> for Error {
    fn from(c: Conflict) -> Self {
        Error::Conflict(Box::new(c))
    }
}
