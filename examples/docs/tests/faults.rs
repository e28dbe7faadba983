//! Faults against the docs service, on SQLite and PostgreSQL: slow
//! clients, clients that go away mid-request, and the database going away
//! in the middle of a write load (PostgreSQL stopped; the SQLite file
//! locked by another process).

mod support;

optimist_conformance::fault_tests!(support::DOCS);
