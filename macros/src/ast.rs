//! The struct as the derive sees it, checked: one id, one version of an
//! integer type, and what every other field is.

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Token, Type};

use crate::attr::{ContainerAttrs, Errors, FieldAttrs, serde_rename, serde_rename_all};
use crate::case;

pub struct Resource<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub name: String,
    pub krate: syn::Path,
    pub id: Field<'a>,
    pub version: Field<'a>,
    /// Compared fields, in declaration order: their index is their place.
    pub compared: Vec<Field<'a>>,
    /// Wire names of `skip` fields.
    pub skipped: Vec<String>,
}

pub struct Field<'a> {
    pub member: &'a Ident,
    pub ty: &'a Type,
    pub wire: String,
    pub sensitive: bool,
}

const VERSION_TYPES: &str = "`u32`, `u64`, `i32`, `i64` or `optimist::Version`";

impl<'a> Resource<'a> {
    pub fn from_input(input: &'a DeriveInput) -> syn::Result<Self> {
        let mut errors = Errors::default();
        let attrs = ContainerAttrs::parse(&input.attrs, &mut errors);
        let fields = named_fields(input, &mut errors);
        let rename_all = serde_rename_all(&input.attrs);
        let parsed: Vec<_> = fields
            .into_iter()
            .flatten()
            .map(|f| (f, FieldAttrs::parse(&f.attrs, &mut errors)))
            .collect();
        // A field merely named `id`/`version` is the id/version only where
        // no field is marked as such.
        let explicit_id = parsed.iter().any(|(_, a)| a.id.is_set());
        let explicit_version = parsed.iter().any(|(_, a)| a.version.is_set());
        let (mut id, mut version) = (None, None);
        // A field already reported (bad version type, clashing roles)
        // makes "no such field" noise, not news.
        let mut role_reported = false;
        let mut compared = Vec::new();
        let mut skipped = Vec::new();
        for (field, field_attrs) in &parsed {
            let Some(member) = field.ident.as_ref() else {
                continue;
            };
            role_reported |= check_combinations(field_attrs, &mut errors);
            let unraw = member.unraw().to_string();
            let wire = serde_rename(&field.attrs)
                .or_else(|| {
                    rename_all
                        .as_deref()
                        .and_then(|rule| case::rename(rule, &unraw))
                })
                .unwrap_or_else(|| unraw.clone());
            let model = Field {
                member,
                ty: &field.ty,
                wire,
                sensitive: field_attrs.sensitive.is_set(),
            };
            let span = |flag: &crate::attr::Once<()>| flag.span().unwrap_or_else(|| member.span());
            if field_attrs.skip.is_set() {
                skipped.push(model.wire);
                continue;
            }
            if field_attrs.id.is_set() || (!explicit_id && unraw == "id") {
                claim(&mut id, model, span(&field_attrs.id), "id", &mut errors);
            } else if field_attrs.version.is_set() || (!explicit_version && unraw == "version") {
                if is_version_type(model.ty) {
                    claim(
                        &mut version,
                        model,
                        span(&field_attrs.version),
                        "version",
                        &mut errors,
                    );
                } else {
                    role_reported = true;
                    errors.push(version_type_error(model.ty));
                }
            } else {
                compared.push(model);
            }
        }
        if fields.is_some() {
            if id.is_none() && !role_reported {
                errors.push(missing(input.ident.span(), "id", "u64"));
            }
            if version.is_none() && !role_reported {
                errors.push(missing(input.ident.span(), "version", "u32"));
            }
        }
        errors.finish()?;
        let (Some(id), Some(version)) = (id, version) else {
            unreachable!("a missing id or version was reported above")
        };
        Ok(Resource {
            ident: &input.ident,
            generics: &input.generics,
            name: attrs
                .resource
                .value
                .map_or_else(|| input.ident.unraw().to_string(), |(name, _)| name),
            krate: attrs
                .krate
                .value
                .map_or_else(|| syn::parse_quote!(::optimist), |(path, _)| path),
            id,
            version,
            compared,
            skipped,
        })
    }
}

fn claim<'a>(
    slot: &mut Option<Field<'a>>,
    field: Field<'a>,
    span: Span,
    role: &str,
    errors: &mut Errors,
) {
    if slot.is_some() {
        errors.push(syn::Error::new(
            span,
            format!("a second `#[versioned({role})]` field: a resource has exactly one {role} field; remove one of them"),
        ));
    } else {
        *slot = Some(field);
    }
}

/// The named fields; anything else is reported and gives `None`.
fn named_fields<'a>(
    input: &'a DeriveInput,
    errors: &mut Errors,
) -> Option<&'a Punctuated<syn::Field, Token![,]>> {
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Some(&named.named),
            Fields::Unnamed(unnamed) => {
                errors.push(syn::Error::new(
                    unnamed.paren_token.span.join(),
                    "`Versioned` needs named fields: write `struct Name { id: u64, version: u32, .. }`",
                ));
                None
            }
            Fields::Unit => {
                errors.push(syn::Error::new(
                    input.ident.span(),
                    "`Versioned` needs a struct with fields: add `{ id: u64, version: u32, .. }`",
                ));
                None
            }
        },
        Data::Enum(data) => {
            errors.push(syn::Error::new(
                data.enum_token.span,
                "`Versioned` can only be derived for a struct with named fields, not an enum: wrap the enum in a struct with `id` and `version` fields",
            ));
            None
        }
        Data::Union(data) => {
            errors.push(syn::Error::new(
                data.union_token.span,
                "`Versioned` can only be derived for a struct with named fields, not a union",
            ));
            None
        }
    }
}

/// Reports clashing flags on one field; `true` where there were any.
fn check_combinations(attrs: &FieldAttrs, errors: &mut Errors) -> bool {
    let mut clashed = false;
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
    for (first, second, message) in pairs {
        if let (Some(_), Some(span)) = (first.span(), second.span()) {
            errors.push(syn::Error::new(span, message));
            clashed = true;
        }
    }
    clashed
}

fn missing(span: Span, role: &str, example: &str) -> syn::Error {
    syn::Error::new(
        span,
        format!(
            "no {role} field: add a field `{role}: {example}` or mark one with `#[versioned({role})]`"
        ),
    )
}

fn is_version_type(ty: &Type) -> bool {
    let Type::Path(path) = ty else { return false };
    path.qself.is_none()
        && path.path.segments.last().is_some_and(|last| {
            last.arguments.is_empty()
                && ["u32", "u64", "i32", "i64", "Version"]
                    .iter()
                    .any(|t| last.ident == t)
        })
}

fn version_type_error(ty: &Type) -> syn::Error {
    syn::Error::new(
        ty.span(),
        format!(
            "the version field must be {VERSION_TYPES}: an integer that grows by one per write"
        ),
    )
}
