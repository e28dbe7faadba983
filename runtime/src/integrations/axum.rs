//! axum integration (feature `axum`): every error is a response, every
//! extractor rejects with problem+json, and [`Tagged`] sets the `ETag`.
//!
//! ```
//! use axum::{Router, extract::State, routing::get};
//! use optimist::axum::Path;
//! use optimist::{Error, MemoryStore, Policy, Preconditions, Tagged};
//! use std::sync::Arc;
//!
//! #[derive(optimist::Versioned, serde::Serialize, Clone)]
//! struct Note { id: u64, version: u64, text: String }
//!
//! async fn get_note(
//!     State(store): State<Arc<MemoryStore<Note>>>,
//!     Path(id): Path<u64>,
//!     pre: Preconditions,
//! ) -> Result<Tagged<Note>, Error> {
//!     let note = optimist::read(&*store, &id, &pre, &Policy::DEFAULT).await?;
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
use http::header::CONTENT_TYPE;
use http::request::Parts;
use http::{HeaderValue, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::{Idempotency, Preconditions};
use crate::problem::Error;
use crate::resource::{ResourcePatch, Versioned};
use crate::rules::Tagged;
use crate::rules::content::{self, BodyTimeout};

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

/// The body, or 413 where it exceeds the body limit (axum's
/// `DefaultBodyLimit`), or 408 where it takes longer than the
/// [`BodyTimeout`] extension.
async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, Error> {
    let timeout = req.extensions().get::<BodyTimeout>().copied();
    let read = Bytes::from_request(req, state);
    let read = match timeout {
        Some(BodyTimeout(limit)) => tokio::time::timeout(limit, read)
            .await
            .map_err(|_| Error::RequestTimeout)?,
        None => read.await,
    };
    read.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Error::PayloadTooLarge
        } else {
            Error::BadRequest(rejection.body_text())
        }
    })
}

/// The request's `Content-Type`, as the `accept_*` checks of [`content`] take it.
fn content_type(req: &Request) -> Option<&[u8]> {
    req.headers().get(CONTENT_TYPE).map(HeaderValue::as_bytes)
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
        <Self as content::Body>::accept(content_type(&req))?;
        <Self as content::Body>::parse(&body_bytes(req, state).await?)
    }
}

impl<T: DeserializeOwned> content::Body for Json<T> {
    fn accept(content_type: Option<&[u8]>) -> Result<(), Error> {
        content::accept_json(content_type)
    }

    fn parse(bytes: &[u8]) -> Result<Self, Error> {
        content::parse_json(bytes).map(Json)
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
        <Self as content::Body>::accept(content_type(&req))?;
        <Self as content::Body>::parse(&body_bytes(req, state).await?)
    }
}

impl<T: Versioned> content::Body for MergePatch<T> {
    fn accept(content_type: Option<&[u8]>) -> Result<(), Error> {
        content::accept_merge_patch(content_type)
    }

    fn parse(bytes: &[u8]) -> Result<Self, Error> {
        content::parse_merge_patch(bytes).map(MergePatch)
    }
}

/// A body extractor `E` ([`Json`], [`MergePatch`], or `()` for a DELETE)
/// and the request's `Idempotency-Key`, with the fingerprint of the
/// request (method, path and query, preconditions, media type and body,
/// read once): what [`Collection::keyed`](crate::Collection::keyed)
/// takes. `None`: the request sent no key; a route that requires one
/// answers [`Idempotency::require`]'s 400. A malformed key is a 400. The
/// key is in the shared scope: a service that knows who calls scopes it
/// (`key.map(|k| k.scoped(caller))`) before it writes.
///
/// ```
/// use axum::{Router, extract::State, routing::post};
/// use optimist::axum::{Json, WithKey};
/// use optimist::{Collection, Error, MemoryStore, Receipt};
/// use std::sync::Arc;
/// use tower::ServiceExt;
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone)]
/// struct Note { id: u64, version: u64, text: String }
///
/// async fn create(
///     State(notes): State<Arc<Collection<Note, MemoryStore<Note>>>>,
///     WithKey(key, Json(note)): WithKey<Json<Note>>,
/// ) -> Result<Receipt, Error> {
///     notes.keyed(key.as_ref()).post::<Note>(&note).await
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let app = Router::new().route("/notes", post(create))
///     .with_state(Arc::new(Collection::new(MemoryStore::new(), "/notes")));
/// let send = |key: &str| http::Request::post("/notes").header("idempotency-key", key)
///     .header("content-type", "application/json")
///     .body(axum::body::Body::from(r#"{"id":1,"version":0,"text":"hi"}"#)).unwrap();
/// let first = app.clone().oneshot(send("\"k1\"")).await.unwrap();
/// let retry = app.clone().oneshot(send("\"k1\"")).await.unwrap();
/// assert_eq!((first.status().as_u16(), retry.status().as_u16()), (201, 201));
/// let fresh = app.oneshot(send("\"k2\"")).await.unwrap();
/// assert_eq!(fresh.status(), 409, "a new write: the id exists");
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct WithKey<E>(pub Option<Idempotency>, pub E);

