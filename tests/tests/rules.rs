//! Property tests of the stale-write rules against a reference model: merge laws,
//! exact conflict sets, stamps, versions, and secrets kept out of errors.

use std::collections::BTreeMap;

use optimist::{
    Error, MemoryStore, Policy, Preconditions, ResourcePatch, Slot, Store, Version, Versioned,
};
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

const SECRET: &str = "MARKER-7f3a-never-shown";

/// Small value domains, so edits often collide and often repeat a value.
#[derive(Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Item {
    id: u64,
    version: u64,
    a: u8,
    b: u8,
    c: u8,
    d: u8,
    #[versioned(sensitive)]
    secret: String,
}

const FIELDS: [&str; 5] = ["a", "b", "c", "d", "secret"];

fn value_of(item: &Item, field: usize) -> Value {
    match field {
        0 => json!(item.a),
        1 => json!(item.b),
        2 => json!(item.c),
        3 => json!(item.d),
        _ => json!(item.secret),
    }
}

fn field_value(field: usize, v: u8) -> Value {
    if field == 4 {
        json!(format!("{SECRET}-{v}"))
    } else {
        json!(v)
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
}

async fn patch(
    store: &MemoryStore<Item>,
    base: u64,
    members: &BTreeMap<usize, u8>,
    policy: &Policy,
) -> Result<optimist::Written<Item>, Error> {
    let mut doc = serde_json::Map::new();
    for (field, v) in members {
        doc.insert(FIELDS[*field].into(), field_value(*field, *v));
    }
    doc.insert("version".into(), json!(base));
    let patch = ResourcePatch::<Item>::new(Value::Object(doc))?;
    let pre = Preconditions::default();
    optimist::patch(store, &1, &pre, policy, patch.base(), |current| {
        patch.apply(current)
    })
    .await
}

fn edits() -> impl Strategy<Value = Vec<BTreeMap<usize, u8>>> {
    prop::collection::vec(prop::collection::btree_map(0..5usize, 0..3u8, 1..3), 0..6)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn stale_patches_merge_exactly_when_they_do_not_overlap(
        history in edits(),
        base_pick in any::<prop::sample::Index>(),
        request in prop::collection::btree_map(0..5usize, 0..3u8, 1..4),
    ) {
        runtime().block_on(async {
            let policy = Policy::default();
            let store = MemoryStore::<Item>::new();
            let initial = Item { id: 1, version: 0, a: 0, b: 0, c: 0, d: 0, secret: format!("{SECRET}-0") };
            optimist::create(&store, initial).await.unwrap();
            // The model: the value of each version, and each field's stamp.
            let mut states = vec![store_value(&store).await];
            let mut stamps = [1u64; 5];
            for edit in &history {
                let current = states.last().unwrap().clone();
                let written = patch(&store, current.version, edit, &policy).await.unwrap();
                let after = written.stored.value().clone();
                if after.version != current.version {
                    prop_assert_eq!(after.version, current.version + 1, "a write adds exactly one");
                    for (f, stamp) in stamps.iter_mut().enumerate() {
                        if value_of(&after, f) != value_of(&current, f) {
                            *stamp = after.version;
                        }
                    }
                    states.push(after);
                }
                let stored_stamps = written.stored.stamps();
                for (f, stamp) in stamps.iter().enumerate() {
                    prop_assert_eq!(stored_stamps.get(f), Version::new(*stamp));
                }
            }
            let current = states.last().unwrap().clone();
            let base = base_pick.index(states.len()) as u64 + 1;
            let expected_conflicts: Vec<&str> = request
                .iter()
                .filter(|(f, v)| field_value(**f, **v) != value_of(&current, **f) && stamps[**f] > base)
                .map(|(f, _)| FIELDS[*f])
                .collect();
            match patch(&store, base, &request, &policy).await {
                Ok(written) => {
                    prop_assert!(expected_conflicts.is_empty(), "merged over {expected_conflicts:?}");
                    let merged = written.stored.value();
                    for (f, name) in FIELDS.iter().enumerate() {
                        let expected = request.get(&f).map_or_else(|| value_of(&current, f), |v| field_value(f, *v));
                        prop_assert_eq!(value_of(merged, f), expected, "field {}", name);
                    }
                    let changed = (0..5).any(|f| value_of(merged, f) != value_of(&current, f));
                    prop_assert_eq!(merged.version, current.version + u64::from(changed));
                }
                Err(Error::Conflict(conflict)) => {
                    let reported: Vec<&str> = conflict.conflicts().iter().map(optimist::FieldConflict::field).collect();
                    prop_assert_eq!(&reported, &expected_conflicts, "exactly the overlapping fields");
                    prop_assert_eq!(conflict.your_version().get(), base);
                    prop_assert_eq!(conflict.current_version().get(), current.version);
                    prop_assert_eq!(store_value(&store).await, current, "nothing written");
                    let err = Error::Conflict(conflict);
                    let body = String::from_utf8(err.problem_json(None)).unwrap();
                    prop_assert!(!body.contains(SECRET), "secret in body: {body}");
                    prop_assert!(!format!("{err:?}").contains(SECRET), "secret in Debug");
                    prop_assert!(!err.to_string().contains(SECRET), "secret in Display");
                }
                Err(other) => prop_assert!(false, "unexpected {other}"),
            }
            Ok(())
        })?;
    }

    #[test]
    fn the_strict_policy_refuses_every_stale_patch(request in prop::collection::btree_map(0..4usize, 0..3u8, 1..3)) {
        runtime().block_on(async {
            let store = MemoryStore::<Item>::new();
            optimist::create(&store, Item { id: 1, version: 0, a: 9, b: 9, c: 9, d: 9, secret: String::new() }).await.unwrap();
            let merge = Policy::default();
            patch(&store, 1, &BTreeMap::from([(3, 7)]), &merge).await.unwrap();
            let strict = Policy::default().merge_patches(false);
            let result = patch(&store, 1, &request, &strict).await;
            prop_assert_eq!(result.unwrap_err().status(), 409);
            Ok(())
        })?;
    }
}

async fn store_value(store: &MemoryStore<Item>) -> Item {
    match store.load(&1).await.unwrap() {
        Some(Slot::Live(s)) => s.into_value(),
        other => panic!("{other:?}"),
    }
}

/// A `u32` version field near its limit.
#[derive(Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
struct Small {
    id: u64,
    version: u32,
    text: String,
}

#[tokio::test]
async fn u32_versions_end_with_a_clear_error_instead_of_wrapping() {
    use optimist::Stored;
    let store = MemoryStore::<Small>::new();
    let near = Version::new(u64::from(u32::MAX) - 1).unwrap();
    let record = Stored::created(
        Small {
            id: 1,
            version: 0,
            text: "a".into(),
        },
        near,
    )
    .unwrap();
    assert!(store.insert(&record, None).await.unwrap());
    let policy = Policy::default();
    let pre = Preconditions::default();
    let put = |text: &'static str, base: u64| {
        optimist::put(&store, &1, &pre, &policy, Version::new(base), move |_| {
            Ok(Small {
                id: 1,
                version: 0,
                text: text.into(),
            })
        })
    };
    let last = put("b", u64::from(u32::MAX) - 1).await.unwrap();
    assert_eq!(last.stored.value().version, u32::MAX);
    let err = put("c", u64::from(u32::MAX)).await.unwrap_err();
    assert_eq!(err.status(), 409);
    assert!(matches!(err, Error::VersionExhausted { .. }), "{err}");
    assert_eq!(
        err.etag().unwrap().to_string(),
        format!("\"v{}\"", u32::MAX)
    );
    assert_eq!(store_value_small(&store).await.text, "b", "nothing written");
    // Deleted at the limit, the id cannot come back with a wrapped version.
    let mut if_match = http::HeaderMap::new();
    if_match.insert(http::header::IF_MATCH, last.stored.etag().to_header_value());
    optimist::delete(
        &store,
        &1,
        &Preconditions::from_headers(&if_match).unwrap(),
        &policy,
    )
    .await
    .unwrap();
    let again = optimist::create(
        &store,
        Small {
            id: 1,
            version: 0,
            text: "d".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(again.status(), 409, "{again}");
}

async fn store_value_small(store: &MemoryStore<Small>) -> Small {
    match store.load(&1).await.unwrap() {
        Some(Slot::Live(s)) => s.into_value(),
        other => panic!("{other:?}"),
    }
}

/// With "already applied" on, a false `If-Match` is answered 2xx only for
/// a request that would change nothing; any other is 412, even one whose
/// body the service would refuse (it was 422), and nothing is written.
#[tokio::test]
async fn a_false_if_match_is_412_whatever_the_body() {
    let notes = optimist::Collection::new(MemoryStore::<Small>::new(), "/small")
        .with_policy(Policy::DEFAULT.already_applied(true))
        .before_save(|_, s| {
            if s.text.is_empty() {
                Err(Error::Unprocessable("empty".into()))
            } else {
                Ok(s)
            }
        });
    let first = Small {
        id: 1,
        version: 0,
        text: "a".into(),
    };
    notes.create::<Small>(first).await.unwrap();
    let stale = Preconditions::from_lines([&b"\"v9\""[..]], []).unwrap();
    let same = Small {
        id: 1,
        version: 0,
        text: "a".into(),
    };
    assert_eq!(
        notes
            .put::<Small>(&1, &stale, &same)
            .await
            .unwrap()
            .to_response::<Vec<u8>>()
            .status(),
        200
    );
    let other = Small {
        id: 1,
        version: 0,
        text: "b".into(),
    };
    assert_eq!(
        notes
            .put::<Small>(&1, &stale, &other)
            .await
            .unwrap_err()
            .status(),
        412
    );
    let invalid = Small {
        id: 1,
        version: 0,
        text: String::new(),
    };
    assert_eq!(
        notes
            .put::<Small>(&1, &stale, &invalid)
            .await
            .unwrap_err()
            .status(),
        412
    );
    assert_eq!(
        notes
            .read(&1, &Preconditions::default())
            .await
            .unwrap()
            .value()
            .text,
        "a"
    );
}

/// A memory store that counts whole-resource loads.
struct Counting {
    inner: MemoryStore<Small>,
    loads: std::sync::atomic::AtomicUsize,
}

impl Store<Small> for Counting {
    async fn load(&self, id: &u64) -> Result<Option<Slot<Small>>, optimist::StoreError> {
        self.loads
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.inner.load(id).await
    }
    async fn live_version(&self, id: &u64) -> Result<Option<Version>, optimist::StoreError> {
        self.inner.live_version(id).await
    }
    async fn list(
        &self,
        after: Option<&u64>,
        limit: usize,
    ) -> Result<Vec<optimist::Stored<Small>>, optimist::StoreError> {
        self.inner.list(after, limit).await
    }
    async fn insert(
        &self,
        record: &optimist::Stored<Small>,
        after: Option<Version>,
    ) -> Result<bool, optimist::StoreError> {
        self.inner.insert(record, after).await
    }
    async fn update(
        &self,
        record: &optimist::Stored<Small>,
        expected: Version,
    ) -> Result<bool, optimist::StoreError> {
        self.inner.update(record, expected).await
    }
    async fn delete(&self, id: &u64, expected: Version) -> Result<bool, optimist::StoreError> {
        self.inner.delete(id, expected).await
    }
    async fn next_id(&self) -> Result<u64, optimist::StoreError> {
        self.inner.next_id().await
    }
}

/// A 304 or a 412 on a read is decided from the version alone: the
/// resource is never loaded for it.
#[tokio::test]
async fn conditional_reads_are_decided_without_loading() {
    let store = Counting {
        inner: MemoryStore::new(),
        loads: std::sync::atomic::AtomicUsize::new(0),
    };
    let first = Small {
        id: 1,
        version: 0,
        text: "a".into(),
    };
    optimist::create(&store, first).await.unwrap();
    let loads = || store.loads.load(std::sync::atomic::Ordering::Relaxed);
    let before = loads();
    let cached = Preconditions::from_lines([], [&b"\"v1\""[..]]).unwrap();
    let err = optimist::read(&store, &1, &cached, &Policy::DEFAULT)
        .await
        .unwrap_err();
    assert_eq!((err.status().as_u16(), loads() - before), (304, 0));
    let stale = Preconditions::from_lines([&b"\"v7\""[..]], []).unwrap();
    let err = optimist::read(&store, &1, &stale, &Policy::DEFAULT)
        .await
        .unwrap_err();
    assert_eq!((err.status().as_u16(), loads() - before), (412, 0));
    let old = Preconditions::from_lines([], [&b"\"v7\""[..]]).unwrap();
    let fresh = optimist::read(&store, &1, &old, &Policy::DEFAULT)
        .await
        .unwrap();
    assert_eq!((fresh.version().get(), loads() - before), (1, 1));
}
