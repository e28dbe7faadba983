//! `peer`: the wiki's document read as a service without optimist would
//! serve it conditionally, for `bench/wiki-load.sh`. `GET
//! /api/docs/{id}` loads and renders the document, and the
//! `actix-middleware-etag` crate (the body-hash layer of the Unleash
//! projects, after Express's `etag`) hashes the rendered body into an
//! `ETag` and answers 304 when `If-None-Match` names it. Runs on the
//! wiki's own database, alongside it.

use actix_middleware_etag::Etag;
use actix_web::{App as Server, HttpServer, web};
use clap::Parser;
use optimist::actix_web::Path;
use optimist::{Error, Preconditions, View};
use optimist_bench::Serve;
use optimist_example_docs::App;
use optimist_example_docs::model::DocView;

/// The document, rendered as the wiki renders it, with no precondition.
async fn get(app: web::Data<App>, Path(id): Path<u64>) -> Result<web::Json<DocView>, Error> {
    let doc = app.docs.read(&id, &Preconditions::default()).await?;
    Ok(web::Json(DocView::view(doc.value())))
}

#[actix_web::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Serve::parse();
    let app = web::Data::new(App::connect(&args.db).await?);
    let server = HttpServer::new(move || {
        Server::new()
            .app_data(app.clone())
            .wrap(Etag::default())
            .route("/api/docs/{id}", web::get().to(get))
    })
    .bind(("127.0.0.1", args.port))?;
    // The script reads this line to find the port.
    println!("listening on http://{}", server.addrs()[0]);
    server.run().await?;
    Ok(())
}
