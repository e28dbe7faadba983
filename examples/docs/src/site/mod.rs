//! The wiki for people: server-rendered pages over the same collection
//! the JSON API serves. Reading works without JavaScript; the edit form
//! keeps what a person types in the browser until it is saved, and a
//! stale save shows what optimist answered, in words: merged (and what
//! was merged), or a merge page to settle each overlapping change.
//!
//! HTML forms can only GET and POST, so a save is `POST /docs/{id}/edit`
//! and the handler makes it a PUT based on the version the form was
//! loaded at; optimist decides the rest as it does for the API.

mod diff;
mod edit;
mod layout;
mod merge;
mod pages;

use actix_web::{HttpResponse, web};
use optimist::Error;

/// The pages, the forms they post to (of at most `form_limit` bytes, 413
/// beyond), and their style sheet and script.
pub fn configure(config: &mut web::ServiceConfig, form_limit: usize) {
    config
        .app_data(
            web::FormConfig::default()
                .limit(form_limit)
                .error_handler(|e, _| match e {
                    actix_web::error::UrlencodedError::Overflow { .. } => {
                        Error::PayloadTooLarge.into()
                    }
                    e => Error::BadRequest(format!("the form cannot be read: {e}")).into(),
                }),
        )
        .route("/", web::get().to(pages::index))
        .route("/docs/new", web::get().to(pages::new_form))
        .route("/docs", web::post().to(pages::create))
        .route("/docs/{id}", web::get().to(pages::show))
        .route("/docs/{id}/edit", web::get().to(edit::form))
        .route("/docs/{id}/edit", web::post().to(edit::save))
        .route("/docs/{id}/merge", web::post().to(edit::merge))
        .route("/docs/{id}/history", web::get().to(pages::history))
        .route("/static/style.css", web::get().to(style))
        .route("/static/app.js", web::get().to(script));
}

async fn style() -> HttpResponse {
    asset(
        "text/css; charset=utf-8",
        include_str!("../../static/style.css"),
    )
}

async fn script() -> HttpResponse {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../../static/app.js"),
    )
}

fn asset(content_type: &'static str, body: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(body)
}
