//! Faults, from outside: slow clients, clients that go away mid-request,
//! and a database that goes away in the middle of a write load. Whatever
//! happens, no write is half done, no acknowledged write is lost, and the
//! service recovers without a restart.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::service::fresh_postgres_database;
use crate::{Api, Backend, Service, Subject, fresh_database};

/// The client timeout the fault tests give the services, in milliseconds:
/// long enough that a normal request on a busy CI machine ends well within
/// it.
const TIMEOUT_MS: u64 = 2000;

async fn connect(service: &Service) -> TcpStream {
    TcpStream::connect(service.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection (or `limit` passes).
async fn read_to_close(stream: &mut TcpStream, limit: Duration) -> Option<String> {
    let mut reply = Vec::new();
    match tokio::time::timeout(limit, stream.read_to_end(&mut reply)).await {
        Ok(_) => Some(String::from_utf8_lossy(&reply).into_owned()),
        Err(_) => None,
    }
}

/// Whether the server still holds `stream` open without having answered.
fn still_waiting(stream: &TcpStream) -> bool {
    let mut buf = [0; 1];
    matches!(stream.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
}

/// A client that sends its head or its body too slowly is cut off after
/// the client timeout (408 where the server says why), nothing is
/// written, and other clients are served meanwhile.
pub async fn slow_clients(subject: &Subject, backend: Backend) {
    let db = fresh_database(backend).await;
    let timeout = TIMEOUT_MS.to_string();
    let service = Service::start_with(subject, &db, &["--client-timeout-ms", &timeout]);
    let api = service.client();
    let u = &subject.path(1);
    assert_eq!(api.create(&subject.new_body(1, "Slow")).await.status, 201);
    let limit = Duration::from_millis(TIMEOUT_MS * 8);

    // A head that never ends.
    let mut head = connect(&service).await;
    head.write_all(format!("GET {u} HTTP/1.1\r\nHost: x\r\nX-Slow: ").as_bytes())
        .await
        .unwrap();
    // A body that never ends.
    let mut body = connect(&service).await;
    let put = put_text(subject);
    let request = format!(
        "PUT {u} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIf-Match: \"v1\"\r\nContent-Length: {}\r\n\r\n",
        put.len() + 10
    );
    body.write_all(request.as_bytes()).await.unwrap();
    body.write_all(put.as_bytes()).await.unwrap();
    // Another client is served while both slow ones are still held open,
    // not after they are cut off.
    assert_eq!(api.get(u, &[]).await.status, 200);
    assert!(
        still_waiting(&head) && still_waiting(&body),
        "served only after the slow clients"
    );

    let start = Instant::now();
    let head_reply = read_to_close(&mut head, limit)
        .await
        .expect("a slow head is cut off");
    assert!(
        head_reply.is_empty() || head_reply.starts_with("HTTP/1.1 408"),
        "{head_reply}"
    );
    let body_reply = read_to_close(&mut body, limit)
        .await
        .expect("a slow body is cut off");
    assert!(body_reply.starts_with("HTTP/1.1 408"), "{body_reply}");
    assert!(
        body_reply.contains("application/problem+json"),
        "{body_reply}"
    );
    assert!(start.elapsed() < limit);
    // A new client: the first one's pooled connection has sat idle past the
    // service's header timeout, so the service may be closing it just as
    // the client reuses it (a race of the test, not of the service).
    let after = service.client().get(u, &[]).await;
    assert_eq!(after.etag(), "\"v1\"", "a cut-off write wrote nothing");
}

/// A PUT body that changes the second field.
fn put_text(subject: &Subject) -> String {
    subject.put_body("Slow", "changed@x.org").to_string()
}

/// A client that goes away before its body is complete writes nothing; one
/// that goes away before reading the answer leaves the resource whole:
/// either the write landed, with its version, or it did not.
pub async fn disconnects(subject: &Subject, backend: Backend) {
    let service = Service::start(subject, &fresh_database(backend).await);
    let api = service.client();
    let u = &subject.path(1);
    let field = subject.fields[0];
    assert_eq!(api.create(&subject.new_body(1, "0")).await.status, 201);

    // Half a body, then gone.
    for _ in 0..10 {
        let mut stream = connect(&service).await;
        let put = put_text(subject);
        let head = format!(
            "PUT {u} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIf-Match: \"v1\"\r\nContent-Length: {}\r\n\r\n",
            put.len()
        );
        stream.write_all(head.as_bytes()).await.unwrap();
        stream
            .write_all(&put.as_bytes()[..put.len() / 2])
            .await
            .unwrap();
        drop(stream);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        api.get(u, &[]).await.etag(),
        "\"v1\"",
        "half a body wrote nothing"
    );

    // Whole requests whose answers nobody reads.
    for n in 1..=20 {
        let current = api.get(u, &[]).await;
        let etag = current.etag();
        let mut next = current.json();
        next[field] = json!(n.to_string());
        let body = next.to_string();
        let mut stream = connect(&service).await;
        let request = format!(
            "PUT {u} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nIf-Match: {etag}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        drop(stream);
        if n % 2 == 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let last = api.get(u, &[]).await.json();
    let value: u64 = last[field].as_str().unwrap().parse().unwrap();
    let landed = last["version"].as_u64().unwrap() - 1;
    // Write n sets the value to n, conditional on the state read just
    // before it, so the writes that landed are distinct numbers up to the
    // last one: a write applied twice, or a version without its change,
    // breaks this.
    assert!(value <= 20 && landed <= value, "{last}");
    assert_eq!(landed == 0, value == 0, "{last}");
}

/// How the database becomes unavailable.
#[derive(Clone, Copy, Debug)]
pub enum Outage {
    /// A PostgreSQL server of the test's own is stopped, then started.
    StopPostgres,
    /// Another process holds the SQLite file's write lock, then lets go.
    LockSqlite,
}

/// A private PostgreSQL server, driven by `.ci/postgres`.
struct OwnPostgres {
    port: String,
    data: PathBuf,
}

impl OwnPostgres {
    fn script() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.ci/postgres")
    }

    fn run(&self, command: &str) -> String {
        let out = Command::new("bash")
            .arg(Self::script())
            .arg(command)
            .env("OPTIMIST_PGPORT", &self.port)
            .env("OPTIMIST_PGDATA", &self.data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    fn start(port: u16) -> (OwnPostgres, String) {
        let own = OwnPostgres {
            port: port.to_string(),
            data: std::env::temp_dir().join(format!("optimist-pg-outage-{port}")),
        };
        let url = own.run("start");
        (own, url)
    }
}

impl Drop for OwnPostgres {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(Self::script())
            .arg("stop")
            .env("OPTIMIST_PGPORT", &self.port)
            .env("OPTIMIST_PGDATA", &self.data)
            .output();
    }
}

/// What the load saw.
#[derive(Default)]
struct Tally {
    acknowledged: AtomicU64,
    unavailable: AtomicU64,
    unexpected: std::sync::Mutex<Vec<String>>,
}

/// One client incrementing its own counter until told to stop: read,
/// write back with the version read. Counts 2xx and 503 answers.
async fn increment(
    api: Api,
    path: String,
    field: &'static str,
    stop: Arc<AtomicBool>,
    tally: Arc<Tally>,
) {
    while !stop.load(Ordering::Relaxed) {
        let read = api.get(&path, &[]).await;
        if read.status != 200 {
            record(&tally, read.status, &read.text);
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        let mut next: Value = read.json();
        let n: u64 = next[field].as_str().unwrap().parse().unwrap();
        next[field] = json!((n + 1).to_string());
        let written = api.json(Method::PUT, &path, &[], &next).await;
        if written.status.is_success() {
            tally.acknowledged.fetch_add(1, Ordering::Relaxed);
        } else {
            record(&tally, written.status, &written.text);
        }
    }
}

fn record(tally: &Tally, status: reqwest::StatusCode, text: &str) {
    if status.as_u16() == 503 && text.contains("\"status\":503") {
        tally.unavailable.fetch_add(1, Ordering::Relaxed);
    } else if status.as_u16() != 409 {
        // 409: a write whose answer was lost to the outage landed; the
        // client re-reads. Anything else is a failure.
        tally
            .unexpected
            .lock()
            .unwrap()
            .push(format!("{status} {text}"));
    }
}

/// Stops the database in the middle of a write load: while it is down the
/// service answers 503 problem+json; when it is back the service recovers
/// without a restart; every counter's value matches its version (no
/// partial write) and holds at least every acknowledged increment.
pub async fn outage(subject: &Subject, outage: Outage) {
    let (own, db) = match outage {
        Outage::StopPostgres => {
            let (own, admin) = OwnPostgres::start(54_331);
            (Some(own), fresh_postgres_database(&admin).await)
        }
        Outage::LockSqlite => (None, fresh_database(Backend::Sqlite).await),
    };
    let service = Service::start(subject, &db);
    let api = service.client();
    let field = subject.fields[0];
    let counters = 4;
    for id in 1..=counters + 1 {
        assert_eq!(api.create(&subject.new_body(id, "0")).await.status, 201);
    }
    let (stop, tally) = (Arc::new(AtomicBool::new(false)), Arc::new(Tally::default()));
    let clients: Vec<_> = (1..=counters)
        .map(|id| {
            tokio::spawn(increment(
                service.client(),
                subject.path(id),
                field,
                stop.clone(),
                tally.clone(),
            ))
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = tally.acknowledged.load(Ordering::Relaxed);
    assert!(before > 0, "the load runs");

    // The outage: long enough for the store's 5 s waits to give up.
    let lock = match outage {
        Outage::StopPostgres => {
            own.as_ref().unwrap().run("stop");
            None
        }
        Outage::LockSqlite => {
            use sqlx::Connection;
            let mut other = sqlx::SqliteConnection::connect(&db).await.unwrap();
            sqlx::query("BEGIN EXCLUSIVE")
                .execute(&mut other)
                .await
                .unwrap();
            Some(other)
        }
    };
    let down = Instant::now();
    // A write to a resource outside the load: refused, not queued for ever
    // (a locked SQLite file in WAL mode still serves reads).
    let probe_path = subject.path(counters + 1);
    let probe = api
        .json(
            Method::PUT,
            &probe_path,
            &[("if-match", "\"v1\"")],
            &subject.put_body("probe", "p@x.org"),
        )
        .await;
    assert_eq!(probe.status, 503, "{probe:?}");
    probe.assert_problem(503);
    assert_eq!(probe.header("retry-after").as_deref(), Some("1"));
    while down.elapsed() < Duration::from_secs(7) {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        tally.unavailable.load(Ordering::Relaxed) > 0,
        "writes were refused while down"
    );
    match (outage, lock) {
        (Outage::StopPostgres, _) => {
            own.as_ref().unwrap().run("resume");
        }
        (Outage::LockSqlite, Some(mut other)) => {
            sqlx::query("ROLLBACK").execute(&mut other).await.unwrap();
        }
        (Outage::LockSqlite, None) => unreachable!(),
    }

    // Recovery, without a restart.
    let back = tally.acknowledged.load(Ordering::Relaxed);
    let deadline = Instant::now() + Duration::from_secs(30);
    while tally.acknowledged.load(Ordering::Relaxed) < back + 20 {
        assert!(Instant::now() < deadline, "the service did not recover");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    stop.store(true, Ordering::Relaxed);
    for client in clients {
        client.await.unwrap();
    }
    stored_as_acknowledged(&api, subject, counters, &tally).await;
    let probe = api.get(&probe_path, &[]).await;
    assert_eq!(probe.etag(), "\"v1\"", "the refused write wrote nothing");
    drop(own);
}

/// Every counter's value matches its version (no partial write) and holds
/// every acknowledged increment, and no more than were attempted.
async fn stored_as_acknowledged(api: &Api, subject: &Subject, counters: u64, tally: &Tally) {
    let unexpected = tally.unexpected.lock().unwrap().clone();
    assert!(unexpected.is_empty(), "{unexpected:?}");
    let field = subject.fields[0];
    let acknowledged = tally.acknowledged.load(Ordering::Relaxed);
    let mut total = 0;
    for id in 1..=counters {
        let last = api.get(&subject.path(id), &[]).await.json();
        let value: u64 = last[field].as_str().unwrap().parse().unwrap();
        assert_eq!(
            last["version"].as_u64(),
            Some(value + 1),
            "value and version moved together: {last}"
        );
        total += value;
    }
    let unavailable = tally.unavailable.load(Ordering::Relaxed);
    assert!(
        total >= acknowledged,
        "{total} increments stored, {acknowledged} acknowledged"
    );
    assert!(
        total <= acknowledged + unavailable,
        "{total} stored, {acknowledged} acknowledged, {unavailable} refused"
    );
}
