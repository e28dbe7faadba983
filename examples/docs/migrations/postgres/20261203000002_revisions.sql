-- The triggers that keep doc_revisions, in this database's dialect.
CREATE FUNCTION docs_keep_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.version <> OLD.version THEN
        INSERT INTO doc_revisions (doc, version, title, body)
            VALUES (OLD.id, OLD.version, OLD.title, OLD.body);
        DELETE FROM doc_revisions WHERE doc = OLD.id AND version < NEW.version - 20;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER docs_keep_revision AFTER UPDATE ON docs
    FOR EACH ROW EXECUTE FUNCTION docs_keep_revision();

CREATE FUNCTION docs_forget_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM doc_revisions WHERE doc = OLD.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER docs_forget_revisions AFTER DELETE ON docs
    FOR EACH ROW EXECUTE FUNCTION docs_forget_revisions();
