-- Tags and likes, and optimist's own revision history: a stale edit now
-- merges three ways from the version it was based on, which optimist
-- keeps in `optimist_revisions` in the transaction of each write. The
-- triggers' history moves there, and the triggers go.
ALTER TABLE docs ADD COLUMN tags JSON NOT NULL DEFAULT '[]';
ALTER TABLE docs ADD COLUMN likes BIGINT NOT NULL DEFAULT 0;

DROP TRIGGER docs_keep_revision;
DROP TRIGGER docs_forget_revisions;

CREATE TABLE IF NOT EXISTS optimist_revisions (name TEXT NOT NULL, id TEXT NOT NULL,
    version BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (name, id, version));

INSERT INTO optimist_revisions (name, id, version, body)
    SELECT 'docs', CAST(doc AS TEXT), version,
        json_object('id', doc, 'title', title, 'body', body, 'tags', json('[]'), 'likes', 0)
    FROM doc_revisions
    UNION ALL
    SELECT 'docs', CAST(id AS TEXT), version,
        json_object('id', id, 'title', title, 'body', body, 'tags', json(tags), 'likes', likes)
    FROM docs;

DROP TABLE doc_revisions;
