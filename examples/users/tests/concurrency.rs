//! Lost updates, scale-out and crashes: concurrent clients against one
//! service, against three processes sharing one database, and a service
//! killed with SIGKILL in the middle of a write load.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use support::{Api, Backend, Service, USERS, fresh_database};

const COUNTER: &str = "/api/users/1";

async fn create_counter(api: &Api) {
    let body = json!({"id": 1, "name": "0", "email": "counter@example.org", "password": "pw"});
    assert_eq!(api.create(&body).await.status, 201);
}

/// One read-modify-write increment of the counter, retried on 409 (stale)
/// and 503 (busy store) until it lands. Returns the version it wrote.
async fn increment(api: &Api) -> u64 {
    for _ in 0..10_000 {
        let read = api.get(COUNTER, &[]).await;
        assert_eq!(read.status, 200, "{read:?}");
        let current = read.json();
        let n: u64 = current["name"].as_str().unwrap().parse().unwrap();
        let body = json!({"name": (n + 1).to_string(), "email": current["email"], "version": current["version"]});
        let write = api.json(Method::PUT, COUNTER, &[], &body).await;
        match write.status.as_u16() {
            200 => return write.json()["version"].as_u64().unwrap(),
            409 | 503 => {}
            other => panic!("unexpected {other}: {}", write.text),
        }
    }
    panic!("no increment landed in 10 000 attempts");
}

/// `clients` tasks, spread over `apis`, each making `edits` increments;
/// every version a client writes is larger than its previous one.
async fn contend(apis: &[Api], clients: usize, edits: usize) {
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let api = apis[i % apis.len()].clone();
            tokio::spawn(async move {
                let mut last = 0;
                for _ in 0..edits {
                    let version = increment(&api).await;
                    assert!(
                        version > last,
                        "versions strictly increase: {version} after {last}"
                    );
                    last = version;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    let total = (clients * edits) as u64;
    let final_state = apis[0].get(COUNTER, &[]).await.json();
    assert_eq!(
        final_state["name"],
        total.to_string(),
        "every increment is in the final state"
    );
    assert_eq!(final_state["version"], total + 1, "one version per write");
}

async fn no_lost_update(backend: Backend) {
    let service = Service::start(&USERS, &fresh_database(backend).await);
    let api = service.client();
    create_counter(&api).await;
    contend(&[api], 8, 50).await;
}

async fn scale_out(backend: Backend) {
    let db = fresh_database(backend).await;
    let services: Vec<Service> = (0..3).map(|_| Service::start(&USERS, &db)).collect();
    let apis: Vec<Api> = services.iter().map(Service::client).collect();
    create_counter(&apis[0]).await;
    contend(&apis, 9, 20).await;
}

/// Writes until stopped; returns what the service acknowledged: the ids of
/// created users and the last counter version acknowledged.
async fn write_load(
    api: Api,
    worker: u64,
    stop: Arc<AtomicBool>,
    acks: Arc<AtomicUsize>,
) -> (Vec<u64>, u64) {
    let (mut created, mut counter) = (Vec::new(), 0);
    for j in 0.. {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let id = worker * 100_000 + j + 2;
        let body = json!({"id": id, "name": format!("user {id}"), "email": format!("u{id}@example.org"), "password": "pw"});
        let response = api
            .client
            .post(format!("{}/api/users", api.base))
            .json(&body)
            .send()
            .await;
        match response {
            Ok(r) if r.status() == 201 => {
                created.push(id);
                acks.fetch_add(1, Ordering::Relaxed);
            }
            Ok(r) if r.status().is_server_error() => panic!("5xx under load: {}", r.status()),
            Ok(_) => {}
            Err(_) => break, // the service died mid-request: not acknowledged
        }
        let read = api
            .client
            .get(format!("{}{COUNTER}", api.base))
            .send()
            .await;
        let Ok(read) = read else { break };
        let Ok(current) = read.json::<serde_json::Value>().await else {
            break;
        };
        let n: u64 = current["name"].as_str().unwrap().parse().unwrap();
        let patch = json!({"name": (n + 1).to_string(), "version": current["version"]});
        let written = api
            .client
            .patch(format!("{}{COUNTER}", api.base))
            .header("content-type", "application/merge-patch+json")
            .body(patch.to_string())
            .send()
            .await;
        match written {
            Ok(r) if r.status() == 200 => {
                if let Ok(v) = r.json::<serde_json::Value>().await {
                    counter = counter.max(v["version"].as_u64().unwrap());
                }
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    (created, counter)
}

async fn crash(backend: Backend) {
    let db = fresh_database(backend).await;
    let mut service = Service::start(&USERS, &db);
    create_counter(&service.client()).await;
    let stop = Arc::new(AtomicBool::new(false));
    let acks = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..4)
        .map(|w| tokio::spawn(write_load(service.client(), w, stop.clone(), acks.clone())))
        .collect();
    // Killed in the middle of the load, once it has written something
    // (each create hashes a password, whose time depends on the machine).
    tokio::time::sleep(Duration::from_millis(300)).await;
    for _ in 0..200 {
        if acks.load(Ordering::Relaxed) > 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    service.kill();
    stop.store(true, Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    let mut counter = 0;
    for worker in workers {
        let (ids, version) = worker.await.unwrap();
        acknowledged.extend(ids);
        counter = counter.max(version);
    }
    assert!(
        acknowledged.len() > 10,
        "the load ran: {} creates acknowledged",
        acknowledged.len()
    );

    let restarted = Service::start(&USERS, &db);
    let api = restarted.client();
    for id in &acknowledged {
        let user = api.get(&format!("/api/users/{id}"), &[]).await;
        assert_eq!(
            user.status, 200,
            "acknowledged user {id} survived the crash"
        );
        assert_eq!(user.json()["name"], format!("user {id}"));
    }
    let all = api.get("/api/users", &[]).await.json();
    for user in all.as_array().unwrap() {
        assert!(
            user["name"].is_string() && user["email"].is_string() && user["version"].is_u64(),
            "complete: {user}"
        );
    }
    let state = api.get(COUNTER, &[]).await.json();
    let version = state["version"].as_u64().unwrap();
    assert!(
        version >= counter,
        "acknowledged counter version {counter} survived (now {version})"
    );
    assert_eq!(
        state["name"],
        (version - 1).to_string(),
        "value and version were written together"
    );
    println!(
        "crash: {} creates and counter version {counter} acknowledged, all present",
        acknowledged.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_no_lost_update() {
    no_lost_update(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_no_lost_update() {
    no_lost_update(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_scale_out() {
    scale_out(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_scale_out() {
    scale_out(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_crash() {
    crash(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_crash() {
    crash(Backend::Postgres).await;
}
