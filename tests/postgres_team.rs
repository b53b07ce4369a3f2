//! Team mode's rules, enforced by PostgreSQL itself (issue 11): roles and grants, the
//! append-only audit trail, bank details changed only under four eyes. Checked against a
//! real server started by the tests, through the application's functions and through
//! `psql`, as someone bypassing the application would.

mod common;

use chorus_depot::store::postgres::team::{self, BankChange, TeamRole};
use chorus_depot::store::postgres::{PgStoreError, connect};
use common::postgres::{as_user, server};

const PASSWORD: &str = "un mot de passe assez long";

/// A prepared team base with one company (bank details set by the owner) and the users
/// `<prefix>_alice` and `<prefix>_bob` (administrators), `<prefix>_carl` (clerk),
/// `<prefix>_gina` (manager). Users are server-wide: each test has its own prefix.
struct TeamBase {
    conninfo: String,
    prefix: String,
}

impl TeamBase {
    fn new(prefix: &str) -> TeamBase {
        let pg = server();
        let conninfo = pg.fresh_database(prefix);
        let mut owner = connect(&conninfo).unwrap();
        let prepared = team::prepare(&mut owner).unwrap();
        assert!(!prepared.common.applied.is_empty());
        owner
            .batch_execute(
                "INSERT INTO companies (code, name, siret, iban, bic, account_holder)
                 VALUES ('S1', 'Bureautique Rhône SAS', '41234567000019',
                         'FR7630006000011234567890189', 'AGRIFRPP', 'Bureautique Rhône SAS')",
            )
            .unwrap();
        let base = TeamBase {
            conninfo,
            prefix: prefix.to_string(),
        };
        for (who, role) in [
            ("alice", TeamRole::Administrateur),
            ("bob", TeamRole::Administrateur),
            ("carl", TeamRole::Commis),
            ("gina", TeamRole::Gestionnaire),
        ] {
            team::add_user(&mut owner, &base.user(who), PASSWORD, &[role]).unwrap();
        }
        base
    }

    fn user(&self, who: &str) -> String {
        format!("{}_{who}", self.prefix)
    }

    fn connect_as(&self, who: &str) -> postgres::Client {
        connect(&as_user(&self.conninfo, &self.user(who))).unwrap()
    }

    fn psql(&self, who: &str, sql: &str) -> common::postgres::PsqlRun {
        let user = if who == "postgres" {
            who.to_string()
        } else {
            self.user(who)
        };
        server().psql(&self.conninfo, &user, sql)
    }

    fn iban(&self) -> String {
        let mut owner = connect(&self.conninfo).unwrap();
        owner
            .query_one("SELECT iban FROM companies WHERE code = 'S1'", &[])
            .unwrap()
            .get(0)
    }
}

/// who, table, action, IBAN before, IBAN after.
type TrailRow = (String, String, String, Option<String>, Option<String>);

const NEW_IBAN: &str = "FR7617569000403713271466372";

#[test]
fn a_clerk_with_psql_cannot_change_an_iban_nor_the_trail_nor_approve() {
    let base = TeamBase::new("clerk");
    let refused = [
        "UPDATE companies SET iban = 'FR7617569000403713271466372' WHERE code = 'S1'",
        "UPDATE companies SET bic = 'CMCIFRPP', account_holder = 'Escroc SARL'",
        "INSERT INTO companies (code, name, iban) VALUES ('S2', 'Autre', 'FR76...')",
        "DELETE FROM team.audit_log",
        "UPDATE team.audit_log SET who = 'personne'",
        "INSERT INTO team.audit_log (table_name, action, row_key) VALUES ('x', 'INSERT', 'x')",
        "SELECT team.request_bank_change('S1', 'FR7617569000403713271466372', 'CMCIFRPP', 'X', '')",
        "SELECT team.decide_bank_change(1, true)",
        "UPDATE payment_terms SET delay_health_days = 90",
        "INSERT INTO team.bank_change_requests (company_code, iban, bic, account_holder)
         VALUES ('S1', 'FR7617569000403713271466372', 'CMCIFRPP', 'X')",
    ];
    for sql in refused {
        let run = base.psql("carl", sql);
        assert!(!run.ok, "a clerk could run: {sql}\n{}", run.output);
        assert!(
            run.output.contains("permission denied") || run.output.contains("ne se modifie"),
            "{sql}: {}",
            run.output
        );
    }
    assert_eq!(base.iban(), "FR7630006000011234567890189");
    // What the clerk's work needs stays allowed: the ERP import updates a company's other
    // data, a deposit writes its flux.
    for sql in [
        "UPDATE companies SET city = 'Lyon' WHERE code = 'S1'",
        "INSERT INTO fluxes (company_code, mode, syntax, file_path, file_sha256, file_size,
             invoice_count, created_at, state)
         VALUES ('S1', 'LOT', 'IN_DP_E1_UBL_INVOICE', '/tmp/lot.zip', '00', 10, 1,
             '2026-12-05T10:00:00+01:00', 'GENERE')",
    ] {
        let run = base.psql("carl", sql);
        assert!(run.ok, "{sql}: {}", run.output);
    }
}

