//! The database: a pool of the service's own (SQLite or PostgreSQL, by
//! the URL), its schema made by the migrations in `migrations/`, and the
//! users on their table.

use std::str::FromStr;
use std::time::Duration;

use optimist::StoreError;
use optimist::store::{TablePool, TableStore};
use sqlx::migrate::Migrator;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::model::User;

/// The schema, embedded in the binary.
static MIGRATIONS: Migrator = sqlx::migrate!("./migrations");

/// A request waits this long for a connection, and SQLite this long for
/// a lock: a database that is down answers 503 after 5 s.
const WAIT: Duration = Duration::from_secs(5);

/// The users on `url` (`sqlite://…` or `postgres://…`), the schema
/// migrated first.
pub async fn users(url: &str) -> Result<TableStore<User>, StoreError> {
    let pool: TablePool = if url.starts_with("postgres") {
        let pool = PgPoolOptions::new()
            .max_connections(8)
            .acquire_timeout(WAIT)
            .connect(url)
            .await
            .map_err(StoreError::new)?;
        migrate(async || MIGRATIONS.run(&pool).await).await?;
        pool.into()
    } else {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::new)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(WAIT);
        // An in-memory database exists once per connection.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = SqlitePoolOptions::new()
            .max_connections(max)
            .acquire_timeout(WAIT)
            .connect_with(options)
            .await
            .map_err(StoreError::new)?;
        migrate(async || MIGRATIONS.run(&pool).await).await?;
        pool.into()
    };
    TableStore::new(pool, "users").await
}

/// Runs the migrations; processes that start together on one database
/// race to apply them, and the loser finds them applied when it tries
/// again.
async fn migrate(
    run: impl AsyncFn() -> Result<(), sqlx::migrate::MigrateError>,
) -> Result<(), StoreError> {
    let mut attempt = 0;
    loop {
        match run().await {
            Ok(()) => return Ok(()),
            Err(_) if attempt < 3 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(StoreError::new(e)),
        }
    }
}
