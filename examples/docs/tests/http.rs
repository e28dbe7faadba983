//! The conditional suite every example service passes (reads, conditional writes, merges) and
//! the secrets check over every error path, black-box over HTTP, against
//! SQLite and PostgreSQL.

mod support;

optimist_conformance::http_tests!(support::DOCS);
