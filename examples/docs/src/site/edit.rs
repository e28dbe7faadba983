//! Editing: the form, its save (a PUT based on the version the form was
//! loaded at), and the save of a merge the person settled. Whatever
//! optimist answers, the person's text comes back to them: on the page
//! that explains the answer, and in the browser's draft until a save
//! succeeds.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::{Markup, html};
use optimist::actix_web::Path;
use optimist::merge::{Resolution, resolve_text};
use optimist::{Error, Preconditions, Tagged, Version};
use serde::Deserialize;

use super::layout::{error_page, notice, page, respond, see_other, status};
use crate::model::{DocView, PutDoc, Revision};
use crate::revisions;
use crate::routes::App;

type State = web::Data<App>;

/// What a person typed: a document's title and text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// The title.
    pub title: String,
    /// The text, with `\n` line breaks.
    pub body: String,
}

/// A form's fields, as the browser sends them.
#[derive(Deserialize, Debug)]
pub struct DraftForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    /// The version the form was loaded at.
    #[serde(default)]
    version: Option<String>,
}

impl DraftForm {
    /// The text as typed. Browsers send a textarea's line breaks as CRLF
    /// (HTML's form encoding); documents keep `\n`, so that a merge
    /// compares lines, not line endings.
    pub fn draft(&self) -> Draft {
        Draft {
            title: lf(&self.title),
            body: lf(&self.body),
        }
    }

    fn base(&self) -> Option<u32> {
        self.version.as_deref().and_then(|v| v.trim().parse().ok())
    }
}

fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// The form that edits `draft` and posts to `action`; `version` is the
/// one it was loaded at (none for a new document). The browser keeps
/// what is typed under `key` until a save succeeds.
pub fn text_form(
    action: &str,
    key: &str,
    draft: &Draft,
    version: Option<u32>,
    button: &str,
) -> Markup {
    html! {
        form #edit method="post" action=(action) data-draft=(key) {
            div #draft-notice role="status" hidden {}
            @if let Some(version) = version {
                input type="hidden" name="version" value=(version);
            }
            p {
                label for="title" { "Title" }
                input #title type="text" name="title" value=(draft.title) required maxlength="200";
            }
            p {
                label for="body" { "Text" }
                span.hint #body-hint { "Paragraphs are separated by an empty line." }
                // A line break right after <textarea> is dropped by HTML
                // parsers: this one keeps a text's own first line break.
                textarea #body name="body" rows="16" aria-describedby="body-hint" { "\n" (draft.body) }
            }
            p { button #save type="submit" { (button) } }
        }
    }
}

/// The edit page of document `id` holding `draft`, based on `version`.
fn edit_page(id: u64, draft: &Draft, version: Option<u32>, problem: Option<&Markup>) -> Markup {
    let main = html! {
        h1 { "Edit " a href={ "/docs/" (id) } { (draft.title) } }
        @if let Some(problem) = problem { (problem) }
        (text_form(&format!("/docs/{id}/edit"), &id.to_string(), draft, version, "Save"))
    };
    page(&format!("Edit {}", draft.title), &main)
}

/// `GET /docs/{id}/edit`: the form, at the current version.
pub async fn form(app: State, Path(id): Path<u64>) -> HttpResponse {
    match app.docs.read(&id, &Preconditions::default()).await {
        Ok(doc) => {
            let doc = doc.value();
            let draft = Draft {
                title: doc.title.clone(),
                body: doc.body.clone(),
            };
            respond(
                StatusCode::OK,
                &edit_page(id, &draft, Some(doc.version), None),
            )
        }
        Err(e) => error_page(&e),
    }
}

/// `POST /docs/{id}/edit`: saves the form as a replacement based on the
/// version it was loaded at.
pub async fn save(app: State, Path(id): Path<u64>, form: web::Form<DraftForm>) -> HttpResponse {
    let draft = form.draft();
    let Some(base) = form.base() else {
        let problem = notice(
            "problem",
            &html! {
                "Not saved: this form did not say which version of the document it was loaded at, \
                 and saving it could erase what others wrote since. Your text is kept below: "
                a href={ "/docs/" (id) } { "compare it with the current version" } " before you save it again."
            },
        );
        return respond(
            StatusCode::PRECONDITION_REQUIRED,
            &edit_page(id, &draft, None, Some(&problem)),
        );
    };
    let saved = put(&app, id, &draft, base).await;
    answer(id, &draft, base, saved, Saving::Edit)
}

/// What a save was.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Saving {
    /// The person's edit.
    Edit,
    /// A merge the person settled.
    Merge,
}

/// Replaces document `id` with `draft`, based on version `base`; its
/// tags, likes and access key stay as they are.
async fn put(app: &App, id: u64, draft: &Draft, base: u32) -> Result<DocView, Error> {
    let body = PutDoc {
        id: None,
        title: draft.title.clone(),
        body: draft.body.clone(),
        tags: None,
        likes: None,
        access_key: None,
        version: Version::new(u64::from(base)),
    };
    let pre = Preconditions::default();
    let saved = app.docs.put::<DocView>(&id, &pre, &body).await;
    saved.map(Tagged::into_body)
}

