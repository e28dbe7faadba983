//! Three-way merge of text, line by line (`similar`'s `TextMerge`, which
//! decides regions as `diff3` and git's xdiff do).

use serde::Serialize;
use similar::{MergeResolution, TextMerge};

/// A string type a `#[versioned(text)]` field may have.
///
/// ```
/// use optimist::merge::Text;
/// assert_eq!(String::from_text("a".into()).as_text(), "a");
/// ```
#[diagnostic::on_unimplemented(
    message = "`#[versioned(text)]` needs a `String` field, not `{Self}`",
    label = "not a string type",
    note = "a text merge joins both sides' edits line by line: give the field the type `String`, or remove `text`"
)]
pub trait Text: Clone {
    /// The text.
    fn as_text(&self) -> &str;
    /// The value holding `text`.
    fn from_text(text: String) -> Self;
}

impl Text for String {
    fn as_text(&self) -> &str {
        self
    }

    fn from_text(text: String) -> Self {
        text
    }
}

/// A region of a text that both sides edited differently since the base:
/// the lines as each of the three had them.
///
/// ```
/// let conflict = optimist::merge_text("a\nb\n", "a\nB1\n", "a\nB2\n").unwrap_err();
/// assert_eq!(conflict[0].line(), 2);
/// assert_eq!((conflict[0].base(), conflict[0].yours(), conflict[0].current()), ("b\n", "B1\n", "B2\n"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "utoipa", derive(utoipa::ToSchema))]
pub struct Region {
    /// The region's first line in the base text, counting from 1.
    line: usize,
    /// The region's lines in the base text.
    base: String,
    /// The request's lines in its place.
    yours: String,
    /// The current lines in its place.
    current: String,
}

impl Region {
    /// The region's first line in the base text, counting from 1.
    #[must_use]
    pub fn line(&self) -> usize {
        self.line
    }

    /// The region's lines in the base text.
    #[must_use]
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The request's lines in the region's place.
    #[must_use]
    pub fn yours(&self) -> &str {
        &self.yours
    }

    /// The current lines in the region's place.
    #[must_use]
    pub fn current(&self) -> &str {
        &self.current
    }
}

/// Merges two edits of the text `base`: lines only one side changed take
/// that side's change, lines both changed alike are kept once. Regions
/// both changed differently, or changed right next to each other (with
/// no unchanged line between them, so that their order is unknown), are
/// the error.
///
/// ```
/// let base = "Intro\n\nMiddle\n\nEnd\n";
/// let yours = "Intro, rewritten\n\nMiddle\n\nEnd\n";
/// let current = "Intro\n\nMiddle\n\nEnd, extended\n";
/// let merged = optimist::merge_text(base, yours, current).unwrap();
/// assert_eq!(merged, "Intro, rewritten\n\nMiddle\n\nEnd, extended\n");
/// ```
///
/// # Errors
/// The conflicting regions, in the order of the text.
pub fn merge_text(base: &str, yours: &str, current: &str) -> Result<String, Vec<Region>> {
    let merge = TextMerge::from_lines(base, yours, current);
    if !merge.is_conflicted() {
        return Ok(merge.to_string());
    }
    Err(merge
        .regions()
        .iter()
        .filter(|region| region.resolution() == MergeResolution::Conflict)
        .map(|region| Region {
            line: region.base_range().start + 1,
            base: lines(region.base_range(), |i| merge.base_line(i)),
            yours: lines(region.ours_range(), |i| merge.ours_line(i)),
            current: lines(region.theirs_range(), |i| merge.theirs_line(i)),
        })
        .collect())
}

/// The lines at `range`, joined.
fn lines<'m>(range: core::ops::Range<usize>, line: impl Fn(usize) -> Option<&'m str>) -> String {
    range.filter_map(line).collect()
}

#[cfg(test)]
mod tests {
    use super::merge_text;

    #[test]
    fn adjacent_edits_conflict_and_separated_ones_merge() {
        let base = "one\ntwo\nthree\n";
        assert!(merge_text(base, "ONE\ntwo\nthree\n", "one\nTWO\nthree\n").is_err());
        assert_eq!(
            merge_text(base, "ONE\ntwo\nthree\n", "one\ntwo\nTHREE\n").unwrap(),
            "ONE\ntwo\nTHREE\n"
        );
    }

    #[test]
    fn the_same_edit_on_both_sides_is_kept_once() {
        let base = "a\nb\n";
        assert_eq!(merge_text(base, "a\nc\n", "a\nc\n").unwrap(), "a\nc\n");
    }

    #[test]
    fn text_without_a_final_newline_merges() {
        assert_eq!(
            merge_text("a\nb\nc", "A\nb\nc", "a\nb\nC").unwrap(),
            "A\nb\nC"
        );
    }
}
