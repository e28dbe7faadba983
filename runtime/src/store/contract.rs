//! The store contract as a test suite (feature `test-util`): what every
//! [`Store`] must do for optimist's rules to hold, run exactly as the
//! project runs it against its own stores. A third-party store passes it
//! by passing [`run`]:
//!
//! ```
//! use optimist::MemoryStore;
//! use optimist::store::contract::{self, Note};
//!
//! # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
//! contract::run(async || MemoryStore::<Note>::new()).await;
//! # });
//! ```
//!
//! Each check takes a fresh store: an empty one, or one whose table no
//! other check uses. The checks: each write is one compare-and-swap that
//! reports whether it took effect; stamps record which field changed at
//! which version; a deleted id keeps its last version, so a re-created
//! resource continues after it and no old `ETag` matches it; of writers
//! racing on one version exactly one wins; `list` holds the live
//! resources in an order that stays; `next_id` grows; the revision
//! history keeps the latest versions (three for [`Note`]) without the
//! sensitive field, and goes with a delete.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::http::{Preconditions, Version};
use crate::resource::Stored;
use crate::store::{Slot, Store};

/// The resource the checks store: one plain field, one renamed on the
/// wire (`bodyText`), one sensitive; its store keeps three versions of
/// history. In a table of its own its columns are `id`, `version`,
/// `title`, `body_text`, `secret` and `optimist_stamps`.
#[derive(crate::Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[versioned(crate = "crate", history = 3)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    /// The id.
    pub id: u64,
    /// The version.
    pub version: u64,
    /// A plain field.
    pub title: String,
    /// A field renamed on the wire.
    pub body_text: String,
    /// A sensitive field.
    #[versioned(sensitive)]
    pub secret: String,
}

/// A new note at `id`.
///
/// ```
/// assert_eq!(optimist::store::contract::note(3, "t").id, 3);
/// ```
#[must_use]
pub fn note(id: u64, title: &str) -> Note {
    Note {
        id,
        version: 0,
        title: title.into(),
        body_text: String::new(),
        secret: "s3cret-marker".into(),
    }
}

fn v(n: u64) -> Version {
    Version::new(n).unwrap()
}

async fn compare_and_swap<S: Store<Note>>(store: &S) {
    assert_eq!(store.load(&1).await.unwrap(), None);
    // An id beyond what the store's id column holds names nothing.
    assert_eq!(store.load(&u64::MAX).await.unwrap(), None);
    assert_eq!(store.live_version(&u64::MAX).await.unwrap(), None);
    assert!(store.list(Some(&u64::MAX), 5).await.unwrap().is_empty());
    assert_eq!(store.live_version(&1).await.unwrap(), None);
    let v1 = Stored::created(note(1, "first"), Version::FIRST).unwrap();
    assert!(store.insert(&v1, None).await.unwrap());
    assert_eq!(store.live_version(&1).await.unwrap(), Some(Version::FIRST));
    assert!(
        !store.insert(&v1, None).await.unwrap(),
        "an id is inserted once"
    );
    assert_eq!(store.load(&1).await.unwrap(), Some(Slot::Live(v1.clone())));

    let mut edit = v1.value().clone();
    edit.body_text = "hello".into();
    let v2 = v1.successor(edit).unwrap();
    assert!(
        !store.update(&v2, v(2)).await.unwrap(),
        "wrong expected version"
    );
    assert!(store.update(&v2, Version::FIRST).await.unwrap());
    assert!(
        !store.update(&v2, Version::FIRST).await.unwrap(),
        "the swap happens once"
    );
    assert_eq!(store.live_version(&1).await.unwrap(), Some(v(2)));
    let Some(Slot::Live(loaded)) = store.load(&1).await.unwrap() else {
        panic!("live")
    };
    assert_eq!(loaded, v2);
    assert_eq!(
        loaded.stamps().get(0),
        Some(v(1)),
        "title unchanged since 1"
    );
    assert_eq!(loaded.stamps().get(1), Some(v(2)), "bodyText changed in 2");
}

