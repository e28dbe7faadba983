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
    let policy = reply.header("content-security-policy").unwrap();
    assert!(policy.contains("script-src 'self'"), "{policy}");
    &reply.text
}

/// Reading needs no script: the text is in the page, escaped.
async fn reading(api: &Api) {
    let mut doc = DOCS.new_body(7, "<script>alert(1)</script> & notes");
    doc["body"] = json!("First <b>paragraph</b>\n\nSecond paragraph\n");
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

    // Browsers send line breaks as CRLF; the document keeps LF.
    let saved = post_form(
        api,
        "/docs/7/edit",
        &[
            ("title", "Notes"),
            ("body", "a\r\n\r\nb\r\n"),
            ("version", "1"),
        ],
    )
    .await;
    assert!(assert_page(&saved, 200).contains("Saved as version 2."));
    assert_eq!(api.get("/api/docs/7", &[]).await.json()["body"], "a\n\nb\n");

    // Deleted while edited: the page offers to keep the text as a new document.
    let gone = api
        .send(
            Method::DELETE,
            "/api/docs/7",
            &[("if-match", "\"v2\"")],
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
