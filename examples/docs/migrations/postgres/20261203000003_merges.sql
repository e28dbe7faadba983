-- Tags and likes, and optimist's own revision history: a stale edit now
-- merges three ways from the version it was based on, which optimist
-- keeps in `optimist_revisions` in the transaction of each write. The
-- triggers' history moves there, and the triggers go.
ALTER TABLE docs ADD COLUMN tags JSONB NOT NULL DEFAULT '[]';
ALTER TABLE docs ADD COLUMN likes BIGINT NOT NULL DEFAULT 0;

DROP TRIGGER docs_keep_revision ON docs;
DROP TRIGGER docs_forget_revisions ON docs;
DROP FUNCTION docs_keep_revision();
DROP FUNCTION docs_forget_revisions();

CREATE TABLE IF NOT EXISTS optimist_revisions (name TEXT NOT NULL, id TEXT NOT NULL,
    version BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (name, id, version));

INSERT INTO optimist_revisions (name, id, version, body)
    SELECT 'docs', doc::text, version,
        json_build_object('id', doc, 'title', title, 'body', body, 'tags', '[]'::json, 'likes', 0)::text
    FROM doc_revisions
    UNION ALL
    SELECT 'docs', id::text, version,
        json_build_object('id', id, 'title', title, 'body', body, 'tags', tags, 'likes', likes)::text
    FROM docs;

DROP TABLE doc_revisions;
