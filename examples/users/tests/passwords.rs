//! Passwords reach the database only as salted Argon2id hashes: after a
//! create, a PATCH and a PUT, the stored user holds no password as sent,
//! and its hash verifies the password last set.

mod support;

use optimist_example_users::password;
use serde_json::{Value, json};
use support::{Backend, Service, USERS, fresh_database};

/// The stored password hash of user `id`, read from the database itself.
async fn stored_hash(db: &str, id: u64) -> String {
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(db)
        .await
        .unwrap();
    let (body,): (String,) = sqlx::query_as("SELECT body FROM users WHERE id = ?")
        .bind(id.to_string())
        .fetch_one(&mut conn)
        .await
        .unwrap();
    let body: Value = serde_json::from_str(&body).unwrap();
    body["password"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn no_password_is_stored_as_sent() {
    let db = fresh_database(Backend::Sqlite).await;
    let service = Service::start(&USERS, &db);
    let api = service.client();
    let created = api
        .create(&json!({"id": 1, "name": "Sam", "email": "sam@example.org", "password": "first secret"}))
        .await;
    assert_eq!(created.status, 201);
    let first = stored_hash(&db, 1).await;
    assert!(
        first.starts_with("$argon2id$") && !first.contains("first secret"),
        "{first}"
    );
    assert!(password::matches("first secret", &first));

    let patched = api
        .patch(
            &USERS.path(1),
            &[("if-match", "\"v1\"")],
            &json!({"password": "second secret"}),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    let second = stored_hash(&db, 1).await;
    assert!(
        password::matches("second secret", &second) && !password::matches("first secret", &second)
    );

    // A replacement without a password keeps the hash; one with the same
    // password changes nothing (no new version).
    let kept = api
        .json(
            reqwest::Method::PUT,
            &USERS.path(1),
            &[("if-match", "\"v2\"")],
            &json!({"name": "Samuel", "email": "sam@example.org"}),
        )
        .await;
    assert_eq!(kept.status, 200, "{kept:?}");
    assert_eq!(stored_hash(&db, 1).await, second);
    let same = api
        .json(
            reqwest::Method::PUT,
            &USERS.path(1),
            &[("if-match", "\"v3\"")],
            &json!({"name": "Samuel", "email": "sam@example.org", "password": "second secret"}),
        )
        .await;
    assert_eq!(
        (same.status, same.etag()),
        (reqwest::StatusCode::OK, "\"v3\"".to_owned()),
        "{same:?}"
    );
    assert_eq!(stored_hash(&db, 1).await, second);
}