async fn delete_keeps_versions<S: Store<Note>>(store: &S) {
    let v1 = Stored::created(note(7, "a"), Version::FIRST).unwrap();
    assert!(store.insert(&v1, None).await.unwrap());
    assert!(!store.delete(&7, v(2)).await.unwrap(), "wrong version");
    assert!(store.delete(&7, v(1)).await.unwrap());
    assert!(!store.delete(&7, v(1)).await.unwrap(), "deleted once");
    assert_eq!(store.load(&7).await.unwrap(), Some(Slot::Deleted(v(1))));
    assert_eq!(
        store.live_version(&7).await.unwrap(),
        None,
        "a tombstone is not live"
    );
    let again = Stored::created(note(7, "b"), v(2)).unwrap();
    assert!(
        !store.insert(&again, None).await.unwrap(),
        "a tombstone is not a free id"
    );
    assert!(
        !store.insert(&again, Some(v(5))).await.unwrap(),
        "wrong tombstone version"
    );
    assert!(store.insert(&again, Some(v(1))).await.unwrap());
    assert!(
        !store.insert(&again, Some(v(1))).await.unwrap(),
        "re-created once"
    );
    assert_eq!(store.load(&7).await.unwrap(), Some(Slot::Live(again)));
}

/// The ids of a page.
async fn page<S: Store<Note>>(store: &S, after: Option<u64>, limit: usize) -> Vec<u64> {
    let page = store.list(after.as_ref(), limit).await.unwrap();
    page.iter().map(|s| s.value().id).collect()
}

async fn list_and_ids<S: Store<Note>>(store: &S) {
    assert!(page(store, None, 10).await.is_empty(), "an empty store");
    for id in [30, 10, 20] {
        crate::create(store, note(id, "x")).await.unwrap();
    }
    let deleted = crate::create(store, note(40, "gone")).await.unwrap();
    assert!(store.delete(&40, deleted.version()).await.unwrap());
    crate::create(store, note(50, "y")).await.unwrap();

    let all = page(store, None, 10).await;
    let mut sorted = all.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [10, 20, 30, 50], "the live resources, each once");
    assert_eq!(page(store, None, 10).await, all, "in an order that stays");
    // Pages of two, each after the last id of the one before, are the list.
    let first = page(store, None, 2).await;
    let second = page(store, first.last().copied(), 2).await;
    let third = page(store, second.last().copied(), 2).await;
    assert_eq!([first, second, third.clone()].concat(), all, "pages");
    assert!(third.is_empty(), "past the end: {third:?}");
    // A page may start after a deleted resource: 50 came after 40 in
    // creation order and in id order alike.
    assert_eq!(page(store, Some(40), 10).await, [50], "after a deleted id");

    let a = store.next_id().await.unwrap();
    let b = store.next_id().await.unwrap();
    assert!(b > a, "{b} > {a}");
}

/// A deleted and re-created id never repeats a version or ETag.
async fn no_aba<S: Store<Note>>(store: &S) {
    let first = crate::create(store, note(5, "a")).await.unwrap();
    let mut pre_headers = http::HeaderMap::new();
    pre_headers.insert(http::header::IF_MATCH, first.etag().to_header_value());
    let pre = Preconditions::from_headers(&pre_headers).unwrap();
    crate::delete(store, &5, &pre, &crate::Policy::default())
        .await
        .unwrap();
    let second = crate::create(store, note(5, "b")).await.unwrap();
    assert_eq!(second.version(), v(2));
    assert_ne!(first.etag(), second.etag());
    let stale = crate::read(store, &5, &pre, &crate::Policy::DEFAULT)
        .await
        .unwrap_err();
    assert_eq!(
        stale.status(),
        412,
        "the old ETag does not match the new resource"
    );
    let policy = crate::Policy::default();
    let err = crate::put(store, &5, &pre, &policy, None, |_| Ok(note(5, "c")))
        .await
        .unwrap_err();
    assert_eq!(
        err.status(),
        412,
        "the old ETag must not match the new resource"
    );
}

/// Many writers race on one version: exactly one wins.
async fn one_winner<S: Store<Note> + 'static>(store: Arc<S>) {
    let v1 = Stored::created(note(9, "race"), Version::FIRST).unwrap();
    assert!(store.insert(&v1, None).await.unwrap());
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let (store, v1) = (store.clone(), v1.clone());
            tokio::spawn(async move {
                let mut edit = v1.value().clone();
                edit.title = format!("writer {i}");
                store
                    .update(&v1.successor(edit).unwrap(), Version::FIRST)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut wins = 0;
    for t in tasks {
        wins += usize::from(t.await.unwrap());
    }
    assert_eq!(wins, 1);
    let Some(Slot::Live(now)) = store.load(&9).await.unwrap() else {
        panic!()
    };
    assert_eq!(now.version(), v(2));
}

/// Runs every check of the contract, each on a fresh store from `make`.
///
/// # Panics
/// Where the store breaks the contract, with what it did.
pub async fn run<S: Store<Note> + 'static>(make: impl AsyncFn() -> S) {
    compare_and_swap(&make().await).await;
    delete_keeps_versions(&make().await).await;
    list_and_ids(&make().await).await;
    no_aba(&make().await).await;
    one_winner(Arc::new(make().await)).await;
    history(&make().await).await;
}