#[test]
fn a_manager_reads_everything_and_writes_nothing() {
    let base = TeamBase::new("manager");
    let run = base.psql(
        "gina",
        "SELECT count(*) FROM invoices; SELECT count(*) FROM team.audit_log",
    );
    assert!(run.ok, "{}", run.output);
    for sql in [
        "UPDATE companies SET city = 'Lyon'",
        "INSERT INTO fluxes (company_code, mode, syntax, file_path, file_sha256, file_size,
             invoice_count, created_at, state)
         VALUES ('S1', 'LOT', 'X', '/tmp/x', '00', 1, 1, 'x', 'GENERE')",
        "DELETE FROM invoices",
        "INSERT INTO app_settings (key, value) VALUES ('x', 'y')",
    ] {
        let run = base.psql("gina", sql);
        assert!(!run.ok, "a manager could run: {sql}");
        assert!(run.output.contains("permission denied"), "{}", run.output);
    }
}

#[test]
fn an_iban_change_is_applied_only_once_a_second_administrator_approves_it() {
    let base = TeamBase::new("four_eyes");
    let mut alice = base.connect_as("alice");
    let mut bob = base.connect_as("bob");
    assert_eq!(
        team::my_roles(&mut alice).unwrap(),
        [TeamRole::Administrateur]
    );

    let request = team::request_bank_change(
        &mut alice,
        &BankChange {
            company_code: "S1",
            iban: NEW_IBAN,
            bic: "CMCIFRPP",
            account_holder: "Bureautique Rhône SAS",
            reason: "changement de banque",
        },
    )
    .unwrap();
    assert_eq!(
        base.iban(),
        "FR7630006000011234567890189",
        "a request changes nothing"
    );
    // A second request for the same company while one waits is refused.
    let again = team::request_bank_change(
        &mut bob,
        &BankChange {
            company_code: "S1",
            iban: "FR7630004000031234567890143",
            bic: "BNPAFRPP",
            account_holder: "X",
            reason: "",
        },
    )
    .unwrap_err();
    assert!(again.to_string().contains("déjà en attente"), "{again}");

    // Its author cannot approve it, through the application or psql.
    let own = team::decide_bank_change(&mut alice, request, true).unwrap_err();
    assert!(own.to_string().contains("l'auteur"), "{own}");
    let run = base.psql(
        "alice",
        &format!("SELECT team.decide_bank_change({request}, true)"),
    );
    assert!(!run.ok && run.output.contains("auteur"), "{}", run.output);
    // Nor write the IBAN directly, administrator as she is.
    let run = base.psql(
        "alice",
        &format!("UPDATE companies SET iban = '{NEW_IBAN}' WHERE code = 'S1'"),
    );
    assert!(!run.ok, "{}", run.output);
    assert_eq!(base.iban(), "FR7630006000011234567890189");

    team::decide_bank_change(&mut bob, request, true).unwrap();
    assert_eq!(base.iban(), NEW_IBAN);
    let done = team::decide_bank_change(&mut bob, request, false).unwrap_err();
    assert!(done.to_string().contains("déjà traitée"), "{done}");

    // The trail says who asked, who approved, and what the IBAN was before and after.
    let mut owner = connect(&base.conninfo).unwrap();
    let rows = owner
        .query(
            "SELECT who, table_name, action, before ->> 'iban', after ->> 'iban'
             FROM team.audit_log
             WHERE table_name IN ('public.companies', 'team.bank_change_requests')
               AND row_key LIKE 'S1%'
             ORDER BY id",
            &[],
        )
        .unwrap();
    let trail: Vec<TrailRow> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4)))
        .collect();
    let alice_name = base.user("alice");
    let bob_name = base.user("bob");
    assert!(
        trail.contains(&(
            alice_name.clone(),
            "team.bank_change_requests".into(),
            "INSERT".into(),
            None,
            Some(NEW_IBAN.into())
        )),
        "{trail:#?}"
    );
    assert!(
        trail.contains(&(
            bob_name.clone(),
            "public.companies".into(),
            "UPDATE".into(),
            Some("FR7630006000011234567890189".into()),
            Some(NEW_IBAN.into())
        )),
        "{trail:#?}"
    );
}

#[test]
fn the_audit_trail_is_append_only_even_for_the_owner() {
    let base = TeamBase::new("append_only");
    let mut owner = connect(&base.conninfo).unwrap();
    owner
        .execute(
            "UPDATE companies SET city = 'Villeurbanne' WHERE code = 'S1'",
            &[],
        )
        .unwrap();
    let count = |owner: &mut postgres::Client| -> i64 {
        owner
            .query_one("SELECT count(*) FROM team.audit_log", &[])
            .unwrap()
            .get(0)
    };
    let before = count(&mut owner);
    assert!(before >= 1);
    for sql in [
        "DELETE FROM team.audit_log",
        "UPDATE team.audit_log SET who = 'personne'",
        "TRUNCATE team.audit_log",
    ] {
        let run = base.psql("postgres", sql);
        assert!(!run.ok, "{sql}");
        assert!(
            run.output
                .contains("le journal des modifications ne se modifie ni ne s'efface"),
            "{}",
            run.output
        );
    }
    assert_eq!(count(&mut owner), before);
}

