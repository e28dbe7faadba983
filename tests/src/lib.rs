//! A user crate under the strictest lints: the derive must add no warning
//! here (clippy runs on this crate in CI with `-D warnings`).
#![deny(warnings, missing_docs, clippy::pedantic)]
#![forbid(unsafe_code)]

use optimist::Versioned;
use serde::{Deserialize, Serialize};

/// A user, as the users example stores it.
#[derive(Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// The id.
    pub id: u64,
    /// The version.
    pub version: u32,
    /// The display name.
    pub display_name: String,
    /// The email address.
    pub email: String,
    /// The password: compared, never shown.
    #[versioned(sensitive)]
    pub password: String,
    /// A cache: not part of conflicts.
    #[versioned(skip)]
    #[serde(skip)]
    pub cache: Option<String>,
}

/// A generic document with a borrowed title and a const-generic buffer.
#[derive(Versioned, Serialize)]
#[versioned(resource = "Document")]
pub struct Doc<'a, T, const N: usize>
where
    T: Clone,
{
    /// The id.
    #[versioned(id)]
    pub key: &'a str,
    /// The version.
    #[versioned(version)]
    pub revision: optimist::Version,
    /// The body.
    pub body: T,
    /// The title.
    pub title: &'a str,
    /// Scratch space, not compared.
    #[versioned(skip)]
    #[serde(skip)]
    pub scratch: [u8; N],
}

/// A struct with raw identifiers and a field under `#[cfg]`.
#[derive(Versioned, Serialize)]
pub struct Raw {
    /// The id.
    pub r#id: i64,
    /// The version.
    pub r#version: i64,
    /// A keyword-named field.
    pub r#type: String,
    /// Present only with debug assertions.
    #[cfg(debug_assertions)]
    pub debug_note: String,
}

/// A resource with no compared field at all.
#[derive(Versioned, Serialize)]
pub struct Bare {
    /// The id.
    pub id: u64,
    /// The version.
    pub version: u64,
}
