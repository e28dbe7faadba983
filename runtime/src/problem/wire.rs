//! The problem body on the wire (RFC 9457 §3): the one shape the server
//! renders, the OpenAPI schemas describe and the client parses.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// An `application/problem+json` body: the members every problem has, and
/// the extension members of its type (RFC 9457 §3.2), such as the
/// `conflicts` of an edit conflict.
///
/// Members a client does not know are kept in `extensions`, and missing
/// standard members read as empty, so any problem from any server parses.
///
/// ```
/// use optimist::problem::Problem;
/// let problem: Problem = serde_json::from_str(
///     r#"{"type":"t","title":"Edit conflict","status":409,"detail":"d","currentVersion":6}"#,
/// )?;
/// assert_eq!(problem.status, 409);
/// assert_eq!(problem.extensions["currentVersion"], 6);
/// assert_eq!(serde_json::to_value(&problem)?["currentVersion"], 6);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Problem {
    /// The problem type's URI.
    #[serde(rename = "type", default)]
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub kind: Cow<'static, str>,
    /// A short summary of the problem type.
    #[serde(default)]
    #[cfg_attr(feature = "utoipa", schema(value_type = String))]
    pub title: Cow<'static, str>,
    /// The HTTP status.
    #[serde(default)]
    pub status: u16,
    /// What went wrong, for people.
    #[serde(default)]
    pub detail: String,
    /// The request's path, where the server knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// The members of the problem's type.
    #[serde(flatten)]
    pub extensions: Map<String, Value>,
}
