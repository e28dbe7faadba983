//! Heap allocations on the success path of conditional requests, counted
//! by dhat's global allocator: parsing and evaluating preconditions must
//! not allocate, and a 304 must allocate no more than a bare 304 response.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use http::header::{CACHE_CONTROL, ETAG, IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode};
use optimist::{
    Error, Evaluation, MemoryStore, Preconditions, Stored, Version, VersionTag, Versioned,
};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// A resource without heap fields, so loading it allocates nothing and
/// what is counted is optimist's own work.
#[derive(Versioned, serde::Serialize, Clone, Debug)]
struct Counter {
    id: u64,
    version: u64,
    value: i64,
}

fn blocks(f: impl FnOnce()) -> u64 {
    let before = dhat::HeapStats::get().total_blocks;
    f();
    dhat::HeapStats::get().total_blocks - before
}

/// Polls a future that completes without waiting (the memory store's).
fn ready<T>(future: impl Future<Output = T>) -> T {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(value) => value,
        Poll::Pending => panic!("the memory store never waits"),
    }
}

fn headers(name: http::HeaderName, value: &'static str) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(name, HeaderValue::from_static(value));
    map
}

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let current = Version::new(42);
    let ten = "\"v1\", \"v2\", \"v3\", \"v4\", \"v5\", \"v6\", \"v7\", \"v8\", \"v9\", \"v42\"";
    let cases = [
        ("no precondition", HeaderMap::new(), Method::GET),
        (
            "If-Match, one tag",
            headers(IF_MATCH, "\"v42\""),
            Method::PUT,
        ),
        (
            "If-Match, four tags",
            headers(IF_MATCH, "\"v1\", \"v2\", W/\"v3\", \"v42\""),
            Method::PUT,
        ),
        ("If-Match: *", headers(IF_MATCH, "*"), Method::DELETE),
        (
            "If-None-Match, weak",
            headers(IF_NONE_MATCH, "W/\"v42\""),
            Method::GET,
        ),
    ];
    let mut failures = 0;
    for (name, map, method) in &cases {
        let n = blocks(|| {
            let pre = Preconditions::from_headers(map).unwrap();
            std::hint::black_box(pre.evaluate(method, current));
        });
        println!("parse + evaluate, {name}: {n} allocations");
        failures += usize::from(n != 0);
    }

    // Longer lists spill to the heap once.
    let long = headers(IF_MATCH, ten);
    let n = blocks(|| {
        let pre = Preconditions::from_headers(&long).unwrap();
        std::hint::black_box(pre.evaluate(&Method::PUT, current));
    });
    println!(
        "parse + evaluate, If-Match, ten tags: {n} allocations (lists of more than 4 tags spill)"
    );
    failures += usize::from(n > 1);

    let store = MemoryStore::<Counter>::new();
    ready(optimist::create(
        &store,
        Counter {
            id: 1,
            version: 0,
            value: 7,
        },
    ))
    .unwrap();
    let if_none_match = headers(IF_NONE_MATCH, "\"v1\"");
    let pre = Preconditions::from_headers(&if_none_match).unwrap();
    let n = blocks(|| {
        let outcome = ready(optimist::read(
            &store,
            &1,
            &Preconditions::default(),
            &optimist::Policy::DEFAULT,
        ));
        std::hint::black_box(outcome.map(Stored::into_value).ok());
    });
    println!("conditional GET, 200 path (load + evaluate): {n} allocations");
    failures += usize::from(n != 0);

    let bare = blocks(|| {
        let response = Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(
                ETAG,
                VersionTag::from_version(Version::FIRST).to_header_value(),
            )
            .header(CACHE_CONTROL, optimist::Caching::REVALIDATE.header_value())
            .body(Vec::<u8>::new())
            .unwrap();
        std::hint::black_box(response);
    });
    let not_modified = blocks(|| {
        let err = ready(optimist::read(&store, &1, &pre, &optimist::Policy::DEFAULT)).unwrap_err();
        assert!(matches!(err, Error::NotModified { .. }));
        std::hint::black_box(err.to_response::<Vec<u8>>());
    });
    println!(
        "conditional GET, 304 path: {not_modified} allocations; a bare 304 with the same ETag and Cache-Control: {bare}"
    );
    failures += usize::from(not_modified > bare);
    assert_eq!(
        Preconditions::from_headers(&if_none_match)
            .unwrap()
            .evaluate(&Method::GET, Version::new(1)),
        Evaluation::NotModified
    );
    let total = cases.len() + 3;
    println!(
        "allocations: {} passed, {failures} failed",
        total - failures
    );
    assert_eq!(failures, 0, "the success path allocated");
}
