//! Every route of the users API and the whole conditional matrix, black-box
//! over HTTP (the suite every example service passes), and the secrets
//! check over every error path, against SQLite and PostgreSQL.

mod support;

use optimist_conformance::{secrets, suite};
use support::{Backend, USERS};

#[tokio::test]
async fn sqlite_http_surface() {
    suite::run(&USERS, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_http_surface() {
    suite::run(&USERS, Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_no_secret_escapes() {
    secrets::no_secret_escapes(&USERS, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_no_secret_escapes() {
    secrets::no_secret_escapes(&USERS, Backend::Postgres).await;
}
