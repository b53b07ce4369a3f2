-- PostgreSQL form of migrations/0012_einvoice_verdicts.sql: the EN 16931 verdicts cache,
-- one blob (layout in src/store/einvoice_verdicts.rs). The single row's id is fixed (1),
-- not generated: plain BIGINT. BLOB becomes BYTEA.
CREATE TABLE einvoice_verdicts (
    id       BIGINT PRIMARY KEY CHECK (id = 1),
    verdicts BYTEA NOT NULL
);
