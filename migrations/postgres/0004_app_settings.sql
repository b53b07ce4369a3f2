-- PostgreSQL form of migrations/0004_app_settings.sql: settings and markers, one value per key.

CREATE TABLE app_settings (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
