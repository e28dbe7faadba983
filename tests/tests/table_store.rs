//! The table store on an application's own table, on SQLite and
//! PostgreSQL: rows that were there before optimist, renamed columns,
//! columns the database fills, booleans, and the errors that name what a
//! table lacks.

mod common;

use optimist::store::{KeyedStore, TableStore};
use optimist::{Collection, Error, Preconditions, Tagged};
use serde::{Deserialize, Serialize};

#[derive(optimist::Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
struct Article {
    id: i64,
    version: i64,
    #[versioned(column = "headline")]
    title: String,
    published: bool,
    /// Filled by the table's `DEFAULT`: read, never written.
    #[versioned(skip)]
    #[serde(default)]
    created_by: String,
}

enum Db {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl Db {
    async fn both() -> Vec<Db> {
        let dir = std::env::temp_dir().join(format!("optimist-table-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}?mode=rwc", dir.join("articles.db").display());
        vec![
            Db::Sqlite(sqlx::SqlitePool::connect(&url).await.unwrap()),
            Db::Postgres(
                sqlx::PgPool::connect(&common::postgres_url())
                    .await
                    .unwrap(),
            ),
        ]
    }

    async fn run(&self, sql: String) {
        let sql = sqlx::AssertSqlSafe(sql);
        match self {
            Db::Sqlite(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
            Db::Postgres(p) => sqlx::raw_sql(sql).execute(p).await.map(drop),
        }
        .unwrap();
    }

    async fn store<T: optimist::Versioned>(
        &self,
        table: &str,
    ) -> Result<TableStore<T>, optimist::StoreError> {
        match self {
            Db::Sqlite(p) => TableStore::new(p.clone(), table).await,
            Db::Postgres(p) => TableStore::new(p.clone(), table).await,
        }
    }

    /// An application's table with a row in it, before optimist.
    async fn legacy_table(&self) -> String {
        let t = common::fresh_table();
        self.run(format!(
            "CREATE TABLE {t} (id BIGINT PRIMARY KEY, headline TEXT NOT NULL, published BOOLEAN NOT NULL, \
             created_by TEXT NOT NULL DEFAULT 'the database', notes TEXT);
             INSERT INTO {t} (id, headline, published, notes) VALUES (1, 'Old', FALSE, 'kept');"
        ))
        .await;
        t
    }
}

#[tokio::test]
async fn an_existing_table_becomes_conflict_aware() {
    for db in Db::both().await {
        let t = db.legacy_table().await;
        let refused = db
            .store::<Article>(&t)
            .await
            .err()
            .expect("no version column yet")
            .to_string();
        assert!(
            refused.contains("`version`, `optimist_stamps`") && refused.contains("ALTER TABLE"),
            "names the columns and the migration: {refused}"
        );
        db.run(TableStore::<Article>::migration(&t).unwrap()).await;
        let articles = Collection::new(db.store(&t).await.unwrap(), "/articles");
        let pre = Preconditions::default();

        let old: Tagged<Article> = articles.get(&1, &pre).await.unwrap();
        let response = old.to_response::<Vec<u8>>();
        assert_eq!(
            response.headers()["etag"],
            "\"v1\"",
            "existing rows start at version 1"
        );
        let old: Article = serde_json::from_slice(response.body()).unwrap();
        assert_eq!((old.title.as_str(), old.published), ("Old", false));
        assert_eq!(old.created_by, "the database");

        // A row written before optimist has no stamps: every field counts
        // as changed at its version, so a stale patch is refused, never
        // merged on a guess.
        db.run(format!("UPDATE {t} SET version = 3 WHERE id = 1"))
            .await;
        let patch =
            optimist::ResourcePatch::new(serde_json::json!({"published": true, "version": 2}))
                .unwrap();
        let refused = articles
            .patch::<Article>(&1, &pre, &patch)
            .await
            .unwrap_err();
        assert!(matches!(refused, Error::Conflict(_)), "{refused:?}");

        let edit = Article {
            title: "New".into(),
            published: true,
            version: 3,
            ..old.clone()
        };
        let put = articles.put::<Article>(&1, &pre, &edit).await.unwrap();
        assert_eq!(put.to_response::<Vec<u8>>().headers()["etag"], "\"v4\"");
        // Now stamped: a patch based on v3 of a field changed since is a
        // conflict; one of nothing changed since would merge.
        let stale = Article {
            published: false,
            ..edit.clone()
        };
        let refused = articles.put::<Article>(&1, &pre, &stale).await.unwrap_err();
        assert!(matches!(refused, Error::Conflict(_)), "{refused:?}");

        // Created at a new id: the database fills what the resource leaves.
        let new = Article {
            id: 2,
            version: 0,
            title: "Fresh".into(),
            published: true,
            created_by: String::new(),
        };
        articles.create::<Article>(new).await.unwrap();
        let fresh: Tagged<Article> = articles.get(&2, &pre).await.unwrap();
        let fresh: Article = serde_json::from_slice(fresh.to_response::<Vec<u8>>().body()).unwrap();
        assert_eq!(
            (fresh.created_by.as_str(), fresh.published),
            ("the database", true)
        );

        // The application's own column is the application's.
        let notes = match &db {
            Db::Sqlite(p) => {
                sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(format!(
                    "SELECT notes FROM {t} WHERE id = 1"
                )))
                .fetch_one(p)
                .await
            }
            Db::Postgres(p) => {
                sqlx::query_scalar::<_, Option<String>>(sqlx::AssertSqlSafe(format!(
                    "SELECT notes FROM {t} WHERE id = 1"
                )))
                .fetch_one(p)
                .await
            }
        }
        .unwrap();
        assert_eq!(notes.as_deref(), Some("kept"));
    }
}

#[tokio::test]
async fn a_missing_table_or_field_column_is_named() {
    for db in Db::both().await {
        let none = db
            .store::<Article>("no_such_table")
            .await
            .err()
            .unwrap()
            .to_string();
        assert!(none.contains("no table `no_such_table`"), "{none}");
        let t = common::fresh_table();
        db.run(format!(
            "CREATE TABLE {t} (id BIGINT PRIMARY KEY, version BIGINT NOT NULL, title TEXT, published BOOLEAN, \
             created_by TEXT, optimist_stamps TEXT)"
        ))
        .await;
        let missing = db.store::<Article>(&t).await.err().unwrap().to_string();
        assert!(missing.contains("no column `headline`"), "{missing}");
    }
}

/// Puts `$edit` and an audit row (`$what`) in one transaction begun by
/// `$begin`: whether it committed (the audit row may fail, and then the
/// transaction is rolled back).
macro_rules! audited_put {
    ($begin:expr, $articles:expr, $edit:expr, $audit:expr, $what:expr) => {{
        let tx = $articles
            .store()
            .transaction($begin.await.unwrap())
            .unwrap();
        let _: Tagged<Article> = $articles
            .with_store(&tx)
            .put(&1, &Preconditions::default(), &$edit)
            .await
            .unwrap();
        let mut tx = tx.into_inner();
        let audited = sqlx::query(sqlx::AssertSqlSafe($audit.to_owned()))
            .bind($what)
            .execute(&mut *tx)
            .await;
        if audited.is_ok() {
            tx.commit().await.unwrap();
            true
        } else {
            tx.rollback().await.unwrap();
            false
        }
    }};
}

/// The application's audit row and optimist's write commit together, and
/// roll back together: a failure after the write leaves neither.
#[tokio::test]
async fn an_audit_row_commits_and_rolls_back_with_the_write() {
    for db in Db::both().await {
        let t = db.legacy_table().await;
        db.run(TableStore::<Article>::migration(&t).unwrap()).await;
        let audit = format!("{t}_audit");
        db.run(format!(
            "CREATE TABLE {audit} (article BIGINT NOT NULL, what TEXT NOT NULL CHECK (what <> ''))"
        ))
        .await;
        let articles = Collection::new(db.store(&t).await.unwrap(), "/articles");
        let pre = Preconditions::default();
        let edit = |title: &str, version| Article {
            id: 1,
            version,
            title: title.into(),
            published: true,
            created_by: String::new(),
        };
        let insert_audit = format!("INSERT INTO {audit} (article, what) VALUES (1, $1)");
        let read_back = format!(
            "SELECT (SELECT headline FROM {t} WHERE id = 1), (SELECT COUNT(*) FROM {audit})"
        );

        // Committed: the new version and the audit row.
        // Rolled back by the audit row's own failure: neither.
        for (title, version, what, commits) in
            [("New", 1, "renamed", true), ("Newer", 2, "", false)]
        {
            let write = edit(title, version);
            let ok = match &db {
                Db::Sqlite(p) => audited_put!(
                    p.begin_with("BEGIN IMMEDIATE"),
                    articles,
                    write,
                    &insert_audit,
                    what
                ),
                Db::Postgres(p) => audited_put!(p.begin(), articles, write, &insert_audit, what),
            };
            assert_eq!(ok, commits, "{title}");
            let (headline, audited): (String, i64) = match &db {
                Db::Sqlite(p) => {
                    sqlx::query_as(sqlx::AssertSqlSafe(read_back.clone()))
                        .fetch_one(p)
                        .await
                }
                Db::Postgres(p) => {
                    sqlx::query_as(sqlx::AssertSqlSafe(read_back.clone()))
                        .fetch_one(p)
                        .await
                }
            }
            .unwrap();
            assert_eq!((headline.as_str(), audited), ("New", 1), "after {title}");
        }
        let now: Tagged<Article> = articles.get(&1, &pre).await.unwrap();
        assert_eq!(
            now.to_response::<Vec<u8>>().headers()["etag"],
            "\"v2\"",
            "the rolled-back bump is gone"
        );

        // A stale write inside a transaction is refused like any other.
        let Db::Postgres(p) = &db else { continue };
        let tx = articles
            .store()
            .transaction(p.begin().await.unwrap())
            .unwrap();
        let stale = articles
            .with_store(&tx)
            .put::<Article>(&1, &pre, &edit("Stale", 1))
            .await;
        assert!(matches!(stale, Err(Error::Conflict(_))), "{stale:?}");
    }
}

#[tokio::test]
async fn a_transaction_on_the_other_database_is_refused() {
    let dbs = Db::both().await;
    let (Db::Sqlite(sqlite), Db::Postgres(postgres)) = (&dbs[0], &dbs[1]) else {
        unreachable!()
    };
    let t = dbs[0].legacy_table().await;
    dbs[0]
        .run(TableStore::<Article>::migration(&t).unwrap())
        .await;
    let store = TableStore::<Article>::new(sqlite.clone(), &t)
        .await
        .unwrap();
    let refused = store
        .transaction(postgres.begin().await.unwrap())
        .err()
        .unwrap();
    assert!(
        refused.to_string().contains("another kind of database"),
        "{refused}"
    );
}

/// A unique or check constraint of the table is the client's problem,
/// named by its field: 409 or 422, never a 503, and nothing is written.
#[tokio::test]
async fn a_broken_rule_of_the_database_is_the_clients_problem() {
    for db in Db::both().await {
        let t = common::fresh_table();
        db.run(format!(
            "CREATE TABLE {t} (id BIGINT PRIMARY KEY, headline TEXT NOT NULL UNIQUE CHECK (headline <> ''), \
             published BOOLEAN NOT NULL, created_by TEXT NOT NULL DEFAULT 'db', \
             version BIGINT NOT NULL DEFAULT 1, optimist_stamps TEXT)"
        ))
        .await;
        let articles = Collection::new(db.store(&t).await.unwrap(), "/articles");
        let new = |id, title: &str| Article {
            id,
            version: 0,
            title: title.into(),
            published: true,
            created_by: String::new(),
        };
        articles.create::<Article>(new(1, "Hello")).await.unwrap();
        let taken = articles
            .create::<Article>(new(2, "Hello"))
            .await
            .unwrap_err();
        assert_eq!(
            (taken.status().as_u16(), taken.to_string()),
            (
                409,
                "`title` is taken: another resource has the same value".into()
            )
        );
        let empty = articles.create::<Article>(new(3, "")).await.unwrap_err();
        assert_eq!(
            (empty.status().as_u16(), empty.to_string()),
            (422, "`title` breaks a rule of the database".into())
        );
        let pre = Preconditions::default();
        let replaced = Article {
            version: 1,
            ..new(1, "")
        };
        let refused = articles
            .put::<Article>(&1, &pre, &replaced)
            .await
            .unwrap_err();
        assert_eq!(refused.status(), 422, "{refused}");
        let still: Tagged<Article> = articles.get(&1, &pre).await.unwrap();
        assert_eq!(still.to_response::<Vec<u8>>().headers()["etag"], "\"v1\"");
        for id in [2, 3] {
            assert_eq!(
                articles
                    .get::<Article>(&id, &pre)
                    .await
                    .unwrap_err()
                    .status(),
                404
            );
        }
    }
}

/// Ids the service picks follow the rows a table held before optimist.
#[tokio::test]
async fn picked_ids_follow_the_existing_rows() {
    use optimist::Store;
    for db in Db::both().await {
        let t = db.legacy_table().await;
        db.run(format!(
            "INSERT INTO {t} (id, headline, published) VALUES (2, 'b', TRUE), (3, 'c', TRUE)"
        ))
        .await;
        db.run(TableStore::<Article>::migration(&t).unwrap()).await;
        let store = db.store(&t).await.unwrap();
        assert_eq!(Store::<Article>::next_id(&store).await.unwrap(), 4);
    }
}

/// A resource other rows still refer to cannot be deleted: 409, and it
/// stays.
#[tokio::test]
async fn a_delete_blocked_by_a_foreign_key_is_a_conflict() {
    for db in Db::both().await {
        let t = db.legacy_table().await;
        db.run(TableStore::<Article>::migration(&t).unwrap()).await;
        db.run(format!(
            "CREATE TABLE {t}_comments (article BIGINT NOT NULL REFERENCES {t} (id));
             INSERT INTO {t}_comments VALUES (1);"
        ))
        .await;
        let articles = Collection::new(db.store(&t).await.unwrap(), "/articles");
        let pre = Preconditions::from_headers(&http_if_match("\"v1\"")).unwrap();
        let refused = articles.delete(&1, &pre).await.unwrap_err();
        assert_eq!(refused.status(), 409, "{refused}");
        let still: Tagged<Article> = articles.get(&1, &Preconditions::default()).await.unwrap();
        assert_eq!(still.to_response::<Vec<u8>>().headers()["etag"], "\"v1\"");
    }
}

fn http_if_match(tag: &str) -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::IF_MATCH, tag.parse().unwrap());
    headers
}

