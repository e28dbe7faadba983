//! The document resource, its revisions and the request bodies.

use optimist::{Creation, Error, Replacement, Version, Versioned};
use optimist_example_kit::schema::is_blank;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A document as stored, a row of `docs`: the current text, its tags and
/// likes, the source it cites, and a write-only access key. optimist keeps its 21 latest
/// versions (`optimist_revisions`, written in the transaction of each
/// write), so a stale edit merges three ways: the text line by line, the
/// tags as a set, the likes as a counter, the source as one value.
#[derive(Versioned, Serialize, Deserialize, Clone, Debug)]
#[versioned(resource = "Doc", history = 21)]
#[serde(deny_unknown_fields)]
pub struct Doc {
    /// The id.
    pub id: u64,
    /// The version.
    pub version: u32,
    /// The title.
    pub title: String,
    /// The text: edits of different paragraphs merge.
    #[versioned(text)]
    pub body: String,
    /// The tags: additions and removals merge.
    #[versioned(set)]
    pub tags: Vec<String>,
    /// The likes: concurrent likes all count, up to 15 digits.
    #[versioned(counter(min = 0, max = 999_999_999_999_999))]
    #[serde(deserialize_with = "optimist::content::integer")]
    pub likes: u64,
    /// The title of the source the page cites. With its address, one
    /// group: a stale edit of either never mixes with another writer's.
    #[versioned(group = "source")]
    #[serde(rename = "sourceTitle")]
    pub source_title: String,
    /// The address of the source the page cites (see `source_title`).
    #[versioned(group = "source")]
    #[serde(rename = "sourceUrl")]
    pub source_url: String,
    /// The key of private share links: write-only, never shown.
    #[versioned(sensitive)]
    #[serde(rename = "accessKey")]
    pub access_key: String,
}

/// The text of a document at one version.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, ToSchema)]
pub struct Revision {
    /// The version this text had.
    pub version: u32,
    /// The title at that version.
    pub title: String,
    /// The text at that version.
    pub body: String,
    /// The tags at that version.
    pub tags: Vec<String>,
    /// The likes at that version.
    pub likes: u64,
    /// The source's title at that version (empty in versions kept before
    /// documents had sources).
    #[serde(rename = "sourceTitle", default)]
    pub source_title: String,
    /// The source's address at that version.
    #[serde(rename = "sourceUrl", default)]
    pub source_url: String,
}

impl Revision {
    /// The document's revision as optimist kept it.
    ///
    /// # Errors
    /// 503 where a kept revision does not read as a document's.
    pub fn of(kept: &optimist::Revision) -> Result<Revision, Error> {
        let mut fields = kept.fields().clone();
        fields.insert("version".into(), kept.version().get().into());
        serde_json::from_value(fields.into())
            .map_err(|e| Error::Unavailable(optimist::StoreError::new(e)))
    }
}

/// A document as the API returns it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, ToSchema)]
pub struct DocView {
    /// The id.
    pub id: u64,
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
    /// The tags.
    pub tags: Vec<String>,
    /// The likes.
    pub likes: u64,
    /// The title of the source the page cites (empty: none).
    #[serde(rename = "sourceTitle")]
    pub source_title: String,
    /// The address of that source.
    #[serde(rename = "sourceUrl")]
    pub source_url: String,
    /// The version: send it back in PUT or PATCH bodies, or use the `ETag`.
    pub version: u32,
}

impl optimist::View<Doc> for DocView {
    fn view(doc: &Doc) -> Self {
        DocView {
            id: doc.id,
            title: doc.title.clone(),
            body: doc.body.clone(),
            tags: doc.tags.clone(),
            likes: doc.likes,
            source_title: doc.source_title.clone(),
            source_url: doc.source_url.clone(),
            version: doc.version,
        }
    }
}

