//! Faults: the SQLite file locked by another process. While the lock is
//! held past the busy timeout, writes answer 503 problem+json; nothing is
//! lost or written twice; once it is released, the service recovers
//! without a restart.

mod support;

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use sqlx::Connection;
use support::{Backend, Service, USERS, fresh_database, user};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_sqlite_file_is_503_then_recovers() {
    let db = fresh_database(Backend::Sqlite).await;
    let service = Service::start(&USERS, &db);
    let api = service.client();
    assert_eq!(api.create(&user(1, "Before")).await.status, 201);

    // Another process takes the write lock and keeps it past the
    // service's 5 s busy timeout.
    let mut other = sqlx::SqliteConnection::connect(&db).await.unwrap();
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut other)
        .await
        .unwrap();
    let (during, second) = (
        json!({"name": "During", "email": "d@x.org"}),
        user(2, "During"),
    );
    let put = api.json(
        Method::PUT,
        "/api/users/1",
        &[("if-match", "\"v1\"")],
        &during,
    );
    let created = api.create(&second);
    let (put, created) = tokio::join!(put, created);
    for reply in [&put, &created] {
        let body = reply.assert_problem(503);
        assert_eq!(body["title"], "Service unavailable");
        assert_eq!(reply.header("retry-after").as_deref(), Some("1"));
    }
    sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
    other.close().await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    // Nothing was written while locked; the same requests now succeed once.
    let read = api.get("/api/users/1", &[]).await;
    assert_eq!(
        (read.etag(), read.json()["name"].as_str()),
        ("\"v1\"".into(), Some("Before"))
    );
    api.get("/api/users/2", &[]).await.assert_problem(404);
    let retried = api
        .json(
            Method::PUT,
            "/api/users/1",
            &[("if-match", "\"v1\"")],
            &json!({"name": "After", "email": "d@x.org"}),
        )
        .await;
    assert_eq!(
        (retried.status.as_u16(), retried.etag()),
        (200, "\"v2\"".into())
    );
    assert_eq!(api.create(&user(2, "After")).await.status, 201);
    let again = api.create(&user(2, "After")).await;
    assert_eq!(
        again.assert_problem(409)["detail"],
        "User with ID 2 already exists",
        "no duplicate"
    );
}
