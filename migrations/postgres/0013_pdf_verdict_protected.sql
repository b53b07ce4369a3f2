-- PostgreSQL form of migrations/0013_pdf_verdict_protected.sql: encrypted PDFs get their
-- own verdict. The table is a cache, rebuilt empty: every PDF is examined again.

DROP TABLE pdf_verdicts;

CREATE TABLE pdf_verdicts (
    path        TEXT PRIMARY KEY NOT NULL,
    size        BIGINT NOT NULL,
    modified_ns BIGINT NOT NULL,
    verdict     TEXT NOT NULL
                CHECK (verdict IN ('LISIBLE', 'ILLISIBLE', 'TROP_VOLUMINEUX', 'PROTEGE')),
    pages       BIGINT NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
);
