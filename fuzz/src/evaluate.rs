//! The RFC 9110 §13.2.2 evaluator against a reference model: arbitrary
//! `If-Match` × `If-None-Match` × method × current state, described as
//! data, printed as header lines, parsed by optimist and evaluated by both.

use arbitrary::{Arbitrary, Unstructured};
use http::Method;
use optimist::{Evaluation, Preconditions, Version};

#[derive(Arbitrary, Debug)]
enum Opaque {
    /// `v<N>`, the form optimist issues; small so that it often matches.
    Version(u8),
    /// `v0<N>`: a leading zero never names a version.
    LeadingZero(u8),
    /// A version past anything a counter reaches.
    Huge(u64),
    /// Another server's tag.
    Foreign(u16),
}

#[derive(Arbitrary, Debug)]
struct Tag {
    weak: bool,
    opaque: Opaque,
}

#[derive(Arbitrary, Debug)]
enum Condition {
    Any,
    /// Tags, spread over field lines (`true`: start a new line here).
    Tags(Vec<(Tag, bool)>),
}

#[derive(Arbitrary, Debug)]
struct Request {
    if_match: Option<Condition>,
    if_none_match: Option<Condition>,
    method: u8,
    /// The current version; `None`: the resource does not exist.
    current: Option<u8>,
    /// Whitespace after commas.
    spaces: bool,
}

impl Tag {
    fn opaque(&self) -> String {
        match self.opaque {
            Opaque::Version(n) => format!("v{n}"),
            Opaque::LeadingZero(n) => format!("v0{n}"),
            Opaque::Huge(n) => format!("v{}", u128::from(n) + u128::from(u64::MAX)),
            Opaque::Foreign(n) => format!("x-{n}"),
        }
    }

    fn printed(&self) -> String {
        format!("{}\"{}\"", if self.weak { "W/" } else { "" }, self.opaque())
    }
}

impl Condition {
    fn lines(&self, spaces: bool) -> Vec<String> {
        match self {
            Condition::Any => vec!["*".into()],
            Condition::Tags(tags) => {
                let mut lines: Vec<String> = Vec::new();
                for (tag, new_line) in tags {
                    match lines.last_mut() {
                        Some(line) if !new_line => {
                            line.push_str(if spaces { ", " } else { "," });
                            line.push_str(&tag.printed());
                        }
                        _ => lines.push(tag.printed()),
                    }
                }
                lines
            }
        }
    }

    /// RFC 9110 §13.1.1 (strong) or §13.1.2 (weak) against `current`.
    fn matches(&self, current: Option<u8>, strong: bool) -> bool {
        let Some(current) = current else { return false };
        match self {
            Condition::Any => true,
            Condition::Tags(tags) => tags
                .iter()
                .any(|(t, _)| !(strong && t.weak) && t.opaque() == format!("v{current}")),
        }
    }

    fn count(&self) -> usize {
        match self {
            Condition::Any => 1,
            Condition::Tags(tags) => tags.len(),
        }
    }
}

/// RFC 9110 §13.2.2 steps 1 and 3, as the RFC words them.
fn reference(request: &Request, method: &Method) -> Evaluation {
    let current = request.current.filter(|v| *v > 0);
    if let Some(condition) = &request.if_match
        && !condition.matches(current, true)
    {
        return Evaluation::IfMatchFailed;
    }
    if let Some(condition) = &request.if_none_match
        && condition.matches(current, false)
    {
        return if *method == Method::GET || *method == Method::HEAD {
            Evaluation::NotModified
        } else {
            Evaluation::IfNoneMatchFailed
        };
    }
    Evaluation::Proceed
}

/// The check: optimist parses what was printed and decides as the model.
pub fn check(data: &[u8]) {
    let Ok(mut request) = Request::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    // No tags print no field line: the header is absent.
    for condition in [&mut request.if_match, &mut request.if_none_match] {
        if matches!(condition, Some(Condition::Tags(tags)) if tags.is_empty()) {
            *condition = None;
        }
    }
    let methods = [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::POST,
    ];
    let method = &methods[usize::from(request.method) % methods.len()];
    let lines = |c: &Option<Condition>| {
        c.as_ref()
            .map_or_else(Vec::new, |c| c.lines(request.spaces))
    };
    let (if_match, if_none_match) = (lines(&request.if_match), lines(&request.if_none_match));
    let parsed = Preconditions::from_lines(
        if_match.iter().map(String::as_bytes),
        if_none_match.iter().map(String::as_bytes),
    );
    let too_many = |c: &Option<Condition>, l: &[String]| {
        c.as_ref().is_some_and(|c| c.count() > optimist::MAX_TAGS)
            || l.iter().map(String::len).sum::<usize>() > optimist::MAX_HEADER_BYTES
    };
    if too_many(&request.if_match, &if_match) || too_many(&request.if_none_match, &if_none_match) {
        assert!(
            parsed.is_err(),
            "{request:?}: accepted {if_match:?} {if_none_match:?}"
        );
        return;
    }
    let parsed =
        parsed.unwrap_or_else(|e| panic!("{request:?}: {e} for {if_match:?} {if_none_match:?}"));
    let current = request.current.and_then(|v| Version::new(u64::from(v)));
    assert_eq!(
        parsed.evaluate(method, current),
        reference(&request, method),
        "{request:?} {method}: If-Match {if_match:?}, If-None-Match {if_none_match:?}"
    );
    assert_eq!(parsed.has_if_match(), request.if_match.is_some());
    assert_eq!(
        parsed.is_create_only(),
        matches!(request.if_none_match, Some(Condition::Any))
    );
}
