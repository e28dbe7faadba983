//! The evaluator against every header combination × method × state, each
//! row citing the clause of RFC 9110 that decides it.

use http::header::{IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderValue, Method};
use proptest::prelude::*;

use super::*;
use crate::http::TagError;
use crate::http::etag::for_each_tag;

const CURRENT: u64 = 5;

fn pre(if_match: Option<&str>, if_none_match: Option<&str>) -> Preconditions {
    let mut headers = HeaderMap::new();
    if let Some(v) = if_match {
        headers.insert(IF_MATCH, v.parse().unwrap());
    }
    if let Some(v) = if_none_match {
        headers.insert(IF_NONE_MATCH, v.parse().unwrap());
    }
    Preconditions::from_headers(&headers).unwrap()
}

#[derive(Clone, Copy, Debug)]
enum State {
    Exists,
    Missing,
}

use Evaluation::{
    IfMatchFailed as IM412, IfNoneMatchFailed as INM412, NotModified as N304, Proceed as GO,
};

/// (If-Match, If-None-Match, state, outcome for GET/HEAD, outcome for writes, clause)
type Row = (
    Option<&'static str>,
    Option<&'static str>,
    State,
    Evaluation,
    Evaluation,
    &'static str,
);

#[rustfmt::skip]
const TABLE: &[Row] = {
    use State::{Exists as E, Missing as M};
    &[
        (None, None, E, GO, GO, "§13.2.2: no precondition, perform the method"),
        (None, None, M, GO, GO, "§13.2.2: no precondition, perform the method"),
        (Some(r#""v5""#), None, E, GO, GO, "§13.1.1: a listed tag matches by strong comparison"),
        (Some(r#""v4""#), None, E, IM412, IM412, "§13.1.1: no listed tag matches"),
        (Some(r#""v1", "v5""#), None, E, GO, GO, "§13.1.1: any listed tag may match"),
        (Some(r#"W/"v5""#), None, E, IM412, IM412, "§13.1.1: a weak tag never matches If-Match (strong comparison)"),
        (Some("*"), None, E, GO, GO, "§13.1.1: * is true when a current representation exists"),
        (Some("*"), None, M, IM412, IM412, "§13.1.1: * is false when there is no current representation"),
        (Some(r#""v5""#), None, M, IM412, IM412, "§13.1.1: no current representation, no tag matches"),
        (None, Some(r#""v5""#), E, N304, INM412, "§13.1.2 + §13.2.2 step 3: matched tag: 304 for GET/HEAD, else 412"),
        (None, Some(r#"W/"v5""#), E, N304, INM412, "§13.1.2: If-None-Match uses weak comparison"),
        (None, Some(r#""v4""#), E, GO, GO, "§13.1.2: no listed tag matches: true"),
        (None, Some("*"), E, N304, INM412, "§13.1.2: * is false when a current representation exists"),
        (None, Some("*"), M, GO, GO, "§13.1.2: * is true when no current representation exists"),
        (None, Some(r#""v5""#), M, GO, GO, "§13.1.2: no current representation: true"),
        (Some(r#""v5""#), Some(r#""v5""#), E, N304, INM412, "§13.2.2: If-Match true, then step 3 evaluates If-None-Match"),
        (Some(r#""v4""#), Some(r#""v5""#), E, IM412, IM412, "§13.2.2 step 1 comes before step 3"),
        (Some(r#""v5""#), Some(r#""v4""#), E, GO, GO, "§13.2.2: both true"),
        (Some("*"), Some("*"), E, N304, INM412, "§13.2.2: If-Match * true, If-None-Match * false"),
        (Some("*"), Some("*"), M, IM412, IM412, "§13.2.2: If-Match * false first"),
        (Some(""), None, E, IM412, IM412, "§5.6.1.2 + §13.1.1: an empty If-Match names no tag: false"),
        (Some(" , ,"), None, M, IM412, IM412, "§5.6.1.2: empty elements are ignored: no tag, false"),
        (None, Some(""), E, GO, GO, "§5.6.1.2 + §13.1.2: an empty If-None-Match names no tag: true"),
        (None, Some(","), M, GO, GO, "§5.6.1.2: empty elements are ignored: no tag, true"),
        (None, Some(r#", "v5",,"#), E, N304, INM412, "§5.6.1.2: empty elements around a tag are ignored"),
    ]
};

#[test]
fn every_combination_follows_rfc_9110() {
    let methods = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ];
    for (if_match, if_none_match, state, read, write, clause) in TABLE {
        let current = match state {
            State::Exists => Version::new(CURRENT),
            State::Missing => None,
        };
        let p = pre(*if_match, *if_none_match);
        for method in &methods {
            let expected = if method == Method::GET || method == Method::HEAD {
                read
            } else {
                write
            };
            assert_eq!(
                p.evaluate(method, current),
                *expected,
                "{method} If-Match: {if_match:?} If-None-Match: {if_none_match:?} {state:?} — {clause}"
            );
        }
    }
}

/// RFC 9110 §5.6.1.2: an empty field line beside one that lists the current
/// tag adds no element; beside `*` it does not make `*` part of a list.
#[test]
fn empty_field_lines_are_ignored() {
    let mut headers = HeaderMap::new();
    headers.append(IF_NONE_MATCH, HeaderValue::from_static(""));
    headers.append(IF_NONE_MATCH, r#""v5""#.parse().unwrap());
    let p = Preconditions::from_headers(&headers).unwrap();
    assert_eq!(
        p.evaluate(&Method::GET, Version::new(5)),
        Evaluation::NotModified
    );
    let mut headers = HeaderMap::new();
    headers.append(IF_NONE_MATCH, "*".parse().unwrap());
    headers.append(IF_NONE_MATCH, HeaderValue::from_static(", "));
    assert!(
        Preconditions::from_headers(&headers)
            .unwrap()
            .is_create_only()
    );
    let empty = pre(Some(""), None);
    assert!(
        empty.has_if_match(),
        "an empty If-Match is present: 412, not 428"
    );
}

#[test]
fn several_field_lines_form_one_list() {
    let mut headers = HeaderMap::new();
    headers.append(IF_MATCH, r#""v1""#.parse().unwrap());
    headers.append(IF_MATCH, r#""v5""#.parse().unwrap());
    let p = Preconditions::from_headers(&headers).unwrap();
    assert_eq!(
        p.evaluate(&Method::PUT, Version::new(5)),
        Evaluation::Proceed
    );
}

#[test]
fn long_lists_and_foreign_tags() {
    // Twelve tags spill past the inline ones; only the last names v5.
    let list: Vec<String> = (1..=12)
        .map(|i| {
            if i == 12 {
                "\"v5\"".into()
            } else {
                format!("\"x{i}\"")
            }
        })
        .collect();
    assert_eq!(
        pre(Some(&list.join(", ")), None).evaluate(&Method::PUT, Version::new(5)),
        Evaluation::Proceed
    );
    assert_eq!(
        pre(Some(&list[..11].join(", ")), None).evaluate(&Method::PUT, Version::new(5)),
        Evaluation::IfMatchFailed
    );
    // Tags optimist never issues match nothing, whatever they resemble.
    for foreign in [
        r#""v05""#,
        r#""5""#,
        r#""V5""#,
        r#""v5 ""#.trim(),
        r#""v+5""#,
        r#""v18446744073709551616""#,
    ] {
        if let Ok(value) = HeaderValue::from_str(foreign) {
            let mut headers = HeaderMap::new();
            headers.insert(IF_MATCH, value);
            if let Ok(p) = Preconditions::from_headers(&headers) {
                assert_eq!(
                    p.evaluate(&Method::PUT, Version::new(5)),
                    Evaluation::IfMatchFailed,
                    "{foreign}"
                );
            }
        }
    }
}

#[test]
fn star_must_stand_alone() {
    for value in [r#"*, "v1""#, r#""v1", *"#] {
        let mut headers = HeaderMap::new();
        headers.insert(IF_MATCH, value.parse().unwrap());
        assert_eq!(
            Preconditions::from_headers(&headers).unwrap_err().reason(),
            TagError::Malformed,
            "{value}"
        );
    }
    let mut headers = HeaderMap::new();
    headers.append(IF_NONE_MATCH, "*".parse().unwrap());
    headers.append(IF_NONE_MATCH, r#""v1""#.parse().unwrap());
    assert!(Preconditions::from_headers(&headers).is_err());
}

#[test]
fn oversize_headers_are_refused_with_bounded_work() {
    let mut headers = HeaderMap::new();
    let long = format!("\"{}\"", "a".repeat(MAX_HEADER_BYTES));
    headers.insert(IF_MATCH, long.parse().unwrap());
    assert_eq!(
        Preconditions::from_headers(&headers).unwrap_err().reason(),
        TagError::TooLarge
    );
    let mut headers = HeaderMap::new();
    for _ in 0..=MAX_HEADER_BYTES {
        headers.append(IF_NONE_MATCH, r#""a""#.parse().unwrap());
    }
    assert_eq!(
        Preconditions::from_headers(&headers).unwrap_err().reason(),
        TagError::TooLarge
    );
}

fn tag() -> impl Strategy<Value = String> {
    (any::<bool>(), "[!#-~]{0,12}").prop_map(|(weak, opaque)| {
        if weak {
            format!("W/\"{opaque}\"")
        } else {
            format!("\"{opaque}\"")
        }
    })
}

proptest! {
    #[test]
    fn tag_lists_round_trip(tags in prop::collection::vec(tag(), 1..8), sep in "[ \t]{0,2},[ \t]{0,2}") {
        let header = tags.join(&sep);
        let mut count = 0;
        let mut back = Vec::new();
        for_each_tag(header.as_bytes(), &mut count, |t| back.push(t.to_string())).unwrap();
        prop_assert_eq!(back, tags);
    }

    #[test]
    fn any_bytes_parse_or_fail_without_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        if let Ok(value) = HeaderValue::from_bytes(&bytes) {
            let mut headers = HeaderMap::new();
            headers.insert(IF_MATCH, value);
            let _ = Preconditions::from_headers(&headers);
        }
    }

    #[test]
    fn version_tags_match_only_their_version(a in 1u64.., b in 1u64..) {
        let header = VersionTag::from_version(Version::new(a).unwrap()).to_string();
        let p = pre(Some(&header), None);
        let outcome = p.evaluate(&Method::PUT, Version::new(b));
        prop_assert_eq!(outcome == Evaluation::Proceed, a == b);
    }
}
