-- The verdict of the EN 16931 rules on each invoice's e-invoice, remembered by a fingerprint
-- of everything it was built from (the invoice, its lines, both parties, the billing data,
-- the PDF, the format, the rules' version): a re-check of unchanged invoices reuses it
-- instead of building the e-invoice again. A cache: deleting it only costs time.
CREATE TABLE einvoice_verdicts (
    invoice_number TEXT PRIMARY KEY NOT NULL,
    -- 64-bit fingerprint, stored as a signed integer.
    fingerprint    INTEGER NOT NULL,
    -- The findings: JSON array of {"rule", "fatal", "term", "message"}; "[]" when clean.
    findings       TEXT NOT NULL
) WITHOUT ROWID;
