-- Invoices Chorus Pro already holds: a flux report refused this copy because « la facture
-- n° … a déjà été reçue de ce fournisseur » (a second database deposited it too, or it was
-- sent again after the « à vérifier » delay). Not a rejection to correct: the invoice is
-- live on Chorus Pro. Its deposit stays DEPOSEE (never sent again, never among the
-- anomalies) and the sync looks it up by its number until it knows its
-- identifiantFactureCPP, then follows it like any other invoice.

-- The flux's error is kept (it is what the flux report said) but marked: it is not a
-- rejection of the invoice.
ALTER TABLE flux_errors ADD COLUMN duplicate INTEGER NOT NULL DEFAULT 0;

CREATE TABLE duplicate_deposits (
    -- The deposit whose copy Chorus Pro refused.
    journal_id         INTEGER PRIMARY KEY REFERENCES deposit_journal(id),
    invoice_number     TEXT NOT NULL,
    flux_id            INTEGER NOT NULL REFERENCES fluxes(id),
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
