//! `demo`: starts the users service on a free port (a fresh SQLite file)
//! and plays the lost-update story as two clients, printing every request
//! and response, so a newcomer learns the protocol by reading it.

use std::fmt::Write as _;

use optimist_example_users::{App, CLIENT_TIMEOUT, router, serve};
use reqwest::{Client, Method, Response};
use serde_json::{Value, json};
use tokio::net::TcpListener;

struct Demo {
    client: Client,
    base: String,
}

impl Demo {
    async fn send(
        &self,
        who: &str,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Value)>,
    ) -> Response {
        let mut request = self
            .client
            .request(method.clone(), format!("{}{path}", self.base));
        let mut shown = format!("\n{who}:\n  > {method} {path}\n");
        for (name, value) in headers {
            request = request.header(*name, *value);
            let _ = writeln!(shown, "  > {name}: {value}");
        }
        if let Some((content_type, json)) = body {
            let _ = writeln!(shown, "  > Content-Type: {content_type}\n  > {json}");
            request = request
                .header("content-type", content_type)
                .body(json.to_string());
        }
        let response = request.send().await.expect("the demo service answers");
        let _ = writeln!(shown, "  < {}", response.status());
        for name in ["etag", "location", "content-type"] {
            if let Some(value) = response.headers().get(name) {
                let _ = writeln!(shown, "  < {name}: {}", value.to_str().unwrap_or("?"));
            }
        }
        print!("{shown}");
        response
    }

    /// Sends, prints the body, and returns the ETag and body.
    async fn call(
        &self,
        who: &str,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, Value)>,
    ) -> (String, Value) {
        let response = self.send(who, method, path, headers, body).await;
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        let text = response.text().await.unwrap_or_default();
        let json: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
        if !json.is_null() {
            let pretty = serde_json::to_string_pretty(&json).unwrap_or(text);
            println!("  < {}", pretty.replace('\n', "\n  < "));
        }
        (etag, json)
    }
}

fn say(text: &str) {
    println!("\n── {text}");
}

/// The story, step by step.
async fn story(demo: &Demo) {
    let json = "application/json";
    let merge_patch = "application/merge-patch+json";
    let user_url = "/api/users/123";

    say("Alice creates user 123. The answer carries its version as an ETag.");
    let user = json!({"id": 123, "name": "John Smith", "email": "john@example.org", "password": "correct horse"});
    demo.call(
        "Alice",
        Method::POST,
        "/api/users",
        &[],
        Some((json, user.clone())),
    )
    .await;

    say("Creating it again is refused: the id exists.");
    demo.call("Alice", Method::POST, "/api/users", &[], Some((json, user)))
        .await;

    say("Alice and Bob both read the user: both hold version 1.");
    let (v1, _) = demo.call("Alice", Method::GET, user_url, &[], None).await;
    demo.call("Bob", Method::GET, user_url, &[], None).await;

    say("Reading again with If-None-Match: the copy is current, 304 and no body.");
    demo.call(
        "Bob",
        Method::GET,
        user_url,
        &[("If-None-Match", &v1)],
        None,
    )
    .await;

    say("Alice changes the email, conditional on the version she read.");
    let alice = json!({"name": "John Smith", "email": "j.smith@example.org"});
    demo.call(
        "Alice",
        Method::PUT,
        user_url,
        &[("If-Match", &v1)],
        Some((json, alice)),
    )
    .await;

    say(
        "Bob, still on version 1, replaces the user with another email. A lost update? No: 409, with the field that conflicts.",
    );
    let bob = json!({"name": "John Smith", "email": "john.smith@example.org", "version": 1});
    demo.call("Bob", Method::PUT, user_url, &[], Some((json, bob)))
        .await;

    say(
        "Bob patches only the name, still based on version 1. Alice did not touch the name: merged.",
    );
    demo.call(
        "Bob",
        Method::PATCH,
        user_url,
        &[],
        Some((merge_patch, json!({"name": "Johnny Smith", "version": 1}))),
    )
    .await;

    say(
        "Bob tries again with If-Match of version 1: a header precondition is never merged around. 412.",
    );
    let bob = json!({"name": "Johnny Smith", "email": "john.smith@example.org"});
    demo.call(
        "Bob",
        Method::PUT,
        user_url,
        &[("If-Match", &v1)],
        Some((json, bob.clone())),
    )
    .await;

    say("A write with no precondition at all could lose an update: 428.");
    demo.call("Bob", Method::PUT, user_url, &[], Some((json, bob.clone())))
        .await;

    say(
        "Bob re-reads, sees Alice's email, decides his is right, and retries with the current ETag: it succeeds.",
    );
    let (current, _) = demo.call("Bob", Method::GET, user_url, &[], None).await;
    demo.call(
        "Bob",
        Method::PUT,
        user_url,
        &[("If-Match", &current)],
        Some((json, bob)),
    )
    .await;

    say(
        "Every change was made knowingly: Bob's name edit merged, and his email replaced Alice's only after he had seen it.",
    );
    demo.call("Alice", Method::GET, user_url, &[], None).await;
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("optimist-demo-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let app = App::connect(&format!(
        "sqlite://{}?mode=rwc",
        dir.join("demo.db").display()
    ))
    .await?;
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(
        listener,
        router(app, CLIENT_TIMEOUT),
        CLIENT_TIMEOUT,
        async {
            let _ = stopped.await;
        },
    ));
    println!("The users service is running at {base} on a fresh SQLite file.");
    story(&Demo {
        client: Client::new(),
        base,
    })
    .await;

    let _ = stop.send(());
    server.await??;
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
