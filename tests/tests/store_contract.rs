//! The storage contract, run against every store: the memory
//! reference, SQLite and PostgreSQL must behave identically.

mod common;

use std::sync::Arc;

use common::{Note, note};
use optimist::{MemoryStore, Preconditions, Slot, Store, Stored, Version, Versioned};

fn v(n: u64) -> Version {
    Version::new(n).unwrap()
}

async fn compare_and_swap<S: Store<Note>>(store: &S) {
    assert_eq!(store.load(&1).await.unwrap(), None);
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

async fn list_and_ids<S: Store<Note>>(store: &S) {
    for id in [30, 10, 20] {
        optimist::create(store, note(id, "x")).await.unwrap();
    }
    let deleted = optimist::create(store, note(40, "gone")).await.unwrap();
    assert!(store.delete(&40, deleted.version()).await.unwrap());
    let ids: Vec<u64> = store
        .list()
        .await
        .unwrap()
        .iter()
        .map(|s| s.value().id)
        .collect();
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, [10, 20, 30], "the live resources");
    let again: Vec<u64> = store
        .list()
        .await
        .unwrap()
        .iter()
        .map(|s| s.value().id)
        .collect();
    assert_eq!(ids, again, "in an order that stays");
    let a = store.next_id().await.unwrap();
    let b = store.next_id().await.unwrap();
    assert!(b > a, "{b} > {a}");
}

/// A deleted and re-created id never repeats a version or ETag.
async fn no_aba<S: Store<Note>>(store: &S) {
    let first = optimist::create(store, note(5, "a")).await.unwrap();
    let mut pre_headers = http::HeaderMap::new();
    pre_headers.insert(http::header::IF_MATCH, first.etag().to_header_value());
    let pre = Preconditions::from_headers(&pre_headers).unwrap();
    optimist::delete(store, &5, &pre, &optimist::Policy::default())
        .await
        .unwrap();
    let second = optimist::create(store, note(5, "b")).await.unwrap();
    assert_eq!(second.version(), v(2));
    assert_ne!(first.etag(), second.etag());
    let stale = optimist::read(store, &5, &pre, &optimist::Policy::DEFAULT)
        .await
        .unwrap_err();
    assert_eq!(
        stale.status(),
        412,
        "the old ETag does not match the new resource"
    );
    let policy = optimist::Policy::default();
    let err = optimist::put(store, &5, &pre, &policy, None, |_| Ok(note(5, "c")))
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

async fn contract<S: Store<Note> + 'static>(make: impl AsyncFn() -> S) {
    compare_and_swap(&make().await).await;
    delete_keeps_versions(&make().await).await;
    list_and_ids(&make().await).await;
    no_aba(&make().await).await;
    one_winner(Arc::new(make().await)).await;
}

#[tokio::test]
async fn memory_store_meets_the_contract() {
    contract(async || MemoryStore::<Note>::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_meets_the_contract() {
    contract(common::sqlite_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_meets_the_contract() {
    contract(common::postgres_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_table_store_meets_the_contract() {
    contract(common::sqlite_table_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_table_store_meets_the_contract() {
    contract(common::postgres_table_store).await;
}

#[tokio::test]
async fn sensitive_values_are_stored() {
    let store = common::sqlite_store().await;
    let created = optimist::create(&store, note(1, "t")).await.unwrap();
    let Some(Slot::Live(loaded)) = store.load(created.value().id()).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        loaded.value().secret,
        "s3cret-marker",
        "the store keeps the value"
    );
}