/// The body of `POST /api/docs`. The schema states every rule that
/// [`validate`] checks, so that any body it allows is accepted.
#[derive(Deserialize, Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDoc {
    /// The id, from 1 to 999999999999999 (15 digits: exact in every JSON
    /// parser, JavaScript's included); the service picks one when absent.
    #[schema(minimum = 1, maximum = 999_999_999_999_999_f64)]
    #[serde(default, deserialize_with = "optimist::content::optional_integer")]
    pub id: Option<u64>,
    /// The title.
    #[schema(schema_with = rule::title)]
    pub title: String,
    /// The text.
    #[schema(schema_with = rule::body)]
    pub body: String,
    /// The tags (default: none).
    #[serde(default)]
    #[schema(schema_with = rule::tags)]
    pub tags: Vec<String>,
    /// The likes (default: 0).
    #[serde(default, deserialize_with = "optimist::content::integer")]
    #[schema(minimum = 0, maximum = 999_999_999_999_999_f64)]
    pub likes: u64,
    /// The title of the source the page cites (default: none).
    #[serde(rename = "sourceTitle", default)]
    #[schema(schema_with = rule::source_title)]
    pub source_title: String,
    /// The address of that source (default: none).
    #[serde(rename = "sourceUrl", default)]
    #[schema(schema_with = rule::source_url)]
    pub source_url: String,
    /// The key of private share links.
    #[serde(rename = "accessKey")]
    #[schema(schema_with = rule::access_key)]
    pub access_key: String,
}

/// The body of `PUT /api/docs/{id}`: the whole document; the path names
/// the id.
#[derive(Deserialize, Debug, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutDoc {
    /// The id is the path's: it is read-only here, and a client that sends
    /// back the representation it read may leave it in. Another id is 422.
    #[schema(read_only, value_type = Option<u64>)]
    #[serde(default, deserialize_with = "optimist::content::optional_integer")]
    pub id: Option<u64>,
    /// The title.
    #[schema(schema_with = rule::title)]
    pub title: String,
    /// The text.
    #[schema(schema_with = rule::body)]
    pub body: String,
    /// The tags; absent (or `null`) keeps the current ones.
    #[serde(default)]
    #[schema(schema_with = rule::kept_tags)]
    pub tags: Option<Vec<String>>,
    /// The likes; absent (or `null`) keeps the current count.
    #[serde(default, deserialize_with = "optimist::content::optional_integer")]
    #[schema(value_type = Option<u64>, minimum = 0, maximum = 999_999_999_999_999_f64)]
    pub likes: Option<u64>,
    /// The source's title; absent (or `null`) keeps the current one.
    #[serde(rename = "sourceTitle", default)]
    #[schema(schema_with = rule::kept_source_title)]
    pub source_title: Option<String>,
    /// The source's address; absent (or `null`) keeps the current one.
    #[serde(rename = "sourceUrl", default)]
    #[schema(schema_with = rule::kept_source_url)]
    pub source_url: Option<String>,
    /// A new access key; absent (or `null`) keeps the current one.
    #[serde(rename = "accessKey")]
    #[schema(schema_with = rule::kept_access_key)]
    pub access_key: Option<String>,
    /// The version this replacement is based on (or send `If-Match`).
    #[schema(value_type = Option<u64>, minimum = 1)]
    pub version: Option<Version>,
}

