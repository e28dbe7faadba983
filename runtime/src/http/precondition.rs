//! Conditional request headers (`If-Match`, `If-None-Match`) and their
//! evaluation in the order of RFC 9110 §13.2.2.

use core::fmt;

use http::header::{IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderName, HeaderValue, Method};

use super::etag::{MAX_HEADER_BYTES, for_each_tag, is_empty_list};
use crate::http::{TagError, Version, VersionTag};

/// The preconditions of one request, parsed and validated once.
///
/// Each listed tag is parsed once into the version it names, kept inline
/// for up to 4 tags, so parsing and evaluating do not allocate; a
/// malformed header is an error, never ignored (ignoring it could allow a
/// lost update).
///
/// ```
/// use http::{HeaderMap, Method, header::IF_MATCH};
/// use optimist::{Evaluation, Preconditions, Version};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_MATCH, r#""v4""#.parse().unwrap());
/// let pre = Preconditions::from_headers(&headers)?;
/// assert_eq!(pre.evaluate(&Method::PUT, Version::new(4)), Evaluation::Proceed);
/// assert_eq!(pre.evaluate(&Method::PUT, Version::new(5)), Evaluation::IfMatchFailed);
/// # Ok::<(), optimist::HeaderError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preconditions {
    if_match: Option<Condition>,
    if_none_match: Option<Condition>,
}

/// A listed tag, reduced to what evaluation needs and packed in a word:
/// the version it names in the low 63 bits (0 for a tag optimist never
/// issues, which then matches nothing) and the weak flag in the top bit.
/// Parsed once; evaluation compares integers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Named(u64);

const WEAK: u64 = 1 << 63;

impl Named {
    fn new(tag: &super::EntityTag<'_>) -> Named {
        // A version past 2^63 - 1 (never reached by counting writes) is
        // treated as foreign: it then never matches, the safe side.
        let version = VersionTag::version_named(tag).map_or(0, Version::get);
        let version = if version & WEAK == 0 { version } else { 0 };
        Named(version | if tag.is_weak() { WEAK } else { 0 })
    }

    fn weak(self) -> bool {
        self.0 & WEAK != 0
    }

    fn version(self) -> u64 {
        self.0 & !WEAK
    }
}

/// Tags kept inline before spilling to the heap: lists are short.
const INLINE: usize = 4;

/// One precondition header: `*` or the tags it lists.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Condition {
    Any,
    Tags {
        inline: [Named; INLINE],
        len: usize,
        spill: Vec<Named>,
    },
}

impl Condition {
    /// Whether any listed tag satisfies `matches` (`*` lists none).
    fn any(&self, matches: impl Fn(Named) -> bool) -> bool {
        match self {
            Condition::Any => false,
            Condition::Tags { inline, len, spill } => {
                inline[..*len].iter().chain(spill).any(|t| matches(*t))
            }
        }
    }

    /// RFC 9110 §13.1.1: `*` or any listed tag, by strong comparison.
    fn matches_strong(&self, current: Option<Version>) -> bool {
        let Some(current) = current else { return false };
        matches!(self, Condition::Any) || self.any(|t| !t.weak() && t.version() == current.get())
    }

    /// RFC 9110 §13.1.2: `*` or any listed tag, by weak comparison.
    fn matches_weak(&self, current: Option<Version>) -> bool {
        let Some(current) = current else { return false };
        matches!(self, Condition::Any) || self.any(|t| t.version() == current.get())
    }
}

/// A precondition header that could not be parsed.
///
/// ```
/// use http::{HeaderMap, header::IF_NONE_MATCH};
/// use optimist::{Preconditions, TagError};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(IF_NONE_MATCH, "v4".parse().unwrap());
/// let err = Preconditions::from_headers(&headers).unwrap_err();
/// assert_eq!(err.header(), "if-none-match");
/// assert_eq!(err.reason(), TagError::Malformed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderError {
    header: &'static str,
    reason: TagError,
}

