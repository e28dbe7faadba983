//! The rules of conditional reads and writes (RFC 9110 §13) over any
//! [`Store`]: reads, creates, writes and deletes, each decided against the
//! current state and committed with one compare-and-swap. A lost race is
//! re-decided against the new state.

use core::fmt;

use http::Method;
use serde::Serialize;

use crate::http::{Evaluation, Preconditions, Version, VersionTag};
use crate::merge::ThreeWay;
use crate::problem::{Error, StoreError};
use crate::resource::{
    Basis, Conflict, FieldSet, MergeKind, Revision, Stored, Versioned, redacted_representation,
};
use crate::rules::Policy;
use crate::store::{Slot, Store};

/// How often a write is re-decided after losing a compare-and-swap race
/// before the service answers 503. Conditional writes end sooner: the
/// second decision sees the new version and answers 409 or 412.
pub const MAX_ATTEMPTS: usize = 64;

/// The kind of a write, which decides whether a stale write may merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A full replacement: a stale one is 409, unless the resource's
    /// history holds its base (then it is merged three ways).
    Put,
    /// A merge patch: a stale one that touches no conflicting field merges.
    Patch,
}

/// One write request: its kind, preconditions, policy and body version.
#[derive(Debug, Clone, Copy)]
struct Request<'a> {
    kind: Kind,
    pre: &'a Preconditions,
    policy: &'a Policy,
    base: Option<Version>,
}

/// What a successful write did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new resource (201).
    Created,
    /// A new version (200).
    Updated,
    /// Nothing to change: the state already was the requested one (200,
    /// no new version).
    Unchanged,
}

/// The state after a successful write, and what the write did.
#[derive(Debug, Clone)]
pub struct Written<T> {
    /// The state now stored.
    pub stored: Stored<T>,
    /// What the write did.
    pub outcome: Outcome,
}

impl<T: Versioned> Written<T> {
    /// The fields this write changed: every field of a create, none of a
    /// write that changed nothing (read from the stamps: a field changed
    /// now carries the new version).
    ///
    /// ```
    /// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
    /// # struct Note { id: u64, version: u64, title: String, text: String }
    /// use optimist::{MemoryStore, Policy, Preconditions};
    /// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
    /// let store = MemoryStore::<Note>::new();
    /// optimist::create(&store, Note { id: 1, version: 0, title: "a".into(), text: "b".into() }).await?;
    /// let edit = |n: Option<&Note>| Ok(Note { text: "c".into(), ..n.unwrap().clone() });
    /// let pre = Preconditions::default();
    /// let policy = Policy::DEFAULT.require_precondition(false);
    /// let written = optimist::put(&store, &1, &pre, &policy, None, edit).await?;
    /// assert_eq!(written.changed().collect::<Vec<_>>(), ["text"]);
    /// # Ok::<(), optimist::Error>(()) }).unwrap();
    /// ```
    pub fn changed(&self) -> impl Iterator<Item = &'static str> + '_ {
        let version = self.stored.version();
        T::FIELDS
            .iter()
            .enumerate()
            .filter(move |(i, _)| match self.outcome {
                Outcome::Created => true,
                Outcome::Unchanged => false,
                Outcome::Updated => self.stored.stamps().get(*i) == Some(version),
            })
            .map(|(_, field)| field.name)
    }
}

fn exhausted<T>(current: &Stored<T>) -> impl FnOnce(crate::http::VersionOverflow) -> Error {
    let current = current.version();
    move |_| Error::VersionExhausted { current }
}

/// 409 for a re-create whose next version does not fit the version field.
fn used_up(after: Option<Version>) -> Error {
    Error::VersionExhausted {
        current: after.unwrap_or(Version::FIRST),
    }
}

fn contention() -> Error {
    Error::Unavailable(StoreError::new(format!(
        "lost {MAX_ATTEMPTS} compare-and-swap races in a row"
    )))
}