/// The body of `PATCH /api/docs/{id}`, a JSON merge patch (RFC 7396): the
/// members to change. Only described, never built: the service reads
/// patches with [`optimist::ResourcePatch`].
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct DocPatch {
    /// The id is the path's: it is read-only here, and a client that sends
    /// back the representation it read may leave it in. Another id is 422.
    #[schema(read_only, value_type = Option<u64>)]
    id: Option<u64>,
    /// A new title.
    #[schema(schema_with = rule::title)]
    #[serde(default)]
    title: Option<String>,
    /// A new text.
    #[schema(schema_with = rule::body)]
    #[serde(default)]
    body: Option<String>,
    /// New tags.
    #[schema(schema_with = rule::tags)]
    #[serde(default)]
    tags: Option<Vec<String>>,
    /// A new count of likes (not `null`: the count cannot be removed).
    #[schema(value_type = u64, required = false, minimum = 0, maximum = 999_999_999_999_999_f64)]
    #[serde(default)]
    likes: Option<u64>,
    /// A new title of the source (not `null`: empty for none).
    #[serde(rename = "sourceTitle", default)]
    #[schema(schema_with = rule::source_title)]
    source_title: Option<String>,
    /// A new address of the source (not `null`: empty for none).
    #[serde(rename = "sourceUrl", default)]
    #[schema(schema_with = rule::source_url)]
    source_url: Option<String>,
    /// A new access key.
    #[serde(rename = "accessKey", default)]
    #[schema(schema_with = rule::access_key)]
    access_key: Option<String>,
    /// The version this patch is based on (or send `If-Match`).
    #[schema(value_type = Option<u64>, minimum = 1)]
    #[serde(default)]
    version: Option<u64>,
}

impl Creation<Doc> for NewDoc {
    fn id(&self) -> Option<u64> {
        self.id
    }

    /// The document at `id`, with no history yet.
    fn to_resource(&self, id: u64) -> Result<Doc, Error> {
        Ok(Doc {
            id,
            version: 0,
            title: self.title.clone(),
            body: self.body.clone(),
            tags: self.tags.clone(),
            likes: self.likes,
            source_title: self.source_title.clone(),
            source_url: self.source_url.clone(),
            access_key: self.access_key.clone(),
        })
    }
}

impl Replacement<Doc> for PutDoc {
    fn base(&self) -> Option<Version> {
        self.version
    }

    /// The requested state at `id`, from the current one (`None`: a create
    /// with `If-None-Match: *`, which must carry an access key). A body
    /// that names another id is refused by optimist (422).
    fn to_resource(&self, &id: &u64, current: Option<&Doc>) -> Result<Doc, Error> {
        let access_key = optimist::kept(
            self.access_key.as_ref(),
            current.map(|d| &d.access_key),
            "accessKey",
        )?;
        Ok(Doc {
            id: self.id.unwrap_or(id),
            version: current.map_or(0, |c| c.version),
            title: self.title.clone(),
            body: self.body.clone(),
            tags: kept_or_default(self.tags.as_ref(), current.map(|c| &c.tags)),
            likes: kept_or_default(self.likes.as_ref(), current.map(|c| &c.likes)),
            source_title: kept_or_default(
                self.source_title.as_ref(),
                current.map(|c| &c.source_title),
            ),
            source_url: kept_or_default(self.source_url.as_ref(), current.map(|c| &c.source_url)),
            access_key,
        })
    }
}

/// A field a replacement may leave out: `sent`, else the current value,
/// else (a create by PUT) the field's default.
fn kept_or_default<V: Clone + Default>(sent: Option<&V>, current: Option<&V>) -> V {
    sent.or(current).cloned().unwrap_or_default()
}

/// The rules of each field, stated once: [`validate`] checks them and the
/// OpenAPI schemas of the bodies say them (`schema_with`), so that any
/// body the document allows is accepted.
mod rule {
    use core::ops::RangeInclusive;

    use optimist_example_kit::schema::{NOT_BLANK, text};
    use utoipa::openapi::schema::SchemaType;
    use utoipa::openapi::{Object, Type};

    /// Characters in a title.
    pub const TITLE: RangeInclusive<usize> = 1..=200;
    /// Characters in a text.
    pub const BODY: RangeInclusive<usize> = 0..=1024 * 1024;
    /// Characters in an access key.
    pub const ACCESS_KEY: RangeInclusive<usize> = 8..=256;
    /// Characters in a tag.
    pub const TAG: RangeInclusive<usize> = 1..=40;
    /// Tags on a document.
    pub const TAGS: usize = 32;
    /// Likes of a document (15 digits: exact in every JSON parser).
    pub const LIKES: u64 = 999_999_999_999_999;
    /// Characters in a source's title.
    pub const SOURCE_TITLE: RangeInclusive<usize> = 0..=200;
    /// Characters in a source's address.
    pub const SOURCE_URL: RangeInclusive<usize> = 0..=2000;

