//! The handlers of the users API. Each is one call: optimist decides.

use axum::extract::State;
use optimist::axum::{Json, MergePatch, Path, Query, WithKey};
use optimist::openapi::{
    AlreadyExists, BadInput, Created, EditConflict, Found, KeyedWrite, NotFound, NotModified,
    PreconditionFailed, PreconditionRequired, ReadConditions, Unavailable, WriteConditions,
};
use optimist::store::TableStore;
use optimist::{Collection, Error, Listed, PageRequest, Preconditions, Receipt, Tagged};
use optimist_example_kit::id::{IdParam, PageParams};

use crate::model::{NewUser, PutUser, User, UserView};

/// What a read of one user answers: the user with its `ETag`, or a problem.
pub type Answer = Result<Tagged<UserView>, Error>;

/// What a write answers: the answer it stored with its `Idempotency-Key`
/// (or, without one, just its answer), or a problem.
pub type Written = Result<Receipt, Error>;

/// What every handler shares: the users, served under `/api/users`.
#[derive(Clone)]
pub struct App {
    /// The users, with the service's policy: conditional writes
    /// required, PATCH merged, lost-response retries answered 2xx, and
    /// private caching, each write validated first.
    pub users: Collection<User, TableStore<User>>,
}

/// A page of users, with a `Link` to the next.
#[utoipa::path(get, path = "/api/users", tag = "users", params(PageParams),
    responses((status = 200, description = "A page of users, in id order", body = [UserView],
        headers(("Link" = String, description = "`<…>; rel=\"next\"`: the next page, where one follows"))), BadInput, Unavailable))]
pub async fn list(
    State(app): State<App>,
    Query(page): Query<PageRequest<u64>>,
) -> Result<Listed<UserView>, Error> {
    app.users.list(&page).await
}

/// Create a user: 201, or 409 where the id exists. With an
/// `Idempotency-Key`, a retry gets the first answer again.
#[utoipa::path(post, path = "/api/users", tag = "users", request_body = NewUser, params(KeyedWrite),
    responses(Created<UserView>, AlreadyExists, BadInput, Unavailable))]
pub async fn create(
    State(app): State<App>,
    WithKey(key, Json(new)): WithKey<Json<NewUser>>,
) -> Written {
    app.users.keyed(key.as_ref()).post::<UserView>(&new).await
}

/// Read a user (GET or HEAD), with its `ETag`; 304 if `If-None-Match` names it.
#[utoipa::path(get, path = "/api/users/{id}", tag = "users", params(IdParam, ReadConditions),
    responses(Found<UserView>, NotModified, NotFound, PreconditionFailed, BadInput))]
pub async fn get(State(app): State<App>, Path(id): Path<u64>, pre: Preconditions) -> Answer {
    app.users.get(&id, &pre).await
}

/// Replace a user, based on `If-Match` or the body's `version`; `If-None-Match: *` creates.
#[utoipa::path(put, path = "/api/users/{id}", tag = "users", request_body = PutUser,
    params(IdParam, WriteConditions, KeyedWrite),
    responses(Found<UserView>, Created<UserView>, EditConflict, PreconditionFailed,
        PreconditionRequired, NotFound, BadInput, Unavailable))]
pub async fn put(
    State(app): State<App>,
    Path(id): Path<u64>,
    pre: Preconditions,
    WithKey(key, Json(body)): WithKey<Json<PutUser>>,
) -> Written {
    app.users
        .keyed(key.as_ref())
        .put::<UserView>(&id, &pre, &body)
        .await
}

/// Merge-patch a user; a stale patch that touches no field changed since its version is merged.
#[utoipa::path(patch, path = "/api/users/{id}", tag = "users",
    request_body(content = crate::model::UserPatch, content_type = "application/merge-patch+json",
        description = "A JSON merge patch (RFC 7396) of name, email or password; `version` names the version it is based on"),
    params(IdParam, WriteConditions, KeyedWrite),
    responses(Found<UserView>, EditConflict, PreconditionFailed,
        PreconditionRequired, NotFound, BadInput, Unavailable))]
pub async fn patch(
    State(app): State<App>,
    Path(id): Path<u64>,
    pre: Preconditions,
    WithKey(key, MergePatch(patch)): WithKey<MergePatch<User>>,
) -> Written {
    app.users
        .keyed(key.as_ref())
        .patch::<UserView>(&id, &pre, &patch)
        .await
}

/// Delete a user, based on `If-Match`.
#[utoipa::path(delete, path = "/api/users/{id}", tag = "users", params(IdParam, WriteConditions, KeyedWrite),
    responses((status = 204, description = "Deleted"), PreconditionFailed, PreconditionRequired,
        NotFound, BadInput, Unavailable))]
pub async fn delete(
    State(app): State<App>,
    Path(id): Path<u64>,
    pre: Preconditions,
    WithKey(key, ()): WithKey<()>,
) -> Written {
    app.users.keyed(key.as_ref()).delete(&id, &pre).await
}
