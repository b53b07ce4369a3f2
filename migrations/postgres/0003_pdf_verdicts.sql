-- PostgreSQL form of migrations/0003_pdf_verdicts.sql: what was found in each invoice PDF,
-- remembered until the file changes.

CREATE TABLE pdf_verdicts (
    path        TEXT PRIMARY KEY NOT NULL,
    size        BIGINT NOT NULL,
    modified_ns BIGINT NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('LISIBLE', 'ILLISIBLE', 'TROP_VOLUMINEUX')),
    pages       BIGINT NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
);
