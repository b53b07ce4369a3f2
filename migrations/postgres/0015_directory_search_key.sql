-- PostgreSQL form of migrations/0015_directory_search_key.sql: the directory's folded
-- search key and French sort key, computed in Rust (model::french_text) when a structure
-- is written; rows written before are keyed when the base is opened.
ALTER TABLE directory_structures ADD COLUMN search_key TEXT;
-- SQLite's BLOB.
ALTER TABLE directory_structures ADD COLUMN name_sort_key BYTEA;

-- Finds the rows still to key without reading the whole table at every start.
CREATE INDEX directory_structures_unkeyed ON directory_structures (identifier)
    WHERE search_key IS NULL;
