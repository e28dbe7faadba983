//! Shared by the integration tests: a resource type and the stores.

#![allow(dead_code)] // each test binary uses its own part

use std::sync::atomic::{AtomicU32, Ordering};

use optimist::store::{SqlStore, TableStore};

/// The contract's note: one plain field, one renamed, one sensitive.
pub use optimist::store::contract::Note;

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

/// A table store of notes in a fresh table of `pool`'s database.
async fn table_store<DB: sqlx::Database>(pool: sqlx::Pool<DB>) -> TableStore<Note>
where
    sqlx::Pool<DB>: Into<optimist::store::TablePool>,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
{
    let table = fresh_table();
    sqlx::raw_sql(sqlx::AssertSqlSafe(notes_table(&table)))
        .execute(&pool)
        .await
        .unwrap();
    TableStore::new(pool, &table).await.unwrap()
}

pub async fn sqlite_table_store() -> TableStore<Note> {
    let dir = std::env::temp_dir().join(format!("optimist-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("tables.db").display());
    table_store(sqlx::SqlitePool::connect(&url).await.unwrap()).await
}

pub async fn postgres_table_store() -> TableStore<Note> {
    table_store(sqlx::PgPool::connect(&postgres_url()).await.unwrap()).await
}
