-- What was found in each invoice PDF, remembered until the file changes
-- (another size or modification time), so that checks need not re-read every file.

CREATE TABLE pdf_verdicts (
    path        TEXT PRIMARY KEY NOT NULL,
    size        INTEGER NOT NULL,
    modified_ns INTEGER NOT NULL,
    verdict     TEXT NOT NULL CHECK (verdict IN ('LISIBLE', 'ILLISIBLE', 'TROP_VOLUMINEUX')),
    pages       INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
