-- The users, one column per field. `version` and `optimist_stamps` are
-- what optimist's table store adds to a table: the version a row is at,
-- and the version at which each field last changed.
CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    -- An Argon2id hash (a PHC string), never the password as sent.
    password_hash TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    optimist_stamps TEXT
);
