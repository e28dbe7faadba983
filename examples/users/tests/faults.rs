//! Faults against the users service, on SQLite and PostgreSQL: slow
//! clients, clients that go away mid-request, and the database going away
//! in the middle of a write load (PostgreSQL stopped; the SQLite file
//! locked by another process).

mod support;

use optimist_conformance::faults::{self, Outage};
use support::{Backend, USERS};

#[tokio::test]
async fn sqlite_slow_clients() {
    faults::slow_clients(&USERS, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_slow_clients() {
    faults::slow_clients(&USERS, Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_disconnects() {
    faults::disconnects(&USERS, Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_disconnects() {
    faults::disconnects(&USERS, Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_locked_mid_load() {
    faults::outage(&USERS, Outage::LockSqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_mid_load() {
    faults::outage(&USERS, Outage::StopPostgres).await;
}
