//! The conditional-request rules, black-box: reads, conditional writes by `If-Match` and by
//! body version, creates and deletes, and the OpenAPI document. Each step
//! continues from the state the previous one left, as a client would.

use reqwest::Method;
use serde_json::json;

use crate::{Api, Backend, Reply, Service, Subject, fresh_database};

/// Runs every step against a fresh `backend` database.
pub async fn run(subject: &Subject, backend: Backend) {
    let service = Service::start(subject, &fresh_database(backend).await);
    let api = service.client();
    reads(subject, &api).await;
    empty_lists(subject, &api).await;
    if_match_writes(subject, &api).await;
    body_version_writes(subject, &api).await;
    body_versions(subject, &api).await;
    creates_and_deletes(subject, &api).await;
    pages(subject, &api).await;
    numbering(subject, &api).await;
    openapi(subject, &api).await;
}

/// A client may take the largest id; the ids the service picks go on
/// from its own sequence, not past the client's.
async fn numbering(s: &Subject, api: &Api) {
    const LARGEST: u64 = 999_999_999_999_999;
    assert_eq!(api.create(&s.new_body(LARGEST, "last")).await.status, 201);
    let mut body = s.new_body(1, "picked");
    body.as_object_mut().unwrap().remove("id");
    let picked = api.create(&body).await;
    assert_eq!(picked.status, 201, "{picked:?}");
    assert!(
        picked.json()["id"].as_u64().unwrap() < LARGEST,
        "{picked:?}"
    );
}

/// `GET` of the collection, a page at a time: each page links to the
/// next, the pages together hold every resource once, and a page asked
/// for wrongly is a 400 problem.
async fn pages(s: &Subject, api: &Api) {
    // More than a default page, so that its bound shows.
    for id in 901..=925 {
        assert_eq!(api.create(&s.new_body(id, "paged")).await.status, 201);
    }
    let everything = api.get(&format!("{}?limit=100", s.collection), &[]).await;
    assert_eq!(everything.status, 200, "{everything:?}");
    assert_eq!(everything.header("link"), None, "one page holds all");
    let ids = |reply: &Reply| -> Vec<u64> {
        reply
            .json()
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect()
    };
    let all = ids(&everything);
    let (mut paged, mut url) = (Vec::new(), format!("{}?limit=2", s.collection));
    for _ in 0..all.len() {
        let page = api.get(&url, &[]).await;
        assert_eq!(page.status, 200, "{url}: {page:?}");
        let items = ids(&page);
        assert!(items.len() <= 2, "{url}: {items:?}");
        paged.extend(items);
        let Some(link) = page.header("link") else {
            break;
        };
        let next = link
            .strip_prefix('<')
            .and_then(|l| l.strip_suffix(">; rel=\"next\""))
            .unwrap_or_else(|| panic!("a next link: {link}"));
        assert!(
            next.starts_with(&format!("{}?limit=2&after=", s.collection)),
            "{next}"
        );
        next.clone_into(&mut url);
    }
    assert_eq!(paged, all, "the pages together are the list");
    let default = api.get(s.collection, &[]).await;
    assert_eq!(ids(&default).len(), 20, "a bounded default page");
    assert!(default.header("link").is_some(), "{default:?}");
    for bad in [
        "limit=0",
        "limit=101",
        "limit=x",
        "after=abc",
        "after=-1",
        "page=2",
    ] {
        api.get(&format!("{}?{bad}", s.collection), &[])
            .await
            .assert_problem(400);
    }
}

const ID: u64 = 123;

