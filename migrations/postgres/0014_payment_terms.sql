-- PostgreSQL form of migrations/0014_payment_terms.sql: payment terms by buyer category
-- (R.2192-10 and R.2192-11), and each client's category or delay of its own.

CREATE TABLE payment_terms (
    -- The single row's id is fixed (1), not generated: plain BIGINT.
    id                        BIGINT PRIMARY KEY CHECK (id = 1),
    -- Decimal text, « 10.15 » for 10,15 % (same representation as SQLite, see 0001).
    interest_rate_percent     TEXT NOT NULL,
    -- Decimal text, euros.
    recovery_indemnity        TEXT NOT NULL,
    delay_state_local_days    BIGINT NOT NULL CHECK (delay_state_local_days BETWEEN 1 AND 365),
    delay_health_days         BIGINT NOT NULL CHECK (delay_health_days BETWEEN 1 AND 365),
    delay_public_company_days BIGINT NOT NULL CHECK (delay_public_company_days BETWEEN 1 AND 365)
);

-- One row per client the user set something for; a client without a row gets the
-- category deduced from its name, and its category's delay.
CREATE TABLE client_payment_terms (
    client_code TEXT PRIMARY KEY NOT NULL,
    category    TEXT CHECK (category IN ('ETAT_COLLECTIVITE', 'SANTE', 'ENTREPRISE_PUBLIQUE')),
    delay_days  BIGINT CHECK (delay_days BETWEEN 1 AND 365)
);
