//! The frame every page shares, and how a page is answered.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use maud::{DOCTYPE, Markup, html};
use optimist::Error;

/// Scripts and styles only from this origin, forms only to it: a text
/// that slipped past escaping still could not run.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A whole page titled `title` around `main`.
pub fn page(title: &str, main: &Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · optimist wiki" }
                link rel="stylesheet" href="/static/style.css";
                script src="/static/app.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to the page" }
                header {
                    nav aria-label="Site" {
                        a href="/" { "optimist wiki" }
                        " "
                        a href="/docs/new" { "New document" }
                    }
                }
                main #main tabindex="-1" { (main) }
            }
        }
    }
}

/// `markup` as the answer, with `status`. Pages are never stored by
/// caches: each shows one version, and a form must load the current one.
pub fn respond(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Content-Security-Policy", POLICY))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .body(markup.into_string())
}

/// `303 See Other` to `location`: after a save, a reload reads the
/// saved page instead of posting the form again.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}

/// A refusal as a page: the problem's title and detail, in words.
pub fn error_page(error: &Error) -> HttpResponse {
    let problem = error.to_problem(None);
    let main = html! {
        h1 { (problem.title) }
        p { (problem.detail) }
        p { a href="/" { "All documents" } }
    };
    respond(status(error), page(&problem.title, &main))
}

/// The status of a refusal, as actix-web spells it.
pub fn status(error: &Error) -> StatusCode {
    StatusCode::from_u16(error.status().as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// A short message at the top of a page. A problem is an alert, and the
/// script moves the focus to it, so that it is read out on arrival.
pub fn notice(kind: &str, content: &Markup) -> Markup {
    let role = if kind == "problem" { "alert" } else { "status" };
    html! {
        div class={ "notice " (kind) } role=(role) tabindex="-1" { (content) }
    }
}