async fn reads(s: &Subject, api: &Api) {
    let u = &s.path(ID);
    let created = api.create(&s.new_body(ID, "John Smith")).await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(created.header("location").as_deref(), Some(u.as_str()));
    assert_eq!(created.etag(), "\"v1\"");
    assert_eq!(
        created.json(),
        s.view(ID, "John Smith", "user123@example.org", 1)
    );

    let read = api.get(u, &[]).await;
    assert_eq!((read.status.as_u16(), read.etag()), (200, "\"v1\"".into()));
    assert_eq!(
        read.header("cache-control").as_deref(),
        Some(s.caching),
        "a tagged 200 tells caches to revalidate"
    );
    assert_eq!(created.header("cache-control").as_deref(), Some(s.caching));
    assert!(
        read.json().get(s.sensitive).is_none(),
        "{} is write-only",
        s.sensitive
    );
    let head = api.send(Method::HEAD, u, &[], None).await;
    assert_eq!(
        (head.status.as_u16(), head.etag(), head.text.as_str()),
        (200, "\"v1\"".into(), "")
    );

    for tag in ["\"v1\"", "W/\"v1\"", "*", "\"v9\", \"v1\""] {
        let r = api.get(u, &[("if-none-match", tag)]).await;
        assert_eq!(
            (r.status.as_u16(), r.etag(), r.text.as_str()),
            (304, "\"v1\"".into(), ""),
            "If-None-Match: {tag}"
        );
        assert_eq!(
            r.header("cache-control").as_deref(),
            Some(s.caching),
            "a 304 repeats the 200's Cache-Control (RFC 9110 §15.4.5)"
        );
    }
    assert_eq!(api.get(u, &[("if-none-match", "\"v2\"")]).await.status, 200);
    let failed = api.get(u, &[("if-match", "\"v2\"")]).await;
    assert_eq!(failed.assert_problem(412)["status"], 412);
    assert_eq!(api.get(u, &[("if-match", "\"v1\"")]).await.status, 200);
    let missing = api.get(&s.path(999), &[]).await;
    assert_eq!(
        missing.assert_problem(404)["detail"],
        format!("{} 999 does not exist", s.resource)
    );

    let duplicate = api.create(&s.new_body(ID, "Someone Else")).await;
    assert_eq!(
        duplicate.assert_problem(409)["detail"],
        format!("{} with ID 123 already exists", s.resource)
    );
    assert_eq!(duplicate.etag(), "\"v1\"", "409 carries the current ETag");
    let unchanged = api.get(u, &[]).await.json();
    assert_eq!(unchanged[s.fields[0]], "John Smith", "nothing changed");

    let mut auto = s.new_body(0, "Auto");
    auto.as_object_mut().unwrap().remove("id");
    let auto = api.create(&auto).await;
    assert_eq!(auto.status, 201, "{auto:?}");
    let id = auto.json()["id"].as_u64().unwrap();
    assert_eq!(auto.header("location"), Some(s.path(id)));
    let list = api.get(s.collection, &[]).await.json();
    let mut ids: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_u64().unwrap())
        .collect();
    // In the store's order: creation order, or the table store's id order.
    ids.sort_unstable();
    assert_eq!(ids, [id.min(ID), id.max(ID)]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|r| r.get(s.sensitive).is_none()),
        "{list}"
    );
}

/// RFC 9110 §5.6.1.2: a `#entity-tag` list may be empty, and empty
/// elements are ignored. An empty `If-None-Match` names no tag (true), an
/// empty `If-Match` names no tag (false: 412, not 400 or 428).
async fn empty_lists(s: &Subject, api: &Api) {
    let u = &s.path(ID);
    for empty in ["", ",", " , ,"] {
        let r = api.get(u, &[("if-none-match", empty)]).await;
        assert_eq!(r.status, 200, "If-None-Match: {empty:?}: {r:?}");
        api.get(u, &[("if-match", empty)]).await.assert_problem(412);
        let put = api
            .json(
                Method::PUT,
                u,
                &[("if-match", empty)],
                &s.put_body("Nobody", "nobody@x.org"),
            )
            .await;
        assert_eq!(put.status, 412, "If-Match: {empty:?}: {put:?}");
        put.assert_problem(412);
    }
    // An empty field line beside one naming the current tag adds nothing.
    let r = api
        .get(u, &[("if-none-match", ""), ("if-none-match", "\"v1\"")])
        .await;
    assert_eq!(r.status, 304, "{r:?}");
    let r = api.get(u, &[("if-none-match", ", \"v1\",,")]).await;
    assert_eq!(r.status, 304, "{r:?}");
    assert_eq!(api.get(u, &[]).await.etag(), "\"v1\"", "nothing written");
}

async fn if_match_writes(s: &Subject, api: &Api) {
    let u = &s.path(ID);
    let put = |tag: &'static str, b: &'static str| async move {
        api.json(
            Method::PUT,
            u,
            &[("if-match", tag)],
            &s.put_body("John Smith", b),
        )
        .await
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
        api.get(u, &[]).await.json()[s.fields[1]],
        "a@x.org",
        "a false If-Match never writes"
    );
    // A retry of the write that made v2, whose response was lost: 2xx with
    // no new version where "already applied" is on, else 412.
    let retry = put("\"v1\"", "a@x.org").await;
    if s.already_applied {
        assert_eq!(
            (retry.status.as_u16(), retry.etag()),
            (200, "\"v2\"".into())
        );
    } else {
        retry.assert_problem(412);
    }
    let star = put("*", "d@x.org").await;
    assert_eq!((star.status.as_u16(), star.etag()), (200, "\"v3\"".into()));
    let unchanged = put("\"v3\"", "d@x.org").await;
    assert_eq!(
        unchanged.etag(),
        "\"v3\"",
        "a write that changes nothing makes no version"
    );
}

