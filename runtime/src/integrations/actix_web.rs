//! actix-web integration (feature `actix-web`): every error is a
//! `ResponseError` rendered as problem+json, every extractor rejects with
//! one, and [`Tagged`] is a `Responder` that sets the `ETag`.
//!
//! actix-web 4 is built on `http` 0.2, optimist on `http` 1: this module
//! only converts between the two and calls the framework-free core.
//!
//! ```
//! use actix_web::{App, web};
//! use optimist::actix_web::Path;
//! use optimist::{Error, MemoryStore, Policy, Preconditions, Tagged};
//!
//! #[derive(optimist::Versioned, serde::Serialize, Clone)]
//! struct Note { id: u64, version: u64, text: String }
//!
//! async fn get_note(
//!     store: web::Data<MemoryStore<Note>>,
//!     Path(id): Path<u64>,
//!     pre: Preconditions,
//! ) -> Result<Tagged<Note>, Error> {
//!     let note = optimist::read(&**store, &id, &pre, &Policy::DEFAULT).await?;
//!     Ok(Tagged::ok(&note, note.value().clone()))
//! }
//!
//! # actix_web::rt::System::new().block_on(async {
//! use actix_web::test;
//! let store = web::Data::new(MemoryStore::<Note>::new());
//! optimist::create(&**store, Note { id: 1, version: 0, text: "hi".into() }).await?;
//! let app = test::init_service(
//!     App::new().app_data(store).route("/notes/{id}", web::get().to(get_note)),
//! )
//! .await;
//! let read = test::call_service(&app, test::TestRequest::get().uri("/notes/1").to_request()).await;
//! assert_eq!((read.status().as_u16(), read.headers().get("etag").unwrap().to_str().unwrap()), (200, "\"v1\""));
//! let request = test::TestRequest::get().uri("/notes/1").insert_header(("if-none-match", "\"v1\""));
//! let cached = test::call_service(&app, request.to_request()).await;
//! assert_eq!(cached.status().as_u16(), 304);
//! let request = test::TestRequest::get().uri("/notes/1").insert_header(("if-none-match", "v1"));
//! let malformed = test::call_service(&app, request.to_request()).await;
//! assert_eq!(malformed.status().as_u16(), 400);
//! assert_eq!(malformed.headers().get("content-type").unwrap(), "application/problem+json");
//! # Ok::<(), Error>(()) }).unwrap();
//! ```

use core::future::{Future, Ready, ready};
use core::pin::Pin;

use actix_web::body::BoxBody;
use actix_web::dev::Payload;
use actix_web::http::header::{self as actix_header, CONTENT_TYPE};
use actix_web::{FromRequest, HttpRequest, HttpResponse, Responder, ResponseError, web};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::http::{Idempotency, Preconditions};
use crate::problem::Error;
use crate::resource::{ResourcePatch, Versioned};
use crate::rules::Tagged;
use crate::rules::content::{self, BodyTimeout};

/// Rebuilds a response of the core (`http` 1) as an actix-web one.
fn respond(response: http::Response<Vec<u8>>) -> HttpResponse {
    let (parts, body) = response.into_parts();
    let status = actix_web::http::StatusCode::from_u16(parts.status.as_u16())
        .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR);
    let mut builder = HttpResponse::build(status);
    for (name, value) in &parts.headers {
        if let (Ok(name), Ok(value)) = (
            actix_header::HeaderName::from_bytes(name.as_str().as_bytes()),
            actix_header::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            builder.append_header((name, value));
        }
    }
    let mut response = builder.body(body);
    // The cause of a 503, for the service's log.
    if let Some(cause) = parts.extensions.get::<crate::StoreFailure>() {
        response.extensions_mut().insert(cause.clone());
    }
    response
}

impl ResponseError for Error {
    fn status_code(&self) -> actix_web::http::StatusCode {
        actix_web::http::StatusCode::from_u16(self.status().as_u16())
            .unwrap_or(actix_web::http::StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        respond(self.to_response())
    }
}

/// A handler may return an [`Error`] itself, as a fallback route does.
///
/// ```
/// # actix_web::rt::System::new().block_on(async {
/// use actix_web::{App, test, web};
/// let app = test::init_service(
///     App::new().default_service(web::to(|| async { optimist::Error::NoRoute })),
/// ).await;
/// let r = test::call_service(&app, test::TestRequest::get().uri("/nowhere").to_request()).await;
/// assert_eq!(r.status().as_u16(), 404);
/// assert_eq!(r.headers().get("content-type").unwrap(), "application/problem+json");
/// # });
/// ```
impl Responder for Error {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        self.error_response()
    }
}

