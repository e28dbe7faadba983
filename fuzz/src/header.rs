//! The `If-Match`/`If-None-Match` parser against a reference parser
//! written from the RFC 9110 grammar: both accept the same field lines,
//! and the parser never panics and never accepts more than its limits.

use optimist::{EntityTag, MAX_HEADER_BYTES, MAX_TAGS, Preconditions, TagError};

/// `entity-tag = [ "W/" ] DQUOTE *etagc DQUOTE`, `etagc = %x21 / %x23-7E / obs-text`.
fn is_etagc(b: u8) -> bool {
    b == 0x21 || (0x23..=0x7E).contains(&b) || b >= 0x80
}

/// RFC 9110 §5.6.1 `#entity-tag`: elements separated by commas and
/// optional whitespace, empty elements ignored (§5.6.1.2), possibly none.
/// Returns the (weak, opaque) pairs, or `None` where the line is not such
/// a list.
fn reference_list(line: &[u8]) -> Option<Vec<(bool, Vec<u8>)>> {
    let mut tags = Vec::new();
    let mut i = 0;
    let at = |i: usize| line.get(i).copied();
    loop {
        while matches!(at(i), Some(b' ' | b'\t' | b',')) {
            i += 1;
        }
        if i == line.len() {
            break;
        }
        let weak = line[i..].starts_with(b"W/");
        if weak {
            i += 2;
        }
        if at(i) != Some(b'"') {
            return None;
        }
        i += 1;
        let start = i;
        while at(i).is_some_and(is_etagc) {
            i += 1;
        }
        if at(i) != Some(b'"') {
            return None;
        }
        tags.push((weak, line[start..i].to_vec()));
        i += 1;
        while matches!(at(i), Some(b' ' | b'\t')) {
            i += 1;
        }
        if i < line.len() && line[i] != b',' {
            return None;
        }
    }
    Some(tags)
}

/// What the reference says one header (its field lines) is, checking in
/// the parser's order: each line's size, its syntax, then the tag count.
fn reference_header(lines: &[&[u8]]) -> Result<(), TagError> {
    let ows = |b: &u8| matches!(b, b' ' | b'\t');
    let (mut bytes, mut count, mut star) = (0, 0, false);
    for line in lines {
        bytes += line.len();
        if bytes > MAX_HEADER_BYTES {
            return Err(TagError::TooLarge);
        }
        // A line of only commas and whitespace lists nothing: ignored.
        if line.iter().all(|b| ows(b) || *b == b',') {
            continue;
        }
        // `"*" / #entity-tag`: `*` is the whole header, or it is malformed.
        let bare: Vec<u8> = line.iter().copied().filter(|b| !ows(b)).collect();
        if star || bare == b"*" {
            if star || count > 0 {
                return Err(TagError::Malformed);
            }
            star = true;
            continue;
        }
        count += reference_list(line).ok_or(TagError::Malformed)?.len();
        if count > MAX_TAGS {
            return Err(TagError::TooLarge);
        }
    }
    Ok(())
}

/// Splits `data` into the lines of two headers: bytes before the first
/// 0xFF are `If-Match`, after it `If-None-Match`; `\n` separates lines.
fn split(data: &[u8]) -> (Vec<&[u8]>, Vec<&[u8]>) {
    let (first, second) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    (lines(first), lines(second))
}

fn lines(part: &[u8]) -> Vec<&[u8]> {
    if part.is_empty() {
        Vec::new()
    } else {
        part.split(|&b| b == b'\n').collect()
    }
}

/// The check: the parser agrees with the reference on every input.
pub fn check(data: &[u8]) {
    let (if_match, if_none_match) = split(data);
    let parsed = Preconditions::from_lines(if_match.iter().copied(), if_none_match.iter().copied());
    let expected = reference_header(&if_match)
        .map_err(|reason| ("if-match", reason))
        .and_then(|()| {
            reference_header(&if_none_match).map_err(|reason| ("if-none-match", reason))
        });
    match (&parsed, expected) {
        (Ok(_), Ok(())) => {}
        (Err(e), Err((header, reason))) => {
            assert_eq!(e.header(), header, "{data:?}");
            // The parser counts tags as it reads, so a 33rd tag before a
            // syntax error is "too large" where the reference, which reads
            // the whole line first, says "malformed": both are refusals.
            let early_stop = reason == TagError::Malformed && e.reason() == TagError::TooLarge;
            assert!(
                e.reason() == reason || early_stop,
                "{data:?}: {e} vs {reason:?}"
            );
        }
        (parsed, expected) => panic!("{data:?}: parser {parsed:?}, reference {expected:?}"),
    }
    // One tag alone: parse, print and parse again give the same tag
    // (printing escapes an opaque value that is not UTF-8).
    if let Ok(tag) = EntityTag::parse(data)
        && core::str::from_utf8(tag.opaque()).is_ok()
    {
        let printed = tag.to_string();
        let again = EntityTag::parse(printed.as_bytes()).expect("a printed tag parses");
        assert_eq!(
            (again.is_weak(), again.opaque()),
            (tag.is_weak(), tag.opaque())
        );
    }
}