#[allow(clippy::too_many_lines)] // one story, step by step
async fn body_version_writes(s: &Subject, api: &Api) {
    let u = &s.path(ID);
    let [fa, fb] = s.fields;
    // Now at v3 with d@x.org. Someone changes the first field in v4.
    let named = api
        .patch(u, &[("if-match", "\"v3\"")], &json!({fa: "Johnny"}))
        .await;
    assert_eq!(named.etag(), "\"v4\"");
    // A stale PUT (based on v3) with its own first field, changed since:
    // 409. (Without history even the first field as it was at v3 is a
    // conflict, since the stamps cannot tell it from an edit.)
    let mut body = s.put_body("Jon Smith", "e@x.org");
    body["version"] = json!(3);
    let stale = api.json(Method::PUT, u, &[], &body).await;
    let problem = stale.assert_problem(409);
    assert_eq!(stale.etag(), "\"v4\"");
    let members: Vec<&str> = problem
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .take(10)
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
    assert_eq!(
        problem["detail"],
        format!("{} 123 changed since version 3: {fa}", s.resource)
    );
    assert_eq!(
        (problem["resource"].as_str(), problem["id"].as_u64()),
        (Some(s.resource), Some(ID))
    );
    assert_eq!(
        (
            problem["yourVersion"].as_u64(),
            problem["currentVersion"].as_u64()
        ),
        (Some(3), Some(4))
    );
    let mut conflict =
        json!({"field": fa, "yours": "Jon Smith", "current": "Johnny", "changedIn": 4});
    if s.history {
        conflict["base"] = json!("John Smith");
        assert_eq!(problem["basis"], "history");
    }
    assert_eq!(problem["conflicts"], json!([conflict]));
    assert_eq!(problem["current"], s.view(ID, "Johnny", "d@x.org", 4));
    // A stale PATCH of the other field merges.
    let merged = api
        .patch(u, &[], &json!({fb: "f@x.org", "version": 3}))
        .await;
    assert_eq!(
        (merged.status.as_u16(), merged.etag()),
        (200, "\"v5\"".into())
    );
    assert_eq!(merged.json(), s.view(ID, "Johnny", "f@x.org", 5));
    // A stale PATCH of a field changed since: 409, nothing written.
    let overlap = api.patch(u, &[], &json!({fa: "Jon", "version": 3})).await;
    assert_eq!(overlap.assert_problem(409)["conflicts"][0]["field"], fa);
    assert_eq!(api.get(u, &[]).await.etag(), "\"v5\"");
    // A true If-Match does not excuse a stale body version: both must hold,
    // or a form filled at v3 and sent with a freshly read tag would undo
    // the edit made since.
    let fresh_tag = [("if-match", "\"v5\"")];
    let overlap = api
        .patch(u, &fresh_tag, &json!({fa: "Jon", "version": 3}))
        .await;
    assert_eq!(overlap.assert_problem(409)["conflicts"][0]["field"], fa);
    let mut form = s.put_body("Jon Smith", "f@x.org");
    form["version"] = json!(3);
    let reverted = api.json(Method::PUT, u, &fresh_tag, &form).await;
    assert_eq!(reverted.assert_problem(409)["conflicts"][0]["field"], fa);
    assert_eq!(
        api.get(u, &[]).await.json(),
        s.view(ID, "Johnny", "f@x.org", 5)
    );
    // Sensitive fields conflict by name only.
    let changed = api
        .patch(
            u,
            &[("if-match", "\"v5\"")],
            &json!({s.sensitive: "secret-A-1234"}),
        )
        .await;
    assert_eq!(changed.etag(), "\"v6\"");
    let secret = api
        .patch(u, &[], &json!({s.sensitive: "secret-B-5678", "version": 5}))
        .await;
    let problem = secret.assert_problem(409);
    assert_eq!(
        problem["conflicts"],
        json!([{"field": s.sensitive, "redacted": true, "changedIn": 6}])
    );
    assert!(
        !secret.text.contains("secret-A") && !secret.text.contains("secret-B"),
        "{}",
        secret.text
    );
}

/// Body versions: the current one applies; others are refused.
async fn body_versions(s: &Subject, api: &Api) {
    let u = &s.path(ID);
    let with_version = |version| {
        let mut body = s.put_body("John", "g@x.org");
        body["version"] = version;
        body
    };
    let current = api.json(Method::PUT, u, &[], &with_version(json!(6))).await;
    assert_eq!(current.etag(), "\"v7\"");
    // Newer than current: 409 with the current ETag, a state the client
    // never saw. Zero or not a number: 422.
    // `99.0` is the integer 99 in JSON Schema, so it is judged the same.
    for version in [json!(99), json!(99.0)] {
        let ahead = api.json(Method::PUT, u, &[], &with_version(version)).await;
        let problem = ahead.assert_problem(409);
        let kind = problem["type"].as_str().unwrap();
        assert!(kind.ends_with("#version-ahead"), "{problem}");
        assert_eq!(ahead.etag(), "\"v7\"");
    }
    for version in [json!(0), json!("7"), json!(-1)] {
        let r = api.json(Method::PUT, u, &[], &with_version(version)).await;
        r.assert_problem(422);
    }
    let fa = s.fields[0];
    let r = api.patch(u, &[], &json!({fa: "J", "version": 8})).await;
    r.assert_problem(409);
    // Neither If-Match nor a body version: 428.
    api.json(Method::PUT, u, &[], &s.put_body("J", "h@x.org"))
        .await
        .assert_problem(428);
    api.patch(u, &[], &json!({fa: "J"}))
        .await
        .assert_problem(428);
    assert_eq!(
        api.get(u, &[]).await.etag(),
        "\"v7\"",
        "no refused write changed anything"
    );
}

