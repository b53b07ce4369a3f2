-- Encrypted PDFs get their own verdict (issue 9: they once passed the check and were
-- embedded still encrypted). The table is a cache: it is rebuilt empty, every PDF is
-- examined again at the next check, so encrypted files already cached « LISIBLE » are
-- found out.

DROP TABLE pdf_verdicts;

CREATE TABLE pdf_verdicts (
    path        TEXT PRIMARY KEY NOT NULL,
    size        INTEGER NOT NULL,
    modified_ns INTEGER NOT NULL,
    verdict     TEXT NOT NULL
                CHECK (verdict IN ('LISIBLE', 'ILLISIBLE', 'TROP_VOLUMINEUX', 'PROTEGE')),
    pages       INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
