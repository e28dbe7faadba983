//! The revision history, as the database keeps it: `doc_revisions` holds
//! the 20 versions before each document's current one, written by the
//! migrations' triggers in the same statement as each update and removed
//! with the document.

use optimist::{Error, StoreError};
use optimist_example_kit::db::Database;
use optimist_example_kit::on_db;

use crate::model::{Doc, Revision};

type Row = (i64, String, String);

fn revision((version, title, body): Row) -> Result<Revision, Error> {
    let version = u32::try_from(version).map_err(unavailable)?;
    Ok(Revision {
        version,
        title,
        body,
    })
}

fn unavailable(e: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Error {
    Error::Unavailable(StoreError::new(e))
}

/// The document's id as the table's `BIGINT`.
fn key(doc: &Doc) -> Result<i64, Error> {
    i64::try_from(doc.id).map_err(unavailable)
}

/// The kept versions of `doc` from `from` to `to`, oldest first, the
/// current one (which the caller read) last. Only those before the
/// current one come from the table, so a write between the two reads
/// cannot list a version twice.
pub async fn between(db: &Database, doc: &Doc, from: u32, to: u32) -> Result<Vec<Revision>, Error> {
    const SQL: &str = "SELECT version, title, body FROM doc_revisions \
        WHERE doc = $1 AND version >= $2 AND version <= $3 AND version < $4 ORDER BY version";
    let id = key(doc)?;
    let rows: Vec<Row> = on_db!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .bind(i64::from(from))
        .bind(i64::from(to))
        .bind(i64::from(doc.version))
        .fetch_all(pool)
        .await
        .map_err(unavailable)?);
    let mut revisions = rows
        .into_iter()
        .map(revision)
        .collect::<Result<Vec<_>, _>>()?;
    if (from..=to).contains(&doc.version) {
        revisions.push(Revision::of(doc));
    }
    Ok(revisions)
}

/// The text of `doc` at `version`, where it is kept.
pub async fn at(db: &Database, doc: &Doc, version: u32) -> Result<Option<Revision>, Error> {
    const SQL: &str = "SELECT version, title, body FROM doc_revisions WHERE doc = $1 AND version = $2 AND version < $3";
    if version == doc.version {
        return Ok(Some(Revision::of(doc)));
    }
    let id = key(doc)?;
    let row: Option<Row> = on_db!(db, |pool| sqlx::query_as(SQL)
        .bind(id)
        .bind(i64::from(version))
        .bind(i64::from(doc.version))
        .fetch_optional(pool)
        .await
        .map_err(unavailable)?);
    row.map(revision).transpose()
}
