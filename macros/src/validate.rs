//! The validate stage: which field is the id, which the version, which
//! are compared, and every combination of attributes that cannot work,
//! each reported at its span with what to write instead.

use proc_macro2::Span;
use syn::ext::IdentExt;

use crate::ast::{Field, Input, Resource};
use crate::attr::FieldAttrs;
use crate::ctxt::Ctxt;

/// The resource, where `input` describes one; every mistake is reported.
///
/// The version field's type is not checked here: a trait bound at the
/// field does it, so that aliases of integer types are accepted.
pub fn check<'a>(input: Input<'a>, cx: &Ctxt) -> Option<Resource<'a>> {
    let fields = input.fields?;
    // A field merely named `id`/`version` is the id/version only where no
    // field is marked as such.
    let explicit_id = fields.iter().any(|f| f.attrs.id.is_set());
    let explicit_version = fields.iter().any(|f| f.attrs.version.is_set());
    let (mut id, mut version) = (None, None);
    // A field already reported (clashing roles) makes "no such field"
    // noise, not news.
    let mut role_reported = false;
    let mut compared = Vec::new();
    let mut skipped = Vec::new();
    let mut columns: Vec<(String, Span)> = Vec::new();
    let mut groups: Vec<(String, Span)> = Vec::new();
    let history = input.attrs.history.is_set();
    for parsed in fields {
        let (field, attrs) = (parsed.field, &parsed.attrs);
        role_reported |= check_combinations(attrs, cx);
        check_column(&field, attrs, &mut columns, cx);
        let span = |flag: &crate::attr::Once<()>| flag.span().unwrap_or_else(|| field.span());
        if attrs.skip.is_set() {
            check_merge(attrs, history, cx);
            skipped.push(field);
        } else if attrs.id.is_set() || (!explicit_id && parsed.name == "id") {
            // Flags on a field that is the id by its name alone.
            sensitive_role(attrs, &attrs.id, "id", cx);
            merge_role(attrs, "id", cx);
            let at = span(&attrs.id);
            claim(&mut id, field, at, "id", cx);
        } else if attrs.version.is_set() || (!explicit_version && parsed.name == "version") {
            sensitive_role(attrs, &attrs.version, "version", cx);
            merge_role(attrs, "version", cx);
            let at = span(&attrs.version);
            claim(&mut version, field, at, "version", cx);
        } else {
            check_merge(attrs, history, cx);
            if let (Some(group), Some(at)) = (&field.group, attrs.group.span()) {
                groups.push((group.clone(), at));
            }
            compared.push(field);
        }
    }
    for (group, at) in &groups {
        if groups.iter().filter(|(g, _)| g == group).count() == 1 {
            cx.push(syn::Error::new(
                *at,
                format!("the group `{group}` has one field: a group makes fields conflict together; put another field in it, or remove `group`"),
            ));
        }
    }
    if id.is_none() && !role_reported {
        cx.push(missing(input.ident.span(), "id", "u64"));
    }
    if version.is_none() && !role_reported {
        cx.push(missing(input.ident.span(), "version", "u32"));
    }
    let attrs = input.attrs;
    Some(Resource {
        ident: input.ident,
        generics: input.generics,
        name: attrs
            .resource
            .value
            .map_or_else(|| input.ident.unraw().to_string(), |(name, _)| name),
        krate: attrs
            .krate
            .value
            .map_or_else(|| syn::parse_quote!(::optimist), |(path, _)| path),
        id: id?,
        version: version?,
        compared,
        skipped,
        history: attrs.history.value.map(|(depth, _)| depth),
    })
}

fn claim<'a>(slot: &mut Option<Field<'a>>, field: Field<'a>, span: Span, role: &str, cx: &Ctxt) {
    if slot.is_some() {
        cx.push(syn::Error::new(
            span,
            format!("a second `#[versioned({role})]` field: a resource has exactly one {role} field; remove one of them"),
        ));
    } else {
        *slot = Some(field);
    }
}

/// Reports clashing flags on one field; `true` where the field lost the
/// id or version role it was marked with (so that "no id field" would be
/// noise).
fn check_combinations(attrs: &FieldAttrs, cx: &Ctxt) -> bool {
    let mut lost_role = false;
    let pairs = [
        (
            &attrs.id,
            &attrs.version,
            "`id` and `version` on one field: a resource needs two distinct fields",
        ),
        (
            &attrs.id,
            &attrs.skip,
            "`skip` on the id field: the id is always used; remove `skip`",
        ),
        (
            &attrs.version,
            &attrs.skip,
            "`skip` on the version field: the version is always used; remove `skip`",
        ),
        (
            &attrs.id,
            &attrs.sensitive,
            "`sensitive` on the id field: the id is part of every response; remove `sensitive`",
        ),
        (
            &attrs.version,
            &attrs.sensitive,
            "`sensitive` on the version field: the version is part of every response; remove `sensitive`",
        ),
        (
            &attrs.skip,
            &attrs.sensitive,
            "`sensitive` and `skip` together: a skipped field is never compared, so its value is never shown; keep one",
        ),
    ];
    for (n, (first, second, message)) in pairs.into_iter().enumerate() {
        if let (Some(_), Some(span)) = (first.span(), second.span()) {
            cx.push(syn::Error::new(span, message));
            // The first three pairs leave the id or version unassigned.
            lost_role |= n < 3;
        }
    }
    lost_role
}

