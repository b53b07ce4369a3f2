-- What each synchronisation with Chorus Pro found, so the window can show "what changed
-- since the last look"; and the indexes the sync's batch queries need.

CREATE TABLE sync_runs (
    id               INTEGER PRIMARY KEY,
    started_at       TEXT NOT NULL,
    finished_at      TEXT NOT NULL DEFAULT '',
    fluxes_checked   INTEGER NOT NULL DEFAULT 0,
    invoices_learnt  INTEGER NOT NULL DEFAULT 0,
    statuses_changed INTEGER NOT NULL DEFAULT 0,
    -- Transient errors reported (a flux or an invoice left for the next sync).
    errors           INTEGER NOT NULL DEFAULT 0,
    cancelled        INTEGER NOT NULL DEFAULT 0
);

-- One row per invoice and change seen by a sync.
CREATE TABLE sync_changes (
    id             INTEGER PRIMARY KEY,
    run_id         INTEGER NOT NULL REFERENCES sync_runs(id),
    invoice_number TEXT NOT NULL,
    -- STATUT (new Chorus status), REJET_FLUX (not integrated: back to correct),
    -- IDENTIFIANT (identifiantFactureCPP learnt).
    kind           TEXT NOT NULL,
    old_status     TEXT NOT NULL DEFAULT '',
    new_status     TEXT NOT NULL DEFAULT '',
    at             TEXT NOT NULL DEFAULT '',
    comment        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_changes_by_run ON sync_changes(run_id);
CREATE INDEX sync_changes_by_invoice ON sync_changes(invoice_number);

CREATE INDEX deposit_journal_by_flux ON deposit_journal(flux_id);
CREATE INDEX chorus_invoices_by_flux ON chorus_invoices(flux_id);
CREATE INDEX flux_errors_by_flux ON flux_errors(flux_id);