/// A write refused inside the caller's transaction (a broken constraint)
/// leaves the transaction usable: the handler may still write and commit.
#[tokio::test]
async fn a_refused_write_leaves_the_transaction_usable() {
    let dbs = Db::both().await;
    let Db::Postgres(pool) = &dbs[1] else {
        unreachable!()
    };
    let t = common::fresh_table();
    dbs[1]
        .run(format!(
            "CREATE TABLE {t} (id BIGINT PRIMARY KEY, headline TEXT NOT NULL CHECK (headline <> ''), \
             published BOOLEAN NOT NULL, created_by TEXT NOT NULL DEFAULT 'db', \
             version BIGINT NOT NULL DEFAULT 1, optimist_stamps TEXT);
             INSERT INTO {t} (id, headline, published) VALUES (1, 'Hello', TRUE);"
        ))
        .await;
    let articles = Collection::new(dbs[1].store(&t).await.unwrap(), "/articles");
    let tx = articles
        .store()
        .transaction(pool.begin().await.unwrap())
        .unwrap();
    let empty = Article {
        id: 1,
        version: 1,
        title: String::new(),
        published: true,
        created_by: String::new(),
    };
    let refused = articles
        .with_store(&tx)
        .put::<Article>(&1, &Preconditions::default(), &empty)
        .await
        .unwrap_err();
    assert_eq!(refused.status(), 422, "{refused}");
    let fine = Article {
        title: "Hi".into(),
        ..empty
    };
    let _: Tagged<Article> = articles
        .with_store(&tx)
        .put(&1, &Preconditions::default(), &fine)
        .await
        .unwrap();
    tx.into_inner().commit().await.unwrap();
    let now: Tagged<Article> = articles.get(&1, &Preconditions::default()).await.unwrap();
    assert_eq!(now.to_response::<Vec<u8>>().headers()["etag"], "\"v2\"");
}

