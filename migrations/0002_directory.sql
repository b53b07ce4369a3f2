-- The cached Chorus Pro directory. Replaced as a whole by each import.

CREATE TABLE directory_structures (
    identifier                     TEXT PRIMARY KEY NOT NULL,
    identifier_type                INTEGER NOT NULL DEFAULT 1,
    name                           TEXT NOT NULL DEFAULT '',
    edi_sender                     INTEGER NOT NULL DEFAULT 0,
    edi_receiver                   INTEGER NOT NULL DEFAULT 0,
    payment_status_managed         INTEGER NOT NULL DEFAULT 0,
    engagement_required            INTEGER NOT NULL DEFAULT 0,
    service_required               INTEGER NOT NULL DEFAULT 0,
    service_or_engagement_required INTEGER NOT NULL DEFAULT 0,
    is_moa                         INTEGER NOT NULL DEFAULT 0,
    is_moa_only                    INTEGER NOT NULL DEFAULT 0,
    active                         INTEGER NOT NULL DEFAULT 1,
    address                        TEXT NOT NULL DEFAULT '',
    address_complement1            TEXT NOT NULL DEFAULT '',
    address_complement2            TEXT NOT NULL DEFAULT '',
    postal_code                    TEXT NOT NULL DEFAULT '',
    city                           TEXT NOT NULL DEFAULT '',
    phone                          TEXT NOT NULL DEFAULT '',
    email                          TEXT NOT NULL DEFAULT '',
    country_code                   TEXT NOT NULL DEFAULT '',
    country_label                  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE directory_services (
    structure_identifier TEXT NOT NULL,
    code                 TEXT NOT NULL,
    name                 TEXT NOT NULL DEFAULT '',
    engagement_required  INTEGER NOT NULL DEFAULT 0,
    active               INTEGER NOT NULL DEFAULT 1,
    address              TEXT NOT NULL DEFAULT '',
    postal_code          TEXT NOT NULL DEFAULT '',
    city                 TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (structure_identifier, code)
) WITHOUT ROWID;

-- One row per import: when the export was made, when it was loaded, what it held.
CREATE TABLE directory_imports (
    id              INTEGER PRIMARY KEY,
    export_date     TEXT NOT NULL,
    imported_at     TEXT NOT NULL,
    source          TEXT NOT NULL,
    structure_count INTEGER NOT NULL,
    service_count   INTEGER NOT NULL
);
