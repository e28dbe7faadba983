//! The client retry helper (`optimist::client::update`) under contention:
//! 8 clients × 50 read-modify-write increments of one counter end at
//! exactly 400, each landed once.

use std::time::Duration;

use optimist::client::{Retry, Via, update};
use serde_json::{Value, json};

use crate::{Backend, Service, Subject, fresh_database};

/// Clients, and increments per client.
pub const CLIENTS: u64 = 8;
/// Increments per client.
pub const INCREMENTS: u64 = 50;

/// Runs the contended counter against a fresh `backend` database, each
/// write carrying the precondition `via`.
pub async fn contended_counter(subject: &Subject, backend: Backend, via: Via) {
    let service = Service::start(subject, &fresh_database(backend).await);
    // A counter field merges concurrent increments; a text field holds
    // the count as a string, each stale write a conflict to retry.
    let field = subject.counter.unwrap_or(subject.fields[0]);
    let count = |value: &Value| {
        value
            .as_u64()
            .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
            .unwrap()
    };
    assert_eq!(
        service
            .client()
            .create(&subject.new_body(1, "0"))
            .await
            .status,
        201
    );
    let url = format!("{}{}", service.base, subject.path(1));
    let retry = Retry::default()
        .attempts(10_000)
        .backoff(Duration::from_millis(1), Duration::from_millis(20))
        .via(via);
    let increment = move |mut resource: Value| {
        let n = count(&resource[field]);
        resource[field] = match resource[field] {
            Value::String(_) => json!((n + 1).to_string()),
            _ => json!(n + 1),
        };
        resource
    };
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let (client, url) = (reqwest::Client::new(), url.clone());
            tokio::spawn(async move {
                for _ in 0..INCREMENTS {
                    update(&client, &url, &retry, increment).await.unwrap();
                }
            })
        })
        .collect();
    for client in clients {
        client.await.unwrap();
    }
    let last = service.client().get(&subject.path(1), &[]).await.json();
    let total = CLIENTS * INCREMENTS;
    assert_eq!(
        count(&last[field]),
        total,
        "every increment landed exactly once: {last}"
    );
    assert_eq!(last["version"], total + 1);
}
