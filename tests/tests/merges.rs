//! Three-way merges of stale writes from the revision history, against
//! models: text regions, counters, sets, groups, and the fall-back to
//! stamps where the history no longer holds the base.

use std::collections::{BTreeMap, BTreeSet};

use optimist::{
    Basis, Error, MemoryStore, Policy, Preconditions, Version, Versioned, Written, merge_text,
};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

#[derive(Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[versioned(history = 4)]
struct Doc {
    id: u64,
    version: u64,
    title: String,
    #[versioned(text)]
    body: String,
    #[versioned(set)]
    tags: Vec<String>,
    #[versioned(counter(min = 0))]
    likes: u32,
    #[versioned(group = "place")]
    city: String,
    #[versioned(group = "place")]
    zip: String,
    #[versioned(sensitive)]
    key: String,
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

fn doc() -> Doc {
    Doc {
        id: 1,
        version: 0,
        title: "T".into(),
        body: "one\n\ntwo\n\nthree\n".into(),
        tags: vec!["a".into(), "b".into()],
        likes: 0,
        city: "Paris".into(),
        zip: "75001".into(),
        key: "SECRET-KEY-VALUE".into(),
    }
}

/// A PUT of `edit(doc at version 1)`, based on version 1.
async fn put_from_v1(
    store: &MemoryStore<Doc>,
    edit: impl Fn(&mut Doc),
) -> Result<Written<Doc>, Error> {
    let mut body = doc();
    body.version = 1;
    edit(&mut body);
    let (pre, policy) = (Preconditions::default(), Policy::default());
    optimist::put(store, &1, &pre, &policy, Version::new(1), |_| {
        Ok(body.clone())
    })
    .await
}

async fn created() -> MemoryStore<Doc> {
    let store = MemoryStore::new();
    optimist::create(&store, doc()).await.unwrap();
    store
}

#[test]
fn edits_of_different_paragraphs_both_land_and_overlapping_ones_are_a_409_with_regions() {
    runtime().block_on(async {
        let store = created().await;
        put_from_v1(&store, |d| d.body = "ONE\n\ntwo\n\nthree\n".into())
            .await
            .unwrap();
        let merged = put_from_v1(&store, |d| d.body = "one\n\ntwo\n\nTHREE\n".into())
            .await
            .unwrap();
        assert_eq!(merged.stored.value().body, "ONE\n\ntwo\n\nTHREE\n");
        assert_eq!(merged.stored.version().get(), 3);

        let refused = put_from_v1(&store, |d| d.body = "uno\n\ntwo\n\nthree\n".into())
            .await
            .unwrap_err();
        let Error::Conflict(conflict) = &refused else {
            panic!("{refused:?}")
        };
        assert_eq!(conflict.basis(), Some(Basis::History));
        let [body] = conflict.conflicts() else {
            panic!("{:?}", conflict.conflicts())
        };
        assert_eq!(body.field(), "body");
        assert_eq!(body.base(), Some(&json!("one\n\ntwo\n\nthree\n")));
        let [region] = body.regions() else {
            panic!("{:?}", body.regions())
        };
        assert_eq!(
            (
                region.line(),
                region.base(),
                region.yours(),
                region.current()
            ),
            (1, "one\n", "uno\n", "ONE\n")
        );
    });
}

#[test]
fn increments_from_one_base_all_count_and_a_bound_is_a_409_that_says_so() {
    runtime().block_on(async {
        let store = created().await;
        for _ in 0..3 {
            put_from_v1(&store, |d| d.likes = 1).await.unwrap();
        }
        let now = optimist::read(&store, &1, &Preconditions::default(), &Policy::DEFAULT)
            .await
            .unwrap();
        assert_eq!(now.value().likes, 3);
        // A write from version 1 that leaves the count as it was there
        // changes nothing of it.
        let same = put_from_v1(&store, |d| d.title = "U".into()).await.unwrap();
        assert_eq!(
            (
                same.stored.value().likes,
                same.stored.value().title.as_str()
            ),
            (3, "U")
        );

        // Two clients take back the one like, both from version 2.
        let store = created().await;
        put_from_v1(&store, |d| d.likes = 1).await.unwrap();
        let unlike = || async {
            let (pre, policy) = (Preconditions::default(), Policy::default());
            optimist::put(&store, &1, &pre, &policy, Version::new(2), |c| {
                Ok(Doc {
                    likes: 0,
                    version: 2,
                    ..c.unwrap().clone()
                })
            })
            .await
        };
        assert_eq!(unlike().await.unwrap().stored.value().likes, 0);
        let Error::Conflict(conflict) = unlike().await.unwrap_err() else {
            panic!("not a conflict")
        };
        let [likes] = conflict.conflicts() else {
            panic!("{:?}", conflict.conflicts())
        };
        assert_eq!(likes.field(), "likes");
        assert_eq!(
            likes.reason(),
            Some("your change of -1 would make it -1, below the minimum 0")
        );
        assert_eq!(likes.base(), Some(&json!(1)));
    });
}

#[test]
fn additions_and_removals_of_tags_from_both_sides_land() {
    runtime().block_on(async {
        let store = created().await;
        put_from_v1(&store, |d| {
            d.tags = vec!["a".into(), "b".into(), "x".into()];
        })
        .await
        .unwrap();
        let merged = put_from_v1(&store, |d| d.tags = vec!["b".into(), "y".into()])
            .await
            .unwrap();
        assert_eq!(merged.stored.value().tags, ["b", "x", "y"]);
    });
}

#[test]
fn a_group_never_mixes_two_writers_values() {
    runtime().block_on(async {
        let store = created().await;
        put_from_v1(&store, |d| d.city = "Lyon".into())
            .await
            .unwrap();
        let Error::Conflict(conflict) = put_from_v1(&store, |d| d.zip = "75002".into())
            .await
            .unwrap_err()
        else {
            panic!("not a conflict")
        };
        let fields: Vec<_> = conflict
            .conflicts()
            .iter()
            .map(optimist::FieldConflict::field)
            .collect();
        assert_eq!(fields, ["city", "zip"]);
        assert_eq!(
            conflict.conflicts()[0].reason(),
            Some("the group `place` changed on both sides")
        );
        // Both writers moving to the same place is no conflict.
        let same = put_from_v1(&store, |d| d.city = "Lyon".into())
            .await
            .unwrap();
        assert_eq!(same.stored.value().city, "Lyon");
    });
}

#[test]
fn a_stale_put_keeps_what_others_changed_where_it_sent_the_base_value() {
    runtime().block_on(async {
        let store = created().await;
        put_from_v1(&store, |d| d.title = "Theirs".into())
            .await
            .unwrap();
        // A form loaded at version 1 sends every field; only its own edit
        // of the key (sensitive, judged by its stamp) is its change.
        let merged = put_from_v1(&store, |d| d.key = "NEW-KEY".into())
            .await
            .unwrap();
        assert_eq!(merged.stored.value().title, "Theirs");
        assert_eq!(merged.stored.value().key, "NEW-KEY");
        // The key changed since version 1 now: a stale edit of it is a
        // conflict that shows no value of it.
        let refused = put_from_v1(&store, |d| d.key = "OTHER-KEY".into())
            .await
            .unwrap_err();
        let body = String::from_utf8(refused.to_response::<Vec<u8>>().into_body()).unwrap();
        assert!(body.contains("\"key\"") && !body.contains("KEY"), "{body}");
        let Error::Conflict(conflict) = refused else {
            panic!("not a conflict")
        };
        assert!(conflict.conflicts()[0].is_redacted());
        assert_eq!(conflict.conflicts()[0].base(), None);
    });
}

#[test]
fn a_base_older_than_the_history_falls_back_to_the_stamps_and_says_so() {
    runtime().block_on(async {
        let store = created().await;
        for n in 0..4 {
            put_from_v1(&store, |d| d.likes = n + 1).await.unwrap();
        }
        // Versions 2 to 5 are kept; version 1 is not.
        let body = "one\n\ntwo\n\nTHREE\n";
        let refused = put_from_v1(&store, |d| d.body = body.into())
            .await
            .unwrap_err();
        let Error::Conflict(conflict) = refused else {
            panic!("not a conflict: {refused:?}")
        };
        assert_eq!(conflict.basis(), Some(Basis::Stamps));
        let json = serde_json::to_value(&conflict).unwrap();
        assert_eq!(json["basis"], "stamps");
    });
}

/// A text of `n` distinct lines, each replaced where `edits` says.
fn text(n: usize, edits: &BTreeMap<usize, &str>) -> String {
    (0..n)
        .map(|i| match edits.get(&i) {
            Some(edit) => format!("{edit} {i}\n"),
            None => format!("line {i}\n"),
        })
        .collect()
}

proptest! {
    /// Edits of lines at least one unchanged line apart merge, keeping
    /// every edit of both sides; edits of the same or adjacent lines are
    /// a conflict. The merge is the same whichever side is asked first.
    #[test]
    fn text_merges_exactly_when_the_edited_lines_are_apart(
        n in 1..30usize,
        yours in prop::collection::btree_set(0..30usize, 0..5),
        theirs in prop::collection::btree_set(0..30usize, 0..5),
    ) {
        let keep = |set: &BTreeSet<usize>| set.iter().copied().filter(|i| *i < n).collect::<BTreeSet<_>>();
        let (yours, theirs) = (keep(&yours), keep(&theirs));
        let edits = |set: &BTreeSet<usize>, word: &'static str| set.iter().map(|i| (*i, word)).collect::<BTreeMap<_, _>>();
        let base = text(n, &BTreeMap::new());
        let y = text(n, &edits(&yours, "yours"));
        let c = text(n, &edits(&theirs, "theirs"));
        let overlap = yours.iter().any(|a| theirs.iter().any(|b| a.abs_diff(*b) <= 1));
        let merged = merge_text(&base, &y, &c);
        prop_assert_eq!(merged.is_err(), overlap);
        prop_assert_eq!(merge_text(&base, &c, &y).is_err(), overlap);
        if let Ok(merged) = merged {
            let mut both = edits(&yours, "yours");
            both.extend(edits(&theirs, "theirs"));
            prop_assert_eq!(&merged, &text(n, &both));
            prop_assert_eq!(merge_text(&base, &c, &y).unwrap(), merged);
        } else {
            for region in merge_text(&base, &y, &c).unwrap_err() {
                prop_assert!(region.yours() != region.current());
                prop_assert!(base.contains(region.base()));
            }
        }
    }

    /// Concurrent counter increments from one base all count, in any
    /// order: the final value is the base plus every change.
    #[test]
    fn every_counter_change_from_a_kept_base_counts(changes in prop::collection::vec(0..5u32, 1..4)) {
        runtime().block_on(async {
            let store = created().await;
            for change in &changes {
                put_from_v1(&store, |d| d.likes = *change).await.unwrap();
            }
            let now = optimist::read(&store, &1, &Preconditions::default(), &Policy::DEFAULT).await.unwrap();
            assert_eq!(now.value().likes, changes.iter().sum::<u32>());
        });
    }
}

#[derive(Versioned, Serialize, Clone, Debug, PartialEq)]
#[versioned(history = 4)]
struct Hidden {
    id: u64,
    version: u64,
    title: String,
    /// Compared, never serialised: the history cannot tell its base.
    #[serde(skip_serializing)]
    note: String,
}

/// A field the representation leaves out is judged by its stamp, as
/// without history: a stale edit of it after another is a conflict, not
/// a silent overwrite.
#[test]
fn a_field_left_out_of_the_representation_is_judged_by_its_stamp() {
    runtime().block_on(async {
        let store = MemoryStore::new();
        let first = Hidden {
            id: 1,
            version: 0,
            title: "t".into(),
            note: "a".into(),
        };
        optimist::create(&store, first.clone()).await.unwrap();
        let (pre, policy, v1) = (Preconditions::default(), Policy::default(), Version::new(1));
        let edit = |note: &'static str| {
            let mut next = first.clone();
            next.version = 1;
            next.note = note.into();
            move |_: Option<&Hidden>| Ok(next.clone())
        };
        optimist::put(&store, &1, &pre, &policy, v1, edit("b"))
            .await
            .unwrap();
        let refused = optimist::put(&store, &1, &pre, &policy, v1, edit("c")).await;
        assert_eq!(refused.unwrap_err().status(), 409);
        let now = optimist::read(&store, &1, &pre, &Policy::DEFAULT)
            .await
            .unwrap();
        assert_eq!(now.value().note, "b");
    });
}
