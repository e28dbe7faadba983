//! The wiki in a real browser: two people, each in their own headless
//! Chromium, edit the same document at the same time, on SQLite and on
//! PostgreSQL. Different paragraphs both land and the page says what was
//! merged; the same paragraph opens the merge page, which settles it; a
//! paragraph the other deleted is kept when its editor says so; a stale
//! tab reloaded keeps what was typed and merges it. Screenshots of each
//! page a person sees land in `target/tmp/screenshots/`.

mod chrome;
#[path = "../support/mod.rs"]
mod support;

use chrome::{Driver, Person, screenshot};
use fantoccini::Client;
use serde_json::json;
use support::{Backend, DOCS, Service, fresh_database};

const PLAN: &str = "Day one: museum\n\nDay two: hike\n\nDay three: beach\n";

/// Two people and the wiki they both edit.
struct Wiki {
    service: Service,
    ann: Client,
    bob: Client,
    backend: &'static str,
}

impl Wiki {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.service.base)
    }

    /// A document `id` holding [`PLAN`], made through the API.
    async fn document(&self, id: u64) {
        let mut doc = DOCS.new_body(id, "Trip plan");
        doc["body"] = json!(PLAN);
        assert_eq!(self.service.client().create(&doc).await.status, 201);
    }

    /// `person` opens the edit page of document `id`.
    async fn edit(&self, person: &Client, id: u64) {
        person
            .goto(&self.url(&format!("/docs/{id}/edit")))
            .await
            .unwrap();
        person.see("textarea#body").await;
    }

    /// Document `id` holding [`PLAN`], open in both people's edit forms.
    async fn open_in_both(&self, id: u64) {
        self.document(id).await;
        self.edit(&self.ann, id).await;
        self.edit(&self.bob, id).await;
    }

    /// `person` types `title` (where given) and `body` into the form and saves.
    async fn save(&self, person: &Client, title: Option<&str>, body: &str) {
        if let Some(title) = title {
            person.type_into("#title", title).await;
        }
        person.type_into("#body", body).await;
        person.click("#save").await;
    }

    /// The document's text as the API reads it.
    async fn text(&self, id: u64) -> String {
        let doc = self
            .service
            .client()
            .get(&format!("/api/docs/{id}"), &[])
            .await;
        doc.json()["body"].as_str().unwrap().to_owned()
    }
}

/// What `person`'s browser keeps as the draft of document `id`.
async fn kept_draft(person: &Client, id: u64) -> serde_json::Value {
    let script = format!("return localStorage.getItem('optimist-draft:{id}')");
    person.execute(&script, vec![]).await.unwrap()
}

/// Ann writes a new document; both open it; Bob changes the last day,
/// Ann the first; both saves land, and Ann is told hers was merged.
async fn different_paragraphs(wiki: &Wiki) {
    let ann = &wiki.ann;
    ann.goto(&wiki.url("/")).await.unwrap();
    ann.click("a[href='/docs/new']").await;
    ann.type_into("#title", "Trip plan").await;
    ann.type_into("#body", PLAN).await;
    ann.click("#save").await;
    assert_eq!(ann.text_of(".notice").await, "Created as version 1.");
    let url = ann.current_url().await.unwrap();
    let id: u64 = url.path().rsplit('/').next().unwrap().parse().unwrap();

    wiki.edit(ann, id).await;
    wiki.edit(&wiki.bob, id).await;
    let bobs = "Day one: museum\n\nDay two: hike\n\nDay three: beach, then dinner\n";
    wiki.save(&wiki.bob, None, bobs).await;
    assert_eq!(wiki.bob.text_of(".notice").await, "Saved as version 2.");

    let anns = "Day one: museum and old town\n\nDay two: hike\n\nDay three: beach\n";
    wiki.save(ann, None, anns).await;
    let notice = ann.text_of(".notice").await;
    assert!(
        notice.starts_with(
            "Saved as version 3.\nWhile you edited, version 2 was saved by someone else."
        ),
        "{notice}"
    );
    let article = ann.text_of("article .text").await;
    assert!(
        article.contains("Day one: museum and old town")
            && article.contains("Day three: beach, then dinner"),
        "{article}"
    );
    assert_eq!(
        ann.value_of_prop("details.merged ins", "textContent").await,
        "added: + Day three: beach, then dinner",
        "their change is shown as merged"
    );
    screenshot(ann, wiki.backend, "merged").await;
}