impl HeaderError {
    /// The header's name, in lower case.
    #[must_use]
    pub fn header(&self) -> &'static str {
        self.header
    }

    /// What was wrong with it.
    #[must_use]
    pub fn reason(&self) -> TagError {
        self.reason
    }
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.reason {
            TagError::Malformed => write!(
                f,
                "the {} header must be `*` or a comma-separated list of entity tags such as \"v3\"",
                self.header
            ),
            TagError::TooLarge => write!(
                f,
                "the {} header may list at most {} tags in {} bytes",
                self.header,
                super::etag::MAX_TAGS,
                MAX_HEADER_BYTES
            ),
        }
    }
}

impl std::error::Error for HeaderError {}

/// What RFC 9110 §13.2.2 says to do with a request, given the current state.
///
/// ```
/// use optimist::{Evaluation, Preconditions};
/// let none = Preconditions::default();
/// assert_eq!(none.evaluate(&http::Method::GET, None), Evaluation::Proceed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evaluation {
    /// Perform the method.
    Proceed,
    /// Answer 304 Not Modified (GET and HEAD only).
    NotModified,
    /// `If-Match` is false: 412, unless the write was already applied.
    IfMatchFailed,
    /// `If-None-Match` is false on a method other than GET or HEAD: 412.
    IfNoneMatchFailed,
}

/// `*` with optional whitespace (SP and HTAB only) around it.
fn is_star(line: &[u8]) -> bool {
    let line = super::etag::skip_ows(line);
    line.first() == Some(&b'*') && line[1..].iter().all(|b| matches!(b, b' ' | b'\t'))
}

/// One header's field lines: `*` alone, or the tags of every line (RFC 9110
/// `"*" / #entity-tag`). Lines that list nothing are ignored, so an empty
/// header is an empty list: it names no tag.
fn parse_condition<'a>(
    lines: impl IntoIterator<Item = &'a [u8]>,
    header: &'static str,
) -> Result<Option<Condition>, HeaderError> {
    let error = |reason| HeaderError { header, reason };
    let (mut present, mut star) = (false, false);
    let (mut bytes, mut count) = (0, 0);
    let (mut inline, mut len, mut spill) = ([Named::default(); INLINE], 0, Vec::new());
    for line in lines {
        present = true;
        bytes += line.len();
        if bytes > MAX_HEADER_BYTES {
            return Err(error(TagError::TooLarge));
        }
        if is_empty_list(line) {
            continue;
        }
        // `*` stands alone: `*, "a"`, or `*` beside a line with tags, is
        // malformed.
        if star || is_star(line) {
            if star || count > 0 {
                return Err(error(TagError::Malformed));
            }
            star = true;
            continue;
        }
        for_each_tag(line, &mut count, |tag| {
            let named = Named::new(&tag);
            if len < INLINE {
                inline[len] = named;
                len += 1;
            } else {
                // At most MAX_TAGS in all: one allocation, never a regrowth.
                if spill.capacity() == 0 {
                    spill.reserve_exact(super::etag::MAX_TAGS - INLINE);
                }
                spill.push(named);
            }
        })
        .map_err(error)?;
    }
    Ok(match (present, star) {
        (false, _) => None,
        (true, true) => Some(Condition::Any),
        (true, false) => Some(Condition::Tags { inline, len, spill }),
    })
}

static IF_MATCH_NAME: HeaderName = IF_MATCH;
static IF_NONE_MATCH_NAME: HeaderName = IF_NONE_MATCH;

impl Preconditions {
    /// Reads `If-Match` and `If-None-Match` (every field line of each).
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, HeaderError> {
        Self::from_lines(
            headers
                .get_all(&IF_MATCH_NAME)
                .iter()
                .map(HeaderValue::as_bytes),
            headers
                .get_all(&IF_NONE_MATCH_NAME)
                .iter()
                .map(HeaderValue::as_bytes),
        )
    }

