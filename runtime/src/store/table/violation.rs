//! A write the database refused for breaking one of its own rules (a
//! unique, check, not-null or foreign-key constraint) is the client's
//! problem, named by its field where the database says which: 409 or 422,
//! never a 503.

use sqlx::error::{DatabaseError, ErrorKind};

use super::columns::Column;
use crate::problem::{StoreError, Violation};

/// The store's error for a write that failed with `e`.
pub fn write_error(e: sqlx::Error, table: &str, columns: &[Column]) -> StoreError {
    let sqlx::Error::Database(db) = &e else {
        return StoreError::new(e);
    };
    let field = field_of(db.as_ref(), table, columns);
    match db.kind() {
        ErrorKind::UniqueViolation => StoreError::violated(Violation::Unique { field }, e),
        ErrorKind::CheckViolation
        | ErrorKind::NotNullViolation
        | ErrorKind::ForeignKeyViolation => StoreError::violated(Violation::Rule { field }, e),
        _ => StoreError::new(e),
    }
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
