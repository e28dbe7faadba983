#![allow(missing_docs)] // criterion_main! generates an undocumented `main`
//! Benchmarks of the conditional-request path: precondition parse +
//! evaluate, ETag formatting, and diff + merge of a 16-field resource.
//! `cargo bench -p optimist --bench conditional`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
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
    group.bench_function("no conflict", |b| {
        b.iter(|| {
            let changed = current.value().diff(black_box(&yours));
            let mut merged = current.value().clone();
            merged.merge_from(yours.clone(), &changed);
            black_box(merged)
        });
    });
    group.bench_function("diff only", |b| {
        b.iter(|| black_box(current.value().diff(black_box(&yours))));
    });
    group.finish();
}

criterion_group!(benches, preconditions, etag, diff_merge);
criterion_main!(benches);
