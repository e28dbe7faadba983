//! `users`: the conflict-aware users service.

use clap::Parser;
use optimist_example_users::{App, DEFAULT_DB, serve};
use tokio::net::TcpListener;

/// A conflict-aware users service (SPEC §7).
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
    /// Serve the benchmark baseline instead: no preconditions, no ETags.
    #[arg(long, hide = true)]
    baseline: bool,
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
    // `--baseline`: the same store and JSON without optimist, for the
    // HTTP load benchmark (examples/users/bench/http-load.sh).
    if args.baseline {
        println!("listening on http://{}", listener.local_addr()?);
        axum::serve(
            listener,
            optimist_example_users::baseline::router(app.store),
        )
        .await?;
        return Ok(());
    }
    // Tests and scripts read this line to find the port.
    println!("listening on http://{}", listener.local_addr()?);
    tracing::info!(db = %redact(&args.db), "serving");
    serve(listener, app, async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
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
