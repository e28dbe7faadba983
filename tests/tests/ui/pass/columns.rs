//! Columns follow the Rust names (raw identifiers unraw'd), whatever serde
//! calls the fields on the wire, unless `column` renames them.

use optimist::Versioned;

#[derive(Versioned, serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Article {
    #[versioned(column = "article_id")]
    id: u64,
    version: u32,
    r#type: String,
    display_title: String,
    #[versioned(skip)]
    updated_at: String,
}

fn main() {
    assert_eq!(
        Article::COLUMNS,
        [
            ("id", "article_id"),
            ("version", "version"),
            ("type", "type"),
            ("displayTitle", "display_title"),
            ("updatedAt", "updated_at"),
        ]
    );
}
