//! Concurrent edits of one document, merged three ways from the version
//! each was based on: different paragraphs both land, overlapping ones
//! are a 409 that shows the regions, tags merge as a set, likes as a
//! counter; on SQLite, PostgreSQL, and three processes on one PostgreSQL.

mod support;

use reqwest::Method;
use serde_json::{Value, json};
use support::{Api, Backend, DOCS, Service, fresh_database};

const D: &str = "/api/docs/5";
const TEXT: &str = "Intro\n\nMiddle\n\nEnd\n";

/// A PATCH based on version 1.
async fn from_v1(api: &Api, patch: Value) -> (u16, Value) {
    let mut patch = patch;
    patch["version"] = json!(1);
    let r = api.patch(D, &[], &patch).await;
    (r.status.as_u16(), r.json())
}

async fn created(api: &Api) {
    let mut doc = DOCS.new_body(5, "Plan");
    doc["body"] = json!(TEXT);
    doc["tags"] = json!(["draft", "team"]);
    assert_eq!(api.create(&doc).await.status, 201);
}

async fn merges(backend: Backend) {
    let service = Service::start(&DOCS, &fresh_database(backend).await);
    let api = service.client();
    created(&api).await;

    // Two people edit different paragraphs of version 1: both land.
    let (status, _) = from_v1(&api, json!({"body": "Intro, reworded\n\nMiddle\n\nEnd\n"})).await;
    assert_eq!(status, 200);
    let (status, merged) =
        from_v1(&api, json!({"body": "Intro\n\nMiddle\n\nEnd, extended\n"})).await;
    assert_eq!(status, 200, "{merged}");
    assert_eq!(
        merged["body"],
        "Intro, reworded\n\nMiddle\n\nEnd, extended\n"
    );
    assert_eq!(merged["version"], 3);

    // A third edits the first paragraph too: 409, with the region.
    let (status, problem) = from_v1(&api, json!({"body": "Preface\n\nMiddle\n\nEnd\n"})).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["basis"], "history");
    let body = &problem["conflicts"][0];
    assert_eq!(
        (body["field"].as_str(), body["base"].as_str()),
        (Some("body"), Some(TEXT))
    );
    assert_eq!(
        body["regions"],
        json!([{"line": 1, "base": "Intro\n", "yours": "Preface\n", "current": "Intro, reworded\n"}])
    );
    assert_eq!(api.get(D, &[]).await.etag(), "\"v3\"", "nothing written");

    // Tags: one removes a tag, another adds one; likes: two like at once.
    let (status, _) = from_v1(&api, json!({"tags": ["team"], "likes": 1})).await;
    assert_eq!(status, 200);
    let (status, now) = from_v1(
        &api,
        json!({"tags": ["draft", "team", "urgent"], "likes": 1}),
    )
    .await;
    assert_eq!(status, 200, "{now}");
    assert_eq!(
        (now["tags"].clone(), now["likes"].clone()),
        (json!(["team", "urgent"]), json!(2))
    );

    // The source's title and address are one group: one writer's new
    // title never pairs with another's new address.
    let (status, _) = from_v1(&api, json!({"sourceTitle": "RFC 9110"})).await;
    assert_eq!(status, 200);
    let url = "https://www.rfc-editor.org/rfc/rfc9111";
    let (status, problem) = from_v1(&api, json!({"sourceUrl": url})).await;
    assert_eq!(status, 409, "{problem}");
    let fields: Vec<_> = problem["conflicts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].clone())
        .collect();
    assert_eq!(fields, [json!("sourceTitle"), json!("sourceUrl")]);
    assert_eq!(
        problem["conflicts"][0]["reason"],
        "the group `source` changed on both sides"
    );
    // Both sides' source differs as a whole, even where the titles agree:
    // the address goes with the current title only from the current version.
    let (status, problem) =
        from_v1(&api, json!({"sourceTitle": "RFC 9110", "sourceUrl": url})).await;
    assert_eq!(status, 409, "{problem}");
    let on_current = json!({"sourceUrl": url, "version": problem["currentVersion"]});
    let both = api.patch(D, &[], &on_current).await.json();
    assert_eq!(
        (both["sourceTitle"].as_str(), both["sourceUrl"].as_str()),
        (Some("RFC 9110"), Some(url))
    );

    // A PUT of the whole form from version 1 changes only what its
    // author changed: the title; everything else stays as it is now.
    let mut form = DOCS.put_body("Plan B", TEXT);
    form["version"] = json!(1);
    let put = api.json(Method::PUT, D, &[], &form).await;
    assert_eq!(put.status, 200, "{put:?}");
    let view = put.json();
    assert_eq!(view["title"], "Plan B");
    assert_eq!(view["body"], "Intro, reworded\n\nMiddle\n\nEnd, extended\n");
    assert_eq!(view["likes"], 2);

    // A merge is checked as every save is: two edits that each keep 32
    // tags or fewer may merge to more, and that merge is refused.
    let version = view["version"].as_u64().unwrap();
    let many: Vec<String> = (0..30)
        .map(|n| format!("tag {n}"))
        .chain(["team".into(), "urgent".into()])
        .collect();
    let full = api
        .patch(D, &[], &json!({"tags": many, "version": version}))
        .await;
    assert_eq!(full.status, 200, "{full:?}");
    let one_more = api
        .patch(
            D,
            &[],
            &json!({"tags": ["team", "urgent", "one more"], "version": version}),
        )
        .await;
    assert_eq!(
        one_more.assert_problem(422)["detail"],
        "`tags` holds at most 32 tags"
    );
}

