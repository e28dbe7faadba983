//! A password is write-only and sensitive: whatever error path a request
//! takes, its value appears in no response body, no header and no log line.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{Api, Backend, Reply, Service, fresh_database};

const MARKER: &str = "Pw-MARKER-5e1d";

fn pw(n: u32) -> String {
    format!("{MARKER}-{n}")
}

/// Drives every path a request with a password can take.
#[allow(clippy::too_many_lines)] // one request per error path, in order, reads best as one list
async fn every_path(api: &Api) -> Vec<(&'static str, Reply)> {
    let u = "/api/users/7";
    let user = |n| json!({"id": 7, "name": "Sam", "email": "sam@example.org", "password": pw(n)});
    let mut replies: Vec<(&str, Reply)> = Vec::new();

    let created = api.create(&user(1)).await;
    assert_eq!(created.status, 201);
    replies.push(("201 create", created));
    replies.push(("409 already exists", api.create(&user(2)).await));
    replies.push(("200 read", api.get(u, &[]).await));
    replies.push(("304 read", api.get(u, &[("if-none-match", "\"v1\"")]).await));
    // v2: the password changes; then stale writes that also change it.
    let changed = api
        .patch(u, &[("if-match", "\"v1\"")], &json!({"password": pw(3)}))
        .await;
    assert_eq!(changed.status, 200);
    replies.push(("200 patch of the password", changed));
    let stale = api
        .patch(u, &[], &json!({"password": pw(4), "version": 1}))
        .await;
    stale.assert_problem(409);
    replies.push(("409 edit conflict on the password", stale));
    let stale_put = api
        .json(
            Method::PUT,
            u,
            &[],
            &json!({"name": "Sam", "email": "s@x.org", "password": pw(5), "version": 1}),
        )
        .await;
    stale_put.assert_problem(409);
    replies.push(("409 stale PUT", stale_put));
    let merged = api
        .patch(u, &[], &json!({"name": "Samuel", "version": 1}))
        .await;
    assert_eq!(merged.status, 200, "{merged:?}");
    replies.push(("200 merged patch", merged));
    let failed = api
        .json(
            Method::PUT,
            u,
            &[("if-match", "\"v1\"")],
            &json!({"name": "S", "email": "s@x.org", "password": pw(6)}),
        )
        .await;
    failed.assert_problem(412);
    replies.push(("412", failed));
    let required = api
        .json(
            Method::PUT,
            u,
            &[],
            &json!({"name": "S", "email": "s@x.org", "password": pw(7)}),
        )
        .await;
    required.assert_problem(428);
    replies.push(("428", required));
    let invalid = api
        .send(
            Method::PUT,
            u,
            &[("if-match", "\"v3\"")],
            Some((
                "application/json",
                &format!("{{\"password\": \"{}\"", pw(8)),
            )),
        )
        .await;
    invalid.assert_problem(400);
    replies.push(("400 invalid JSON", invalid));
    let shape = api
        .json(
            Method::PUT,
            u,
            &[("if-match", "\"v3\"")],
            &json!({"name": 5, "email": "s@x.org", "password": pw(9)}),
        )
        .await;
    shape.assert_problem(422);
    replies.push(("422 wrong type", shape));
    let short = api
        .json(
            Method::PUT,
            u,
            &[("if-match", "\"v3\"")],
            &json!({"name": "S", "email": "bad", "password": pw(10)}),
        )
        .await;
    short.assert_problem(422);
    replies.push(("422 invalid value", short));
    let missing = api
        .json(
            Method::PUT,
            "/api/users/8",
            &[("if-match", "\"v1\"")],
            &json!({"name": "S", "email": "s@x.org", "password": pw(11)}),
        )
        .await;
    missing.assert_problem(404);
    replies.push(("404", missing));
    replies.push(("200 list", api.get("/api/users", &[]).await));
    replies
}

async fn no_secret_escapes(backend: Backend) {
    let log = std::env::temp_dir().join(format!(
        "optimist-secrets-{}-{backend:?}.log",
        std::process::id()
    ));
    let service = Service::start_logging_to(&fresh_database(backend).await, &log);
    let replies = every_path(&service.client()).await;
    drop(service); // flush and close the log

    for (what, reply) in &replies {
        assert!(
            !reply.text.contains(MARKER),
            "{what}: the body shows a password: {}",
            reply.text
        );
        for (name, value) in &reply.headers {
            assert!(
                !value.to_str().unwrap_or("").contains(MARKER),
                "{what}: header {name} shows a password"
            );
        }
    }
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.lines().count() >= replies.len(),
        "the service logged the requests:\n{logged}"
    );
    assert!(
        !logged.contains(MARKER),
        "a log line shows a password:\n{logged}"
    );
    let _ = std::fs::remove_file(&log);
}

#[tokio::test]
async fn sqlite_no_secret_escapes() {
    no_secret_escapes(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_no_secret_escapes() {
    no_secret_escapes(Backend::Postgres).await;
}
