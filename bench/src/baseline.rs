//! The baseline for the HTTP load benchmark: the same routes, store and
//! JSON as the users service, without optimist's conditional logic — no
//! preconditions, no ETags, no stamps compared, last write wins.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use optimist::store::TableStore;
use optimist::{Creation, Replacement, Slot, Store, Stored, View};

use optimist_example_users::model::{NewUser, PutUser, User, UserView, before_save};

type Users = TableStore<User>;

fn unavailable(_: impl std::fmt::Display) -> StatusCode {
    StatusCode::SERVICE_UNAVAILABLE
}

async fn get_user(
    State(store): State<Users>,
    Path(id): Path<u64>,
) -> Result<Json<UserView>, StatusCode> {
    match store.load(&id).await.map_err(unavailable)? {
        Some(Slot::Live(user)) => Ok(Json(UserView::view(user.value()))),
        _ => Err(StatusCode::NOT_FOUND),
    }
}

async fn create_user(
    State(store): State<Users>,
    Json(new): Json<NewUser>,
) -> Result<(StatusCode, Json<UserView>), StatusCode> {
    let id = new.id.ok_or(StatusCode::UNPROCESSABLE_ENTITY)?;
    let user = new
        .to_resource(id)
        .and_then(|user| before_save(None, user))
        .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?;
    let stored =
        Stored::created(user, optimist::Version::FIRST).map_err(|_| StatusCode::CONFLICT)?;
    if store.insert(&stored, None).await.map_err(unavailable)? {
        Ok((StatusCode::CREATED, Json(UserView::view(stored.value()))))
    } else {
        Err(StatusCode::CONFLICT)
    }
}

/// Last write wins: a lost race is simply written again.
async fn put_user(
    State(store): State<Users>,
    Path(id): Path<u64>,
    Json(body): Json<PutUser>,
) -> Result<Json<UserView>, StatusCode> {
    loop {
        let Some(Slot::Live(current)) = store.load(&id).await.map_err(unavailable)? else {
            return Err(StatusCode::NOT_FOUND);
        };
        let user = body
            .to_resource(&id, Some(current.value()))
            .and_then(|user| before_save(Some(current.value()), user))
            .map_err(|_| StatusCode::UNPROCESSABLE_ENTITY)?;
        let next = current.successor(user).map_err(|_| StatusCode::CONFLICT)?;
        if store
            .update(&next, current.version())
            .await
            .map_err(unavailable)?
        {
            return Ok(Json(UserView::view(next.value())));
        }
    }
}

/// The baseline's routes.
pub fn router(store: Users) -> Router {
    optimist_example_users::logged(
        Router::new()
            .route("/api/users", axum::routing::post(create_user))
            .route("/api/users/{id}", get(get_user).put(put_user))
            .with_state(store),
    )
}
