//! Every route of the users API and the whole conditional matrix, black-box
//! over HTTP (the suite every example service passes), and the secrets
//! check over every error path, against SQLite and PostgreSQL.

mod support;

optimist_conformance::http_tests!(support::USERS);
