//! The fingerprint a store keeps for a keyed request: a plain SHA-256 of
//! the request without a secret, an HMAC under one, which still replays
//! retries and refuses another request with the key.

use http::{HeaderMap, Method};
use optimist::store::KeyedStore;
use optimist::{Collection, Idempotency, MemoryStore};

#[derive(optimist::Versioned, serde::Serialize, serde::Deserialize, Clone, Debug)]
struct Login {
    id: u64,
    version: u64,
    password: String,
}

fn keyed(body: &[u8]) -> Idempotency {
    let mut headers = HeaderMap::new();
    headers.insert("idempotency-key", "\"k\"".parse().unwrap());
    Idempotency::from_request(&headers, &Method::POST, "/logins", body)
        .unwrap()
        .unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

#[tokio::test]
async fn a_secret_keeps_the_fingerprint_unguessable() {
    let body = br#"{"id":1,"version":0,"password":"hunter2"}"#;
    let login: Login = serde_json::from_slice(body).unwrap();
    let key = keyed(body);
    for secret in [None, Some("the service's secret")] {
        let mut logins = Collection::new(MemoryStore::<Login>::new(), "/logins");
        if let Some(secret) = secret {
            logins = logins.fingerprint_secret(secret);
        }
        let first = logins
            .keyed(Some(&key))
            .post::<Login>(&login)
            .await
            .unwrap();
        let kept = logins
            .store()
            .receipt("", "k", now())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            kept.fingerprint == key.fingerprint(),
            secret.is_none(),
            "plain without a secret, an HMAC under one"
        );
        assert_eq!(kept.fingerprint.len(), 64);
        let retry = logins
            .keyed(Some(&key))
            .post::<Login>(&login)
            .await
            .unwrap();
        assert_eq!(retry, first, "a retry replays");
        let other = keyed(br#"{"id":1,"version":0,"password":"other"}"#);
        let reused = logins
            .keyed(Some(&other))
            .post::<Login>(&login)
            .await
            .unwrap_err();
        assert_eq!(reused.status(), 422);
    }
}
