//! A store on the application's own table: one typed column per field.

use core::marker::PhantomData;
use std::sync::Arc;

use sqlx::SqlStr;

use crate::problem::StoreError;
use crate::resource::Versioned;
use crate::store::sql_parts::{SEQUENCES, checked, store_error};
use crate::store::{sql_history, sql_receipts};

mod columns;
#[cfg(feature = "postgres")]
mod postgres;
mod run;
#[cfg(feature = "sqlite")]
mod sqlite;
mod transaction;
mod violation;

pub use transaction::{InTransaction, TableTransaction};

use columns::Columns;

/// A [`Store`](crate::store::Store) on a table the application owns, in SQLite (feature
/// `sqlite`) or PostgreSQL (feature `postgres`), on the application's own
/// sqlx pool: what JPA's `@Version` or Rails' `lock_version` do, with
/// optimist's preconditions, field-level conflicts and merges on top.
///
/// Each field is a column of its own type, named as the Rust field (or
/// `#[versioned(column = "..")]`); the version is an integer column, and
/// one more column, `optimist_stamps` (text), holds the version at which
/// each field last changed. Columns of the table that the resource does
/// not name are left to the database. `#[versioned(skip)]` fields are the
/// database's: read with every load, never written (an `updated_at` that
/// a trigger or a `DEFAULT` fills).
///
/// Every statement is built once, when the store is made, from the
/// table's own columns; each write is one `UPDATE … WHERE id = … AND
/// version = …` (or an `INSERT … ON CONFLICT DO NOTHING`) checked by its
/// row count, so any number of processes may share the table.
///
/// # An existing table
///
/// Two columns make a table conflict-aware; existing rows start at
/// version 1, and a row without stamps counts every field as changed at
/// its current version, so the first stale write to it is refused rather
/// than merged:
///
/// ```sql
/// ALTER TABLE articles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
/// ALTER TABLE articles ADD COLUMN optimist_stamps TEXT;
/// ```
///
/// [`TableStore::migration`] gives these statements for a resource type,
/// and [`TableStore::new`] refuses a table that lacks a column, naming it.
///
/// # Other writers
///
/// Code that updates the table without the store must move the row on:
/// `version = version + 1` and `optimist_stamps = NULL` (every field then
/// counts as changed at the new version). An update that leaves `version`
/// alone is invisible to optimist: a client's stale `If-Match` still
/// matches, and its write silently undoes the other one.
///
/// # Deletes
///
/// A delete removes the row and, in the same transaction, records the id's
/// last version in `optimist_tombstones`, so that a later create at that
/// id continues after it: no version, and so no `ETag` a client kept,
/// ever names two resources (RFC 9110 §8.8.3 asks a strong validator to
/// change whenever the representation does). Rows the application deletes
/// itself leave no tombstone: a create at such an id starts again at
/// version 1, and an old `ETag` of version 1 matches it. Where the
/// application deletes rows, let it delete through the store, or keep the
/// row and make its `deleted` flag a field that a PATCH sets.
///
/// # Values
///
/// On PostgreSQL every column type that `jsonb_populate_record` reads
/// works, `json`/`jsonb` columns for nested values included. On SQLite,
/// values are text, integers, reals and nulls; a column declared
/// `BOOLEAN` reads back as `true`/`false`, and one declared `JSON` holds
/// nested values.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use optimist::store::TableStore;
/// use optimist::{Collection, Preconditions, Tagged};
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
/// struct Article { id: i64, version: i64, title: String }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// sqlx::raw_sql("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
///                INSERT INTO articles VALUES (1, 'Old');").execute(&pool).await?;
/// let migration = sqlx::AssertSqlSafe(TableStore::<Article>::migration("articles")?);
/// sqlx::raw_sql(migration).execute(&pool).await?;
///
/// let store = TableStore::<Article>::new(pool.clone(), "articles").await?;
/// let articles = Collection::new(store, "/articles");
/// let (pre, v1) = (Preconditions::default(), 1);
/// let saved: Tagged<Article> = articles.put(&1, &pre, &Article { id: 1, version: v1, title: "New".into() }).await?;
/// assert_eq!(saved.to_response::<Vec<u8>>().headers()["etag"], "\"v2\"");
/// let title: String = sqlx::query_scalar("SELECT title FROM articles").fetch_one(&pool).await?;
/// assert_eq!(title, "New");
///
/// // Another client, still at version 1, is refused: the title changed since.
/// let stale = articles.put::<Article>(&1, &pre, &Article { id: 1, version: v1, title: "Other".into() }).await;
/// assert_eq!(stale.unwrap_err().status(), 409);
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// # }
/// ```
pub struct TableStore<T> {
    pool: Pool,
    sql: Arc<Statements>,
    _resource: PhantomData<fn() -> T>,
}

impl<T> Clone for TableStore<T> {
    fn clone(&self) -> Self {
        TableStore {
            pool: self.pool.clone(),
            sql: Arc::clone(&self.sql),
            _resource: PhantomData,
        }
    }
}

