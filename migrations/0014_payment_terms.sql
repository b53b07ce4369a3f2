-- Payment terms (issue 10, « Payments you can defend »): the legal payment delay depends on
-- the buyer's category (code de la commande publique, R.2192-10 and R.2192-11), so each
-- client may carry a category set by the user and a delay of its own; the late-interest
-- rate and the recovery indemnity sit beside the delays of each category.
-- Bases written before this migration keep their JSON settings (`app_settings` key
-- `paiements`): they are read until the first save, which writes these tables.

CREATE TABLE payment_terms (
    id                        INTEGER PRIMARY KEY CHECK (id = 1),
    -- Decimal text, « 10.15 » for 10,15 %.
    interest_rate_percent     TEXT NOT NULL,
    -- Decimal text, euros.
    recovery_indemnity        TEXT NOT NULL,
    delay_state_local_days    INTEGER NOT NULL CHECK (delay_state_local_days BETWEEN 1 AND 365),
    delay_health_days         INTEGER NOT NULL CHECK (delay_health_days BETWEEN 1 AND 365),
    delay_public_company_days INTEGER NOT NULL CHECK (delay_public_company_days BETWEEN 1 AND 365)
);

-- One row per client the user set something for; a client without a row gets the
-- category deduced from its name, and its category's delay.
CREATE TABLE client_payment_terms (
    client_code TEXT PRIMARY KEY NOT NULL,
    category    TEXT CHECK (category IN ('ETAT_COLLECTIVITE', 'SANTE', 'ENTREPRISE_PUBLIQUE')),
    delay_days  INTEGER CHECK (delay_days BETWEEN 1 AND 365)
) WITHOUT ROWID;
