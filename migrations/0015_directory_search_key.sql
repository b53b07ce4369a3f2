-- The directory tab's search ignores case and accents (« region bretagne » finds
-- « Région Bretagne ») and sorts names in French order. Both keys are computed in Rust
-- (model::french_text) when a structure is written; the rows written before this
-- migration are keyed when the database is opened (store::directory::key_unkeyed_structures).
ALTER TABLE directory_structures ADD COLUMN search_key TEXT;
ALTER TABLE directory_structures ADD COLUMN name_sort_key BLOB;

-- Finds the rows still to key without reading the whole table at every start.
CREATE INDEX directory_structures_unkeyed ON directory_structures (identifier)
    WHERE search_key IS NULL;
