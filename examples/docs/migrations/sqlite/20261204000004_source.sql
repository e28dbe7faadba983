-- The source a page cites: its title and its address, which only make
-- sense together (`#[versioned(group = "source")]`: a stale edit of one
-- never mixes with another writer's edit of the other).
ALTER TABLE docs ADD COLUMN source_title TEXT NOT NULL DEFAULT '';
ALTER TABLE docs ADD COLUMN source_url TEXT NOT NULL DEFAULT '';
