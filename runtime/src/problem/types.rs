//! The problem type table: each problem's `type` URI and `title`
//! (RFC 9457 §3.1), in one place.

use crate::problem::Error;

/// A problem type: the `type` URI (a heading of this module's docs) and
/// its `title`.
///
/// ```
/// use optimist::problem::ProblemType;
/// let t = ProblemType::PRECONDITION_REQUIRED;
/// assert_eq!(t.uri(), "https://docs.rs/optimist/latest/optimist/problem/#precondition-required");
/// assert_eq!(t.title(), "Precondition required");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProblemType {
    uri: &'static str,
    title: &'static str,
}

macro_rules! types {
    ($($(#[$doc:meta])* $name:ident = $slug:literal, $title:literal;)*) => {
        impl ProblemType {
            $(
                $(#[$doc])*
                pub const $name: ProblemType = ProblemType {
                    uri: concat!("https://docs.rs/optimist/latest/optimist/problem/#", $slug),
                    title: $title,
                };
            )*
        }
    };
}

types! {
    /// 409: a stale write changes fields changed since its version.
    EDIT_CONFLICT = "edit-conflict", "Edit conflict";
    /// 409: a create for an id that exists.
    ALREADY_EXISTS = "already-exists", "Already exists";
    /// 409: the body names a version the resource has not reached.
    VERSION_AHEAD = "version-ahead", "Version ahead";
    /// 409: the request cannot apply to the current state.
    STATE_CONFLICT = "state-conflict", "Conflicts with the current state";
    /// 409: the version cannot count higher.
    VERSION_EXHAUSTED = "version-exhausted", "Version exhausted";
    /// 412: a false `If-Match` or `If-None-Match`.
    PRECONDITION_FAILED = "precondition-failed", "Precondition failed";
    /// 428: a write without a precondition.
    PRECONDITION_REQUIRED = "precondition-required", "Precondition required";
    /// 304, never sent as a body.
    NOT_MODIFIED = "not-modified", "Not modified";
    /// 404: no resource with that id.
    NOT_FOUND = "not-found", "Not found";
    /// 400 or 431: a malformed or oversize precondition header.
    BAD_PRECONDITION_HEADER = "bad-precondition-header", "Bad precondition header";
    /// 400: a request that cannot be read.
    BAD_REQUEST = "bad-request", "Bad request";
    /// 422: content of the wrong shape, type or value.
    INVALID_CONTENT = "invalid-content", "Invalid content";
    /// 415: content of another media type.
    UNSUPPORTED_MEDIA_TYPE = "unsupported-media-type", "Unsupported media type";
    /// 413: content larger than the service accepts.
    PAYLOAD_TOO_LARGE = "payload-too-large", "Payload too large";
    /// 408: the body did not arrive in time.
    REQUEST_TIMEOUT = "request-timeout", "Request timeout";
    /// 404: no route matches the path.
    NO_ROUTE = "no-route", "Not found";
    /// 405: the route does not support the method.
    METHOD_NOT_ALLOWED = "method-not-allowed", "Method not allowed";
    /// 400: a malformed `Idempotency-Key`.
    BAD_IDEMPOTENCY_KEY = "bad-idempotency-key", "Bad idempotency key";
    /// 400: a route that requires an `Idempotency-Key` got none.
    IDEMPOTENCY_KEY_REQUIRED = "idempotency-key-required", "Idempotency key required";
    /// 422: an `Idempotency-Key` used before for another request.
    IDEMPOTENCY_KEY_REUSED = "idempotency-key-reused", "Idempotency key reused";
    /// 409: the first request with the key is still being processed.
    IDEMPOTENCY_KEY_IN_FLIGHT = "idempotency-key-in-flight", "Idempotency key in flight";
    /// 503: the store did not answer.
    UNAVAILABLE = "unavailable", "Service unavailable";
}

impl ProblemType {
    /// The `type` URI.
    #[must_use]
    pub const fn uri(&self) -> &'static str {
        self.uri
    }

    /// The `title`.
    #[must_use]
    pub const fn title(&self) -> &'static str {
        self.title
    }

    /// The type of `error`.
    ///
    /// ```
    /// use optimist::{Error, problem::ProblemType};
    /// assert_eq!(ProblemType::of(&Error::NoRoute), ProblemType::NO_ROUTE);
    /// ```
    #[must_use]
    pub const fn of(error: &Error) -> ProblemType {
        match error {
            Error::Conflict(_) => Self::EDIT_CONFLICT,
            Error::AlreadyExists { .. } => Self::ALREADY_EXISTS,
            Error::VersionAhead { .. } => Self::VERSION_AHEAD,
            Error::StateConflict(_) => Self::STATE_CONFLICT,
            Error::VersionExhausted { .. } => Self::VERSION_EXHAUSTED,
            Error::PreconditionFailed { .. } => Self::PRECONDITION_FAILED,
            Error::PreconditionRequired => Self::PRECONDITION_REQUIRED,
            Error::NotModified { .. } => Self::NOT_MODIFIED,
            Error::NotFound { .. } => Self::NOT_FOUND,
            Error::Header(_) => Self::BAD_PRECONDITION_HEADER,
            Error::BadRequest(_) => Self::BAD_REQUEST,
            Error::Unprocessable(_) => Self::INVALID_CONTENT,
            Error::UnsupportedMediaType(_) => Self::UNSUPPORTED_MEDIA_TYPE,
            Error::PayloadTooLarge => Self::PAYLOAD_TOO_LARGE,
            Error::RequestTimeout => Self::REQUEST_TIMEOUT,
            Error::NoRoute => Self::NO_ROUTE,
            Error::MethodNotAllowed => Self::METHOD_NOT_ALLOWED,
            Error::BadKey(_) => Self::BAD_IDEMPOTENCY_KEY,
            Error::KeyRequired => Self::IDEMPOTENCY_KEY_REQUIRED,
            Error::KeyReused => Self::IDEMPOTENCY_KEY_REUSED,
            Error::KeyInFlight => Self::IDEMPOTENCY_KEY_IN_FLIGHT,
            Error::Unavailable(_) => Self::UNAVAILABLE,
        }
    }
}

#[cfg(test)]
mod tests {
    /// Every `type` URI names a heading of the module's docs, so that a
    /// client following it lands on the explanation.
    #[test]
    fn every_type_has_its_heading() {
        let docs = include_str!("mod.rs");
        let table = include_str!("types.rs");
        let slugs = table
            .lines()
            .filter_map(|l| l.trim().split_once(" = \"")?.1.split_once('"'))
            .map(|(slug, _)| slug);
        let mut n = 0;
        for slug in slugs {
            assert!(
                docs.contains(&format!("//! ## {slug}\n")),
                "no heading for {slug}"
            );
            n += 1;
        }
        assert_eq!(n, 22);
    }
}
