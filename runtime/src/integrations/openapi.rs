//! OpenAPI descriptions of optimist's responses (feature `utoipa`), so a
//! service documents its 304/409/412/428 answers and their headers without
//! writing schemas by hand.
//!
//! The response types here describe JSON; they are never built. The
//! schemas of the bodies are those of the types optimist renders:
//! [`Problem`], [`Conflict`] and [`FieldConflict`]. List the responses
//! in `#[utoipa::path(responses(..))]` and the schemas in
//! `components(schemas(..))`:
//!
//! ```
//! use optimist::openapi::{Conflict, EditConflict, EditConflictProblem, FieldConflict,
//!     PreconditionFailed, PreconditionRequired, Problem, WriteConditions};
//! use utoipa::OpenApi;
//!
//! /// Replace a note.
//! #[utoipa::path(put, path = "/notes/{id}", params(("id" = u64, Path), WriteConditions),
//!     responses((status = 200, description = "Replaced"), EditConflict, PreconditionFailed, PreconditionRequired))]
//! async fn put_note() {}
//!
//! #[derive(OpenApi)]
//! #[openapi(paths(put_note), components(schemas(Problem, EditConflictProblem, Conflict, FieldConflict)))]
//! struct Doc;
//!
//! let doc = serde_json::to_value(Doc::openapi())?;
//! let put = &doc["paths"]["/notes/{id}"]["put"];
//! assert!(put["responses"]["409"]["headers"]["ETag"].is_object());
//! assert!(put["responses"]["428"]["content"]["application/problem+json"].is_object());
//! assert!(put["parameters"].as_array().unwrap().iter().any(|p| p["name"] == "If-Match"));
//! assert!(doc["components"]["schemas"]["Conflict"]["properties"]["conflicts"].is_object());
//! # Ok::<(), serde_json::Error>(())
//! ```

#![allow(dead_code)] // description-only types: their fields are never read

use utoipa::{IntoParams, IntoResponses, ToSchema};

#[doc(no_inline)]
pub use crate::merge::Region;
#[doc(no_inline)]
pub use crate::problem::Problem;
#[doc(no_inline)]
pub use crate::resource::{Basis, Conflict, FieldConflict};

/// The body of a 409 to a write: an edit conflict (`#edit-conflict`), with
/// the [`Conflict`] members a client needs to merge and retry; or a body
/// version ahead of the resource (`#version-ahead`) or a version that
/// cannot grow (`#version-exhausted`), with the members of every problem
/// only.
#[derive(ToSchema)]
pub struct EditConflictProblem {
    #[serde(flatten)]
    problem: Problem,
    #[serde(flatten)]
    conflict: Conflict,
}

