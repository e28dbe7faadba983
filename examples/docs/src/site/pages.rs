//! The reading pages: the documents, one document, its history; and the
//! form for a new document.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use optimist::actix_web::Path;
use optimist::{PageRequest, Preconditions, Versioned};
use serde::Deserialize;

use super::edit::{Draft, DraftForm, Shows, saved_page, text_form};
use super::layout::{error_page, notice, page, respond, see_other, status};
use crate::model::{Doc, DocView, NewDoc, Revision};
use crate::revisions;
use crate::routes::App;

type State = web::Data<App>;

/// `GET /`: a page of documents, in id order.
pub async fn index(app: State, page_request: web::Query<PageRequest<u64>>) -> HttpResponse {
    let listed = match app.docs.list::<DocView>(&page_request).await {
        Ok(listed) => listed,
        Err(e) => return error_page(&e),
    };
    let next = listed
        .next()
        .and(listed.items().last())
        .map(|last| format!("/?after={}", last.id));
    let main = html! {
        h1 { "Documents" }
        @if listed.items().is_empty() {
            p { "No documents yet. " a href="/docs/new" { "Write the first one" } "." }
        } @else {
            ul.docs {
                @for doc in listed.items() {
                    li {
                        a href={ "/docs/" (doc.id) } { (doc.title) }
                        " " span.meta { "version " (doc.version) }
                    }
                }
            }
        }
        @if let Some(next) = next { p { a href=(next) rel="next" { "More documents" } } }
    };
    respond(StatusCode::OK, page("Documents", &main))
}

/// `GET /docs/new`: an empty form.
pub async fn new_form() -> HttpResponse {
    let draft = Draft::default();
    respond(
        StatusCode::OK,
        new_page("new", (&draft, Shows::Stored), None),
    )
}

/// The form for a new document holding `draft`, its draft kept under
/// `key`, with `problem` said above it where the last try was refused.
pub fn new_page(key: &str, draft: (&Draft, Shows), problem: Option<&Markup>) -> Markup {
    let main = html! {
        h1 { "New document" }
        @if let Some(problem) = problem { (problem) }
        (text_form("/docs", key, draft, None, "Create"))
    };
    page("New document", &main)
}

/// `POST /docs`: creates the document (with a fresh access key for its
/// share links) and shows it.
pub async fn create(app: State, form: web::Form<DraftForm>) -> HttpResponse {
    let draft = form.draft();
    let created = async {
        let new = NewDoc {
            id: None,
            title: draft.title.clone(),
            body: draft.body.clone(),
            tags: Vec::new(),
            likes: 0,
            source_title: String::new(),
            source_url: String::new(),
            access_key: access_key()?,
        };
        app.docs.post::<DocView>(&new).await
    };
    match created.await {
        Ok(doc) => see_other(&saved_page(doc, None, false, form.token())),
        Err(e) => {
            let problem = notice("problem", &html! { "Not created: " (e) });
            respond(
                status(&e),
                new_page(form.key(), (&draft, Shows::Typed), Some(&problem)),
            )
        }
    }
}

/// 24 random letters and digits from the operating system's generator:
/// the key of a new document's share links.
fn access_key() -> Result<String, optimist::Error> {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut bytes = [0u8; 24];
    getrandom::fill(&mut bytes)
        .map_err(|e| optimist::Error::Unavailable(optimist::StoreError::new(e.to_string())))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect())
}

/// What `GET /docs/{id}` may be told by the page that sent the person
/// there.
#[derive(Deserialize, Debug, Default)]
pub struct Shown {
    /// The version a save just wrote.
    saved: Option<u32>,
    /// The version that save was based on.
    from: Option<u32>,
    /// The save was a merge the person made.
    #[serde(default)]
    merged: bool,
    /// The save found the document already as it asked: no new version.
    #[serde(default)]
    unchanged: bool,
    /// The token of the browser's draft that the save sent, which the
    /// page lets the script clear.
    draft: Option<String>,
    /// The person dropped their edit.
    #[serde(default)]
    discarded: bool,
}

/// `GET /docs/{id}`: the document; after a save, what the save did.
pub async fn show(app: State, Path(id): Path<u64>, shown: web::Query<Shown>) -> HttpResponse {
    let doc = match app.docs.read(&id, &Preconditions::default()).await {
        Ok(doc) => doc,
        Err(e) => return error_page(&e),
    };
    let report = match saved_report(&app, doc.value(), &shown).await {
        Ok(report) => report,
        Err(e) => return error_page(&e),
    };
    let doc = <DocView as optimist::View<_>>::view(doc.value());
    let main = html! {
        article {
            h1 { (doc.title) }
            (report)
            p.meta {
                "Version " (doc.version) " · " (doc.likes) " likes"
                @if !doc.tags.is_empty() { " · tags: " (doc.tags.join(", ")) }
            }
            @if !doc.source_title.is_empty() || !doc.source_url.is_empty() {
                p.source {
                    "Source: "
                    @let name = if doc.source_title.is_empty() { &doc.source_url } else { &doc.source_title };
                    // Only web addresses become links: a `javascript:` one
                    // would be a script in the page.
                    @if doc.source_url.starts_with("https://") || doc.source_url.starts_with("http://") {
                        a href=(doc.source_url) rel="nofollow noopener" { (name) }
                    } @else {
                        (name)
                    }
                }
            }
            div.text {
                @for paragraph in doc.body.split("\n\n").filter(|p| !p.trim().is_empty()) {
                    p { (paragraph.trim_matches('\n')) }
                }
            }
        }
        nav.actions aria-label="Document" {
            a href={ "/docs/" (id) "/edit" } { "Edit" }
            " "
            a href={ "/docs/" (id) "/history" } { "History" }
        }
    };
    respond(StatusCode::OK, page(&doc.title, &main))
}

