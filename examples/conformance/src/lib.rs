//! What every example service must do, checked from outside: the real
//! binary on a random port, over HTTP, against a fresh SQLite file or a
//! fresh PostgreSQL database. A service describes its resource in a
//! [`Subject`]; the suites are written once, and so are the test
//! functions that run them ([`http_tests!`], [`fault_tests!`],
//! [`each_backend!`]).

// A test harness: its helpers assert, and their results are for asserting.
#![allow(clippy::missing_panics_doc, clippy::must_use_candidate)]

pub mod bad_input;
pub mod command_line;
pub mod faults;
pub mod keys;
pub mod retry;
pub mod secrets;
mod service;
mod subject;
pub mod suite;
mod tests;

pub use service::{Api, BACKENDS, Backend, Reply, Service, fresh_database};
pub use subject::Subject;
