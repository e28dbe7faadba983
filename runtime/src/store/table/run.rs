//! The store's statements at work, written once for every place they run:
//! a connection from the store's pool, or the caller's transaction.

use core::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::Connection as _;

use super::violation::{delete_error, write_error};
use super::{BURY, EXHUME, Pool, SHARED_TABLES, Statements, TOMBSTONE, TableStore};
use crate::http::Version;
use crate::problem::StoreError;
use crate::resource::{Revision, Stamps, Stored, Versioned};
use crate::rules::Receipt;
use crate::store::sql_history::{FORGET, keep, kept, read, run};
use crate::store::sql_parts::{NEXT_ID, db_version, store_error};
use crate::store::sql_receipts::{claim, forget, lookup};
use crate::store::{Claim, Slot};

/// A connection the statements run on, held for one store operation.
pub enum Held<'a> {
    #[cfg(feature = "sqlite")]
    Sqlite(&'a mut sqlx::SqliteConnection),
    #[cfg(feature = "postgres")]
    Postgres(&'a mut sqlx::PgConnection),
}

/// Runs `$body` with `$conn` bound to the connection `$held` holds: the
/// statements differ by dialect, the code that runs them does not.
macro_rules! on_conn {
    ($held:expr, |$conn:ident| $body:expr) => {
        match $held {
            #[cfg(feature = "sqlite")]
            Held::Sqlite($conn) => $body,
            #[cfg(feature = "postgres")]
            Held::Postgres($conn) => $body,
        }
    };
}

/// A connection held for one store operation: one from the pool, or the
/// caller's transaction, locked.
pub enum Guard<'a> {
    #[cfg(feature = "sqlite")]
    SqlitePool(sqlx::pool::PoolConnection<sqlx::Sqlite>),
    #[cfg(feature = "postgres")]
    PgPool(sqlx::pool::PoolConnection<sqlx::Postgres>),
    #[cfg(feature = "sqlite")]
    SqliteTx(tokio::sync::MutexGuard<'a, sqlx::Transaction<'static, sqlx::Sqlite>>),
    #[cfg(feature = "postgres")]
    PgTx(tokio::sync::MutexGuard<'a, sqlx::Transaction<'static, sqlx::Postgres>>),
}

impl Guard<'_> {
    fn held(&mut self) -> Held<'_> {
        match self {
            #[cfg(feature = "sqlite")]
            Guard::SqlitePool(c) => Held::Sqlite(c),
            #[cfg(feature = "postgres")]
            Guard::PgPool(c) => Held::Postgres(c),
            #[cfg(feature = "sqlite")]
            Guard::SqliteTx(tx) => Held::Sqlite(tx),
            #[cfg(feature = "postgres")]
            Guard::PgTx(tx) => Held::Postgres(tx),
        }
    }
}

/// Where a table store's statements run: its pool, or a transaction.
pub(super) trait Source: Send + Sync {
    /// The statements, in the source's dialect.
    fn sql(&self) -> &Statements;

    /// A connection for one operation.
    fn hold(&self) -> impl Future<Output = Result<Guard<'_>, StoreError>> + Send;
}

impl<T> Source for TableStore<T> {
    fn sql(&self) -> &Statements {
        &self.sql
    }

    async fn hold(&self) -> Result<Guard<'_>, StoreError> {
        acquire(&self.pool).await
    }
}

/// A connection from `pool`.
async fn acquire(pool: &Pool) -> Result<Guard<'static>, StoreError> {
    Ok(match pool {
        #[cfg(feature = "sqlite")]
        Pool::Sqlite(p) => Guard::SqlitePool(p.acquire().await.map_err(store_error)?),
        #[cfg(feature = "postgres")]
        Pool::Postgres(p) => Guard::PgPool(p.acquire().await.map_err(store_error)?),
    })
}

/// Starts the table's sequence after its largest id, where it has none
/// yet (integer ids only).
pub(super) async fn seed_sequence(pool: &Pool, sql: &Statements) -> Result<(), StoreError> {
    let Some(seed) = &sql.seed else {
        return Ok(());
    };
    let mut guard = acquire(pool).await?;
    on_conn!(guard.held(), |conn| sqlx::query(seed.clone())
        .bind(&sql.table)
        .execute(&mut *conn)
        .await
        .map(drop)
        .map_err(store_error))
}

