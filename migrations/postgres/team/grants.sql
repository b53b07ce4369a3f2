-- Who may do what in the team base (issue 11). Run by the owner after every migration
-- (`chorus-depot team init` and `team upgrade`): it names tables by « all tables », so
-- a table a later migration adds gets its grants too. Idempotent.
--
-- chorus_gestionnaire: reads everything (the tree, payments, exports, reminders).
-- chorus_commis: reads everything; imports, checks, deposits, syncs, recycles, completes,
--   marks for a credit note: writes the ERP mirror, the directory cache, the verdict
--   caches, the deposit journal and the tracking tables; a company's non-bank data (the
--   ERP import carries it).
-- chorus_administrateur: reads everything; companies' non-bank data, settings, payment
--   terms; asks for and decides bank detail changes (team.*_bank_change); adds users.
-- Nobody writes a company's IBAN, BIC or holder directly, nor the audit trail.

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA team FROM PUBLIC;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public, team TO chorus_commis, chorus_gestionnaire, chorus_administrateur;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO chorus_commis, chorus_gestionnaire,
    chorus_administrateur;
GRANT SELECT ON team.audit_log, team.bank_change_requests, team.user_roles TO chorus_commis,
    chorus_gestionnaire, chorus_administrateur;

-- The clerk's work: every table but the companies and the payment terms. The settings
-- table stays the clerk's too for now: the sync records there the technical passwords'
-- expiry and what the user has seen (to split by key with the store's team mode).
GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO chorus_commis;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO chorus_commis, chorus_administrateur;
REVOKE INSERT, UPDATE, DELETE ON public.companies, public.payment_terms,
    public.client_payment_terms FROM chorus_commis;

-- A company: its non-bank data only, for both the ERP import and the administrator. The
-- bank columns are absent from these lists: an INSERT naming them, or an UPDATE setting
-- them, is refused by the server.
GRANT INSERT (code, name, siret, vat_number, bank_domiciliation, address, postal_code, city),
      UPDATE (name, siret, vat_number, bank_domiciliation, address, postal_code, city)
    ON public.companies TO chorus_commis, chorus_administrateur;

GRANT INSERT, UPDATE, DELETE ON public.app_settings, public.payment_terms,
    public.client_payment_terms TO chorus_administrateur;

-- Change notices: every committed write to the application's tables tells the windows of
-- the other PCs, which reload what they show (`store::change_watch`; PostgreSQL delivers
-- a notice only once its transaction committed). One statement trigger per table, made
-- again here so that a table a later migration adds has one too.
CREATE OR REPLACE FUNCTION team.notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('chorus_depot_changes', TG_TABLE_NAME);
    RETURN NULL;
END
$$;
GRANT EXECUTE ON FUNCTION team.notify_change() TO chorus_commis, chorus_gestionnaire,
    chorus_administrateur;
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT tablename FROM pg_tables
             WHERE schemaname = 'public' AND tablename <> 'schema_migrations'
    LOOP
        EXECUTE format('CREATE OR REPLACE TRIGGER chorus_depot_changes
                            AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public.%I
                            FOR EACH STATEMENT EXECUTE FUNCTION team.notify_change()',
                       t.tablename);
    END LOOP;
END
$$;
