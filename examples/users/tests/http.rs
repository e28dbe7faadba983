//! Every row of SPEC §7 and the conditional matrix of §2–§3, black-box
//! over HTTP, against SQLite and PostgreSQL.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{Api, Backend, Service, fresh_database, user};

const U: &str = "/api/users/123";

async fn reads(api: &Api) {
    let created = api.create(&user(123, "John Smith")).await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.header("location").as_deref(), Some(U));
    assert_eq!(created.etag(), "\"v1\"");
    assert_eq!(
        created.json(),
        json!({"id": 123, "name": "John Smith", "email": "user123@example.org", "version": 1})
    );

    let read = api.get(U, &[]).await;
    assert_eq!((read.status.as_u16(), read.etag()), (200, "\"v1\"".into()));
    assert!(
        read.json().get("password").is_none(),
        "password is write-only"
    );
    let head = api.send(Method::HEAD, U, &[], None).await;
    assert_eq!(
        (head.status.as_u16(), head.etag(), head.text.as_str()),
        (200, "\"v1\"".into(), "")
    );

    for tag in ["\"v1\"", "W/\"v1\"", "*", "\"v9\", \"v1\""] {
        let r = api.get(U, &[("if-none-match", tag)]).await;
        assert_eq!(
            (r.status.as_u16(), r.etag(), r.text.as_str()),
            (304, "\"v1\"".into(), ""),
            "If-None-Match: {tag}"
        );
    }
    let other = api.get(U, &[("if-none-match", "\"v2\"")]).await;
    assert_eq!(other.status, 200);
    assert_eq!(
        api.get(U, &[("if-match", "\"v2\"")])
            .await
            .assert_problem(412)["status"],
        412
    );
    assert_eq!(api.get(U, &[("if-match", "\"v1\"")]).await.status, 200);
    let missing = api.get("/api/users/999", &[]).await;
    assert_eq!(
        missing.assert_problem(404)["detail"],
        "User 999 does not exist"
    );

    let duplicate = api.create(&user(123, "Someone Else")).await;
    assert_eq!(
        duplicate.assert_problem(409)["detail"],
        "User with ID 123 already exists"
    );
    assert_eq!(duplicate.etag(), "\"v1\"", "409 carries the current ETag");
    assert_eq!(
        api.get(U, &[]).await.json()["name"],
        "John Smith",
        "nothing changed"
    );

    let auto = api
        .create(&json!({"name": "Auto", "email": "auto@example.org", "password": "pw"}))
        .await;
    assert_eq!(auto.status, 201);
    let id = auto.json()["id"].as_u64().unwrap();
    assert_eq!(auto.header("location"), Some(format!("/api/users/{id}")));
    let list = api.get("/api/users", &[]).await;
    let ids: Vec<u64> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [123, id]);
}

async fn if_match_writes(api: &Api) {
    let put = |tag: &'static str, email: &'static str| {
        let api = api.clone();
        async move {
            api.json(
                Method::PUT,
                U,
                &[("if-match", tag)],
                &json!({"name": "John Smith", "email": email}),
            )
            .await
        }
    };
    let ok = put("\"v1\"", "a@x.org").await;
    assert_eq!((ok.status.as_u16(), ok.etag()), (200, "\"v2\"".into()));
    assert_eq!(ok.json()["version"], 2);
    put("\"v1\"", "b@x.org").await.assert_problem(412);
    put("W/\"v2\"", "b@x.org").await.assert_problem(412);
    let stale = put("\"v1\"", "c@x.org").await;
    stale.assert_problem(412);
    assert_eq!(stale.etag(), "\"v2\"", "412 carries the current ETag");
    assert_eq!(
        api.get(U, &[]).await.json()["email"],
        "a@x.org",
        "a false If-Match never writes"
    );
    // "Already applied" (the users service turns it on): a retry of the
    // write that made v2, whose response was lost, is 200 with no new version.
    let retry = put("\"v1\"", "a@x.org").await;
    assert_eq!(
        (retry.status.as_u16(), retry.etag()),
        (200, "\"v2\"".into())
    );
    let star = put("*", "d@x.org").await;
    assert_eq!((star.status.as_u16(), star.etag()), (200, "\"v3\"".into()));
    let unchanged = put("\"v3\"", "d@x.org").await;
    assert_eq!(
        unchanged.etag(),
        "\"v3\"",
        "a write that changes nothing makes no version"
    );
}

