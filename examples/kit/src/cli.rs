//! The command line and the log of a service binary.

use std::time::Duration;

use clap::Args;

/// How long a client may take to send a request's head, and then its
/// body, by default: a slower one cannot hold a connection or a handler.
pub const CLIENT_TIMEOUT: Duration = Duration::from_secs(5);

/// The options every service takes, besides its port.
#[derive(Args, Debug, Clone)]
pub struct Options {
    /// The database: a SQLite file path (created on first run; by default
    /// the service's own file in the working directory) or URL
    /// (`sqlite://…`), or `postgres://…` to share one database between
    /// processes.
    // Checked by `db_or`, not by a value parser: clap's own message would
    // repeat the value, and a URL's password with it.
    #[arg(long, env = "DATABASE_URL")]
    pub db: Option<String>,
    /// Milliseconds a client may take to send a request's head, and then
    /// its body.
    #[arg(long, default_value_t = CLIENT_TIMEOUT.as_secs() * 1000)]
    pub client_timeout_ms: u64,
    /// Seconds an `Idempotency-Key` holds the answer of its write: a
    /// retry within them gets that answer again.
    #[arg(long, default_value_t = 24 * 60 * 60)]
    pub key_lifetime_secs: u64,
    /// A secret under which the store keeps the fingerprints of keyed
    /// requests (an HMAC), so that no one who reads the database can test
    /// guesses of a password a request carried. The same for every process
    /// on one database.
    #[arg(long, env = "KEY_SECRET", hide_env_values = true)]
    pub key_secret: Option<String>,
}

impl Options {
    /// The database URL: the one given ([`database_url`]), else a SQLite
    /// file `default` (such as `users.db`) in the working directory. A
    /// value it cannot use ends the process with a usage error (exit
    /// status 2) that shows the accepted forms and no password.
    #[must_use]
    pub fn db_or(&self, default: &str) -> String {
        match &self.db {
            None => sqlite_url(default),
            Some(value) => database_url(value).unwrap_or_else(|e| {
                clap::Error::raw(clap::error::ErrorKind::InvalidValue, format!("{e}\n")).exit()
            }),
        }
    }

    /// How long a client may take to send a request's head, then its body.
    #[must_use]
    pub fn client_timeout(&self) -> Duration {
        Duration::from_millis(self.client_timeout_ms)
    }
}

impl Options {
    /// How long an `Idempotency-Key` holds its answer.
    #[must_use]
    pub fn key_lifetime(&self) -> Duration {
        Duration::from_secs(self.key_lifetime_secs)
    }
}

/// Runs `forget` (a store's cleanup of expired idempotency keys) once a
/// minute, for as long as the process lives, logging what it did.
pub async fn every_minute<F, Fut, E>(mut forget: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<usize, E>>,
    E: std::fmt::Display,
{
    let mut ticks = tokio::time::interval(Duration::from_mins(1));
    loop {
        ticks.tick().await;
        match forget().await {
            Ok(0) => {}
            Ok(forgotten) => tracing::info!(forgotten, "expired idempotency keys"),
            Err(e) => tracing::warn!(error = %e, "forgetting expired idempotency keys"),
        }
    }
}

/// The URL of `--db`: a `sqlite:` or `postgres:` URL as given, a file
/// path as the SQLite database it names (created if missing).
///
/// # Errors
/// A one-line message with the accepted forms, for anything else.
pub fn database_url(value: &str) -> Result<String, String> {
    let url = ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|scheme| value.starts_with(scheme));
    // A path is the part of a URL before `?`: one with `?` or `#` in it,
    // or a scheme of another database, cannot be told from a URL.
    let path = !value.trim().is_empty() && !value.contains("://") && !value.contains(['?', '#']);
    if url {
        Ok(value.to_owned())
    } else if path {
        Ok(sqlite_url(value))
    } else {
        Err(format!(
            "`{}` is not a database this service opens: give a file path (users.db, \
             /var/lib/users.db), a sqlite: URL or a postgres:// URL",
            redact(value)
        ))
    }
}

fn sqlite_url(path: &str) -> String {
    format!("sqlite://{path}?mode=rwc")
}

/// Logs to stderr at `RUST_LOG`'s levels (`info` by default).
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
}

/// The database URL without its password, for the log.
#[must_use]
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_names_a_sqlite_file() {
        assert_eq!(
            database_url("users.db").unwrap(),
            "sqlite://users.db?mode=rwc"
        );
        assert_eq!(
            database_url("/var/lib/users.db").unwrap(),
            "sqlite:///var/lib/users.db?mode=rwc"
        );
        assert_eq!(database_url("sqlite://a.db").unwrap(), "sqlite://a.db");
        assert_eq!(database_url("sqlite::memory:").unwrap(), "sqlite::memory:");
        assert_eq!(
            database_url("postgres://u@h/db").unwrap(),
            "postgres://u@h/db"
        );
    }

    #[test]
    fn anything_else_is_one_line_with_the_forms() {
        for bad in ["", "  ", "mysql://h/db", "a.db?mode=ro"] {
            let e = database_url(bad).unwrap_err();
            assert!(
                !e.contains('\n') && e.contains("file path") && e.contains("postgres://"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_refused_url_never_shows_its_password() {
        let e = database_url("mysql://u:hunter2@h/db").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
    }

    #[test]
    fn the_log_never_shows_a_password() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://…@h/db");
        assert_eq!(redact("sqlite://a.db"), "sqlite://a.db");
    }
}
