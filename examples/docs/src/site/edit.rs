//! Editing: the form, its save (a PUT based on the version the form was
//! loaded at), and the save of a merge the person settled. Whatever
//! optimist answers, the person's text comes back to them on the page
//! that explains the answer; with JavaScript, the browser also keeps it
//! as a draft until a save is confirmed.

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
    /// The browser's token for the draft this form sent (see `app.js`).
    #[serde(default)]
    draft: Option<String>,
    /// A new-document form's draft key (see [`DraftForm::key`]).
    #[serde(default)]
    key: Option<String>,
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

    /// The draft's token, where it is one the script makes.
    pub fn token(&self) -> Option<&str> {
        token(self.draft.as_deref())
    }

    /// The key the browser keeps this form's draft under: `new`, or the
    /// id of the document a deleted page's text came from.
    pub fn key(&self) -> &str {
        self.key
            .as_deref()
            .filter(|k| !k.is_empty() && k.len() <= 20 && k.bytes().all(|b| b.is_ascii_digit()))
            .unwrap_or("new")
    }
}

/// A draft token as the script makes them (letters and digits), which the
/// saved page's address may carry back; anything else is dropped.
fn token(sent: Option<&str>) -> Option<&str> {
    sent.filter(|t| (1..=40).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The address of a document's page after a save, which tells the page
/// what the save did (see `pages::Shown`).
pub fn saved_page(
    saved: Tagged<DocView>,
    base: Option<u32>,
    merged: bool,
    draft: Option<&str>,
) -> String {
    let wrote = saved.wrote();
    let doc = saved.into_body();
    let from = base.map(|base| format!("&from={base}")).unwrap_or_default();
    let merged = if merged { "&merged=true" } else { "" };
    let unchanged = if wrote { "" } else { "&unchanged=true" };
    let draft = draft
        .map(|token| format!("&draft={token}"))
        .unwrap_or_default();
    format!(
        "/docs/{}?saved={}{from}{merged}{unchanged}{draft}",
        doc.id, doc.version
    )
}

fn lf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

/// What a form shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Shows {
    /// The stored document (or nothing yet): a draft the browser kept is
    /// restored over it.
    Stored,
    /// What the person just sent, refused: it replaces the kept draft.
    Typed,
}

/// The form that edits `draft` and posts to `action`; `version` is the
/// one it was loaded at (none for a new document). The browser keeps
/// what is typed under `key` until a save succeeds.
pub fn text_form(
    action: &str,
    key: &str,
    (draft, shows): (&Draft, Shows),
    version: Option<u32>,
    button: &str,
) -> Markup {
    html! {
        form #edit method="post" action=(action) data-draft=(key) data-typed[shows == Shows::Typed] {
            div #draft-notice role="status" hidden {}
            @if let Some(version) = version {
                input type="hidden" name="version" value=(version);
            } @else {
                input type="hidden" name="key" value=(key);
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
fn edit_page(id: u64, draft: (&Draft, Shows), version: u32, problem: Option<&Markup>) -> Markup {
    let title = &draft.0.title;
    let main = html! {
        h1 { "Edit " a href={ "/docs/" (id) } { (title) } }
        @if let Some(problem) = problem { (problem) }
        (text_form(&format!("/docs/{id}/edit"), &id.to_string(), draft, Some(version), "Save"))
    };
    page(&format!("Edit {title}"), &main)
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
                edit_page(id, (&draft, Shows::Stored), doc.version, None),
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
        return respond(
            StatusCode::PRECONDITION_REQUIRED,
            unversioned_page(id, &draft),
        );
    };
    let saved = put(&app, id, &draft, base).await;
    answer(id, &draft, base, saved, (Saving::Edit, form.token()))
}

/// A form that did not say its version cannot be saved: saving it could
/// erase what others wrote since. Its text stays on the page, to take to
/// the current version's form.
fn unversioned_page(id: u64, draft: &Draft) -> Markup {
    let problem = notice(
        "problem",
        &html! {
            "Not saved: this form did not say which version of the document it was loaded at, \
             and saving it could erase what others wrote since. Your text is below: copy what \
             you need into "
            a href={ "/docs/" (id) "/edit" } { "the form of the current version" } "."
        },
    );
    let main = html! {
        h1 { "Not saved" }
        (problem)
        p { label for="title" { "Your title" } input #title type="text" readonly value=(draft.title); }
        p { label for="body" { "Your text" } textarea #body readonly rows="16" { "\n" (draft.body) } }
    };
    page("Not saved", &main)
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
/// tags, likes, source and access key stay as they are.
async fn put(app: &App, id: u64, draft: &Draft, base: u32) -> Result<Tagged<DocView>, Error> {
    let body = PutDoc {
        id: None,
        title: draft.title.clone(),
        body: draft.body.clone(),
        tags: None,
        likes: None,
        source_title: None,
        source_url: None,
        access_key: None,
        version: Version::new(u64::from(base)),
    };
    let pre = Preconditions::default();
    app.docs.put::<DocView>(&id, &pre, &body).await
}

/// What the person sees after a save of `draft` based on `base`: the
/// saved document, the merge page, or the form again with their text and
/// the reason in words. No answer shows a bare status.
fn answer(
    id: u64,
    draft: &Draft,
    base: u32,
    saved: Result<Tagged<DocView>, Error>,
    (saving, token): (Saving, Option<&str>),
) -> HttpResponse {
    match saved {
        Ok(saved) => see_other(&saved_page(
            saved,
            Some(base),
            saving == Saving::Merge,
            token,
        )),
        Err(Error::Conflict(conflict)) => respond(
            StatusCode::CONFLICT,
            super::merge::page(id, draft, &conflict),
        ),
        Err(e) if e.status() == 404 => respond(StatusCode::NOT_FOUND, deleted_page(id, draft)),
        Err(e) => {
            let problem = notice("problem", &html! { "Not saved: " (e) });
            respond(
                status(&e),
                edit_page(id, (draft, Shows::Typed), base, Some(&problem)),
            )
        }
    }
}

/// The document was deleted while the person edited it: their text, and
/// the way to keep it as a new document.
fn deleted_page(id: u64, draft: &Draft) -> Markup {
    let problem = notice(
        "problem",
        &html! {
            "Not saved: someone deleted this document while you edited it. \
             Your text is below; create it as a new document to keep it."
        },
    );
    // The draft stays under the document's own key, so the text is kept
    // once, and the new document's saved page clears it.
    super::pages::new_page(&id.to_string(), (draft, Shows::Typed), Some(&problem))
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
    let token = token(form.get("draft").map(String::as_str));
    let doc = match app.docs.read(&id, &Preconditions::default()).await {
        Ok(doc) => doc,
        Err(e) => return answer(id, &yours, base, Err(e), (Saving::Edit, token)),
    };
    let kept = |v| revisions::at(&app, doc.value(), v);
    let (at_base, at_current) = match (kept(base).await, kept(current).await) {
        (Ok(b), Ok(c)) => (b, c),
        (Err(e), _) | (_, Err(e)) => return error_page(&e),
    };
    let page_had_base = form.get("basis").is_some_and(|b| b == "history");
    let settled = at_current
        .filter(|_| at_base.is_some() || !page_had_base)
        .and_then(|theirs| {
            let settled = settle(&Choices(&form), &yours, at_base.as_ref(), &theirs)?;
            Some((settled, theirs.version))
        });
    let (draft, on, saving) = match &settled {
        Some((settled, on)) => (settled, *on, Saving::Merge),
        // A place left undecided, or a version the history no longer
        // keeps: the edit is saved again from its base, which shows the
        // merge page as things are now.
        None => (&yours, base, Saving::Edit),
    };
    let saved = put(&app, id, draft, on).await;
    answer(id, draft, on, saved, (saving, token))
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
            "edit" => {
                let text = self.0.get(&format!("{place}-text"));
                Some(Resolution::Written(lf(text.map_or("", String::as_str))))
            }
            _ => None,
        }
    }

    /// Every place the merge page asked about (`places`) is decided.
    fn all_decided(&self) -> bool {
        let places = self.0.get("places").map_or("", String::as_str);
        places
            .split_whitespace()
            .all(|place| self.of(place).is_some())
    }
}

/// The document as the person settled it: `yours` merged into `theirs`
/// (the version the merge page showed) as optimist merges a stale write,
/// with each overlapping change as the person chose. `None` where a
/// place is undecided. With the `base` version kept, the places are
/// worked out again here rather than trusted from the form.
fn settle(
    choices: &Choices<'_>,
    yours: &Draft,
    base: Option<&Revision>,
    theirs: &Revision,
) -> Option<Draft> {
    if !choices.all_decided() {
        return None;
    }
    let title = match (choices.of("title"), base) {
        (Some(choice), _) => choice.settle(&yours.title, &theirs.title),
        // Only the other side changed it.
        (None, Some(base)) if base.title == yours.title => theirs.title.clone(),
        // Both changed it, differently: a place the page must have asked about.
        (None, Some(base)) if base.title != theirs.title && yours.title != theirs.title => {
            return None;
        }
        // Only the person changed it; or, with no base kept, the stamps
        // said the other side did not (else the page asked).
        (None, _) => yours.title.clone(),
    };
    let body = match (choices.of("body"), base) {
        (Some(choice), _) => choice.settle(&yours.body, &theirs.body),
        (None, Some(base)) => {
            let mut undecided = false;
            let body = resolve_text(&base.body, &yours.body, &theirs.body, |i, _| {
                choices.of(&format!("body-{i}")).unwrap_or_else(|| {
                    undecided = true;
                    Resolution::Yours
                })
            });
            if undecided {
                return None;
            }
            body
        }
        (None, None) => yours.body.clone(),
    };
    Some(Draft { title, body })
}
