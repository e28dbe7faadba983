//! The merge page: what a 409 for a stale save says, for a person. Each
//! overlapping change ("place") shows the lines before, the person's and
//! the current ones side by side, with the choice of keeping one's own,
//! taking the current lines, or writing the merge. Everything else the
//! person changed merges as it is, on saving.

use maud::{Markup, html};
use optimist::{Basis, Conflict, FieldConflict, Versioned};
use serde_json::Value;

use super::edit::Draft;
use super::layout::page as frame;
use crate::model::Doc;

/// The merge page for `yours`, a save of document `id` that `conflict`
/// refused.
pub fn page(id: u64, yours: &Draft, conflict: &Conflict) -> Markup {
    let (base, current) = (
        conflict.your_version().get(),
        conflict.current_version().get(),
    );
    let mut places = Vec::new();
    let mut sections = Vec::new();
    for field in conflict.conflicts() {
        match (field.field(), field.regions()) {
            ("title", _) => {
                let place = Place::of_field(field, "title", "The title", &yours.title);
                sections.push(place.markup(base, current, false));
                places.push(place.name);
            }
            ("body", []) => {
                let place = Place::of_field(field, "body", "The text", &yours.body);
                sections.push(place.markup(base, current, true));
                places.push(place.name);
            }
            ("body", regions) => {
                for (i, region) in regions.iter().enumerate() {
                    let place = Place {
                        name: format!("body-{i}"),
                        legend: format!("The text, from line {}", region.line()),
                        base: Some(region.base().to_owned()),
                        mine: region.yours().to_owned(),
                        theirs: region.current().to_owned(),
                    };
                    sections.push(place.markup(base, current, true));
                    places.push(place.name);
                }
            }
            // The form edits only the title and the text; the other
            // fields keep their current values.
            (other, _) => sections.push(html! {
                p { "They also changed " code { (other) } "; their value is kept." }
            }),
        }
    }
    let title = conflict
        .current()
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or(&yours.title);
    let count = places.len();
    // Where the page had the base version, its save needs it still.
    let basis = match conflict.basis() {
        Some(Basis::History) => "history",
        _ => "stamps",
    };
    let main = html! {
        section #merge-dialog .dialog aria-labelledby="merge-title" aria-describedby="merge-summary" tabindex="-1" {
            h1 #merge-title { "Your edit overlaps with changes saved since you opened it" }
            p #merge-summary {
                "You started editing “" a href={ "/docs/" (id) } { (title) } "” at version " (base) ". Since then, "
                (in_between(id, base, current))
                " saved. Everything else you changed fits with their changes and is kept. "
                @if count == 1 { "One place needs" } @else { (count) " places need" }
                " your decision; nothing is saved until you choose and save."
            }
            form #merge method="post" action={ "/docs/" (id) "/merge" }
                data-merge={ (id) ":" (base) ":" (current) } data-draft-of=(id) {
                input type="hidden" name="base" value=(base);
                input type="hidden" name="basis" value=(basis);
                input type="hidden" name="current" value=(current);
                input type="hidden" name="title" value=(yours.title);
                input type="hidden" name="body" value=(yours.body);
                input type="hidden" name="places" value=(places.join(" "));
                @for section in &sections { (section) }
                p.buttons {
                    button #save-merge type="submit" { "Save the merge" }
                    " "
                    a #discard href={ "/docs/" (id) "?discarded=true" } data-discard=(id) { "Discard my edit" }
                }
            }
        }
    };
    frame("Merge your edit", &main)
}

/// "version 5 was", or "versions 5, 6 and 7 were", each linked to its
/// changes (as far back as the history keeps the version before).
fn in_between(id: u64, base: u64, current: u64) -> Markup {
    let kept = Doc::HISTORY as u64;
    let first = (base + 1).max((current + 2).saturating_sub(kept));
    let versions: Vec<u64> = (first..=current).collect();
    let link = |v: u64| {
        html! { a href={ "/docs/" (id) "/history?from=" (v - 1) "&to=" (v) } { (v) } }
    };
    html! {
        @if let [only] = versions[..] {
            "version " (link(only)) " was"
        } @else {
            "versions "
            @for (n, v) in versions.iter().enumerate() {
                @if n + 1 == versions.len() { " and " } @else if n > 0 { ", " }
                (link(*v))
            }
            " were"
        }
    }
}

/// One overlapping change the person settles.
struct Place {
    /// The form's name for it: `{name}-choice`, `{name}-text`.
    name: String,
    legend: String,
    /// What was there at the person's base version, where it is kept.
    base: Option<String>,
    mine: String,
    theirs: String,
}

impl Place {
    /// A field both changed, as a whole.
    fn of_field(field: &FieldConflict, name: &str, legend: &str, mine: &str) -> Place {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        Place {
            name: name.to_owned(),
            legend: legend.to_owned(),
            base: text(field.base()),
            mine: mine.to_owned(),
            theirs: text(field.current()).unwrap_or_default(),
        }
    }

    /// The three sides, the choices, and the field to write the merge in
    /// (lines for a text, one line for a title).
    fn markup(&self, base: u64, current: u64, lines: bool) -> Markup {
        let name = &self.name;
        let written = format!("{name}-text");
        let merged = if lines {
            // Both sides' lines, each on its own, to edit into one.
            let gap = if self.mine.is_empty() || self.mine.ends_with('\n') {
                ""
            } else {
                "\n"
            };
            format!("{}{gap}{}", self.mine, self.theirs)
        } else {
            self.mine.clone()
        };
        html! {
            section.place #(name) aria-labelledby={ (name) "-heading" } {
                h2 #{ (name) "-heading" } { (self.legend) }
                div.sides {
                    @if let Some(before) = &self.base {
                        (side("before", &format!("Before (version {base})"), before, "Nothing was here."))
                    }
                    (side("mine", "Yours", &self.mine, "You deleted this."))
                    (side("theirs", &format!("Theirs (version {current})"), &self.theirs, "They deleted this."))
                }
                fieldset.choices {
                    legend { "Which to keep" span.hidden { ": " (self.legend) } }
                    div.options {
                        (choice(name, "mine", "Keep mine"))
                        (choice(name, "theirs", "Take theirs"))
                        (choice(name, "edit", "Edit the merge"))
                    }
                }
                div.written {
                    label for=(written) { "Your merge" }
                    @if lines {
                        textarea #(written) name=(written) rows="6" { "\n" (merged) }
                    } @else {
                        input #(written) type="text" name=(written) value=(merged) maxlength="200";
                    }
                }
            }
        }
    }
}

/// One side of a place: its heading, then its lines, or what their
/// absence means.
fn side(class: &str, heading: &str, text: &str, empty: &str) -> Markup {
    html! {
        div class={ "side " (class) } {
            h3 { (heading) }
            @if text.is_empty() {
                p.empty { (empty) }
            } @else {
                pre { (text) }
            }
        }
    }
}

/// A required radio button of the place `name`.
fn choice(name: &str, value: &str, label: &str) -> Markup {
    let id = format!("{name}-{value}");
    html! {
        span.choice {
            input #(id) type="radio" name={ (name) "-choice" } value=(value) required;
            label for=(id) { (label) }
        }
    }
}
