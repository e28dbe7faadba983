//! axum integration (feature `axum`): every error is a response, every
//! extractor rejects with problem+json, and [`Tagged`] sets the `ETag`.
//!
//! ```
//! use axum::{Router, extract::State, routing::get};
//! use optimist::axum::{Path, Tagged};
//! use optimist::{Error, MemoryStore, Preconditions};
//! use std::sync::Arc;
//!
//! #[derive(optimist::Versioned, serde::Serialize, Clone)]
//! struct Note { id: u64, version: u64, text: String }
//!
//! async fn get_note(
//!     State(store): State<Arc<MemoryStore<Note>>>,
//!     Path(id): Path<u64>,
//!     pre: Preconditions,
//!     method: http::Method,
//! ) -> Result<Tagged<Note>, Error> {
//!     let note = optimist::read(&*store, &id, &pre, &method).await?;
//!     Ok(Tagged::ok(&note, note.value().clone()))
//! }
//!
//! let app: Router = Router::new()
//!     .route("/notes/{id}", get(get_note))
//!     .with_state(Arc::new(MemoryStore::<Note>::new()));
//! # let _ = app;
//! ```

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use http::header::{CONTENT_TYPE, ETAG, LOCATION};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{ETag, Error, MERGE_PATCH_JSON, Preconditions, ResourcePatch, Stored, Versioned};

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        self.to_response::<Body>()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Preconditions {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Error> {
        Ok(Preconditions::from_headers(&parts.headers)?)
    }
}

/// axum's `Path`, rejecting with a 400 problem instead of plain text.
///
/// ```
/// # use optimist::axum::Path;
/// async fn handler(Path(id): Path<u64>) -> String { id.to_string() }
/// # let _: axum::routing::MethodRouter = axum::routing::get(handler);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => Err(Error::BadRequest(rejection.body_text())),
        }
    }
}

/// Whether the request's `Content-Type` essence is `expected`.
fn has_media_type(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(expected))
}

/// The body, or 413 where it exceeds the body limit (axum's
/// `DefaultBodyLimit`).
async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Error> {
    Bytes::from_request(req, state).await.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::BadRequest(rejection.body_text())
        }
    })
}

/// Parses JSON: a syntax error is 400, the wrong shape or types 422.
fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => Error::Unprocessable(e.to_string()),
        _ => Error::BadRequest(format!("the body is not valid JSON: {e}")),
    })
}

/// A JSON body (`application/json`): 415 for another media type, 400 for
/// invalid JSON, 422 for the wrong shape, 413 when too large.
///
/// ```
/// # use optimist::axum::Json;
/// #[derive(serde::Deserialize)]
/// struct NewNote { text: String }
/// async fn handler(Json(note): Json<NewNote>) -> String { note.text }
/// # let _: axum::routing::MethodRouter = axum::routing::post(handler);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        if !has_media_type(req.headers(), "application/json") {
            return Err(Error::UnsupportedMediaType(
                "send the body as `Content-Type: application/json`".into(),
            ));
        }
        Ok(Json(parse_json(&body_bytes(req, state).await?)?))
    }
}

/// A JSON Merge Patch body (`application/merge-patch+json`, RFC 7396) for
/// resource `T`, with its version member taken out as the client's base.
///
/// ```
/// # use optimist::axum::MergePatch;
/// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize)]
/// # struct Note { id: u64, version: u64, text: String }
/// async fn handler(MergePatch(patch): MergePatch<Note>) -> String {
///     format!("{:?}", patch.base())
/// }
/// # let _: axum::routing::MethodRouter = axum::routing::patch(handler);
/// ```
#[derive(Debug, Clone)]
pub struct MergePatch<T>(pub ResourcePatch<T>);

impl<S: Send + Sync, T: Versioned> FromRequest<S> for MergePatch<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        if !has_media_type(req.headers(), MERGE_PATCH_JSON) {
            return Err(Error::UnsupportedMediaType(format!(
                "a PATCH is a JSON merge patch: send `Content-Type: {MERGE_PATCH_JSON}`"
            )));
        }
        let json: serde_json::Value = parse_json(&body_bytes(req, state).await?)?;
        Ok(MergePatch(ResourcePatch::new(json)?))
    }
}

/// A JSON response with the resource's `ETag` (and `Location` for 201).
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone)]
/// # struct Note { id: u64, version: u64, text: String }
/// use axum::response::IntoResponse;
/// use optimist::{Stored, Version, axum::Tagged};
///
/// let note = Stored::created(Note { id: 1, version: 0, text: "hi".into() }, Version::FIRST)?;
/// let response = Tagged::created(&note, "/notes/1", note.value().clone()).into_response();
/// assert_eq!(response.status(), 201);
/// assert_eq!(response.headers()["etag"], "\"v1\"");
/// assert_eq!(response.headers()["location"], "/notes/1");
/// # Ok::<(), optimist::VersionOverflow>(())
/// ```
#[derive(Debug, Clone)]
pub struct Tagged<T> {
    status: StatusCode,
    etag: ETag,
    location: Option<HeaderValue>,
    body: T,
}

impl<T: Serialize> Tagged<T> {
    /// 200 with `body` and the `ETag` of `stored`.
    pub fn ok<R>(stored: &Stored<R>, body: T) -> Self {
        Tagged {
            status: StatusCode::OK,
            etag: stored.etag(),
            location: None,
            body,
        }
    }

    /// 201 with `body`, the `ETag` of `stored` and `Location: location`.
    pub fn created<R>(stored: &Stored<R>, location: &str, body: T) -> Self {
        Tagged {
            status: StatusCode::CREATED,
            etag: stored.etag(),
            location: HeaderValue::from_str(location).ok(),
            body,
        }
    }
}

impl<T: Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        let mut response = match serde_json::to_vec(&self.body) {
            Ok(bytes) => {
                let mut response = Response::new(Body::from(bytes));
                response
                    .headers_mut()
                    .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                response
            }
            Err(e) => return Error::Unprocessable(e.to_string()).into_response(),
        };
        *response.status_mut() = self.status;
        response
            .headers_mut()
            .insert(ETAG, self.etag.to_header_value());
        if let Some(location) = self.location {
            response.headers_mut().insert(LOCATION, location);
        }
        response
    }
}

/// 204 No Content, for a successful DELETE.
///
/// ```
/// use axum::response::IntoResponse;
/// let r = optimist::axum::NoContent.into_response();
/// assert_eq!(r.status(), 204);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct NoContent;

impl IntoResponse for NoContent {
    fn into_response(self) -> Response {
        StatusCode::NO_CONTENT.into_response()
    }
}
