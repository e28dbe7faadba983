//! Reading `#[versioned(..)]` and the parts of `#[serde(..)]` that decide
//! wire names. Mistakes go to the [`Ctxt`], so one compile shows them all.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::{Attribute, LitStr, Token};

use crate::ctxt::Ctxt;

/// A flag or value set at most once, remembering where.
pub struct Once<T> {
    pub value: Option<(T, Span)>,
    name: &'static str,
}

impl<T> Once<T> {
    pub fn new(name: &'static str) -> Self {
        Once { value: None, name }
    }

    pub fn set(&mut self, span: Span, value: T, cx: &Ctxt) {
        if self.value.is_some() {
            cx.push(syn::Error::new(
                span,
                format!("duplicate `{}`: write it once", self.name),
            ));
        } else {
            self.value = Some((value, span));
        }
    }

    pub fn span(&self) -> Option<Span> {
        self.value.as_ref().map(|(_, span)| *span)
    }

    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// `#[versioned(..)]` on the struct.
pub struct ContainerAttrs {
    pub resource: Once<String>,
    pub krate: Once<syn::Path>,
    /// `history = N`: the versions each store keeps per resource.
    pub history: Once<usize>,
}

/// A counter's bounds, `counter(min = .., max = ..)`.
#[derive(Clone, Copy, Default)]
pub struct Bounds {
    pub min: Option<i128>,
    pub max: Option<i128>,
}

/// `#[versioned(..)]` on a field.
pub struct FieldAttrs {
    pub id: Once<()>,
    pub version: Once<()>,
    pub sensitive: Once<()>,
    pub skip: Once<()>,
    /// `column = "name"`: the field's column in a table store.
    pub column: Once<String>,
    pub text: Once<()>,
    pub set: Once<()>,
    pub counter: Once<Bounds>,
    /// `group = "name"`: fields that conflict together.
    pub group: Once<String>,
}

/// The field attributes, for "belongs on a field" messages.
const FIELD_ITEMS: [&str; 9] = [
    "id",
    "version",
    "sensitive",
    "skip",
    "column",
    "text",
    "set",
    "counter",
    "group",
];

/// Calls `each` for every item of every `#[versioned(..)]`.
fn versioned_items(
    attrs: &[Attribute],
    cx: &Ctxt,
    mut each: impl FnMut(&ParseNestedMeta<'_>, &Ctxt) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("versioned")) {
        if let syn::Meta::Path(path) = &attr.meta {
            cx.push(syn::Error::new_spanned(
                path,
                "expected a list: `#[versioned(...)]`",
            ));
            continue;
        }
        let local = Ctxt::default();
        if let Err(e) = attr.parse_nested_meta(|meta| each(&meta, &local)) {
            local.push(e);
        }
        if let Err(e) = local.finish() {
            cx.push(e);
        }
    }
}

impl ContainerAttrs {
    pub fn parse(attrs: &[Attribute], cx: &Ctxt) -> Self {
        let mut out = ContainerAttrs {
            resource: Once::new("resource"),
            krate: Once::new("crate"),
            history: Once::new("history"),
        };
        versioned_items(attrs, cx, |meta, cx| {
            let span = meta.path.segments[0].ident.span();
            if meta.path.is_ident("resource") {
                let lit = name_value(
                    meta,
                    "expected `resource = \"Name\"`",
                    "the resource name cannot be empty: write `resource = \"User\"`",
                )?;
                out.resource.set(span, lit.value(), cx);
            } else if meta.path.is_ident("crate") {
                let lit: LitStr = value(meta, "expected `crate = \"path::to::optimist\"`")?;
                let path = lit.parse::<syn::Path>().map_err(|_| {
                    syn::Error::new(
                        lit.span(),
                        "expected a path such as `crate = \"my_optimist\"`",
                    )
                })?;
                out.krate.set(span, path, cx);
            } else if meta.path.is_ident("history") {
                let depth: syn::LitInt =
                    value(meta, "expected `history = 20`: how many versions to keep")?;
                match depth.base10_parse::<usize>() {
                    Ok(n) if n > 0 => out.history.set(span, n, cx),
                    _ => {
                        return Err(syn::Error::new(
                            depth.span(),
                            "`history` keeps at least one version: write `history = 20`, or remove it to keep none",
                        ));
                    }
                }
            } else if FIELD_ITEMS.iter().any(|f| meta.path.is_ident(f)) {
                return Err(meta.error("this attribute belongs on a field, not on the struct"));
            } else {
                return Err(meta.error(
                    "unknown attribute: expected `resource = \"Name\"`, `crate = \"path\"` or `history = 20`",
                ));
            }
            Ok(())
        });
        out
    }
}

impl FieldAttrs {
    pub fn parse(attrs: &[Attribute], cx: &Ctxt) -> Self {
        let mut out = FieldAttrs {
            id: Once::new("id"),
            version: Once::new("version"),
            sensitive: Once::new("sensitive"),
            skip: Once::new("skip"),
            column: Once::new("column"),
            text: Once::new("text"),
            set: Once::new("set"),
            counter: Once::new("counter"),
            group: Once::new("group"),
        };
        versioned_items(attrs, cx, |meta, cx| {
            let span = meta.path.segments[0].ident.span();
            if meta.path.is_ident("column") {
                let lit: LitStr = value(meta, "expected `column = \"name\"`")?;
                out.column.set(lit.span(), lit.value(), cx);
                return Ok(());
            }
            if meta.path.is_ident("group") {
                let lit = name_value(
                    meta,
                    "expected `group = \"name\"`",
                    "a group needs a name: write `group = \"address\"`",
                )?;
                out.group.set(span, lit.value(), cx);
                return Ok(());
            }
            if meta.path.is_ident("counter") && meta.input.peek(syn::token::Paren) {
                let bounds = counter_bounds(meta)?;
                out.counter.set(span, bounds, cx);
                return Ok(());
            }
            if meta.path.is_ident("counter") {
                out.counter.set(span, Bounds::default(), cx);
                return no_value(meta);
            }
            let flag = if meta.path.is_ident("id") {
                &mut out.id
            } else if meta.path.is_ident("version") {
                &mut out.version
            } else if meta.path.is_ident("sensitive") {
                &mut out.sensitive
            } else if meta.path.is_ident("skip") {
                &mut out.skip
            } else if meta.path.is_ident("text") {
                &mut out.text
            } else if meta.path.is_ident("set") {
                &mut out.set
            } else if ["resource", "crate", "history"]
                .iter()
                .any(|c| meta.path.is_ident(c))
            {
                return Err(meta.error("this attribute belongs on the struct, not on a field"));
            } else {
                return Err(meta.error(
                    "unknown attribute: expected one of `id`, `version`, `sensitive`, `skip`, `column = \"name\"`, `text`, `set`, `counter`, `group = \"name\"`",
                ));
            };
            flag.set(span, (), cx);
            no_value(meta)
        });
        out
    }
}

/// The literal of `key = value`; `expected` where there is none.
fn value<V: syn::parse::Parse>(meta: &ParseNestedMeta<'_>, expected: &str) -> syn::Result<V> {
    meta.value()
        .and_then(syn::parse::ParseBuffer::parse)
        .map_err(|_| meta.error(expected))
}

/// A name, `key = "name"`: `empty` where it is blank.
fn name_value(meta: &ParseNestedMeta<'_>, expected: &str, empty: &str) -> syn::Result<LitStr> {
    let lit: LitStr = value(meta, expected)?;
    if lit.value().trim().is_empty() {
        return Err(syn::Error::new(lit.span(), empty));
    }
    Ok(lit)
}

fn no_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    if !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        return Err(meta.error(
            "this attribute takes no value: write it bare, as in `#[versioned(sensitive)]`",
        ));
    }
    Ok(())
}

