//! The parse stage: the struct as the derive reads it, field by field,
//! with its attributes and wire names; and the checked model that
//! [`crate::validate`] makes of it for [`crate::expand`].

use proc_macro2::Span;
use syn::ext::IdentExt;
use syn::punctuated::Punctuated;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Token, Type};

use crate::attr::{Bounds, ContainerAttrs, FieldAttrs, serde_rename, serde_rename_all};
use crate::case;
use crate::ctxt::Ctxt;

/// The struct as parsed: nothing checked beyond the attributes' syntax.
pub struct Input<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub attrs: ContainerAttrs,
    /// The fields, or `None` where the item has no named fields (reported).
    pub fields: Option<Vec<ParsedField<'a>>>,
}

/// One named field, its attributes and its names.
pub struct ParsedField<'a> {
    pub field: Field<'a>,
    pub attrs: FieldAttrs,
    /// The Rust name without `r#`.
    pub name: String,
}

/// The checked resource: one id, one version, the compared fields.
pub struct Resource<'a> {
    pub ident: &'a Ident,
    pub generics: &'a Generics,
    pub name: String,
    pub krate: syn::Path,
    pub id: Field<'a>,
    pub version: Field<'a>,
    /// Compared fields, in declaration order: their index is their place.
    pub compared: Vec<Field<'a>>,
    /// `skip` fields: never compared.
    pub skipped: Vec<Field<'a>>,
    /// `history = N`, where set.
    pub history: Option<usize>,
}

/// How a stale write merges a field, from `text`, `set` or `counter`.
#[derive(Clone, Copy)]
pub enum Merge {
    Plain,
    Text,
    Counter(Bounds),
    Set,
}

pub struct Field<'a> {
    pub member: &'a Ident,
    pub ty: &'a Type,
    pub wire: String,
    /// Its column in a table store: the Rust name, or `column = ".."`.
    pub column: String,
    pub sensitive: bool,
    pub merge: Merge,
    pub group: Option<String>,
}

impl Field<'_> {
    pub fn span(&self) -> Span {
        self.member.span()
    }
}

impl<'a> Input<'a> {
    pub fn from_syn(input: &'a DeriveInput, cx: &Ctxt) -> Self {
        let attrs = ContainerAttrs::parse(&input.attrs, cx);
        let rename_all = serde_rename_all(&input.attrs);
        let fields = named_fields(input, cx).map(|named| {
            named
                .iter()
                .filter_map(|field| {
                    let member = field.ident.as_ref()?;
                    let field_attrs = FieldAttrs::parse(&field.attrs, cx);
                    let name = member.unraw().to_string();
                    let wire = serde_rename(&field.attrs)
                        .or_else(|| {
                            rename_all
                                .as_deref()
                                .and_then(|rule| case::rename(rule, &name))
                        })
                        .unwrap_or_else(|| name.clone());
                    let column = field_attrs
                        .column
                        .value
                        .as_ref()
                        .map_or_else(|| name.clone(), |(column, _)| column.clone());
                    let merge = if field_attrs.text.is_set() {
                        Merge::Text
                    } else if field_attrs.set.is_set() {
                        Merge::Set
                    } else if let Some((bounds, _)) = field_attrs.counter.value {
                        Merge::Counter(bounds)
                    } else {
                        Merge::Plain
                    };
                    let group = field_attrs.group.value.as_ref().map(|(g, _)| g.clone());
                    Some(ParsedField {
                        field: Field {
                            member,
                            ty: &field.ty,
                            wire,
                            column,
                            sensitive: field_attrs.sensitive.is_set(),
                            merge,
                            group,
                        },
                        attrs: field_attrs,
                        name,
                    })
                })
                .collect()
        });
        Input {
            ident: &input.ident,
            generics: &input.generics,
            attrs,
            fields,
        }
    }
}

/// The named fields; anything else is reported and gives `None`.
fn named_fields<'a>(
    input: &'a DeriveInput,
    cx: &Ctxt,
) -> Option<&'a Punctuated<syn::Field, Token![,]>> {
    match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Some(&named.named),
            Fields::Unnamed(unnamed) => {
                cx.push(syn::Error::new(
                    unnamed.paren_token.span.join(),
                    "`Versioned` needs named fields: write `struct Name { id: u64, version: u32, .. }`",
                ));
                None
            }
            Fields::Unit => {
                cx.push(syn::Error::new(
                    input.ident.span(),
                    "`Versioned` needs a struct with fields: add `{ id: u64, version: u32, .. }`",
                ));
                None
            }
        },
        Data::Enum(data) => {
            cx.push(syn::Error::new(
                data.enum_token.span,
                "`Versioned` can only be derived for a struct with named fields, not an enum: wrap the enum in a struct with `id` and `version` fields",
            ));
            None
        }
        Data::Union(data) => {
            cx.push(syn::Error::new(
                data.union_token.span,
                "`Versioned` can only be derived for a struct with named fields, not a union",
            ));
            None
        }
    }
}
