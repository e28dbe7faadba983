//! The revision history: bounded, written by optimist in the same
//! transaction as the document, readable by range and by version, linked
//! from a 409, never patched by clients, and gone with a delete.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Api, Backend, DOCS, Service, fresh_database};

const D: &str = "/api/docs/7";

async fn patch_body(api: &Api, version: u64, body: &str) -> u64 {
    let tag = format!("\"v{version}\"");
    let r = api
        .patch(D, &[("if-match", &tag)], &json!({"body": body}))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    r.json()["version"].as_u64().unwrap()
}

fn versions(list: &Value) -> Vec<u64> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|r| r["version"].as_u64().unwrap())
        .collect()
}

async fn history(backend: Backend) {
    let service = Service::start(&DOCS, &fresh_database(backend).await);
    let api = service.client();
    assert_eq!(api.create(&DOCS.new_body(7, "Notes")).await.status, 201);
    let mut version = 1;
    for n in 2..=5 {
        version = patch_body(&api, version, &format!("text {n}")).await;
    }
    assert_eq!(version, 5);

    let all = api.get(&format!("{D}/revisions"), &[]).await;
    assert_eq!(all.etag(), "\"v5\"", "the list changes with the document");
    assert_eq!(versions(&all.json()), [1, 2, 3, 4, 5]);
    assert_eq!(
        all.json()[1],
        json!({"version": 2, "title": "Notes", "body": "text 2", "tags": [], "likes": 0, "sourceTitle": "", "sourceUrl": ""})
    );
    let cached = api
        .get(&format!("{D}/revisions"), &[("if-none-match", "\"v5\"")])
        .await;
    assert_eq!((cached.status.as_u16(), cached.text.as_str()), (304, ""));
    let range = api.get(&format!("{D}/revisions?from=2&to=3"), &[]).await;
    assert_eq!(versions(&range.json()), [2, 3]);
    // A reversed range holds no version; it is not a malformed query (the
    // OpenAPI document cannot say `from <= to`, so it must not be refused).
    let reversed = api.get(&format!("{D}/revisions?from=4&to=2"), &[]).await;
    assert_eq!(
        (reversed.status.as_u16(), reversed.json()),
        (200, json!([]))
    );
    api.get(&format!("{D}/revisions?from=x"), &[])
        .await
        .assert_problem(400);

    let one = api.get(&format!("{D}/revisions/3"), &[]).await;
    assert_eq!(one.etag(), "\"v3\"");
    assert_eq!(one.json()["body"], "text 3");
    let missing = api.get(&format!("{D}/revisions/9"), &[]).await;
    assert_eq!(
        missing.assert_problem(404)["detail"],
        "Revision 9 of Doc 7 does not exist"
    );
    api.get(&format!("{D}/revisions/v3"), &[])
        .await
        .assert_problem(400);

    // A stale write: the 409 links to what changed since the client's copy.
    let stale = api
        .patch(D, &[], &json!({"body": "mine", "version": 2}))
        .await;
    let problem = stale.assert_problem(409);
    let link = problem["revisions"].as_str().unwrap();
    assert_eq!(link, "/api/docs/7/revisions?from=2&to=5");
    assert_eq!(versions(&api.get(link, &[]).await.json()), [2, 3, 4, 5]);
    assert!(problem["current"].get("revisions").is_none(), "{problem}");
    // A merged stale write records the version it replaced.
    let merged = api
        .patch(D, &[], &json!({"title": "Notes!", "version": 2}))
        .await;
    assert_eq!(merged.etag(), "\"v6\"");
    let all = api.get(&format!("{D}/revisions"), &[]).await.json();
    assert_eq!(versions(&all), [1, 2, 3, 4, 5, 6]);
    assert_eq!(all[5]["title"], "Notes!");

    // The history is the service's: a client cannot patch it.
    let forged = api
        .patch(D, &[("if-match", "\"v6\"")], &json!({"revisions": []}))
        .await;
    forged.assert_problem(422);
    // A write that changes nothing records nothing.
    let same = api
        .json(
            Method::PUT,
            D,
            &[("if-match", "\"v6\"")],
            &DOCS.put_body("Notes!", "text 5"),
        )
        .await;
    assert_eq!(same.etag(), "\"v6\"");

    // Bounded: the 20 latest earlier versions and the current one.
    let mut version = 6;
    for n in 0..20 {
        version = patch_body(&api, version, &format!("more {n}")).await;
    }
    let kept = versions(&api.get(&format!("{D}/revisions"), &[]).await.json());
    assert_eq!(kept, (6..=26).collect::<Vec<_>>());
    api.get(&format!("{D}/revisions/5"), &[])
        .await
        .assert_problem(404);

    // Deleted with the document; a re-created one starts a new history.
    let tag = format!("\"v{version}\"");
    let deleted = api
        .send(Method::DELETE, D, &[("if-match", &tag)], None)
        .await;
    assert_eq!(deleted.status, 204);
    api.get(&format!("{D}/revisions"), &[])
        .await
        .assert_problem(404);
    assert_eq!(
        api.create(&DOCS.new_body(7, "Again")).await.etag(),
        "\"v27\""
    );
    let fresh = api.get(&format!("{D}/revisions"), &[]).await.json();
    assert_eq!(versions(&fresh), [27]);
}

#[tokio::test]
async fn sqlite_revision_history() {
    history(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_revision_history() {
    history(Backend::Postgres).await;
}