/// GET or HEAD: the resource, or 404, 304 or 412. The 304 carries the
/// policy's [`Caching`](crate::Caching), as the 200 does (RFC 9110
/// §15.4.5); GET and HEAD are decided alike, so the method is not needed.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::{Error, MemoryStore, Policy, Preconditions};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// let err = optimist::read(&store, &1, &Preconditions::default(), &Policy::DEFAULT).await.unwrap_err();
/// assert_eq!(err.status(), 404);
/// # });
/// ```
pub async fn read<T, S>(
    store: &S,
    id: &T::Id,
    pre: &Preconditions,
    policy: &Policy,
) -> Result<Stored<T>, Error>
where
    T: Versioned,
    T::Id: fmt::Display,
    S: Store<T>,
{
    // A conditional read is first decided from the version alone: a 304
    // or 412 never loads (or deserialises) the resource.
    if pre.has_if_none_match() || pre.has_if_match() {
        let Some(version) = store.live_version(id).await? else {
            return Err(Error::not_found(T::RESOURCE, id));
        };
        decide_read(pre, version, policy)?;
    }
    // The resource may have changed since: decided again on what is loaded.
    let Some(Slot::Live(current)) = store.load(id).await? else {
        return Err(Error::not_found(T::RESOURCE, id));
    };
    decide_read(pre, current.version(), policy)?;
    Ok(current)
}

/// The read rules (RFC 9110 §13.2.2) at `version`: go on, 304 or 412.
fn decide_read(pre: &Preconditions, version: Version, policy: &Policy) -> Result<(), Error> {
    match pre.evaluate(&Method::GET, Some(version)) {
        Evaluation::Proceed => Ok(()),
        Evaluation::NotModified => Err(Error::NotModified {
            etag: VersionTag::from_version(version),
            caching: policy.cache(),
        }),
        Evaluation::IfMatchFailed | Evaluation::IfNoneMatchFailed => {
            Err(Error::PreconditionFailed {
                current: Some(version),
            })
        }
    }
}

/// POST to a collection: creates `value` at its id, at version 1 (or the
/// version after the one it was deleted at). 409 where the id exists.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::MemoryStore;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// let note = optimist::create(&store, Note { id: 123, version: 0, text: "hi".into() }).await?;
/// assert_eq!(note.version().get(), 1);
/// let again = optimist::create(&store, Note { id: 123, version: 0, text: "hi".into() }).await.unwrap_err();
/// assert_eq!(again.to_string(), "Note with ID 123 already exists");
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
pub async fn create<T, S>(store: &S, mut value: T) -> Result<Stored<T>, Error>
where
    T: Versioned,
    T::Id: Serialize + fmt::Display,
    S: Store<T>,
{
    for _ in 0..MAX_ATTEMPTS {
        let after = match store.load(value.id()).await? {
            Some(Slot::Live(current)) => {
                return Err(Error::already_exists(
                    T::RESOURCE,
                    value.id(),
                    Some(current.version()),
                ));
            }
            slot => deleted_at(slot.as_ref()),
        };
        match insert_fresh(store, value, after).await? {
            Ok(record) => return Ok(record),
            Err(lost) => value = lost,
        }
    }
    Err(contention())
}

/// Creates a resource at the next id of the store's sequence
/// ([`Store::next_id`]): `number` makes the resource at that id (and may
/// refuse it). An id a client already took by naming it is skipped, so
/// `number` may run more than once.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::MemoryStore;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// optimist::create(&store, Note { id: 1, version: 0, text: "named".into() }).await?;
/// let numbered = |id| Ok(Note { id, version: 0, text: "numbered".into() });
/// let created = optimist::ops::create_next(&store, numbered).await?;
/// assert_eq!(created.value().id, 2);
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
pub async fn create_next<T, S>(
    store: &S,
    number: impl Fn(u64) -> Result<T, Error>,
) -> Result<Stored<T>, Error>
where
    T: Versioned,
    T::Id: Serialize + fmt::Display,
    S: Store<T>,
{
    for _ in 0..MAX_ATTEMPTS {
        let numbered = number(store.next_id().await?)?;
        match create(store, numbered).await {
            Err(Error::AlreadyExists { .. }) => {}
            done => return done,
        }
    }
    Err(Error::Unavailable(StoreError::new(
        "no free id in the store's sequence",
    )))
}

/// The version a resource was deleted at, where it was.
fn deleted_at<T>(slot: Option<&Slot<T>>) -> Option<Version> {
    match slot {
        Some(Slot::Deleted(version)) => Some(*version),
        _ => None,
    }
}

/// Stores `value` as a new resource at the first version never used for
/// its id (after `after`, where it was deleted). `Err(value)` when a
/// concurrent write took the id first.
async fn insert_fresh<T: Versioned, S: Store<T>>(
    store: &S,
    value: T,
    after: Option<Version>,
) -> Result<Result<Stored<T>, T>, Error> {
    let record = after
        .map_or(Ok(Version::FIRST), Version::next)
        .and_then(|v| Stored::created(value, v))
        .map_err(|_| used_up(after))?;
    Ok(if store.insert(&record, after).await? {
        Ok(record)
    } else {
        Err(record.into_value())
    })
}

