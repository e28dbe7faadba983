//! The error context every stage reports to. Mistakes are collected, never
//! returned early, so that one compile shows them all.

use std::cell::RefCell;

/// Collected errors, combined into one `compile_error!` list at the end.
#[derive(Default)]
pub struct Ctxt(RefCell<Option<syn::Error>>);

impl Ctxt {
    pub fn push(&self, error: syn::Error) {
        let mut all = self.0.borrow_mut();
        match &mut *all {
            Some(all) => all.combine(error),
            None => *all = Some(error),
        }
    }

    /// Every error reported, if any.
    pub fn finish(self) -> Result<(), syn::Error> {
        self.0.into_inner().map_or(Ok(()), Err)
    }
}
