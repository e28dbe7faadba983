#![allow(missing_docs)] // criterion_main! generates an undocumented `main`
//! Benchmarks of the conditional-request path, each beside a baseline in
//! the same run (so figures compare as ratios on a noisy machine):
//! precondition parse + evaluate, ETag formatting, the diff of 4, 16
//! and 70 fields and the 409 body of a conflict, and a 304 answered from the
//! version against one answered by serialising and hashing the body.
//! `cargo bench -p optimist --bench conditional`

mod support;

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use criterion::{Criterion, criterion_group, criterion_main};
use http::header::{ETAG, IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use optimist::{Conflict, MemoryStore, Preconditions, Stored, Version, VersionTag, Versioned};
use serde::Serialize;
use support::{Document, Medium, Narrow, Wide};

fn headers(name: http::HeaderName, value: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(name, HeaderValue::from_str(value).unwrap());
    map
}

/// Polls a future that completes without waiting (the memory store's).
fn ready<T>(future: impl Future<Output = T>) -> T {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => unreachable!("the memory store never waits"),
    }
}

fn preconditions(c: &mut Criterion) {
    let current = Version::new(42);
    let ten: Vec<String> = (33..43).map(|v| format!("\"v{v}\"")).collect();
    let cases = [
        ("none", HeaderMap::new(), Method::PUT),
        (
            "if-match one tag",
            headers(IF_MATCH, "\"v42\""),
            Method::PUT,
        ),
        (
            "if-match ten tags",
            headers(IF_MATCH, &ten.join(", ")),
            Method::PUT,
        ),
        ("if-match *", headers(IF_MATCH, "*"), Method::PUT),
        (
            "if-none-match weak",
            headers(IF_NONE_MATCH, "W/\"v42\""),
            Method::GET,
        ),
    ];
    let mut group = c.benchmark_group("precondition parse + evaluate");
    // The floor: looking both headers up, which any precondition code does.
    group.bench_function("baseline: two header lookups", |b| {
        b.iter(|| {
            let map = black_box(&cases[1].1);
            black_box((map.get(IF_MATCH), map.get(IF_NONE_MATCH)))
        });
    });
    for (name, map, method) in &cases {
        group.bench_function(*name, |b| {
            b.iter(|| {
                let pre = Preconditions::from_headers(black_box(map)).unwrap();
                black_box(pre.evaluate(method, black_box(current)))
            });
        });
    }
    group.finish();
}

fn etag(c: &mut Criterion) {
    let version = Version::new(123_456).unwrap();
    let mut group = c.benchmark_group("etag formatting");
    group.bench_function("version etag to header value", |b| {
        b.iter(|| VersionTag::from_version(black_box(version)).to_header_value());
    });
    group.bench_function("baseline: HeaderValue::from_static", |b| {
        b.iter(|| HeaderValue::from_static(black_box("\"v123456\"")));
    });
    group.finish();
}

/// The diff of `yours` against `current`, and diff + conflict body when
/// every changed field changed since the client's version.
fn diff_merge_of<T: Versioned + Serialize + Clone>(
    c: &mut Criterion,
    name: &str,
    base: T,
    edit: impl Fn(&mut T),
) where
    T::Id: Serialize + std::fmt::Display,
{
    let v5 = Version::new(5).unwrap();
    let current = Stored::created(base, v5).unwrap();
    let mut yours = current.value().clone();
    edit(&mut yours);
    let mut group = c.benchmark_group(format!("diff + merge, {name}"));
    // Cloning the inputs and dropping the result are not measured: a
    // service has both values already and keeps the result.
    group.bench_function("no conflict: diff", |b| {
        b.iter(|| current.value().diff(black_box(&yours)));
    });
    group.bench_function("conflict: diff + 409 body", |b| {
        b.iter(|| {
            let changed = current.value().diff(black_box(&yours));
            black_box(Conflict::new(&current, &yours, Version::FIRST, &changed).unwrap())
        });
    });
    group.finish();
}

fn diff_merge(c: &mut Criterion) {
    diff_merge_of(
        c,
        "4 fields",
        Narrow {
            name: "Ann".into(),
            email: "ann@x.org".into(),
            ..Narrow::default()
        },
        |n| {
            n.email = "ann@y.org".into();
        },
    );
    let medium = Medium {
        f0: "alpha".into(),
        f10: "kappa".into(),
        ..Medium::default()
    };
    diff_merge_of(c, "16 fields", medium.clone(), |m| {
        m.f3 = "changed".into();
        m.f7 = 9;
    });
    diff_merge_of(c, "70 fields", Wide::default(), |w| {
        w.f3 = 1;
        w.f69 = 2;
    });
    let mut yours = medium.clone();
    yours.f3 = "changed".into();
    c.bench_function(
        "diff + merge, 16 fields/baseline: 16 comparisons by hand",
        |b| {
            b.iter(|| {
                let (a, y) = (black_box(&medium), black_box(&yours));
                black_box([
                    a.f0 != y.f0,
                    a.f1 != y.f1,
                    a.f2 != y.f2,
                    a.f3 != y.f3,
                    a.f4 != y.f4,
                    a.f5 != y.f5,
                    a.f6 != y.f6,
                    a.f7 != y.f7,
                    a.f8 != y.f8,
                    a.f9 != y.f9,
                    a.f10 != y.f10,
                    a.f11 != y.f11,
                    a.f12 != y.f12,
                    a.f13 != y.f13,
                    a.f14 != y.f14,
                    a.f15 != y.f15,
                ])
            });
        },
    );
}

/// A 304 from a body hash, as ETag middleware does it: serialise, hash
/// (xxh3), format, compare, answer.
fn body_hash_304(doc: &Document, if_none_match: &HeaderValue) -> Option<Response<Vec<u8>>> {
    let body = serde_json::to_vec(doc).unwrap();
    let tag = format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body));
    (if_none_match.as_bytes() == tag.as_bytes()).then(|| {
        Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(ETAG, tag)
            .body(Vec::new())
            .unwrap()
    })
}

fn not_modified(c: &mut Criterion) {
    let mut group = c.benchmark_group("304");
    for (label, size) in [("1 KB", 1024), ("100 KB", 100 * 1024)] {
        let store = MemoryStore::<Document>::new();
        let doc = ready(optimist::create(&store, Document::of_size(size))).unwrap();
        let by_version =
            Preconditions::from_headers(&headers(IF_NONE_MATCH, &doc.etag().to_string())).unwrap();
        group.bench_function(format!("{label}: version etag"), |b| {
            b.iter(|| {
                let err = ready(optimist::read(
                    &store,
                    &1,
                    black_box(&by_version),
                    &optimist::Policy::DEFAULT,
                ))
                .unwrap_err();
                black_box(err.to_response::<Vec<u8>>())
            });
        });
        let body = serde_json::to_vec(doc.value()).unwrap();
        let hash_tag =
            HeaderValue::from_str(&format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(&body)))
                .unwrap();
        let no_precondition = Preconditions::default();
        group.bench_function(format!("{label}: body-hash etag"), |b| {
            b.iter(|| {
                let loaded = ready(optimist::read(
                    &store,
                    &1,
                    &no_precondition,
                    &optimist::Policy::DEFAULT,
                ))
                .unwrap();
                black_box(body_hash_304(loaded.value(), black_box(&hash_tag)).unwrap())
            });
        });
    }
    group.finish();
}

criterion_group!(benches, preconditions, etag, diff_merge, not_modified);
criterion_main!(benches);
