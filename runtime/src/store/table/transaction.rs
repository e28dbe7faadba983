//! The caller's transaction, as a table store: optimist's write and the
//! application's own rows (an audit line, an outbox message) commit or
//! roll back together.

use core::marker::PhantomData;
use std::sync::Arc;

use tokio::sync::Mutex;

use super::run::{Guard, Source};
use super::{Pool, Statements, TableStore, store_error};
use crate::problem::StoreError;

/// A [`TableStore`] inside a transaction the caller began: a
/// [`Store`](crate::store::Store) whose reads see the transaction's
/// writes and whose writes commit, or roll back, with the rest of it. A
/// write that loses a race inside it is retried inside it, as on the pool.
///
/// Make one with [`TableStore::transaction`]; give it to a collection
/// with [`Collection::with_store`](crate::Collection::with_store); then
/// take the transaction back with [`into_inner`](TableTransaction::into_inner)
/// to write the application's own rows and commit. On SQLite, begin it
/// with `BEGIN IMMEDIATE` (`pool.begin_with("BEGIN IMMEDIATE")`): a
/// transaction that reads first and writes later cannot take the write
/// lock while another writer holds it.
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
/// sqlx::raw_sql("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT NOT NULL,
///                    version BIGINT NOT NULL DEFAULT 1, optimist_stamps TEXT);
///                CREATE TABLE audit (article INTEGER, what TEXT);
///                INSERT INTO articles (id, title) VALUES (1, 'Old');").execute(&pool).await?;
/// let articles = Collection::new(TableStore::<Article>::new(pool.clone(), "articles").await?, "/articles");
/// let edit = Article { id: 1, version: 1, title: "New".into() };
///
/// let tx = articles.store().transaction(pool.begin_with("BEGIN IMMEDIATE").await?)?;
/// let _: Tagged<Article> = articles.with_store(&tx).put(&1, &Preconditions::default(), &edit).await?;
/// let mut tx = tx.into_inner();
/// sqlx::query("INSERT INTO audit VALUES (1, 'renamed')").execute(&mut *tx).await?;
/// tx.rollback().await?; // or commit: the version bump goes with the audit row
///
/// let (title, version): (String, i64) = sqlx::query_as("SELECT title, version FROM articles")
///     .fetch_one(&pool).await?;
/// assert_eq!((title.as_str(), version), ("Old", 1));
/// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
/// # }
/// ```
pub struct TableTransaction<T, DB: sqlx::Database> {
    sql: Arc<Statements>,
    tx: Mutex<sqlx::Transaction<'static, DB>>,
    _resource: PhantomData<fn() -> T>,
}

impl<T, DB: sqlx::Database> TableTransaction<T, DB> {
    /// The transaction, for the application's own statements and its
    /// commit (see the example of [`TableTransaction`]).
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// # #[derive(optimist::Versioned, serde::Serialize, serde::Deserialize)]
    /// # struct Article { id: i64, version: i64, title: String }
    /// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
    /// # let pool = sqlx::SqlitePool::connect("sqlite::memory:").await?;
    /// # sqlx::raw_sql("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, version BIGINT, optimist_stamps TEXT)").execute(&pool).await?;
    /// # let store = optimist::store::TableStore::<Article>::new(pool.clone(), "articles").await?;
    /// let tx = store.transaction(pool.begin().await?)?;
    /// let mut tx = tx.into_inner();
    /// sqlx::query("INSERT INTO articles (id, title, version) VALUES (1, 'a', 1)").execute(&mut *tx).await?;
    /// tx.commit().await?;
    /// # Ok::<(), Box<dyn std::error::Error>>(()) }).unwrap();
    /// # }
    /// ```
    #[must_use]
    pub fn into_inner(self) -> sqlx::Transaction<'static, DB> {
        self.tx.into_inner()
    }
}

impl<T> TableStore<T> {
    /// This store inside `tx`, a transaction on the store's own database
    /// (the example of [`TableTransaction`] runs a write and an audit row
    /// in one).
    ///
    /// # Errors
    /// `tx` is on the other kind of database than the store's pool.
    pub fn transaction<DB: InTransaction>(
        &self,
        tx: sqlx::Transaction<'static, DB>,
    ) -> Result<TableTransaction<T, DB>, StoreError> {
        if !DB::is(&self.pool) {
            return Err(store_error(
                "the transaction is on another kind of database than the store's pool",
            ));
        }
        Ok(TableTransaction {
            sql: Arc::clone(&self.sql),
            tx: Mutex::new(tx),
            _resource: PhantomData,
        })
    }
}

/// A database whose transactions a table store can run in: SQLite or
/// PostgreSQL (`sqlx::Sqlite`, `sqlx::Postgres`).
///
/// ```
/// fn runs_in<DB: optimist::store::InTransaction>() {}
/// # #[cfg(feature = "sqlite")]
/// runs_in::<sqlx::Sqlite>();
/// # #[cfg(feature = "postgres")]
/// runs_in::<sqlx::Postgres>();
/// ```
pub trait InTransaction: sqlx::Database + sealed::Sealed {}

mod sealed {
    use super::{Guard, Pool};

    /// What the store needs of a database: is it the pool's, and the
    /// connection inside a locked transaction.
    pub trait Sealed: sqlx::Database {
        fn is(pool: &Pool) -> bool;
        fn guard<'a>(
            tx: tokio::sync::MutexGuard<'a, sqlx::Transaction<'static, Self>>,
        ) -> Guard<'a>;
    }

    #[cfg(feature = "sqlite")]
    impl Sealed for sqlx::Sqlite {
        fn is(pool: &Pool) -> bool {
            matches!(pool, Pool::Sqlite(_))
        }
        fn guard<'a>(
            tx: tokio::sync::MutexGuard<'a, sqlx::Transaction<'static, Self>>,
        ) -> Guard<'a> {
            Guard::SqliteTx(tx)
        }
    }

    #[cfg(feature = "postgres")]
    impl Sealed for sqlx::Postgres {
        fn is(pool: &Pool) -> bool {
            matches!(pool, Pool::Postgres(_))
        }
        fn guard<'a>(
            tx: tokio::sync::MutexGuard<'a, sqlx::Transaction<'static, Self>>,
        ) -> Guard<'a> {
            Guard::PgTx(tx)
        }
    }
}

#[cfg(feature = "sqlite")]
impl InTransaction for sqlx::Sqlite {}
#[cfg(feature = "postgres")]
impl InTransaction for sqlx::Postgres {}

impl<T, DB> Source for TableTransaction<T, DB>
where
    DB: InTransaction,
    T: Send + Sync,
{
    fn sql(&self) -> &Statements {
        &self.sql
    }

    async fn hold(&self) -> Result<Guard<'_>, StoreError> {
        Ok(DB::guard(self.tx.lock().await))
    }
}

super::run::store_on_source!(impl<T, DB> for TableTransaction<T, DB> where DB: InTransaction);
