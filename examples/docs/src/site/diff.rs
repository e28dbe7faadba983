//! What changed between two versions of a document, line by line, as a
//! person reads a diff: removed lines struck out, added ones marked, and
//! a few unchanged lines around each change.

use std::time::Duration;

use maud::{Markup, html};
use similar::{ChangeTag, TextDiff};

use crate::model::Revision;

/// Unchanged lines shown around each change.
const CONTEXT: usize = 2;

/// The most time a diff may take: past it, the diff is coarser (whole
/// blocks replaced) but still right. Texts of a megabyte each, made to be
/// hard to compare, must not hold a worker.
const DEADLINE: Duration = Duration::from_millis(200);

/// The changes from `old` to `new`: the title where it changed, then the
/// text's changed lines.
pub fn revisions(old: &Revision, new: &Revision) -> Markup {
    html! {
        @if old.title != new.title {
            p { "Title: " del { (old.title) } " → " ins { (new.title) } }
        }
        @if old.body == new.body {
            p { "The text did not change." }
        } @else {
            (text(&old.body, &new.body))
        }
    }
}

/// The changed lines of `new` against `old`, in groups separated by
/// the unchanged lines left out.
pub fn text(old: &str, new: &str) -> Markup {
    let diff = TextDiff::configure().timeout(DEADLINE).diff_lines(old, new);
    html! {
        div.diff {
            @for (n, group) in diff.grouped_ops(CONTEXT).iter().enumerate() {
                @if n > 0 { div.gap aria-hidden="true" { "⋯" } }
                @for op in group {
                    @for change in diff.iter_changes(op) {
                        @let line = change.value().trim_end_matches('\n');
                        @match change.tag() {
                            ChangeTag::Delete => del { span.hidden { "removed: " } span.mark aria-hidden="true" { "− " } (line) },
                            ChangeTag::Insert => ins { span.hidden { "added: " } span.mark aria-hidden="true" { "+ " } (line) },
                            ChangeTag::Equal => span.same { span.mark aria-hidden="true" { "  " } (line) },
                        }
                    }
                }
            }
        }
    }
}