impl<T: Serialize> Responder for Tagged<T> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        respond(self.to_response())
    }
}

impl<V: Serialize> Responder for crate::rules::Listed<V> {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        respond(self.to_response())
    }
}

impl Responder for crate::rules::NoContent {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        HttpResponse::NoContent().finish()
    }
}

impl FromRequest for Preconditions {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let headers = req.headers();
        let lines = |name| {
            headers
                .get_all(name)
                .map(actix_header::HeaderValue::as_bytes)
        };
        ready(
            Preconditions::from_lines(
                lines(actix_header::IF_MATCH),
                lines(actix_header::IF_NONE_MATCH),
            )
            .map_err(Error::from),
        )
    }
}

/// actix-web's `Path`, rejecting with a 400 problem instead of plain text.
///
/// ```
/// async fn handler(optimist::actix_web::Path(id): optimist::actix_web::Path<u64>) -> String {
///     id.to_string()
/// }
/// # let _ = actix_web::web::get().to(handler);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Path<T>(pub T);

impl<T: DeserializeOwned> FromRequest for Path<T> {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            web::Path::<T>::extract(req)
                .into_inner()
                .map(|path| Path(path.into_inner()))
                .map_err(|e| Error::BadRequest(e.to_string())),
        )
    }
}

type BodyFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>>>>;

/// Checks the media type (415 before anything is read), then reads the
/// body within actix-web's `PayloadConfig` limit (413 beyond it) and the
/// [`BodyTimeout`] app data (408 beyond it), and hands it to `parse`.
fn read_body<E: content::Body + 'static>(
    req: &HttpRequest,
    payload: &mut Payload,
) -> BodyFuture<E> {
    if let Err(refused) = E::accept(content_type(req)) {
        return Box::pin(ready(Err(refused)));
    }
    let bytes = read_bytes(req, payload);
    Box::pin(async move { E::parse(&bytes.await?) })
}

fn content_type(req: &HttpRequest) -> Option<&[u8]> {
    req.headers()
        .get(CONTENT_TYPE)
        .map(actix_header::HeaderValue::as_bytes)
}

/// The body's bytes, within the limits [`read_body`] names.
fn read_bytes(req: &HttpRequest, payload: &mut Payload) -> BodyFuture<web::Bytes> {
    let bytes = web::Bytes::from_request(req, payload);
    let timeout = req.app_data::<BodyTimeout>().copied();
    Box::pin(async move {
        let read = match timeout {
            Some(BodyTimeout(limit)) => actix_web::rt::time::timeout(limit, bytes)
                .await
                .map_err(|_| Error::RequestTimeout)?,
            None => bytes.await,
        };
        read.map_err(|e| {
            if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE
            {
                Error::PayloadTooLarge
            } else {
                Error::BadRequest(e.to_string())
            }
        })
    })
}

/// A JSON body (`application/json`): 415 for another media type, 400 for
/// invalid JSON, 422 for the wrong shape, 413 when too large.
///
/// ```
/// # use optimist::actix_web::Json;
/// #[derive(serde::Deserialize)]
/// struct NewNote { text: String }
/// async fn handler(Json(note): Json<NewNote>) -> String { note.text }
/// # let _ = actix_web::web::post().to(handler);
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Json<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = Error;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        read_body(req, payload)
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
/// # use optimist::actix_web::MergePatch;
/// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize)]
/// # struct Note { id: u64, version: u64, text: String }
/// async fn handler(MergePatch(patch): MergePatch<Note>) -> String {
///     format!("{:?}", patch.base())
/// }
/// # let _ = actix_web::web::patch().to(handler);
/// ```
#[derive(Debug, Clone)]
pub struct MergePatch<T>(pub ResourcePatch<T>);

impl<T: Versioned + 'static> FromRequest for MergePatch<T> {
    type Error = Error;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        read_body(req, payload)
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
/// use actix_web::{App, test, web};
/// use optimist::actix_web::{Json, WithKey};
/// use optimist::{Collection, Error, MemoryStore, Receipt};
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone)]
/// struct Note { id: u64, version: u64, text: String }
///
/// async fn create(
///     notes: web::Data<Collection<Note, MemoryStore<Note>>>,
///     WithKey(key, Json(note)): WithKey<Json<Note>>,
/// ) -> Result<Receipt, Error> {
///     notes.keyed(key.as_ref()).post::<Note>(&note).await
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let notes = web::Data::new(Collection::new(MemoryStore::<Note>::new(), "/notes"));
/// let app = test::init_service(App::new().app_data(notes).route("/notes", web::post().to(create))).await;
/// let send = || test::TestRequest::post().uri("/notes").insert_header(("idempotency-key", "\"k1\""))
///     .insert_header(("content-type", "application/json"))
///     .set_payload(r#"{"id":1,"version":0,"text":"hi"}"#).to_request();
/// let first = test::call_service(&app, send()).await;
/// let retry = test::call_service(&app, send()).await;
/// assert_eq!((first.status().as_u16(), retry.status().as_u16()), (201, 201));
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct WithKey<E>(pub Option<Idempotency>, pub E);

