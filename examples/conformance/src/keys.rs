//! `Idempotency-Key`, from outside: a write retried with its key happens
//! once and gets its first answer again; a key reused for another request
//! is 422; a key expires; duplicates racing each other, on one process or
//! three sharing PostgreSQL, create one resource; an answer lost on the
//! wire and a service killed with SIGKILL lose nothing and double nothing.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::Method;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::{Api, Backend, Reply, Service, Subject, fresh_database};

/// A new resource's body without an id: the service numbers it, so a
/// create that ran twice would leave two.
fn unnumbered(subject: &Subject, a: &str) -> String {
    let mut body = subject.new_body(0, a);
    body.as_object_mut().unwrap().remove("id");
    body.to_string()
}

/// POST `body` to the collection with `key` (quoted here).
async fn post(api: &Api, key: &str, body: &str) -> Reply {
    let key = format!("\"{key}\"");
    api.send(
        Method::POST,
        api.collection,
        &[("idempotency-key", &key)],
        Some(("application/json", body)),
    )
    .await
}

/// What a client compares between an answer and its replay.
fn answer(reply: &Reply) -> (u16, Option<String>, Option<String>, String) {
    (
        reply.status.as_u16(),
        reply.header("etag"),
        reply.header("location"),
        reply.text.clone(),
    )
}

/// The ids of every resource, page by page.
async fn all_ids(api: &Api) -> Vec<u64> {
    let mut ids = Vec::new();
    loop {
        let after = ids
            .last()
            .map_or(String::new(), |id| format!("&after={id}"));
        let page = api
            .get(&format!("{}?limit=100{after}", api.collection), &[])
            .await
            .json();
        let page: Vec<u64> = page
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_u64().unwrap())
            .collect();
        if page.is_empty() {
            return ids;
        }
        ids.extend(page);
    }
}

/// Retries with the key get the first answer; the key with another
/// request is 422; a malformed key is 400; PUT, PATCH and DELETE replay
/// too, with no new version.
pub async fn retries_replay(subject: &Subject, backend: Backend) {
    let service = Service::start(subject, &fresh_database(backend).await);
    let api = service.client();
    let body = unnumbered(subject, "Keyed");
    let first = post(&api, "create-1", &body).await;
    assert_eq!(first.status, 201, "{first:?}");
    let retry = post(&api, "create-1", &body).await;
    assert_eq!(
        answer(&retry),
        answer(&first),
        "the retry is the first answer"
    );
    assert_eq!(all_ids(&api).await.len(), 1, "one resource");

    let other = post(&api, "create-1", &unnumbered(subject, "Other")).await;
    let problem = other.assert_problem(422);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("#idempotency-key-reused"),
        "{problem}"
    );
    let malformed = api
        .send(
            Method::POST,
            api.collection,
            &[("idempotency-key", "no-quotes")],
            Some(("application/json", &body)),
        )
        .await;
    let problem = malformed.assert_problem(400);
    assert!(
        problem["type"]
            .as_str()
            .unwrap()
            .ends_with("#bad-idempotency-key"),
        "{problem}"
    );
    assert_eq!(all_ids(&api).await.len(), 1, "refusals write nothing");

    writes_replay(&api, subject, &first).await;
}

