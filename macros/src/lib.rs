//! `#[derive(Versioned)]` for [optimist](https://docs.rs/optimist).
//!
//! Use it through the `optimist` crate (`use optimist::Versioned;`), which
//! re-exports it next to the trait it implements. The macro is a pipeline:
//! `ast` reads the struct and its attributes and checks them, collecting
//! every mistake; `expand` writes the `impl`.

mod ast;
mod attr;
mod case;
mod expand;

use proc_macro::TokenStream;

/// Implements `optimist::Versioned` for a struct with named fields.
///
/// Field attributes: `#[versioned(id)]`, `#[versioned(version)]` (default:
/// the fields named `id` and `version`), `#[versioned(sensitive)]`,
/// `#[versioned(skip)]`. Container attributes:
/// `#[versioned(resource = "User")]`, `#[versioned(crate = "path")]`.
/// See the trait's documentation in `optimist`.
#[proc_macro_derive(Versioned, attributes(versioned))]
pub fn derive_versioned(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    match ast::Resource::from_input(&input) {
        Ok(resource) => expand::derive(&resource).into(),
        Err(errors) => errors.into_compile_error().into(),
    }
}
