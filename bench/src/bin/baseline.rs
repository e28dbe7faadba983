//! `baseline`: the users routes without optimist, served by the users
//! example's own connection loop, for the HTTP load benchmark.

use clap::Parser;
use optimist_bench::Serve;
use optimist_example_users::{CLIENT_TIMEOUT, serve};
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    // The benchmark baseline: no preconditions, no ETags, last write wins.
    let args = Serve::parse();
    let store = optimist_example_users::db::users(&args.db).await?;
    let listener = TcpListener::bind(("127.0.0.1", args.port)).await?;
    // The script reads this line to find the port.
    println!("listening on http://{}", listener.local_addr()?);
    let router = optimist_bench::baseline::router(store);
    serve(listener, router, CLIENT_TIMEOUT, std::future::pending()).await?;
    Ok(())
}
