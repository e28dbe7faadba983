//! Entity tags (RFC 9110 §8.8.3): parsing, formatting and the two
//! comparison functions.

use core::fmt;

use http::HeaderValue;

use crate::http::Version;

/// An entity tag borrowed from a header: `"xyz"` or `W/"xyz"`.
///
/// The opaque value is readable (the `headers` crate hides it), so a service
/// can recognise tags it issued.
///
/// ```
/// use optimist::EntityTag;
///
/// let weak = EntityTag::parse(br#"W/"v3""#)?;
/// let strong = EntityTag::parse(br#""v3""#)?;
/// assert!(weak.is_weak());
/// assert_eq!(strong.opaque(), b"v3");
/// assert!(weak.weak_eq(&strong));
/// assert!(!weak.strong_eq(&strong));
/// # Ok::<(), optimist::TagError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntityTag<'a> {
    weak: bool,
    opaque: &'a [u8],
}

/// Why a header holding entity tags was refused.
///
/// ```
/// use optimist::{EntityTag, TagError};
/// assert_eq!(EntityTag::parse(b"v3"), Err(TagError::Malformed));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagError {
    /// Not the syntax of RFC 9110 §8.8.3 (or §13.1.1 for lists).
    Malformed,
    /// More tags, or more bytes, than a precondition header may carry.
    TooLarge,
}

impl fmt::Display for TagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TagError::Malformed => "not a valid entity tag list (RFC 9110 §8.8.3)",
            TagError::TooLarge => "too many entity tags",
        })
    }
}

impl std::error::Error for TagError {}

const fn is_etagc(b: u8) -> bool {
    // etagc = %x21 / %x23-7E / obs-text
    b == 0x21 || (b >= 0x23 && b != 0x7f)
}

impl<'a> EntityTag<'a> {
    /// Parses exactly one entity tag.
    ///
    /// ```
    /// assert!(optimist::EntityTag::parse(br#""a b""#).is_err());
    /// ```
    pub fn parse(input: &'a [u8]) -> Result<Self, TagError> {
        match Self::parse_prefix(input) {
            Some((tag, [])) => Ok(tag),
            _ => Err(TagError::Malformed),
        }
    }

    /// Parses one tag at the start of `input`; returns it and the rest.
    fn parse_prefix(input: &'a [u8]) -> Option<(Self, &'a [u8])> {
        let (weak, rest) = match input {
            [b'W', b'/', rest @ ..] => (true, rest),
            rest => (false, rest),
        };
        let rest = rest.strip_prefix(b"\"")?;
        let end = rest.iter().position(|&b| !is_etagc(b))?;
        if rest[end] != b'"' {
            return None;
        }
        Some((
            EntityTag {
                weak,
                opaque: &rest[..end],
            },
            &rest[end + 1..],
        ))
    }

    /// Whether the tag is weak (`W/"…"`).
    #[must_use]
    pub fn is_weak(&self) -> bool {
        self.weak
    }

    /// The opaque value, without quotes.
    #[must_use]
    pub fn opaque(&self) -> &'a [u8] {
        self.opaque
    }

    /// Strong comparison: both strong and the same opaque value.
    #[must_use]
    pub fn strong_eq(&self, other: &EntityTag<'_>) -> bool {
        !self.weak && !other.weak && self.opaque == other.opaque
    }

    /// Weak comparison: the same opaque value, weakness ignored.
    #[must_use]
    pub fn weak_eq(&self, other: &EntityTag<'_>) -> bool {
        self.opaque == other.opaque
    }
}

impl fmt::Display for EntityTag<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.weak {
            f.write_str("W/")?;
        }
        // obs-text that is not UTF-8 is shown escaped; everything else as sent.
        match core::str::from_utf8(self.opaque) {
            Ok(text) => write!(f, "\"{text}\""),
            Err(_) => write!(f, "\"{}\"", self.opaque.escape_ascii()),
        }
    }
}

/// The largest number of tags one precondition header may list.
pub const MAX_TAGS: usize = 32;
/// The largest size, in bytes, of all lines of one precondition header.
pub const MAX_HEADER_BYTES: usize = 2048;

