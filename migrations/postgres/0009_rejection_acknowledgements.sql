-- PostgreSQL form of migrations/0009_rejection_acknowledgements.sql: an invoice rejected by
-- Chorus Pro at integration stays among the invoices to correct until the clerk says it is
-- corrected. The key is the flux error's id, not a number of its own: plain BIGINT.
CREATE TABLE rejection_acknowledgements (
    flux_error_id BIGINT PRIMARY KEY REFERENCES flux_errors(id),
    at            TEXT NOT NULL
);
