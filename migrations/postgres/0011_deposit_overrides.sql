-- PostgreSQL form of migrations/0011_deposit_overrides.sql: an anomaly the clerk chose to
-- override for one invoice (« Déposer quand même »), kept apart from the ERP mirror so that
-- a re-import does not forget the decision.
CREATE TABLE deposit_overrides (
    invoice_number TEXT NOT NULL,
    -- The anomaly code overridden (check --json spelling).
    code           TEXT NOT NULL,
    decided_at     TEXT NOT NULL,
    PRIMARY KEY (invoice_number, code)
);
