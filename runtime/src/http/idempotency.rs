//! The `Idempotency-Key` request header
//! (draft-ietf-httpapi-idempotency-key-header): the key a client sends to
//! make a retried write happen once, and the fingerprint of the request it
//! names.

use http::header::{CONTENT_TYPE, IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderName, Method};
use sha2::{Digest, Sha256};

use crate::problem::Error;

/// The header's name.
///
/// ```
/// assert_eq!(optimist::IDEMPOTENCY_KEY.as_str(), "idempotency-key");
/// ```
pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");

/// The longest key accepted, in characters: a UUID is 36, so a key this
/// long leaves room for any scheme a client uses, and bounds what a store
/// keeps per key.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// let long = format!("\"{}\"", "k".repeat(optimist::MAX_KEY_LEN + 1));
/// headers.insert("idempotency-key", long.parse().unwrap());
/// let refused = optimist::Idempotency::from_request(&headers, &http::Method::POST, "/", b"");
/// assert_eq!(refused.unwrap_err().status(), 400);
/// ```
pub const MAX_KEY_LEN: usize = 255;

/// A write request that carries an `Idempotency-Key`: the key, the scope
/// it belongs to (the caller, where the service knows who it is) and a
/// fingerprint of what the request asks (method, target, preconditions,
/// media type and body, as SHA-256).
///
/// The same key with the same request is a retry: it gets the first
/// answer again. The same key with another request is a client's mistake
/// (422). A key read from a request is in the one shared scope (`""`):
/// every caller's keys meet there. A service that knows its callers puts
/// each key in the caller's own scope ([`scoped`](Idempotency::scoped)),
/// so that one caller cannot replay another's answer by guessing a key,
/// and two callers who pick the same key never share an answer.
///
/// ```
/// use http::{HeaderMap, Method};
/// use optimist::Idempotency;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("idempotency-key", "\"8e03978e-40d5-43e8-bc93-6894a57f9324\"".parse().unwrap());
/// let first = Idempotency::from_request(&headers, &Method::POST, "/api/users", br#"{"name":"Ann"}"#)?.unwrap();
/// let retry = Idempotency::from_request(&headers, &Method::POST, "/api/users", br#"{"name":"Ann"}"#)?.unwrap();
/// let other = Idempotency::from_request(&headers, &Method::POST, "/api/users", br#"{"name":"Bob"}"#)?.unwrap();
/// assert_eq!(first.key(), "8e03978e-40d5-43e8-bc93-6894a57f9324");
/// assert_eq!(first.fingerprint(), retry.fingerprint());
/// assert_ne!(first.fingerprint(), other.fingerprint());
///
/// // No header: an ordinary write. A key that is not a quoted string: 400.
/// assert!(Idempotency::from_request(&HeaderMap::new(), &Method::POST, "/", b"")?.is_none());
/// headers.insert("idempotency-key", "unquoted".parse().unwrap());
/// assert_eq!(Idempotency::from_request(&headers, &Method::POST, "/", b"").unwrap_err().status(), 400);
/// # Ok::<(), optimist::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Idempotency {
    scope: String,
    key: String,
    fingerprint: String,
}

impl Idempotency {
    /// The key of a request (`None`: it sends none), with the fingerprint
    /// of `method`, `target` (path and query), its `If-Match`,
    /// `If-None-Match` and `Content-Type`, and `body`.
    ///
    /// # Errors
    /// 400 (`bad-idempotency-key`) for a header sent twice, a value that is
    /// not a structured-field string (RFC 9651 §3.3.3: `"` printable ASCII
    /// `"`, with `\"` and `\\` escapes), an empty key or one longer than
    /// [`MAX_KEY_LEN`].
    pub fn from_request(
        headers: &HeaderMap,
        method: &Method,
        target: &str,
        body: &[u8],
    ) -> Result<Option<Self>, Error> {
        let mut values = headers.get_all(IDEMPOTENCY_KEY).iter();
        let Some(value) = values.next() else {
            return Ok(None);
        };
        if values.next().is_some() {
            return Err(Error::BadKey(
                "send one Idempotency-Key, not several".into(),
            ));
        }
        let key = parse_key(value.as_bytes())?;
        let mut hash = Sha256::new();
        let mut part = |bytes: &[u8]| {
            // Each part's length first: no two requests hash the same parts.
            hash.update((bytes.len() as u64).to_be_bytes());
            hash.update(bytes);
        };
        part(method.as_str().as_bytes());
        part(target.as_bytes());
        for name in [IF_MATCH, IF_NONE_MATCH, CONTENT_TYPE] {
            for value in headers.get_all(name) {
                part(value.as_bytes());
            }
            part(b"");
        }
        part(body);
        let fingerprint = hex(&hash.finalize());
        Ok(Some(Idempotency {
            scope: String::new(),
            key,
            fingerprint,
        }))
    }

