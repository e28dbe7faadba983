//! The test functions every example writes alike, as macros: a test
//! binary names its service's [`Subject`](crate::Subject) once and gets
//! one test per suite and backend.

/// `mod $name { sqlite, postgres }`: `$body` run once against each
/// backend, bound to `$backend`. A leading `multi_thread` runs each on
/// tokio's multi-threaded runtime with four workers.
#[macro_export]
macro_rules! each_backend {
    (multi_thread $name:ident, |$backend:ident| $body:expr) => {
        $crate::each_backend!(@ [flavor = "multi_thread", worker_threads = 4] $name, |$backend| $body);
    };
    ($name:ident, |$backend:ident| $body:expr) => {
        $crate::each_backend!(@ [] $name, |$backend| $body);
    };
    (@ [$($flavor:tt)*] $name:ident, |$backend:ident| $body:expr) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test($($flavor)*)]
            async fn sqlite() {
                let $backend = $crate::Backend::Sqlite;
                $body.await;
            }

            #[tokio::test($($flavor)*)]
            async fn postgres() {
                let $backend = $crate::Backend::Postgres;
                $body.await;
            }
        }
    };
}

/// The HTTP surface ([`suite`](crate::suite)) and the secrets check
/// ([`secrets`](crate::secrets)) of `$subject`, on both backends, and its
/// `--db` forms ([`command_line`](crate::command_line)).
#[macro_export]
macro_rules! http_tests {
    ($subject:path) => {
        $crate::each_backend!(http_surface, |backend| $crate::suite::run(
            &$subject, backend
        ));
        $crate::each_backend!(no_secret_escapes, |backend| {
            $crate::secrets::no_secret_escapes(&$subject, backend)
        });

        #[tokio::test]
        async fn database_paths() {
            $crate::command_line::database_paths(&$subject).await;
        }
    };
}

/// The faults ([`faults`](crate::faults)) against `$subject`: slow clients,
/// clients that go away mid-request, and the database going away in the
/// middle of a write load (PostgreSQL stopped; the SQLite file locked by
/// another process).
#[macro_export]
macro_rules! fault_tests {
    ($subject:path) => {
        $crate::each_backend!(slow_clients, |backend| {
            $crate::faults::slow_clients(&$subject, backend)
        });
        $crate::each_backend!(disconnects, |backend| {
            $crate::faults::disconnects(&$subject, backend)
        });

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn sqlite_locked_mid_load() {
            $crate::faults::outage(&$subject, $crate::faults::Outage::LockSqlite).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn postgres_stopped_mid_load() {
            $crate::faults::outage(&$subject, $crate::faults::Outage::StopPostgres).await;
        }
    };
}
