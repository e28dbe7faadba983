//! Runs the real `users` binary on a random port, against a fresh SQLite
//! file or a fresh PostgreSQL database, and talks to it over HTTP.

#![allow(dead_code)] // each test binary uses its own part

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

/// Which database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

fn unique() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh, empty database for one test.
pub async fn fresh_database(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir: PathBuf = std::env::temp_dir().join(format!("optimist-users-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}?mode=rwc", dir.join("users.db").display())
        }
        Backend::Postgres => {
            let admin = std::env::var("OPTIMIST_TEST_POSTGRES").expect(
                "OPTIMIST_TEST_POSTGRES is not set: run the suite with `bash .ci/test`, which starts PostgreSQL",
            );
            let name = format!("users_{}", unique());
            let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin)
                .await
                .unwrap();
            sqlx::Executor::execute(
                &mut conn,
                sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")),
            )
            .await
            .unwrap();
            let base = admin.rsplit_once('/').unwrap().0;
            format!("{base}/{name}")
        }
    }
}

/// A running service process; killed when dropped.
pub struct Service {
    child: Child,
    pub base: String,
    pub db: String,
}

impl Service {
    /// Starts the service on `db` and waits until it listens.
    pub fn start(db: &str) -> Service {
        Self::spawn(db, "warn", Stdio::inherit())
    }

    /// Starts the service logging everything at `debug` into `log`.
    pub fn start_logging_to(db: &str, log: &std::path::Path) -> Service {
        Self::spawn(db, "debug", std::fs::File::create(log).unwrap().into())
    }

    fn spawn(db: &str, level: &str, stderr: Stdio) -> Service {
        let mut child = Command::new(env!("CARGO_BIN_EXE_users"))
            .args(["--port", "0", "--db", db])
            .env("RUST_LOG", level)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the users binary starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Service {
            child,
            base,
            db: db.to_owned(),
        }
    }

    /// Kills the process at once (SIGKILL): no shutdown, no flush.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn client(&self) -> Api {
        Api {
            client: Client::new(),
            base: self.base.clone(),
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    pub fn etag(&self) -> String {
        self.header("etag")
            .unwrap_or_else(|| panic!("no ETag: {self:?}"))
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// Asserts an RFC 9457 problem with this status.
    pub fn assert_problem(&self, status: u16) -> Value {
        assert_eq!(self.status.as_u16(), status, "{self:?}");
        assert_eq!(
            self.header("content-type").as_deref(),
            Some("application/problem+json"),
            "{self:?}"
        );
        let body = self.json();
        for member in ["type", "title", "detail"] {
            assert!(body[member].is_string(), "member {member} in {body}");
        }
        assert_eq!(body["status"], status, "{body}");
        body
    }
}

/// A small client for the users API.
#[derive(Clone)]
pub struct Api {
    pub client: Client,
    pub base: String,
}

impl Api {
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<(&str, &str)>,
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some((content_type, text)) = body {
            request = request
                .header("content-type", content_type)
                .body(text.to_owned());
        }
        let response = request.send().await.expect("the service answers");
        let (status, headers) = (response.status(), response.headers().clone());
        Reply {
            status,
            headers,
            text: response.text().await.unwrap(),
        }
    }

    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(Method::GET, path, headers, None).await
    }

    pub async fn json(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &Value,
    ) -> Reply {
        self.send(
            method,
            path,
            headers,
            Some(("application/json", &body.to_string())),
        )
        .await
    }

    pub async fn patch(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        self.send(
            Method::PATCH,
            path,
            headers,
            Some(("application/merge-patch+json", &body.to_string())),
        )
        .await
    }

    pub async fn create(&self, body: &Value) -> Reply {
        self.json(Method::POST, "/api/users", &[], body).await
    }
}

pub fn user(id: u64, name: &str) -> Value {
    serde_json::json!({"id": id, "name": name, "email": format!("user{id}@example.org"), "password": "pw-initial"})
}