/// Texts that differ in thousands of places (two lines alternating, each
/// side edited everywhere) are not merged line by line, which would take
/// seconds and list thousands of regions: the 409 holds one region, the
/// whole text, and says why.
async fn texts_too_different_to_merge(backend: Backend) {
    let service = Service::start(&DOCS, &fresh_database(backend).await);
    let api = service.client();
    let text = |every: usize| -> String {
        (0..6_000)
            .map(|i| if i % every == 0 { "a\n" } else { "b\n" })
            .collect()
    };
    let mut doc = DOCS.new_body(5, "Plan");
    doc["body"] = json!(text(2));
    assert_eq!(api.create(&doc).await.status, 201);
    assert_eq!(from_v1(&api, json!({"body": text(3)})).await.0, 200);
    let (status, problem) = from_v1(&api, json!({"body": text(5)})).await;
    assert_eq!(status, 409, "{problem}");
    let body = &problem["conflicts"][0];
    assert_eq!(
        body["reason"],
        "the texts differ in too many places to merge line by line"
    );
    assert_eq!(body["regions"].as_array().map(Vec::len), Some(1));
    assert_eq!(body["regions"][0]["yours"], text(5));
}

#[tokio::test]
async fn sqlite_texts_too_different_to_merge() {
    texts_too_different_to_merge(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_texts_too_different_to_merge() {
    texts_too_different_to_merge(Backend::Postgres).await;
}

#[tokio::test]
async fn sqlite_merges() {
    merges(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_merges() {
    merges(Backend::Postgres).await;
}

/// Three processes on one database, 3 × 10 likes at once, each from the
/// version its client last read: every like counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_likes_from_three_processes_all_count() {
    let db = fresh_database(Backend::Postgres).await;
    let services: Vec<Service> = (0..3).map(|_| Service::start(&DOCS, &db)).collect();
    created(&services[0].client()).await;
    let likers: Vec<_> = services
        .iter()
        .map(|service| {
            let api = service.client();
            tokio::spawn(async move {
                for _ in 0..10 {
                    let doc = api.get(D, &[]).await.json();
                    let like = json!({"likes": doc["likes"].as_u64().unwrap() + 1, "version": doc["version"]});
                    let r = api.patch(D, &[], &like).await;
                    assert_eq!(r.status, 200, "{r:?}");
                }
            })
        })
        .collect();
    for liker in likers {
        liker.await.unwrap();
    }
    let doc = services[2].client().get(D, &[]).await.json();
    assert_eq!(
        (doc["likes"].clone(), doc["version"].clone()),
        (json!(30), json!(31))
    );
}