/// PUT: replaces the resource at `id` with what `edit` builds from the
/// current state (`None` when `If-None-Match: *` creates it). `base` is the
/// version the body says the client read. A stale replacement is 409,
/// listing the fields changed since `base`; for a resource with history
/// whose store still holds `base`, it is merged three ways instead
/// ([`crate::merge`]). `edit` may run more than once
/// if a concurrent write wins.
///
/// [`Collection::put`](crate::Collection::put) is this with the response
/// built; call it directly to do more with the [`Written`] value.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::{MemoryStore, Policy, Preconditions, Version};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// optimist::create(&store, Note { id: 1, version: 0, text: "a".into() }).await?;
/// let (pre, policy) = (Preconditions::default(), Policy::default());
/// let edit = |_: Option<&Note>| Ok(Note { id: 1, version: 1, text: "b".into() });
/// let done = optimist::put(&store, &1, &pre, &policy, Version::new(1), edit).await?;
/// assert_eq!(done.stored.version().get(), 2);
/// let stale = optimist::put(&store, &1, &pre, &policy, Version::new(1), edit).await.unwrap_err();
/// assert_eq!(stale.status(), 409);
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
pub async fn put<T, S>(
    store: &S,
    id: &T::Id,
    pre: &Preconditions,
    policy: &Policy,
    base: Option<Version>,
    edit: impl Fn(Option<&T>) -> Result<T, Error>,
) -> Result<Written<T>, Error>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: Store<T>,
{
    put_checked(store, id, (pre, policy, base), edit, |_, merged| Ok(merged)).await
}

/// [`put`], with `check` run on a three-way merge's result (with the
/// current state), which no edit produced.
pub(crate) async fn put_checked<T, S>(
    store: &S,
    id: &T::Id,
    (pre, policy, base): (&Preconditions, &Policy, Option<Version>),
    edit: impl Fn(Option<&T>) -> Result<T, Error>,
    check: impl Fn(&T, T) -> Result<T, Error>,
) -> Result<Written<T>, Error>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: Store<T>,
{
    let request = Request {
        kind: Kind::Put,
        pre,
        policy,
        base,
    };
    write(store, id, request, edit, check).await
}

/// PATCH: changes the resource at `id` to what `edit` makes of the current
/// state. `base` is the version the patch says the client read. A stale
/// patch that changes no field changed since `base` is merged (unless the
/// policy says otherwise); one that does is 409. `edit` may run more than
/// once if a concurrent write wins.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
/// # struct Note { id: u64, version: u64, text: String, tags: u32 }
/// use optimist::{MemoryStore, Policy, Preconditions, Version};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// optimist::create(&store, Note { id: 1, version: 0, text: "a".into(), tags: 0 }).await?;
/// let (pre, policy, v1) = (Preconditions::default(), Policy::default(), Version::new(1));
/// let text = |n: &Note| Ok(Note { text: "b".into(), ..n.clone() });
/// optimist::patch(&store, &1, &pre, &policy, v1, text).await?;
/// // Also based on version 1, but the tags did not change since: merged.
/// let tags = |n: &Note| Ok(Note { tags: 1, ..n.clone() });
/// let done = optimist::patch(&store, &1, &pre, &policy, v1, tags).await?;
/// assert_eq!((done.stored.value().text.as_str(), done.stored.value().tags), ("b", 1));
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
pub async fn patch<T, S>(
    store: &S,
    id: &T::Id,
    pre: &Preconditions,
    policy: &Policy,
    base: Option<Version>,
    edit: impl Fn(&T) -> Result<T, Error>,
) -> Result<Written<T>, Error>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: Store<T>,
{
    patch_checked(store, id, (pre, policy, base), edit, |_, merged| Ok(merged)).await
}

/// [`patch`], with `check` run on a three-way merge's result, as
/// [`put_checked`].
pub(crate) async fn patch_checked<T, S>(
    store: &S,
    id: &T::Id,
    (pre, policy, base): (&Preconditions, &Policy, Option<Version>),
    edit: impl Fn(&T) -> Result<T, Error>,
    check: impl Fn(&T, T) -> Result<T, Error>,
) -> Result<Written<T>, Error>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: Store<T>,
{
    let request = Request {
        kind: Kind::Patch,
        pre,
        policy,
        base,
    };
    // Only a PUT creates, so a patch's edit always has a current state.
    let edit = |current: Option<&T>| match current {
        Some(current) => edit(current),
        None => Err(Error::not_found(T::RESOURCE, id)),
    };
    write(store, id, request, edit, check).await
}