/// The latest three versions are kept, each written with its version,
/// without the sensitive field; a delete forgets them, and a re-created
/// resource starts a history of its own.
async fn history<S: Store<Note>>(store: &S) {
    let mut record = Stored::created(note(1, "t1"), Version::FIRST).unwrap();
    assert!(store.insert(&record, None).await.unwrap());
    for n in 2..=4 {
        let next = record.successor(note(1, &format!("t{n}"))).unwrap();
        assert!(store.update(&next, record.version()).await.unwrap());
        record = next;
    }
    let kept = store.revisions(&1, v(1), v(9)).await.unwrap();
    let titles: Vec<(u64, &str)> = kept
        .iter()
        .map(|r| {
            (
                r.version().get(),
                r.get("title").and_then(|t| t.as_str()).unwrap(),
            )
        })
        .collect();
    assert_eq!(
        titles,
        [(2, "t2"), (3, "t3"), (4, "t4")],
        "the latest three, oldest first"
    );
    assert!(
        kept.iter().all(|r| r.get("secret").is_none()),
        "no sensitive value is kept"
    );
    assert_eq!(
        kept[0].get("bodyText"),
        Some(&serde_json::json!("")),
        "by wire name"
    );
    let one = store.revisions(&1, v(3), v(3)).await.unwrap();
    assert_eq!(one.len(), 1);
    // A refused write keeps nothing.
    let stale = record.successor(note(1, "lost")).unwrap();
    assert!(!store.update(&stale, v(2)).await.unwrap());
    assert_eq!(store.revisions(&1, v(5), v(9)).await.unwrap(), []);

    assert!(store.delete(&1, v(4)).await.unwrap());
    assert_eq!(store.revisions(&1, v(1), v(9)).await.unwrap(), []);
    let again = Stored::created(note(1, "again"), v(5)).unwrap();
    assert!(store.insert(&again, Some(v(4))).await.unwrap());
    let kept = store.revisions(&1, v(1), v(9)).await.unwrap();
    assert_eq!(
        kept.iter().map(|r| r.version().get()).collect::<Vec<_>>(),
        [5]
    );
}

/// A receipt for `key` in `scope`, held until `expires`.
///
/// ```
/// let receipt = optimist::store::contract::receipt("alice", "k", 100);
/// assert!(receipt.holds_at(99) && !receipt.holds_at(100));
/// ```
#[must_use]
pub fn receipt(scope: &str, key: &str, expires: u64) -> crate::Receipt {
    crate::Receipt {
        scope: scope.into(),
        key: key.into(),
        fingerprint: format!("fingerprint of {key}"),
        expires,
        status: 200,
        etag: Some("\"v2\"".into()),
        location: None,
        cache_control: Some("no-cache".into()),
        body: r#"{"answer":true}"#.into(),
    }
}

/// Runs every check of the keyed contract ([`KeyedStore`](crate::store::KeyedStore)),
/// each on a fresh store from `make`: a keyed write keeps its receipt
/// with it or neither; a held key refuses a second write; a lost
/// compare-and-swap keeps no receipt; an expired key is free and
/// forgotten in batches; scopes are apart; of duplicates racing on one
/// key exactly one writes.
///
/// ```
/// use optimist::MemoryStore;
/// use optimist::store::contract::{self, Note};
///
/// # tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap().block_on(async {
/// contract::run_keyed(async || MemoryStore::<Note>::new()).await;
/// # });
/// ```
///
/// # Panics
/// Where the store breaks the contract, with what it did.
pub async fn run_keyed<S: crate::store::KeyedStore<Note> + 'static>(make: impl AsyncFn() -> S) {
    keyed_writes(&make().await).await;
    racing_keys(Arc::new(make().await)).await;
}

