-- The ERP mirror: what the ERP exports, keyed by the ERP's own codes so that a
-- re-import updates rows in place. Amounts are exact decimal strings; dates ISO 8601.

CREATE TABLE companies (
    code               TEXT PRIMARY KEY NOT NULL,
    name               TEXT NOT NULL,
    siret              TEXT NOT NULL DEFAULT '',
    vat_number         TEXT NOT NULL DEFAULT '',
    iban               TEXT NOT NULL DEFAULT '',
    bic                TEXT NOT NULL DEFAULT '',
    account_holder     TEXT NOT NULL DEFAULT '',
    bank_domiciliation TEXT NOT NULL DEFAULT '',
    address            TEXT NOT NULL DEFAULT '',
    postal_code        TEXT NOT NULL DEFAULT '',
    city               TEXT NOT NULL DEFAULT ''
);

CREATE TABLE clients (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    siret       TEXT NOT NULL DEFAULT '',
    client_type TEXT NOT NULL CHECK (client_type IN ('PUBLIC', 'PRIVE')),
    address     TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE markets (
    client_code TEXT NOT NULL REFERENCES clients(code),
    number      TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    start_date  TEXT,
    end_date    TEXT,
    PRIMARY KEY (client_code, number)
);

CREATE TABLE billing_references (
    reference         TEXT PRIMARY KEY NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('COMMANDE', 'DOSSIER', 'CONTRAT')),
    client_code       TEXT NOT NULL REFERENCES clients(code),
    service_code      TEXT NOT NULL DEFAULT '',
    market_number     TEXT NOT NULL DEFAULT '',
    engagement_number TEXT NOT NULL DEFAULT '',
    valid_until       TEXT
);

CREATE TABLE invoices (
    number                  TEXT PRIMARY KEY NOT NULL,
    company_code            TEXT NOT NULL REFERENCES companies(code),
    client_code             TEXT NOT NULL REFERENCES clients(code),
    kind                    TEXT NOT NULL CHECK (kind IN ('FACTURE', 'AVOIR')),
    invoice_date            TEXT NOT NULL,
    due_date                TEXT,
    currency                TEXT NOT NULL DEFAULT 'EUR',
    total_excl_tax          TEXT NOT NULL,
    total_tax               TEXT NOT NULL,
    total_incl_tax          TEXT NOT NULL,
    service_code            TEXT NOT NULL DEFAULT '',
    engagement_number       TEXT NOT NULL DEFAULT '',
    market_number           TEXT NOT NULL DEFAULT '',
    origin_reference        TEXT NOT NULL DEFAULT '',
    pdf_path                TEXT NOT NULL DEFAULT '',
    original_invoice_number TEXT NOT NULL DEFAULT '',
    payment_means           TEXT NOT NULL DEFAULT '',
    billing_frame           TEXT NOT NULL DEFAULT 'A1_FACTURE_FOURNISSEUR'
);
CREATE INDEX invoices_by_client ON invoices(client_code);

CREATE TABLE invoice_lines (
    invoice_number   TEXT NOT NULL REFERENCES invoices(number) ON DELETE CASCADE,
    line_number      INTEGER NOT NULL,
    label            TEXT NOT NULL DEFAULT '',
    quantity         TEXT NOT NULL,
    unit             TEXT NOT NULL DEFAULT '',
    unit_price       TEXT NOT NULL,
    vat_rate         TEXT NOT NULL,
    line_total       TEXT NOT NULL,
    vat_category     TEXT NOT NULL,
    exemption_reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (invoice_number, line_number)
) WITHOUT ROWID;

CREATE TABLE payments (
    id             INTEGER PRIMARY KEY,
    invoice_number TEXT NOT NULL REFERENCES invoices(number) ON DELETE CASCADE,
    date           TEXT NOT NULL,
    amount         TEXT NOT NULL,
    means          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX payments_by_invoice ON payments(invoice_number);