/// What the person sees after a save of `draft` based on `base`: the
/// saved document, the merge page, or the form again with their text and
/// the reason in words. No answer shows a bare status.
fn answer(
    id: u64,
    draft: &Draft,
    base: u32,
    saved: Result<DocView, Error>,
    saving: Saving,
) -> HttpResponse {
    match saved {
        Ok(doc) => {
            let merged = if saving == Saving::Merge {
                "&merged=true"
            } else {
                ""
            };
            see_other(&format!(
                "/docs/{id}?saved={}&from={base}{merged}",
                doc.version
            ))
        }
        Err(Error::Conflict(conflict)) => respond(
            StatusCode::CONFLICT,
            &super::merge::page(id, draft, &conflict),
        ),
        Err(e) if e.status() == 404 => respond(StatusCode::NOT_FOUND, &deleted_page(draft)),
        Err(e) => {
            let problem = notice("problem", &html! { "Not saved: " (e) });
            respond(
                status(&e),
                &edit_page(id, draft, Some(base), Some(&problem)),
            )
        }
    }
}

/// The document was deleted while the person edited it: their text, and
/// the way to keep it as a new document.
fn deleted_page(draft: &Draft) -> Markup {
    let problem = notice(
        "problem",
        &html! {
            "Not saved: someone deleted this document while you edited it. \
             Your text is below; create it as a new document to keep it."
        },
    );
    super::pages::new_page(draft, Some(&problem))
}

/// `POST /docs/{id}/merge`: saves the merge the person settled on the
/// merge page, based on the version that page showed as theirs.
pub async fn merge(
    app: State,
    Path(id): Path<u64>,
    form: web::Form<HashMap<String, String>>,
) -> HttpResponse {
    let field = |name: &str| form.get(name).map_or_else(String::new, |v| lf(v));
    let yours = Draft {
        title: field("title"),
        body: field("body"),
    };
    let version = |name: &str| form.get(name).and_then(|v| v.parse::<u32>().ok());
    let (Some(base), Some(current)) = (version("base"), version("current")) else {
        // Only a hand-made request lacks them: a problem, as the API answers.
        let problem = Error::BadRequest("the merge form names no versions".into());
        return actix_web::ResponseError::error_response(&problem);
    };
    let doc = match app.docs.read(&id, &Preconditions::default()).await {
        Ok(doc) => doc,
        Err(e) => return answer(id, &yours, base, Err(e), Saving::Edit),
    };
    let kept = |v| revisions::at(&app, doc.value(), v);
    let (at_base, at_current) = match (kept(base).await, kept(current).await) {
        (Ok(b), Ok(c)) => (b, c),
        (Err(e), _) | (_, Err(e)) => return error_page(&e),
    };
    let settled = at_current.and_then(|theirs| {
        settle(&Choices(&form), &yours, at_base.as_ref(), &theirs).map(|s| (s, theirs.version))
    });
    match settled {
        Some((settled, on)) => answer(
            id,
            &settled,
            on,
            put(&app, id, &settled, on).await,
            Saving::Merge,
        ),
        // A place left undecided, or versions no longer kept: the edit is
        // saved again from its base, which shows the merge page as it is now.
        None => answer(
            id,
            &yours,
            base,
            put(&app, id, &yours, base).await,
            Saving::Edit,
        ),
    }
}

/// The choices a merge form sent, one per place: `{place}-choice` is
/// `mine`, `theirs` or `edit`, and `{place}-text` the lines written for
/// `edit`.
struct Choices<'f>(&'f HashMap<String, String>);

impl Choices<'_> {
    fn of(&self, place: &str) -> Option<Resolution> {
        match self.0.get(&format!("{place}-choice"))?.as_str() {
            "mine" => Some(Resolution::Yours),
            "theirs" => Some(Resolution::Current),
            "edit" => Some(Resolution::Written(lf(self
                .0
                .get(&format!("{place}-text"))
                .map_or("", String::as_str)))),
            _ => None,
        }
    }

    /// The places the merge page asked about (`places`), each decided.
    fn all_decided(&self) -> bool {
        let places = self.0.get("places").map_or("", String::as_str);
        places
            .split_whitespace()
            .all(|place| self.of(place).is_some())
    }
}

/// The document as the person settled it: `yours` merged into `theirs`
/// (the version the merge page showed) as optimist merges a stale write,
/// with each overlapping change as the person chose. `None` where a place
/// is undecided.
fn settle(
    choices: &Choices<'_>,
    yours: &Draft,
    base: Option<&Revision>,
    theirs: &Revision,
) -> Option<Draft> {
    if !choices.all_decided() {
        return None;
    }
    let pick = |resolution: Resolution, mine: &str, current: &str| match resolution {
        Resolution::Yours => mine.to_owned(),
        Resolution::Current => current.to_owned(),
        Resolution::Written(text) => text,
    };
    // A field that was no place of the page: the side that changed it
    // since the base (with no base kept, only the person can have).
    let unchanged_by_you =
        |mine: &str, at_base: fn(&Revision) -> &str| base.is_some_and(|base| at_base(base) == mine);
    let title = match choices.of("title") {
        Some(choice) => pick(choice, &yours.title, &theirs.title),
        None if unchanged_by_you(&yours.title, |r| &r.title) => theirs.title.clone(),
        None => yours.title.clone(),
    };
    let body = match (choices.of("body"), base) {
        (Some(choice), _) => pick(choice, &yours.body, &theirs.body),
        (None, Some(base)) => resolve_text(&base.body, &yours.body, &theirs.body, |i, _| {
            choices
                .of(&format!("body-{i}"))
                .unwrap_or(Resolution::Yours)
        }),
        (None, None) => yours.body.clone(),
    };
    Some(Draft { title, body })
}
