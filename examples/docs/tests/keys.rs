//! `Idempotency-Key` against the wiki, on SQLite and PostgreSQL: retries
//! replay, reuse is 422, keys expire, racing duplicates (on one process
//! and on three) create one document, and neither a lost answer nor
//! SIGKILL doubles or loses a keyed create.

mod support;

optimist_conformance::key_tests!(support::DOCS);
