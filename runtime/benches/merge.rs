#![allow(missing_docs)] // criterion_main! generates an undocumented `main`
//! A stale write of a 100 KB text merged three ways (edits far apart),
//! beside a plain write of the same document in the same run.
//! `cargo bench -p optimist --bench merge`

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use optimist::{MemoryStore, Policy, Preconditions, Version};
use serde::Serialize;

#[derive(optimist::Versioned, Serialize, Clone)]
#[versioned(history = 4)]
struct Doc {
    id: u64,
    version: u64,
    title: String,
    #[versioned(text)]
    body: String,
}

/// Polls a future that completes without waiting (the memory store's).
fn ready<T>(future: impl Future<Output = T>) -> T {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => unreachable!("the memory store never waits"),
    }
}

/// About 100 KB: 1 600 lines of 64 bytes.
fn text() -> Vec<String> {
    (0..1600)
        .map(|i| format!("{i:>6} the quick brown fox jumps over the lazy dog, again and again\n"))
        .collect()
}

fn edited(lines: &[String], at: usize) -> String {
    let mut lines = lines.to_vec();
    lines[at] = "an edited line\n".into();
    lines.concat()
}

/// A store at version 2: version 1 with its first line edited.
fn store(lines: &[String]) -> MemoryStore<Doc> {
    let store = MemoryStore::new();
    let doc = Doc {
        id: 1,
        version: 0,
        title: "t".into(),
        body: lines.concat(),
    };
    ready(optimist::create(&store, doc)).unwrap();
    let first = Doc {
        id: 1,
        version: 1,
        title: "t".into(),
        body: edited(lines, 0),
    };
    let policy = Policy::default();
    ready(optimist::put(
        &store,
        &1,
        &Preconditions::default(),
        &policy,
        Version::new(1),
        |_| Ok(first.clone()),
    ))
    .unwrap();
    store
}

fn merge(c: &mut Criterion) {
    let lines = text();
    let policy = Policy::default();
    let pre = Preconditions::default();
    let mut group = c.benchmark_group("write of a 100 KB text");
    // Based on the current version 2: written as it is.
    let fresh = Doc {
        id: 1,
        version: 2,
        title: "t".into(),
        body: edited(&lines, 1599),
    };
    group.bench_function("plain write (current base)", |b| {
        b.iter_batched(
            || store(&lines),
            |store| {
                black_box(
                    ready(optimist::put(
                        &store,
                        &1,
                        &pre,
                        &policy,
                        Version::new(2),
                        |_| Ok(fresh.clone()),
                    ))
                    .unwrap(),
                )
            },
            BatchSize::SmallInput,
        );
    });
    // Based on version 1, edits 1 600 lines apart: merged three ways.
    let stale = Doc {
        id: 1,
        version: 1,
        title: "t".into(),
        body: edited(&lines, 1599),
    };
    group.bench_function("text merge (stale base, edits far apart)", |b| {
        b.iter_batched(
            || store(&lines),
            |store| {
                let merged = ready(optimist::put(
                    &store,
                    &1,
                    &pre,
                    &policy,
                    Version::new(1),
                    |_| Ok(stale.clone()),
                ))
                .unwrap();
                assert!(merged.stored.value().body.starts_with("an edited line\n"));
                black_box(merged)
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group!(benches, merge);
criterion_main!(benches);
