//! The resource model: the `Versioned` trait the derive implements, field
//! sets and stamps, stored states, conflicts between two states, and
//! merge patches (RFC 7396) onto a typed resource.

mod conflict;
mod fields;
mod patch;
mod revision;
mod stored;
mod versioned;

pub use conflict::{Basis, Conflict, FieldConflict, redacted_representation};
pub use fields::{Field, FieldSet, MergeKind, Stamps};
pub use patch::{MERGE_PATCH_JSON, ResourcePatch, apply_merge_patch, body_version};
pub use revision::Revision;
pub use stored::Stored;
pub use versioned::Versioned;
