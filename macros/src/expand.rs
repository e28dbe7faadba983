//! Writes `impl Versioned`. Every method is `#[inline]`, so its machine
//! code is generated only in crates that call it (as serde's generic
//! impls are), not in every crate that derives. Every path is absolute (the runtime's
//! `__private` re-exports), so the impl compiles under
//! `#![no_implicit_prelude]` and beside user items of any name.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, Type};

use crate::ast::{Merge, Resource};

pub fn derive(resource: &Resource<'_>) -> TokenStream {
    let krate = &resource.krate;
    let p = quote!(#krate::__private);
    let ident = resource.ident;
    let generics = with_field_bounds(resource, &p);
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    let name = &resource.name;
    let (id, id_ty, id_wire) = (resource.id.member, resource.id.ty, &resource.id.wire);
    let (version, version_ty, version_wire) = (
        resource.version.member,
        resource.version.ty,
        &resource.version.wire,
    );
    let fields = resource.compared.iter().map(|f| {
        let (wire, sensitive) = (&f.wire, f.sensitive);
        let merge = match f.merge {
            Merge::Plain => quote!(Plain),
            Merge::Text => quote!(Text),
            Merge::Set => quote!(Set),
            Merge::Counter(bounds) => {
                let (min, max) = (option(&p, bounds.min), option(&p, bounds.max));
                quote!(Counter { min: #min, max: #max })
            }
        };
        let group = option(&p, f.group.as_ref());
        quote!(#p::Field { name: #wire, sensitive: #sensitive, merge: #p::MergeKind::#merge, group: #group })
    });
    let history = resource
        .history
        .map(|depth| quote!(const HISTORY: usize = #depth;));
    // Only emitted where there are some: the trait's default is empty.
    let skipped = (!resource.skipped.is_empty()).then(|| {
        let names = resource.skipped.iter().map(|f| &f.wire);
        quote!(const SKIPPED: &'static [&'static str] = &[#(#names),*];)
    });
    let columns = [&resource.id, &resource.version]
        .into_iter()
        .chain(&resource.compared)
        .chain(&resource.skipped)
        .map(|f| {
            let (wire, column) = (&f.wire, &f.column);
            quote!((#wire, #column))
        });
    // The version field's type must be one optimist counts with: the
    // trait's bound on `VersionField`, spanned at the field's type, puts a
    // wrong one's error there, once (with the `on_unimplemented` message),
    // and accepts any alias.
    let version_field = quote_spanned!(version_ty.span()=> type VersionField = #version_ty;);
    let diff = diff(resource, &p);
    let merge = resource.history.is_some().then(|| merge(resource, &p));
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::Versioned for #ident #ty_generics #where_clause {
            type Id = #id_ty;
            #version_field
            const RESOURCE: &'static str = #name;
            const ID_FIELD: &'static str = #id_wire;
            const VERSION_FIELD: &'static str = #version_wire;
            const FIELDS: &'static [#p::Field] = &[#(#fields),*];
            #skipped
            #history
            const COLUMNS: &'static [(&'static str, &'static str)] = &[#(#columns),*];

            #[inline]
            fn id(&self) -> &Self::Id {
                &self.#id
            }

            #[inline]
            fn version(&self) -> #p::Option<#p::Version> {
                #p::version_of::<Self>(&self.#version)
            }

            #[inline]
            fn set_version(&mut self, version: #p::Version) -> #p::Result<(), #p::VersionOverflow> {
                #p::set_version_field::<Self>(&mut self.#version, version)
            }

            #diff
            #merge
        }
    }
}

/// Compared fields whose type names a type parameter need
/// `PartialEq` and `Serialize` for that parameter: say so in the where
/// clause, as serde does for `Serialize`.
fn with_field_bounds(resource: &Resource<'_>, p: &TokenStream) -> syn::Generics {
    let mut generics = resource.generics.clone();
    if generics.type_params().next().is_none() {
        return generics;
    }
    let params: Vec<_> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(t) => Some(t.ident.clone()),
            _ => None,
        })
        .collect();
    let bounded: Vec<(&Type, bool, Merge)> = resource
        .compared
        .iter()
        .map(|f| (f.ty, f.sensitive, f.merge))
        .filter(|(ty, ..)| mentions(ty.to_token_stream(), &params))
        .collect();
    let version_ty = resource.version.ty;
    let clause = generics.make_where_clause();
    // A version field of a parameter's type (`version: V`) needs `V` to be
    // a version type; say so, as for the compared fields.
    if mentions(version_ty.to_token_stream(), &params) {
        clause
            .predicates
            .push(syn::parse_quote!(#version_ty: #p::VersionRepr));
    }
    for (ty, sensitive, merge) in bounded {
        // A resource with history merges by copying values (`Clone`), reads
        // the kept ones of the fields it keeps, and merges each by its kind.
        let clone = resource.history.map(|_| {
            let kept = (!sensitive).then(|| quote!(+ #p::DeserializeOwned));
            let kind = match merge {
                Merge::Plain => None,
                Merge::Text => Some(quote!(+ #p::Text)),
                Merge::Set => Some(quote!(+ #p::SetField)),
                Merge::Counter(_) => Some(quote!(+ #p::Counter)),
            };
            quote!(+ ::core::clone::Clone #kept #kind)
        });
        clause
            .predicates
            .push(syn::parse_quote!(#ty: ::core::cmp::PartialEq + #p::Serialize #clone));
    }
    generics
}

fn mentions(tokens: TokenStream, params: &[syn::Ident]) -> bool {
    tokens.into_iter().any(|tt| match tt {
        TokenTree::Ident(ident) => params.contains(&ident),
        TokenTree::Group(group) => mentions(group.stream(), params),
        _ => false,
    })
}

fn diff(resource: &Resource<'_>, p: &TokenStream) -> TokenStream {
    let changed = resource.compared.iter().map(|f| {
        let (member, ty) = (f.member, f.ty);
        // Spanned at the type: a missing `PartialEq` (or, where a conflict
        // may show the value, `Serialize`) is reported there.
        let ne = if f.sensitive {
            quote_spanned!(ty.span()=> #p::sensitive_ne::<#ty>)
        } else {
            quote_spanned!(ty.span()=> #p::field_ne::<#ty>)
        };
        quote!(#ne(&self.#member, &other.#member))
    });
    // One array of comparisons, not a branch per field: less for the
    // compiler to check in every deriving crate.
    quote! {
        #[inline]
        fn diff(&self, other: &Self) -> #p::FieldSet {
            #p::FieldSet::from_changed([#(#changed),*])
        }
    }
}

/// `Versioned::merge`: one call per compared field, its kind's method of
/// `ThreeWay`, spanned at the type so a wrong type's error is there.
fn merge(resource: &Resource<'_>, p: &TokenStream) -> TokenStream {
    let calls = resource.compared.iter().enumerate().map(|(index, f)| {
        let (member, ty) = (f.member, f.ty);
        let method = match f.merge {
            Merge::Plain => quote!(plain),
            Merge::Text => quote!(text),
            Merge::Set => quote!(set),
            Merge::Counter(_) => quote!(counter),
        };
        quote_spanned!(ty.span()=> #p::ThreeWay::#method::<#ty>(merge, #index, &mut self.#member, &current.#member);)
    });
    let calls: Vec<TokenStream> = calls.collect();
    // No compared field: nothing to merge, and nothing left unused.
    let unused = calls.is_empty().then(|| quote!(let _ = (current, merge);));
    let restored = resource.compared.iter().filter(|f| !f.sensitive).map(|f| {
        let (member, ty, wire) = (f.member, f.ty, &f.wire);
        quote_spanned!(ty.span()=> #p::field_at::<#ty>(&mut base.#member, revision, #wire)?;)
    });
    let restored: Vec<TokenStream> = restored.collect();
    let at_revision = if restored.is_empty() {
        quote! {
            let _ = revision;
            #p::Option::Some(#p::Clone::clone(self))
        }
    } else {
        quote! {
            let mut base = #p::Clone::clone(self);
            #(#restored)*
            #p::Option::Some(base)
        }
    };
    quote! {
        #[inline]
        fn merge(&mut self, current: &Self, merge: &mut #p::ThreeWay<'_>) {
            #unused
            #(#calls)*
        }

        #[inline]
        fn at_revision(&self, revision: &#p::Revision) -> #p::Option<Self> {
            #at_revision
        }
    }
}

/// `Option::Some(value)` or `Option::None`, by absolute path.
fn option(p: &TokenStream, value: Option<impl ToTokens>) -> TokenStream {
    value.map_or_else(
        || quote!(#p::Option::None),
        |value| quote!(#p::Option::Some(#value)),
    )
}