impl<E: content::Body + 'static> FromRequest for WithKey<E> {
    type Error = Error;
    type Future = BodyFuture<Self>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        if let Err(refused) = E::accept(content_type(req)) {
            return Box::pin(ready(Err(refused)));
        }
        let head = keyed_head(req);
        let bytes = E::READS.then(|| read_bytes(req, payload));
        Box::pin(async move {
            let bytes = match bytes {
                Some(read) => read.await?,
                None => web::Bytes::new(),
            };
            let key = match head {
                Some((method, target, headers)) => {
                    Idempotency::from_request(&headers, &method, &target, &bytes)?
                }
                None => None,
            };
            Ok(WithKey(key, E::parse(&bytes)?))
        })
    }
}

/// What the fingerprint of a keyed request covers besides its body (the
/// method, target and headers in `http` 1 types); `None` for a request
/// without a key.
fn keyed_head(req: &HttpRequest) -> Option<(http::Method, String, http::HeaderMap)> {
    use http::header::{CONTENT_TYPE, IF_MATCH, IF_NONE_MATCH};
    let sent = req.headers();
    if !sent.contains_key(crate::http::IDEMPOTENCY_KEY.as_str()) {
        return None;
    }
    let mut headers = http::HeaderMap::new();
    for name in [
        crate::http::IDEMPOTENCY_KEY,
        IF_MATCH,
        IF_NONE_MATCH,
        CONTENT_TYPE,
    ] {
        for value in sent.get_all(name.as_str()) {
            if let Ok(value) = http::HeaderValue::from_bytes(value.as_bytes()) {
                headers.append(name.clone(), value);
            }
        }
    }
    let method = http::Method::from_bytes(req.method().as_str().as_bytes()).ok()?;
    let target = req
        .uri()
        .path_and_query()
        .map_or("/", |p| p.as_str())
        .to_owned();
    Some((method, target, headers))
}

impl Responder for crate::rules::Receipt {
    type Body = BoxBody;

    fn respond_to(self, _: &HttpRequest) -> HttpResponse {
        respond(self.into_response())
    }
}

/// A body extractor `E` ([`Json`], [`MergePatch`]) that has not read the
/// body yet: the handler decides what it can without it first, such as a
/// stale `If-Match` from the stored version alone
/// ([`Collection::precheck`](crate::Collection::precheck)), then calls
/// [`read`](Deferred::read). A refused write is then answered without its
/// body being read, whatever its size (RFC 9110 §13.2.1).
///
/// ```
/// use actix_web::{App, test, web};
/// use optimist::actix_web::{Deferred, Json, Path};
/// use optimist::{Collection, Error, MemoryStore, Preconditions, Tagged};
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone)]
/// struct Note { id: u64, version: u64, text: String }
/// type Notes = web::Data<Collection<Note, MemoryStore<Note>>>;
///
/// async fn put(
///     notes: Notes,
///     Path(id): Path<u64>,
///     pre: Preconditions,
///     body: Deferred<Json<Note>>,
/// ) -> Result<Tagged<Note>, Error> {
///     notes.precheck(&id, &pre).await?;
///     let Json(note) = body.read().await?;
///     notes.put(&id, &pre, &note).await
/// }
///
/// # actix_web::rt::System::new().block_on(async {
/// let notes = Collection::new(MemoryStore::new(), "/notes");
/// notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
/// let app = test::init_service(
///     App::new()
///         .app_data(web::Data::new(notes))
///         .app_data(web::PayloadConfig::new(1024))
///         .route("/notes/{id}", web::put().to(put)),
/// )
/// .await;
/// let put_at = |tag: &str| {
///     let huge = format!(r#"{{"id":1,"text":"{}"}}"#, "x".repeat(4096));
///     test::TestRequest::put().uri("/notes/1").insert_header(("if-match", tag))
///         .insert_header(("content-type", "application/json")).set_payload(huge)
/// };
/// // Stale: 412, not 413, although the body is over the limit: it is never read.
/// let stale = test::call_service(&app, put_at("\"v9\"").to_request()).await;
/// assert_eq!(stale.status().as_u16(), 412);
/// let fresh = test::call_service(&app, put_at("\"v1\"").to_request()).await;
/// assert_eq!(fresh.status().as_u16(), 413);
/// # Ok::<(), Error>(()) }).unwrap();
/// ```
pub struct Deferred<E> {
    request: HttpRequest,
    payload: Payload,
    body: core::marker::PhantomData<fn() -> E>,
}