async fn body_version_writes(api: &Api) {
    // Now at v3 with email d@x.org. Someone changes the name in v4.
    let named = api
        .patch(U, &[("if-match", "\"v3\"")], &json!({"name": "Johnny"}))
        .await;
    assert_eq!(named.etag(), "\"v4\"");
    // A stale PUT (based on v3) that changes the email only: still 409 —
    // a replacement carries the old name, which changed since v3.
    let stale = api
        .json(
            Method::PUT,
            U,
            &[],
            &json!({"name": "John Smith", "email": "e@x.org", "version": 3}),
        )
        .await;
    let body = stale.assert_problem(409);
    assert_eq!(stale.etag(), "\"v4\"");
    let members: Vec<&str> = body
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        members,
        [
            "type",
            "title",
            "status",
            "detail",
            "resource",
            "id",
            "yourVersion",
            "currentVersion",
            "conflicts",
            "current"
        ]
    );
    assert_eq!(body["detail"], "User 123 changed since version 3: name");
    assert_eq!(
        (
            body["yourVersion"].as_u64(),
            body["currentVersion"].as_u64()
        ),
        (Some(3), Some(4))
    );
    assert_eq!(
        body["conflicts"],
        json!([{"field": "name", "yours": "John Smith", "current": "Johnny", "changedIn": 4}])
    );
    assert_eq!(
        body["current"],
        json!({"id": 123, "name": "Johnny", "email": "d@x.org", "version": 4})
    );
    // A stale PATCH of another field merges.
    let merged = api
        .patch(U, &[], &json!({"email": "f@x.org", "version": 3}))
        .await;
    assert_eq!(
        (merged.status.as_u16(), merged.etag()),
        (200, "\"v5\"".into())
    );
    assert_eq!(merged.json()["name"], "Johnny");
    assert_eq!(merged.json()["email"], "f@x.org");
    // A stale PATCH of a field changed since: 409, nothing written.
    let overlap = api
        .patch(U, &[], &json!({"name": "Jon", "version": 3}))
        .await;
    assert_eq!(overlap.assert_problem(409)["conflicts"][0]["field"], "name");
    // Sensitive fields conflict by name only.
    api.patch(
        U,
        &[("if-match", "\"v5\"")],
        &json!({"password": "secret-A-1234"}),
    )
    .await;
    let secret = api
        .patch(U, &[], &json!({"password": "secret-B-5678", "version": 5}))
        .await;
    let body = secret.assert_problem(409);
    assert_eq!(
        body["conflicts"],
        json!([{"field": "password", "redacted": true, "changedIn": 6}])
    );
    assert!(
        !secret.text.contains("secret-A") && !secret.text.contains("secret-B"),
        "{}",
        secret.text
    );
}

/// Body versions: the current one applies; others are refused.
async fn body_versions(api: &Api) {
    // Current version in the body: applied.
    let current = api
        .json(
            Method::PUT,
            U,
            &[],
            &json!({"name": "John", "email": "g@x.org", "version": 6}),
        )
        .await;
    assert_eq!(current.etag(), "\"v7\"");
    // Newer than current, zero, or not a number: 422.
    for version in [json!(99), json!(0), json!("7"), json!(-1)] {
        let r = api
            .json(
                Method::PUT,
                U,
                &[],
                &json!({"name": "J", "email": "h@x.org", "version": version}),
            )
            .await;
        r.assert_problem(422);
    }
    let r = api.patch(U, &[], &json!({"name": "J", "version": 8})).await;
    r.assert_problem(422);
    // Neither If-Match nor a body version: 428.
    api.json(
        Method::PUT,
        U,
        &[],
        &json!({"name": "J", "email": "h@x.org"}),
    )
    .await
    .assert_problem(428);
    api.patch(U, &[], &json!({"name": "J"}))
        .await
        .assert_problem(428);
    assert_eq!(
        api.get(U, &[]).await.etag(),
        "\"v7\"",
        "no refused write changed anything"
    );
}

async fn creates_and_deletes(api: &Api) {
    let body = json!({"name": "New", "email": "new@x.org", "password": "pw"});
    let exists = api
        .json(Method::PUT, U, &[("if-none-match", "*")], &body)
        .await;
    exists.assert_problem(412);
    api.json(
        Method::PUT,
        "/api/users/500",
        &[("if-match", "\"v1\"")],
        &body,
    )
    .await
    .assert_problem(404);
    api.json(Method::PUT, "/api/users/500", &[], &body)
        .await
        .assert_problem(404);
    let created = api
        .json(
            Method::PUT,
            "/api/users/500",
            &[("if-none-match", "*")],
            &body,
        )
        .await;
    assert_eq!(
        (created.status.as_u16(), created.etag()),
        (201, "\"v1\"".into())
    );
    assert_eq!(
        created.header("location").as_deref(),
        Some("/api/users/500")
    );

    api.send(Method::DELETE, U, &[], None)
        .await
        .assert_problem(428);
    api.send(Method::DELETE, U, &[("if-match", "\"v6\"")], None)
        .await
        .assert_problem(412);
    let deleted = api
        .send(Method::DELETE, U, &[("if-match", "\"v7\"")], None)
        .await;
    assert_eq!((deleted.status.as_u16(), deleted.text.as_str()), (204, ""));
    api.get(U, &[]).await.assert_problem(404);
    api.send(Method::DELETE, U, &[("if-match", "\"v7\"")], None)
        .await
        .assert_problem(404);
    // Re-created: the version continues, so no old ETag can match (ABA).
    let again = api.create(&user(123, "Again")).await;
    assert_eq!(
        (again.status.as_u16(), again.etag()),
        (201, "\"v8\"".into())
    );
    api.json(
        Method::PUT,
        U,
        &[("if-match", "\"v1\"")],
        &json!({"name": "x", "email": "x@x.org"}),
    )
    .await
    .assert_problem(412);
}

async fn openapi(api: &Api) {
    let doc = api.get("/openapi.json", &[]).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let item = &doc["paths"]["/api/users/{id}"];
    for method in ["get", "put", "patch", "delete"] {
        assert!(item[method].is_object(), "{method} documented");
    }
    assert!(doc["paths"]["/api/users"]["post"]["responses"]["409"].is_object());
    assert!(item["put"]["responses"]["428"].is_object());
    assert!(item["get"]["responses"]["304"]["headers"]["ETag"].is_object());
    let headers: Vec<&str> = item["put"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert!(
        headers.contains(&"If-Match") && headers.contains(&"If-None-Match"),
        "{headers:?}"
    );
    assert!(doc["components"]["schemas"]["EditConflictProblem"].is_object());
}

async fn surface(backend: Backend) {
    let service = Service::start(&fresh_database(backend).await);
    let api = service.client();
    reads(&api).await;
    if_match_writes(&api).await;
    body_version_writes(&api).await;
    body_versions(&api).await;
    creates_and_deletes(&api).await;
    openapi(&api).await;
}

#[tokio::test]
async fn sqlite_http_surface() {
    surface(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_http_surface() {
    surface(Backend::Postgres).await;
}
