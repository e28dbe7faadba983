//! `#[derive(Versioned)]` for [optimist](https://docs.rs/optimist).
//!
//! Use it through the `optimist` crate (`use optimist::Versioned;`), which
//! re-exports it next to the trait it implements. The macro is a pipeline,
//! one module a stage, as `serde_derive`'s is: `ast` parses the struct and
//! its attributes (`attr`), `validate` decides each field's role and
//! checks what cannot work, `expand` writes the `impl`. Every stage
//! reports to one `ctxt::Ctxt`, so one compile shows every mistake.

mod ast;
mod attr;
mod case;
mod ctxt;
mod expand;
mod validate;

use proc_macro::TokenStream;

/// Implements `optimist::Versioned` for a struct with named fields.
///
/// Field attributes: `#[versioned(id)]`, `#[versioned(version)]` (default:
/// the fields named `id` and `version`), `#[versioned(sensitive)]`,
/// `#[versioned(skip)]`, `#[versioned(column = "name")]` (the column in a
/// table store; default: the field's name). Container attributes:
/// `#[versioned(resource = "User")]`, `#[versioned(crate = "path")]`.
/// See the trait's documentation in `optimist`.
#[proc_macro_derive(Versioned, attributes(versioned))]
pub fn derive_versioned(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    let cx = ctxt::Ctxt::default();
    let resource = validate::check(ast::Input::from_syn(&input, &cx), &cx);
    match (cx.finish(), resource) {
        (Ok(()), Some(resource)) => expand::derive(&resource).into(),
        (Err(errors), _) => errors.into_compile_error().into(),
        (Ok(()), None) => unreachable!("a resource that could not be built was reported"),
    }
}
