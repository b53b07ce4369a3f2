-- What the user did about invoices returned by Chorus Pro (à recycler, suspendue, rejetée).

-- Every action on an invoice (recycle, complete, mark for a credit note), for its
-- timeline. Written before the call to Chorus Pro (result EN_COURS), finished after it:
-- a crash in between leaves a visible « résultat inconnu ».
CREATE TABLE invoice_actions (
    id             INTEGER PRIMARY KEY,
    invoice_number TEXT NOT NULL,
    -- RECYCLER | COMPLETER | AVOIR_A_EMETTRE
    action         TEXT NOT NULL,
    at             TEXT NOT NULL,
    -- What was sent (new SIRET / service / engagement, attachment names, comment).
    detail         TEXT NOT NULL DEFAULT '',
    -- EN_COURS | OK | ERREUR
    result         TEXT NOT NULL DEFAULT 'EN_COURS',
    error          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX invoice_actions_by_invoice ON invoice_actions(invoice_number);

-- Rejected invoices to cancel with a credit note and invoice again, in the ERP.
CREATE TABLE credit_notes_due (
    invoice_number TEXT PRIMARY KEY,
    marked_at      TEXT NOT NULL,
    -- The recipient's reason, as known when the invoice was marked.
    reason         TEXT NOT NULL DEFAULT ''
);

-- The routing data an invoice was last recycled with: the form's starting point next time
-- (the ERP's values are the ones Chorus Pro refused).
CREATE TABLE recycled_routing (
    invoice_number    TEXT PRIMARY KEY,
    siret             TEXT NOT NULL,
    service_code      TEXT NOT NULL DEFAULT '',
    engagement_number TEXT NOT NULL DEFAULT '',
    at                TEXT NOT NULL
);
