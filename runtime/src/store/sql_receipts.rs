//! The receipts of keyed writes both SQL stores keep, in one table they
//! share: its statements, and what a keyed write adds to its transaction.

use crate::problem::StoreError;
use crate::rules::Receipt;
use crate::store::sql_parts::store_error;

/// The receipts, by the caller's scope and the key.
pub(crate) const TABLE: &str = "CREATE TABLE IF NOT EXISTS optimist_receipts (caller TEXT NOT NULL, \
     idempotency_key TEXT NOT NULL, fingerprint TEXT NOT NULL, expires BIGINT NOT NULL, \
     status BIGINT NOT NULL, etag TEXT, location TEXT, cache_control TEXT, body TEXT NOT NULL, \
     PRIMARY KEY (caller, idempotency_key))";

/// Expired receipts are found by their expiry, not by a scan.
pub(crate) const INDEX: &str =
    "CREATE INDEX IF NOT EXISTS optimist_receipts_expires ON optimist_receipts (expires)";

/// Claims a key for a receipt: inserts it, or replaces one that expired
/// by `$10` (now). No row changed: an unexpired receipt holds the key. On
/// PostgreSQL a claim of a key that another open transaction claimed
/// waits for that transaction, then sees its receipt.
pub(crate) const CLAIM: &str = "INSERT INTO optimist_receipts (caller, idempotency_key, fingerprint, \
     expires, status, etag, location, cache_control, body) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
     ON CONFLICT (caller, idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint, \
     expires = excluded.expires, status = excluded.status, etag = excluded.etag, \
     location = excluded.location, cache_control = excluded.cache_control, body = excluded.body \
     WHERE optimist_receipts.expires <= $10";

/// How long a claim waits for another open transaction's claim of the
/// same key (PostgreSQL, where the second claim waits for the first to
/// end): after it, the key counts as held and the request is answered
/// 409 `idempotency-key-in-flight`, so a duplicate of a request inside a
/// long transaction does not hold a connection for as long.
pub(crate) const CLAIM_WAIT: &str = "3s";

/// Sets the claim's wait for the rest of the transaction and gives the
/// setting it replaces (PostgreSQL).
pub(crate) const WAIT: &str =
    "SELECT current_setting('lock_timeout'), set_config('lock_timeout', $1, true)";

/// Puts back the setting [`WAIT`] replaced, for what the transaction does
/// next (the application's own statements, in its transaction).
pub(crate) const RESTORE: &str = "SELECT set_config('lock_timeout', $1, true)";

/// PostgreSQL's `lock_not_available`: a claim that waited [`CLAIM_WAIT`].
pub(crate) fn waited_out(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("55P03"))
}

/// The receipt under `$1`, `$2` that holds at `$3`.
pub(crate) const LOOKUP: &str = "SELECT fingerprint, expires, status, etag, location, cache_control, body \
     FROM optimist_receipts WHERE caller = $1 AND idempotency_key = $2 AND expires > $3";

/// Forgets at most `$2` receipts expired at `$1`. The outer condition is
/// checked again on a row that a claim renewed meanwhile (PostgreSQL
/// re-reads a row changed under a waiting `DELETE`): a renewed receipt
/// stays.
pub(crate) const FORGET: &str = "DELETE FROM optimist_receipts WHERE expires <= $1 AND \
     (caller, idempotency_key) IN \
     (SELECT caller, idempotency_key FROM optimist_receipts WHERE expires <= $1 LIMIT $2)";

/// A time or count as a `BIGINT`.
pub(crate) fn big(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// A receipt as [`LOOKUP`] selects it.
pub(crate) type Row = (
    String,
    i64,
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
);

/// The receipt of `scope`, `key` from its [`Row`].
pub(crate) fn decode(scope: &str, key: &str, row: Row) -> Result<Receipt, StoreError> {
    let (fingerprint, expires, status, etag, location, cache_control, body) = row;
    Ok(Receipt {
        scope: scope.to_owned(),
        key: key.to_owned(),
        fingerprint,
        expires: u64::try_from(expires).map_err(store_error)?,
        status: u16::try_from(status).map_err(store_error)?,
        etag,
        location,
        cache_control,
        body,
    })
}

/// Claims `$receipt`'s key at `$now` in `$tx`, before the write beside
/// it: `true` where it is this write's. `$bounded` (PostgreSQL): the
/// claim waits at most [`CLAIM_WAIT`] for another transaction's claim of
/// the key, and then counts it as held.
macro_rules! claim {
    ($tx:expr, $receipt:expr, $now:expr, $bounded:expr) => {{
        use $crate::store::sql_parts::store_error;
        use $crate::store::sql_receipts::{CLAIM, CLAIM_WAIT, RESTORE, WAIT, big, waited_out};
        let r: &$crate::rules::Receipt = $receipt;
        let before: Option<String> = if $bounded {
            let (before, _): (String, String) = sqlx::query_as(WAIT)
                .bind(CLAIM_WAIT)
                .fetch_one(&mut *$tx)
                .await
                .map_err(store_error)?;
            Some(before)
        } else {
            None
        };
        let claimed = sqlx::query(CLAIM)
            .bind(r.scope.as_str())
            .bind(r.key.as_str())
            .bind(r.fingerprint.as_str())
            .bind(big(r.expires))
            .bind(i64::from(r.status))
            .bind(r.etag.as_deref())
            .bind(r.location.as_deref())
            .bind(r.cache_control.as_deref())
            .bind(r.body.as_str())
            .bind(big($now))
            .execute(&mut *$tx)
            .await;
        let claimed = match claimed {
            Ok(done) => done.rows_affected() == 1,
            // Held by a transaction still open: the caller rolls back.
            Err(e) if waited_out(&e) => false,
            Err(e) => return Err(store_error(e)),
        };
        if let (Some(before), true) = (before, claimed) {
            sqlx::query(RESTORE)
                .bind(before)
                .execute(&mut *$tx)
                .await
                .map_err(store_error)?;
        }
        claimed
    }};
}
pub(crate) use claim;

/// The receipt under `$scope`, `$key` that holds at `$now`, read on
/// `$executor`.
macro_rules! lookup {
    ($executor:expr, $scope:expr, $key:expr, $now:expr) => {{
        use $crate::store::sql_receipts::{LOOKUP, Row, big, decode};
        let (scope, key): (&str, &str) = ($scope, $key);
        let row: Option<Row> = sqlx::query_as(LOOKUP)
            .bind(scope)
            .bind(key)
            .bind(big($now))
            .fetch_optional($executor)
            .await
            .map_err($crate::store::sql_parts::store_error)?;
        row.map(|row| decode(scope, key, row)).transpose()
    }};
}
pub(crate) use lookup;

/// Forgets at most `$limit` receipts expired at `$now`, on `$executor`.
macro_rules! forget {
    ($executor:expr, $now:expr, $limit:expr) => {{
        use $crate::store::sql_receipts::{FORGET, big};
        let done = sqlx::query(FORGET)
            .bind(big($now))
            .bind(big(u64::try_from($limit).unwrap_or(u64::MAX)))
            .execute($executor)
            .await
            .map_err($crate::store::sql_parts::store_error)?;
        usize::try_from(done.rows_affected()).unwrap_or(usize::MAX)
    }};
}
pub(crate) use forget;
