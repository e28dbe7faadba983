//! The database: a pool of the service's own (SQLite or PostgreSQL, by
//! the URL), its schema made by the migrations in `migrations/` (the same
//! SQL on both), and the users on their table.

use optimist::StoreError;
use optimist::store::TableStore;
use optimist_example_kit::db::Database;
use optimist_example_kit::on_db;
use sqlx::migrate::Migrator;

use crate::model::User;

/// The schema, embedded in the binary.
static MIGRATIONS: Migrator = sqlx::migrate!("./migrations");

/// The users on `url` (`sqlite://…` or `postgres://…`), the schema
/// migrated first.
pub async fn users(url: &str) -> Result<TableStore<User>, StoreError> {
    let db = Database::open(url, "users", &MIGRATIONS, &MIGRATIONS)
        .await
        .map_err(StoreError::new)?;
    on_db!(db, |pool| TableStore::new(pool, "users").await)
}
