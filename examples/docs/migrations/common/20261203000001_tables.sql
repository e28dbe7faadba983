-- The documents, one column per field; `version` and `optimist_stamps`
-- are what optimist's table store adds to a table.
CREATE TABLE docs (
    id BIGINT PRIMARY KEY,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    access_key TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    optimist_stamps TEXT
);

-- The 20 versions before each document's current one. The database keeps
-- them: an update's trigger records the text it replaces, in the same
-- statement as optimist's compare-and-swap, so no write can skip it.
CREATE TABLE doc_revisions (
    doc BIGINT NOT NULL,
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (doc, version)
);