/// Both change the first day: Bob's save lands, Ann's opens the merge
/// page with the lines before, hers and his; she writes the merge and
/// saves it, and the history shows both edits.
async fn same_paragraph(wiki: &Wiki) {
    let (ann, bob) = (&wiki.ann, &wiki.bob);
    wiki.open_in_both(20).await;
    let bobs = PLAN.replace("museum", "museum and lunch");
    wiki.save(bob, Some("Trip plan, Bob's"), &bobs).await;
    bob.see(".notice.saved").await;
    let anns = PLAN.replace("museum", "old town");
    wiki.save(ann, Some("Our trip"), &anns).await;
    ann.see("#merge-dialog").await;
    assert_eq!(
        ann.text_of("#merge-title").await,
        "Your edit overlaps with changes saved since you opened it"
    );
    assert_eq!(
        ann.text_of("#title .side.theirs").await,
        "Theirs (version 2)\nTrip plan, Bob's"
    );
    let sides = ann
        .find_all(fantoccini::Locator::Css("#body-0 .side"))
        .await
        .unwrap();
    let mut texts = Vec::new();
    for side in sides {
        texts.push(side.text().await.unwrap());
    }
    assert_eq!(
        texts,
        [
            "Before (version 1)\nDay one: museum",
            "Yours\nDay one: old town",
            "Theirs (version 2)\nDay one: museum and lunch",
        ]
    );
    // The page has the keyboard's focus, and links Bob's version.
    let focused = ann.active_element().await.unwrap();
    assert_eq!(
        focused.attr("id").await.unwrap().as_deref(),
        Some("merge-dialog")
    );
    ann.see("#merge-summary a[href='/docs/20/history?from=1&to=2']")
        .await;
    let shot = screenshot(ann, wiki.backend, "merge-dialog").await;
    if std::env::var_os("OPTIMIST_UPDATE_SCREENSHOTS").is_some() && wiki.backend == "sqlite" {
        let readme = concat!(env!("CARGO_MANIFEST_DIR"), "/screenshots/merge-dialog.png");
        std::fs::copy(shot, readme).unwrap();
    }

    // Saving without a choice is stopped by the browser: every place is
    // required, so the form is not sent.
    let valid = "return document.getElementById('merge').checkValidity()";
    assert_eq!(ann.execute(valid, vec![]).await.unwrap(), json!(false));
    ann.click("#save-merge").await;
    let undecided = "return document.querySelectorAll('#merge input:invalid').length";
    let undecided = ann.execute(undecided, vec![]).await.unwrap();
    assert_eq!(
        undecided,
        json!(6),
        "two places, three radios each, none chosen"
    );
    ann.click("label[for='title-theirs']").await;
    ann.click("label[for='body-0-edit']").await;
    ann.type_into(
        "#body-0-text",
        "Day one: old town, then lunch at the museum\n",
    )
    .await;
    screenshot(ann, wiki.backend, "merge-dialog-edited").await;
    ann.click("#save-merge").await;
    assert_eq!(
        ann.text_of(".notice").await,
        "Saved your merge as version 3."
    );
    assert_eq!(
        wiki.text(20).await,
        "Day one: old town, then lunch at the museum\n\nDay two: hike\n\nDay three: beach\n"
    );
    assert_eq!(
        ann.text_of("article h1").await,
        "Trip plan, Bob's",
        "his title, taken"
    );
    let draft = kept_draft(ann, 20).await;
    assert_eq!(draft, serde_json::Value::Null, "the saved draft is gone");

    ann.click("nav.actions a[href='/docs/20/history']").await;
    assert_eq!(
        ann.text_of("table.history tbody tr:first-child").await,
        "3 Trip plan, Bob's Changes in version 3"
    );
    ann.click("a[href='/docs/20/history?from=1&to=2']").await;
    assert_eq!(
        ann.value_of_prop("section.compared .diff ins", "textContent")
            .await,
        "added: + Day one: museum and lunch",
        "Bob's edit is in the history"
    );
    screenshot(ann, wiki.backend, "history").await;
}

