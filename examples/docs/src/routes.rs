//! The handlers. Each is a few lines: optimist decides, actix-web serves.

use actix_web::web;
use optimist::actix_web::{Deferred, Json, MergePatch, Path, WithKey};
use optimist::openapi::{
    AlreadyExists, BadInput, Created, Found, KeyedWrite, NotFound, NotModified, PreconditionFailed,
    PreconditionRequired, ReadConditions, Unavailable, WriteConditions,
};
use optimist::store::TableStore;
use optimist::{Collection, Error, Listed, PageRequest, Preconditions, Receipt, Tagged};
use optimist_example_kit::id::{IdParam, PageParams};
use serde::Deserialize;

use crate::model::{Doc, DocView, NewDoc, PutDoc, Revision};
use crate::openapi::EditConflict;

/// What a read of one document answers: the document with its `ETag`, or a problem.
pub type Answer = Result<Tagged<DocView>, Error>;

/// What a write answers: the answer it stored with its `Idempotency-Key`
/// (or, without one, just its answer), or a problem.
pub type Written = Result<Receipt, Error>;

/// What every handler shares: the documents, each with its history,
/// served under `/api/docs`.
pub struct App {
    /// The documents, under optimist's default policy: conditional writes
    /// required, stale writes merged, every false `If-Match` refused; each
    /// save validated. The store keeps each document's history.
    pub docs: Collection<Doc, TableStore<Doc>>,
}

type State = web::Data<App>;

/// A 409 for a stale write also links to the revisions between the
/// client's version and the current one, to merge from.
fn with_revisions_link(id: u64, error: Error) -> Error {
    match error {
        Error::Conflict(conflict) => {
            let link = format!(
                "/api/docs/{id}/revisions?from={}&to={}",
                conflict.your_version(),
                conflict.current_version()
            );
            Error::from(conflict.with_extension("revisions", link.into()))
        }
        other => other,
    }
}

/// A page of documents, with a `Link` to the next.
#[utoipa::path(get, path = "/api/docs", tag = "docs", params(PageParams),
    responses((status = 200, description = "A page of documents, in id order", body = [DocView],
        headers(("Link" = String, description = "`<…>; rel=\"next\"`: the next page, where one follows"))), BadInput, Unavailable))]
pub async fn list(
    app: State,
    page: web::Query<PageRequest<u64>>,
) -> Result<Listed<DocView>, Error> {
    app.docs.list(&page).await
}

/// Create a document: 201, or 409 where the id exists.
#[utoipa::path(post, path = "/api/docs", tag = "docs", request_body = NewDoc, params(KeyedWrite),
    responses(Created<DocView>, AlreadyExists, BadInput, Unavailable))]
pub async fn create(app: State, WithKey(key, Json(new)): WithKey<Json<NewDoc>>) -> Written {
    app.docs.keyed(key.as_ref()).post::<DocView>(&new).await
}

/// Read a document (GET or HEAD), with its `ETag`; 304 if `If-None-Match` names it.
#[utoipa::path(get, path = "/api/docs/{id}", tag = "docs", params(IdParam, ReadConditions),
    responses(Found<DocView>, NotModified, NotFound, PreconditionFailed, BadInput))]
pub async fn get(app: State, Path(id): Path<u64>, pre: Preconditions) -> Answer {
    app.docs.get(&id, &pre).await
}

/// Replace a document, based on `If-Match` or the body's `version`; `If-None-Match: *` creates.
#[utoipa::path(put, path = "/api/docs/{id}", tag = "docs", request_body = PutDoc,
    params(IdParam, WriteConditions, KeyedWrite),
    responses(Found<DocView>, Created<DocView>, EditConflict,
        PreconditionFailed, PreconditionRequired,
        NotFound, BadInput, Unavailable))]
pub async fn put(
    app: State,
    Path(id): Path<u64>,
    pre: Preconditions,
    body: Deferred<WithKey<Json<PutDoc>>>,
) -> Written {
    // A stale `If-Match` is refused before a byte of the body is read.
    let WithKey(key, Json(body)) = body.read_checked(&app.docs, &id, &pre).await?;
    let keyed = app.docs.keyed(key.as_ref());
    let put = keyed.put::<DocView>(&id, &pre, &body).await;
    put.map_err(|e| with_revisions_link(id, e))
}

