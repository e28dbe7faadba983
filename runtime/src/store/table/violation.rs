//! A write the database refused for breaking one of its own rules (a
//! unique, check, not-null or foreign-key constraint) is the client's
//! problem, named by its field where the database says which: 409 or 422,
//! never a 503.

use sqlx::error::{DatabaseError, ErrorKind};

use super::columns::Column;
use crate::problem::{StoreError, Violation};
use crate::store::sql_parts::{redacted, store_error};

/// The store's error for an insert or update that failed with `e`.
pub fn write_error(e: sqlx::Error, table: &str, columns: &[Column]) -> StoreError {
    classify(e, |db| field_of(db, table, columns), false)
}

/// The store's error for a delete that failed with `e`: a foreign key
/// that still points at the row makes it a resource others use.
pub fn delete_error(e: sqlx::Error) -> StoreError {
    classify(e, |_| None, true)
}

fn classify(
    e: sqlx::Error,
    field: impl Fn(&dyn DatabaseError) -> Option<&'static str>,
    deleting: bool,
) -> StoreError {
    let sqlx::Error::Database(db) = &e else {
        return store_error(e);
    };
    let field = field(db.as_ref());
    let code = db.code().unwrap_or_default();
    let violation = match db.kind() {
        ErrorKind::UniqueViolation => Violation::Unique { field },
        ErrorKind::ForeignKeyViolation if deleting => Violation::Referenced,
        ErrorKind::CheckViolation
        | ErrorKind::NotNullViolation
        | ErrorKind::ForeignKeyViolation => Violation::Rule { field },
        // A value the column's type cannot hold (PostgreSQL's class 22).
        _ if code.starts_with("22") => Violation::Rule { field },
        _ => return store_error(e),
    };
    // The database's own message can quote the row.
    StoreError::violated(violation, redacted(db.as_ref()))
}

/// The wire name of the field whose column broke the rule: SQLite names
/// it (`UNIQUE constraint failed: users.email`); PostgreSQL names the
/// column of a not-null violation, and the constraint otherwise, whose
/// default name starts with the table's and the column's
/// (`users_email_key`, `users_email_check`).
fn field_of(db: &dyn DatabaseError, table: &str, columns: &[Column]) -> Option<&'static str> {
    let wire = |name: &str| {
        columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name))
            .map(|c| c.wire)
    };
    if let Some((_, named)) = db.message().split_once(" constraint failed: ") {
        let first = named.split([',', ' ']).next().unwrap_or_default();
        return wire(first.rsplit('.').next().unwrap_or(first));
    }
    #[cfg(feature = "postgres")]
    if let Some(column) = db
        .try_downcast_ref::<sqlx::postgres::PgDatabaseError>()
        .and_then(sqlx::postgres::PgDatabaseError::column)
    {
        return wire(column);
    }
    let rest = db.constraint()?.strip_prefix(table)?.strip_prefix('_')?;
    // The longest column name that the rest of the constraint's name
    // starts with (`user_email_key` is `user_email`, not `user`).
    columns
        .iter()
        .filter(|c| {
            rest.strip_prefix(c.name)
                .is_some_and(|tail| tail.starts_with('_'))
        })
        .max_by_key(|c| c.name.len())
        .map(|c| c.wire)
}
