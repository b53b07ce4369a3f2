-- Team mode (issue 11): who may do what, enforced by PostgreSQL itself, an append-only audit
-- trail, and bank details changed only under four eyes. Applied after the common schema
-- (migrations/postgres/NNNN_*.sql) by the owner of the team base (`chorus-depot team init`),
-- never by a clerk's PC. Everything that exists only in team mode lives in schema `team`,
-- so the common schema stays the SQLite schema (tests/postgres_schema.rs).
--
-- Users are PostgreSQL login roles, members of three group roles. Why PostgreSQL roles and
-- not a table of password hashes: then the server itself checks the password (SCRAM) and
-- every grant below holds for whatever program connects, psql included; an application
-- table of users could only be enforced by the application.
--
-- Group roles are cluster-wide: on a server holding several team bases, a member of
-- chorus_commis is a clerk of each base whose grants name chorus_commis (the README says
-- so). Two bases initialised at once may both try to create them: the loser's error is
-- caught.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['chorus_commis', 'chorus_gestionnaire', 'chorus_administrateur']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;
            END;
        END IF;
    END LOOP;
END
$$;

CREATE SCHEMA IF NOT EXISTS team;
REVOKE ALL ON SCHEMA team FROM PUBLIC;

-- The audit trail. `who` is the session's login role: inside the SECURITY DEFINER trigger
-- below, current_user is the owner, session_user still the person.
CREATE TABLE team.audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    who        TEXT NOT NULL DEFAULT session_user,
    table_name TEXT NOT NULL,
    action     TEXT NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE')),
    row_key    TEXT NOT NULL,
    before     JSONB,
    after      JSONB
);
CREATE INDEX audit_log_by_table ON team.audit_log (table_name, at);
CREATE INDEX audit_log_by_who ON team.audit_log (who, at);

-- Append-only for every role, the owner included (a grant can be given back, a trigger
-- must be dropped first, which itself leaves the base visibly changed).
CREATE FUNCTION team.audit_log_is_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'le journal des modifications ne se modifie ni ne s''efface'
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_log_no_update_or_delete BEFORE UPDATE OR DELETE ON team.audit_log
    FOR EACH ROW EXECUTE FUNCTION team.audit_log_is_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON team.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION team.audit_log_is_append_only();

-- One row of the trail per changed row; TG_ARGV[0] names the key column(s), comma
-- separated. Runs as the owner (nobody else may insert into the trail).
CREATE FUNCTION team.audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    old_row jsonb := CASE WHEN TG_OP IN ('UPDATE', 'DELETE') THEN to_jsonb(OLD) END;
    new_row jsonb := CASE WHEN TG_OP IN ('INSERT', 'UPDATE') THEN to_jsonb(NEW) END;
    key_row jsonb := coalesce(new_row, old_row);
    key_text text;
