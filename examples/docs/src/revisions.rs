//! The revision history, as optimist keeps it: the 21 latest versions of
//! each document (`#[versioned(history = 21)]`), written in the
//! transaction of each write and forgotten with the document. Reads are
//! of the current version first, so a range never lists a version the
//! document has not reached.

use optimist::{Error, Store, Version};

use crate::model::{Doc, Revision};
use crate::routes::App;

/// The kept versions of `doc` from `from` to `to`, oldest first, ending
/// at the current one (which the caller read).
pub async fn between(app: &App, doc: &Doc, from: u32, to: u32) -> Result<Vec<Revision>, Error> {
    let to = to.min(doc.version);
    let (Some(from), Some(to)) = (
        Version::new(u64::from(from.max(1))),
        Version::new(u64::from(to)),
    ) else {
        return Ok(Vec::new());
    };
    let kept = app.docs.store().revisions(&doc.id, from, to).await?;
    kept.iter().map(Revision::of).collect()
}

/// The text of `doc` at `version`, where it is kept.
pub async fn at(app: &App, doc: &Doc, version: u32) -> Result<Option<Revision>, Error> {
    Ok(between(app, doc, version, version).await?.pop())
}
