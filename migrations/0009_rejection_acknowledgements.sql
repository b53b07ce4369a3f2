-- An invoice rejected by Chorus Pro at integration (flux_errors) stays among the invoices
-- to correct until the clerk says it is corrected: then it may be deposited again.
CREATE TABLE rejection_acknowledgements (
    flux_error_id INTEGER PRIMARY KEY REFERENCES flux_errors(id),
    at            TEXT NOT NULL
);
