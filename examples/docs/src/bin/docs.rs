//! `docs`: the conflict-aware wiki.

use clap::Parser;
use optimist_example_docs::{App, BODY_LIMIT, DEFAULT_DB, Limits, bind};
use optimist_example_kit::cli::{Options, every_minute, init_tracing, redact};

/// A conflict-aware wiki with a bounded revision history per document.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// The port to listen on, on 127.0.0.1 (0: any free port).
    #[arg(long, env = "PORT", default_value_t = 3001)]
    port: u16,
    #[command(flatten)]
    options: Options,
    /// The largest request body, in bytes.
    #[arg(long, default_value_t = BODY_LIMIT)]
    body_limit: usize,
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    init_tracing();
    let args = Args::parse();
    let db = args.options.db_or(DEFAULT_DB);
    let app = actix_web::web::Data::new(App::connect(&db).await?.with_keys(
        args.options.key_lifetime(),
        args.options.key_secret.as_deref(),
    ));
    let sweeper = app.clone();
    actix_web::rt::spawn(every_minute(move || {
        let app = sweeper.clone();
        async move { app.docs.forget_expired_keys().await }
    }));
    let limits = Limits {
        body: args.body_limit,
        client_timeout: args.options.client_timeout(),
    };
    let (server, addr) = bind(app, args.port, limits)?;
    // Tests and scripts read this line to find the port.
    println!("listening on http://{addr}");
    tracing::info!(db = %redact(&db), "serving");
    server.await?;
    Ok(())
}