async fn creates_and_deletes(s: &Subject, api: &Api) {
    let u = &s.path(ID);
    let new = s.path(500);
    let mut fresh = s.new_body(500, "New");
    fresh.as_object_mut().unwrap().remove("id"); // the path names it
    let exists = api
        .json(Method::PUT, u, &[("if-none-match", "*")], &fresh)
        .await;
    exists.assert_problem(412);
    api.json(Method::PUT, &new, &[("if-match", "\"v1\"")], &fresh)
        .await
        .assert_problem(404);
    api.json(Method::PUT, &new, &[], &fresh)
        .await
        .assert_problem(404);
    let created = api
        .json(Method::PUT, &new, &[("if-none-match", "*")], &fresh)
        .await;
    assert_eq!(
        (created.status.as_u16(), created.etag()),
        (201, "\"v1\"".into())
    );
    assert_eq!(created.header("location").as_deref(), Some(new.as_str()));

    api.send(Method::DELETE, u, &[], None)
        .await
        .assert_problem(428);
    api.send(Method::DELETE, u, &[("if-match", "\"v6\"")], None)
        .await
        .assert_problem(412);
    let deleted = api
        .send(Method::DELETE, u, &[("if-match", "\"v7\"")], None)
        .await;
    assert_eq!((deleted.status.as_u16(), deleted.text.as_str()), (204, ""));
    api.get(u, &[]).await.assert_problem(404);
    api.send(Method::DELETE, u, &[("if-match", "\"v7\"")], None)
        .await
        .assert_problem(404);
    // Re-created: the version continues, so no old ETag can match (ABA).
    let again = api.create(&s.new_body(ID, "Again")).await;
    assert_eq!(
        (again.status.as_u16(), again.etag()),
        (201, "\"v8\"".into())
    );
    api.json(
        Method::PUT,
        u,
        &[("if-match", "\"v1\"")],
        &s.put_body("x", "x@x.org"),
    )
    .await
    .assert_problem(412);
}

async fn openapi(s: &Subject, api: &Api) {
    let doc = api.get("/openapi.json", &[]).await.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let item = &doc["paths"][format!("{}/{{id}}", s.collection)];
    for method in ["get", "put", "patch", "delete"] {
        assert!(item[method].is_object(), "{method} documented");
    }
    assert!(doc["paths"][s.collection]["post"]["responses"]["409"].is_object());
    assert!(item["put"]["responses"]["409"]["headers"]["ETag"].is_object());
    assert!(item["put"]["responses"]["428"].is_object());
    assert!(item["get"]["responses"]["304"]["headers"]["ETag"].is_object());
    let found = &item["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(found["properties"]["version"]["type"], "integer", "{found}");
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
    // The document promises no more than the service accepts (schemathesis
    // checks it in CI): condition headers carry the tag-list grammar, the
    // id in a PUT body or patch is read-only (clients need not send what
    // must equal the path), a patch is an object.
    for param in item["put"]["parameters"].as_array().unwrap() {
        if param["in"] == "header" {
            let pattern = match param["name"].as_str() {
                Some("Idempotency-Key") => optimist::openapi::KEY_PATTERN,
                _ => optimist::openapi::CONDITION_PATTERN,
            };
            assert_eq!(param["schema"]["pattern"], pattern, "{param}");
        }
    }
    let schema = |op: &str, media: &str| {
        let schema = &item[op]["requestBody"]["content"][media]["schema"];
        let name = schema["$ref"]
            .as_str()
            .unwrap_or_default()
            .rsplit('/')
            .next()
            .unwrap_or_default();
        doc["components"]["schemas"][name].clone()
    };
    let put = schema("put", "application/json");
    assert_eq!(put["properties"]["id"]["readOnly"], true, "{put}");
    assert_eq!(put["additionalProperties"], false);
    let patch = schema("patch", "application/merge-patch+json");
    assert_eq!(patch["type"], "object", "{patch}");
    assert_eq!(patch["additionalProperties"], false);
    assert_eq!(patch["properties"]["id"]["readOnly"], true, "{patch}");
}