/// The resource as `V` (its view), with its `ETag`: the 200 of a read or
/// a write.
///
/// ```
/// use utoipa::{IntoResponses, ToSchema};
/// #[derive(ToSchema)]
/// struct NoteView { text: String }
/// let found = optimist::openapi::Found::<NoteView>::responses();
/// let json = serde_json::to_value(&found)?;
/// assert!(json["200"]["headers"]["ETag"].is_object());
/// assert!(json["200"]["content"]["application/json"]["schema"]["properties"]["text"].is_object());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(IntoResponses)]
#[response(status = 200, headers(("ETag" = String, description = "The strong entity tag of the version returned")))]
pub struct Found<V: ToSchema>(#[to_schema] V);

/// The resource created, as `V` (its view), with its `ETag` and `Location`.
///
/// ```
/// use utoipa::{IntoResponses, ToSchema};
/// #[derive(ToSchema)]
/// struct NoteView { text: String }
/// let json = serde_json::to_value(optimist::openapi::Created::<NoteView>::responses())?;
/// assert!(json["201"]["headers"]["Location"].is_object());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(IntoResponses)]
#[response(status = 201, headers(("ETag" = String, description = "The entity tag of version 1 (or of the next version never used at that id)"), ("Location" = String, description = "The resource's URL")))]
pub struct Created<V: ToSchema>(#[to_schema] V);

/// The client's copy (named in `If-None-Match`) is current; no body.
#[derive(IntoResponses)]
#[response(status = 304, headers(("ETag" = String, description = "The current entity tag")))]
pub struct NotModified;

/// A stale write (`#edit-conflict`: the fields changed since the request's
/// version), a body version ahead of the resource (`#version-ahead`), a
/// version that cannot grow (`#version-exhausted`), or the first request
/// with the same `Idempotency-Key` still in flight
/// (`#idempotency-key-in-flight`, without an `ETag`).
#[derive(IntoResponses)]
#[response(status = 409, content_type = "application/problem+json", headers(("ETag" = String, description = "The strong entity tag of the current version")))]
pub struct EditConflict(#[to_schema] EditConflictProblem);

/// A create for an id that exists (`User with ID 123 already exists`), or
/// the first request with the same `Idempotency-Key` still in flight
/// (`#idempotency-key-in-flight`, without an `ETag`).
#[derive(IntoResponses)]
#[response(status = 409, content_type = "application/problem+json", headers(("ETag" = String, description = "The strong entity tag of the current version")))]
pub struct AlreadyExists(#[to_schema] Problem);

/// `If-Match` names another version, or `If-None-Match` the current one.
#[derive(IntoResponses)]
#[response(status = 412, content_type = "application/problem+json", headers(("ETag" = String, description = "The strong entity tag of the current version")))]
pub struct PreconditionFailed(#[to_schema] Problem);

/// The write carried neither `If-Match` nor a version in its body.
#[derive(IntoResponses)]
#[response(status = 428, content_type = "application/problem+json")]
pub struct PreconditionRequired(#[to_schema] Problem);

/// No resource with that id.
#[derive(IntoResponses)]
#[response(status = 404, content_type = "application/problem+json")]
pub struct NotFound(#[to_schema] Problem);

/// The store did not answer; nothing was written. Retry.
#[derive(IntoResponses)]
#[response(status = 503, content_type = "application/problem+json", headers(("Retry-After" = String, description = "Seconds to wait")))]
pub struct Unavailable(#[to_schema] Problem);

/// Requests the service cannot read.
#[derive(IntoResponses)]
pub enum BadInput {
    /// Invalid JSON, a malformed `If-Match`/`If-None-Match`, a bad id in
    /// the path, or a malformed (or, where required, missing) `Idempotency-Key`.
    #[response(status = 400, content_type = "application/problem+json")]
    BadRequest(#[to_schema] Problem),
    /// The body did not arrive in the time the service allows.
    #[response(status = 408, content_type = "application/problem+json")]
    Timeout(#[to_schema] Problem),
    /// The body is larger than the service accepts.
    #[response(status = 413, content_type = "application/problem+json")]
    TooLarge(#[to_schema] Problem),
    /// The body is not `application/json` (`application/merge-patch+json` for PATCH).
    #[response(status = 415, content_type = "application/problem+json")]
    MediaType(#[to_schema] Problem),
    /// JSON of the wrong shape or types, an invalid value, a version never
    /// issued, or an `Idempotency-Key` used before for another request.
    #[response(status = 422, content_type = "application/problem+json")]
    Invalid(#[to_schema] Problem),
    /// Precondition headers with too many tags or bytes.
    #[response(status = 431, content_type = "application/problem+json")]
    HeadersTooLarge(#[to_schema] Problem),
}

/// Conditions of a read (RFC 9110 §13.1). Each header is `*` or a list of
/// at most 32 entity tags (empty elements ignored, so an empty header is
/// an empty list) in at most 2048 bytes; anything else is a 400 (or 431)
/// problem, never ignored.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ReadConditions {
    /// Entity tags of copies the client has (`W/` allowed), or `*`: 304 if one is current.
    #[param(rename = "If-None-Match", schema_with = condition_schema)]
    if_none_match: Option<String>,
    /// Entity tags, or `*`: 412 unless one is current (an empty list names none).
    #[param(rename = "If-Match", schema_with = condition_schema)]
    if_match: Option<String>,
}

/// Conditions of a write (RFC 9110 §13.1), in the syntax of
/// [`ReadConditions`]. A version in the body must hold as well; without
/// `If-Match` or a body version, 428.
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct WriteConditions {
    /// The entity tag the change is based on (strong comparison), or `*`.
    #[param(rename = "If-Match", schema_with = condition_schema)]
    if_match: Option<String>,
    /// `*` to create only (PUT to a new id); a listed current tag is 412.
    #[param(rename = "If-None-Match", schema_with = condition_schema)]
    if_none_match: Option<String>,
}

/// The `Idempotency-Key` of a write (draft-ietf-httpapi-idempotency-key-header):
/// a quoted string of 1 to 255 printable ASCII characters (a UUID, say),
/// fresh per write and the same on its retries. A retry gets the first
/// answer again; the key with another request is 422; while the first
/// is still being processed, 409.
///
/// ```
/// use utoipa::IntoParams;
/// let params = serde_json::to_value(optimist::openapi::KeyedWrite::into_params(|| None))?;
/// assert_eq!(params[0]["name"], "Idempotency-Key");
/// assert_eq!(params[0]["schema"]["pattern"], optimist::openapi::KEY_PATTERN);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(IntoParams)]
#[into_params(parameter_in = Header)]
pub struct KeyedWrite {
    /// A fresh key per write, the same on each retry of it.
    #[param(rename = "Idempotency-Key", schema_with = key_schema)]
    idempotency_key: Option<String>,
}

/// The pattern of an `Idempotency-Key`: an RFC 9651 string of 1 to 255
/// characters, as [`Idempotency`](crate::Idempotency) accepts it.
///
/// ```
/// let pattern = regex::Regex::new(optimist::openapi::KEY_PATTERN).unwrap();
/// assert!(pattern.is_match(r#""8e03978e-40d5-43e8-bc93-6894a57f9324""#));
/// assert!(!pattern.is_match("unquoted"));
/// ```
pub const KEY_PATTERN: &str = r#"^"([ !#-\[\]-~]|\\["\\]){1,255}"$"#;

fn key_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .pattern(Some(KEY_PATTERN))
        .build()
}

/// The pattern of `If-Match` and `If-None-Match` values in the document:
/// RFC 9110 `"*" / #entity-tag`, at most 32 tags, exactly what
/// [`Preconditions`](crate::Preconditions) accepts on one field line.
///
/// ```
/// use utoipa::IntoParams;
/// let params = optimist::openapi::WriteConditions::into_params(|| None);
/// let json = serde_json::to_value(&params)?;
/// assert_eq!(json[0]["schema"]["pattern"], optimist::openapi::CONDITION_PATTERN);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub const CONDITION_PATTERN: &str = r#"^([\t ]*\*[\t ]*|[\t ,]*((W/)?"[!#-~\u0080-\u00ff]*"([\t ]*,[\t ,]*(W/)?"[!#-~\u0080-\u00ff]*"){0,31})?[\t ,]*)$"#;

/// The schema of a condition header: a string of at most 2048 bytes (the
/// parser's bound on all lines of one header) in [`CONDITION_PATTERN`].
fn condition_schema() -> utoipa::openapi::Object {
    utoipa::openapi::ObjectBuilder::new()
        .schema_type(utoipa::openapi::Type::String)
        .max_length(Some(crate::MAX_HEADER_BYTES))
        .pattern(Some(CONDITION_PATTERN))
        .build()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use utoipa::IntoParams;

    use super::*;
    use crate::http::{Preconditions, TagError};

    /// Whether the parser takes `line` as one `If-Match` field line (a
    /// list too long is refused for its size, which the pattern bounds
    /// by its tag count and `maxLength`).
    fn parser_accepts(line: &[u8]) -> bool {
        match Preconditions::from_lines([line], []) {
            Ok(_) => true,
            Err(e) => {
                assert_eq!(e.reason(), TagError::Malformed, "{line:?}");
                false
            }
        }
    }

    fn latin1(s: &str) -> Vec<u8> {
        s.chars()
            .map(|c| u8::try_from(u32::from(c)).unwrap())
            .collect()
    }

    static PATTERN: std::sync::LazyLock<regex::Regex> =
        std::sync::LazyLock::new(|| regex::Regex::new(CONDITION_PATTERN).unwrap());

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        /// The document's pattern and the parser agree on every value made
        /// of the characters that matter to the grammar.
        #[test]
        fn the_pattern_is_the_parser(value in r#"[ \t,*"W/av\u{7f}\u{e9}\u{0c}]{0,24}"#) {
            prop_assert_eq!(PATTERN.is_match(&value), parser_accepts(&latin1(&value)), "{:?}", value);
        }
    }

    proptest::proptest! {
        #[test]
        fn the_key_pattern_is_the_parser(value in r#"["\\ a~\x7f\u{e9}]{0,8}"#) {
            let pattern = regex::Regex::new(super::KEY_PATTERN).unwrap();
            let mut headers = http::HeaderMap::new();
            let Ok(header) = http::HeaderValue::from_str(&value) else { return Ok(()) };
            headers.insert("idempotency-key", header);
            let parsed = crate::Idempotency::from_request(&headers, &http::Method::POST, "/", b"");
            proptest::prop_assert_eq!(pattern.is_match(&value), parsed.is_ok(), "{:?}", value);
        }
    }

    #[test]
    fn every_condition_header_has_the_pattern() {
        let read = serde_json::to_value(ReadConditions::into_params(|| None)).unwrap();
        let write = serde_json::to_value(WriteConditions::into_params(|| None)).unwrap();
        for param in read
            .as_array()
            .unwrap()
            .iter()
            .chain(write.as_array().unwrap())
        {
            assert_eq!(param["schema"]["pattern"], CONDITION_PATTERN, "{param}");
            assert_eq!(param["schema"]["maxLength"], 2048, "{param}");
            assert_eq!(param["schema"]["type"], "string", "never null: {param}");
            assert_eq!(param["required"], false, "{param}");
        }
    }

    #[test]
    fn the_pattern_bounds_the_tag_count() {
        let pattern = &*PATTERN;
        let list = |n: usize| vec![r#""a""#; n].join(", ");
        assert!(pattern.is_match(&list(32)) && parser_accepts(list(32).as_bytes()));
        assert!(!pattern.is_match(&list(33)));
        assert!(pattern.is_match("") && pattern.is_match(" , ") && pattern.is_match(" * "));
        assert!(!pattern.is_match("*, \"a\"") && !pattern.is_match("\"a\" \"b\""));
    }
}
