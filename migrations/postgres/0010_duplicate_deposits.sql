-- PostgreSQL form of migrations/0010_duplicate_deposits.sql: invoices Chorus Pro already
-- holds (« la facture n° … a déjà été reçue de ce fournisseur »). Not a rejection to
-- correct: the invoice is live on Chorus Pro and the sync looks it up by its number.

-- The flux's error is kept but marked: it is not a rejection of the invoice (flag 0/1).
ALTER TABLE flux_errors ADD COLUMN duplicate BIGINT NOT NULL DEFAULT 0;

CREATE TABLE duplicate_deposits (
    -- The deposit whose copy Chorus Pro refused (its journal id: plain BIGINT).
    journal_id         BIGINT PRIMARY KEY REFERENCES deposit_journal(id),
    invoice_number     TEXT NOT NULL,
    flux_id            BIGINT NOT NULL REFERENCES fluxes(id),
    -- Chorus Pro's message, as its flux report gave it.
    message            TEXT NOT NULL,
    seen_at            TEXT NOT NULL,
    -- A_RECHERCHER: to look up by its number (again at each sync); TROUVEE: its
    -- identifiantFactureCPP is known (chorus_invoices) and it is followed.
    state              TEXT NOT NULL DEFAULT 'A_RECHERCHER'
                       CHECK (state IN ('A_RECHERCHER', 'TROUVEE')),
    -- numeroFluxDepot under which Chorus Pro knows the invoice, once found.
    chorus_flux_number TEXT NOT NULL DEFAULT '',
    -- What the last lookup said (French), and when.
    note               TEXT NOT NULL DEFAULT '',
    looked_up_at       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX duplicate_deposits_by_invoice ON duplicate_deposits(invoice_number);
