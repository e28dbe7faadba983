//! `/openapi.json`: the OpenAPI 3.1 document of the docs service. The
//! problem responses come from optimist's `utoipa` feature.

#![allow(dead_code)] // the types below exist to describe responses

use std::sync::LazyLock;

use actix_web::HttpResponse;
use optimist::openapi::{Conflict, EditConflictProblem, FieldConflict, Problem};
use utoipa::{IntoResponses, OpenApi, ToSchema};

use crate::model::{DocPatch, DocView, NewDoc, PutDoc, Revision};

/// A 409 for a stale write, with a link to the revisions to merge from.
#[derive(ToSchema)]
pub struct DocConflictProblem {
    /// The members every edit conflict has.
    #[serde(flatten)]
    conflict: EditConflictProblem,
    /// `/api/docs/{id}/revisions?from={yourVersion}&to={currentVersion}`
    /// (edit conflicts).
    #[schema(required = false)]
    revisions: String,
}

/// A stale write: the fields changed since the request's version, and
/// where to read the revisions in between.
#[derive(IntoResponses)]
#[response(status = 409, content_type = "application/problem+json", headers(("ETag" = String, description = "The strong entity tag of the current version")))]
pub struct EditConflict(#[to_schema] DocConflictProblem);

#[derive(OpenApi)]
#[openapi(
    info(title = "optimist docs", description = "A conflict-aware wiki: optimistic concurrency with ETags, field-level conflicts and merges, a bounded revision history, RFC 9457 problems."),
    paths(crate::routes::list, crate::routes::create, crate::routes::get, crate::routes::put,
        crate::routes::patch, crate::routes::delete, crate::routes::revisions, crate::routes::revision),
    components(schemas(DocView, NewDoc, PutDoc, DocPatch, Revision, Problem, EditConflictProblem, DocConflictProblem, Conflict, FieldConflict)),
    tags((name = "docs", description = "Documents and their revisions"))
)]
struct ApiDoc;

static DOCUMENT: LazyLock<String> = LazyLock::new(optimist_example_kit::schema::document::<ApiDoc>);

/// `GET /openapi.json`.
pub async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.as_str())
}