    /// The key in the scope of `caller` (an account or client id the
    /// service authenticated): keys of one caller never meet another's.
    ///
    /// ```
    /// # use http::{HeaderMap, Method};
    /// # let mut headers = HeaderMap::new();
    /// # headers.insert("idempotency-key", "\"k\"".parse().unwrap());
    /// let key = optimist::Idempotency::from_request(&headers, &Method::DELETE, "/a/1", b"")?.unwrap();
    /// assert_eq!(key.scoped("alice").scope(), "alice");
    /// # Ok::<(), optimist::Error>(())
    /// ```
    #[must_use]
    pub fn scoped(mut self, caller: impl Into<String>) -> Self {
        self.scope = caller.into();
        self
    }

    /// The key of a route that requires one.
    ///
    /// ```
    /// let missing = optimist::Idempotency::require(None).unwrap_err();
    /// assert_eq!((missing.status().as_u16(), missing.to_string().as_str()),
    ///     (400, "this write needs an Idempotency-Key header: a fresh key per write, the same on its retries"));
    /// ```
    ///
    /// # Errors
    /// 400 (`idempotency-key-required`) where the request sent none.
    pub fn require(found: Option<Self>) -> Result<Self, Error> {
        found.ok_or(Error::KeyRequired)
    }

    /// The key, unquoted (escapes resolved).
    ///
    /// ```
    /// # let mut headers = http::HeaderMap::new();
    /// headers.insert("idempotency-key", r#""a\"b""#.parse().unwrap());
    /// let key = optimist::Idempotency::from_request(&headers, &http::Method::POST, "/", b"")?.unwrap();
    /// assert_eq!((key.key(), key.scope(), key.fingerprint().len()), (r#"a"b"#, "", 64));
    /// # Ok::<(), optimist::Error>(())
    /// ```
    #[must_use]
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The caller the key belongs to (empty: the service names none).
    #[must_use]
    pub fn scope(&self) -> &str {
        &self.scope
    }

    /// The request's fingerprint: SHA-256, as 64 lowercase hex digits.
    #[must_use]
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }
}

/// `bytes` as lowercase hex digits.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut hex, b| {
            use core::fmt::Write as _;
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

/// A structured-field string (RFC 9651 §3.3.3), unquoted.
fn parse_key(value: &[u8]) -> Result<String, Error> {
    let bad = |why: &str| Error::BadKey(format!("the Idempotency-Key {why}"));
    let inner = value
        .strip_prefix(b"\"")
        .and_then(|v| v.strip_suffix(b"\""))
        .ok_or_else(|| {
            bad("must be a quoted string, as in \"8e03978e-40d5-43e8-bc93-6894a57f9324\"")
        })?;
    let mut key = String::with_capacity(inner.len());
    let mut bytes = inner.iter();
    while let Some(&b) = bytes.next() {
        let c = match b {
            b'\\' => match bytes.next() {
                Some(&e @ (b'"' | b'\\')) => e,
                _ => return Err(bad("may escape only `\"` and `\\`")),
            },
            b'"' => return Err(bad("has an unescaped `\"` inside")),
            0x20..=0x7e => b,
            _ => return Err(bad("may hold printable ASCII only")),
        };
        key.push(char::from(c));
    }
    if key.is_empty() || key.len() > MAX_KEY_LEN {
        return Err(bad(&format!("must be 1 to {MAX_KEY_LEN} characters long")));
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::parse_key;

    #[test]
    fn keys_are_structured_field_strings() {
        assert_eq!(parse_key(br#""abc""#).unwrap(), "abc");
        assert_eq!(parse_key(br#""a\"b\\c""#).unwrap(), r#"a"b\c"#);
        for bad in [
            &b"abc"[..],
            b"\"",
            b"\"\"",
            b"\"a\\n\"",
            b"\"a\"b\"",
            b"\"\xc3\xa9\"",
            b"\"a\tb\"",
        ] {
            assert_eq!(parse_key(bad).unwrap_err().status(), 400, "{bad:?}");
        }
        let long = format!("\"{}\"", "k".repeat(super::MAX_KEY_LEN + 1));
        assert!(parse_key(long.as_bytes()).is_err());
    }
}