/// The notice after a save or a discarded edit; a save that was merged
/// with others' versions shows their changes and the person's.
async fn saved_report(
    app: &App,
    doc: &crate::model::Doc,
    shown: &Shown,
) -> Result<Markup, optimist::Error> {
    if shown.discarded {
        return Ok(notice("info", &html! { "Your edit was discarded." }));
    }
    // Only a version the document has reached; the address is the
    // client's to write, so every number is bounded before use.
    let Some(saved) = shown.saved.filter(|&v| (1..=doc.version).contains(&v)) else {
        return Ok(html! {});
    };
    let token = shown.draft.as_deref().unwrap_or_default();
    let from = shown.from.unwrap_or(saved - 1).min(saved);
    let what = if shown.unchanged {
        "Nothing to save: the document already said what you sent, at version"
    } else if shown.merged {
        "Saved your merge as version"
    } else if shown.from.is_none() {
        "Created as version"
    } else {
        "Saved as version"
    };
    // The versions others saved while the person edited, where this save
    // made a new one after them.
    let others = (!shown.unchanged && from + 1 < saved).then_some((from + 1, saved - 1));
    let kept = match others {
        Some(_) => revisions::between(app, doc, from, saved).await?,
        None => Vec::new(),
    };
    let at = |v: u32| kept.iter().find(|r| r.version == v);
    Ok(html! {
        div data-saved-draft=(token) {
            (notice("saved", &html! {
                p { (what) " " (saved) "." }
                @if let Some((first, last)) = others {
                    p {
                        "While you edited, "
                        @if first == last { "version " (first) " was" } @else { "versions " (first) " to " (last) " were" }
                        " saved by someone else. Their changes and yours did not overlap, so both are kept."
                    }
                }
            }))
            @if let (Some(_), Some(base), Some(theirs), Some(yours)) = (others, at(from), at(saved - 1), at(saved)) {
                details.merged open {
                    summary { "What was merged" }
                    h2 { "Their changes" }
                    (super::diff::revisions(base, theirs))
                    h2 { "Your changes" }
                    (super::diff::revisions(theirs, yours))
                }
            }
        }
    })
}

/// Which two versions `GET /docs/{id}/history` compares.
#[derive(Deserialize, Debug)]
pub struct Compare {
    from: Option<u32>,
    to: Option<u32>,
}

/// `GET /docs/{id}/history`: the kept versions, and the changes between
/// any two of them.
pub async fn history(
    app: State,
    Path(id): Path<u64>,
    compare: web::Query<Compare>,
) -> HttpResponse {
    let doc = match app.docs.read(&id, &Preconditions::default()).await {
        Ok(doc) => doc,
        Err(e) => return error_page(&e),
    };
    let kept = match revisions::between(&app, doc.value(), 0, u32::MAX).await {
        Ok(kept) => kept,
        Err(e) => return error_page(&e),
    };
    let title = &doc.value().title;
    let find = |v: Option<u32>| v.and_then(|v| kept.iter().find(|r| r.version == v));
    let compared = find(compare.from).zip(find(compare.to));
    let main = html! {
        h1 { "History of " a href={ "/docs/" (id) } { (title) } }
        @if let Some((old, new)) = compared {
            section.compared aria-labelledby="compared" {
                h2 #compared { "Changes from version " (old.version) " to version " (new.version) }
                (super::diff::revisions(old, new))
            }
        } @else if compare.from.is_some() || compare.to.is_some() {
            (notice("problem", &html! { "These versions are not kept: the history holds the last " (Doc::HISTORY) "." }))
        }
        table.history {
            caption { "The kept versions, newest first" }
            thead { tr { th scope="col" { "Version" } th scope="col" { "Title" } th scope="col" { "Changes" } } }
            tbody {
                @for revision in kept.iter().rev() {
                    tr {
                        td { (revision.version) }
                        td { (revision.title) }
                        td {
                            @if revision.version > 1 && find(Some(revision.version - 1)).is_some() {
                                a href={ "/docs/" (id) "/history?from=" (revision.version - 1) "&to=" (revision.version) } {
                                    "Changes in version " (revision.version)
                                }
                            } @else { "First kept version" }
                        }
                    }
                }
            }
        }
        (compare_form(id, &kept))
    };
    respond(StatusCode::OK, page(&format!("History of {title}"), &main))
}

/// The form that picks two versions to compare.
fn compare_form(id: u64, kept: &[Revision]) -> Markup {
    let choose = |name: &str, label: &str, selected: Option<u32>| {
        html! {
            label for=(name) { (label) }
            select #(name) name=(name) {
                @for revision in kept.iter().rev() {
                    option value=(revision.version) selected[Some(revision.version) == selected] { (revision.version) }
                }
            }
        }
    };
    let newest = kept.last().map(|r| r.version);
    html! {
        form.compare method="get" action={ "/docs/" (id) "/history" } {
            (choose("from", "Compare version", kept.first().map(|r| r.version)))
            " "
            (choose("to", "with version", newest))
            " "
            button type="submit" { "Show the changes" }
        }
    }
}