#[derive(optimist::Versioned, Serialize, Deserialize, Clone, Debug, PartialEq)]
#[versioned(history = 3)]
struct Page {
    id: i64,
    version: i64,
    #[versioned(text)]
    body: String,
    #[versioned(counter)]
    likes: i64,
    #[versioned(sensitive)]
    secret: String,
}

#[tokio::test]
async fn the_history_commits_with_each_write_and_merges_stale_ones() {
    use optimist::{Basis, Policy, Store, Version};
    for db in Db::both().await {
        let t = common::fresh_table();
        db.run(format!(
            "CREATE TABLE {t} (id BIGINT PRIMARY KEY, body TEXT NOT NULL, likes BIGINT NOT NULL, secret TEXT NOT NULL);\n{}",
            TableStore::<Page>::migration(&t).unwrap()
        ))
        .await;
        let store: TableStore<Page> = db.store(&t).await.unwrap();
        let page = Page {
            id: 1,
            version: 0,
            body: "a\n\nb\n".into(),
            likes: 0,
            secret: "HIDDEN".into(),
        };
        optimist::create(&store, page.clone()).await.unwrap();
        let (pre, policy, v1) = (Preconditions::default(), Policy::default(), Version::new(1));
        let from_v1 = |body: &'static str, likes: i64| {
            let page = Page {
                version: 1,
                body: body.into(),
                likes,
                ..page.clone()
            };
            move |_: Option<&Page>| Ok(page.clone())
        };
        optimist::put(&store, &1, &pre, &policy, v1, from_v1("A\n\nb\n", 1))
            .await
            .unwrap();
        let merged = optimist::put(&store, &1, &pre, &policy, v1, from_v1("a\n\nB\n", 1))
            .await
            .unwrap();
        assert_eq!(
            (
                merged.stored.value().body.as_str(),
                merged.stored.value().likes
            ),
            ("A\n\nB\n", 2)
        );

        let v3 = Version::new(3).unwrap();
        let kept = store.revisions(&1, Version::FIRST, v3).await.unwrap();
        let versions: Vec<u64> = kept.iter().map(|r| r.version().get()).collect();
        assert_eq!(versions, [1, 2, 3]);
        assert_eq!(kept[2].get("body"), Some(&serde_json::json!("A\n\nB\n")));
        assert!(kept.iter().all(|r| r.get("secret").is_none()));

        // A fourth version pushes the first out: a write based on it is
        // judged by the stamps, and says so.
        optimist::put(
            &store,
            &1,
            &pre,
            &policy,
            Version::new(3),
            |c: Option<&Page>| {
                Ok(Page {
                    likes: 3,
                    version: 3,
                    ..c.unwrap().clone()
                })
            },
        )
        .await
        .unwrap();
        let kept = store
            .revisions(&1, Version::FIRST, Version::new(9).unwrap())
            .await
            .unwrap();
        assert_eq!(kept.first().map(|r| r.version().get()), Some(2));
        let Error::Conflict(conflict) =
            optimist::put(&store, &1, &pre, &policy, v1, from_v1("x\n\nb\n", 0))
                .await
                .unwrap_err()
        else {
            panic!("not a conflict")
        };
        assert_eq!(conflict.basis(), Some(Basis::Stamps));

        let now = optimist::read(&store, &1, &pre, &Policy::DEFAULT)
            .await
            .unwrap();
        let tag = format!("\"v{}\"", now.version());
        let pre = Preconditions::from_lines([tag.as_bytes()], []).unwrap();
        optimist::delete(&store, &1, &pre, &policy).await.unwrap();
        assert!(
            store
                .revisions(&1, Version::FIRST, Version::new(9).unwrap())
                .await
                .unwrap()
                .is_empty()
        );
    }
}

