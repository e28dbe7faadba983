//! The statements of a table store in SQLite's dialect: rows become JSON
//! with `json_object`, JSON becomes column values with `json_extract`.

use sqlx::SqlitePool;

use super::columns::{Column, Columns, Declared, quoted};
use super::{Dialect, STAMPS, Statements, store_error};
use crate::problem::StoreError;

/// Reads the table's columns, checks them and builds the statements.
pub async fn prepare(
    pool: &SqlitePool,
    columns: &Columns,
    migration: &str,
) -> Result<Statements, StoreError> {
    let declared: Vec<(String, String)> =
        sqlx::query_as("SELECT name, type FROM pragma_table_info($1)")
            .bind(&columns.table)
            .fetch_all(pool)
            .await
            .map_err(store_error)?;
    let declared: Vec<Declared> = declared
        .into_iter()
        .map(|(name, ty)| Declared {
            name,
            ty: ty.to_ascii_lowercase(),
        })
        .collect();
    columns.check(&declared, migration)?;
    Ok(statements(columns, &declared))
}

fn statements(c: &Columns, declared: &[Declared]) -> Statements {
    let (t, id, v) = (quoted(&c.table), quoted(c.id.name), quoted(c.version.name));
    // SQLite has no boolean or JSON values of its own: the declared type
    // says how a column reads back into JSON.
    let declared_type =
        |col: &Column| Columns::declared(declared, col.name).map_or("", |d| d.ty.as_str());
    let value = |col: &Column| {
        let ty = declared_type(col);
        let name = quoted(col.name);
        if ty.contains("bool") {
            format!(
                "CASE WHEN {name} IS NULL THEN NULL WHEN {name} THEN json('true') ELSE json('false') END"
            )
        } else if ty.contains("json") {
            format!("json({name})")
        } else {
            name
        }
    };
    let body = c
        .all()
        .map(|col| format!("'{}', {}", col.wire, value(col)))
        .collect::<Vec<_>>()
        .join(", ");
    let select = format!(
        "SELECT json_object({body}) AS body, CAST({v} AS INTEGER) AS version, {STAMPS} AS stamps FROM {t}"
    );
    let field = |col: &Column| format!("json_extract($1, '$.\"{}\"')", col.wire);
    // A JSON column keeps the value as JSON text (`->`), even a string,
    // which `json_extract` would unwrap.
    let written = |col: &Column| {
        if declared_type(col).contains("json") {
            format!("$1 -> '$.\"{}\"'", col.wire)
        } else {
            field(col)
        }
    };
    let w = c.writes(written);
    let dialect = Dialect {
        select,
        version: format!("CAST({v} AS INTEGER)"),
        id_param: "json_extract($1, '$')".to_owned(),
        insert_values: format!("VALUES ({})", w.values),
        update_where: format!("WHERE {t}.{id} = {}", field(&c.id)),
        begin: "BEGIN IMMEDIATE",
        // BEGIN IMMEDIATE takes the database's one write lock already.
        lock: None,
        precheck: true,
        bounded_claims: false,
        numbered: declared_type(&c.id).contains("int"),
    };
    Statements::build(c, &w, dialect)
}
