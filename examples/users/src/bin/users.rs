//! `users`: the conflict-aware users service.

use clap::Parser;
use optimist_example_kit::cli::{Options, every_minute, init_tracing, redact};
use optimist_example_users::{App, DEFAULT_DB, router, serve};
use tokio::net::TcpListener;

/// A conflict-aware users service.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, env = "PORT", default_value_t = 3000)]
    port: u16,
    #[command(flatten)]
    options: Options,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    init_tracing();
    let Args { port, options } = Args::parse();
    let db = options.db_or(DEFAULT_DB);
    let app = App::connect(&db)
        .await?
        .with_keys(options.key_lifetime(), options.key_secret.as_deref());
    let sweeper = app.clone();
    tokio::spawn(every_minute(move || {
        let app = sweeper.clone();
        async move { app.users.forget_expired_keys().await }
    }));
    let listener = TcpListener::bind(("127.0.0.1", port)).await?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{}", listener.local_addr()?);
    tracing::info!(db = %redact(&db), "serving");
    let client_timeout = options.client_timeout();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    };
    serve(
        listener,
        router(app, client_timeout),
        client_timeout,
        shutdown,
    )
    .await?;
    Ok(())
}