    /// Reads the field lines of `If-Match` and `If-None-Match` as raw bytes,
    /// for frameworks whose header types are not this crate's `http`.
    ///
    /// ```
    /// use optimist::{Evaluation, Preconditions, Version};
    /// let pre = Preconditions::from_lines([&br#""v1", "v2""#[..]], [])?;
    /// assert_eq!(pre.evaluate(&http::Method::PUT, Version::new(2)), Evaluation::Proceed);
    /// # Ok::<(), optimist::HeaderError>(())
    /// ```
    pub fn from_lines<'a>(
        if_match: impl IntoIterator<Item = &'a [u8]>,
        if_none_match: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Self, HeaderError> {
        Ok(Preconditions {
            if_match: parse_condition(if_match, IF_MATCH_NAME.as_str())?,
            if_none_match: parse_condition(if_none_match, IF_NONE_MATCH_NAME.as_str())?,
        })
    }

    /// Whether the request carries `If-Match`.
    ///
    /// ```
    /// assert!(!optimist::Preconditions::default().has_if_match());
    /// ```
    #[must_use]
    pub fn has_if_match(&self) -> bool {
        self.if_match.is_some()
    }

    /// Whether the request carries `If-None-Match`.
    ///
    /// ```
    /// assert!(!optimist::Preconditions::default().has_if_none_match());
    /// ```
    #[must_use]
    pub fn has_if_none_match(&self) -> bool {
        self.if_none_match.is_some()
    }

    /// Whether the request is `If-None-Match: *`: create only, never replace.
    ///
    /// ```
    /// use http::{HeaderMap, header::IF_NONE_MATCH};
    /// let mut headers = HeaderMap::new();
    /// headers.insert(IF_NONE_MATCH, "*".parse().unwrap());
    /// assert!(optimist::Preconditions::from_headers(&headers)?.is_create_only());
    /// # Ok::<(), optimist::HeaderError>(())
    /// ```
    #[must_use]
    pub fn is_create_only(&self) -> bool {
        matches!(self.if_none_match, Some(Condition::Any))
    }

    /// Evaluates the preconditions for `method` against the resource's
    /// current version (`None`: the resource does not exist), in the order
    /// of RFC 9110 §13.2.2. Dates are not used: optimist validates by tag.
    ///
    /// ```
    /// use http::{HeaderMap, Method, header::IF_NONE_MATCH};
    /// use optimist::{Evaluation, Preconditions, Version};
    ///
    /// let mut headers = HeaderMap::new();
    /// headers.insert(IF_NONE_MATCH, r#"W/"v2", "v9""#.parse().unwrap());
    /// let pre = Preconditions::from_headers(&headers)?;
    /// assert_eq!(pre.evaluate(&Method::GET, Version::new(2)), Evaluation::NotModified);
    /// assert_eq!(pre.evaluate(&Method::PUT, Version::new(2)), Evaluation::IfNoneMatchFailed);
    /// assert_eq!(pre.evaluate(&Method::GET, Version::new(3)), Evaluation::Proceed);
    /// # Ok::<(), optimist::HeaderError>(())
    /// ```
    #[must_use]
    pub fn evaluate(&self, method: &Method, current: Option<Version>) -> Evaluation {
        // Step 1: If-Match, strong comparison.
        if let Some(condition) = &self.if_match
            && !condition.matches_strong(current)
        {
            return Evaluation::IfMatchFailed;
        }
        // Step 2 (If-Unmodified-Since) needs a modification date: not used.
        // Step 3: If-None-Match, weak comparison.
        if let Some(condition) = &self.if_none_match
            && condition.matches_weak(current)
        {
            return if method == Method::GET || method == Method::HEAD {
                Evaluation::NotModified
            } else {
                Evaluation::IfNoneMatchFailed
            };
        }
        // Steps 4 and 5 (If-Modified-Since, If-Range) need dates and ranges.
        Evaluation::Proceed
    }
}

#[cfg(test)]
mod tests;
