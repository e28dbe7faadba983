//! Rendering errors as RFC 9457 `application/problem+json` responses.

use http::header::{CACHE_CONTROL, CONNECTION, CONTENT_TYPE, ETAG, RETRY_AFTER};
use http::{HeaderValue, Response, StatusCode};
use serde_json::{Map, Value};

use super::{Problem, ProblemType};
use crate::problem::Error;

/// The media type of problem details (RFC 9457 §3).
pub const PROBLEM_JSON: &str = "application/problem+json";

impl Error {
    /// The problem body of this error; `instance` is the request's path
    /// where the caller knows it.
    ///
    /// ```
    /// use optimist::{Error, problem::ProblemType};
    /// let problem = Error::not_found("User", &1).to_problem(Some("/api/users/1"));
    /// assert_eq!((problem.status, problem.kind), (404, ProblemType::NOT_FOUND.uri().into()));
    /// assert_eq!(problem.detail, "User 1 does not exist");
    /// ```
    #[must_use]
    pub fn to_problem(&self, instance: Option<&str>) -> Problem {
        let kind = ProblemType::of(self);
        let extensions = match self {
            Error::Conflict(conflict) => match serde_json::to_value(&**conflict) {
                Ok(Value::Object(members)) => members,
                // Every member is a string, a number or already-built JSON.
                _ => unreachable!("a conflict serialises as an object"),
            },
            Error::AlreadyExists { resource, id, .. } => Map::from_iter([
                ("resource".to_owned(), Value::from(*resource)),
                ("id".to_owned(), id.clone()),
            ]),
            _ => Map::new(),
        };
        Problem {
            kind: kind.uri().into(),
            title: kind.title().into(),
            status: self.status().as_u16(),
            detail: self.to_string(),
            instance: instance.map(str::to_owned),
            extensions,
        }
    }

    /// The problem body as JSON bytes; `instance` is the request's path
    /// where the caller knows it.
    ///
    /// ```
    /// let body = optimist::Error::PreconditionRequired.problem_json(Some("/api/users/1"));
    /// let body: serde_json::Value = serde_json::from_slice(&body)?;
    /// assert_eq!(body["status"], 428);
    /// assert_eq!(body["instance"], "/api/users/1");
    /// assert!(body["type"].is_string() && body["title"].is_string() && body["detail"].is_string());
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    #[must_use]
    pub fn problem_json(&self, instance: Option<&str>) -> Vec<u8> {
        serde_json::to_vec(&self.to_problem(instance))
            .unwrap_or_else(|_| unreachable!("problem bodies always serialise"))
    }

    /// The whole response: status, `Content-Type`, `ETag` (409/412),
    /// `Retry-After` (503) and the problem body. A 304 has no body, and the
    /// `Cache-Control` the 200 would have had.
    ///
    /// ```
    /// use optimist::{Caching, VersionTag, Error, Version};
    /// let etag = VersionTag::from_version(Version::FIRST);
    /// let response: http::Response<Vec<u8>> =
    ///     Error::NotModified { etag, caching: Caching::REVALIDATE }.to_response();
    /// assert_eq!(response.status(), 304);
    /// assert_eq!(response.headers()["etag"], "\"v1\"");
    /// assert_eq!(response.headers()["cache-control"], "no-cache");
    /// assert!(response.body().is_empty() && response.headers().get("content-type").is_none());
    /// ```
    #[must_use]
    pub fn to_response<B: From<Vec<u8>>>(&self) -> Response<B> {
        self.response_with_instance(None)
    }

    /// As [`Error::to_response`], with `instance` set to the request path.
    ///
    /// ```
    /// let r: http::Response<Vec<u8>> = optimist::Error::not_found("User", &1).response_with_instance(Some("/api/users/1"));
    /// assert_eq!(r.status(), 404);
    /// ```
    #[must_use]
    pub fn response_with_instance<B: From<Vec<u8>>>(&self, instance: Option<&str>) -> Response<B> {
        let status = self.status();
        let body = if status == StatusCode::NOT_MODIFIED {
            Vec::new()
        } else {
            self.problem_json(instance)
        };
        let mut response = Response::new(B::from(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        if status != StatusCode::NOT_MODIFIED {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        }
        if let Some(tag) = self.etag() {
            headers.insert(ETAG, tag.to_header_value());
        }
        if let Error::NotModified { caching, .. } = self {
            headers.insert(CACHE_CONTROL, caching.header_value());
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            headers.insert(RETRY_AFTER, HeaderValue::from_static("1"));
        }
        if status == StatusCode::REQUEST_TIMEOUT {
            // RFC 9110 §15.5.9: the server closes the connection.
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        if let Error::Unavailable(e) = self {
            response
                .extensions_mut()
                .insert(super::error::StoreFailure::of(e));
        }
        response
    }
}
