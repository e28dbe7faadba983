//! Three-way merge of text, line by line (`similar`'s `TextMerge`, which
//! decides regions as `diff3` and git's xdiff do).

use std::time::{Duration, Instant};

use serde::Serialize;
use similar::{Algorithm, DiffOp, MergeRegion, MergeResolution, TextMerge, capture_diff_deadline};

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
    merge_explained(base, yours, current).map_err(|(regions, _)| regions)
}

/// The most changed runs of lines either side may have against the base
/// for a line merge: past it, the merge would list thousands of regions,
/// which no person settles, and its cost grows with their square.
const MAX_CHANGES: usize = 1_000;

/// The time either side's diff against the base may take before the text
/// counts as too different to merge: a bound on the work a request can
/// make, whatever its text.
const BUDGET: Duration = Duration::from_millis(50);

/// [`merge_text`], with the reason where the texts are too different to
/// merge line by line: then the whole text is one region.
pub(crate) fn merge_explained(
    base: &str,
    yours: &str,
    current: &str,
) -> Result<String, (Vec<Region>, Option<String>)> {
    if !mergeable(base, yours, current) {
        return Err((
            vec![whole(base, yours, current)],
            Some(TOO_DIFFERENT.to_owned()),
        ));
    }
    let merge = TextMerge::from_lines(base, yours, current);
    if !merge.is_conflicted() {
        return Ok(merge.to_string());
    }
    Err((
        merge
            .regions()
            .iter()
            .filter(|region| region.resolution() == MergeResolution::Conflict)
            .map(|region| conflict(&merge, region))
            .collect(),
        None,
    ))
}

const TOO_DIFFERENT: &str = "the texts differ in too many places to merge line by line";

/// Texts of at most this many lines are merged without the check of
/// [`mergeable`]: the worst of them (two lines alternating, edited
/// everywhere) merges in a few milliseconds, less than the check costs a
/// common merge.
const CHECKED_FROM: usize = 2_000;

/// Whether each side's changes to `base` are few enough, and found fast
/// enough, for a line merge to be cheap and its regions few.
fn mergeable(base: &str, yours: &str, current: &str) -> bool {
    if [base, yours, current]
        .into_iter()
        .all(|t| line_breaks(t) <= CHECKED_FROM)
    {
        return true;
    }
    let base = lines_of(base);
    [yours, current].into_iter().all(|side| {
        let side = lines_of(side);
        let deadline = Instant::now() + BUDGET;
        let ops = capture_diff_deadline(
            Algorithm::Myers,
            &base,
            0..base.len(),
            &side,
            0..side.len(),
            Some(deadline),
        );
        let changes = ops
            .iter()
            .filter(|op| !matches!(op, DiffOp::Equal { .. }))
            .count();
        changes <= MAX_CHANGES && Instant::now() < deadline
    })
}

