//! Runs a service binary on a random port, against a fresh SQLite file or
//! a fresh PostgreSQL database, and talks to it over HTTP.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use reqwest::{Client, Method, StatusCode};
use serde_json::Value;

use crate::Subject;

/// Which database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file in a fresh temporary directory.
    Sqlite,
    /// A fresh database on the server at `OPTIMIST_TEST_POSTGRES`.
    Postgres,
}

/// Both databases.
pub const BACKENDS: [Backend; 2] = [Backend::Sqlite, Backend::Postgres];

pub(crate) fn unique() -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    format!(
        "{}_{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A fresh, empty database on the PostgreSQL server at `admin`.
pub async fn fresh_postgres_database(admin: &str) -> String {
    let name = format!("optimist_{}", unique());
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(admin)
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

/// A fresh, empty database for one test.
///
/// # Panics
/// Where PostgreSQL is wanted but `OPTIMIST_TEST_POSTGRES` is not set
/// (`bash .ci/test` sets it) or does not answer.
pub async fn fresh_database(backend: Backend) -> String {
    match backend {
        Backend::Sqlite => {
            let dir: PathBuf = std::env::temp_dir().join(format!("optimist-test-{}", unique()));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}?mode=rwc", dir.join("service.db").display())
        }
        Backend::Postgres => {
            let admin = std::env::var("OPTIMIST_TEST_POSTGRES").expect(
                "OPTIMIST_TEST_POSTGRES is not set: run the suite with `bash .ci/test`, which starts PostgreSQL",
            );
            fresh_postgres_database(&admin).await
        }
    }
}

/// A running service process; killed when dropped.
pub struct Service {
    child: Child,
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// The database URL it serves.
    pub db: String,
    collection: &'static str,
}

impl Service {
    /// Starts the service on `db` and waits until it listens.
    ///
    /// # Panics
    /// Where the binary does not start or does not print its address.
    #[must_use]
    pub fn start(subject: &Subject, db: &str) -> Service {
        Self::spawn(subject, db, "warn", Stdio::inherit(), &[])
    }

    /// Starts the service on `db` with more command-line arguments.
    #[must_use]
    pub fn start_with(subject: &Subject, db: &str, args: &[&str]) -> Service {
        Self::spawn(subject, db, "warn", Stdio::inherit(), args)
    }

    /// Starts the service logging everything at `debug` into `log`.
    ///
    /// # Panics
    /// As [`Service::start`], or where `log` cannot be created.
    #[must_use]
    pub fn start_logging_to(subject: &Subject, db: &str, log: &std::path::Path) -> Service {
        Self::spawn(
            subject,
            db,
            "debug",
            std::fs::File::create(log).unwrap().into(),
            &[],
        )
    }

    fn spawn(subject: &Subject, db: &str, level: &str, stderr: Stdio, args: &[&str]) -> Service {
        let mut child = Command::new(subject.binary)
            .args(["--port", "0", "--db", db])
            .args(args)
            .env("RUST_LOG", level)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the service binary starts");
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
            collection: subject.collection,
        }
    }

    /// Kills the process at once (SIGKILL): no shutdown, no flush.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// A client of this service.
    #[must_use]
    pub fn client(&self) -> Api {
        Api {
            client: Client::new(),
            base: self.base.clone(),
            collection: self.collection,
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
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: reqwest::header::HeaderMap,
    /// The body.
    pub text: String,
}

impl Reply {
    /// The body as JSON.
    ///
    /// # Panics
    /// Where it is not JSON.
    #[must_use]
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.text))
    }

    /// The `ETag`.
    ///
    /// # Panics
    /// Where there is none.
    #[must_use]
    pub fn etag(&self) -> String {
        self.header("etag")
            .unwrap_or_else(|| panic!("no ETag: {self:?}"))
    }

    /// A header, as text.
    #[must_use]
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    /// Asserts an RFC 9457 problem with this status and returns its body.
    ///
    /// # Panics
    /// Where the reply is anything else.
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

/// A small client for a service's API.
#[derive(Clone)]
pub struct Api {
    /// The HTTP client.
    pub client: Client,
    /// `http://127.0.0.1:port`.
    pub base: String,
    /// The collection path, where `create` posts.
    pub collection: &'static str,
}

impl Api {
    /// Sends a request with `headers` and an optional `(content type, body)`.
    ///
    /// # Panics
    /// Where the service does not answer.
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

    /// GET with `headers`.
    pub async fn get(&self, path: &str, headers: &[(&str, &str)]) -> Reply {
        self.send(Method::GET, path, headers, None).await
    }

    /// A request with a JSON body.
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

    /// PATCH with a merge patch.
    pub async fn patch(&self, path: &str, headers: &[(&str, &str)], body: &Value) -> Reply {
        self.send(
            Method::PATCH,
            path,
            headers,
            Some(("application/merge-patch+json", &body.to_string())),
        )
        .await
    }

    /// POST `body` to the collection.
    pub async fn create(&self, body: &Value) -> Reply {
        self.json(Method::POST, self.collection, &[], body).await
    }
}
