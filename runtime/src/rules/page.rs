//! Lists a page at a time: keyset pagination, each page pointing at the
//! next with a `Link: <…>; rel="next"` header (RFC 8288 §3).

use core::fmt;

use http::header::LINK;
use http::{HeaderValue, Response};
use serde::{Deserialize, Serialize};

use crate::http::Caching;
use crate::problem::Error;

/// The page a client asks for: `?limit=20&after=123`, the resources after
/// the one with id `after` (the last of the page before), at most `limit`
/// of them. Read it with the framework's query extractor
/// (`optimist::axum::Query`, actix-web's `web::Query`).
///
/// ```
/// let page: optimist::PageRequest<u64> = serde_json::from_str(r#"{"limit": 2, "after": 7}"#)?;
/// assert_eq!((page.limit, page.after), (Some(2), Some(7)));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PageRequest<I> {
    /// How many resources, from 1 to [`PageRequest::MAX_LIMIT`]; absent:
    /// [`PageRequest::DEFAULT_LIMIT`].
    #[serde(default)]
    pub limit: Option<usize>,
    /// The id after which the page starts; absent: the first page.
    #[serde(default = "none")]
    pub after: Option<I>,
}

fn none<I>() -> Option<I> {
    None
}

impl<I> Default for PageRequest<I> {
    fn default() -> Self {
        PageRequest {
            limit: None,
            after: None,
        }
    }
}

impl<I> PageRequest<I> {
    /// The page size when the client names none.
    pub const DEFAULT_LIMIT: usize = 20;
    /// The largest page a client may ask for.
    pub const MAX_LIMIT: usize = 100;

    /// The page size asked for.
    ///
    /// ```
    /// use optimist::PageRequest;
    /// assert_eq!(PageRequest::<u64>::default().limit().unwrap(), 20);
    /// let zero = PageRequest::<u64> { limit: Some(0), after: None };
    /// assert_eq!(zero.limit().unwrap_err().status(), 400);
    /// ```
    ///
    /// # Errors
    /// 400 for a limit outside 1 to [`PageRequest::MAX_LIMIT`].
    pub fn limit(&self) -> Result<usize, Error> {
        match self.limit {
            None => Ok(Self::DEFAULT_LIMIT),
            Some(limit @ 1..=Self::MAX_LIMIT) => Ok(limit),
            Some(_) => Err(Error::BadRequest(format!(
                "`limit` is from 1 to {}",
                Self::MAX_LIMIT
            ))),
        }
    }
}

/// One page of a collection as the API returns it: a JSON array, and
/// where a next page follows, `Link: </path?limit=…&after=…>; rel="next"`.
///
/// ```
/// let page = optimist::Listed::new(vec![1, 2], Some("/notes?limit=2&after=2".into()));
/// let response: http::Response<Vec<u8>> = page.to_response();
/// assert_eq!(response.headers()["link"], r#"</notes?limit=2&after=2>; rel="next""#);
/// assert_eq!(response.body(), b"[1,2]");
/// ```
#[derive(Debug, Clone)]
pub struct Listed<V> {
    items: Vec<V>,
    next: Option<String>,
    caching: Caching,
}

impl<V: Serialize> Listed<V> {
    /// `items`, and the URL of the next page where there is one.
    #[must_use]
    pub fn new(items: Vec<V>, next: Option<String>) -> Self {
        Listed {
            items,
            next,
            caching: Caching::REVALIDATE,
        }
    }

    /// With `caching` instead of [`Caching::REVALIDATE`].
    ///
    /// ```
    /// use optimist::{Caching, Listed};
    /// let page = Listed::new(vec![1], None).caching(Caching::PRIVATE);
    /// let response: http::Response<Vec<u8>> = page.to_response();
    /// assert_eq!(response.headers()["cache-control"], "private, no-cache");
    /// assert_eq!((page.items(), page.next()), (&[1][..], None));
    /// ```
    #[must_use]
    pub fn caching(mut self, caching: Caching) -> Self {
        self.caching = caching;
        self
    }

    /// The page's resources (see [`Listed::caching`]'s example).
    #[must_use]
    pub fn items(&self) -> &[V] {
        &self.items
    }

    /// The next page's URL, where one follows (see [`Listed::new`]'s
    /// example of the header it becomes).
    #[must_use]
    pub fn next(&self) -> Option<&str> {
        self.next.as_deref()
    }

    /// The response: 200, the items as a JSON array, the `Link`.
    #[must_use]
    pub fn to_response<B: From<Vec<u8>>>(&self) -> Response<B> {
        let mut response = match super::tagged::json_response(&self.items, self.caching) {
            Ok(response) => response,
            Err(refused) => return refused,
        };
        let link = self
            .next
            .as_ref()
            .and_then(|next| HeaderValue::try_from(format!("<{next}>; rel=\"next\"")).ok());
        if let Some(link) = link {
            response.headers_mut().insert(LINK, link);
        }
        response
    }
}

/// `{path}?limit={limit}&after={id}`, the id percent-encoded as a query
/// value (RFC 3986 §3.4).
pub(crate) fn next_page(path: &str, limit: usize, after: &impl fmt::Display) -> String {
    let path = path.trim_end_matches('/');
    super::tagged::percent_encoded(
        format!("{path}?limit={limit}&after="),
        after,
        b"-._~!$'()*,;:@/?",
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_next_link_encodes_the_id() {
        assert_eq!(
            super::next_page("/a", 5, &"x y&z=1"),
            "/a?limit=5&after=x%20y%26z%3D1"
        );
        assert_eq!(super::next_page("/a", 5, &42), "/a?limit=5&after=42");
    }
}