/// A PUT, PATCH and DELETE of the resource `created` made, each retried
/// after it took effect: the first answer again, not a 412 or 404.
async fn writes_replay(api: &Api, subject: &Subject, created: &Reply) {
    // The PUT's If-Match is stale by its retry, yet the retry gets its
    // 200 again, and no new version.
    let first = created;
    let path = first.header("location").unwrap();
    let v1 = first.etag();
    let put = subject.put_body("Put", "put@example.org").to_string();
    let put_keyed = || async {
        api.send(
            Method::PUT,
            &path,
            &[("if-match", &v1), ("idempotency-key", "\"put-1\"")],
            Some(("application/json", &put)),
        )
        .await
    };
    let put1 = put_keyed().await;
    assert_eq!(put1.status, 200, "{put1:?}");
    // Another client writes in between: the retry still gets its own
    // first answer, at the version it made, and undoes nothing.
    let between = serde_json::json!({ subject.fields[0]: "Between" }).to_string();
    let other_write = api
        .send(
            Method::PATCH,
            &path,
            &[("if-match", &put1.etag())],
            Some(("application/merge-patch+json", &between)),
        )
        .await;
    assert_eq!(other_write.status, 200, "{other_write:?}");
    let put2 = put_keyed().await;
    assert_eq!(answer(&put2), answer(&put1), "the retry replays");
    let current = api.get(&path, &[]).await;
    assert_eq!(
        current.etag(),
        other_write.etag(),
        "no new version for the retry"
    );
    assert_eq!(current.json()[subject.fields[0]], "Between");

    let field = subject.fields[0];
    let merge_patch = serde_json::json!({ field: "Patched" }).to_string();
    let v2 = other_write.etag();
    let patch_keyed = || async {
        api.send(
            Method::PATCH,
            &path,
            &[("if-match", &v2), ("idempotency-key", "\"patch-1\"")],
            Some(("application/merge-patch+json", &merge_patch)),
        )
        .await
    };
    let (patch1, patch2) = (patch_keyed().await, patch_keyed().await);
    assert_eq!(patch1.status, 200, "{patch1:?}");
    assert_eq!(answer(&patch2), answer(&patch1));

    let v3 = patch1.etag();
    let delete_keyed = || async {
        api.send(
            Method::DELETE,
            &path,
            &[("if-match", &v3), ("idempotency-key", "\"delete-1\"")],
            None,
        )
        .await
    };
    let (delete1, delete2) = (delete_keyed().await, delete_keyed().await);
    assert_eq!(
        (delete1.status.as_u16(), delete2.status.as_u16()),
        (204, 204),
        "{delete2:?}"
    );
    assert_eq!(api.get(&path, &[]).await.status, 404);
}

/// A create whose answer is lost on the wire after its commit, then
/// retried with its key: one resource, and the retry gets the answer the
/// client never saw.
pub async fn lost_answer(subject: &Subject, backend: Backend) {
    let service = Service::start(subject, &fresh_database(backend).await);
    let api = service.client();
    let body = unnumbered(subject, "Lost");
    let mut wire = TcpStream::connect(service.base.trim_start_matches("http://"))
        .await
        .unwrap();
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIdempotency-Key: \"lost-1\"\r\nContent-Length: {}\r\n\r\n{body}",
        api.collection,
        body.len()
    );
    wire.write_all(request.as_bytes()).await.unwrap();
    // The answer has begun: the write is committed. The client goes away
    // before reading it.
    let mut first_byte = [0; 1];
    wire.read_exact(&mut first_byte).await.unwrap();
    drop(wire);

    let retry = post(&api, "lost-1", &body).await;
    assert_eq!(
        retry.status, 201,
        "the retry gets the create's answer: {retry:?}"
    );
    let ids = all_ids(&api).await;
    assert_eq!(ids.len(), 1, "nothing doubled: {ids:?}");
    assert_eq!(retry.header("location").unwrap(), subject.path(ids[0]));
}

/// A key holds its answer for the service's key lifetime (1 s here);
/// after it, the same request is a new write.
pub async fn keys_expire(subject: &Subject, backend: Backend) {
    let db = fresh_database(backend).await;
    let service = Service::start_with(subject, &db, &["--key-lifetime-secs", "1"]);
    let api = service.client();
    let body = unnumbered(subject, "Expiring");
    let first = post(&api, "expiring-1", &body).await;
    assert_eq!(first.status, 201);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let later = post(&api, "expiring-1", &body).await;
    assert_eq!(later.status, 201);
    assert_ne!(
        later.header("location"),
        first.header("location"),
        "an expired key is processed anew"
    );
    assert_eq!(all_ids(&api).await.len(), 2);
}

/// Duplicates of one keyed create, sent at once to `services` (one
/// process, or several sharing a database): one resource, one answer.
async fn racing_duplicates(apis: &[Api], subject: &Subject) {
    let body = unnumbered(subject, "Racing");
    let sends: Vec<_> = (0..12)
        .map(|i| {
            let (api, body) = (apis[i % apis.len()].clone(), body.clone());
            tokio::spawn(async move { answer(&post(&api, "racing-1", &body).await) })
        })
        .collect();
    let mut answers = BTreeSet::new();
    for send in sends {
        answers.insert(send.await.unwrap());
    }
    assert_eq!(
        answers.len(),
        1,
        "every duplicate got the one answer: {answers:?}"
    );
    assert_eq!(answers.first().unwrap().0, 201);
    assert_eq!(all_ids(&apis[0]).await.len(), 1, "one resource");
}

/// Concurrent duplicates on one process.
pub async fn concurrent_duplicates(subject: &Subject, backend: Backend) {
    let service = Service::start(subject, &fresh_database(backend).await);
    racing_duplicates(&[service.client()], subject).await;
}

