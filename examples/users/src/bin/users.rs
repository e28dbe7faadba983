//! `users`: the conflict-aware users service.

use clap::Parser;
use std::time::Duration;

use optimist_example_users::{App, CLIENT_TIMEOUT, DEFAULT_DB, router, serve};
use tokio::net::TcpListener;

/// A conflict-aware users service.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, env = "PORT", default_value_t = 3000)]
    port: u16,
    /// The database: a SQLite URL (the default, a file created on first
    /// run) or `postgres://…` to share one database between processes.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DB)]
    db: String,
    /// Milliseconds a client may take to send a request's head, and then
    /// its body.
    #[arg(long, default_value_t = CLIENT_TIMEOUT.as_millis().try_into().unwrap_or(u64::MAX))]
    client_timeout_ms: u64,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let app = App::connect(&args.db).await?;
    let listener = TcpListener::bind(("127.0.0.1", args.port)).await?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{}", listener.local_addr()?);
    tracing::info!(db = %redact(&args.db), "serving");
    let client_timeout = Duration::from_millis(args.client_timeout_ms);
    serve(
        listener,
        router(app, client_timeout),
        client_timeout,
        async {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("shutting down");
        },
    )
    .await?;
    Ok(())
}

/// The database URL without its password, for the log.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…{}", &url[..scheme], &url[at..]),
        _ => url.to_owned(),
    }
}
