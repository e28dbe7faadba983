//! SPEC §5: a table of malformed requests. None is answered 5xx, each has a
//! problem+json body, and nothing is written.

mod support;

use reqwest::Method;
use support::{Backend, Service, USERS, fresh_database, user};

const J: &str = "application/json";
const MP: &str = "application/merge-patch+json";

struct Case {
    what: &'static str,
    method: Method,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<(&'static str, String)>,
    status: u16,
}

fn case(what: &'static str, method: Method, path: &str, status: u16) -> Case {
    Case {
        what,
        method,
        path: path.into(),
        headers: vec![],
        body: None,
        status,
    }
}

impl Case {
    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
    fn body(mut self, content_type: &'static str, text: impl Into<String>) -> Self {
        self.body = Some((content_type, text.into()));
        self
    }
}

#[allow(clippy::too_many_lines)] // one row per case reads best as one table
fn table() -> Vec<Case> {
    use Method as M;
    let u = "/api/users/1";
    let good_put = r#"{"name":"X","email":"x@x.org"}"#;
    let many_tags = vec!["\"v1\""; 40].join(", ");
    vec![
        // Precondition headers (SPEC §5: 400, never ignored; oversize 4xx).
        case("If-Match without quotes", M::PUT, u, 400)
            .header("if-match", "v1")
            .body(J, good_put),
        case("If-Match unterminated", M::PUT, u, 400)
            .header("if-match", "\"v1")
            .body(J, good_put),
        case("If-Match lower-case weak prefix", M::PUT, u, 400)
            .header("if-match", "w/\"v1\"")
            .body(J, good_put),
        case("If-Match star in a list", M::PUT, u, 400)
            .header("if-match", "*, \"v1\"")
            .body(J, good_put),
        case("If-Match two tags without comma", M::PUT, u, 400)
            .header("if-match", "\"v1\" \"v2\"")
            .body(J, good_put),
        case("If-Match empty", M::PUT, u, 400)
            .header("if-match", "")
            .body(J, good_put),
        case("If-Match only commas", M::PUT, u, 400)
            .header("if-match", " , ,")
            .body(J, good_put),
        case("If-Match space inside", M::PUT, u, 400)
            .header("if-match", "\"v 1\"")
            .body(J, good_put),
        case("If-None-Match garbage on write", M::PATCH, u, 400)
            .header("if-none-match", "abc")
            .body(MP, r#"{"name":"Y"}"#),
        case("If-None-Match garbage on read", M::GET, u, 400).header("if-none-match", "abc"),
        case("If-Match garbage on delete", M::DELETE, u, 400).header("if-match", "v1"),
        case("If-Match with 40 tags", M::PUT, u, 431)
            .header("if-match", many_tags.clone())
            .body(J, good_put),
        case("If-None-Match overlong tag", M::GET, u, 431)
            .header("if-none-match", format!("\"{}\"", "a".repeat(3000))),
        // Bodies: invalid JSON is 400, wrong shape or types 422.
        case("POST invalid JSON", M::POST, "/api/users", 400).body(J, "{\"name\": "),
        case("POST not JSON at all", M::POST, "/api/users", 400).body(J, "hello"),
        case("POST empty body", M::POST, "/api/users", 400).body(J, ""),
        case("POST JSON array", M::POST, "/api/users", 422).body(J, "[]"),
        case("POST missing email", M::POST, "/api/users", 422)
            .body(J, r#"{"name":"X","password":"p"}"#),
        case("POST name is a number", M::POST, "/api/users", 422)
            .body(J, r#"{"name":5,"email":"x@x.org","password":"p"}"#),
        case("POST unknown member", M::POST, "/api/users", 422).body(
            J,
            r#"{"name":"X","email":"x@x.org","password":"p","admin":true}"#,
        ),
        case("POST empty name", M::POST, "/api/users", 422)
            .body(J, r#"{"name":" ","email":"x@x.org","password":"p"}"#),
        case("POST invalid email", M::POST, "/api/users", 422)
            .body(J, r#"{"name":"X","email":"nope","password":"p"}"#),
        case("POST empty password", M::POST, "/api/users", 422)
            .body(J, r#"{"name":"X","email":"x@x.org","password":""}"#),
        case("POST id zero", M::POST, "/api/users", 422)
            .body(J, r#"{"id":0,"name":"X","email":"x@x.org","password":"p"}"#),
        case("POST negative id", M::POST, "/api/users", 422).body(
            J,
            r#"{"id":-4,"name":"X","email":"x@x.org","password":"p"}"#,
        ),
        case("POST id too large", M::POST, "/api/users", 422).body(
            J,
            r#"{"id":18446744073709551616,"name":"X","email":"x@x.org","password":"p"}"#,
        ),
        case("POST name of 201 characters", M::POST, "/api/users", 422).body(
            J,
            format!(
                r#"{{"name":"{}","email":"x@x.org","password":"p"}}"#,
                "n".repeat(201)
            ),
        ),
        case(
            "POST nested arrays for an object",
            M::POST,
            "/api/users",
            422,
        )
        .body(J, format!("{}{}", "[".repeat(500), "]".repeat(500))),
        case("PATCH nested past the recursion limit", M::PATCH, u, 400)
            .header("if-match", "\"v1\"")
            .body(
                MP,
                format!(r#"{{"name":{}{}}}"#, "[".repeat(500), "]".repeat(500)),
            ),
        case("PUT body id differs from path", M::PUT, u, 422)
            .header("if-match", "\"v1\"")
            .body(J, r#"{"id":2,"name":"X","email":"x@x.org"}"#),
        case("PUT version is a string", M::PUT, u, 422)
            .body(J, r#"{"name":"X","email":"x@x.org","version":"1"}"#),
        case("PUT version zero", M::PUT, u, 422)
            .body(J, r#"{"name":"X","email":"x@x.org","version":0}"#),
        case("PUT version newer than current", M::PUT, u, 422)
            .body(J, r#"{"name":"X","email":"x@x.org","version":7}"#),
        case("PUT version fractional", M::PUT, u, 422)
            .body(J, r#"{"name":"X","email":"x@x.org","version":1.5}"#),
        case("PATCH body id differs from path", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .body(MP, r#"{"id":2}"#),
        case("PATCH not an object", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .body(MP, "[1]"),
        case("PATCH removes a required member", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .body(MP, r#"{"email":null}"#),
        case("PATCH unknown member", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .body(MP, r#"{"role":"admin"}"#),
        case("PATCH invalid email", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .body(MP, r#"{"email":"@"}"#),
        case("PATCH version negative", M::PATCH, u, 422).body(MP, r#"{"name":"Y","version":-1}"#),
        case("PATCH invalid JSON", M::PATCH, u, 400)
            .header("if-match", "\"v1\"")
            .body(MP, "{"),
        // Media types and sizes.
        case("POST without content type", M::POST, "/api/users", 415)
            .body("", r#"{"name":"X","email":"x@x.org","password":"p"}"#),
        case("POST as text/plain", M::POST, "/api/users", 415).body("text/plain", "{}"),
        case("PATCH as application/json", M::PATCH, u, 415)
            .header("if-match", "\"v1\"")
            .body(J, r#"{"name":"Y"}"#),
        case("PUT as form", M::PUT, u, 415)
            .header("if-match", "\"v1\"")
            .body("application/x-www-form-urlencoded", "name=X"),
        case("POST body over 64 KiB", M::POST, "/api/users", 413)
            .body(J, format!(r#"{{"name":"{}"}}"#, "x".repeat(70_000))),
        // Paths and ids.
        case("id not a number", M::GET, "/api/users/abc", 400),
        case("id negative", M::GET, "/api/users/-1", 400),
        case(
            "id too large",
            M::GET,
            "/api/users/18446744073709551616",
            400,
        ),
        case("id with a fraction", M::PUT, "/api/users/1.5", 400)
            .header("if-match", "\"v1\"")
            .body(J, good_put),
        case("unknown route", M::GET, "/api/nope", 404),
        case("nested path", M::GET, "/api/users/1/extra", 404),
        case("method not allowed on item", M::POST, u, 405).body(J, "{}"),
        case(
            "method not allowed on collection",
            M::DELETE,
            "/api/users",
            405,
        ),
        // Missing preconditions and unknown ids.
        case("DELETE without If-Match", M::DELETE, u, 428),
        case("PUT without any precondition", M::PUT, u, 428).body(J, good_put),
        case("PUT unknown id", M::PUT, "/api/users/77", 404)
            .header("if-match", "\"v1\"")
            .body(J, good_put),
        case("PATCH unknown id", M::PATCH, "/api/users/77", 404)
            .header("if-match", "\"v1\"")
            .body(MP, "{}"),
        case("DELETE unknown id", M::DELETE, "/api/users/77", 404).header("if-match", "\"v1\""),
        case("duplicate create", M::POST, "/api/users", 409).body(J, user(1, "Dup").to_string()),
    ]
}

async fn every_malformed_request_is_a_4xx_problem(backend: Backend) {
    let service = Service::start(&USERS, &fresh_database(backend).await);
    let api = service.client();
    assert_eq!(api.create(&user(1, "Original")).await.status, 201);
    let before = api.get("/api/users", &[]).await.text;
    let cases = table();
    assert!(cases.len() >= 40, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let headers: Vec<(&str, &str)> =
            case.headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let body = case.body.as_ref().map(|(t, b)| (*t, b.as_str()));
        let mut request = api
            .client
            .request(case.method.clone(), format!("{}{}", api.base, case.path));
        for (name, value) in &headers {
            request = request.header(*name, *value);
        }
        if let Some((content_type, text)) = body {
            if !content_type.is_empty() {
                request = request.header("content-type", content_type);
            }
            request = request.body(text.to_owned());
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: connection failed: {e}", case.what));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        let problem: Option<serde_json::Value> = serde_json::from_str(&text).ok();
        let well_formed = content_type.as_deref() == Some("application/problem+json")
            && problem.as_ref().is_some_and(|p| {
                p["status"] == status && p["type"].is_string() && p["detail"].is_string()
            });
        if status != case.status || !well_formed {
            failures.push(format!("{}: {status} {content_type:?} {text}", case.what));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    assert_eq!(
        api.get("/api/users", &[]).await.text,
        before,
        "nothing was written"
    );
}

#[tokio::test]
async fn sqlite_bad_input() {
    every_malformed_request_is_a_4xx_problem(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_bad_input() {
    every_malformed_request_is_a_4xx_problem(Backend::Postgres).await;
}