BEGIN
    IF TG_OP = 'UPDATE' AND old_row = new_row THEN
        RETURN NULL; -- an upsert that changed nothing is no change
    END IF;
    SELECT string_agg(key_row ->> trim(k), ' / ')
      INTO key_text
      FROM unnest(string_to_array(TG_ARGV[0], ',')) AS k;
    INSERT INTO team.audit_log (table_name, action, row_key, before, after)
    VALUES (TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, TG_OP, coalesce(key_text, ''), old_row,
            new_row);
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION team.audit_row() FROM PUBLIC;

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.companies
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('code');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.app_settings
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('key');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.payment_terms
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.client_payment_terms
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('client_code');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.fluxes
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.deposit_journal
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('invoice_number,id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.invoice_actions
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('invoice_number,id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.credit_notes_due
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('invoice_number');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON public.deposit_overrides
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('invoice_number,code');

-- Bank details under four eyes (« fraude au changement de RIB »): no role may write IBAN,
-- BIC or holder (see team/grants.sql); an administrator asks, another one decides, and
-- only the deciding function, running as the owner, writes them.
CREATE TABLE team.bank_change_requests (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    company_code   TEXT NOT NULL REFERENCES public.companies (code),
    iban           TEXT NOT NULL,
    bic            TEXT NOT NULL,
    account_holder TEXT NOT NULL,
    reason         TEXT NOT NULL DEFAULT '',
    requested_by   TEXT NOT NULL DEFAULT session_user,
    requested_at   TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    state          TEXT NOT NULL DEFAULT 'EN_ATTENTE'
                   CHECK (state IN ('EN_ATTENTE', 'APPROUVEE', 'REFUSEE', 'ANNULEE')),
    decided_by     TEXT,
    decided_at     TIMESTAMPTZ,
    CHECK ((state = 'EN_ATTENTE') = (decided_by IS NULL)),
    CHECK (decided_by IS NULL OR state = 'ANNULEE' OR decided_by <> requested_by)
);
-- One pending request per company: a second would let an approval apply stale data.
CREATE UNIQUE INDEX bank_change_one_pending ON team.bank_change_requests (company_code)
    WHERE state = 'EN_ATTENTE';
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON team.bank_change_requests
    FOR EACH ROW EXECUTE FUNCTION team.audit_row('company_code,id');

CREATE FUNCTION team.is_member(role_name text) RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $$
    SELECT pg_has_role(session_user, role_name, 'MEMBER')
$$;

CREATE FUNCTION team.request_bank_change(company text, new_iban text, new_bic text,
                                         new_holder text, why text DEFAULT '')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    request_id bigint;
BEGIN
    IF NOT team.is_member('chorus_administrateur') THEN
        RAISE EXCEPTION 'seul un administrateur peut demander un changement de coordonnées bancaires'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.companies WHERE code = company) THEN
        RAISE EXCEPTION 'société inconnue : %', company USING ERRCODE = 'no_data_found';
    END IF;
    IF EXISTS (SELECT 1 FROM team.bank_change_requests
               WHERE company_code = company AND state = 'EN_ATTENTE') THEN
        RAISE EXCEPTION 'une demande de changement est déjà en attente pour la société %', company
            USING ERRCODE = 'unique_violation';
    END IF;
    INSERT INTO team.bank_change_requests (company_code, iban, bic, account_holder, reason)
    VALUES (company, new_iban, new_bic, new_holder, coalesce(why, ''))
    RETURNING id INTO request_id;
    RETURN request_id;
END
$$;

CREATE FUNCTION team.decide_bank_change(request bigint, approve boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    r team.bank_change_requests%ROWTYPE;
BEGIN
    IF NOT team.is_member('chorus_administrateur') THEN
        RAISE EXCEPTION 'seul un administrateur peut approuver ou refuser un changement de coordonnées bancaires'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT * INTO r FROM team.bank_change_requests WHERE id = request FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'demande de changement % introuvable', request USING ERRCODE = 'no_data_found';
    END IF;
    IF r.state <> 'EN_ATTENTE' THEN
        RAISE EXCEPTION 'la demande de changement % est déjà traitée', request
            USING ERRCODE = 'object_not_in_prerequisite_state';
    END IF;
    IF r.requested_by = session_user THEN
        RAISE EXCEPTION 'l''auteur d''une demande de changement ne peut pas la décider : un autre administrateur doit le faire'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF approve THEN
        UPDATE public.companies
           SET iban = r.iban, bic = r.bic, account_holder = r.account_holder
         WHERE code = r.company_code;
    END IF;
    UPDATE team.bank_change_requests
       SET state = CASE WHEN approve THEN 'APPROUVEE' ELSE 'REFUSEE' END,
           decided_by = session_user, decided_at = clock_timestamp()
     WHERE id = request;
END
$$;

-- The author may withdraw a pending request.
CREATE FUNCTION team.cancel_bank_change(request bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    UPDATE team.bank_change_requests
       SET state = 'ANNULEE', decided_by = session_user, decided_at = clock_timestamp()
     WHERE id = request AND state = 'EN_ATTENTE' AND requested_by = session_user;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'seul l''auteur d''une demande en attente peut l''annuler'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
END
$$;

REVOKE ALL ON FUNCTION team.request_bank_change(text, text, text, text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION team.decide_bank_change(bigint, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION team.cancel_bank_change(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION team.request_bank_change(text, text, text, text, text),
                          team.decide_bank_change(bigint, boolean),
                          team.cancel_bank_change(bigint)
    TO chorus_administrateur;

-- Users: login roles made by an administrator (or by the owner at `team init`). The
-- password reaches the server only as its SCRAM verifier, computed by the application: the
-- clear text is never in a statement, so never in the server's log. Runs as the owner,
-- which holds CREATEROLE; nobody else needs it.
CREATE FUNCTION team.add_user(user_name text, password_verifier text, roles text[])
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    role_name text;
BEGIN
    IF NOT (team.is_member('chorus_administrateur') OR session_user = current_user) THEN
        RAISE EXCEPTION 'seul un administrateur peut ajouter un utilisateur'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF user_name !~ '^[a-z][a-z0-9_.-]{1,62}$' OR user_name LIKE 'chorus\_%' OR user_name LIKE 'pg\_%' THEN
        RAISE EXCEPTION 'nom d''utilisateur refusé : %  (minuscules, chiffres, « . », « - » ou « _ », 2 à 63 caractères, commençant par une lettre)', user_name
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF password_verifier NOT LIKE 'SCRAM-SHA-256$%' THEN
        RAISE EXCEPTION 'le mot de passe doit arriver chiffré (SCRAM-SHA-256)'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF coalesce(array_length(roles, 1), 0) = 0 THEN
        RAISE EXCEPTION 'un utilisateur a au moins un rôle' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    FOREACH role_name IN ARRAY roles LOOP
        IF role_name NOT IN ('commis', 'gestionnaire', 'administrateur') THEN
            RAISE EXCEPTION 'rôle inconnu : % (commis, gestionnaire ou administrateur)', role_name
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
    END LOOP;
    EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', user_name, password_verifier);
    FOREACH role_name IN ARRAY roles LOOP
        EXECUTE format('GRANT %I TO %I', 'chorus_' || role_name, user_name);
    END LOOP;
    INSERT INTO team.audit_log (table_name, action, row_key, after)
    VALUES ('team.users', 'INSERT', user_name, jsonb_build_object('roles', to_jsonb(roles)));
END
$$;
REVOKE ALL ON FUNCTION team.add_user(text, text, text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION team.add_user(text, text, text[]) TO chorus_administrateur;

-- Who is who, for the window (« connecté : … ») and the administrator's list of users.
CREATE VIEW team.user_roles AS
SELECT member.rolname::text AS user_name,
       substr(grp.rolname, length('chorus_') + 1)::text AS role
  FROM pg_catalog.pg_auth_members m
  JOIN pg_catalog.pg_roles grp ON grp.oid = m.roleid
  JOIN pg_catalog.pg_roles member ON member.oid = m.member
 WHERE grp.rolname IN ('chorus_commis', 'chorus_gestionnaire', 'chorus_administrateur');
