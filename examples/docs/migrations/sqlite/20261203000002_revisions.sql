-- The triggers that keep doc_revisions, in this database's dialect.
CREATE TRIGGER docs_keep_revision AFTER UPDATE ON docs
WHEN NEW.version <> OLD.version
BEGIN
    INSERT INTO doc_revisions (doc, version, title, body)
        VALUES (OLD.id, OLD.version, OLD.title, OLD.body);
    DELETE FROM doc_revisions WHERE doc = OLD.id AND version < NEW.version - 20;
END;

CREATE TRIGGER docs_forget_revisions AFTER DELETE ON docs
BEGIN
    DELETE FROM doc_revisions WHERE doc = OLD.id;
END;
