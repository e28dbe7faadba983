//! A sensitive field is write-only: whatever path a request takes (201,
//! 200, 304, merged PATCH, 409 conflict and already-exists, 412, 428, 400,
//! 422, 404), its value appears in no response body, no header and no log
//! line.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{Api, Backend, Reply, Service, Subject, fresh_database};

const MARKER: &str = "Pw-MARKER-5e1d";

fn secret(n: u32) -> String {
    format!("{MARKER}-{n}")
}

/// `body` with the sensitive field set to secret `n`.
fn with_secret(s: &Subject, mut body: Value, n: u32) -> Value {
    body[s.sensitive] = json!(secret(n));
    body
}

/// Drives every path a request with a secret can take.
#[allow(clippy::too_many_lines)] // one request per error path, in order, reads best as one list
async fn every_path(s: &Subject, api: &Api) -> Vec<(&'static str, Reply)> {
    let u = &s.path(7);
    let [fa, fb] = s.fields;
    let new = |n| with_secret(s, s.new_body(7, "Sam"), n);
    let put = |n| with_secret(s, s.put_body("S", "s@x.org"), n);
    let mut replies: Vec<(&str, Reply)> = Vec::new();

    let created = api.create(&new(1)).await;
    assert_eq!(created.status, 201, "{created:?}");
    replies.push(("201 create", created));
    replies.push(("409 already exists", api.create(&new(2)).await));
    replies.push(("200 read", api.get(u, &[]).await));
    replies.push(("304 read", api.get(u, &[("if-none-match", "\"v1\"")]).await));
    // v2: the secret changes; then stale writes that also change it.
    let changed = api
        .patch(
            u,
            &[("if-match", "\"v1\"")],
            &json!({s.sensitive: secret(3)}),
        )
        .await;
    assert_eq!(changed.status, 200);
    replies.push(("200 patch of the secret", changed));
    let stale = api
        .patch(u, &[], &json!({s.sensitive: secret(4), "version": 1}))
        .await;
    stale.assert_problem(409);
    replies.push(("409 edit conflict on the secret", stale));
    let mut stale_put = put(5);
    stale_put["version"] = json!(1);
    let stale_put = api.json(Method::PUT, u, &[], &stale_put).await;
    stale_put.assert_problem(409);
    replies.push(("409 stale PUT", stale_put));
    let merged = api
        .patch(u, &[], &json!({fa: "Samuel", "version": 1}))
        .await;
    assert_eq!(merged.status, 200, "{merged:?}");
    replies.push(("200 merged patch", merged));
    let failed = api
        .json(Method::PUT, u, &[("if-match", "\"v1\"")], &put(6))
        .await;
    failed.assert_problem(412);
    replies.push(("412", failed));
    let required = api.json(Method::PUT, u, &[], &put(7)).await;
    required.assert_problem(428);
    replies.push(("428", required));
    let truncated = format!("{{\"{}\": \"{}\"", s.sensitive, secret(8));
    let invalid = api
        .send(
            Method::PUT,
            u,
            &[("if-match", "\"v3\"")],
            Some(("application/json", &truncated)),
        )
        .await;
    invalid.assert_problem(400);
    replies.push(("400 invalid JSON", invalid));
    let mut wrong_type = put(9);
    wrong_type[fa] = json!(5);
    let shape = api
        .json(Method::PUT, u, &[("if-match", "\"v3\"")], &wrong_type)
        .await;
    shape.assert_problem(422);
    replies.push(("422 wrong type", shape));
    let mut unknown = put(10);
    unknown["unknown"] = json!(secret(10));
    let unknown = api
        .json(Method::PUT, u, &[("if-match", "\"v3\"")], &unknown)
        .await;
    unknown.assert_problem(422);
    replies.push(("422 unknown member", unknown));
    let mut empty = put(11);
    empty[fa] = json!("");
    let empty = api
        .json(Method::PUT, u, &[("if-match", "\"v3\"")], &empty)
        .await;
    empty.assert_problem(422);
    replies.push(("422 invalid value", empty));
    let missing = api
        .json(Method::PUT, &s.path(8), &[("if-match", "\"v1\"")], &put(12))
        .await;
    missing.assert_problem(404);
    replies.push(("404", missing));
    let patched = api
        .patch(
            u,
            &[("if-match", "\"v3\"")],
            &json!({fb: "t@x.org", s.sensitive: secret(13)}),
        )
        .await;
    assert_eq!(patched.status, 200, "{patched:?}");
    replies.push(("200 patch with a secret", patched));
    replies.push(("200 list", api.get(s.collection, &[]).await));
    replies
}

/// Runs every path against a fresh `backend` database with the service
/// logging at `debug`, then searches bodies, headers and the log.
///
/// # Panics
/// Where a secret escapes.
pub async fn no_secret_escapes(subject: &Subject, backend: Backend) {
    let log = std::env::temp_dir().join(format!(
        "optimist-secrets-{}-{}-{backend:?}.log",
        std::process::id(),
        subject.resource
    ));
    let service = Service::start_logging_to(subject, &fresh_database(backend).await, &log);
    let replies = every_path(subject, &service.client()).await;
    drop(service); // flush and close the log

    for (what, reply) in &replies {
        assert!(
            !reply.text.contains(MARKER),
            "{what}: the body shows a secret: {}",
            reply.text
        );
        for (name, value) in &reply.headers {
            assert!(
                !value.to_str().unwrap_or("").contains(MARKER),
                "{what}: header {name} shows a secret"
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
        "a log line shows a secret:\n{logged}"
    );
    let _ = std::fs::remove_file(&log);
}