/// `counter(min = -5, max = 100)`, either bound optional.
fn counter_bounds(meta: &ParseNestedMeta<'_>) -> syn::Result<Bounds> {
    let mut bounds = Bounds::default();
    meta.parse_nested_meta(|bound| {
        let slot = if bound.path.is_ident("min") {
            &mut bounds.min
        } else if bound.path.is_ident("max") {
            &mut bounds.max
        } else {
            return Err(bound.error("expected `min = ..` or `max = ..`, as in `counter(min = 0)`"));
        };
        let input = bound.value()?;
        let negative = input.parse::<Option<Token![-]>>()?.is_some();
        let lit: syn::LitInt = input
            .parse()
            .map_err(|_| bound.error("expected an integer, as in `min = 0`"))?;
        let value = lit.base10_parse::<i128>()?;
        if slot
            .replace(if negative { -value } else { value })
            .is_some()
        {
            return Err(bound.error("a bound given twice: write it once"));
        }
        Ok(())
    })?;
    if let (Some(min), Some(max)) = (bounds.min, bounds.max)
        && min > max
    {
        return Err(meta.error(format!(
            "the bounds are empty: `min = {min}` is above `max = {max}`"
        )));
    }
    Ok(bounds)
}

/// serde's name for this item after `rename`: the serialize name.
pub fn serde_rename(attrs: &[Attribute]) -> Option<String> {
    serde_value(attrs, "rename")
}

/// serde's `rename_all` rule: the serialize one.
pub fn serde_rename_all(attrs: &[Attribute]) -> Option<String> {
    serde_value(attrs, "rename_all")
}

/// Reads `key = "v"` or `key(serialize = "v", ..)` from `#[serde(..)]`,
/// skipping everything else: serde checks its own attributes.
fn serde_value(attrs: &[Attribute], key: &str) -> Option<String> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident(key) {
                if meta.input.peek(Token![=]) {
                    found = Some(meta.value()?.parse::<LitStr>()?.value());
                } else {
                    meta.parse_nested_meta(|inner| {
                        if inner.path.is_ident("serialize") {
                            found = Some(inner.value()?.parse::<LitStr>()?.value());
                        } else {
                            skip_value(&inner)?;
                        }
                        Ok(())
                    })?;
                }
            } else {
                skip_value(&meta)?;
            }
            Ok(())
        });
    }
    found
}

fn skip_value(meta: &ParseNestedMeta<'_>) -> syn::Result<()> {
    while !meta.input.is_empty() && !meta.input.peek(Token![,]) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}