/// Checks a whole field line, counting its tags into `count` and
/// handing each to `each`: one pass over the bytes. The line is an
/// RFC 9110 §5.6.1 `#entity-tag` list: empty elements are ignored and
/// the list may be empty (RFC 9110 §5.6.1.2).
pub(crate) fn for_each_tag<'a>(
    input: &'a [u8],
    count: &mut usize,
    mut each: impl FnMut(EntityTag<'a>),
) -> Result<(), TagError> {
    let mut rest = skip_ows_and_commas(input);
    while !rest.is_empty() {
        let (tag, after) = EntityTag::parse_prefix(rest).ok_or(TagError::Malformed)?;
        *count += 1;
        if *count > MAX_TAGS {
            return Err(TagError::TooLarge);
        }
        each(tag);
        let trimmed = skip_ows(after);
        // Tags are separated by commas; `"a""b"` is not a list.
        if !trimmed.is_empty() && trimmed[0] != b',' {
            return Err(TagError::Malformed);
        }
        rest = skip_ows_and_commas(trimmed);
    }
    Ok(())
}

/// Whether a field line lists no element at all (only commas and OWS).
pub(crate) fn is_empty_list(line: &[u8]) -> bool {
    skip_ows_and_commas(line).is_empty()
}

/// RFC 9110 §5.6.3: `OWS = *( SP / HTAB )` — not every ASCII space
/// (a form feed is not whitespace in HTTP).
pub(crate) fn skip_ows(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = s {
        s = rest;
    }
    s
}

fn skip_ows_and_commas(mut s: &[u8]) -> &[u8] {
    while let [b' ' | b'\t' | b',', rest @ ..] = s {
        s = rest;
    }
    s
}

/// The strong entity tag that optimist derives from a [`Version`] and
/// sends as `ETag`; [`EntityTag`] is any tag a client sends back.
///
/// Its opaque value is `v` and the version (`"v7"`); clients must treat it
/// as opaque. Because versions are never reused for an id, a
/// tag never names two different states of one resource.
///
/// ```
/// use optimist::{VersionTag, EntityTag, Version};
///
/// let tag = VersionTag::from_version(Version::new(7).unwrap());
/// assert_eq!(tag.to_string(), "\"v7\"");
/// assert_eq!(tag.to_header_value(), "\"v7\"");
/// let sent = EntityTag::parse(br#""v7""#)?;
/// assert!(tag.strong_matches(&sent));
/// # Ok::<(), optimist::TagError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionTag {
    version: Version,
}

/// `"v` + up to 20 digits + `"`.
const ETAG_CAPACITY: usize = 23;

impl VersionTag {
    /// The tag of a resource at `version`.
    #[must_use]
    pub const fn from_version(version: Version) -> VersionTag {
        VersionTag { version }
    }

    /// The version this tag was derived from.
    ///
    /// ```
    /// use optimist::{VersionTag, Version};
    /// assert_eq!(VersionTag::from_version(Version::FIRST).version(), Version::FIRST);
    /// ```
    #[must_use]
    pub const fn version(&self) -> Version {
        self.version
    }

    /// Writes the quoted tag into a stack buffer: no heap allocation.
    fn encode(self, buf: &mut [u8; ETAG_CAPACITY]) -> &[u8] {
        let mut digits = itoa::Buffer::new();
        let digits = digits.format(self.version.get()).as_bytes();
        let len = digits.len() + 3;
        buf[0] = b'"';
        buf[1] = b'v';
        buf[2..len - 1].copy_from_slice(digits);
        buf[len - 1] = b'"';
        &buf[..len]
    }

    /// The value of an `ETag` header field.
    #[must_use]
    pub fn to_header_value(&self) -> HeaderValue {
        let mut buf = [0; ETAG_CAPACITY];
        HeaderValue::from_bytes(self.encode(&mut buf))
            .unwrap_or_else(|_| unreachable!("quotes, 'v' and digits are valid header bytes"))
    }

