//! A table of malformed requests. None is answered 5xx, each has
//! a problem+json body of its status, and nothing is written.

use reqwest::Method;
use serde_json::{Value, json};

use crate::{Backend, Service, Subject, fresh_database};

const J: &str = "application/json";
const MP: &str = "application/merge-patch+json";

/// One malformed request and the status it must get.
pub struct Case {
    what: &'static str,
    method: Method,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<(&'static str, String)>,
    status: u16,
}

/// A case without headers or body.
pub fn case(what: &'static str, method: Method, path: &str, status: u16) -> Case {
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
    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// Sets the body and its `Content-Type` (none where it is empty).
    #[must_use]
    pub fn body(mut self, content_type: &'static str, text: impl Into<String>) -> Self {
        self.body = Some((content_type, text.into()));
        self
    }

    /// Sets a JSON body sent as `content_type`.
    #[must_use]
    pub fn json(self, content_type: &'static str, body: &Value) -> Self {
        self.body(content_type, body.to_string())
    }
}

/// `base` with `key` set to `value` (or removed, for `None`).
fn with(mut base: Value, key: &str, value: Option<Value>) -> Value {
    let members = base.as_object_mut().expect("an object");
    match value {
        Some(value) => members.insert(key.to_owned(), value),
        None => members.remove(key),
    };
    base
}

#[allow(clippy::too_many_lines)] // one row per case reads best as one table
fn table(s: &Subject) -> Vec<Case> {
    use Method as M;
    let (u, c) = (&s.path(1), s.collection);
    let [fa, fb] = s.fields;
    let put = s.put_body("X", "x@x.org");
    let good_put = &put.to_string();
    let mut new = s.new_body(1, "X");
    new.as_object_mut().unwrap().remove("id");
    let new_with = |key: &str, value: Value| with(new.clone(), key, Some(value));
    let put_with = |key: &str, value: Value| with(put.clone(), key, Some(value));
    let many_tags = vec!["\"v1\""; 40].join(", ");
    let over = s.body_limit + 1024;
    vec![
        // Precondition headers (400, never ignored; oversize 4xx).
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
        case("If-Match space inside", M::PUT, u, 400)
            .header("if-match", "\"v 1\"")
            .body(J, good_put),
        case("If-None-Match garbage on write", M::PATCH, u, 400)
            .header("if-none-match", "abc")
            .json(MP, &json!({fa: "Y"})),
        case("If-None-Match garbage on read", M::GET, u, 400).header("if-none-match", "abc"),
        case("If-Match garbage on delete", M::DELETE, u, 400).header("if-match", "v1"),
        case("If-Match with 40 tags", M::PUT, u, 431)
            .header("if-match", many_tags)
            .body(J, good_put),
        case("If-None-Match overlong tag", M::GET, u, 431)
            .header("if-none-match", format!("\"{}\"", "a".repeat(3000))),
        // Bodies: invalid JSON is 400, wrong shape or types 422.
        case("POST invalid JSON", M::POST, c, 400).body(J, format!("{{\"{fa}\": ")),
        case("POST not JSON at all", M::POST, c, 400).body(J, "hello"),
        case("POST empty body", M::POST, c, 400).body(J, ""),
        case("POST JSON array", M::POST, c, 422).body(J, "[]"),
        case("POST missing a field", M::POST, c, 422).json(J, &with(new.clone(), fb, None)),
        case("POST field is a number", M::POST, c, 422).json(J, &new_with(fa, json!(5))),
        case("POST unknown member", M::POST, c, 422).json(J, &new_with("admin", json!(true))),
        case("POST blank field", M::POST, c, 422).json(J, &new_with(fa, json!(" "))),
        case("POST empty sensitive field", M::POST, c, 422)
            .json(J, &new_with(s.sensitive, json!(""))),
        case("POST id zero", M::POST, c, 422).json(J, &new_with("id", json!(0))),
        case("POST negative id", M::POST, c, 422).json(J, &new_with("id", json!(-4))),
        case("POST id too large", M::POST, c, 422).body(
            J,
            new_with("id", json!(0))
                .to_string()
                .replace("\"id\":0", "\"id\":18446744073709551616"),
        ),
        case("POST field of 201 characters", M::POST, c, 422)
            .json(J, &new_with(fa, json!("n".repeat(201)))),
        case("POST nested arrays for an object", M::POST, c, 422)
            .body(J, format!("{}{}", "[".repeat(500), "]".repeat(500))),
        case("PATCH nested past the recursion limit", M::PATCH, u, 400)
            .header("if-match", "\"v1\"")
            .body(
                MP,
                format!(r#"{{"{fa}":{}{}}}"#, "[".repeat(500), "]".repeat(500)),
            ),
        case("PUT body id differs from path", M::PUT, u, 422)
            .header("if-match", "\"v1\"")
            .json(J, &put_with("id", json!(2))),
        case("PUT version is a string", M::PUT, u, 422).json(J, &put_with("version", json!("1"))),
        case("PUT version zero", M::PUT, u, 422).json(J, &put_with("version", json!(0))),
        case("PUT version fractional", M::PUT, u, 422).json(J, &put_with("version", json!(1.5))),
        case("PATCH body id differs from path", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .json(MP, &json!({"id": 2})),
        case("PATCH not an object", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .body(MP, "[1]"),
        case("PATCH removes a required member", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .json(MP, &json!({fb: null})),
        case("PATCH unknown member", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .json(MP, &json!({"role": "admin"})),
        case("PATCH blank field", M::PATCH, u, 422)
            .header("if-match", "\"v1\"")
            .json(MP, &json!({fa: ""})),
        case("PATCH version negative", M::PATCH, u, 422).json(MP, &json!({fa: "Y", "version": -1})),
        case("PATCH invalid JSON", M::PATCH, u, 400)
            .header("if-match", "\"v1\"")
            .body(MP, "{"),
        // Media types and sizes.
        case("POST without content type", M::POST, c, 415).json("", &new),
        case("POST as text/plain", M::POST, c, 415).body("text/plain", "{}"),
        // The media type is refused before the body is read.
        case("POST over the body limit as text/plain", M::POST, c, 415)
            .body("text/plain", "x".repeat(over)),
        case("PATCH as application/json", M::PATCH, u, 415)
            .header("if-match", "\"v1\"")
            .json(J, &json!({fa: "Y"})),
        case("PUT as form", M::PUT, u, 415)
            .header("if-match", "\"v1\"")
            .body("application/x-www-form-urlencoded", format!("{fa}=X")),
        case("POST body over the body limit", M::POST, c, 413)
            .json(J, &new_with(fa, json!("x".repeat(over)))),
        // Paths and ids.
        case("id not a number", M::GET, &format!("{c}/abc"), 400),
        case("id negative", M::GET, &format!("{c}/-1"), 400),
        case(
            "id too large",
            M::GET,
            &format!("{c}/18446744073709551616"),
            400,
        ),
        case("id with a fraction", M::PUT, &format!("{c}/1.5"), 400)
            .header("if-match", "\"v1\"")
            .body(J, good_put),
        case("unknown route", M::GET, "/api/nope", 404),
        case("nested path", M::GET, &format!("{u}/extra"), 404),
        case("method not allowed on item", M::POST, u, 405).body(J, "{}"),
        case("method not allowed on collection", M::DELETE, c, 405),
        // Missing preconditions and unknown ids.
        case("DELETE without If-Match", M::DELETE, u, 428),
        case("PUT without any precondition", M::PUT, u, 428).body(J, good_put),
        case("PUT unknown id", M::PUT, &s.path(77), 404)
            .header("if-match", "\"v1\"")
            .body(J, good_put),
        case("PATCH unknown id", M::PATCH, &s.path(77), 404)
            .header("if-match", "\"v1\"")
            .body(MP, "{}"),
        case("DELETE unknown id", M::DELETE, &s.path(77), 404).header("if-match", "\"v1\""),
        case("duplicate create", M::POST, c, 409).json(J, &s.new_body(1, "Dup")),
    ]
}

/// Sends every case of the common table and the service's `extra` ones
/// (against resource 1, which exists) and checks that each is a problem
/// of its status and that nothing was written.
pub async fn run(subject: &Subject, backend: Backend, extra: Vec<Case>) {
    let service = Service::start(subject, &fresh_database(backend).await);
    let api = service.client();
    assert_eq!(
        api.create(&subject.new_body(1, "Original")).await.status,
        201
    );
    let before = api.get(subject.collection, &[]).await.text;
    let mut cases = table(subject);
    cases.extend(extra);
    assert!(cases.len() >= 50, "{} cases", cases.len());
    let mut failures = Vec::new();
    // A connection per case: some answers close theirs (408, 413), and a
    // pooled connection the server is closing can fail the next case.
    let unpooled = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .expect("a client without a pool");
    for case in &cases {
        let mut request =
            unpooled.request(case.method.clone(), format!("{}{}", api.base, case.path));
        for (name, value) in &case.headers {
            request = request.header(*name, value);
        }
        if let Some((content_type, text)) = &case.body {
            if !content_type.is_empty() {
                request = request.header("content-type", *content_type);
            }
            request = request.body(text.clone());
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
        let problem: Option<Value> = serde_json::from_str(&text).ok();
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
        api.get(subject.collection, &[]).await.text,
        before,
        "nothing was written"
    );
}
