//! Shared by the integration tests: a resource type and the stores.

#![allow(dead_code)] // each test binary uses its own part

use std::sync::atomic::{AtomicU32, Ordering};

use optimist::Versioned;
use optimist::store::{SqlStore, TableStore};
use serde::{Deserialize, Serialize};

/// A note: one plain field, one renamed, one sensitive.
#[derive(Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: u64,
    pub version: u64,
    pub title: String,
    pub body_text: String,
    #[versioned(sensitive)]
    pub secret: String,
}

pub fn note(id: u64, title: &str) -> Note {
    Note {
        id,
        version: 0,
        title: title.into(),
        body_text: String::new(),
        secret: "s3cret-marker".into(),
    }
}

/// A table name no other test uses, so tests can share one database.
pub fn fresh_table() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "notes_{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn postgres_url() -> String {
    std::env::var("OPTIMIST_TEST_POSTGRES").expect(
        "OPTIMIST_TEST_POSTGRES is not set: run the suite with `bash .ci/test`, which starts PostgreSQL and sets it",
    )
}

pub async fn sqlite_store() -> SqlStore<Note> {
    let dir = std::env::temp_dir().join(format!("optimist-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("store.db").display());
    SqlStore::connect(&url, &fresh_table()).await.unwrap()
}

pub async fn postgres_store() -> SqlStore<Note> {
    SqlStore::connect(&postgres_url(), &fresh_table())
        .await
        .unwrap()
}

/// The notes' own table, as an application would have made it, plus the
/// two columns a table store adds.
fn notes_table(table: &str) -> String {
    format!(
        "CREATE TABLE {table} (id BIGINT PRIMARY KEY, title TEXT NOT NULL, body_text TEXT NOT NULL, \
         secret TEXT NOT NULL, version BIGINT NOT NULL DEFAULT 1, optimist_stamps TEXT)"
    )
}

pub async fn sqlite_table_store() -> TableStore<Note> {
    let dir = std::env::temp_dir().join(format!("optimist-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("tables.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let table = fresh_table();
    sqlx::raw_sql(sqlx::AssertSqlSafe(notes_table(&table)))
        .execute(&pool)
        .await
        .unwrap();
    TableStore::new(pool, &table).await.unwrap()
}

pub async fn postgres_table_store() -> TableStore<Note> {
    let pool = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
    let table = fresh_table();
    sqlx::raw_sql(sqlx::AssertSqlSafe(notes_table(&table)))
        .execute(&pool)
        .await
        .unwrap();
    TableStore::new(pool, &table).await.unwrap()
}
