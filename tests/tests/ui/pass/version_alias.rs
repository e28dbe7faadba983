//! A version field whose type is an alias of an integer type.

use optimist::Versioned;

type Rev = u64;

mod types {
    pub type Counter = i32;
}

#[derive(Versioned, serde::Serialize)]
struct Page {
    id: u64,
    version: Rev,
    text: String,
}

#[derive(Versioned, serde::Serialize)]
struct Tally {
    id: u64,
    #[versioned(version)]
    rev: types::Counter,
}

fn main() {
    let page = Page { id: 1, version: 3, text: "a".into() };
    assert_eq!(page.version().map(optimist::Version::get), Some(3));
    let mut tally = Tally { id: 1, rev: 0 };
    assert_eq!(tally.version(), None);
    tally.set_version(optimist::Version::new(9).unwrap()).unwrap();
    assert_eq!(tally.rev, 9);
    let generic = Generic { id: 1, version: 4u32 };
    assert_eq!(generic.version().map(optimist::Version::get), Some(4));
}

/// A version field of a type parameter: the derive adds the bound.
#[derive(Versioned, serde::Serialize)]
struct Generic<V> {
    id: u64,
    version: V,
}