/// Creates the tables every table store shares, if they are missing.
pub(super) async fn create_shared_tables(pool: &Pool) -> Result<(), StoreError> {
    let mut guard = acquire(pool).await?;
    for statement in SHARED_TABLES {
        // Processes that start together race on `CREATE TABLE IF NOT
        // EXISTS` (PostgreSQL reports the loser): try again.
        let mut attempt = 0;
        loop {
            let done = on_conn!(guard.held(), |conn| sqlx::query(statement)
                .execute(&mut *conn)
                .await
                .map(drop));
            match done {
                Ok(()) => break,
                Err(_) if attempt < 4 => attempt += 1,
                Err(e) => return Err(store_error(e)),
            }
        }
    }
    Ok(())
}

/// A value the database cannot take as the id column's type (an integer
/// beyond `BIGINT`, class 22 in PostgreSQL) names no row: a read finds
/// nothing, rather than failing.
fn or_none<R: Default>(read: Result<R, sqlx::Error>) -> Result<R, StoreError> {
    match read {
        Err(sqlx::Error::Database(db)) if db.code().is_some_and(|c| c.starts_with("22")) => {
            Ok(R::default())
        }
        read => read.map_err(store_error),
    }
}

fn json<V: Serialize + ?Sized>(value: &V) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(store_error)
}

fn stored_version(version: i64) -> Result<Version, StoreError> {
    u64::try_from(version)
        .ok()
        .and_then(Version::new)
        .ok_or_else(|| store_error("a stored version is not positive"))
}

/// A row as every load statement selects it: the resource as JSON (keyed
/// by wire name), its version and its stamps (`NULL` for a row written
/// before the table was conflict-aware).
struct Row {
    body: String,
    version: i64,
    stamps: Option<String>,
}

fn decode<T: Versioned + DeserializeOwned>(row: &Row) -> Result<Stored<T>, StoreError> {
    let version = stored_version(row.version)?;
    // serde's messages quote the values they could not read.
    let unreadable = |e: serde_json::Error| {
        store_error(format!(
            "a row of the table does not read as the resource ({:?} error at column {})",
            e.classify(),
            e.column()
        ))
    };
    let mut value: T = serde_json::from_str(&row.body).map_err(unreadable)?;
    value.set_version(version).map_err(store_error)?;
    let stamps = match &row.stamps {
        Some(stamps) => serde_json::from_str(stamps).map_err(store_error)?,
        None => serde_json::Value::Null,
    };
    Stored::new(value, Stamps::from_json::<T>(&stamps, version))
        .ok_or_else(|| store_error("a stored version is not valid"))
}

/// Reads the three columns of [`Row`] from a row of either driver.
macro_rules! row {
    ($row:expr) => {{
        use sqlx::Row as _;
        let row = $row;
        Row {
            body: row.try_get("body").map_err(store_error)?,
            version: row.try_get("version").map_err(store_error)?,
            stamps: row.try_get("stamps").map_err(store_error)?,
        }
    }};
}

/// Starts the transaction of one write: a savepoint inside the caller's
/// transaction, else the dialect's `BEGIN`.
macro_rules! begin {
    ($conn:expr, $sql:expr, $id:expr) => {{
        let mut tx = if $conn.is_in_transaction() {
            $conn.begin().await
        } else {
            $conn.begin_with($sql.begin).await
        }
        .map_err(store_error)?;
        if let Some(lock) = $sql.lock {
            sqlx::query(lock)
                .bind(&$sql.table)
                .bind($id)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
        }
        tx
    }};
}

/// What a resource stored in a table needs.
pub(super) trait Resource:
    Versioned<Id: Serialize + Sync> + Serialize + DeserializeOwned + Send + Sync
{
}
impl<T> Resource for T where
    T: Versioned<Id: Serialize + Sync> + Serialize + DeserializeOwned + Send + Sync
{
}

