//! A resource with history: every merge kind, a group, a generic field
//! and a counter alias, without the prelude and beside user items named
//! like the generated code's.
#![no_implicit_prelude]
#![deny(warnings, clippy::pedantic)]

mod user {
    #![allow(dead_code)]
    pub struct ThreeWay;
    pub struct Clone;
    pub fn merge() {}
    pub fn current() {}

    type Likes = u32;

    #[derive(::optimist::Versioned, ::serde::Serialize, ::serde::Deserialize, ::core::clone::Clone)]
    #[versioned(history = 20)]
    pub struct Doc<T> {
        pub id: u64,
        pub version: u64,
        pub title: ::std::string::String,
        #[versioned(text)]
        pub body: ::std::string::String,
        #[versioned(set)]
        pub tags: ::std::collections::BTreeSet<::std::string::String>,
        #[versioned(counter(min = -10, max = 1000))]
        pub likes: Likes,
        #[versioned(group = "place")]
        pub city: T,
        #[versioned(group = "place")]
        pub zip: ::std::string::String,
    }

    #[derive(::optimist::Versioned, ::serde::Serialize, ::serde::Deserialize, ::core::clone::Clone)]
    #[versioned(history = 1)]
    pub struct Bare {
        pub id: u64,
        pub version: u64,
    }
}

fn main() {
    use ::optimist::{MergeKind, Versioned};
    type Doc = user::Doc<::std::string::String>;
    ::std::assert_eq!(Doc::HISTORY, 20);
    ::std::assert_eq!(Doc::FIELDS[1].merge, MergeKind::Text);
    ::std::assert_eq!(
        Doc::FIELDS[3].merge,
        MergeKind::Counter { min: ::core::option::Option::Some(-10), max: ::core::option::Option::Some(1000) }
    );
    ::std::assert_eq!(Doc::FIELDS[4].group, ::core::option::Option::Some("place"));
    ::std::assert_eq!(user::Bare::HISTORY, 1);
}