async fn write<T, S, F>(
    store: &S,
    id: &T::Id,
    request: Request<'_>,
    edit: F,
    check: impl Fn(&T, T) -> Result<T, Error>,
) -> Result<Written<T>, Error>
where
    T: Versioned + Serialize,
    T::Id: PartialEq + Serialize + fmt::Display,
    S: Store<T>,
    F: Fn(Option<&T>) -> Result<T, Error>,
{
    let checked_edit = |current: Option<&T>| {
        let value = edit(current)?;
        if value.id() == id {
            Ok(value)
        } else {
            Err(Error::Unprocessable(format!(
                "the {} in the body differs from the one in the path",
                T::ID_FIELD
            )))
        }
    };
    // A kept revision never changes: a write that lost a race re-decides
    // on the same base without reading it again.
    let mut kept: Option<(Version, Option<Revision>)> = None;
    for _ in 0..MAX_ATTEMPTS {
        let current = match store.load(id).await? {
            Some(Slot::Live(current)) => current,
            slot if request.kind == Kind::Put && request.pre.is_create_only() => {
                // RFC 9110 §13.1.1: an `If-Match` beside it names a current
                // representation, and there is none.
                if request.pre.has_if_match() {
                    return Err(Error::PreconditionFailed { current: None });
                }
                if let Ok(stored) =
                    insert_fresh(store, checked_edit(None)?, deleted_at(slot.as_ref())).await?
                {
                    return Ok(Written {
                        stored,
                        outcome: Outcome::Created,
                    });
                }
                continue;
            }
            _ => return Err(Error::not_found(T::RESOURCE, id)),
        };
        let next = match decide(&current, request, &checked_edit)? {
            Decision::Keep => None,
            Decision::Write(next) => Some(next),
            Decision::Stale {
                requested,
                base,
                by_stamps,
            } => {
                // Only a stale write that needs its base pays for the
                // history: a PUT, a patch the stamps cannot merge, a
                // counter changed since.
                let revision = match kept.take() {
                    Some((at, revision)) if at == base => revision,
                    _ => store.revisions(id, base, base).await?.pop(),
                };
                let at_base = revision
                    .as_ref()
                    .and_then(|r| Some((r, current.value().at_revision(r)?)));
                let next = match at_base {
                    // The request as its client meant it: applied to the
                    // state it was based on, then merged; the merge is a
                    // state no edit produced, so it is checked again.
                    Some((revision, at_base)) => {
                        let requested = checked_edit(Some(&at_base))?;
                        check(
                            current.value(),
                            merge_stale(&current, requested, base, revision)?,
                        )?
                    }
                    None if by_stamps => requested,
                    None => return Err(stamp_conflict(&current, &requested, base)),
                };
                kept = Some((base, revision));
                // The merge may leave nothing to change.
                Some(next).filter(|next| !current.value().diff(next).is_empty())
            }
        };
        let Some(next) = next else {
            return Ok(Written {
                stored: current,
                outcome: Outcome::Unchanged,
            });
        };
        let next = current.successor(next).map_err(exhausted(&current))?;
        if store.update(&next, current.version()).await? {
            return Ok(Written {
                stored: next,
                outcome: Outcome::Updated,
            });
        }
    }
    Err(contention())
}

enum Decision<T> {
    Keep,
    Write(T),
    /// A stale write of a resource with history that its revision at
    /// `base` decides; where none is kept, the stamp rules: `requested`
    /// (the edit of the current state) is written if `by_stamps` says
    /// they merge it.
    Stale {
        requested: T,
        base: Version,
        by_stamps: bool,
    },
}

/// The fields a stale write changes that changed since `base`, with every
/// member of a group one of them is in (a group conflicts as one).
fn conflicting<T: Versioned>(current: &Stored<T>, changed: &FieldSet, base: Version) -> FieldSet {
    let newer = |i: usize| current.stamps().get(i).is_none_or(|stamp| stamp > base);
    let mut conflicting = changed.clone();
    conflicting.retain(newer);
    for (i, field) in T::FIELDS.iter().enumerate() {
        let Some(group) = field.group else { continue };
        let members = || (0..T::FIELDS.len()).filter(|j| T::FIELDS[*j].group == Some(group));
        if members().any(|j| changed.contains(j))
            && members().any(newer)
            && newer(i) | changed.contains(i)
        {
            conflicting.insert(i);
        }
    }
    conflicting
}