pub(super) async fn load<T: Resource, X: Source>(
    x: &X,
    id: &T::Id,
) -> Result<Option<Slot<T>>, StoreError> {
    let (id, sql) = (json(id)?, x.sql());
    let mut guard = x.hold().await?;
    let (row, tombstone) = on_conn!(guard.held(), |conn| {
        let found = or_none(
            sqlx::query(sql.load.clone())
                .bind(&id)
                .fetch_optional(&mut *conn)
                .await,
        )?;
        match found {
            Some(found) => (Some(row!(found)), None),
            // Only a miss pays for the tombstones.
            None => (
                None,
                sqlx::query_scalar::<_, i64>(TOMBSTONE)
                    .bind(&sql.table)
                    .bind(&id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(store_error)?,
            ),
        }
    });
    drop(guard);
    match (row, tombstone) {
        (Some(row), _) => decode(&row).map(|stored| Some(Slot::Live(stored))),
        (None, Some(version)) => stored_version(version).map(|v| Some(Slot::Deleted(v))),
        (None, None) => Ok(None),
    }
}

pub(super) async fn live_version<T: Resource, X: Source>(
    x: &X,
    id: &T::Id,
) -> Result<Option<Version>, StoreError> {
    let (id, sql) = (json(id)?, x.sql());
    let mut guard = x.hold().await?;
    let version: Option<i64> = on_conn!(guard.held(), |conn| {
        or_none(
            sqlx::query_scalar(sql.live_version.clone())
                .bind(&id)
                .fetch_optional(&mut *conn)
                .await,
        )?
    });
    version.map(stored_version).transpose()
}

pub(super) async fn list<T: Resource, X: Source>(
    x: &X,
    after: Option<&T::Id>,
    limit: usize,
) -> Result<Vec<Stored<T>>, StoreError> {
    let sql = x.sql();
    let after = after.map(json).transpose()?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut guard = x.hold().await?;
    let rows: Vec<Row> = on_conn!(guard.held(), |conn| {
        let query = match &after {
            None => sqlx::query(sql.list_first.clone()).bind(limit),
            Some(after) => sqlx::query(sql.list_after.clone()).bind(after).bind(limit),
        };
        let found = or_none(query.fetch_all(&mut *conn).await)?;
        let mut rows = Vec::with_capacity(found.len());
        for found in found {
            rows.push(row!(found));
        }
        rows
    });
    drop(guard);
    rows.iter().map(decode).collect()
}

/// A keyed write's receipt, and the time now.
pub(super) type Keyed<'a> = Option<(&'a Receipt, u64)>;

