//! The resource a service serves, as far as the suites need to know it.

use serde_json::{Value, json};

/// A service under test and the shape of its resource: two plain text
/// fields (the second holds email addresses, valid text for any field)
/// and one write-only sensitive field.
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    /// The service binary (`env!("CARGO_BIN_EXE_…")`).
    pub binary: &'static str,
    /// The collection path, such as `/api/users`.
    pub collection: &'static str,
    /// The resource name in problem details, such as `User`.
    pub resource: &'static str,
    /// Two text fields, such as `["name", "email"]`.
    pub fields: [&'static str; 2],
    /// The sensitive, write-only field.
    pub sensitive: &'static str,
    /// Whether the service turns on optimist's "already applied" policy.
    pub already_applied: bool,
    /// The `Cache-Control` of its tagged responses.
    pub caching: &'static str,
    /// The largest request body it reads, in bytes.
    pub body_limit: usize,
    /// The members its representation has beyond the two text fields, as
    /// a new resource has them (a JSON object).
    pub defaults: &'static str,
    /// Whether it keeps revision history, so that a stale write merges
    /// three ways and a conflict shows each field's base value.
    pub history: bool,
    /// An integer field merged as a counter, where it has one.
    pub counter: Option<&'static str>,
}

impl Subject {
    /// The users service of `binary`, which reads bodies of up to
    /// `body_limit` bytes.
    #[must_use]
    pub const fn users(binary: &'static str, body_limit: usize) -> Subject {
        Subject {
            binary,
            collection: "/api/users",
            resource: "User",
            fields: ["name", "email"],
            sensitive: "password",
            already_applied: true,
            caching: "private, no-cache",
            body_limit,
            defaults: "{}",
            history: false,
            counter: None,
        }
    }

    /// The docs service of `binary`, which reads bodies of up to
    /// `body_limit` bytes.
    #[must_use]
    pub const fn docs(binary: &'static str, body_limit: usize) -> Subject {
        Subject {
            binary,
            collection: "/api/docs",
            resource: "Doc",
            fields: ["title", "body"],
            sensitive: "accessKey",
            already_applied: false,
            caching: "no-cache",
            body_limit,
            defaults: r#"{"tags": [], "likes": 0, "sourceTitle": "", "sourceUrl": ""}"#,
            history: true,
            counter: Some("likes"),
        }
    }

    /// The path of the resource with `id`.
    #[must_use]
    pub fn path(&self, id: u64) -> String {
        format!("{}/{id}", self.collection)
    }

    /// A create body: `a` in the first field, an address in the second.
    #[must_use]
    pub fn new_body(&self, id: u64, a: &str) -> Value {
        let [fa, fb] = self.fields;
        json!({"id": id, fa: a, fb: format!("user{id}@example.org"), self.sensitive: "pw-initial-key"})
    }

    /// A PUT body with both text fields.
    #[must_use]
    pub fn put_body(&self, a: &str, b: &str) -> Value {
        let [fa, fb] = self.fields;
        json!({fa: a, fb: b})
    }

    /// What the service returns for the resource.
    #[must_use]
    pub fn view(&self, id: u64, a: &str, b: &str, version: u64) -> Value {
        let [fa, fb] = self.fields;
        let mut view = json!({"id": id, fa: a, fb: b, "version": version});
        let defaults: Value = serde_json::from_str(self.defaults).expect("defaults are JSON");
        optimist::apply_merge_patch(&mut view, &defaults);
        view
    }
}
