//! The wiki's pages over plain HTTP, as a browser without JavaScript (or
//! a crafted request) sees them: reading pages hold the text itself,
//! every refused save comes back as a page that keeps what was typed,
//! and a malformed request is a problem, as in the API.

mod support;

use reqwest::Method;
use serde_json::json;
use support::{Api, Backend, DOCS, Reply, Service, fresh_database};

const FORM: &str = "application/x-www-form-urlencoded";

async fn post_form(api: &Api, path: &str, fields: &[(&str, &str)]) -> Reply {
    let body = serde_urlencoded::to_string(fields).unwrap();
    api.send(Method::POST, path, &[], Some((FORM, &body))).await
}

fn assert_page(reply: &Reply, status: u16) -> &str {
    assert_eq!(reply.status, status, "{}", reply.text);
    assert_eq!(
        reply.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        reply.header("content-security-policy").as_deref(),
        Some(
            "default-src 'self'; script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        )
    );
    &reply.text
}

/// Reading needs no script: the text is in the page, escaped.
async fn reading(api: &Api) {
    let mut doc = DOCS.new_body(7, "<script>alert(1)</script> & notes");
    doc["body"] = json!("First <b>paragraph</b>\n\nSecond paragraph\n");
    doc["sourceTitle"] = json!("A source");
    doc["sourceUrl"] = json!("javascript:alert(1)");
    assert_eq!(api.create(&doc).await.status, 201);
    let page = api.get("/docs/7", &[]).await;
    let html = assert_page(&page, 200);
    assert!(
        html.contains("<h1>&lt;script&gt;alert(1)&lt;/script&gt; &amp; notes</h1>"),
        "{html}"
    );
    assert!(
        html.contains("<p>First &lt;b&gt;paragraph&lt;/b&gt;</p><p>Second paragraph</p>"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "never unescaped");
    assert!(
        html.contains("Source: A source") && !html.contains("href=\"javascript"),
        "{html}"
    );
    let list = api.get("/", &[]).await;
    assert!(assert_page(&list, 200).contains("href=\"/docs/7\""));
    let history = api.get("/docs/7/history", &[]).await;
    assert!(assert_page(&history, 200).contains("<td>1</td>"));
}

/// Every refused save comes back as a page that holds the typed text.
async fn refused_saves(api: &Api) {
    // A form that does not say its version is not saved (428), and the
    // page keeps the text.
    let text = "My long text\n\nthat must not be lost\n";
    let unversioned = post_form(api, "/docs/7/edit", &[("title", "Notes"), ("body", text)]).await;
    let html = assert_page(&unversioned, 428);
    assert!(html.contains("did not say which version"), "{html}");
    assert!(
        html.contains("My long text\n\nthat must not be lost"),
        "{html}"
    );
    // A save the rules refuse (a blank title) keeps the text too.
    let blank = post_form(
        api,
        "/docs/7/edit",
        &[("title", " "), ("body", text), ("version", "1")],
    )
    .await;
    let html = assert_page(&blank, 422);
    assert!(
        html.contains("Not saved: `title` cannot be empty"),
        "{html}"
    );
    assert!(html.contains("that must not be lost"), "{html}");
    assert_eq!(
        api.get("/api/docs/7", &[]).await.etag(),
        "\"v1\"",
        "nothing written"
    );

    // A document page told of a save that never was does not fail.
    // Nor of one far beyond it: every number in the address is bounded.
    for query in [
        "saved=0&from=9",
        "saved=4294967295&from=4294967295",
        "saved=4294967295&from=0",
    ] {
        let page = api.get(&format!("/docs/7?{query}"), &[]).await;
        assert!(!assert_page(&page, 200).contains("notice"), "{query}");
    }

    // Browsers send line breaks as CRLF; the document keeps LF.
    let saved = post_form(
        api,
        "/docs/7/edit",
        &[
            ("title", "Notes"),
            ("body", "a\r\n\r\nb\r\n"),
            ("version", "1"),
            ("draft", "t0ken"),
        ],
    )
    .await;
    let html = assert_page(&saved, 200);
    assert!(html.contains("Saved as version 2."));
    // The page hands back the draft's token for the script, and only a
    // token of letters and digits.
    assert!(html.contains(r#"data-saved-draft="t0ken""#), "{html}");
    assert_eq!(api.get("/api/docs/7", &[]).await.json()["body"], "a\n\nb\n");

    // The same text again is no new version, and the page says so.
    let same = [("title", "Notes"), ("body", "a\n\nb\n"), ("version", "2")];
    let mut same = same.to_vec();
    same.push(("draft", "\"><script>"));
    let same = post_form(api, "/docs/7/edit", &same).await;
    assert!(
        same.text.contains(r#"data-saved-draft="""#),
        "{}",
        same.text
    );
    assert!(
        assert_page(&same, 200).contains("Nothing to save"),
        "{}",
        same.text
    );
    assert_eq!(api.get("/api/docs/7", &[]).await.etag(), "\"v2\"");

    // A text far longer than actix's default form limit (16 KiB) saves.
    let long = "A long line of the text.\n".repeat(8_000);
    let long = [
        ("title", "Notes"),
        ("body", long.as_str()),
        ("version", "2"),
    ];
    let saved = post_form(api, "/docs/7/edit", &long).await;
    assert!(assert_page(&saved, 200).contains("Saved as version 3."));

    // Deleted while edited: the page offers to keep the text as a new document.
    let gone = api
        .send(
            Method::DELETE,
            "/api/docs/7",
            &[("if-match", "\"v3\"")],
            None,
        )
        .await;
    assert_eq!(gone.status, 204);
    let late = post_form(
        api,
        "/docs/7/edit",
        &[("title", "Notes"), ("body", text), ("version", "2")],
    )
    .await;
    let html = assert_page(&late, 404);
    assert!(html.contains("someone deleted this document"), "{html}");
    assert!(
        html.contains("action=\"/docs\"") && html.contains("that must not be lost"),
        "{html}"
    );
    assert!(assert_page(&api.get("/docs/7", &[]).await, 404).contains("Doc 7"));
}

/// The merge page's form, as a browser sends it: the person's choices
/// are saved against the version the page showed, and a save made since
/// merges with them; an undecided place, or a base the history dropped,
/// shows the merge page again and writes nothing.
async fn merge_by_form(api: &Api) {
    let mut doc = DOCS.new_body(8, "T");
    doc["body"] = json!("a\n\nb\n\nc\n");
    assert_eq!(api.create(&doc).await.status, 201);
    let theirs = json!({"title": "T, theirs", "body": "A\n\nb\n\nc\n", "version": 1});
    assert_eq!(api.patch("/api/docs/8", &[], &theirs).await.status, 200);
    let mine = [
        ("title", "T, mine"),
        ("body", "a, mine\n\nb\n\nc\n"),
        ("version", "1"),
    ];
    let page = post_form(api, "/docs/8/edit", &mine).await;
    let html = assert_page(&page, 409);
    assert!(
        html.contains(r#"name="places" value="title body-0""#),
        "{html}"
    );

    // Someone saves again before the merge is sent.
    let later = json!({"body": "A\n\nb\n\nc, later\n", "version": 2});
    assert_eq!(api.patch("/api/docs/8", &[], &later).await.status, 200);
    let merge = |choices: &'static [(&'static str, &'static str)]| {
        let mut fields = vec![
            ("base", "1"),
            ("basis", "history"),
            ("current", "2"),
            ("title", "T, mine"),
            ("body", "a, mine\n\nb\n\nc\n"),
            ("places", "title body-0"),
        ];
        fields.extend_from_slice(choices);
        async move { post_form(api, "/docs/8/merge", &fields).await }
    };
    let undecided = merge(&[("title-choice", "theirs")]).await;
    assert!(assert_page(&undecided, 409).contains("merge-dialog"));
    // A form that leaves a place out of `places` does not skip it: the
    // server works the places out again from the kept versions.
    let tampered = [
        ("base", "1"),
        ("basis", "history"),
        ("current", "2"),
        ("title", "T, mine"),
        ("body", "a, mine\n\nb\n\nc\n"),
        ("places", "title"),
        ("title-choice", "theirs"),
    ];
    let tampered = post_form(api, "/docs/8/merge", &tampered).await;
    assert!(assert_page(&tampered, 409).contains("merge-dialog"));
    assert_eq!(
        api.get("/api/docs/8", &[]).await.etag(),
        "\"v3\"",
        "nothing written"
    );

    let settled = merge(&[("title-choice", "theirs"), ("body-0-choice", "mine")]).await;
    let html = assert_page(&settled, 200);
    assert!(html.contains("Saved your merge as version 4."), "{html}");
    assert!(
        html.contains("While you edited, version 3 was saved by someone else."),
        "{html}"
    );
    let now = api.get("/api/docs/8", &[]).await.json();
    assert_eq!(
        (now["title"].as_str(), now["body"].as_str()),
        (Some("T, theirs"), Some("a, mine\n\nb\n\nc, later\n"))
    );

    // 22 versions later, the page's base (1) is no longer kept: the save
    // is judged again, by field stamps, and shows the merge page anew.
    for n in 4..26 {
        let edit = json!({"body": format!("A\n\nb\n\nc, {n}\n"), "version": n});
        assert_eq!(api.patch("/api/docs/8", &[], &edit).await.status, 200);
    }
    let late = merge(&[("title-choice", "mine"), ("body-0-choice", "mine")]).await;
    let html = assert_page(&late, 409);
    assert!(
        html.contains(r#"name="basis" value="stamps""#) && html.contains("The text"),
        "{html}"
    );
    assert_eq!(
        api.get("/api/docs/8", &[]).await.etag(),
        "\"v26\"",
        "nothing written"
    );

    // The history compares any two kept versions, and says which are not.
    let compared = api.get("/docs/8/history?from=6&to=26", &[]).await;
    let html = assert_page(&compared, 200);
    assert!(
        html.contains("Changes from version 6 to version 26"),
        "{html}"
    );
    assert!(
        html.contains("c, 5</del>") && html.contains("c, 25</ins>"),
        "{html}"
    );
    let gone = api.get("/docs/8/history?from=1&to=26", &[]).await;
    assert!(assert_page(&gone, 200).contains("These versions are not kept"));
}

/// Malformed requests are problems, as everywhere in the service.
async fn malformed(api: &Api) {
    for (method, path, body) in [
        (Method::GET, "/docs/seven", None),
        (
            Method::POST,
            "/docs/1/edit",
            Some(("application/json", "{}")),
        ),
        (
            Method::POST,
            "/docs/1/merge",
            Some((FORM, "title=a&body=b")),
        ),
    ] {
        let reply = api.send(method, path, &[], body).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text);
        assert_eq!(
            reply.header("content-type").as_deref(),
            Some("application/problem+json"),
            "{path}"
        );
    }
}

async fn pages(backend: Backend) {
    let service = Service::start(&DOCS, &fresh_database(backend).await);
    let api = service.client();
    reading(&api).await;
    refused_saves(&api).await;
    merge_by_form(&api).await;
    malformed(&api).await;
}

#[tokio::test]
async fn sqlite_pages() {
    pages(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_pages() {
    pages(Backend::Postgres).await;
}
