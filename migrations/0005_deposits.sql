-- Deposits on Chorus Pro: every flux sent, and the journal that makes each invoice's
-- deposit happen exactly once (a row is written before the call, completed after it).

CREATE TABLE fluxes (
    id               INTEGER PRIMARY KEY,
    company_code     TEXT NOT NULL,
    -- LOT (one archive of several invoices) or SEQUENTIEL (one flux per invoice).
    mode             TEXT NOT NULL CHECK (mode IN ('LOT', 'SEQUENTIEL')),
    syntax           TEXT NOT NULL,
    name             TEXT NOT NULL DEFAULT '',
    file_path        TEXT NOT NULL,
    file_sha256      TEXT NOT NULL,
    file_size        INTEGER NOT NULL,
    invoice_count    INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    sent_at          TEXT,
    -- numeroFluxDepot given by Chorus Pro once the flux is accepted.
    flux_number      TEXT UNIQUE,
    -- GENERE, ENVOYE, A_VERIFIER, ECHEC; then Chorus's etatCourantDepotFlux in chorus_state.
    state            TEXT NOT NULL,
    chorus_state     TEXT NOT NULL DEFAULT '',
    error            TEXT NOT NULL DEFAULT ''
);

CREATE TABLE deposit_journal (
    id               INTEGER PRIMARY KEY,
    invoice_number   TEXT NOT NULL,
    flux_id          INTEGER NOT NULL REFERENCES fluxes(id),
    -- EN_COURS: written before the call. DEPOSEE: Chorus answered. A_VERIFIER: the
    -- outcome is unknown (timeout, dropped connection): never resent until Chorus shows
    -- it or enough time has passed. ECHEC: definitely not received: may be sent again.
    state            TEXT NOT NULL CHECK (state IN ('EN_COURS', 'DEPOSEE', 'A_VERIFIER', 'ECHEC')),
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    error            TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deposit_journal_by_invoice ON deposit_journal(invoice_number);
-- At most one deposit of an invoice that is not a definite failure.
CREATE UNIQUE INDEX deposit_journal_once ON deposit_journal(invoice_number)
    WHERE state <> 'ECHEC';

-- The raw JSON of each exchange with Chorus Pro, secrets removed, for audit.
CREATE TABLE api_exchanges (
    id            INTEGER PRIMARY KEY,
    at            TEXT NOT NULL,
    route         TEXT NOT NULL,
    http_status   INTEGER,
    duration_ms   INTEGER NOT NULL,
    request_json  TEXT NOT NULL,
    response_json TEXT NOT NULL,
    error         TEXT NOT NULL DEFAULT ''
);
