//! Passwords reach the database only as salted Argon2id hashes: after a
//! create, a PATCH and a PUT, the stored user holds no password as sent,
//! and its hash verifies the password last set.

mod support;

use optimist_example_users::password;
use serde_json::json;
use support::{Backend, Service, USERS, fresh_database};

async fn connect(db: &str) -> sqlx::SqliteConnection {
    <sqlx::SqliteConnection as sqlx::Connection>::connect(db)
        .await
        .unwrap()
}

/// The stored password hash of user `id`, read from the database itself.
async fn stored_hash(db: &str, id: i64) -> String {
    sqlx::query_scalar("SELECT password_hash FROM users WHERE id = ?")
        .bind(id)
        .fetch_one(&mut connect(db).await)
        .await
        .unwrap()
}

/// Every value of every column of the users table, as text.
async fn every_value(db: &str) -> Vec<String> {
    let rows: Vec<(String, String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT CAST(id AS TEXT), name, email, password_hash, CAST(version AS TEXT), optimist_stamps FROM users",
    )
    .fetch_all(&mut connect(db).await)
    .await
    .unwrap();
    rows.into_iter()
        .flat_map(|(a, b, c, d, e, f)| [a, b, c, d, e, f.unwrap_or_default()])
        .collect()
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
    let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info('users')")
        .fetch_all(&mut connect(&db).await)
        .await
        .unwrap();
    assert_eq!(
        columns,
        [
            "id",
            "name",
            "email",
            "password_hash",
            "version",
            "optimist_stamps"
        ],
        "a relational table: one column per field"
    );
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
    for value in every_value(&db).await {
        assert!(!value.contains("secret"), "a password as sent: {value}");
    }
}
