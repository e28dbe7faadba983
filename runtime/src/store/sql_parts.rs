//! What both SQL stores build from: checked statement text, the shared
//! sequence of ids, versions as `BIGINT`, and errors without values.

use std::sync::Arc;

use sqlx::{AssertSqlSafe, SqlSafeStr, SqlStr};

use crate::http::Version;
use crate::problem::StoreError;

/// Statement text whose names were checked to be plain identifiers
/// ([`plain`]) and whose values are all bind parameters.
pub(crate) fn checked(sql: String) -> SqlStr {
    AssertSqlSafe(Arc::<str>::from(sql)).into_sql_str()
}

/// A plain SQL identifier: a letter or `_`, then letters, digits and `_`.
pub(crate) fn plain(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The table of id sequences, one row per store's table.
pub(crate) const SEQUENCES: &str =
    "CREATE TABLE IF NOT EXISTS optimist_sequences (name TEXT PRIMARY KEY, value BIGINT NOT NULL)";

/// The next id of the sequence `$1`.
pub(crate) const NEXT_ID: &str = "INSERT INTO optimist_sequences (name, value) VALUES ($1, 1) \
     ON CONFLICT (name) DO UPDATE SET value = optimist_sequences.value + 1 RETURNING value";

/// A version as a `BIGINT`.
pub(crate) fn db_version(version: Version) -> Result<i64, StoreError> {
    i64::try_from(version.get())
        .map_err(|_| store_error("versions above i64::MAX do not fit a BIGINT column"))
}

/// A SQL store's error. A database's message can quote the values of the
/// statement (a password hash, an email address), and the cause of a 503
/// goes to the service's log: a database error keeps its code and the
/// name of its constraint only.
pub(crate) fn store_error(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> StoreError {
    let e = e.into();
    if let Some(sqlx::Error::Database(db)) = e.downcast_ref::<sqlx::Error>() {
        return StoreError::new(redacted(db.as_ref()));
    }
    StoreError::new(e)
}

/// A database error as a log may show it: its code and constraint only.
pub(crate) fn redacted(db: &dyn sqlx::error::DatabaseError) -> String {
    let code = db.code().unwrap_or_default();
    match db.constraint() {
        Some(constraint) => format!("database error {code} on {constraint}"),
        None => format!("database error {code}"),
    }
}
