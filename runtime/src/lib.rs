//! # optimist
//!
//! Optimistic concurrency control for HTTP resources: every resource
//! carries a version, reads hand out an `ETag`, writes say which version
//! they were based on, and a stale write is refused with `409 Conflict`
//! (or `412 Precondition Failed`) and a body that says exactly which
//! fields changed — or, for a merge patch that touches none of them, is
//! merged and applied; with revision history, stale writes merge three
//! ways, inside fields.
//!
//! ```
//! use optimist::{Collection, MemoryStore, Preconditions, ResourcePatch, Versioned};
//!
//! #[derive(Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
//! struct User {
//!     id: u64,
//!     version: u32,
//!     name: String,
//!     email: String,
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let users = Collection::new(MemoryStore::<User>::new(), "/users");
//! let john = User { id: 123, version: 0, name: "John".into(), email: "j@x.org".into() };
//! users.create::<User>(john).await?;
//!
//! // Alice and Bob both read version 1. Alice changes the email…
//! let pre = Preconditions::default();
//! let patch = |json| ResourcePatch::<User>::new(json).unwrap();
//! let alice = patch(serde_json::json!({"version": 1, "email": "b@x.org"}));
//! users.patch::<User>(&123, &pre, &alice).await?;
//!
//! // …Bob's stale patch of the name does not overlap: it is merged.
//! let bob = patch(serde_json::json!({"version": 1, "name": "John Smith"}));
//! users.patch::<User>(&123, &pre, &bob).await?;
//! let merged = users.read(&123, &pre).await?;
//! assert_eq!((merged.value().name.as_str(), merged.value().email.as_str()), ("John Smith", "b@x.org"));
//!
//! // Carol's stale patch of the email overlaps Alice's: 409, nothing written.
//! let carol = patch(serde_json::json!({"version": 1, "email": "c@x.org"}));
//! let err = users.patch::<User>(&123, &pre, &carol).await.unwrap_err();
//! assert_eq!(err.to_string(), "User 123 changed since version 1: email");
//! # Ok::<(), optimist::Error>(()) }).unwrap();
//! ```
//!
//! In a handler, each of these is the whole body: [`Collection::put`]
//! and [`Collection::patch`] answer with the response (200, or 201 with
//! `Location`, the `ETag` and `Cache-Control`), and every refusal is an
//! [`Error`] that renders as an RFC 9457 problem.
//!
//! The pieces, bottom up: [`Version`] and [`VersionTag`]; [`Preconditions`]
//! parsed from headers and evaluated per RFC 9110 §13.2.2; the
//! [`Versioned`] trait and its derive; [`Stored`] resources with field
//! [`Stamps`] in a [`Store`]; the rules of reads and writes in [`read`],
//! [`create`], [`put`], [`patch`] and [`delete`], served to handlers by
//! [`Collection`]; and one [`Error`] type that renders
//! RFC 9457 problem responses. See [`problem`] for every problem type.
//!
//! A resource that keeps revision history (`#[versioned(history = 20)]`)
//! goes further: a stale write is merged three ways with the state at its
//! base, field by field, so two people editing different paragraphs of a
//! text (`#[versioned(text)]`), liking a post at once
//! (`#[versioned(counter)]`) or adding different tags (`#[versioned(set)]`)
//! both land, and fields declared together (`#[versioned(group = "..")]`)
//! never mix two writers' values; see [`merge`].
//!
//! A write that carries an `Idempotency-Key` happens once, however often
//! a client whose answer was lost sends it again: its answer is stored in
//! the write's own transaction and given back to each retry
//! ([`Collection::keyed`], [`Idempotency`]; the guide
//! `guide::idempotency` tells when a key, `If-Match` or the "already
//! applied" policy is the right tool).
//!
//! [`semantics`] states every rule, with the RFC sections it comes from.
//!
//! New here? The guides (`guide::axum`, `guide::actix_web`, built with the
//! `axum` and `actix-web` features as on docs.rs) walk a handler that loses
//! updates to a conflict-aware one; `guide::tables` takes an application's
//! own table and transactions there, as JPA's `@Version` or Rails'
//! `lock_version` do; `guide::idempotency` makes retries after lost
//! answers exact.
//!
//! ## Features
//!
//! | feature | what it adds |
//! |---|---|
//! | `derive` (default) | `#[derive(Versioned)]` |
//! | `axum` | `IntoResponse` for every error, extractors that reject with problem+json, `Tagged` as a response |
//! | `actix-web` | the same for actix-web: `ResponseError`, `FromRequest`, `Responder` |
//! | `sqlite`, `postgres` | `store::TableStore` on the application's own table and sqlx pool, in its transactions; `store::SqlStore`, resources as JSON documents |
//! | `utoipa` | OpenAPI schemas of the problems and responses (`openapi`) |
//! | `reqwest` | `client::update`: read, change, write, retry on 409/412, resend a lost write with its `Idempotency-Key` |
//! | `test-util` | `store::contract`: the store contract as a test suite, for stores of other crates |
//!
//! The framework modules are thin: request bodies are read by [`content`],
//! responses built by [`Tagged`] and [`Error::to_response`], whatever the
//! framework.