/// A migrated legacy table, its articles, an edit of article 1 and a key
/// (the table's name) for it.
struct Keyed {
    t: String,
    articles: Collection<Article, TableStore<Article>>,
    edit: Article,
    key: Option<optimist::Idempotency>,
}

impl Keyed {
    async fn on(db: &Db, title: &str) -> Keyed {
        let t = db.legacy_table().await;
        db.run(TableStore::<Article>::migration(&t).unwrap()).await;
        let articles = Collection::new(db.store(&t).await.unwrap(), "/articles");
        let edit = Article {
            id: 1,
            version: 1,
            title: title.into(),
            published: true,
            created_by: String::new(),
        };
        let mut headers = http::HeaderMap::new();
        headers.insert("idempotency-key", format!("\"{t}\"").parse().unwrap());
        let key = optimist::Idempotency::from_request(
            &headers,
            &http::Method::PUT,
            "/articles/1",
            title.as_bytes(),
        )
        .unwrap();
        Keyed {
            t,
            articles,
            edit,
            key,
        }
    }
}

/// A keyed write inside the application's transaction: its receipt rolls
/// back with it (the key is free again) and commits with it (a retry
/// then replays, with no new version).
#[tokio::test]
async fn a_keyed_write_keeps_its_receipt_in_the_applications_transaction() {
    for db in Db::both().await {
        let Keyed {
            t,
            articles,
            edit,
            key,
        } = Keyed::on(&db, "Keyed").await;
        let pre = Preconditions::default();
        for commit in [false, true] {
            macro_rules! keyed_in_tx {
                ($begin:expr) => {{
                    let tx = articles.store().transaction($begin.await.unwrap()).unwrap();
                    let answer = articles
                        .with_store(&tx)
                        .keyed(key.as_ref())
                        .put::<Article>(&1, &pre, &edit)
                        .await
                        .unwrap();
                    let tx = tx.into_inner();
                    if commit {
                        tx.commit().await
                    } else {
                        tx.rollback().await
                    }
                    .unwrap();
                    answer
                }};
            }
            let answer = match &db {
                Db::Sqlite(p) => keyed_in_tx!(p.begin_with("BEGIN IMMEDIATE")),
                Db::Postgres(p) => keyed_in_tx!(p.begin()),
            };
            assert_eq!(
                (answer.status, answer.etag.as_deref()),
                (200, Some("\"v2\""))
            );
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let kept = articles.store().receipt("", &t, now).await.unwrap();
            assert_eq!(
                kept.is_some(),
                commit,
                "the receipt went with the transaction"
            );
        }
        // Committed the second time: a retry replays, at version 2.
        let retry = articles
            .keyed(key.as_ref())
            .put::<Article>(&1, &pre, &edit)
            .await
            .unwrap();
        assert_eq!((retry.status, retry.etag.as_deref()), (200, Some("\"v2\"")));
        let now: Tagged<Article> = articles.get(&1, &pre).await.unwrap();
        assert_eq!(now.to_response::<Vec<u8>>().headers()["etag"], "\"v2\"");
    }
}

