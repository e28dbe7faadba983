//! A SQL store for SQLite and PostgreSQL through sqlx's `Any` driver: one
//! table per resource type, one statement per compare-and-swap.

use core::marker::PhantomData;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, AssertSqlSafe, Row, SqlStr};

use crate::http::Version;
use crate::problem::StoreError;
use crate::resource::{Revision, Stamps, Stored, Versioned};
use crate::rules::Receipt;
use crate::store::sql_history::{self, FORGET, keep, kept, read, run};
use crate::store::sql_parts::{NEXT_ID, SEQUENCES, checked, db_version, plain, store_error};
use crate::store::sql_receipts::{self, claim, forget, lookup};
use crate::store::{Claim, KeyedStore, Slot, Store};

/// A [`Store`] of JSON documents in a SQL database: SQLite (feature
/// `sqlite`) or PostgreSQL (feature `postgres`), chosen by the URL. A
/// schemaless store in a table of its own; to keep resources in the
/// application's own table, one column per field, use
/// [`TableStore`](crate::store::TableStore).
///
/// Each resource type has a table `(id, seq, version, deleted, body,
/// stamps)`: the id as JSON text, the resource as JSON, its field stamps
/// beside it. Every write is one `UPDATE … WHERE id = $1 AND version = $n`
/// (or an `INSERT … ON CONFLICT DO NOTHING`) checked by its row count, so
/// several processes may share one database. A delete keeps the row as a
/// tombstone holding the last version: versions are never reused. A type
/// that keeps a history ([`Versioned::HISTORY`]) has its revisions in
/// `optimist_revisions`, written in the transaction of each write.
///
/// ```
/// # #[cfg(feature = "sqlite")] {
/// use optimist::store::SqlStore;
///
/// #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone)]
/// struct Note { id: u64, version: u64, text: String }
///
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let store = SqlStore::<Note>::connect("sqlite::memory:", "notes").await?;
/// let note = optimist::create(&store, Note { id: 1, version: 0, text: "hi".into() }).await.unwrap();
/// assert_eq!(note.version().get(), 1);
/// # Ok::<(), optimist::StoreError>(()) }).unwrap();
/// # }
/// ```
pub struct SqlStore<T> {
    pool: AnyPool,
    sql: Statements,
    table: String,
    _resource: PhantomData<fn() -> T>,
}

impl<T> Clone for SqlStore<T> {
    fn clone(&self) -> Self {
        SqlStore {
            pool: self.pool.clone(),
            sql: self.sql.clone(),
            table: self.table.clone(),
            _resource: PhantomData,
        }
    }
}

/// The statements, built once per store (the table name is not a bind
/// parameter in SQL).
#[derive(Clone)]
struct Statements {
    load: SqlStr,
    live_version: SqlStr,
    list_first: SqlStr,
    list_after: SqlStr,
    insert_new: SqlStr,
    insert_after: SqlStr,
    update: SqlStr,
    delete: SqlStr,
}

