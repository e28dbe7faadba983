//! The one error type of optimist: every refusal of a read or write, each with
//! its status, its problem type and its `ETag`.

use core::fmt;

use http::StatusCode;
use serde_json::Value;

use crate::http::{Caching, HeaderError, TagError, Version, VersionTag};
use crate::resource::Conflict;

/// A storage failure: the store could not be reached or did not answer
/// (503), or the database refused a write for breaking one of its own
/// rules ([`Violation`]: 409 or 422).
///
/// The cause is kept for logs and never sent to clients.
///
/// ```
/// use optimist::{Error, StoreError, Violation};
/// let down = StoreError::new(std::io::Error::other("disk on fire"));
/// assert!(down.to_string().contains("disk on fire"));
/// assert_eq!(Error::from(down).status(), 503);
///
/// let taken = StoreError::violated(Violation::Unique { field: Some("email") }, "users_email_key");
/// let answer = Error::from(taken);
/// assert_eq!((answer.status().as_u16(), answer.to_string()),
///     (409, "`email` is taken: another resource has the same value".into()));
/// ```
#[derive(Debug)]
pub struct StoreError {
    cause: Box<dyn std::error::Error + Send + Sync>,
    violation: Option<Violation>,
}

/// Why a 503's store was unavailable, for the service's log:
/// [`Error::to_response`] puts it in the response's extensions, never in
/// its body (actix-web responses carry it too).
///
/// ```
/// use optimist::{Error, StoreError, StoreFailure};
/// let response: http::Response<Vec<u8>> = Error::from(StoreError::new("pool timed out")).to_response();
/// let cause = response.extensions().get::<StoreFailure>().unwrap();
/// assert_eq!(cause.to_string(), "store unavailable: pool timed out");
/// assert!(!String::from_utf8_lossy(response.body()).contains("pool timed out"));
/// ```
#[derive(Debug, Clone)]
pub struct StoreFailure(std::sync::Arc<str>);

impl StoreFailure {
    pub(crate) fn of(e: &StoreError) -> Self {
        StoreFailure(e.to_string().into())
    }
}

impl fmt::Display for StoreFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A rule of the database that a write broke: the request is wrong, not the
/// store, so it is answered as the client's problem.
///
/// ```
/// use optimist::{Error, StoreError, Violation};
/// let rule = Error::from(StoreError::violated(Violation::Rule { field: Some("title") }, "title_check"));
/// assert_eq!((rule.status().as_u16(), rule.to_string()), (422, "`title` breaks a rule of the database".into()));
/// assert_eq!(Error::from(StoreError::violated(Violation::Referenced, "fk")).status(), 409);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// A unique constraint (other than the id's): another resource has the
    /// value. 409, naming the field where the store knows it.
    Unique {
        /// The field's wire name.
        field: Option<&'static str>,
    },
    /// A check, not-null or foreign-key constraint: the value breaks a
    /// rule. 422, naming the field where the store knows it.
    Rule {
        /// The field's wire name.
        field: Option<&'static str>,
    },
    /// A delete of a resource that other rows still refer to (a foreign
    /// key). 409.
    Referenced,
}

impl StoreError {
    /// Wraps the store's own error: the store did not answer.
    pub fn new(cause: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        StoreError {
            cause: cause.into(),
            violation: None,
        }
    }

    /// A write refused by the database for breaking `violation`.
    pub fn violated(
        violation: Violation,
        cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        StoreError {
            cause: cause.into(),
            violation: Some(violation),
        }
    }

    /// The rule the write broke, if that is what happened.
    ///
    /// ```
    /// assert_eq!(optimist::StoreError::new("timeout").violation(), None);
    /// ```
    #[must_use]
    pub fn violation(&self) -> Option<Violation> {
        self.violation
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.violation {
            None => write!(f, "store unavailable: {}", self.cause),
            Some(_) => write!(f, "the database refused the write: {}", self.cause),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&*self.cause)
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
    // Idempotency keys (the `Idempotency-Key` header).
    /// 400: an `Idempotency-Key` that is not a quoted string of 1 to
    /// [`MAX_KEY_LEN`](crate::MAX_KEY_LEN) printable characters.
    BadKey(String),
    /// 400: a route that requires an `Idempotency-Key` got none.
    KeyRequired,
    /// 422: the key was used before for another request.
    KeyReused,
    /// 409: the first request with the key has not finished.
    KeyInFlight,
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
            | Error::VersionExhausted { .. }
            | Error::KeyInFlight => StatusCode::CONFLICT,
            Error::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Error::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Error::NotModified { .. } => StatusCode::NOT_MODIFIED,
            Error::NotFound { .. } | Error::NoRoute => StatusCode::NOT_FOUND,
            Error::Header(e) if e.reason() == TagError::TooLarge => {
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE
            }
            Error::Header(_) | Error::BadRequest(_) | Error::BadKey(_) | Error::KeyRequired => {
                StatusCode::BAD_REQUEST
            }
            Error::Unprocessable(_) | Error::KeyReused => StatusCode::UNPROCESSABLE_ENTITY,
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
            | Error::StateConflict(d)
            | Error::BadKey(d) => f.write_str(d),
            Error::KeyRequired => f.write_str(
                "this write needs an Idempotency-Key header: a fresh key per write, the same on its retries",
            ),
            Error::KeyReused => f.write_str(
                "this Idempotency-Key was used for another request: use a fresh key for a new write",
            ),
            Error::KeyInFlight => f.write_str(
                "the first request with this Idempotency-Key is still being processed; retry later",
            ),
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
    /// 503 for a store that did not answer; a broken unique rule is 409,
    /// any other rule 422, each naming the field where it is known.
    fn from(e: StoreError) -> Self {
        match e.violation {
            None => Error::Unavailable(e),
            Some(Violation::Unique { field: Some(field) }) => Error::StateConflict(format!(
                "`{field}` is taken: another resource has the same value"
            )),
            Some(Violation::Unique { field: None }) => Error::StateConflict(
                "a value that must be unique is taken: another resource has it".into(),
            ),
            Some(Violation::Rule { field: Some(field) }) => {
                Error::Unprocessable(format!("`{field}` breaks a rule of the database"))
            }
            Some(Violation::Rule { field: None }) => {
                Error::Unprocessable("the resource breaks a rule of the database".into())
            }
            Some(Violation::Referenced) => Error::StateConflict(
                "other records refer to this resource: it cannot be deleted while they do".into(),
            ),
        }
    }
}

impl From<Conflict> for Error {
    fn from(c: Conflict) -> Self {
        Error::Conflict(Box::new(c))
    }
}
