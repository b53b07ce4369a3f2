-- Following deposited invoices on Chorus Pro until payment (filled by the sync).

-- What Chorus Pro says of each deposited invoice, as last synchronised.
CREATE TABLE chorus_invoices (
    invoice_number       TEXT PRIMARY KEY,
    company_code         TEXT NOT NULL DEFAULT '',
    flux_id              INTEGER REFERENCES fluxes(id),
    flux_number          TEXT NOT NULL DEFAULT '',
    -- identifiantFactureCPP, learnt with rechercher/fournisseur.
    cpp_id               INTEGER,
    -- dateDepot as Chorus Pro gives it (YYYY-MM-DD), else the day the flux was accepted.
    deposited_on         TEXT NOT NULL DEFAULT '',
    -- Current Chorus code (DEPOSEE, MISE_A_DISPOSITION, …), kept as it comes, and when.
    status               TEXT NOT NULL DEFAULT '',
    status_at            TEXT NOT NULL DEFAULT '',
    -- The buyer's structure does not report payment (statutMiseEnPaiementNestPasRemonte):
    -- MANDATEE is then final.
    payment_not_reported INTEGER NOT NULL DEFAULT 0,
    is_final             INTEGER NOT NULL DEFAULT 0,
    synced_at            TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX chorus_invoices_by_cpp ON chorus_invoices(cpp_id) WHERE cpp_id IS NOT NULL;

-- The whole history of each invoice's statuses (consulter/historique), with the
-- recipient's comments.
CREATE TABLE status_history (
    id             INTEGER PRIMARY KEY,
    invoice_number TEXT NOT NULL,
    status         TEXT NOT NULL,
    at             TEXT NOT NULL,
    comment        TEXT NOT NULL DEFAULT '',
    UNIQUE (invoice_number, status, at)
);
CREATE INDEX status_history_by_invoice ON status_history(invoice_number);

-- The errors of a flux integrated partially or rejected (listeErreurDP of
-- consulterCRDetaille): each invoice named goes back to the invoices to correct.
CREATE TABLE flux_errors (
    id             INTEGER PRIMARY KEY,
    flux_id        INTEGER NOT NULL REFERENCES fluxes(id),
    invoice_number TEXT NOT NULL DEFAULT '',
    code           TEXT NOT NULL DEFAULT '',
    message        TEXT NOT NULL,
    at             TEXT NOT NULL
);
CREATE INDEX flux_errors_by_invoice ON flux_errors(invoice_number);
