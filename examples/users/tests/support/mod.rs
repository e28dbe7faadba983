//! The users service as the shared black-box suites see it.

#![allow(dead_code, unused_imports)] // each test binary uses its own part

pub use optimist_conformance::{Api, BACKENDS, Backend, Reply, Service, Subject, fresh_database};
use serde_json::Value;

/// The users service and its resource.
pub const USERS: Subject = Subject::users(
    env!("CARGO_BIN_EXE_users"),
    optimist_example_users::BODY_LIMIT,
);

/// A create body for user `id`.
pub fn user(id: u64, name: &str) -> Value {
    USERS.new_body(id, name)
}
