//! The handlers of SPEC §7. Each is a few lines: optimist decides.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use optimist::axum::{Json, MergePatch, NoContent, Path};
use optimist::store::SqlStore;
use optimist::{
    Caching, Error, Outcome, Policy, Preconditions, Store, Stored, Tagged, Write, WriteKind,
};

use crate::model::{NewUser, PutUser, User, UserView, validate};

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    /// The users.
    pub store: SqlStore<User>,
    /// Conditional writes required, PATCH merged, lost-response retries
    /// answered 2xx (SPEC §3).
    pub policy: Policy,
}

/// Users are personal data: shared caches must not keep them, and the
/// user's own cache revalidates every time.
pub const CACHING: Caching = Caching::PRIVATE;

fn location(id: u64) -> String {
    format!("/api/users/{id}")
}

fn view(stored: &Stored<User>) -> UserView {
    UserView::from(stored.value())
}

/// The response of a successful PUT or PATCH.
fn written(done: &optimist::Written<User>) -> Response {
    match done.outcome {
        Outcome::Created => Tagged::created(
            &done.stored,
            &location(done.stored.value().id),
            view(&done.stored),
        ),
        Outcome::Updated | Outcome::Unchanged => Tagged::ok(&done.stored, view(&done.stored)),
    }
    .caching(CACHING)
    .into_response()
}

/// List every user.
#[utoipa::path(get, path = "/api/users", tag = "users",
    responses((status = 200, description = "Every user", body = [UserView]), crate::openapi::Unavailable))]
pub async fn list(State(app): State<App>) -> Result<axum::Json<Vec<UserView>>, Error> {
    Ok(axum::Json(
        app.store.list().await?.iter().map(view).collect(),
    ))
}

/// Create a user: 201, or 409 where the id exists.
#[utoipa::path(post, path = "/api/users", tag = "users", request_body = NewUser,
    responses(crate::openapi::Created, crate::openapi::AlreadyExists, crate::openapi::BadInput, crate::openapi::Unavailable))]
pub async fn create(
    State(app): State<App>,
    Json(new): Json<NewUser>,
) -> Result<Tagged<UserView>, Error> {
    let stored = match new.id {
        Some(id) => optimist::create(&app.store, new.into_user(id)?).await?,
        None => {
            optimist::ops::create_next(&app.store, new.into_user(1)?, |u, id| u.id = id).await?
        }
    };
    Ok(Tagged::created(&stored, &location(stored.value().id), view(&stored)).caching(CACHING))
}

/// Read a user (GET or HEAD), with its `ETag`; 304 if `If-None-Match` names it.
#[utoipa::path(
    get,
    path = "/api/users/{id}",
    tag = "users",
    params(crate::openapi::IdParam, crate::openapi::ReadConditions),
    responses(
        crate::openapi::Found,
        crate::openapi::NotModified,
        crate::openapi::NotFound,
        crate::openapi::PreconditionFailed,
        crate::openapi::BadInput
    )
)]
pub async fn get(
    State(app): State<App>,
    Path(id): Path<u64>,
    pre: Preconditions,
) -> Result<Tagged<UserView>, Error> {
    let user = optimist::read(&app.store, &id, &pre, &app.policy).await?;
    Ok(Tagged::ok(&user, view(&user)).caching(CACHING))
}

/// Replace a user, based on `If-Match` or the body's `version`; `If-None-Match: *` creates.
#[utoipa::path(put, path = "/api/users/{id}", tag = "users", request_body = PutUser,
    params(crate::openapi::IdParam, crate::openapi::WriteConditions),
    responses(crate::openapi::Found, crate::openapi::Created, crate::openapi::EditConflict, crate::openapi::PreconditionFailed,
        crate::openapi::PreconditionRequired, crate::openapi::NotFound, crate::openapi::BadInput, crate::openapi::Unavailable))]
pub async fn put(
    State(app): State<App>,
    Path(id): Path<u64>,
    pre: Preconditions,
    Json(body): Json<PutUser>,
) -> Result<Response, Error> {
    let write = Write::new(WriteKind::Put, &pre, &app.policy).base(body.version);
    let done = optimist::write(&app.store, &id, write, |current| body.to_user(id, current)).await?;
    Ok(written(&done))
}

/// Merge-patch a user; a stale patch that touches no field changed since its version is merged.
#[utoipa::path(patch, path = "/api/users/{id}", tag = "users",
    request_body(content = crate::model::UserPatch, content_type = "application/merge-patch+json",
        description = "A JSON merge patch (RFC 7396) of name, email or password; `version` names the version it is based on"),
    params(crate::openapi::IdParam, crate::openapi::WriteConditions),
    responses(crate::openapi::Found, crate::openapi::EditConflict, crate::openapi::PreconditionFailed,
        crate::openapi::PreconditionRequired, crate::openapi::NotFound, crate::openapi::BadInput, crate::openapi::Unavailable))]
pub async fn patch(
    State(app): State<App>,
    Path(id): Path<u64>,
    pre: Preconditions,
    MergePatch(patch): MergePatch<User>,
) -> Result<Response, Error> {
    let write = Write::new(WriteKind::Patch, &pre, &app.policy).base(patch.base());
    let done = optimist::write(&app.store, &id, write, |current| {
        let user = patch.apply(current.ok_or_else(|| Error::not_found("User", &id))?)?;
        validate(&user)?;
        Ok(user)
    })
    .await?;
    Ok(written(&done))
}

/// Delete a user, based on `If-Match`.
#[utoipa::path(delete, path = "/api/users/{id}", tag = "users", params(crate::openapi::IdParam, crate::openapi::WriteConditions),
    responses((status = 204, description = "Deleted"), crate::openapi::PreconditionFailed, crate::openapi::PreconditionRequired,
        crate::openapi::NotFound, crate::openapi::BadInput, crate::openapi::Unavailable))]
pub async fn delete(
    State(app): State<App>,
    Path(id): Path<u64>,
    pre: Preconditions,
) -> Result<NoContent, Error> {
    optimist::delete(&app.store, &id, &pre, &app.policy).await?;
    Ok(NoContent)
}