#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// The layers, bottom up; every public item is re-exported here.
mod http;
mod integrations;
pub mod merge;
pub mod problem;
mod resource;
mod rules;
pub mod store;

/// Guides: from a handler that loses updates to a conflict-aware one, and
/// from an application's own table to a conflict-aware one.
pub mod guide {
    #[cfg(all(feature = "axum", feature = "actix-web"))]
    #[doc = include_str!("../guide/axum.md")]
    pub mod axum {}
    #[cfg(all(feature = "axum", feature = "actix-web"))]
    #[doc = include_str!("../guide/actix_web.md")]
    pub mod actix_web {}
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    #[doc = include_str!("../guide/tables.md")]
    pub mod tables {}
    #[cfg(all(feature = "axum", feature = "reqwest"))]
    #[doc = include_str!("../guide/idempotency.md")]
    pub mod idempotency {}
}
#[doc = include_str!("../guide/semantics.md")]
pub mod semantics {}

pub use http::{
    Caching, EntityTag, Evaluation, HeaderError, IDEMPOTENCY_KEY, Idempotency, MAX_HEADER_BYTES,
    MAX_KEY_LEN, MAX_TAGS, Preconditions, TagError, Version, VersionOverflow, VersionRepr,
    VersionTag,
};
#[cfg(feature = "actix-web")]
pub use integrations::actix_web;
#[cfg(feature = "axum")]
pub use integrations::axum;
#[cfg(feature = "reqwest")]
pub use integrations::client;
#[cfg(feature = "utoipa")]
pub use integrations::openapi;
pub use merge::merge_text;
pub use problem::{Error, PROBLEM_JSON, StoreError, StoreFailure, Violation};
pub use resource::{
    Basis, Conflict, Field, FieldConflict, FieldSet, MERGE_PATCH_JSON, MergeKind, ResourcePatch,
    Revision, Stamps, Stored, Versioned, apply_merge_patch, body_version, redacted_representation,
};
pub use rules::ops::{Outcome, Written, create, delete, patch, put, read};
pub use rules::{
    Collection, Creation, Keyed, Listed, NoContent, PageRequest, Policy, Receipt, Replacement,
    Tagged, View, content, kept, ops,
};
pub use store::{MemoryStore, Slot, Store};

/// `#[derive(Versioned)]`: see the [`Versioned`] trait.
#[cfg(feature = "derive")]
pub use optimist_macros::Versioned;

/// What generated code uses. Not public API: no stability promise.
#[doc(hidden)]
pub mod __private {
    pub use crate::http::{Version, VersionOverflow, VersionRepr};
    pub use crate::merge::{Counter, SetField, Text, ThreeWay};
    pub use crate::resource::{Field, FieldSet, MergeKind, Revision, Versioned};
    pub use core::clone::Clone;
    pub use core::option::Option;
    pub use core::result::Result;
    pub use serde::Serialize;
    pub use serde::de::DeserializeOwned;

    /// The version in a version field. Through `T`'s `VersionField`, so
    /// that a wrong field type is reported once, at the field.
    #[inline]
    pub fn version_of<T: Versioned>(field: &T::VersionField) -> Option<Version> {
        VersionRepr::to_version(*field)
    }

    /// Stores `version` in `T`'s version field; one call, so that each
    /// derived `set_version` is one statement.
    ///
    /// # Errors
    /// Where the field's type cannot hold it (the field is left as it was).
    #[inline]
    pub fn set_version_field<T: Versioned>(
        field: &mut T::VersionField,
        version: Version,
    ) -> Result<(), VersionOverflow> {
        *field = VersionRepr::from_version(version)?;
        Ok(())
    }

    /// `a != b` for a field whose value a conflict may show, called at
    /// the field's type so a missing `PartialEq` or `Serialize` is
    /// reported there.
    #[inline]
    pub fn field_ne<T: ?Sized + PartialEq + serde::Serialize>(a: &T, b: &T) -> bool {
        a != b
    }

    /// Sets `field` to its value in `revision`, where it is kept; `None`
    /// where the kept value does not read as the field's type.
    #[inline]
    pub fn field_at<F: serde::de::DeserializeOwned>(
        field: &mut F,
        revision: &Revision,
        name: &str,
    ) -> Option<()> {
        if let Some(kept) = revision.get(name) {
            *field = F::deserialize(kept).ok()?;
        }
        Some(())
    }

    /// `a != b` for a sensitive field: its value is never shown, so it
    /// needs no `Serialize`.
    #[inline]
    pub fn sensitive_ne<T: ?Sized + PartialEq>(a: &T, b: &T) -> bool {
        a != b
    }
}