    /// The version a tag names, if it is one optimist issues (`"v7"` or
    /// `W/"v7"`); `None` for any other tag.
    ///
    /// ```
    /// use optimist::{VersionTag, EntityTag};
    /// let tag = EntityTag::parse(br#"W/"v7""#)?;
    /// assert_eq!(VersionTag::version_named(&tag).map(|v| v.get()), Some(7));
    /// assert_eq!(VersionTag::version_named(&EntityTag::parse(br#""v07""#)?), None);
    /// assert_eq!(VersionTag::version_named(&EntityTag::parse(br#""abc""#)?), None);
    /// # Ok::<(), optimist::TagError>(())
    /// ```
    #[must_use]
    pub fn version_named(tag: &EntityTag<'_>) -> Option<Version> {
        let digits = tag.opaque.strip_prefix(b"v")?;
        // Exactly the form `encode` writes: digits, no leading zero.
        if digits.first().is_none_or(|d| *d == b'0') {
            return None;
        }
        let mut n: u64 = 0;
        for d in digits {
            if !d.is_ascii_digit() {
                return None;
            }
            n = n.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
        }
        Version::new(n)
    }

    /// Whether `tag` names this state under strong comparison.
    #[must_use]
    pub fn strong_matches(&self, tag: &EntityTag<'_>) -> bool {
        !tag.weak && self.weak_matches(tag)
    }

    /// Whether `tag` names this state under weak comparison.
    #[must_use]
    pub fn weak_matches(&self, tag: &EntityTag<'_>) -> bool {
        let mut buf = [0; ETAG_CAPACITY];
        let ours = self.encode(&mut buf);
        tag.opaque == &ours[1..ours.len() - 1]
    }
}

impl fmt::Display for VersionTag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"v{}\"", self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(s: &str) -> Result<Vec<String>, TagError> {
        let mut count = 0;
        let mut tags = Vec::new();
        for_each_tag(s.as_bytes(), &mut count, |t| tags.push(t.to_string()))?;
        Ok(tags)
    }

    /// Found by the `header` fuzz target: only SP and HTAB are OWS.
    #[test]
    fn a_form_feed_is_not_whitespace() {
        assert_eq!(list("\"a\"\x0c"), Err(TagError::Malformed));
        assert_eq!(list("\"a\"\x0c, \"b\""), Err(TagError::Malformed));
        assert_eq!(
            list("\"a\" \t, \"b\""),
            Ok(vec!["\"a\"".into(), "\"b\"".into()])
        );
    }

    #[test]
    fn lists_accept_rfc_syntax() {
        assert_eq!(list(r#""a""#).unwrap(), [r#""a""#]);
        assert_eq!(
            list(r#" "a" ,W/"b",, "c""#).unwrap(),
            [r#""a""#, r#"W/"b""#, r#""c""#]
        );
        assert_eq!(list(r#""""#).unwrap(), [r#""""#]);
        assert_eq!(list("\"\u{e9}\"").unwrap().len(), 1, "obs-text is allowed");
    }

    /// RFC 9110 §5.6.1.2: empty elements are ignored, and a `#` list may
    /// be empty.
    #[test]
    fn empty_lists_are_lists() {
        for empty in ["", " ", ",", " , ,\t,"] {
            assert_eq!(list(empty), Ok(vec![]), "{empty:?}");
        }
    }

    #[test]
    fn lists_reject_malformed() {
        for bad in [
            "a",
            r#""a"#,
            r#"w/"a""#,
            r#""a""b""#,
            r#""a b""#,
            r#"W/ "a""#,
            r#""a" x"#,
            "*",
        ] {
            assert_eq!(list(bad), Err(TagError::Malformed), "{bad:?}");
        }
    }

    #[test]
    fn lists_are_bounded() {
        let many = vec![r#""x""#; MAX_TAGS + 1].join(",");
        assert_eq!(list(&many), Err(TagError::TooLarge));
        let enough = vec![r#""x""#; MAX_TAGS].join(",");
        assert_eq!(list(&enough).unwrap().len(), MAX_TAGS);
    }

    #[test]
    fn version_tags_compare() {
        let tag = VersionTag::from_version(Version::new(u64::MAX).unwrap());
        let text = tag.to_string();
        assert_eq!(tag.to_header_value(), text.as_str());
        let parsed = EntityTag::parse(text.as_bytes()).unwrap();
        assert!(tag.strong_matches(&parsed));
        let weak = format!("W/{text}");
        let weak = EntityTag::parse(weak.as_bytes()).unwrap();
        assert!(!tag.strong_matches(&weak));
        assert!(tag.weak_matches(&weak));
        assert!(!VersionTag::from_version(Version::FIRST).weak_matches(&parsed));
    }
}
