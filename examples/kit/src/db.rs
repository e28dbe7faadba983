//! The database of a service: a pool of its own, SQLite or PostgreSQL by
//! the URL, with its schema migrated first.

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::{MigrateError, Migrator};
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

/// A request waits this long for a connection, and SQLite this long for
/// a lock: a database that is down answers 503 after 5 s.
const WAIT: Duration = Duration::from_secs(5);

/// A service's pool.
#[derive(Clone, Debug)]
pub enum Database {
    /// A SQLite file (write-ahead logging, 5 s for locks).
    Sqlite(SqlitePool),
    /// A PostgreSQL database, which several processes may share.
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool `$db` holds, for the
/// queries a service runs itself (the same SQL on both).
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$pool:ident| $body:expr) => {
        match $db {
            $crate::db::Database::Sqlite($pool) => $body,
            $crate::db::Database::Postgres($pool) => $body,
        }
    };
}

impl Database {
    /// Opens `url` (`sqlite://…`, `postgres://…`) and applies the
    /// migrations of its kind, recorded in a table of the service's own
    /// (`{service}_migrations`), so that services may share a database.
    ///
    /// # Errors
    /// The database cannot be reached, or a migration fails.
    pub async fn open(
        url: &str,
        service: &str,
        sqlite: &Migrator,
        postgres: &Migrator,
    ) -> Result<Database, sqlx::Error> {
        let own = |source: &Migrator| {
            let mut migrator = Migrator::with_migrations(source.iter().cloned().collect());
            migrator.dangerous_set_table_name(format!("{service}_migrations"));
            migrator
        };
        let (sqlite, postgres) = (own(sqlite), own(postgres));
        if url.starts_with("postgres") {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .acquire_timeout(WAIT)
                .connect(url)
                .await?;
            migrate(async || postgres.run(&pool).await).await?;
            Ok(Database::Postgres(pool))
        } else {
            let options = SqliteConnectOptions::from_str(url)?
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
                .await?;
            migrate(async || sqlite.run(&pool).await).await?;
            Ok(Database::Sqlite(pool))
        }
    }
}

/// Runs the migrations; processes that start together on one database
/// race to apply them, and the loser finds them applied when it tries
/// again.
async fn migrate(run: impl AsyncFn() -> Result<(), MigrateError>) -> Result<(), sqlx::Error> {
    let mut attempt = 0;
    loop {
        match run().await {
            Ok(()) => return Ok(()),
            Err(_) if attempt < 3 => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => return Err(sqlx::Error::Migrate(Box::new(e))),
        }
    }
}
