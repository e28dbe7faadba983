//! The common table of malformed requests (none is a 5xx, each a
//! problem+json, nothing written), and the docs service's own rules.

mod support;

use optimist_conformance::bad_input::{self, Case, case};
use reqwest::Method;
use support::DOCS;

fn doc_rules() -> Vec<Case> {
    let (j, mp) = ("application/json", "application/merge-patch+json");
    let over_limit = format!(
        r#"{{"title":"T","body":"{}"}}"#,
        "b".repeat(optimist_example_docs::BODY_LIMIT)
    );
    vec![
        case(
            "POST text over 1 MiB characters",
            Method::POST,
            "/api/docs",
            422,
        )
        .body(
            j,
            format!(
                r#"{{"title":"T","body":"{}","accessKey":"key-12345"}}"#,
                "b".repeat(1024 * 1024 + 1)
            ),
        ),
        // A stale write is refused before its body is read: even one over
        // the body limit is a 412, not a 413.
        case(
            "stale PUT over the body limit",
            Method::PUT,
            "/api/docs/1",
            412,
        )
        .header("if-match", "\"v9\"")
        .body(j, over_limit.clone()),
        case(
            "stale PATCH over the body limit",
            Method::PATCH,
            "/api/docs/1",
            412,
        )
        .header("if-match", "\"v9\"")
        .body(mp, over_limit),
        case("POST short access key", Method::POST, "/api/docs", 422)
            .body(j, r#"{"title":"T","body":"","accessKey":"short"}"#),
        case("PATCH of the history", Method::PATCH, "/api/docs/1", 422)
            .header("if-match", "\"v1\"")
            .body(mp, r#"{"revisions":[]}"#),
        case(
            "revisions range not a number",
            Method::GET,
            "/api/docs/1/revisions?to=x",
            400,
        ),
        case(
            "revisions unknown query",
            Method::GET,
            "/api/docs/1/revisions?since=1",
            400,
        ),
        case(
            "revision not a number",
            Method::GET,
            "/api/docs/1/revisions/v1",
            400,
        ),
        case(
            "revision never made",
            Method::GET,
            "/api/docs/1/revisions/2",
            404,
        ),
        case(
            "revisions of an unknown doc",
            Method::GET,
            "/api/docs/9/revisions",
            404,
        ),
        case(
            "revisions are read-only",
            Method::DELETE,
            "/api/docs/1/revisions/1",
            405,
        ),
    ]
}

optimist_conformance::each_backend!(malformed, |backend| {
    bad_input::run(&DOCS, backend, doc_rules())
});
