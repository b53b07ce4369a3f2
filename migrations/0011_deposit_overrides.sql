-- An anomaly the clerk chose to override for one invoice, e.g. « Déposer quand même » on
-- an invoice the ERP shows already paid (DEJA_REGLEE): the check then lets it leave.
-- Kept apart from the ERP mirror so that a re-import does not forget the decision.
CREATE TABLE deposit_overrides (
    invoice_number TEXT NOT NULL,
    -- The anomaly code overridden (check --json spelling).
    code           TEXT NOT NULL,
    decided_at     TEXT NOT NULL,
    PRIMARY KEY (invoice_number, code)
);
