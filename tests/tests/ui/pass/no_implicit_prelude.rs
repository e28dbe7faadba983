//! Generated code uses absolute paths only: it compiles without the
//! prelude, beside user items named like std's and like optimist's.
#![no_implicit_prelude]

mod user {
    #![allow(dead_code)]

    pub struct Result;
    pub struct Option;
    pub struct Some;
    pub struct Ok;
    pub struct String;
    pub struct Version;
    pub struct FieldSet;
    pub struct Field;
    pub trait Versioned {}
    pub trait PartialEq {}
    pub trait Serialize {}
    pub fn field_ne() {}

    #[derive(::optimist::Versioned, ::serde::Serialize)]
    pub struct Record {
        pub id: u64,
        pub version: ::optimist::Version,
        pub name: ::std::string::String,
        #[versioned(sensitive)]
        pub secret: ::std::vec::Vec<u8>,
    }

    #[derive(::optimist::Versioned, ::serde::Serialize)]
    pub struct Generic<T> {
        pub id: u64,
        pub version: i32,
        pub value: T,
    }
}

fn main() {
    use ::optimist::Versioned as _;
    let r = user::Record {
        id: 1,
        version: ::optimist::Version::FIRST,
        name: ::std::string::String::new(),
        secret: ::std::vec::Vec::new(),
    };
    ::std::assert!(r.diff(&r).is_empty());
    let g = user::Generic { id: 1, version: 3, value: 5u8 };
    ::std::assert!(g.diff(&g).is_empty());
}