/// A column name is a plain SQL identifier, used by one field only.
fn check_column(field: &Field<'_>, attrs: &FieldAttrs, seen: &mut Vec<(String, Span)>, cx: &Ctxt) {
    let span = attrs.column.span().unwrap_or_else(|| field.span());
    let plain = field
        .column
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && field
            .column
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plain {
        cx.push(syn::Error::new(
            span,
            format!(
                "`{}` is not a plain SQL column name: use letters, digits and `_`, as in `column = \"user_name\"`",
                field.column
            ),
        ));
    } else if seen
        .iter()
        .any(|(c, _)| c.eq_ignore_ascii_case(&field.column))
    {
        cx.push(syn::Error::new(
            span,
            format!(
                "a second field in column `{}`: each field needs a column of its own; rename one with `#[versioned(column = \"..\")]`",
                field.column
            ),
        ));
    }
    seen.push((field.column.clone(), span));
}

fn missing(span: Span, role: &str, example: &str) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "no {role} field: add a field `{role}: {example}` or mark one with `#[versioned({role})]`"
        ),
    )
}

/// `sensitive` on the id or version field, where that field has its role
/// by its name (a marked one is caught by [`check_combinations`]).
fn sensitive_role(attrs: &FieldAttrs, role: &crate::attr::Once<()>, name: &str, cx: &Ctxt) {
    if let (false, Some(span)) = (role.is_set(), attrs.sensitive.span()) {
        cx.push(syn::Error::new(
            span,
            format!("`sensitive` on the {name} field: the {name} is part of every response; remove `sensitive`"),
        ));
    }
}

/// The merge attributes on a field: one kind at most, never beside
/// `sensitive` (no history keeps the value) or `group`, only where the
/// struct keeps history; `group` not on a skipped field.
fn check_merge(attrs: &FieldAttrs, history: bool, cx: &Ctxt) {
    let kinds: Vec<(&str, Span)> = [
        ("text", attrs.text.span()),
        ("set", attrs.set.span()),
        ("counter", attrs.counter.span()),
    ]
    .into_iter()
    .filter_map(|(name, span)| Some((name, span?)))
    .collect();
    if let [(first, _), (second, at), ..] = kinds[..] {
        cx.push(syn::Error::new(
            at,
            format!("`{first}` and `{second}` on one field: a field merges one way; keep one"),
        ));
    }
    if let Some(skip) = attrs.skip.span() {
        for (name, _) in kinds
            .iter()
            .chain(attrs.group.span().map(|s| ("group", s)).iter())
        {
            cx.push(syn::Error::new(
                skip,
                format!("`{name}` on a skipped field: a skipped field takes no part in merges; remove `{name}` or `skip`"),
            ));
        }
        return;
    }
    if let (Some(at), true) = (attrs.group.span(), attrs.sensitive.is_set()) {
        cx.push(syn::Error::new(
            at,
            "`group` on a sensitive field: no revision history keeps a sensitive value, so its group could never be merged; remove `group` or `sensitive`",
        ));
    }
    let Some(&(kind, at)) = kinds.first() else {
        return;
    };
    if attrs.sensitive.is_set() {
        cx.push(syn::Error::new(
            at,
            format!("`{kind}` on a sensitive field: no revision history keeps a sensitive value, so it cannot be merged from one; remove `{kind}` or `sensitive`"),
        ));
    } else if attrs.group.is_set() {
        cx.push(syn::Error::new(
            at,
            format!(
                "`{kind}` in a group: a group is merged as one value; remove `{kind}` or `group`"
            ),
        ));
    } else if !history {
        cx.push(syn::Error::new(
            at,
            format!("`{kind}` merges from the revision history: add `#[versioned(history = 20)]` to the struct (the number of versions to keep)"),
        ));
    }
}

/// Merge attributes on the id or version field.
fn merge_role(attrs: &FieldAttrs, role: &str, cx: &Ctxt) {
    for (name, span) in [
        ("text", attrs.text.span()),
        ("set", attrs.set.span()),
        ("counter", attrs.counter.span()),
        ("group", attrs.group.span()),
    ] {
        if let Some(span) = span {
            cx.push(syn::Error::new(
                span,
                format!(
                    "`{name}` on the {role} field: the {role} is never merged; remove `{name}`"
                ),
            ));
        }
    }
}