#[test]
fn users_are_added_with_a_long_password_a_plain_name_and_a_known_role() {
    let base = TeamBase::new("users");
    let mut alice = base.connect_as("alice");
    let short = team::add_user(&mut alice, "users_dora", "court", &[TeamRole::Commis]);
    assert!(matches!(short, Err(PgStoreError::Refused(_))), "{short:?}");
    let odd = team::add_user(
        &mut alice,
        "Robert\"; DROP TABLE invoices; --",
        PASSWORD,
        &[TeamRole::Commis],
    )
    .unwrap_err();
    assert!(
        odd.to_string().contains("nom d'utilisateur refusé"),
        "{odd}"
    );
    // An administrator adds a clerk, who can then sign in with that role.
    team::add_user(&mut alice, "users_dora", PASSWORD, &[TeamRole::Commis]).unwrap();
    let mut dora = connect(&as_user(&base.conninfo, "users_dora")).unwrap();
    assert_eq!(team::my_roles(&mut dora).unwrap(), [TeamRole::Commis]);
    // A clerk cannot add users.
    let run = base.psql(
        "carl",
        "SELECT team.add_user('users_eve', 'SCRAM-SHA-256$x', ARRAY['administrateur'])",
    );
    assert!(
        !run.ok && run.output.contains("permission denied"),
        "{}",
        run.output
    );
    // The password reached the server as a SCRAM verifier only.
    let mut owner = connect(&base.conninfo).unwrap();
    let stored: String = owner
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = 'users_dora'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$"), "{stored}");
    assert!(!stored.contains(PASSWORD));
}

#[test]
fn preparing_a_team_base_again_changes_nothing_and_keeps_the_grants() {
    let base = TeamBase::new("again");
    let mut owner = connect(&base.conninfo).unwrap();
    let again = team::prepare(&mut owner).unwrap();
    assert!(again.common.applied.is_empty() && again.team.applied.is_empty());
    let run = base.psql("carl", "UPDATE companies SET iban = '' WHERE code = 'S1'");
    assert!(!run.ok, "{}", run.output);
    let run = base.psql(
        "carl",
        "UPDATE companies SET city = 'Lyon' WHERE code = 'S1'",
    );
    assert!(run.ok, "{}", run.output);
}

/// `chorus-depot team …` as an administrator types it, the password on standard input.
fn team_cli(args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write as _;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .arg("team")
        .args(args)
        .env_remove("CHORUS_DEPOT_DB")
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", "/nonexistent")
        .env("PGSSLROOTCERT", server().ca_file())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn team_init_then_add_user_from_the_command_line() {
    let pg = server();
    let conninfo = pg.fresh_database("cli");
    let dbname = conninfo.rsplit("dbname=").next().unwrap().to_string();
    let url = |user: &str| format!("postgresql://{user}@127.0.0.1:{}/{dbname}", pg.port());

    let leaked = team_cli(
        &[
            "init",
            "--db",
            &format!(
                "postgresql://postgres:secret@127.0.0.1:{}/{dbname}",
                pg.port()
            ),
            "--admin",
            "cli_admin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(!leaked.status.success());
    let said = String::from_utf8_lossy(&leaked.stderr);
    assert!(said.contains("contient un mot de passe"), "{said}");
    assert!(!said.contains("secret"), "{said}");

    let init = team_cli(
        &["init", "--db", &url("postgres"), "--admin", "cli_admin"],
        &format!("{PASSWORD}\n"),
    );
    let out = String::from_utf8_lossy(&init.stdout);
    assert!(
        init.status.success(),
        "{out}{}",
        String::from_utf8_lossy(&init.stderr)
    );
    assert!(out.contains("Administrateur « cli_admin » créé"), "{out}");

    let add = team_cli(
        &[
            "add-user",
            "--db",
            &url("cli_admin"),
            "cli_clerk",
            "--role",
            "commis",
            "--role",
            "gestionnaire",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    // A clerk cannot add users, whatever the command line says.
    let refused = team_cli(
        &[
            "add-user",
            "--db",
            &url("cli_clerk"),
            "cli_other",
            "--role",
            "administrateur",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("votre rôle dans la base d'équipe ne le permet pas"),
        "{said}"
    );

    let users = team_cli(&["users", "--db", &url("cli_clerk")], "");
    let listed = String::from_utf8_lossy(&users.stdout);
    assert!(listed.contains("cli_admin\tadministrateur"), "{listed}");
    assert!(
        listed.contains("cli_clerk\tcommis, gestionnaire"),
        "{listed}"
    );

    let again = team_cli(&["upgrade", "--db", &url("postgres")], "");
    let out = String::from_utf8_lossy(&again.stdout);
    assert!(out.contains("schéma déjà à jour"), "{out}");
}
