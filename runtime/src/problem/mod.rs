//! Problem details (RFC 9457): the problem types optimist answers with,
//! the [`Problem`] body they share on the wire (rendered by the server,
//! described by the OpenAPI schemas, parsed by the client), and the
//! rendering of an [`Error`] as a response.
//!
//! Each problem's `type` URI points at its heading below.
//!
//! Every problem body has `type`, `title`, `status` and `detail`, and
//! `instance` where the service knows the request's path. 409 and 412
//! responses carry the current `ETag` header (all but
//! `idempotency-key-in-flight`, which names no version).
//!
//! # Concurrency answers
//!
//! What the rules of conditional requests decide (RFC 9110 §13): the
//! answers a conflict-aware client acts on.
//!
//! ## edit-conflict
//! Status 409. A write based on an old version changes fields that were changed
//! since. Extension members: `resource`, `id`, `yourVersion`,
//! `currentVersion`, `conflicts` (`field`, `yours`, `current`,
//! `changedIn`; or `field`, `redacted: true`, `changedIn` for a sensitive
//! field) and `current` (the current representation without sensitive
//! fields). Merge your change into `current` and retry with
//! `currentVersion`.
//!
//! ## already-exists
//! Status 409. A create for an id that exists. Members `resource` and `id`.
//!
//! ## version-ahead
//! Status 409, with the current `ETag`. The body names a version the
//! resource has not reached: the client holds a representation this
//! service never issued for it (from another resource, or from before a
//! restore). Re-read and retry.
//!
//! ## state-conflict
//! Status 409. The request is well-formed but cannot apply to the
//! resource's current state: a create by PUT (`If-None-Match: *`) without
//! a field that only a replacement of an existing resource may leave out,
//! say. The detail names what is missing.
//!
//! ## version-exhausted
//! Status 409. The version field's type cannot count higher: the resource can no
//! longer be written.
//!
//! ## precondition-failed
//! Status 412. `If-Match` names another state, or `If-None-Match` names the
//! current one (or is `*` for a resource that exists). Re-read and retry.
//!
//! ## precondition-required
//! Status 428. The write carried neither `If-Match` nor a version in the body.
//!
//! ## not-modified
//! 304, never sent as a body.
//!
//! ## not-found
//! Status 404. No resource with that id.
//!
//! # Request problems
//!
//! Requests that cannot be read or served, whatever the resource's state.
//!
//! ## bad-precondition-header
//! Status 400 (malformed) or 431 (too many tags or bytes) for `If-Match` or
//! `If-None-Match`.
//!
//! ## bad-request
//! Status 400. Content that is not JSON, or a path that names no valid id.
//!
//! ## invalid-content
//! Status 422. JSON of the wrong shape, type or value, or a version the server
//! never issued.
//!
//! ## unsupported-media-type
//! Status 415. A body of another media type than the route accepts.
//!
//! ## payload-too-large
//! Status 413. A body larger than the service accepts.
//!
//! ## request-timeout
//! Status 408. The client did not send the whole body in the time the
//! service allows; nothing was read or written. The connection is closed.
//!
//! ## no-route
//! Status 404. No route matches the path.
//!
//! ## method-not-allowed
//! Status 405. The route does not support the method.
//!
//! # Idempotency keys
//!
//! Refusals of a write that carries an `Idempotency-Key`
//! (draft-ietf-httpapi-idempotency-key-header); the guide
//! `optimist::guide::idempotency` tells when to send one.
//!
//! ## bad-idempotency-key
//! Status 400. The `Idempotency-Key` is not a structured-field string
//! (RFC 9651 §3.3.3) of 1 to 255 printable ASCII characters, or was sent
//! twice. Nothing was written.
//!
//! ## idempotency-key-required
//! Status 400. The route makes every write carry an `Idempotency-Key`, and
//! this one carried none. Send a fresh key (a UUID) per write, and the same
//! key on each retry of it.
//!
//! ## idempotency-key-reused
//! Status 422. The key was used before with another request (another
//! method, target, precondition or body). Nothing was written: a new write
//! needs a fresh key.
//!
//! ## idempotency-key-in-flight
//! Status 409. The first request with this key has not finished yet.
//! Retry it later: it then gets the first request's answer.
//!
//! # The store
//!
//! ## unavailable
//! Status 503 with `Retry-After`. The store did not answer; nothing was written.

mod error;
mod render;
mod types;
mod wire;

pub use error::{Error, StoreError, StoreFailure, Violation};
pub use render::PROBLEM_JSON;
pub use types::ProblemType;
pub use wire::Problem;
