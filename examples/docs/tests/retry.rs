//! The client retry helper against the docs service: a contended counter
//! of 8 clients × 50 increments ends at exactly 400, on SQLite and
//! PostgreSQL. The docs service leaves "already applied" off (optimist's
//! default), so `If-Match` is safe for non-idempotent changes; the body
//! version works too.

mod support;

use optimist::client::Via;
use optimist_conformance::retry;
use support::{Backend, DOCS};

optimist_conformance::each_backend!(multi_thread contended_counter_if_match, |backend| {
    retry::contended_counter(&DOCS, backend, Via::IfMatch)
});

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_contended_counter_body_version() {
    retry::contended_counter(&DOCS, Backend::Postgres, Via::BodyVersion).await;
}
