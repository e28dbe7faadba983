#![allow(missing_docs)] // criterion_main! generates an undocumented `main`
//! Benchmarks of the conditional-request path: precondition parse +
//! evaluate, ETag formatting, and diff + merge of a 16-field resource.
//! `cargo bench -p optimist --bench conditional`

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use http::header::{IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderValue, Method};
use optimist::{ETag, Preconditions, Stamps, Stored, Version, Versioned};

/// A 16-field resource of the usual mix of strings and numbers.
#[derive(Versioned, serde::Serialize, Clone, Default)]
struct Wide {
    id: u64,
    version: u64,
    f0: String,
    f1: String,
    f2: String,
    f3: String,
    f4: u64,
    f5: u64,
    f6: u64,
    f7: u64,
    f8: bool,
    f9: bool,
    f10: String,
    f11: String,
    f12: i32,
    f13: i32,
    f14: Option<String>,
    f15: Option<String>,
}

fn headers(name: http::HeaderName, value: &str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(name, HeaderValue::from_str(value).unwrap());
    map
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
    c.bench_function("etag to header value", |b| {
        b.iter(|| ETag::from_version(black_box(version)).to_header_value());
    });
}

fn diff_merge(c: &mut Criterion) {
    let base = Wide {
        f0: "alpha".into(),
        f10: "kappa".into(),
        ..Wide::default()
    };
    let current = Stored::new(
        Wide {
            version: 5,
            ..base.clone()
        },
        Stamps::new(16, Version::FIRST),
    )
    .unwrap();
    let mut yours = current.value().clone();
    yours.f3 = "changed".into();
    yours.f7 = 9;
    let mut group = c.benchmark_group("diff + merge, 16 fields");
    // Cloning the inputs and dropping the result are not measured: a
    // service has both values already and keeps the result.
    group.bench_function("no conflict", |b| {
        b.iter_batched(
            || (current.value().clone(), yours.clone()),
            |(mut merged, theirs)| {
                let changed = merged.diff(&theirs);
                merged.merge_from(theirs, &changed);
                merged
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("diff only", |b| {
        b.iter(|| black_box(current.value().diff(black_box(&yours))));
    });
    // The floor: the same 16 comparisons written by hand.
    group.bench_function("baseline: 16 comparisons by hand", |b| {
        b.iter(|| {
            let (a, y) = (current.value(), black_box(&yours));
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
    });
    group.finish();
}

criterion_group!(benches, preconditions, etag, diff_merge);
criterion_main!(benches);
