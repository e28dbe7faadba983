//! The statements of a table store in PostgreSQL's dialect: rows become
//! JSON with `json_build_object`, and JSON becomes a typed row with
//! `jsonb_populate_record`, so every column type converts as PostgreSQL
//! itself converts it.

use sqlx::PgPool;

use super::columns::{Columns, Declared, quoted};
use super::{Dialect, STAMPS, Statements, store_error};
use crate::problem::StoreError;

/// Reads the table's columns, checks them and builds the statements.
pub async fn prepare(
    pool: &PgPool,
    columns: &Columns,
    migration: &str,
) -> Result<Statements, StoreError> {
    let declared: Vec<(String, String)> = sqlx::query_as(
        "SELECT a.attname::text, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
         WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped",
    )
    .bind(quoted(&columns.table))
    .fetch_all(pool)
    .await
    .map_err(store_error)?;
    let declared: Vec<Declared> = declared
        .into_iter()
        .map(|(name, ty)| Declared { name, ty })
        .collect();
    columns.check(&declared, migration)?;
    // Quoted names are exact in PostgreSQL: a column made as `"Title"`
    // is not the field `title`'s.
    for column in columns.all() {
        if !declared.iter().any(|d| d.name == column.name) {
            return Err(store_error(format!(
                "the table `{}` names the column `{}` in other letter case; name the field's \
                 column exactly with #[versioned(column = \"..\")]",
                columns.table, column.name
            )));
        }
    }
    let numbered = Columns::declared(&declared, columns.id.name)
        .is_some_and(|d| matches!(d.ty.as_str(), "bigint" | "integer" | "smallint"));
    Ok(statements(columns, numbered))
}

/// `json_build_object(pairs)`, in calls of at most 50 pairs joined as
/// `jsonb` (a function takes at most 100 arguments).
fn object(pairs: &[String]) -> String {
    pairs
        .chunks(50)
        .map(|chunk| format!("jsonb_build_object({})", chunk.join(", ")))
        .collect::<Vec<_>>()
        .join(" || ")
}

fn statements(c: &Columns, numbered: bool) -> Statements {
    let (t, id, v) = (quoted(&c.table), quoted(c.id.name), quoted(c.version.name));
    let body: Vec<String> = c
        .all()
        .map(|col| format!("'{}', {}", col.wire, quoted(col.name)))
        .collect();
    let select = format!(
        "SELECT ({})::text AS body, {v}::bigint AS version, {STAMPS} AS stamps FROM {t}",
        object(&body)
    );
    // The resource's JSON (keyed by wire name) as a row of the table.
    let renamed: Vec<String> = [&c.id]
        .into_iter()
        .chain(&c.written)
        .map(|col| format!("'{}', $1::jsonb -> '{}'", col.name, col.wire))
        .collect();
    let record = format!(
        "jsonb_populate_record(NULL::{t}, {}) AS r",
        object(&renamed)
    );
    let id_param = format!(
        "(jsonb_populate_record(NULL::{t}, jsonb_build_object('{}', $1::jsonb))).{id}",
        c.id.name
    );
    let w = c.writes(|col| format!("r.{}", quoted(col.name)));
    let dialect = Dialect {
        select,
        version: format!("{v}::bigint"),
        id_param,
        insert_values: format!("SELECT {} FROM {record}", w.values),
        update_where: format!("FROM {record} WHERE {t}.{id} = r.{id}"),
        begin: "BEGIN",
        lock: Some("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))"),
        // A row lock holds up writers of that row only.
        precheck: false,
        bounded_claims: true,
        numbered,
    };
    Statements::build(c, &w, dialect)
}
