//! The users service: a conflict-aware users API on optimist, axum and sqlx.
//!
//! Run it with `cargo run -p optimist-example-users --bin users`; the
//! repository's README has curl lines to try.

pub mod db;
pub mod model;
pub mod openapi;
pub mod password;
pub mod routes;

use std::future::Future;
use std::time::{Duration, Instant};

use axum::extract::{DefaultBodyLimit, Request};
use axum::handler::Handler;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Extension, Router};
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use optimist::content::BodyTimeout;
use optimist::{Caching, Collection, Error, Policy};
use tokio::net::TcpListener;

pub use crate::routes::App;
pub use optimist_example_kit::cli::CLIENT_TIMEOUT;

/// The largest request body the service reads.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The default database: a SQLite file in the working directory.
pub const DEFAULT_DB: &str = "users.db";

impl App {
    /// Connects to the database at `url` and applies migrations.
    pub async fn connect(url: &str) -> Result<App, optimist::StoreError> {
        let store = db::users(url).await?;
        let policy = Policy::DEFAULT
            .already_applied(true)
            .caching(Caching::PRIVATE);
        let users = Collection::new(store, "/api/users")
            .with_policy(policy)
            .before_save(model::before_save);
        Ok(App { users })
    }

    /// Keys (`Idempotency-Key`) hold their answers for `lifetime`, and
    /// their fingerprints are kept under `secret` where one is given.
    #[must_use]
    pub fn with_keys(self, lifetime: Duration, secret: Option<&str>) -> App {
        App {
            users: self.users.with_keys(lifetime, secret),
        }
    }
}

/// The routes of the users API, with problem+json for every refusal. Handlers
/// that read a body get `client_timeout` to read it in: only they, so
/// that reads pay nothing for it (an extension costs two allocations).
pub fn router(app: App, client_timeout: Duration) -> Router {
    let timeout = Extension(BodyTimeout(client_timeout));
    let routes = Router::new()
        .route(
            "/api/users",
            get(routes::list).post(routes::create.layer(timeout)),
        )
        .route(
            "/api/users/{id}",
            get(routes::get)
                .put(routes::put.layer(timeout))
                .patch(routes::patch.layer(timeout))
                .delete(routes::delete),
        )
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { Error::NoRoute })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app);
    logged(routes)
}

/// Adds the request log (public so that the load benchmark's baseline
/// logs alike, and the benchmark compares optimist and nothing else).
pub fn logged(router: Router) -> Router {
    router.layer(middleware::from_fn(log))
}

/// One line per request; bodies are never logged (they may hold secrets).
async fn log(request: Request, next: Next) -> Response {
    // hyper slices the URI out of its read buffer: a clone is a reference
    // count, where copying the path allocated on every request.
    let (method, uri) = (request.method().clone(), request.uri().clone());
    let start = Instant::now();
    let response = next.run(request).await;
    let status = response.status();
    let micros = start.elapsed().as_micros();
    if status.is_server_error() {
        // The store's cause, never a value of the request (see db.rs).
        let cause = response.extensions().get::<optimist::StoreFailure>();
        tracing::warn!(%method, path = uri.path(), status = status.as_u16(), micros, cause = cause.map(tracing::field::display), "request");
    } else {
        tracing::info!(%method, path = uri.path(), status = status.as_u16(), micros, "request");
    }
    response
}

/// Serves `router` (the service's [`router`]) on `listener` until
/// `shutdown` completes, then finishes the requests in flight (for at
/// most 10 s).
///
/// Each connection is HTTP/1.1 with a deadline of `client_timeout` for
/// the request head (hyper closes a connection that misses it); the
/// router's body extractors answer 408 for a body that takes longer.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    client_timeout: Duration,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors, say: wait, do not spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let mut http = http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(client_timeout);
        let connection = http.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away mid-request ends its connection here;
            // hyper drops the request, and with it any write not yet sent.
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}