/// A 409 for a stale write judged by the stamps.
fn stamp_conflict<T>(current: &Stored<T>, requested: &T, base: Version) -> Error
where
    T: Versioned + Serialize,
    T::Id: Serialize + fmt::Display,
{
    let changed = current.value().diff(requested);
    let conflict = Conflict::new(
        current,
        requested,
        base,
        &conflicting(current, &changed, base),
    )
    .map_err(|e| Error::Unprocessable(e.to_string()));
    match conflict {
        Ok(conflict) if T::HISTORY > 0 => conflict.with_basis(Basis::Stamps).into(),
        Ok(conflict) => conflict.into(),
        Err(e) => e,
    }
}

/// A stale write of a resource with history, `requested` as its edit made
/// it of the state at `base`, merged three ways with the current state:
/// the merged state, or the 409.
fn merge_stale<T>(
    current: &Stored<T>,
    mut requested: T,
    base: Version,
    revision: &Revision,
) -> Result<T, Error>
where
    T: Versioned + Serialize,
    T::Id: Serialize + fmt::Display,
{
    let unprocessable = |e: serde_json::Error| Error::Unprocessable(e.to_string());
    let mut merge = ThreeWay::new(current, &requested, revision).map_err(unprocessable)?;
    requested.merge(current.value(), &mut merge);
    match merge.finish() {
        Ok(()) => Ok(requested),
        Err(conflicts) => {
            let theirs = redacted_representation(current.value()).map_err(unprocessable)?;
            let conflict = Conflict::from_parts(current, theirs, base, conflicts, Basis::History);
            Err(conflict.map_err(unprocessable)?.into())
        }
    }
}

/// What a write's preconditions say at the current version.
enum Gate {
    /// They hold (or there are none).
    Open,
    /// `If-Match` is false, and the policy lets a request that changes
    /// nothing through as a retry already applied: only the body decides.
    AlreadyApplied,
}

/// A write's preconditions (RFC 9110 §13.2.2) at `version`: 412 when
/// one is false, unless the policy may take the request as already
/// applied. Every write method is decided alike (only GET and HEAD turn a
/// false `If-None-Match` into 304), so PUT stands for them all.
fn gate(pre: &Preconditions, version: Version, policy: &Policy) -> Result<Gate, Error> {
    match pre.evaluate(&Method::PUT, Some(version)) {
        Evaluation::Proceed => Ok(Gate::Open),
        Evaluation::IfMatchFailed if policy.accepts_already_applied() => Ok(Gate::AlreadyApplied),
        Evaluation::IfMatchFailed | Evaluation::IfNoneMatchFailed | Evaluation::NotModified => {
            Err(Error::PreconditionFailed {
                current: Some(version),
            })
        }
    }
}

/// Refuses a write (PUT, PATCH or DELETE) from the stored version alone,
/// before its body is read: 412 where `If-Match` names another version
/// or `If-None-Match` names the current one (RFC 9110 §13.2.1 lets a
/// server decide its preconditions before it reads the content). `Ok`
/// where only the body can decide: no precondition, no live resource
/// (the write answers 404 or creates), or a false `If-Match` under a
/// policy that accepts retries already applied. The write decides again
/// on what it loads, so a resource changed in between is still caught;
/// a write that passes has paid one version lookup more.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::{MemoryStore, Policy, Preconditions};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// optimist::create(&store, Note { id: 1, version: 0, text: "a".into() }).await?;
/// let stale = Preconditions::from_lines([&b"\"v7\""[..]], []).unwrap();
/// let refused = optimist::ops::precheck(&store, &1, &stale, &Policy::DEFAULT).await.unwrap_err();
/// assert_eq!(refused.status(), 412);
/// let fresh = Preconditions::from_lines([&b"\"v1\""[..]], []).unwrap();
/// optimist::ops::precheck(&store, &1, &fresh, &Policy::DEFAULT).await?;
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
///
/// # Errors
/// 412, or 503 when the store fails.
pub async fn precheck<T, S>(
    store: &S,
    id: &T::Id,
    pre: &Preconditions,
    policy: &Policy,
) -> Result<(), Error>
where
    T: Versioned,
    S: Store<T>,
{
    if !(pre.has_if_match() || pre.has_if_none_match()) {
        return Ok(());
    }
    match store.live_version(id).await? {
        Some(version) => gate(pre, version, policy).map(|_| ()),
        None => Ok(()),
    }
}

