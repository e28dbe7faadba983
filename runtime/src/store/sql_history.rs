//! The revision history both SQL stores keep, in one table they share:
//! its statements, and what each write adds to its transaction.

use serde::Serialize;

use crate::problem::StoreError;
use crate::resource::{Revision, Stored, Versioned};
use crate::store::sql_parts::store_error;

/// The kept revisions of every store's resources: `name` the store's
/// table, `id` the resource's id as JSON, `body` its kept fields as JSON.
pub(crate) const TABLE: &str = "CREATE TABLE IF NOT EXISTS optimist_revisions (name TEXT NOT NULL, \
     id TEXT NOT NULL, version BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (name, id, version))";

/// Keeps a revision: `$1` the table, `$2` the id, `$3` the version, `$4`
/// the body.
pub(crate) const KEEP: &str = "INSERT INTO optimist_revisions (name, id, version, body) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (name, id, version) DO UPDATE SET body = excluded.body";
/// Forgets the revisions up to version `$3`.
pub(crate) const PRUNE: &str =
    "DELETE FROM optimist_revisions WHERE name = $1 AND id = $2 AND version <= $3";
/// Forgets every revision of a resource.
pub(crate) const FORGET: &str = "DELETE FROM optimist_revisions WHERE name = $1 AND id = $2";
/// The revisions from version `$3` to `$4`, oldest first.
pub(crate) const READ: &str = "SELECT version, body FROM optimist_revisions \
     WHERE name = $1 AND id = $2 AND version >= $3 AND version <= $4 ORDER BY version";

/// The revision of `record` to keep, as the JSON of its fields, where
/// `T` keeps a history.
pub(crate) fn kept<T: Versioned + Serialize>(
    record: &Stored<T>,
) -> Result<Option<String>, StoreError> {
    let kept = Revision::kept(record).map_err(store_error)?;
    kept.map(|revision| serde_json::to_string(revision.fields()).map_err(store_error))
        .transpose()
}

/// The revisions as [`READ`] selects them.
pub(crate) fn decode(rows: Vec<(i64, String)>) -> Result<Vec<Revision>, StoreError> {
    rows.into_iter()
        .map(|(version, body)| {
            let version = u64::try_from(version)
                .ok()
                .and_then(crate::http::Version::new)
                .ok_or_else(|| store_error("a kept version is not positive"))?;
            let fields = serde_json::from_str(&body).map_err(store_error)?;
            Ok(Revision::from_parts(version, fields))
        })
        .collect()
}

/// The revisions of `$id` in table `$name` from `$from` to `$to` (as
/// `BIGINT`s), read on `$executor`.
macro_rules! read {
    ($executor:expr, $name:expr, $id:expr, $from:expr, $to:expr) => {{
        let rows: Vec<(i64, String)> = sqlx::query_as($crate::store::sql_history::READ)
            .bind($name)
            .bind($id)
            .bind($from)
            .bind($to)
            .fetch_all($executor)
            .await
            .map_err($crate::store::sql_parts::store_error)?;
        $crate::store::sql_history::decode(rows)
    }};
}
pub(crate) use read;

/// Runs `$query` (one of the statements above) bound to the table `$name`
/// and the id `$id`, then `$more` binds, in `$tx`.
macro_rules! run {
    ($tx:expr, $query:expr, $name:expr, $id:expr $(, $more:expr)*) => {
        sqlx::query($query)
            .bind($name)
            .bind($id)
            $(.bind($more))*
            .execute(&mut *$tx)
            .await
            .map_err($crate::store::sql_parts::store_error)?
    };
}
pub(crate) use run;

/// Keeps `$body`, the revision at version `$version` (a `BIGINT`) of the
/// resource `$id` of table `$name`, and forgets those past `$depth`: in
/// the caller's transaction, beside the write.
macro_rules! keep {
    ($tx:expr, $name:expr, $id:expr, $version:expr, $body:expr, $depth:expr) => {{
        use $crate::store::sql_history::{KEEP, PRUNE, run};
        run!($tx, KEEP, $name, $id, $version, $body);
        let depth = i64::try_from($depth).unwrap_or(i64::MAX);
        run!($tx, PRUNE, $name, $id, $version.saturating_sub(depth));
    }};
}
pub(crate) use keep;
