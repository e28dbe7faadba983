//! The storage contract (`optimist::store::contract`), run against every
//! store: the memory reference, the JSON store and the table store on
//! SQLite and PostgreSQL must behave identically.

mod common;

use optimist::store::contract;
use optimist::{MemoryStore, Slot, Store, Versioned};

#[tokio::test]
async fn memory_store_meets_the_contract() {
    contract::run(async || MemoryStore::<contract::Note>::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_meets_the_contract() {
    contract::run(common::sqlite_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_meets_the_contract() {
    contract::run(common::postgres_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_table_store_meets_the_contract() {
    contract::run(common::sqlite_table_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_table_store_meets_the_contract() {
    contract::run(common::postgres_table_store).await;
}

#[tokio::test]
async fn memory_store_keeps_keys() {
    contract::run_keyed(async || MemoryStore::<contract::Note>::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_store_keeps_keys() {
    contract::run_keyed(common::sqlite_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_store_keeps_keys() {
    contract::run_keyed(common::postgres_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_table_store_keeps_keys() {
    contract::run_keyed(common::sqlite_table_store).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_table_store_keeps_keys() {
    contract::run_keyed(common::postgres_table_store).await;
}

#[tokio::test]
async fn sensitive_values_are_stored() {
    let store = common::sqlite_store().await;
    let created = optimist::create(&store, contract::note(1, "t"))
        .await
        .unwrap();
    let Some(Slot::Live(loaded)) = store.load(created.value().id()).await.unwrap() else {
        panic!()
    };
    assert_eq!(
        loaded.value().secret,
        "s3cret-marker",
        "the store keeps the value"
    );
}
