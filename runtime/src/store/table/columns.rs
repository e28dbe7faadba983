//! Which column holds which field, and the check that a table has them.

use crate::problem::StoreError;
use crate::resource::Versioned;

use super::STAMPS;
use crate::store::sql_parts::{plain, store_error};

/// One field's column.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The field's name in the resource's JSON.
    pub wire: &'static str,
    /// The column's name.
    pub name: &'static str,
}

/// A column as the table declares it.
#[derive(Debug)]
pub struct Declared {
    pub name: String,
    /// Its declared type, lower case (`integer`, `boolean`, `jsonb` …).
    pub ty: String,
}

/// The columns of a resource type in one table.
#[derive(Debug)]
pub struct Columns {
    pub table: String,
    pub id: Column,
    pub version: Column,
    /// The compared fields: written by every write.
    pub written: Vec<Column>,
    /// The `skip` fields: the database's, read only.
    pub read_only: Vec<Column>,
}

/// The column of the field `wire` of `T`.
pub fn column_of<T: Versioned>(wire: &'static str) -> &'static str {
    T::COLUMNS
        .iter()
        .find(|(w, _)| *w == wire)
        .map_or(wire, |(_, column)| *column)
}

impl Columns {
    /// The columns of `T` in `table`.
    pub fn of<T: Versioned>(table: &str) -> Result<Columns, StoreError> {
        if !plain(table) {
            return Err(store_error(format!(
                "`{table}` is not a plain SQL table name"
            )));
        }
        let column = |wire: &'static str| Column {
            wire,
            name: column_of::<T>(wire),
        };
        let columns = Columns {
            table: table.to_owned(),
            id: column(T::ID_FIELD),
            version: column(T::VERSION_FIELD),
            written: T::FIELDS.iter().map(|f| column(f.name)).collect(),
            read_only: T::SKIPPED.iter().map(|&wire| column(wire)).collect(),
        };
        for c in columns.all() {
            // Wire names become JSON keys inside SQL string literals.
            if c.wire.contains(['\'', '"', '\\']) || c.wire.chars().any(char::is_control) {
                return Err(store_error(format!(
                    "the field `{}` has quotes in its name, which a table store cannot map",
                    c.wire
                )));
            }
            if !plain(c.name) {
                return Err(store_error(format!(
                    "`{}` is not a plain SQL column name: rename it with #[versioned(column = \"..\")]",
                    c.name
                )));
            }
        }
        Ok(columns)
    }

    /// Every column the resource names: id, version, written, read-only.
    pub fn all(&self) -> impl Iterator<Item = &Column> {
        [&self.id, &self.version]
            .into_iter()
            .chain(&self.written)
            .chain(&self.read_only)
    }

    /// How the table declares `column` (names compare case-blind, as
    /// unquoted SQL names do).
    pub fn declared<'d>(declared: &'d [Declared], column: &str) -> Option<&'d Declared> {
        declared
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(column))
    }

    /// Every column the resource needs is in `declared`.
    pub fn check(&self, declared: &[Declared], migration: &str) -> Result<(), StoreError> {
        if declared.is_empty() {
            return Err(store_error(format!("there is no table `{}`", self.table)));
        }
        let missing: Vec<&str> = self
            .all()
            .map(|c| c.name)
            .chain([STAMPS])
            .filter(|name| Self::declared(declared, name).is_none())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let versioning = [self.version.name, STAMPS];
        let hint = if missing.iter().all(|m| versioning.contains(m)) {
            format!("; a migration adds them:\n{migration}")
        } else {
            String::new()
        };
        Err(store_error(format!(
            "the table `{}` has no column {}{hint}",
            self.table,
            missing
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

/// A name quoted as an SQL identifier (a plain one: nothing to escape).
pub fn quoted(name: &str) -> String {
    format!("\"{name}\"")
}

/// The parts of the insert and update statements, in either dialect.
pub struct Writes {
    /// `"id", "version", "title", optimist_stamps`
    pub columns: String,
    /// The values of [`Writes::columns`], in order.
    pub values: String,
    /// `"title" = …, "version" = $2, optimist_stamps = $3`
    pub set: String,
}

impl Columns {
    /// What a write sets: the id (inserts only), the version (`$2`), each
    /// written field as `value` reads it from the JSON, and the stamps
    /// (`$3`). Read-only columns are never written.
    pub fn writes(&self, value: impl Fn(&Column) -> String) -> Writes {
        let fields = || self.written.iter();
        let join = |items: Vec<String>| items.join(", ");
        let columns = [quoted(self.id.name), quoted(self.version.name)]
            .into_iter()
            .chain(fields().map(|c| quoted(c.name)))
            .chain([STAMPS.to_owned()]);
        let values = [value(&self.id), "$2".to_owned()]
            .into_iter()
            .chain(fields().map(&value))
            .chain(["$3".to_owned()]);
        let set = fields()
            .map(|c| format!("{} = {}", quoted(c.name), value(c)))
            .chain([
                format!("{} = $2", quoted(self.version.name)),
                format!("{STAMPS} = $3"),
            ]);
        Writes {
            columns: join(columns.collect()),
            values: join(values.collect()),
            set: join(set.collect()),
        }
    }
}