/// A duplicate of a keyed write that an open transaction holds waits a
/// bounded time on PostgreSQL, then is 409 `idempotency-key-in-flight`;
/// once the transaction commits, the duplicate replays its answer.
#[tokio::test]
async fn a_duplicate_of_a_write_in_flight_is_409_then_replays() {
    let Some(Db::Postgres(pool)) = Db::both().await.pop() else {
        panic!("PostgreSQL comes last")
    };
    let db = Db::Postgres(pool.clone());
    let Keyed {
        articles,
        edit,
        key,
        ..
    } = Keyed::on(&db, "In flight").await;
    let pre = Preconditions::default();
    let tx = articles
        .store()
        .transaction(pool.begin().await.unwrap())
        .unwrap();
    let first = articles
        .with_store(&tx)
        .keyed(key.as_ref())
        .put::<Article>(&1, &pre, &edit)
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let duplicate = articles
        .keyed(key.as_ref())
        .put::<Article>(&1, &pre, &edit)
        .await;
    let waited = started.elapsed();
    let refused = duplicate.unwrap_err();
    assert_eq!(refused.status(), 409, "{refused:?}");
    assert!(
        refused.to_string().contains("still being processed"),
        "{refused}"
    );
    assert!(
        waited < std::time::Duration::from_secs(10),
        "bounded: {waited:?}"
    );
    tx.into_inner().commit().await.unwrap();
    let replayed = articles
        .keyed(key.as_ref())
        .put::<Article>(&1, &pre, &edit)
        .await
        .unwrap();
    assert_eq!(replayed, first);
}
