//! The docs service as the shared black-box suites see it.

#![allow(dead_code, unused_imports)] // each test binary uses its own part

pub use optimist_conformance::{Api, Backend, Reply, Service, Subject, fresh_database};

/// The docs service and its resource.
pub const DOCS: Subject = Subject::docs(
    env!("CARGO_BIN_EXE_docs"),
    optimist_example_docs::BODY_LIMIT,
);
