#![allow(missing_docs)] // criterion_main! generates an undocumented `main`
//! The cost of an `Idempotency-Key`: the same PUT on a SQLite table
//! store (a file, as the example services keep it), without a key and
//! with a fresh one each time (its fingerprint, its receipt built and
//! committed in the write's transaction), in the same run.
//! `cargo bench -p optimist --bench keyed --features sqlite`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use optimist::store::TableStore;
use optimist::{Collection, Idempotency, Policy, Preconditions};
use serde::{Deserialize, Serialize};

#[derive(optimist::Versioned, Serialize, Deserialize, Clone)]
struct Note {
    id: i64,
    version: i64,
    title: String,
    text: String,
}

fn note(n: u64) -> Note {
    Note {
        id: 1,
        version: 0,
        title: "A note".into(),
        text: format!("edit number {n}"),
    }
}

fn keyed(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("optimist-keyed-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.join("notes.db").display());
    let notes = runtime.block_on(async {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        sqlx::raw_sql(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;
             CREATE TABLE notes (id INTEGER PRIMARY KEY, version BIGINT NOT NULL,
                 title TEXT NOT NULL, text TEXT NOT NULL, optimist_stamps TEXT)",
        )
        .execute(&pool)
        .await
        .unwrap();
        let store = TableStore::<Note>::new(pool, "notes").await.unwrap();
        let notes = Collection::new(store, "/notes")
            .with_policy(Policy::DEFAULT.require_precondition(false));
        notes.create::<Note>(note(0)).await.unwrap();
        notes
    });
    let pre = Preconditions::default();
    let mut n = 0;
    let mut group = c.benchmark_group("put on SQLite");
    group.bench_function("plain (Collection::put, response built)", |b| {
        b.iter(|| {
            n += 1;
            let body = note(n);
            let tagged = runtime
                .block_on(notes.put::<Note>(&1, &pre, &body))
                .unwrap();
            black_box(tagged.to_response::<Vec<u8>>());
        });
    });
    group.bench_function("unkeyed (Collection::keyed(None))", |b| {
        b.iter(|| {
            n += 1;
            let body = note(n);
            let receipt = runtime
                .block_on(notes.keyed(None).put::<Note>(&1, &pre, &body))
                .unwrap();
            black_box(receipt.into_response::<Vec<u8>>());
        });
    });
    group.bench_function("keyed (a fresh key each time)", |b| {
        b.iter(|| {
            n += 1;
            let body = note(n);
            let mut headers = http::HeaderMap::new();
            headers.insert("idempotency-key", format!("\"k{n}\"").parse().unwrap());
            let bytes = serde_json::to_vec(&body).unwrap();
            let key = Idempotency::from_request(&headers, &http::Method::PUT, "/notes/1", &bytes)
                .unwrap();
            let receipt = runtime
                .block_on(notes.keyed(key.as_ref()).put::<Note>(&1, &pre, &body))
                .unwrap();
            black_box(receipt.into_response::<Vec<u8>>());
        });
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group!(benches, keyed);
criterion_main!(benches);