/// Merge-patch a document; a stale patch that touches no field changed since its version is merged.
#[utoipa::path(patch, path = "/api/docs/{id}", tag = "docs",
    request_body(content = crate::model::DocPatch, content_type = "application/merge-patch+json",
        description = "A JSON merge patch (RFC 7396) of title, body or accessKey; `version` names the version it is based on"),
    params(IdParam, WriteConditions, KeyedWrite),
    responses(Found<DocView>, EditConflict, PreconditionFailed,
        PreconditionRequired, NotFound, BadInput,
        Unavailable))]
pub async fn patch(
    app: State,
    Path(id): Path<u64>,
    pre: Preconditions,
    body: Deferred<WithKey<MergePatch<Doc>>>,
) -> Written {
    let WithKey(key, MergePatch(patch)) = body.read_checked(&app.docs, &id, &pre).await?;
    let keyed = app.docs.keyed(key.as_ref());
    let patched = keyed.patch::<DocView>(&id, &pre, &patch).await;
    patched.map_err(|e| with_revisions_link(id, e))
}

/// Delete a document and its history, based on `If-Match`.
#[utoipa::path(delete, path = "/api/docs/{id}", tag = "docs",
    params(IdParam, WriteConditions, KeyedWrite),
    responses((status = 204, description = "Deleted"), PreconditionFailed,
        PreconditionRequired, NotFound, BadInput,
        Unavailable))]
pub async fn delete(
    app: State,
    Path(id): Path<u64>,
    pre: Preconditions,
    WithKey(key, ()): WithKey<()>,
) -> Written {
    app.docs.keyed(key.as_ref()).delete(&id, &pre).await
}

/// Which revisions to list: versions `from` to `to`, both included.
#[derive(Deserialize, Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Range {
    /// The first version to list (default: the oldest kept). After `to`,
    /// the range is empty.
    #[param(value_type = Option<u64>, maximum = 4_294_967_295_f64)]
    from: Option<u32>,
    /// The last version to list (default: the current one).
    #[param(value_type = Option<u64>, maximum = 4_294_967_295_f64)]
    to: Option<u32>,
}

/// The kept revisions, oldest first, ending with the current version. The
/// `ETag` is the document's: the list changes only when the document does.
#[utoipa::path(get, path = "/api/docs/{id}/revisions", tag = "docs",
    params(IdParam, Range, ReadConditions),
    responses((status = 200, description = "The revisions in the range", body = [Revision],
        headers(("ETag" = String, description = "The document's current entity tag"))),
        NotModified, PreconditionFailed, NotFound, BadInput))]
pub async fn revisions(
    app: State,
    Path(id): Path<u64>,
    range: web::Query<Range>,
    pre: Preconditions,
) -> Result<Tagged<Vec<Revision>>, Error> {
    // A range whose `from` is after its `to` holds no version: empty.
    let (from, to) = (range.from.unwrap_or(0), range.to.unwrap_or(u32::MAX));
    let doc = app.docs.read(&id, &pre).await?;
    let revisions = crate::revisions::between(&app, doc.value(), from, to).await?;
    Ok(app.docs.tagged(&doc, revisions))
}

/// One revision; its `ETag` is that of the version it records.
#[utoipa::path(get, path = "/api/docs/{id}/revisions/{version}", tag = "docs",
    params(IdParam, ("version" = String, Path, pattern = "^0*[1-9][0-9]{0,8}$", description = "The version")),
    responses((status = 200, description = "The document's text at that version", body = Revision,
        headers(("ETag" = String, description = "The entity tag of that version"))),
        NotFound, BadInput))]
pub async fn revision(
    app: State,
    Path((id, version)): Path<(u64, u32)>,
) -> Result<Tagged<Revision>, Error> {
    let doc = app.docs.read(&id, &Preconditions::default()).await?;
    let revision = crate::revisions::at(&app, doc.value(), version)
        .await?
        .ok_or_else(|| Error::not_found("Revision", &format_args!("{version} of Doc {id}")))?;
    let tag = optimist::Version::new(u64::from(revision.version))
        .unwrap_or_else(|| unreachable!("stored versions start at 1"));
    Ok(Tagged::at(tag, revision))
}
