//! HTTP primitives, knowing nothing of resources: versions, entity tags,
//! the precondition headers and their evaluation (RFC 9110 §8.8, §13),
//! and what tagged responses tell caches (RFC 9111).

mod caching;
mod etag;
mod idempotency;
mod precondition;
mod version;

pub use caching::Caching;
pub use etag::{EntityTag, MAX_HEADER_BYTES, MAX_TAGS, TagError, VersionTag};
pub(crate) use idempotency::hex;
pub use idempotency::{IDEMPOTENCY_KEY, Idempotency, MAX_KEY_LEN};
pub use precondition::{Evaluation, HeaderError, Preconditions};
pub use version::{Version, VersionOverflow, VersionRepr};