impl<T> SqlStore<T> {
    /// Connects to `url` (`sqlite://users.db?mode=rwc`, `sqlite::memory:`,
    /// `postgres://…`) and creates the table `table` if it is missing.
    /// SQLite files use write-ahead logging and wait up to 5 s for locks;
    /// a request waits up to 5 s for a connection.
    pub async fn connect(url: &str, table: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let is_sqlite = url.starts_with("sqlite:");
        // An in-memory SQLite database exists once per connection.
        let max = if url.contains(":memory:") { 1 } else { 8 };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            // A database that is down answers 503 after 5 s, not sqlx's 30.
            .acquire_timeout(std::time::Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if is_sqlite {
                        sqlx::query("PRAGMA busy_timeout = 5000")
                            .execute(&mut *conn)
                            .await?;
                        sqlx::query("PRAGMA synchronous = NORMAL")
                            .execute(&mut *conn)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(url)
            .await
            .map_err(store_error)?;
        if is_sqlite && !url.contains(":memory:") {
            sqlx::query("PRAGMA journal_mode = WAL")
                .execute(&pool)
                .await
                .map_err(store_error)?;
        }
        Self::with_pool(pool, table).await
    }

    /// Uses an existing pool; creates the table if it is missing.
    pub async fn with_pool(pool: AnyPool, table: &str) -> Result<Self, StoreError> {
        if !plain(table) {
            return Err(store_error(format!(
                "`{table}` is not a plain SQL table name"
            )));
        }
        let t = table;
        let sql = Statements {
            load: checked(format!(
                "SELECT version, deleted, body, stamps FROM {t} WHERE id = $1"
            )),
            live_version: checked(format!(
                "SELECT version FROM {t} WHERE id = $1 AND deleted = 0"
            )),
            list_first: checked(format!(
                "SELECT version, deleted, body, stamps FROM {t} WHERE deleted = 0 ORDER BY seq, id LIMIT $1"
            )),
            list_after: checked(format!(
                // Concurrent creates may share a seq: (seq, id) is the key.
                "SELECT version, deleted, body, stamps FROM {t} WHERE deleted = 0 \
                 AND (seq, id) > (SELECT seq, id FROM {t} WHERE id = $1) ORDER BY seq, id LIMIT $2"
            )),
            insert_new: checked(format!(
                "INSERT INTO {t} (id, seq, version, deleted, body, stamps) \
                 VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM {t}), $2, 0, $3, $4) ON CONFLICT (id) DO NOTHING"
            )),
            insert_after: checked(format!(
                "UPDATE {t} SET version = $2, deleted = 0, body = $3, stamps = $4 WHERE id = $1 AND version = $5 AND deleted = 1"
            )),
            update: checked(format!(
                "UPDATE {t} SET version = $2, body = $3, stamps = $4 WHERE id = $1 AND version = $5 AND deleted = 0"
            )),
            delete: checked(format!(
                "UPDATE {t} SET deleted = 1, body = 'null', stamps = '{{}}' WHERE id = $1 AND version = $2 AND deleted = 0"
            )),
        };
        let store = SqlStore {
            pool,
            sql,
            table: table.to_owned(),
            _resource: PhantomData,
        };
        store.migrate().await?;
        Ok(store)
    }

    /// Creates the tables if they are missing. Several processes may start
    /// at once: a lost race on `CREATE TABLE` is retried.
    async fn migrate(&self) -> Result<(), StoreError> {
        let t = &self.table;
        let statements = [
            format!(
                "CREATE TABLE IF NOT EXISTS {t} (id TEXT PRIMARY KEY, seq BIGINT NOT NULL, version BIGINT NOT NULL, \
                 deleted BIGINT NOT NULL DEFAULT 0, body TEXT NOT NULL, stamps TEXT NOT NULL)"
            ),
            // Creates read MAX(seq) and lists order by it: indexed, not scanned.
            format!("CREATE INDEX IF NOT EXISTS {t}_seq ON {t} (seq)"),
            SEQUENCES.to_owned(),
            sql_history::TABLE.to_owned(),
            sql_receipts::TABLE.to_owned(),
            sql_receipts::INDEX.to_owned(),
        ];
        for statement in &statements {
            let mut attempt = 0;
            loop {
                match sqlx::query(AssertSqlSafe(statement.as_str()))
                    .execute(&self.pool)
                    .await
                {
                    Ok(_) => break,
                    Err(_) if attempt < 5 => attempt += 1,
                    Err(e) => return Err(store_error(e)),
                }
            }
        }
        Ok(())
    }

    /// The pool, for the service's own queries.
    #[must_use]
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

impl<T: Versioned> SqlStore<T> {
    /// Runs the write `query`; with `history` or a `receipt` (and the
    /// time now), in one transaction with what it does to the revisions
    /// of the id and the claim of the receipt's key, where the write took
    /// effect.
    async fn write(
        &self,
        query: sqlx::query::Query<'_, sqlx::Any, sqlx::any::AnyArguments>,
        history: Option<History>,
        receipt: Option<(&Receipt, u64)>,
    ) -> Result<Claim, StoreError> {
        let written = |done: bool| if done { Claim::Written } else { Claim::Lost };
        if history.is_none() && receipt.is_none() {
            let done = query.execute(&self.pool).await.map_err(store_error)?;
            return Ok(written(done.rows_affected() == 1));
        }
        let mut tx = self.pool.begin().await.map_err(store_error)?;
        // The key first: a duplicate of this request waits here, not on
        // the resource's row, and then finds the key taken.
        let postgres = tx.backend_name() == "PostgreSQL";
        if let Some((receipt, now)) = receipt
            && !claim!(tx, receipt, now, postgres)
        {
            return Ok(Claim::Taken);
        }
        let done = query
            .execute(&mut *tx)
            .await
            .map_err(store_error)?
            .rows_affected()
            == 1;
        if !done {
            return Ok(Claim::Lost);
        }
        match history {
            Some(History::Keep {
                id,
                version,
                body,
                fresh,
            }) => {
                if fresh {
                    run!(tx, FORGET, &self.table, &id);
                }
                keep!(tx, &self.table, &id, version, body, T::HISTORY);
            }
            Some(History::Forget(id)) => {
                run!(tx, FORGET, &self.table, &id);
            }
            None => {}
        }
        tx.commit().await.map_err(store_error)?;
        Ok(Claim::Written)
    }
}

/// What a write does to the revisions of the id (as JSON).
enum History {
    /// Keep `body`, the revision at `version`; for a create (`fresh`),
    /// forget first what an earlier resource at the id left.
    Keep {
        id: String,
        version: i64,
        body: String,
        fresh: bool,
    },
    /// A delete: forget every revision.
    Forget(String),
}

impl History {
    /// Keeps `record`'s revision, where its type keeps any.
    fn keep<T: Versioned + Serialize>(
        record: &Stored<T>,
        e: &Encoded,
        fresh: bool,
    ) -> Result<Option<History>, StoreError> {
        Ok(kept(record)?.map(|body| History::Keep {
            id: e.id.clone(),
            version: e.version,
            body,
            fresh,
        }))
    }
}

fn key<I: Serialize + ?Sized>(id: &I) -> Result<String, StoreError> {
    serde_json::to_string(id).map_err(store_error)
}

struct Encoded {
    id: String,
    version: i64,
    body: String,
    stamps: String,
}

fn encode<T: Versioned + Serialize>(record: &Stored<T>) -> Result<Encoded, StoreError>
where
    T::Id: Serialize,
{
    Ok(Encoded {
        id: key(record.value().id())?,
        version: db_version(record.version())?,
        body: serde_json::to_string(record.value()).map_err(store_error)?,
        stamps: record.stamps().to_json::<T>().to_string(),
    })
}

fn decode_version(row: &AnyRow) -> Result<Version, StoreError> {
    let version: i64 = row.try_get("version").map_err(store_error)?;
    u64::try_from(version)
        .ok()
        .and_then(Version::new)
        .ok_or_else(|| store_error("a stored version is not positive"))
}

fn decode<T: Versioned + DeserializeOwned>(row: &AnyRow) -> Result<Slot<T>, StoreError> {
    let version = decode_version(row)?;
    if row.try_get::<i64, _>("deleted").map_err(store_error)? != 0 {
        return Ok(Slot::Deleted(version));
    }
    let body: String = row.try_get("body").map_err(store_error)?;
    let stamps: String = row.try_get("stamps").map_err(store_error)?;
    let mut value: T = serde_json::from_str(&body).map_err(store_error)?;
    // The version column is the truth; the body's copy follows it.
    value.set_version(version).map_err(store_error)?;
    let stamps = Stamps::from_json::<T>(
        &serde_json::from_str(&stamps).map_err(store_error)?,
        version,
    );
    Stored::new(value, stamps)
        .map(Slot::Live)
        .ok_or_else(|| store_error("a stored version is not valid"))
}

impl<T> Store<T> for SqlStore<T>
where
    T: Versioned + Serialize + DeserializeOwned + Send + Sync,
    T::Id: Serialize + Sync,
{
    async fn load(&self, id: &T::Id) -> Result<Option<Slot<T>>, StoreError> {
        let row = sqlx::query(self.sql.load.clone())
            .bind(key(id)?)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(decode).transpose()
    }

    async fn live_version(&self, id: &T::Id) -> Result<Option<Version>, StoreError> {
        let row = sqlx::query(self.sql.live_version.clone())
            .bind(key(id)?)
            .fetch_optional(&self.pool)
            .await
            .map_err(store_error)?;
        row.as_ref().map(decode_version).transpose()
    }

    async fn list(
        &self,
        after: Option<&T::Id>,
        limit: usize,
    ) -> Result<Vec<Stored<T>>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let query = match after {
            None => sqlx::query(self.sql.list_first.clone()).bind(limit),
            Some(after) => sqlx::query(self.sql.list_after.clone())
                .bind(key(after)?)
                .bind(limit),
        };
        let rows = query.fetch_all(&self.pool).await.map_err(store_error)?;
        rows.iter()
            .filter_map(|row| match decode(row) {
                Ok(Slot::Live(stored)) => Some(Ok(stored)),
                Ok(Slot::Deleted(_)) => None,
                Err(e) => Some(Err(e)),
            })
            .collect()
    }

    async fn insert(&self, record: &Stored<T>, after: Option<Version>) -> Result<bool, StoreError> {
        Ok(self.insert_with(record, after, None).await? == Claim::Written)
    }

    async fn update(&self, record: &Stored<T>, expected: Version) -> Result<bool, StoreError> {
        Ok(self.update_with(record, expected, None).await? == Claim::Written)
    }

    async fn delete(&self, id: &T::Id, expected: Version) -> Result<bool, StoreError> {
        Ok(self.delete_with(id, expected, None).await? == Claim::Written)
    }

    async fn revisions(
        &self,
        id: &T::Id,
        from: Version,
        to: Version,
    ) -> Result<Vec<Revision>, StoreError> {
        if T::HISTORY == 0 {
            return Ok(Vec::new());
        }
        read!(
            &self.pool,
            &self.table,
            key(id)?,
            db_version(from)?,
            db_version(to)?
        )
    }

    async fn next_id(&self) -> Result<u64, StoreError> {
        let value: i64 = sqlx::query_scalar(NEXT_ID)
            .bind(&self.table)
            .fetch_one(&self.pool)
            .await
            .map_err(store_error)?;
        u64::try_from(value).map_err(store_error)
    }
}

/// The writes, with the receipt of a keyed one.
impl<T> SqlStore<T>
where
    T: Versioned + Serialize + DeserializeOwned + Send + Sync,
    T::Id: Serialize + Sync,
{
    async fn insert_with(
        &self,
        record: &Stored<T>,
        after: Option<Version>,
        receipt: Option<(&Receipt, u64)>,
    ) -> Result<Claim, StoreError> {
        let e = encode(record)?;
        // A re-created id starts a history of its own.
        let history = History::keep(record, &e, true)?;
        let query = match after {
            None => sqlx::query(self.sql.insert_new.clone())
                .bind(e.id)
                .bind(e.version)
                .bind(e.body)
                .bind(e.stamps),
            Some(after) => sqlx::query(self.sql.insert_after.clone())
                .bind(e.id)
                .bind(e.version)
                .bind(e.body)
                .bind(e.stamps)
                .bind(db_version(after)?),
        };
        self.write(query, history, receipt).await
    }

    async fn update_with(
        &self,
        record: &Stored<T>,
        expected: Version,
        receipt: Option<(&Receipt, u64)>,
    ) -> Result<Claim, StoreError> {
        let e = encode(record)?;
        let history = History::keep(record, &e, false)?;
        let query = sqlx::query(self.sql.update.clone())
            .bind(e.id)
            .bind(e.version)
            .bind(e.body)
            .bind(e.stamps)
            .bind(db_version(expected)?);
        self.write(query, history, receipt).await
    }

    async fn delete_with(
        &self,
        id: &T::Id,
        expected: Version,
        receipt: Option<(&Receipt, u64)>,
    ) -> Result<Claim, StoreError> {
        let query = sqlx::query(self.sql.delete.clone())
            .bind(key(id)?)
            .bind(db_version(expected)?);
        let history = (T::HISTORY > 0)
            .then(|| key(id).map(History::Forget))
            .transpose()?;
        self.write(query, history, receipt).await
    }
}

impl<T> KeyedStore<T> for SqlStore<T>
where
    T: Versioned + Serialize + DeserializeOwned + Send + Sync,
    T::Id: Serialize + Sync,
{
    async fn receipt(
        &self,
        scope: &str,
        key: &str,
        now: u64,
    ) -> Result<Option<Receipt>, StoreError> {
        lookup!(&self.pool, scope, key, now)
    }

    async fn insert_keyed(
        &self,
        record: &Stored<T>,
        after: Option<Version>,
        receipt: &Receipt,
        now: u64,
    ) -> Result<Claim, StoreError> {
        self.insert_with(record, after, Some((receipt, now))).await
    }

    async fn update_keyed(
        &self,
        record: &Stored<T>,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> Result<Claim, StoreError> {
        self.update_with(record, expected, Some((receipt, now)))
            .await
    }

    async fn delete_keyed(
        &self,
        id: &T::Id,
        expected: Version,
        receipt: &Receipt,
        now: u64,
    ) -> Result<Claim, StoreError> {
        self.delete_with(id, expected, Some((receipt, now))).await
    }

    async fn forget_receipts(&self, now: u64, limit: usize) -> Result<usize, StoreError> {
        Ok(forget!(&self.pool, now, limit))
    }
}
