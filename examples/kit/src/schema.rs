//! The building blocks of the text fields' OpenAPI schemas, so that a
//! service states each rule once: its check and its schema read the same
//! constant.

use core::ops::RangeInclusive;

use utoipa::openapi::{ObjectBuilder, Type};

/// The schema's pattern for text that is not all whitespace: one
/// character outside those [`is_blank`] names.
pub const NOT_BLANK: &str = r"[^\t\n\v\f\r ]";

/// A string of `length` characters, described.
#[must_use]
pub fn text(description: &str, length: &RangeInclusive<usize>) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .min_length(Some(*length.start()).filter(|min| *min > 0))
        .max_length(Some(*length.end()))
}

/// Whitespace as the schema's [`NOT_BLANK`] pattern knows it.
///
/// ```
/// use optimist_example_kit::schema::is_blank;
/// assert!(" \t\n".chars().all(is_blank));
/// assert!(!"a b".chars().all(is_blank));
/// ```
#[must_use]
pub fn is_blank(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ')
}

/// The OpenAPI document `D` as JSON, for a service to serve.
///
/// ```
/// #[derive(utoipa::OpenApi)]
/// #[openapi(info(title = "notes"))]
/// struct Doc;
/// assert!(optimist_example_kit::schema::document::<Doc>().contains(r#""title":"notes""#));
/// ```
#[must_use]
pub fn document<D: utoipa::OpenApi>() -> String {
    D::openapi()
        .to_json()
        .unwrap_or_else(|e| unreachable!("an OpenAPI document serialises: {e}"))
}
