//! The docs service: a small wiki on optimist, actix-web and sqlx. Every
//! document keeps a bounded revision history, and a 409 for a stale
//! write links to the revisions the client has not seen.
//!
//! People read and edit the wiki in a browser at `/` ([`site`]); programs
//! use the JSON API under `/api/docs`.
//!
//! Run it with `cargo run -p optimist-example-docs --bin docs`.

pub mod model;
pub mod openapi;
pub mod revisions;
pub mod routes;
pub mod site;

use std::time::{Duration, Instant};

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Next, from_fn};
use actix_web::{HttpServer, web};
use optimist::content::BodyTimeout;
use optimist::store::TableStore;
use optimist::{Collection, Error};
use optimist_example_kit::db::Database;
use optimist_example_kit::on_db;
use sqlx::migrate::Migrator;

use crate::model::Doc;
pub use crate::routes::App;
pub use optimist_example_kit::cli::CLIENT_TIMEOUT;

/// The largest request body the service reads by default (`--body-limit`):
/// room for a text of the most characters a document may hold (1 MiB)
/// even where JSON escapes each one in 12 bytes (`\ud83d\ude00`).
pub const BODY_LIMIT: usize = 16 * 1024 * 1024;

/// What a client may send.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The largest request body, in bytes (413 beyond).
    pub body: usize,
    /// How long a client may take to send a request's head (actix-web),
    /// and then its body (optimist's extractors): 408 beyond.
    pub client_timeout: Duration,
}

/// The schema of each kind of database (their column types differ), embedded.
static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DB: &str = "docs.db";

impl App {
    /// Connects to the database at `url` and applies migrations.
    pub async fn connect(url: &str) -> Result<App, optimist::StoreError> {
        let db = Database::open(url, "docs", &SQLITE, &POSTGRES)
            .await
            .map_err(optimist::StoreError::new)?;
        let store = on_db!(&db, |pool| TableStore::<Doc>::new(pool.clone(), "docs")
            .await?);
        let docs = Collection::new(store, "/api/docs")
            .before_save(|_, doc| model::validate(&doc).map(|()| doc));
        Ok(App { docs })
    }

    /// Keys (`Idempotency-Key`) hold their answers for `lifetime`, and
    /// their fingerprints are kept under `secret` where one is given.
    #[must_use]
    pub fn with_keys(self, lifetime: Duration, secret: Option<&str>) -> App {
        App {
            docs: self.docs.with_keys(lifetime, secret),
        }
    }
}

/// The routes, reading request bodies of at most `body_limit` bytes (413
/// beyond), with problem+json for every refusal, including the
/// framework's own (a bad query string, an unknown path or method).
pub fn configure(body_limit: usize) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |config| routes(config, body_limit)
}

fn routes(config: &mut web::ServiceConfig, body_limit: usize) {
    // RFC 9110 §15.5.6: a 405 lists the methods the resource supports.
    let not_allowed = |allow: &'static str| {
        web::to(move || async move {
            let mut response = actix_web::ResponseError::error_response(&Error::MethodNotAllowed);
            response.headers_mut().insert(
                actix_web::http::header::ALLOW,
                actix_web::http::header::HeaderValue::from_static(allow),
            );
            response
        })
    };
    config
        .app_data(web::PayloadConfig::new(body_limit))
        .app_data(web::QueryConfig::default().error_handler(|e, _| {
            Error::BadRequest(format!("the query string cannot be read: {e}")).into()
        }))
        .service(
            web::resource("/api/docs")
                .route(web::get().to(routes::list))
                .route(web::head().to(routes::list))
                .route(web::post().to(routes::create))
                .default_service(not_allowed("GET, HEAD, POST")),
        )
        .service(
            web::resource("/api/docs/{id}")
                .route(web::get().to(routes::get))
                .route(web::head().to(routes::get))
                .route(web::put().to(routes::put))
                .route(web::patch().to(routes::patch))
                .route(web::delete().to(routes::delete))
                .default_service(not_allowed("GET, HEAD, PUT, PATCH, DELETE")),
        )
        .service(
            web::resource("/api/docs/{id}/revisions")
                .route(web::get().to(routes::revisions))
                .route(web::head().to(routes::revisions))
                .default_service(not_allowed("GET, HEAD")),
        )
        .service(
            web::resource("/api/docs/{id}/revisions/{version}")
                .route(web::get().to(routes::revision))
                .route(web::head().to(routes::revision))
                .default_service(not_allowed("GET, HEAD")),
        )
        .service(
            web::resource("/openapi.json")
                .route(web::get().to(openapi::document))
                .default_service(not_allowed("GET, HEAD")),
        )
        .configure(|config| crate::site::configure(config, body_limit))
        .default_service(web::to(|| async { Error::NoRoute }));
}

/// One line per request; bodies are never logged (they may hold secrets).
async fn log(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let start = Instant::now();
    let response = next.call(request).await?;
    let status = response.status().as_u16();
    let micros = start.elapsed().as_micros();
    if status >= 500 {
        let extensions = response.response().extensions();
        let cause = extensions.get::<optimist::StoreFailure>();
        tracing::warn!(%method, path = uri.path(), status, micros, cause = cause.map(tracing::field::display), "request");
    } else {
        tracing::info!(%method, path = uri.path(), status, micros, "request");
    }
    Ok(response)
}

/// Binds `127.0.0.1:port` (0: any free port) and returns the server with
/// the address it listens on. actix-web stops it on SIGINT or SIGTERM,
/// after the requests in flight. `limits` bound what a client may send.
pub fn bind(
    app: web::Data<App>,
    port: u16,
    limits: Limits,
) -> std::io::Result<(Server, std::net::SocketAddr)> {
    let Limits {
        body,
        client_timeout,
    } = limits;
    let server = HttpServer::new(move || {
        actix_web::App::new()
            .app_data(app.clone())
            .app_data(BodyTimeout(client_timeout))
            .configure(configure(body))
            .wrap(from_fn(log))
    })
    .client_request_timeout(client_timeout)
    .client_disconnect_timeout(Duration::from_secs(1))
    .shutdown_timeout(10)
    .bind(("127.0.0.1", port))?;
    let addr = server.addrs()[0];
    Ok((server.run(), addr))
}
