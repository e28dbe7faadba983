//! The service's command line: `--db` takes a SQLite file path as well as
//! a URL, and refuses anything else in one line that shows the forms and
//! no password.

use std::process::{Command, Stdio};

use crate::{Service, Subject};

/// Serves from a database given as a plain file path (created on first
/// run), and refuses an unusable `--db` with a one-line message.
///
/// # Panics
/// Where the service does otherwise.
pub async fn database_paths(subject: &Subject) {
    let dir = std::env::temp_dir().join(format!("optimist-cli-{}", crate::service::unique()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("service.db");
    let service = Service::start(subject, file.to_str().unwrap());
    assert_eq!(
        service
            .client()
            .create(&subject.new_body(1, "a"))
            .await
            .status,
        201
    );
    drop(service);
    assert!(file.is_file(), "the file path names the SQLite database");
    let restarted = Service::start(subject, file.to_str().unwrap());
    assert_eq!(
        restarted.client().get(&subject.path(1), &[]).await.status,
        200
    );
    drop(restarted);
    let _ = std::fs::remove_dir_all(&dir);

    for bad in ["mysql://app:pw-secret@localhost/app", "", "a.db?mode=ro"] {
        let out = Command::new(subject.binary)
            .args(["--port", "0", "--db", bad])
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "a usage error: {stderr}");
        let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
        assert_eq!(error.len(), 1, "{stderr}");
        assert!(
            error[0].contains("file path") && error[0].contains("postgres://"),
            "the accepted forms: {stderr}"
        );
        assert!(!stderr.contains("pw-secret"), "no password: {stderr}");
    }
}
