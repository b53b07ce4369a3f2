-- The verdict of the EN 16931 rules on each invoice's e-invoice, remembered by a fingerprint
-- of everything it was built from (the invoice, its lines, both parties, the billing data,
-- the PDF, the format, the rules of the build): a re-check of unchanged invoices reuses it
-- instead of building the e-invoice again. A cache, kept as one blob (see
-- src/store/einvoice_verdicts.rs for its layout): read and written whole in a few
-- milliseconds, where 100,000 rows take a tenth of a second to read and half a second to
-- write. Deleting it only costs time.
CREATE TABLE einvoice_verdicts (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    verdicts BLOB NOT NULL
);