impl<S: Send + Sync, E: content::Body> FromRequest<S> for WithKey<E> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Error> {
        E::accept(content_type(&req))?;
        // Only a keyed request needs its head kept beside the body.
        let head = req
            .headers()
            .contains_key(crate::http::IDEMPOTENCY_KEY)
            .then(|| {
                (
                    req.method().clone(),
                    req.uri().clone(),
                    req.headers().clone(),
                )
            });
        let bytes = if E::READS {
            body_bytes(req, state).await?
        } else {
            Bytes::new()
        };
        let key = match head {
            Some((method, uri, headers)) => {
                let target = uri.path_and_query().map_or("/", |p| p.as_str());
                Idempotency::from_request(&headers, &method, target, &bytes)?
            }
            None => None,
        };
        Ok(WithKey(key, E::parse(&bytes)?))
    }
}

impl IntoResponse for crate::rules::Receipt {
    fn into_response(self) -> Response {
        crate::rules::Receipt::into_response::<Body>(self)
    }
}

impl<T: Serialize> IntoResponse for Tagged<T> {
    fn into_response(self) -> Response {
        self.to_response::<Body>()
    }
}

impl<V: Serialize> IntoResponse for crate::rules::Listed<V> {
    fn into_response(self) -> Response {
        self.to_response::<Body>()
    }
}

/// axum's `Query`, rejecting with a 400 problem instead of plain text: a
/// query string that cannot be read, or that names an unknown parameter
/// where the type denies them (as [`PageRequest`](crate::PageRequest) does).
///
/// ```
/// # use optimist::axum::Query;
/// async fn handler(Query(page): Query<optimist::PageRequest<u64>>) -> String {
///     format!("{:?}", page.after)
/// }
/// # let _: axum::routing::MethodRouter = axum::routing::get(handler);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Error> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Query(value)),
            Err(rejection) => Err(Error::BadRequest(rejection.body_text())),
        }
    }
}

impl IntoResponse for crate::rules::NoContent {
    fn into_response(self) -> Response {
        self.to_response::<Body>()
    }
}

/// A body extractor `E` ([`Json`], [`MergePatch`]) that has not read the
/// body yet: the handler decides what it can without it first, such as a
/// stale `If-Match` from the stored version alone
/// ([`Collection::precheck`](crate::Collection::precheck)), then calls
/// [`read`](Deferred::read). A refused write is then answered without its
/// body being read, whatever its size (RFC 9110 §13.2.1). As any body
/// extractor, it comes last among the handler's arguments.
///
/// ```
/// use axum::{Router, extract::State, routing::put};
/// use optimist::axum::{Deferred, Json, Path};
/// use optimist::{Collection, Error, MemoryStore, Preconditions, Tagged};
/// use std::sync::Arc;
/// use tower::ServiceExt;
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone)]
/// struct Note { id: u64, version: u64, text: String }
/// type Notes = State<Arc<Collection<Note, MemoryStore<Note>>>>;
///
/// async fn put_note(
///     State(notes): Notes,
///     Path(id): Path<u64>,
///     pre: Preconditions,
///     body: Deferred<Json<Note>>,
/// ) -> Result<Tagged<Note>, Error> {
///     notes.precheck(&id, &pre).await?;
///     let Json(note) = body.read().await?;
///     notes.put(&id, &pre, &note).await
/// }
///
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let notes = Collection::new(MemoryStore::new(), "/notes");
/// notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
/// let app = Router::new()
///     .route("/notes/{id}", put(put_note))
///     .layer(axum::extract::DefaultBodyLimit::max(1024))
///     .with_state(Arc::new(notes));
/// let put_at = |tag: &str| {
///     let huge = format!(r#"{{"id":1,"text":"{}"}}"#, "x".repeat(4096));
///     http::Request::put("/notes/1").header("if-match", tag)
///         .header("content-type", "application/json").body(axum::body::Body::from(huge)).unwrap()
/// };
/// // Stale: 412, not 413, although the body is over the limit: it is never read.
/// let stale = app.clone().oneshot(put_at("\"v9\"")).await.unwrap();
/// assert_eq!(stale.status(), 412);
/// let fresh = app.oneshot(put_at("\"v1\"")).await.unwrap();
/// assert_eq!(fresh.status(), 413);
/// # Ok::<(), Error>(()) }).unwrap();
/// ```
pub struct Deferred<E> {
    request: Request,
    body: core::marker::PhantomData<fn() -> E>,
}

impl<E: FromRequest<(), Rejection = Error>> Deferred<E> {
    /// Reads the body as `E` does.
    ///
    /// # Errors
    /// `E`'s: 415, 400, 422, 413 or 408 for [`Json`] and [`MergePatch`].
    pub async fn read(self) -> Result<E, Error> {
        E::from_request(self.request, &()).await
    }
}

impl<S: Send + Sync, E> FromRequest<S> for Deferred<E> {
    type Rejection = Error;

    async fn from_request(request: Request, _: &S) -> Result<Self, Error> {
        Ok(Deferred {
            request,
            body: core::marker::PhantomData,
        })
    }
}