/// How many line breaks `text` has, counted in blocks that the compiler
/// vectorises (a byte-wise filter runs at a tenth of the speed, which a
/// 100 KB merge would feel).
fn line_breaks(text: &str) -> usize {
    text.as_bytes()
        .chunks(128)
        .map(|block| usize::from(block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n'))))
        .sum()
}

/// The lines of `text`, each with its line break.
fn lines_of(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// The whole text as one region.
fn whole(base: &str, yours: &str, current: &str) -> Region {
    Region {
        line: 1,
        base: base.to_owned(),
        yours: yours.to_owned(),
        current: current.to_owned(),
    }
}

/// How a person settles one region that both sides edited differently
/// (see [`resolve_text`]).
///
/// ```
/// use optimist::merge::{Resolution, resolve_text};
/// let current = resolve_text("a\n", "b\n", "c\n", |_, _| Resolution::Current);
/// assert_eq!(current, "c\n");
/// let written = resolve_text("a\n", "b\n", "c\n", |_, _| Resolution::Written("b and c".into()));
/// assert_eq!(written, "b and c\n");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// The request's lines.
    Yours,
    /// The current lines.
    Current,
    /// Lines the person wrote instead. A final line break is added where
    /// the region's lines had one and these do not, so that the text
    /// after the region stays on its own line.
    Written(String),
}

impl Resolution {
    /// The value this resolution settles on, between `yours` and
    /// `current`: for a field merged as a whole, such as a title.
    ///
    /// ```
    /// use optimist::merge::Resolution;
    /// assert_eq!(Resolution::Current.settle("mine", "theirs"), "theirs");
    /// assert_eq!(Resolution::Written("ours".into()).settle("mine", "theirs"), "ours");
    /// ```
    #[must_use]
    pub fn settle(self, yours: &str, current: &str) -> String {
        match self {
            Resolution::Yours => yours.to_owned(),
            Resolution::Current => current.to_owned(),
            Resolution::Written(text) => text,
        }
    }
}

/// Merges two edits of `base` as [`merge_text`] does, and settles each
/// conflicting region as `resolve` answers for it (called with the
/// region's index, in text order, and the region). This is the save of a
/// merge a person made: the regions are those [`merge_text`] reported for
/// the same three texts, so a form can send one choice per region.
///
/// ```
/// use optimist::merge::{Resolution, resolve_text};
/// let base = "Intro\n\nEnd\n";
/// let yours = "Preface\n\nEnd\n";
/// let current = "Intro, reworded\n\nEnd, extended\n";
/// let mine = resolve_text(base, yours, current, |_, _| Resolution::Yours);
/// assert_eq!(mine, "Preface\n\nEnd, extended\n");
/// let written = resolve_text(base, yours, current, |_, region| {
///     Resolution::Written(format!("{} {}", region.yours().trim_end(), region.current().trim_end()))
/// });
/// assert_eq!(written, "Preface Intro, reworded\n\nEnd, extended\n");
/// ```
pub fn resolve_text(
    base: &str,
    yours: &str,
    current: &str,
    mut resolve: impl FnMut(usize, &Region) -> Resolution,
) -> String {
    if !mergeable(base, yours, current) {
        return resolve(0, &whole(base, yours, current)).settle(yours, current);
    }
    let merge = TextMerge::from_lines(base, yours, current);
    let mut text = String::with_capacity(yours.len().max(current.len()));
    let mut conflicts = 0;
    for region in merge.regions() {
        match region.resolution() {
            MergeResolution::Theirs => {
                text.extend(region.theirs_range().filter_map(|i| merge.theirs_line(i)));
            }
            MergeResolution::Conflict => {
                let conflict = conflict(&merge, region);
                let lines =
                    resolve(conflicts, &conflict).settle(&conflict.yours, &conflict.current);
                text.push_str(&lines);
                let ended = conflict.yours.ends_with('\n') || conflict.current.ends_with('\n');
                if ended && !lines.is_empty() && !lines.ends_with('\n') {
                    text.push('\n');
                }
                conflicts += 1;
            }
            // Unchanged, ours alone, or the same on both sides: the
            // request's lines.
            _ => text.extend(region.ours_range().filter_map(|i| merge.ours_line(i))),
        }
    }
    text
}

/// The lines of a conflicting `region` as each side has them.
fn conflict(merge: &TextMerge<'_, '_, '_, str>, region: &MergeRegion) -> Region {
    Region {
        line: region.base_range().start + 1,
        base: lines(region.base_range(), |i| merge.base_line(i)),
        yours: lines(region.ours_range(), |i| merge.ours_line(i)),
        current: lines(region.theirs_range(), |i| merge.theirs_line(i)),
    }
}

/// The lines at `range`, joined.
fn lines<'m>(range: core::ops::Range<usize>, line: impl Fn(usize) -> Option<&'m str>) -> String {
    range.filter_map(line).collect()
}

#[cfg(test)]
mod tests {
    use super::{Resolution, merge_text, resolve_text};

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
    fn each_region_is_settled_and_the_rest_merges() {
        // Lines 1–2 and 8 both changed; line 4 only yours, line 6 only current.
        let base = "a\nb\nc\nd\ne\nf\ng\nh\ni\n";
        let yours = "a\nB1\nc\nD\ne\nf\ng\nH1\ni\n";
        let current = "A\nb2\nc\nd\ne\nF\ng\nH2\ni\n";
        assert_eq!(merge_text(base, yours, current).unwrap_err().len(), 2);
        let mut seen = Vec::new();
        let mine = resolve_text(base, yours, current, |i, region| {
            seen.push((i, region.line()));
            Resolution::Yours
        });
        assert_eq!(seen, [(0, 1), (1, 8)]);
        assert_eq!(mine, "a\nB1\nc\nD\ne\nF\ng\nH1\ni\n");
        let theirs = resolve_text(base, yours, current, |_, _| Resolution::Current);
        assert_eq!(theirs, "A\nb2\nc\nD\ne\nF\ng\nH2\ni\n");
    }

    #[test]
    fn written_lines_keep_the_next_line_apart() {
        let base = "a\nb\nc\n";
        let joined = resolve_text(base, "a\nB1\nc\n", "a\nB2\nc\n", |_, _| {
            Resolution::Written("B1 and B2".into())
        });
        assert_eq!(joined, "a\nB1 and B2\nc\n");
        let dropped = resolve_text(base, "a\nB1\nc\n", "a\nc\n", |_, _| {
            Resolution::Written(String::new())
        });
        assert_eq!(dropped, "a\nc\n");
    }

    #[test]
    fn texts_that_differ_everywhere_are_one_region_with_a_reason() {
        // Two lines repeated: thousands of tiny edits on each side, whose
        // line merge would take seconds and list thousands of regions.
        let text = |every: usize| -> String {
            (0..20_000)
                .map(|i| if i % every == 0 { "a\n" } else { "b\n" })
                .collect()
        };
        let (base, yours, current) = (text(2), text(3), text(5));
        let (regions, reason) = super::merge_explained(&base, &yours, &current).unwrap_err();
        assert_eq!(regions.len(), 1);
        assert_eq!((regions[0].line(), regions[0].yours()), (1, yours.as_str()));
        assert_eq!(reason.as_deref(), Some(super::TOO_DIFFERENT));
        let mine = resolve_text(&base, &yours, &current, |i, _| {
            assert_eq!(i, 0);
            Resolution::Yours
        });
        assert_eq!(mine, yours);
        // A few edits in a long text still merge.
        let long = (0..20_000)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n")
            + "\n";
        let (mine, theirs) = (
            long.replacen("line 10\n", "ten\n", 1),
            long.replacen("line 19000\n", "end\n", 1),
        );
        assert!(merge_text(&long, &mine, &theirs).is_ok());
    }

    #[test]
    fn line_breaks_are_counted_in_every_block() {
        assert_eq!(super::line_breaks(&"\n".repeat(1_000)), 1_000);
        assert_eq!(super::line_breaks("a\nb"), 1);
        assert_eq!(super::line_breaks(""), 0);
    }

    #[test]
    fn text_without_a_final_newline_merges() {
        assert_eq!(
            merge_text("a\nb\nc", "A\nb\nc", "a\nb\nC").unwrap(),
            "A\nb\nC"
        );
    }
}