/// A scope no other run of the checks uses: the SQL stores share one
/// table of receipts, and checks may run at once on one database.
fn fresh_scope() -> String {
    static RUNS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("contract-{}-{nanos}-{run}", std::process::id())
}

async fn keyed_writes<S: crate::store::KeyedStore<Note>>(store: &S) {
    use crate::store::Claim;
    let (scope, now) = (fresh_scope(), 1_000);
    let other = format!("{scope}-alice");
    let r1 = receipt(&scope, "k1", now + 60);
    let v1 = Stored::created(note(1, "a"), v(1)).unwrap();
    assert_eq!(
        store.insert_keyed(&v1, None, &r1, now).await.unwrap(),
        Claim::Written
    );
    assert_eq!(
        store.receipt(&scope, "k1", now).await.unwrap(),
        Some(r1.clone())
    );
    assert_eq!(
        store.receipt(&other, "k1", now).await.unwrap(),
        None,
        "scopes are apart"
    );

    // A held key refuses a second write, which writes nothing.
    let v2 = v1.successor(note(1, "b")).unwrap();
    assert_eq!(
        store.update_keyed(&v2, v(1), &r1, now).await.unwrap(),
        Claim::Taken
    );
    assert_eq!(store.live_version(&1).await.unwrap(), Some(v(1)));
    // A lost compare-and-swap keeps no receipt.
    let r2 = receipt(&scope, "k2", now + 60);
    assert_eq!(
        store.update_keyed(&v2, v(7), &r2, now).await.unwrap(),
        Claim::Lost
    );
    assert_eq!(store.receipt(&scope, "k2", now).await.unwrap(), None);
    assert_eq!(
        store.update_keyed(&v2, v(1), &r2, now).await.unwrap(),
        Claim::Written
    );
    let in_other = receipt(&other, "k1", now + 60);
    let v3 = v2.successor(note(1, "c")).unwrap();
    assert_eq!(
        store.update_keyed(&v3, v(2), &in_other, now).await.unwrap(),
        Claim::Written
    );

    // Expired at its time: free, and replaced by the next write with it.
    assert_eq!(store.receipt(&scope, "k1", now + 60).await.unwrap(), None);
    let later = receipt(&scope, "k1", now + 200);
    assert_eq!(
        store
            .delete_keyed(&1, v(3), &later, now + 100)
            .await
            .unwrap(),
        Claim::Written
    );
    assert_eq!(
        store.receipt(&scope, "k1", now + 100).await.unwrap(),
        Some(later)
    );
    assert_eq!(store.load(&1).await.unwrap(), Some(Slot::Deleted(v(3))));

    // Forgotten in batches, the expired ones only (other runs' receipts
    // may share the table: counts are bounds).
    assert!(store.forget_receipts(now + 100, 1).await.unwrap() <= 1);
    while store.forget_receipts(now + 100, 10).await.unwrap() > 0 {}
    assert_eq!(
        store.receipt(&scope, "k2", now).await.unwrap(),
        None,
        "forgotten"
    );
    assert!(
        store
            .receipt(&scope, "k1", now + 100)
            .await
            .unwrap()
            .is_some(),
        "kept"
    );
}

/// Eight writers with one key, each creating a resource of its own: one
/// writes, the seven others find the key taken and write nothing.
async fn racing_keys<S: crate::store::KeyedStore<Note> + 'static>(store: Arc<S>) {
    use crate::store::Claim;
    let scope = fresh_scope();
    let racers: Vec<_> = (0..8)
        .map(|n| {
            let (store, scope) = (Arc::clone(&store), scope.clone());
            tokio::spawn(async move {
                let created = Stored::created(note(10 + n, "racer"), v(1)).unwrap();
                let receipt = receipt(&scope, "race", 2_000);
                store
                    .insert_keyed(&created, None, &receipt, 1_000)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut claims = Vec::new();
    for racer in racers {
        claims.push(racer.await.unwrap());
    }
    let written = claims.iter().filter(|c| **c == Claim::Written).count();
    assert_eq!((written, claims.len() - written), (1, 7), "{claims:?}");
    assert!(claims.iter().all(|c| *c != Claim::Lost), "{claims:?}");
    let mut live = 0;
    for n in 0..8 {
        if store.live_version(&(10 + n)).await.unwrap().is_some() {
            live += 1;
        }
    }
    assert_eq!(live, 1, "one resource for the key");
}