impl<E: FromRequest<Error = Error>> Deferred<E> {
    /// Reads the body as `E` does.
    ///
    /// # Errors
    /// `E`'s: 415, 400, 422, 413 or 408 for [`Json`] and [`MergePatch`].
    pub async fn read(mut self) -> Result<E, Error> {
        E::from_request(&self.request, &mut self.payload).await
    }

    /// Whether the request carries an `Idempotency-Key`. A keyed request
    /// is not prechecked: where its first attempt took effect, its retry
    /// names the version before it, and must get that attempt's answer
    /// ([`Collection::keyed`](crate::Collection::keyed)), not a 412.
    ///
    /// ```
    /// # use actix_web::FromRequest;
    /// # actix_web::rt::System::new().block_on(async {
    /// let req = actix_web::test::TestRequest::put().insert_header(("idempotency-key", "\"k\"")).to_http_request();
    /// let body = optimist::actix_web::Deferred::<optimist::actix_web::Json<u8>>::extract(&req).await.unwrap();
    /// assert!(body.has_key());
    /// # });
    /// ```
    #[must_use]
    pub fn has_key(&self) -> bool {
        self.request
            .headers()
            .contains_key(crate::http::IDEMPOTENCY_KEY.as_str())
    }

    /// Reads the body once `collection` found `pre` true of the resource
    /// at `id` ([`Collection::precheck`](crate::Collection::precheck)); a
    /// keyed request is read without that check (see
    /// [`has_key`](Deferred::has_key)). The first line of a PUT or PATCH
    /// handler that refuses a stale `If-Match` before reading the body.
    ///
    /// ```
    /// use actix_web::{App, test, web};
    /// use optimist::actix_web::{Deferred, Json, Path, WithKey};
    /// use optimist::{Collection, Error, MemoryStore, Preconditions, Receipt};
    ///
    /// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone)]
    /// struct Note { id: u64, version: u64, text: String }
    /// type Notes = web::Data<Collection<Note, MemoryStore<Note>>>;
    ///
    /// async fn put(
    ///     notes: Notes,
    ///     Path(id): Path<u64>,
    ///     pre: Preconditions,
    ///     body: Deferred<WithKey<Json<Note>>>,
    /// ) -> Result<Receipt, Error> {
    ///     let WithKey(key, Json(note)) = body.read_checked(&notes, &id, &pre).await?;
    ///     notes.keyed(key.as_ref()).put::<Note>(&id, &pre, &note).await
    /// }
    ///
    /// # actix_web::rt::System::new().block_on(async {
    /// let notes = Collection::new(MemoryStore::new(), "/notes");
    /// notes.create::<Note>(Note { id: 1, version: 0, text: "a".into() }).await?;
    /// let app = test::init_service(
    ///     App::new().app_data(web::Data::new(notes)).route("/notes/{id}", web::put().to(put)),
    /// )
    /// .await;
    /// let put_at = |tag: &str| {
    ///     test::TestRequest::put().uri("/notes/1").insert_header(("if-match", tag))
    ///         .insert_header(("content-type", "application/json"))
    ///         .set_payload(r#"{"id":1,"version":1,"text":"b"}"#)
    /// };
    /// let stale = test::call_service(&app, put_at("\"v9\"").to_request()).await;
    /// assert_eq!(stale.status().as_u16(), 412);
    /// let fresh = test::call_service(&app, put_at("\"v1\"").to_request()).await;
    /// assert_eq!(fresh.status().as_u16(), 200);
    /// # Ok::<(), Error>(()) }).unwrap();
    /// ```
    ///
    /// # Errors
    /// The precheck's (412, 404, 503), then the body's as [`read`](Deferred::read).
    pub async fn read_checked<T, S>(
        self,
        collection: &crate::Collection<T, S>,
        id: &T::Id,
        pre: &crate::Preconditions,
    ) -> Result<E, Error>
    where
        T: crate::Versioned + serde::Serialize,
        T::Id: PartialEq + serde::Serialize + core::fmt::Display,
        S: crate::Store<T>,
    {
        if !self.has_key() {
            collection.precheck(id, pre).await?;
        }
        self.read().await
    }
}

impl<E: 'static> FromRequest for Deferred<E> {
    type Error = Error;
    type Future = Ready<Result<Self, Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        ready(Ok(Deferred {
            request: req.clone(),
            payload: payload.take(),
            body: core::marker::PhantomData,
        }))
    }
}