/// Bob deletes the second day while Ann rewrites it: the merge page says
/// he deleted it, Ann keeps hers, and the rest of Bob's edit stays.
async fn deleted_paragraph(wiki: &Wiki) {
    let (ann, bob) = (&wiki.ann, &wiki.bob);
    wiki.open_in_both(30).await;
    let bobs = "Day one: museum

Day three: beach
";
    wiki.save(bob, Some("Short trip"), bobs).await;
    bob.see(".notice.saved").await;
    wiki.save(ann, None, &PLAN.replace("hike", "long hike"))
        .await;
    ann.see("#merge-dialog").await;
    assert_eq!(
        ann.text_of("#body-0 .side:last-child").await,
        "Theirs (version 2)\nThey deleted this."
    );
    screenshot(ann, wiki.backend, "merge-deleted").await;
    // With the keyboard: Space picks a choice, Enter presses the button.
    ann.see("#body-0-mine").await.send_keys(" ").await.unwrap();
    assert!(ann.see("#body-0-mine").await.is_selected().await.unwrap());
    ann.see("#save-merge")
        .await
        .send_keys("\u{E007}")
        .await
        .unwrap();
    ann.see(".notice.saved").await;
    assert_eq!(
        wiki.text(30).await,
        "Day one: museum\n\nDay two: long hike\n\nDay three: beach\n"
    );
    assert_eq!(
        ann.text_of("article h1").await,
        "Short trip",
        "Bob's title stays"
    );
}

/// Ann types in a tab, Bob saves, Ann reloads the tab: her text is back,
/// she is told it was written at the older version, and her save merges
/// with Bob's.
async fn stale_tab_reloaded(wiki: &Wiki) {
    let (ann, bob) = (&wiki.ann, &wiki.bob);
    wiki.document(40).await;
    wiki.edit(ann, 40).await;
    let anns = PLAN.replace("museum", "science museum");
    ann.type_into("#body", &anns).await;

    wiki.edit(bob, 40).await;
    wiki.save(bob, None, &PLAN.replace("beach", "lake")).await;
    bob.see(".notice.saved").await;

    ann.refresh().await.unwrap();
    let notice = ann.text_of("#draft-notice p").await;
    assert_eq!(
        notice,
        "Your unsaved changes were restored. You wrote them at version 1; the document is now \
         at version 2. Saving merges your changes with the newer ones."
    );
    assert_eq!(ann.value_of_prop("#body", "value").await, anns);
    screenshot(ann, wiki.backend, "draft-restored").await;
    ann.click("#save").await;
    ann.see(".notice.saved").await;
    assert_eq!(
        wiki.text(40).await,
        "Day one: science museum\n\nDay two: hike\n\nDay three: lake\n"
    );

    // Saved: the draft is gone, and the form shows the document as it is.
    assert_eq!(kept_draft(ann, 40).await, serde_json::Value::Null);
    wiki.edit(ann, 40).await;
    assert!(
        ann.see("#draft-notice")
            .await
            .attr("hidden")
            .await
            .unwrap()
            .is_some()
    );

    // Back on the saved page, reloaded, with a new draft typed since: the
    // page clears only the draft its save sent, not this one.
    let again = "Day one: science museum\n\nDay two: hike, twice\n\nDay three: lake\n";
    ann.type_into("#body", again).await;
    ann.back().await.unwrap();
    ann.see(".notice.saved").await;
    wiki.edit(ann, 40).await;
    ann.see("#draft-notice p").await;
    assert_eq!(ann.value_of_prop("#body", "value").await, again);
}

async fn two_people_edit(backend: Backend) {
    let service = Service::start(&DOCS, &fresh_database(backend).await);
    let driver = Driver::start();
    let wiki = Wiki {
        service,
        ann: driver.person("ann").await,
        bob: driver.person("bob").await,
        backend: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        },
    };
    different_paragraphs(&wiki).await;
    same_paragraph(&wiki).await;
    deleted_paragraph(&wiki).await;
    stale_tab_reloaded(&wiki).await;
    let Wiki { ann, bob, .. } = wiki;
    ann.close().await.unwrap();
    bob.close().await.unwrap();
}

#[tokio::test]
async fn sqlite_two_people_edit_in_browsers() {
    two_people_edit(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_two_people_edit_in_browsers() {
    two_people_edit(Backend::Postgres).await;
}