/// Concurrent duplicates on three processes sharing one PostgreSQL
/// database: the keys are shared too.
pub async fn shared_between_processes(subject: &Subject) {
    let db = fresh_database(Backend::Postgres).await;
    let services: Vec<_> = (0..3).map(|_| Service::start(subject, &db)).collect();
    let apis: Vec<_> = services.iter().map(Service::client).collect();
    racing_duplicates(&apis, subject).await;
    // A retry on another process than the first replays as well.
    let body = unnumbered(subject, "Shared");
    let first = post(&apis[0], "shared-1", &body).await;
    let elsewhere = post(&apis[2], "shared-1", &body).await;
    assert_eq!(answer(&elsewhere), answer(&first));
}

/// Keyed creates from 4 clients, the service killed with SIGKILL in the
/// middle of them, restarted, and every create retried with its key:
/// each acknowledged create replays its answer, each key made exactly one
/// resource, and nothing else exists.
pub async fn killed_mid_load(subject: &Subject, backend: Backend) {
    let db = fresh_database(backend).await;
    let mut service = Service::start(subject, &db);
    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|c| {
            let (api, stop, acks, subject) =
                (service.client(), stop.clone(), acks.clone(), *subject);
            tokio::spawn(async move {
                let mut sent = Vec::new();
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let key = format!("crash-{c}-{n}");
                    let body = unnumbered(&subject, &format!("Crash {c} {n}"));
                    let request = api
                        .client
                        .post(format!("{}{}", api.base, api.collection))
                        .header("idempotency-key", format!("\"{key}\""))
                        .header("content-type", "application/json")
                        .body(body.clone());
                    let acknowledged = match request.send().await {
                        Ok(r) if r.status() == 201 => r
                            .headers()
                            .get("location")
                            .map(|l| l.to_str().unwrap().to_owned()),
                        Ok(r) => panic!("a create answered {}", r.status()),
                        Err(_) => None,
                    };
                    if acknowledged.is_some() {
                        acks.fetch_add(1, Ordering::Relaxed);
                    }
                    sent.push((key, body, acknowledged));
                    if acknowledged_none(&sent) {
                        break;
                    }
                }
                sent
            })
        })
        .collect();
    // Killed once the load has written something (a user's create hashes
    // a password, whose time depends on the machine).
    for _ in 0..400 {
        if acks.load(Ordering::Relaxed) > 12 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    service.kill();
    stop.store(true, Ordering::Relaxed);
    let mut sent = Vec::new();
    for client in clients {
        sent.extend(client.await.unwrap());
    }
    let acknowledged = sent.iter().filter(|(_, _, ack)| ack.is_some()).count();
    assert!(
        acknowledged > 4,
        "the load ran: {acknowledged} acknowledged"
    );

    let restarted = Service::start(subject, &db);
    let api = restarted.client();
    let mut locations = BTreeSet::new();
    for (key, body, ack) in &sent {
        let retry = post(&api, key, body).await;
        assert_eq!(retry.status, 201, "{key}: {retry:?}");
        let location = retry.header("location").unwrap();
        if let Some(ack) = ack {
            assert_eq!(&location, ack, "{key}: an acknowledged create replays");
        }
        locations.insert(location);
    }
    assert_eq!(locations.len(), sent.len(), "one resource per key");
    let ids = all_ids(&api).await;
    assert_eq!(
        ids.len(),
        sent.len(),
        "and no other: {} resources",
        ids.len()
    );
    println!(
        "killed mid-load: {} keyed creates, {acknowledged} acknowledged, all once",
        sent.len()
    );
}

/// The last create got no answer: the service is gone.
fn acknowledged_none(sent: &[(String, String, Option<String>)]) -> bool {
    sent.last().is_some_and(|(_, _, ack)| ack.is_none())
}

/// The tests of this module against `$subject`, on both backends.
#[macro_export]
macro_rules! key_tests {
    ($subject:path) => {
        $crate::each_backend!(retries_replay, |backend| $crate::keys::retries_replay(&$subject, backend));
        $crate::each_backend!(lost_answer, |backend| $crate::keys::lost_answer(&$subject, backend));
        $crate::each_backend!(keys_expire, |backend| $crate::keys::keys_expire(&$subject, backend));
        $crate::each_backend!(multi_thread concurrent_duplicates, |backend| {
            $crate::keys::concurrent_duplicates(&$subject, backend)
        });
        $crate::each_backend!(multi_thread killed_mid_load, |backend| {
            $crate::keys::killed_mid_load(&$subject, backend)
        });

        #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
        async fn keys_shared_between_processes() {
            $crate::keys::shared_between_processes(&$subject).await;
        }
    };
}