    pub fn title() -> Object {
        text("1 to 200 characters, not all of them whitespace", &TITLE)
            .pattern(Some(NOT_BLANK))
            .build()
    }

    pub fn body() -> Object {
        text("at most 1048576 characters (1 MiB)", &BODY).build()
    }

    pub fn tags() -> utoipa::openapi::Array {
        utoipa::openapi::ArrayBuilder::new()
            .items(
                text("1 to 40 characters, not all of them whitespace", &TAG)
                    .pattern(Some(NOT_BLANK)),
            )
            .max_items(Some(TAGS))
            .unique_items(true)
            .description(Some("at most 32 distinct tags"))
            .build()
    }

    /// Tags in a replacement: `null` keeps the current ones.
    pub fn kept_tags() -> utoipa::openapi::Array {
        let mut tags = tags();
        tags.schema_type = SchemaType::from_iter([Type::Array, Type::Null]);
        tags
    }

    pub fn source_title() -> Object {
        text("at most 200 characters", &SOURCE_TITLE).build()
    }

    pub fn source_url() -> Object {
        text("at most 2000 characters", &SOURCE_URL).build()
    }

    /// A source's title in a replacement: `null` keeps the current one.
    pub fn kept_source_title() -> Object {
        kept(source_title())
    }

    /// A source's address in a replacement: `null` keeps the current one.
    pub fn kept_source_url() -> Object {
        kept(source_url())
    }

    /// `text`, or `null` for "keep the current value".
    fn kept(mut text: Object) -> Object {
        text.schema_type = SchemaType::from_iter([Type::String, Type::Null]);
        text
    }

    pub fn access_key() -> Object {
        text("8 to 256 characters", &ACCESS_KEY).build()
    }

    /// An access key in a replacement: `null` keeps the current one.
    pub fn kept_access_key() -> Object {
        text(
            "8 to 256 characters; `null` keeps the current one",
            &ACCESS_KEY,
        )
        .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
        .build()
    }
}

/// The rules every stored document meets, as the bodies' schemas state
/// them: what runs before every save.
///
/// # Errors
/// 422 for a broken rule.
pub fn validate(doc: &Doc) -> Result<(), Error> {
    let chars = |s: &str| s.chars().count();
    let problem = if let Some(problem) = optimist_example_kit::id::problem(doc.id) {
        problem
    } else if doc.title.chars().all(is_blank) {
        "`title` cannot be empty or only whitespace"
    } else if !rule::TITLE.contains(&chars(&doc.title)) {
        "`title` has at most 200 characters"
    } else if !rule::BODY.contains(&chars(&doc.body)) {
        "`body` has at most 1048576 characters"
    } else if !rule::ACCESS_KEY.contains(&chars(&doc.access_key)) {
        "`accessKey` has 8 to 256 characters"
    } else if !rule::SOURCE_TITLE.contains(&chars(&doc.source_title)) {
        "`sourceTitle` has at most 200 characters"
    } else if !rule::SOURCE_URL.contains(&chars(&doc.source_url)) {
        "`sourceUrl` has at most 2000 characters"
    } else if doc.likes > rule::LIKES {
        "`likes` has at most 15 digits"
    } else if doc.tags.len() > rule::TAGS {
        "`tags` holds at most 32 tags"
    } else if doc
        .tags
        .iter()
        .any(|t| t.chars().all(is_blank) || !rule::TAG.contains(&chars(t)))
    {
        "each tag has 1 to 40 characters, not all of them whitespace"
    } else if (1..doc.tags.len()).any(|i| doc.tags[..i].contains(&doc.tags[i])) {
        "`tags` holds each tag once"
    } else {
        return Ok(());
    };
    Err(Error::Unprocessable(problem.into()))
}
