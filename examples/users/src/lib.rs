//! The users service: SPEC §7 on optimist, axum and sqlx.
//!
//! Run it with `cargo run -p optimist-example-users --bin users`; see the
//! README for curl lines to try.

pub mod baseline;
pub mod model;
pub mod openapi;
pub mod routes;

use std::future::Future;
use std::time::Instant;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use optimist::store::SqlStore;
use optimist::{Error, Policy};
use tokio::net::TcpListener;

use crate::model::User;
pub use crate::routes::App;

/// The largest request body the service reads.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The default database: a SQLite file beside the working directory.
pub const DEFAULT_DB: &str = "sqlite://users.db?mode=rwc";

impl App {
    /// Connects to the database at `url` and applies migrations.
    pub async fn connect(url: &str) -> Result<App, optimist::StoreError> {
        let store = SqlStore::<User>::connect(url, "users").await?;
        Ok(App {
            store,
            policy: Policy::default().already_applied(true),
        })
    }
}

/// The routes of SPEC §7, with problem+json for every refusal.
pub fn router(app: App) -> Router {
    let routes = Router::new()
        .route("/api/users", get(routes::list).post(routes::create))
        .route(
            "/api/users/{id}",
            get(routes::get)
                .put(routes::put)
                .patch(routes::patch)
                .delete(routes::delete),
        )
        .route("/openapi.json", get(openapi::document))
        .fallback(|| async { Error::NoRoute })
        .method_not_allowed_fallback(|| async { Error::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(app);
    logged(routes)
}

/// Adds the request log (shared with the benchmark baseline, so that the
/// HTTP load benchmark compares optimist and nothing else).
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
        tracing::warn!(%method, path = uri.path(), status = status.as_u16(), micros, "request");
    } else {
        tracing::info!(%method, path = uri.path(), status = status.as_u16(), micros, "request");
    }
    response
}

/// Serves on `listener` until `shutdown` completes, then finishes the
/// requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}
