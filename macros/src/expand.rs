//! Writes `impl Versioned`. Every method is `#[inline]`, so its machine
//! code is generated only in crates that call it (as serde's generic
//! impls are), not in every crate that derives. Every path is absolute (the runtime's
//! `__private` re-exports), so the impl compiles under
//! `#![no_implicit_prelude]` and beside user items of any name.

use proc_macro2::{TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{GenericParam, Type};

use crate::ast::{Field, Resource};

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
        quote!(#p::Field { name: #wire, sensitive: #sensitive })
    });
    // Only emitted where there are some: the trait's default is empty.
    let skipped = (!resource.skipped.is_empty()).then(|| {
        let names = &resource.skipped;
        quote!(const SKIPPED: &'static [&'static str] = &[#(#names),*];)
    });
    // The version field's type must be one optimist counts with: the
    // trait's bound on `VersionField`, spanned at the field's type, puts a
    // wrong one's error there, once (with the `on_unimplemented` message),
    // and accepts any alias.
    let version_field = quote_spanned!(version_ty.span()=> type VersionField = #version_ty;);
    let diff = diff(resource, &p);
    let field_json = field_json(resource, &p);
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
                self.#version = #p::version_field::<Self>(version)?;
                #p::Result::Ok(())
            }

            #diff
            #field_json
        }
    }
}

/// Compared fields whose type names a type parameter need
/// `PartialEq` and `Serialize` for that parameter: say so in the where
/// clause, as serde does for `Serialize`.
fn with_field_bounds(resource: &Resource<'_>, p: &TokenStream) -> syn::Generics {
    let mut generics = resource.generics.clone();
    let params: Vec<_> = generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(t) => Some(t.ident.clone()),
            _ => None,
        })
        .collect();
    let bounded: Vec<&Type> = resource
        .compared
        .iter()
        .map(|f| f.ty)
        .filter(|ty| mentions(ty.to_token_stream(), &params))
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
    for ty in bounded {
        clause
            .predicates
            .push(syn::parse_quote!(#ty: ::core::cmp::PartialEq + #p::Serialize));
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

fn indexed<'r, 'a>(resource: &'r Resource<'a>) -> impl Iterator<Item = (usize, &'r Field<'a>)> {
    resource.compared.iter().enumerate()
}

fn diff(resource: &Resource<'_>, p: &TokenStream) -> TokenStream {
    if resource.compared.is_empty() {
        return quote! {
            #[inline]
            fn diff(&self, _: &Self) -> #p::FieldSet {
                #p::FieldSet::new()
            }
        };
    }
    let checks = indexed(resource).map(|(i, f)| {
        let (member, ty) = (f.member, f.ty);
        // Spanned at the type: a missing `PartialEq` is reported there.
        let ne = quote_spanned!(ty.span()=> #p::field_ne::<#ty>);
        quote! {
            if #ne(&self.#member, &other.#member) {
                set.insert(#i);
            }
        }
    });
    quote! {
        #[inline]
            fn diff(&self, other: &Self) -> #p::FieldSet {
            let mut set = #p::FieldSet::new();
            #(#checks)*
            set
        }
    }
}

fn field_json(resource: &Resource<'_>, p: &TokenStream) -> TokenStream {
    let arms = indexed(resource)
        .filter(|(_, f)| !f.sensitive)
        .map(|(i, f)| {
            let (member, ty) = (f.member, f.ty);
            let to_json = quote_spanned!(ty.span()=> #p::to_json::<#ty>);
            quote! {
                #i => #p::Option::Some(#to_json(&self.#member)),
            }
        });
    quote! {
        #[inline]
            fn field_json(&self, index: usize) -> #p::Option<#p::Result<#p::Value, #p::JsonError>> {
            match index {
                #(#arms)*
                _ => #p::Option::None,
            }
        }
    }
}
