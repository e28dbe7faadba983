//! The common table of malformed requests (none is a 5xx, each a
//! problem+json, nothing written), and the users service's own rules.

mod support;

use optimist_conformance::bad_input::{self, Case, case};
use reqwest::Method;
use support::USERS;

fn email_rules() -> Vec<Case> {
    vec![
        case("POST invalid email", Method::POST, "/api/users", 422).body(
            "application/json",
            r#"{"name":"X","email":"nope","password":"p"}"#,
        ),
        case("PATCH invalid email", Method::PATCH, "/api/users/1", 422)
            .header("if-match", "\"v1\"")
            .body("application/merge-patch+json", r#"{"email":"@"}"#),
    ]
}

optimist_conformance::each_backend!(malformed, |backend| {
    bad_input::run(&USERS, backend, email_rules())
});