/// The write rules for a resource that exists: preconditions (RFC 9110
/// §13.2.2), then the body version, then the stale-write decision.
fn decide<T>(
    current: &Stored<T>,
    request: Request<'_>,
    edit: &impl Fn(Option<&T>) -> Result<T, Error>,
) -> Result<Decision<T>, Error>
where
    T: Versioned + Serialize,
    T::Id: Serialize + fmt::Display,
{
    match gate(request.pre, current.version(), request.policy)? {
        Gate::Open => {}
        Gate::AlreadyApplied => {
            // RFC 9110 §13.1.1: a retry whose first response was lost.
            // Only a request that would change nothing is one: any other,
            // even one whose body is unusable, is refused for its If-Match.
            return match edit(Some(current.value())) {
                Ok(requested) if current.value().diff(&requested).is_empty() => Ok(Decision::Keep),
                _ => Err(Error::PreconditionFailed {
                    current: Some(current.version()),
                }),
            };
        }
    }
    // A body version is judged even after a true `If-Match`: both must
    // hold. A form filled at an old version and sent with a freshly read
    // tag would otherwise revert what others changed since.
    let base = match request.base {
        Some(base) => base,
        None if request.pre.has_if_match() || !request.policy.requires_precondition() => {
            current.version()
        }
        None => return Err(Error::PreconditionRequired),
    };
    if base > current.version() {
        return Err(Error::VersionAhead {
            yours: base,
            current: current.version(),
        });
    }
    let requested = edit(Some(current.value()))?;
    let changed = current.value().diff(&requested);
    if base < current.version() {
        let merges = request.policy.merges_patches();
        let by_stamps =
            request.kind == Kind::Patch && conflicting(current, &changed, base).is_empty();
        // A counter changed since the base cannot be judged without it: a
        // request equal to the current count may still be one more.
        let counted = T::FIELDS.iter().enumerate().any(|(i, f)| {
            matches!(f.merge, MergeKind::Counter { .. })
                && current.stamps().get(i).is_none_or(|stamp| stamp > base)
        });
        let three_way = merges && T::HISTORY > 0 && (request.kind == Kind::Put || counted);
        if three_way || !(merges && by_stamps) {
            if merges && T::HISTORY > 0 {
                return Ok(Decision::Stale {
                    requested,
                    base,
                    by_stamps,
                });
            }
            return Err(stamp_conflict(current, &requested, base));
        }
        // The edit was applied to the current state, so `requested` is
        // already the merge: the current fields with the patched ones, and
        // the service's skip fields as the edit left them.
    }
    Ok(if changed.is_empty() {
        Decision::Keep
    } else {
        Decision::Write(requested)
    })
}

/// DELETE: requires `If-Match` unless the policy allows unconditional
/// writes; 404, 412 or 428 otherwise. The version is kept, so a re-create
/// continues after it.
///
/// ```
/// # #[derive(optimist::Versioned, serde::Serialize, Clone, Debug)]
/// # struct Note { id: u64, version: u64, text: String }
/// use optimist::{MemoryStore, Policy, Preconditions};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let store = MemoryStore::<Note>::new();
/// optimist::create(&store, Note { id: 1, version: 0, text: "a".into() }).await?;
/// let err = optimist::delete(&store, &1, &Preconditions::default(), &Policy::default()).await.unwrap_err();
/// assert_eq!(err.status(), 428);
/// # Ok::<(), optimist::Error>(()) }).unwrap();
/// ```
pub async fn delete<T, S>(
    store: &S,
    id: &T::Id,
    pre: &Preconditions,
    policy: &Policy,
) -> Result<Stored<T>, Error>
where
    T: Versioned,
    T::Id: fmt::Display,
    S: Store<T>,
{
    for _ in 0..MAX_ATTEMPTS {
        let Some(Slot::Live(current)) = store.load(id).await? else {
            return Err(Error::not_found(T::RESOURCE, id));
        };
        if pre.evaluate(&Method::DELETE, Some(current.version())) != Evaluation::Proceed {
            return Err(Error::PreconditionFailed {
                current: Some(current.version()),
            });
        }
        if !pre.has_if_match() && policy.requires_precondition() {
            return Err(Error::PreconditionRequired);
        }
        if store.delete(id, current.version()).await? {
            return Ok(current);
        }
    }
    Err(contention())
}
