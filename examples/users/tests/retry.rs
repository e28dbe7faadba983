//! The client retry helper (`optimist::client::update`) against the users
//! service: a contended counter of 8 clients × 50 increments ends at
//! exactly 400, on SQLite and PostgreSQL, and refusals are typed errors.

mod support;

use optimist::client::{ClientError, Retry, Via, update};
use optimist_conformance::retry;
use optimist_example_users::model::UserView;
use support::{Backend, Service, USERS, fresh_database};

// The users service answers a false If-Match with 2xx when the state
// already equals the request (RFC 9110 §13.1.1), which a counter cannot
// tell from its own write: write back the version read instead...
optimist_conformance::each_backend!(multi_thread contended_counter, |backend| {
    retry::contended_counter(&USERS, backend, Via::BodyVersion)
});

// ... or send If-Match with an Idempotency-Key, as the helper does: a
// keyed write is never answered "already applied", so another client's
// equal write is a 412 to retry, not a 2xx that passes for its own.
optimist_conformance::each_backend!(multi_thread contended_counter_if_match, |backend| {
    retry::contended_counter(&USERS, backend, Via::IfMatch)
});

#[tokio::test]
async fn refusals_are_typed_errors() {
    let service = Service::start(&USERS, &fresh_database(Backend::Sqlite).await);
    let client = reqwest::Client::new();
    let retry = Retry::default();
    let missing = update(
        &client,
        &format!("{}/api/users/9", service.base),
        &retry,
        |u: UserView| u,
    )
    .await;
    match missing {
        Err(ClientError::Status {
            status,
            problem: Some(problem),
        }) => {
            assert_eq!((status.as_u16(), problem.status), (404, 404));
            assert_eq!(problem.detail, "User 9 does not exist");
        }
        other => panic!("{other:?}"),
    }
    let api = service.client();
    assert_eq!(api.create(&support::user(2, "Two")).await.status, 201);
    let invalid = update(
        &client,
        &format!("{}/api/users/2", service.base),
        &retry,
        |mut u: UserView| {
            u.email = "not an address".into();
            u
        },
    )
    .await;
    match invalid {
        Err(ClientError::Status {
            status,
            problem: Some(problem),
        }) => assert_eq!((status.as_u16(), problem.status), (422, 422)),
        other => panic!("{other:?}"),
    }
    let unchanged = update(
        &client,
        &format!("{}/api/users/2", service.base),
        &retry,
        |u: UserView| u,
    )
    .await
    .unwrap();
    assert_eq!(
        unchanged.version, 1,
        "a change that changes nothing writes nothing"
    );
}