/// A pool a [`TableStore`] runs on: a `sqlx::SqlitePool` or a
/// `sqlx::PgPool` (each `Into<TablePool>`).
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
/// let _: optimist::store::TablePool = pool.into();
/// # Ok::<(), sqlx::Error>(()) }).unwrap();
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct TablePool(Pool);

/// Public in name only (the module is private): the sealed trait of
/// [`InTransaction`] names it.
#[derive(Clone, Debug)]
pub enum Pool {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

#[cfg(feature = "sqlite")]
impl From<sqlx::SqlitePool> for TablePool {
    fn from(pool: sqlx::SqlitePool) -> Self {
        TablePool(Pool::Sqlite(pool))
    }
}

#[cfg(feature = "postgres")]
impl From<sqlx::PgPool> for TablePool {
    fn from(pool: sqlx::PgPool) -> Self {
        TablePool(Pool::Postgres(pool))
    }
}

/// The statements of one resource type on one table, in its dialect.
/// `$1` is always the resource (or its id) as JSON; versions and stamps
/// are bound beside it.
struct Statements {
    load: SqlStr,
    live_version: SqlStr,
    list_first: SqlStr,
    list_after: SqlStr,
    insert: SqlStr,
    update: SqlStr,
    delete: SqlStr,
    /// Starts the table's sequence after the largest id it holds when the
    /// store is first made, so that ids a service picks follow the rows
    /// already there (and not ids clients chose later).
    /// `None` where the ids are not integers: nothing to number after.
    seed: Option<SqlStr>,
    /// How a write transaction starts: SQLite's must take the write lock
    /// at once (a read lock that later upgrades fails under contention).
    begin: &'static str,
    lock: Option<&'static str>,
    /// Whether a write with history first checks the row's version, so
    /// that one that already lost does not wait for the write lock.
    precheck: bool,
    /// Whether a claim of a key waits, bounded, for another transaction's
    /// (PostgreSQL; SQLite's one writer never meets another's claim).
    bounded_claims: bool,
    table: String,
    /// Every column, to name the field of a broken rule.
    columns: Vec<columns::Column>,
}

/// What differs between the dialects' statements; [`Statements::build`]
/// writes the rest once.
struct Dialect {
    /// `SELECT body, version, stamps FROM table`, without a condition.
    select: String,
    /// The version column as a `BIGINT`.
    version: String,
    /// `$1`, an id as JSON, as a value of the id column's type.
    id_param: String,
    /// `INSERT INTO table (columns)` continues with this.
    insert_values: String,
    /// `UPDATE table SET …` continues with this (a `FROM` and the
    /// condition on the id, without the one on the version).
    update_where: String,
    begin: &'static str,
    /// Serialises the creates and deletes of one id (`$1` the table, `$2`
    /// the id as JSON) where `begin` does not: a create that found no
    /// tombstone must not insert after a create and delete in between.
    lock: Option<&'static str>,
    /// Whether `begin` takes a lock on the whole database (SQLite's one
    /// writer), which a write that already lost should not wait for.
    precheck: bool,
    /// Whether the id column holds integers, which the store numbers.
    numbered: bool,
    /// Whether claims of keys wait for other transactions' (PostgreSQL).
    bounded_claims: bool,
}

impl Statements {
    fn build(c: &Columns, writes: &columns::Writes, dialect: Dialect) -> Statements {
        let (t, id, v) = (
            columns::quoted(&c.table),
            columns::quoted(c.id.name),
            columns::quoted(c.version.name),
        );
        let Dialect {
            select,
            version,
            id_param,
            insert_values,
            update_where,
            begin,
            lock,
            precheck,
            numbered,
            bounded_claims,
        } = dialect;
        let (names, sets) = (&writes.columns, &writes.set);
        let by_id = format!("{id} = {id_param}");
        Statements {
            load: checked(format!("{select} WHERE {by_id}")),
            live_version: checked(format!("SELECT {version} FROM {t} WHERE {by_id}")),
            list_first: checked(format!("{select} ORDER BY {id} LIMIT $1")),
            list_after: checked(format!(
                "{select} WHERE {id} > {id_param} ORDER BY {id} LIMIT $2"
            )),
            insert: checked(format!(
                "INSERT INTO {t} ({names}) {insert_values} ON CONFLICT ({id}) DO NOTHING"
            )),
            update: checked(format!(
                "UPDATE {t} SET {sets} {update_where} AND {t}.{v} = $4"
            )),
            delete: checked(format!("DELETE FROM {t} WHERE {by_id} AND {v} = $2")),
            seed: numbered.then(|| {
                checked(format!(
                    // `WHERE true`: SQLite would read the `ON` as a join's.
                    "INSERT INTO optimist_sequences (name, value) SELECT $1, COALESCE(MAX({id}), 0) FROM {t} \
                     WHERE true ON CONFLICT (name) DO NOTHING"
                ))
            }),
            begin,
            lock,
            precheck,
            bounded_claims,
            table: c.table.clone(),
            columns: c.all().copied().collect(),
        }
    }
}

/// The stamps column every conflict-aware table has.
const STAMPS: &str = "optimist_stamps";

/// The tables every table store shares: the one behind
/// [`Store::next_id`], the last version of each deleted id, the
/// revision history of resources that keep one, and the receipts of
/// keyed writes.
const SHARED_TABLES: [&str; 5] = [
    SEQUENCES,
    "CREATE TABLE IF NOT EXISTS optimist_tombstones (name TEXT NOT NULL, id TEXT NOT NULL, \
     version BIGINT NOT NULL, PRIMARY KEY (name, id))",
    sql_history::TABLE,
    sql_receipts::TABLE,
    sql_receipts::INDEX,
];

/// The statements on the tombstones, the same in both dialects: `$1`
/// the table, `$2` the id as JSON.
const TOMBSTONE: &str = "SELECT version FROM optimist_tombstones WHERE name = $1 AND id = $2";
const BURY: &str = "INSERT INTO optimist_tombstones (name, id, version) VALUES ($1, $2, $3) \
     ON CONFLICT (name, id) DO UPDATE SET version = excluded.version";
const EXHUME: &str = "DELETE FROM optimist_tombstones WHERE name = $1 AND id = $2 AND version = $3";

impl<T: Versioned> TableStore<T> {
    /// The store of `T` on `table`, whose columns are read once, now: one
    /// per field, the version's and `optimist_stamps`. Creates the
    /// small tables every table store shares, `optimist_sequences` (for
    /// ids the service picks), `optimist_tombstones`,
    /// `optimist_revisions` (the history of types that keep one,
    /// [`Versioned::HISTORY`]) and `optimist_receipts` (the answers of
    /// writes that carried an `Idempotency-Key`), where they are missing,
    /// which needs the right to create tables: a service that lacks it
    /// runs [`TableStore::migration`] first, which creates them.
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize)]
    /// # struct Article { id: i64, version: i64, title: String }
    /// use optimist::store::TableStore;
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// let missing = TableStore::<Article>::new(pool.clone(), "articles").await.err().unwrap();
    /// assert_eq!(missing.to_string(), "store unavailable: there is no table `articles`");
    /// sqlx::raw_sql("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT)").execute(&pool).await?;
    /// let unmigrated = TableStore::<Article>::new(pool.clone(), "articles").await.err().unwrap();
    /// assert!(unmigrated.to_string().contains("no column `version`, `optimist_stamps`"));
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// # }
    /// ```
    ///
    /// # Errors
    /// No such table, a missing column (the message gives the statement
    /// that adds it), a name that is not a plain SQL identifier, or the
    /// database not answering.
    pub async fn new(pool: impl Into<TablePool>, table: &str) -> Result<Self, StoreError> {
        let columns = Columns::of::<T>(table)?;
        let migration = Self::migration(table)?;
        let TablePool(pool) = pool.into();
        run::create_shared_tables(&pool).await?;
        let sql = match &pool {
            #[cfg(feature = "sqlite")]
            Pool::Sqlite(p) => sqlite::prepare(p, &columns, &migration).await?,
            #[cfg(feature = "postgres")]
            Pool::Postgres(p) => postgres::prepare(p, &columns, &migration).await?,
        };
        run::seed_sequence(&pool, &sql).await?;
        Ok(TableStore {
            pool,
            sql: Arc::new(sql),
            _resource: PhantomData,
        })
    }

    /// The statements that make an existing `table` conflict-aware for
    /// `T`: its version column (existing rows at version 1),
    /// `optimist_stamps`, and the tables every table store shares.
    /// Run them once, in a migration.
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize)]
    /// # struct Article { id: u64, version: u64, title: String }
    /// # #[cfg(feature = "sqlite")] {
    /// use optimist::store::TableStore;
    /// let sql = TableStore::<Article>::migration("articles")?;
    /// assert!(sql.starts_with(
    ///     "ALTER TABLE articles ADD COLUMN version BIGINT NOT NULL DEFAULT 1;\n\
    ///      ALTER TABLE articles ADD COLUMN optimist_stamps TEXT;\n"
    /// ));
    /// assert!(sql.contains("CREATE TABLE IF NOT EXISTS optimist_tombstones"));
    /// assert!(TableStore::<Article>::migration("articles; DROP TABLE x").is_err());
    /// # }
    /// # Ok::<(), optimist::StoreError>(())
    /// ```
    ///
    /// # Errors
    /// `table` is not a plain SQL identifier.
    pub fn migration(table: &str) -> Result<String, StoreError> {
        let columns = Columns::of::<T>(table)?;
        let version = columns.version.name;
        let mut sql = format!(
            "ALTER TABLE {table} ADD COLUMN {version} BIGINT NOT NULL DEFAULT 1;\n\
             ALTER TABLE {table} ADD COLUMN {STAMPS} TEXT;\n"
        );
        for shared in SHARED_TABLES {
            sql.push_str(shared);
            sql.push_str(";\n");
        }
        Ok(sql)
    }
}