pub(super) async fn insert<T: Resource, X: Source>(
    x: &X,
    record: &Stored<T>,
    after: Option<Version>,
    receipt: Keyed<'_>,
) -> Result<Claim, StoreError> {
    let (body, version) = (json(record.value())?, db_version(record.version())?);
    let stamps = record.stamps().to_json::<T>().to_string();
    let id = json(record.value().id())?;
    let after = after.map(db_version).transpose()?;
    let revision = kept(record)?;
    let sql = x.sql();
    let mut guard = x.hold().await?;
    // The tombstone and the row change together: an id is free when it
    // has no row and no tombstone, or the tombstone `after` names.
    let claim = on_conn!(guard.held(), |conn| {
        let mut tx = begin!(conn, sql, &id);
        if let Some((receipt, now)) = receipt
            && !claim!(tx, receipt, now, sql.bounded_claims)
        {
            return Ok(Claim::Taken);
        }
        let free = match after {
            None => sqlx::query(TOMBSTONE)
                .bind(&sql.table)
                .bind(&id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(store_error)?
                .is_none(),
            Some(after) => {
                sqlx::query(EXHUME)
                    .bind(&sql.table)
                    .bind(&id)
                    .bind(after)
                    .execute(&mut *tx)
                    .await
                    .map_err(store_error)?
                    .rows_affected()
                    == 1
            }
        };
        let inserted = free
            && sqlx::query(sql.insert.clone())
                .bind(body)
                .bind(version)
                .bind(stamps)
                .execute(&mut *tx)
                .await
                .map_err(|e| write_error(e, &sql.table, &sql.columns))?
                .rows_affected()
                == 1;
        if inserted {
            if let Some(revision) = &revision {
                // A re-created id starts a history of its own.
                run!(tx, FORGET, &sql.table, &id);
                keep!(tx, &sql.table, &id, version, revision, T::HISTORY);
            }
            tx.commit().await.map_err(store_error)?;
        }
        written(inserted)
    });
    Ok(claim)
}

fn written(done: bool) -> Claim {
    if done { Claim::Written } else { Claim::Lost }
}

pub(super) async fn update<T: Resource, X: Source>(
    x: &X,
    record: &Stored<T>,
    expected: Version,
    receipt: Keyed<'_>,
) -> Result<Claim, StoreError> {
    let (body, version) = (json(record.value())?, db_version(record.version())?);
    let stamps = record.stamps().to_json::<T>().to_string();
    let expected = db_version(expected)?;
    let sql = x.sql();
    let mut guard = x.hold().await?;
    let refused = |e| write_error(e, &sql.table, &sql.columns);
    let revision = kept(record)?;
    let id = json(record.value().id())?;
    let claim = on_conn!(guard.held(), |conn| {
        let update = sqlx::query(sql.update.clone())
            .bind(body)
            .bind(version)
            .bind(stamps)
            .bind(expected);
        let in_tx = revision.is_some() || receipt.is_some();
        let gone = in_tx && sql.precheck && {
            let at: Option<i64> = sqlx::query_scalar(sql.live_version.clone())
                .bind(&id)
                .fetch_optional(&mut *conn)
                .await
                .map_err(store_error)?;
            at != Some(expected)
        };
        if gone {
            // Lost already: no need to wait for the database's write lock
            // to learn it.
            Claim::Lost
        } else if in_tx {
            // The version, its revision and its receipt commit together.
            let mut tx = if conn.is_in_transaction() {
                conn.begin().await
            } else {
                conn.begin_with(sql.begin).await
            }
            .map_err(store_error)?;
            if let Some((receipt, now)) = receipt
                && !claim!(tx, receipt, now, sql.bounded_claims)
            {
                return Ok(Claim::Taken);
            }
            let done = update
                .execute(&mut *tx)
                .await
                .map_err(refused)?
                .rows_affected()
                == 1;
            if done {
                if let Some(revision) = &revision {
                    keep!(tx, &sql.table, &id, version, revision, T::HISTORY);
                }
                tx.commit().await.map_err(store_error)?;
            }
            written(done)
        } else if conn.is_in_transaction() {
            // In a savepoint: a refused update (a broken constraint) leaves
            // the caller's transaction usable, as on PostgreSQL a failed
            // statement would not.
            let mut tx = conn.begin().await.map_err(store_error)?;
            let done = update.execute(&mut *tx).await.map_err(refused)?;
            tx.commit().await.map_err(store_error)?;
            written(done.rows_affected() == 1)
        } else {
            written(
                update
                    .execute(&mut *conn)
                    .await
                    .map_err(refused)?
                    .rows_affected()
                    == 1,
            )
        }
    });
    Ok(claim)
}

pub(super) async fn delete<T: Resource, X: Source>(
    x: &X,
    id: &T::Id,
    expected: Version,
    receipt: Keyed<'_>,
) -> Result<Claim, StoreError> {
    let (id, expected) = (json(id)?, db_version(expected)?);
    let sql = x.sql();
    let mut guard = x.hold().await?;
    // The row goes and its tombstone comes in one transaction.
    let claim = on_conn!(guard.held(), |conn| {
        let mut tx = begin!(conn, sql, &id);
        if let Some((receipt, now)) = receipt
            && !claim!(tx, receipt, now, sql.bounded_claims)
        {
            return Ok(Claim::Taken);
        }
        let deleted = sqlx::query(sql.delete.clone())
            .bind(&id)
            .bind(expected)
            .execute(&mut *tx)
            .await
            .map_err(delete_error)?
            .rows_affected()
            == 1;
        if deleted {
            sqlx::query(BURY)
                .bind(&sql.table)
                .bind(&id)
                .bind(expected)
                .execute(&mut *tx)
                .await
                .map_err(store_error)?;
            if T::HISTORY > 0 {
                run!(tx, FORGET, &sql.table, &id);
            }
            tx.commit().await.map_err(store_error)?;
        }
        written(deleted)
    });
    Ok(claim)
}

pub(super) async fn receipt<X: Source>(
    x: &X,
    scope: &str,
    key: &str,
    now: u64,
) -> Result<Option<Receipt>, StoreError> {
    let mut guard = x.hold().await?;
    on_conn!(guard.held(), |conn| lookup!(&mut *conn, scope, key, now))
}

pub(super) async fn forget_receipts<X: Source>(
    x: &X,
    now: u64,
    limit: usize,
) -> Result<usize, StoreError> {
    let mut guard = x.hold().await?;
    Ok(on_conn!(guard.held(), |conn| forget!(
        &mut *conn, now, limit
    )))
}

pub(super) async fn revisions<T: Resource, X: Source>(
    x: &X,
    id: &T::Id,
    from: Version,
    to: Version,
) -> Result<Vec<Revision>, StoreError> {
    if T::HISTORY == 0 {
        return Ok(Vec::new());
    }
    let (id, sql) = (json(id)?, x.sql());
    let (from, to) = (db_version(from)?, db_version(to)?);
    let mut guard = x.hold().await?;
    on_conn!(guard.held(), |conn| read!(
        &mut *conn, &sql.table, &id, from, to
    ))
}

pub(super) async fn next_id<X: Source>(x: &X) -> Result<u64, StoreError> {
    let sql = x.sql();
    let mut guard = x.hold().await?;
    let value: i64 = on_conn!(guard.held(), |conn| {
        sqlx::query_scalar(NEXT_ID)
            .bind(&sql.table)
            .fetch_one(&mut *conn)
            .await
            .map_err(store_error)?
    });
    u64::try_from(value).map_err(store_error)
}

/// `impl Store` for a [`Source`]: each method runs the statements above.
macro_rules! store_on_source {
    (impl<$($param:ident),*> for $ty:ty where $($bound:tt)*) => {
        impl<$($param),*> $crate::store::Store<T> for $ty
        where
            T: $crate::store::table::run::Resource,
            $($bound)*
        {
            async fn load(&self, id: &T::Id) -> Result<Option<$crate::store::Slot<T>>, StoreError> {
                $crate::store::table::run::load(self, id).await
            }

            async fn live_version(&self, id: &T::Id) -> Result<Option<$crate::http::Version>, StoreError> {
                $crate::store::table::run::live_version::<T, _>(self, id).await
            }

            async fn list(&self, after: Option<&T::Id>, limit: usize) -> Result<Vec<$crate::resource::Stored<T>>, StoreError> {
                $crate::store::table::run::list(self, after, limit).await
            }

            async fn insert(&self, record: &$crate::resource::Stored<T>, after: Option<$crate::http::Version>) -> Result<bool, StoreError> {
                Ok($crate::store::table::run::insert(self, record, after, None).await? == $crate::store::Claim::Written)
            }

            async fn update(&self, record: &$crate::resource::Stored<T>, expected: $crate::http::Version) -> Result<bool, StoreError> {
                Ok($crate::store::table::run::update(self, record, expected, None).await? == $crate::store::Claim::Written)
            }

            async fn delete(&self, id: &T::Id, expected: $crate::http::Version) -> Result<bool, StoreError> {
                Ok($crate::store::table::run::delete::<T, _>(self, id, expected, None).await? == $crate::store::Claim::Written)
            }

            async fn next_id(&self) -> Result<u64, StoreError> {
                $crate::store::table::run::next_id(self).await
            }

            async fn revisions(&self, id: &T::Id, from: $crate::http::Version, to: $crate::http::Version) -> Result<Vec<$crate::resource::Revision>, StoreError> {
                $crate::store::table::run::revisions::<T, _>(self, id, from, to).await
            }
        }

        impl<$($param),*> $crate::store::KeyedStore<T> for $ty
        where
            T: $crate::store::table::run::Resource,
            $($bound)*
        {
            async fn receipt(&self, scope: &str, key: &str, now: u64) -> Result<Option<$crate::rules::Receipt>, StoreError> {
                $crate::store::table::run::receipt(self, scope, key, now).await
            }

            async fn insert_keyed(&self, record: &$crate::resource::Stored<T>, after: Option<$crate::http::Version>, receipt: &$crate::rules::Receipt, now: u64) -> Result<$crate::store::Claim, StoreError> {
                $crate::store::table::run::insert(self, record, after, Some((receipt, now))).await
            }

            async fn update_keyed(&self, record: &$crate::resource::Stored<T>, expected: $crate::http::Version, receipt: &$crate::rules::Receipt, now: u64) -> Result<$crate::store::Claim, StoreError> {
                $crate::store::table::run::update(self, record, expected, Some((receipt, now))).await
            }

            async fn delete_keyed(&self, id: &T::Id, expected: $crate::http::Version, receipt: &$crate::rules::Receipt, now: u64) -> Result<$crate::store::Claim, StoreError> {
                $crate::store::table::run::delete::<T, _>(self, id, expected, Some((receipt, now))).await
            }

            async fn forget_receipts(&self, now: u64, limit: usize) -> Result<usize, StoreError> {
                $crate::store::table::run::forget_receipts(self, now, limit).await
            }
        }
    };
}
pub(super) use store_on_source;

store_on_source!(impl<T> for TableStore<T> where);
