//! The answer to a write that carried an `Idempotency-Key`, as it is
//! stored with the write and sent again to each retry.

use http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, LOCATION};
use http::{HeaderValue, Response, StatusCode};

use crate::http::Idempotency;

/// The answer to a keyed write: what the store keeps under the key, in
/// the write's own atomic step, and what every retry with the key gets
/// again, byte for byte. It is also the response itself: the first
/// request is answered from it, so the first answer and the replay can
/// never differ.
///
/// It holds what the client was sent (status, `ETag`, `Location`,
/// `Cache-Control` and the body, the resource's [`View`](crate::View),
/// which leaves secrets out) and the key, its scope, the request's
/// fingerprint and when it expires (seconds since the Unix epoch), for
/// the store. A store of another crate reads and builds it field by field.
///
/// ```
/// let receipt = optimist::Receipt {
///     scope: String::new(), key: "k1".into(), fingerprint: "ab".repeat(32), expires: 1_900_000_000,
///     status: 201, etag: Some("\"v1\"".into()), location: Some("/notes/1".into()),
///     cache_control: Some("no-cache".into()), body: r#"{"id":1,"version":1}"#.into(),
/// };
/// let response: http::Response<Vec<u8>> = receipt.to_response();
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.headers()["etag"], "\"v1\"");
/// assert_eq!(response.headers()["content-type"], "application/json");
/// assert_eq!(response.body(), br#"{"id":1,"version":1}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The caller the key belongs to ([`Idempotency::scope`]).
    pub scope: String,
    /// The key.
    pub key: String,
    /// The fingerprint of the request ([`Idempotency::fingerprint`], or
    /// its HMAC under [`Collection::fingerprint_secret`](crate::Collection::fingerprint_secret)).
    pub fingerprint: String,
    /// When the key expires, in seconds since the Unix epoch: from then
    /// on it is free, and a request with it is processed anew.
    pub expires: u64,
    /// The status sent.
    pub status: u16,
    /// The `ETag` sent.
    pub etag: Option<String>,
    /// The `Location` sent.
    pub location: Option<String>,
    /// The `Cache-Control` sent.
    pub cache_control: Option<String>,
    /// The body sent (JSON), empty for a 204.
    pub body: String,
}

impl Receipt {
    /// The receipt of `response`, sent to the request `key` names (whose
    /// fingerprint the store keeps as `fingerprint`), kept until `expires`.
    pub(crate) fn of(
        key: &Idempotency,
        fingerprint: &str,
        expires: u64,
        response: Response<Vec<u8>>,
    ) -> Receipt {
        Receipt {
            scope: key.scope().to_owned(),
            key: key.key().to_owned(),
            fingerprint: fingerprint.to_owned(),
            expires,
            ..Receipt::from_response(response)
        }
    }

    /// `response` as a receipt that no store keeps: the answer to a write
    /// that wrote nothing, or carried no key.
    pub(crate) fn from_response(response: Response<Vec<u8>>) -> Receipt {
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &HeaderValue| v.to_str().ok())
                .map(str::to_owned)
        };
        Receipt {
            scope: String::new(),
            key: String::new(),
            fingerprint: String::new(),
            expires: 0,
            status: response.status().as_u16(),
            etag: header(ETAG),
            location: header(LOCATION),
            cache_control: header(CACHE_CONTROL),
            // The bodies optimist sends are JSON, so UTF-8: no copy.
            body: String::from_utf8(response.into_body())
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }

    /// Whether the key is still held at `now` (seconds since the epoch).
    ///
    /// ```
    /// # let mut receipt = optimist::Receipt { scope: String::new(), key: "k".into(), fingerprint: String::new(),
    /// #     expires: 0, status: 204, etag: None, location: None, cache_control: None, body: String::new() };
    /// receipt.expires = 100;
    /// assert!(receipt.holds_at(99));
    /// assert!(!receipt.holds_at(100));
    /// ```
    #[must_use]
    pub fn holds_at(&self, now: u64) -> bool {
        now < self.expires
    }

    /// The response: the status, headers and body first sent.
    #[must_use]
    pub fn to_response<B: From<Vec<u8>>>(&self) -> Response<B> {
        self.respond(self.body.clone().into_bytes())
    }

    /// As [`to_response`](Receipt::to_response), without copying the body.
    ///
    /// ```
    /// # let receipt = optimist::Receipt { scope: String::new(), key: "k".into(), fingerprint: String::new(),
    /// #     expires: 0, status: 204, etag: None, location: None, cache_control: None, body: String::new() };
    /// let response: http::Response<Vec<u8>> = receipt.into_response();
    /// assert_eq!(response.status(), 204);
    /// assert!(response.headers().get("content-type").is_none());
    /// ```
    #[must_use]
    pub fn into_response<B: From<Vec<u8>>>(mut self) -> Response<B> {
        let body = core::mem::take(&mut self.body).into_bytes();
        self.respond(body)
    }

    fn respond<B: From<Vec<u8>>>(&self, body: Vec<u8>) -> Response<B> {
        let json = !body.is_empty();
        let mut response = Response::new(B::from(body));
        *response.status_mut() = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let headers = response.headers_mut();
        if json {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        }
        for (name, value) in [
            (ETAG, &self.etag),
            (LOCATION, &self.location),
            (CACHE_CONTROL, &self.cache_control),
        ] {
            if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
                headers.insert(name, value);
            }
        }
        response
    }
}
