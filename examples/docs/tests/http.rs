//! The conditional suite every example service passes (reads, conditional writes, merges) and
//! the secrets check over every error path, black-box over HTTP, against
//! SQLite and PostgreSQL.

mod support;

use optimist_conformance::{secrets, suite};
use support::{Backend, DOCS};

#[tokio::test]
async fn sqlite_http_surface() {
    suite::run(&DOCS, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_http_surface() {
    suite::run(&DOCS, Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_no_secret_escapes() {
    secrets::no_secret_escapes(&DOCS, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_no_secret_escapes() {
    secrets::no_secret_escapes(&DOCS, Backend::Postgres).await;
}
