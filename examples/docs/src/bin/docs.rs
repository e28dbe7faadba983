//! `docs`: the conflict-aware wiki.

use clap::Parser;
use std::time::Duration;

use optimist_example_docs::{App, BODY_LIMIT, CLIENT_TIMEOUT, DEFAULT_DB, Limits, bind};

/// A conflict-aware wiki with a bounded revision history per document.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, env = "PORT", default_value_t = 3001)]
    port: u16,
    /// The database: a SQLite URL (the default, a file created on first
    /// run) or `postgres://…` to share one database between processes.
    #[arg(long, env = "DATABASE_URL", default_value = DEFAULT_DB)]
    db: String,
    /// Milliseconds a client may take to send a request's head, and then
    /// its body.
    #[arg(long, default_value_t = CLIENT_TIMEOUT.as_millis().try_into().unwrap_or(u64::MAX))]
    client_timeout_ms: u64,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = BODY_LIMIT)]
    body_limit: usize,
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let app = App::connect(&args.db).await?;
    let limits = Limits {
        body: args.body_limit,
        client_timeout: Duration::from_millis(args.client_timeout_ms),
    };
    let (server, addr) = bind(app, args.port, limits)?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{addr}");
    tracing::info!("serving");
    server.await?;
    Ok(())
}
