//! The success response of a read or write: JSON with the resource's
//! `ETag` (and `Location` for a create). Framework adapters turn it into
//! their own response type.

use http::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, LOCATION};
use http::{HeaderValue, Response, StatusCode};
use serde::Serialize;

use crate::http::{Caching, Version, VersionTag};
use crate::problem::Error;
use crate::resource::Stored;

/// A JSON response with the resource's `ETag` (and `Location` for 201),
/// and a `Cache-Control` that makes caches revalidate it ([`Caching`]).
///
/// The body is serialised only when the response is built, so a handler
/// that answers 304 (through [`Error::NotModified`]) never serialises it.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::{Stored, Tagged, Version};
///
/// let note = Stored::created(Note { id: 1, version: 0, text: "hi".into() }, Version::FIRST)?;
/// let response: http::Response<Vec<u8>> =
///     Tagged::created(&note, "/notes/1", note.value().clone()).to_response();
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.headers()["etag"], "\"v1\"");
/// assert_eq!(response.headers()["location"], "/notes/1");
/// assert_eq!(response.headers()["cache-control"], "no-cache");
/// assert_eq!(response.body(), br#"{"id":1,"version":1,"text":"hi"}"#);
/// # Ok::<(), optimist::VersionOverflow>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tagged<T> {
    status: StatusCode,
    etag: VersionTag,
    location: Option<HeaderValue>,
    caching: Caching,
    /// A new version was stored (see [`Tagged::wrote`]).
    wrote: bool,
    body: T,
}

impl<T: Serialize> Tagged<T> {
    /// 200 with `body` and the `ETag` of `stored`.
    pub fn ok<R>(stored: &Stored<R>, body: T) -> Self {
        Tagged {
            status: StatusCode::OK,
            etag: stored.etag(),
            location: None,
            caching: Caching::REVALIDATE,
            wrote: false,
            body,
        }
    }

    /// 200 with `body` and the `ETag` of `version`: for a representation
    /// of one version that is not the stored resource, such as a revision.
    ///
    /// ```
    /// use optimist::{Tagged, Version};
    /// let v3 = Version::new(3).unwrap();
    /// let response: http::Response<Vec<u8>> = Tagged::at(v3, "old text").to_response();
    /// assert_eq!(response.headers()["etag"], "\"v3\"");
    /// ```
    pub fn at(version: Version, body: T) -> Self {
        Tagged {
            status: StatusCode::OK,
            etag: VersionTag::from_version(version),
            location: None,
            caching: Caching::REVALIDATE,
            wrote: false,
            body,
        }
    }

    /// 201 with `body`, the `ETag` of `stored` and `Location: location`.
    pub fn created<R>(stored: &Stored<R>, location: &str, body: T) -> Self {
        Tagged {
            status: StatusCode::CREATED,
            etag: stored.etag(),
            location: HeaderValue::from_str(location).ok(),
            caching: Caching::REVALIDATE,
            wrote: true,
            body,
        }
    }

    /// The body, taken out: for a handler that renders it another way
    /// than JSON (an HTML page, say).
    ///
    /// ```
    /// use optimist::{Tagged, Version};
    /// assert_eq!(Tagged::at(Version::FIRST, "text").into_body(), "text");
    /// ```
    #[must_use]
    pub fn into_body(self) -> T {
        self.body
    }

    /// Whether this answers a write that stored a new version (a create,
    /// or a change). `false` for a write that found the resource already
    /// as it asked, which RFC 9110 still answers 200, and for reads: a
    /// page can then say "nothing to save" instead of "saved".
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, text: String }
    /// use optimist::{Collection, MemoryStore, Preconditions, Tagged};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let notes = Collection::new(MemoryStore::<Note>::new(), "/notes");
    /// let created: Tagged<Note> = notes.create(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// assert!(created.wrote());
    /// let same = optimist::ResourcePatch::new(serde_json::json!({"version": 1, "text": "a"}))?;
    /// let patched: Tagged<Note> = notes.patch(&1, &Preconditions::default(), &same).await?;
    /// assert!(!patched.wrote());
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    #[must_use]
    pub fn wrote(&self) -> bool {
        self.wrote
    }

    /// Marks the answer as one to a write that stored a new version.
    pub(crate) fn written(mut self) -> Self {
        self.wrote = true;
        self
    }

    /// The `Cache-Control` to send instead of `no-cache`: the service's
    /// [`Policy::caching`](crate::Policy::caching).
    ///
    /// ```
    /// use optimist::{Caching, Tagged, Version};
    /// let tagged = Tagged::at(Version::FIRST, 1).caching(Caching::PRIVATE);
    /// let response: http::Response<Vec<u8>> = tagged.to_response();
    /// assert_eq!(response.headers()["cache-control"], "private, no-cache");
    /// ```
    #[must_use]
    pub fn caching(mut self, caching: Caching) -> Self {
        self.caching = caching;
        self
    }

    /// The response, with the body serialised as JSON. A body that cannot
    /// be serialised (a map with non-string keys, say) is a 422 problem.
    #[must_use]
    pub fn to_response<B: From<Vec<u8>>>(&self) -> Response<B> {
        let mut response = match json_response(&self.body, self.caching) {
            Ok(response) => response,
            Err(refused) => return refused,
        };
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        headers.insert(ETAG, self.etag.to_header_value());
        if let Some(location) = &self.location {
            headers.insert(LOCATION, location.clone());
        }
        response
    }
}

/// A 200 with `body` as JSON and `caching`; a body that cannot be
/// serialised (a map with non-string keys, say) is a 422 problem instead.
pub(crate) fn json_response<B: From<Vec<u8>>>(
    body: &impl Serialize,
    caching: Caching,
) -> Result<Response<B>, Response<B>> {
    let bytes =
        serde_json::to_vec(body).map_err(|e| Error::Unprocessable(e.to_string()).to_response())?;
    let mut response = Response::new(B::from(bytes));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(CACHE_CONTROL, caching.header_value());
    Ok(response)
}

/// `{prefix}{value}`, the value percent-encoded: every byte but ASCII
/// letters, digits and those in `keep` (RFC 3986 §2.1).
pub(crate) fn percent_encoded(
    prefix: String,
    value: &impl core::fmt::Display,
    keep: &[u8],
) -> String {
    use core::fmt::Write as _;
    let mut out = prefix;
    for b in value.to_string().bytes() {
        if b.is_ascii_alphanumeric() || keep.contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// `204 No Content`: the answer to a successful DELETE.
///
/// ```
/// let response: http::Response<Vec<u8>> = optimist::NoContent.to_response();
/// assert_eq!(response.status(), 204);
/// assert!(response.body().is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoContent;

impl NoContent {
    /// The empty 204 response.
    #[must_use]
    pub fn to_response<B: From<Vec<u8>>>(&self) -> Response<B> {
        let mut response = Response::new(B::from(Vec::new()));
        *response.status_mut() = StatusCode::NO_CONTENT;
        response
    }
}
