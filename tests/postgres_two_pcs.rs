//! Two clerks on two PCs, one team base (issue 11): the single-user demo base is moved
//! into a real PostgreSQL server, then two `chorus-depot deposit` processes — each signed
//! in as its own clerk, each with its own local files — deposit every conformant invoice
//! at the same moment on one Chorus Pro sandbox. Before team mode, two copies of one base
//! sent every one of 160 invoices twice; here each reaches Chorus Pro exactly once.

mod common;

use chorus_depot::sandbox::{SandboxConfig, SandboxHandle};
use chorus_depot::store::Store;
use chorus_depot::store::postgres::{connect, import::import_sqlite, team};
use common::postgres::server;
use std::path::Path;
use std::process::{Command, Stdio};

const PASSWORD: &str = "un mot de passe assez long";

fn conformant_of(db: &Path) -> Vec<String> {
    let mut store = Store::open(db).unwrap();
    chorus_depot::app::run_checks(&mut store, &chorus_depot::progress::Silent)
        .unwrap()
        .checks
        .iter()
        .filter(|c| c.is_conformant())
        .map(|c| c.invoice.number.clone())
        .collect()
}

fn deposit_from_pc(
    pc: &str,
    address: &str,
    dir: &Path,
    sandbox: &SandboxHandle,
    extra: &[&str],
) -> std::process::Child {
    let mut command = command_on_pc(pc, dir, sandbox);
    command
        .args(["deposit", "--db", address])
        .args(["--mode", "sequential", "--wait-ms", "0", "--skip-on-error"])
        .arg("--all-conformant")
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `chorus-depot` as launched on the PC `pc`: its own local files, the team server's
/// authority trusted, the sandbox as Chorus Pro.
fn command_on_pc(pc: &str, dir: &Path, sandbox: &SandboxHandle) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_chorus-depot"));
    command
        .env("PGPASSWORD", PASSWORD)
        .env("PGSSLROOTCERT", server().ca_file())
        .env("CHORUS_DEPOT_TEAM_FILES", dir.join(pc))
        .env("CHORUS_DEPOT_API_URL", sandbox.base_url())
        .env("CHORUS_DEPOT_TOKEN_URL", sandbox.token_url())
        .env(
            "CHORUS_DEPOT_CLIENT_ID",
            chorus_depot::sandbox::DEFAULT_CLIENT_ID,
        )
        .env(
            "CHORUS_DEPOT_CLIENT_SECRET",
            chorus_depot::sandbox::DEFAULT_CLIENT_SECRET,
        )
        .env("CHORUS_DEPOT_LOGIN", chorus_depot::sandbox::DEFAULT_LOGIN)
        .env(
            "CHORUS_DEPOT_PASSWORD",
            chorus_depot::sandbox::DEFAULT_PASSWORD,
        )
        .env("CHORUS_DEPOT_NO_KEYRING", "1")
        .env("CHORUS_DEPOT_LOG", "error");
    command
}

/// A team base holding the demo (60 invoices), its clerks `<prefix>_anne` and
/// `<prefix>_bruno` and its manager `<prefix>_gaelle`, a sandbox serving the demo's directory, and the conformant invoices.
struct TeamDemo {
    dir: tempfile::TempDir,
    conninfo: String,
    database: String,
    sandbox: SandboxHandle,
    conformant: Vec<String>,
}

impl TeamDemo {
    fn new(prefix: &str) -> TeamDemo {
        let dir = tempfile::tempdir().unwrap();
        let demo = dir.path().join("demo.sqlite");
        let options = chorus_depot::demo::DemoOptions {
            invoices: 60,
            seed: 7,
        };
        chorus_depot::demo::write_demo(&demo, &options, &chorus_depot::progress::Silent).unwrap();
        let conformant = conformant_of(&demo);
        assert!(conformant.len() >= 20, "{conformant:?}");
        // The administrator moves the base to the team server and adds two clerks.
        let conninfo = server().fresh_database(prefix);
        let mut owner = connect(&conninfo).unwrap();
        team::prepare(&mut owner).unwrap();
        import_sqlite(Store::open(&demo).unwrap().conn(), &mut owner).unwrap();
        for (who, role) in [
            ("anne", team::TeamRole::Commis),
            ("bruno", team::TeamRole::Commis),
            ("gaelle", team::TeamRole::Gestionnaire),
        ] {
            team::add_user(&mut owner, &format!("{prefix}_{who}"), PASSWORD, &[role]).unwrap();
        }
        let database = conninfo.rsplit("dbname=").next().unwrap().to_string();
        let sandbox = chorus_depot::sandbox::start(SandboxConfig {
            directory_files: common::demo_directory_files(&demo),
            time_scale: 1000.0,
            ..SandboxConfig::default()
        })
        .unwrap();
        TeamDemo {
            dir,
            conninfo,
            database,
            sandbox,
            conformant,
        }
    }

    /// The address a clerk's PC opens.
    fn address(&self, user: &str) -> String {
        format!(
            "postgresql://{user}@localhost:{}/{}",
            server().port(),
            self.database
        )
    }

    fn owner(&self) -> postgres::Client {
        connect(&self.conninfo).unwrap()
    }
}

#[test]
fn two_clerks_depositing_at_once_on_one_team_base_send_each_invoice_once() {
    let base = TeamDemo::new("two_pcs");
    let (dir, sandbox, conformant) = (base.dir.path(), &base.sandbox, &base.conformant);
    let runs: Vec<_> = ["two_pcs_anne", "two_pcs_bruno"]
        .iter()
        .map(|clerk| deposit_from_pc(clerk, &base.address(clerk), dir, sandbox, &[]))
        .collect();
    let outputs: Vec<_> = runs
        .into_iter()
        .map(|child| child.wait_with_output().unwrap())
        .collect();
    for out in &outputs {
        assert!(
            out.status.success(),
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // Chorus Pro received every conformant invoice, each once.
    let received = common::sandbox_received(sandbox);
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    let missing: Vec<_> = conformant
        .iter()
        .filter(|n| !received.contains_key(*n))
        .collect();
    assert!(missing.is_empty(), "never sent: {missing:?}");
    // The PCs shared the work, and the base knows one live deposit per invoice.
    let by_pc: Vec<i64> = outputs
        .iter()
        .map(|o| {
            let text = String::from_utf8_lossy(&o.stdout);
            text.lines()
                .filter(|l| l.contains("déposée : flux"))
                .count() as i64
        })
        .collect();
    eprintln!("deposited by each PC: {by_pc:?}");
    assert_eq!(
        by_pc.iter().sum::<i64>(),
        conformant.len() as i64,
        "{by_pc:?}"
    );
    let live: i64 = base
        .owner()
        .query_one(
            "SELECT count(*) FROM deposit_journal WHERE state = 'DEPOSEE'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(live, conformant.len() as i64);
    // Each PC kept the files it sent in its own folder.
    for clerk in ["two_pcs_anne", "two_pcs_bruno"] {
        assert!(dir.join(clerk).exists(), "{clerk}");
    }
}

/// A PC that dies after claiming an invoice (its journal row written, the call never
/// answered) leaves the claim in the team base: for every other PC the invoice is « à
/// vérifier », never free to send again, until Chorus Pro shows it or the delay passes.
#[test]
fn a_claim_left_by_a_pc_that_died_is_to_verify_for_the_others_never_free() {
    use chorus_depot::store::deposits::{self, FluxMode, NewFlux};
    use chorus_depot::store::sql::PgSql;
    let base = TeamDemo::new("crashed_pc");
    let orphan = base.conformant[0].clone();
    {
        // Anne's PC: the flux written, the invoice claimed… and the PC gone.
        let anne = PgSql::new(
            connect(&common::postgres::as_user(
                &base.conninfo,
                "crashed_pc_anne",
            ))
            .unwrap(),
        );
        let flux = deposits::insert_flux(
            &anne,
            &NewFlux {
                company_code: "SIEGE".into(),
                mode: FluxMode::Sequential,
                syntax: "IN_DP_E1_UBL_INVOICE".into(),
                name: format!("Facture {orphan}"),
                file_path: String::new(),
                file_sha256: String::new(),
                file_size: 0,
                invoice_count: 1,
                created_at: chrono::Local::now().to_rfc3339(),
            },
        )
        .unwrap();
        deposits::begin(&anne, &orphan, flux, &chrono::Local::now().to_rfc3339())
            .unwrap()
            .expect("claimed");
    }
    // Bruno deposits everything conformant an hour's delay before giving up on a claim.
    let out = deposit_from_pc(
        "crashed_pc_bruno",
        &base.address("crashed_pc_bruno"),
        base.dir.path(),
        &base.sandbox,
        &["--uncertain-after", "3600"],
    )
    .wait_with_output()
    .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let received = common::sandbox_received(&base.sandbox);
    assert!(
        !received.contains_key(&orphan),
        "the claimed invoice left again\n{text}"
    );
    assert_eq!(received.len(), base.conformant.len() - 1, "{text}");
    let line = text
        .lines()
        .find(|l| l.contains(orphan.as_str()))
        .unwrap_or_default();
    assert!(line.contains("à vérifier"), "{text}");
    let state: String = base
        .owner()
        .query_one(
            "SELECT state FROM deposit_journal WHERE invoice_number = $1",
            &[&orphan],
        )
        .unwrap()
        .get(0);
    assert_eq!(state, "A_VERIFIER", "never free again");
}

/// The roles hold for the commands too, enforced by the base: the manager checks and reads
/// the statuses a clerk's sync brought, and may not deposit — nothing leaves for Chorus Pro.
#[test]
fn a_manager_checks_and_follows_but_may_not_deposit_on_the_team_base() {
    let base = TeamDemo::new("roles_cli");
    let (dir, sandbox) = (base.dir.path(), &base.sandbox);
    let run = |pc: &str, args: &[&str]| {
        let out = command_on_pc(pc, dir, sandbox).args(args).output().unwrap();
        (
            out.status.success(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ),
        )
    };
    let manager = base.address("roles_cli_gaelle");
    let (ok, text) = run("gaelle", &["check", "--db", &manager, "--json"]);
    assert!(ok || text.contains("\"conforme\""), "{text}");
    let report: serde_json::Value = serde_json::from_str(
        text.lines()
            .find(|l| l.starts_with('{'))
            .expect("the JSON report"),
    )
    .unwrap();
    let conformant = report["factures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["conforme"] == true)
        .count();
    assert_eq!(
        conformant,
        base.conformant.len(),
        "the manager's check agrees"
    );

    let out = deposit_from_pc("gaelle", &manager, dir, sandbox, &[])
        .wait_with_output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        said.contains("votre rôle dans la base d'équipe ne le permet pas"),
        "{said}"
    );
    assert!(common::sandbox_received(sandbox).is_empty(), "nothing left");

    // A clerk deposits and syncs; the manager sees Chorus Pro's statuses.
    let clerk = base.address("roles_cli_anne");
    let out = deposit_from_pc("anne", &clerk, dir, sandbox, &[])
        .wait_with_output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (ok, text) = run("anne", &["sync", "--db", &clerk]);
    assert!(ok, "{text}");
    let (ok, text) = run("gaelle", &["status", "--db", &manager, "--json"]);
    assert!(ok, "{text}");
    let status: serde_json::Value = serde_json::from_str(
        text.lines()
            .find(|l| l.starts_with('{'))
            .expect("the JSON statuses"),
    )
    .unwrap();
    let known = status["factures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["identifiant_cpp"].is_number())
        .count();
    assert_eq!(known, base.conformant.len(), "{status}");
}

/// The window of a PC follows the team base: its watch sees every commit of the other
/// sessions within a poll, and nothing else — not an open transaction, not its own writes,
/// not a reader.
#[test]
fn a_watching_pc_is_told_of_each_commit_of_the_others_and_only_of_those() {
    use chorus_depot::sql_params;
    use chorus_depot::store::change_watch::ChangeWatch;
    use chorus_depot::store::postgres::address::TeamAddress;
    use chorus_depot::store::sql::{PgSql, Sql};
    use std::time::{Duration, Instant};

    let pg = server();
    let conninfo = pg.fresh_database("watch");
    let mut owner = connect(&conninfo).unwrap();
    team::prepare(&mut owner).unwrap();
    for (who, role) in [
        ("watch_anne", team::TeamRole::Commis),
        ("watch_bruno", team::TeamRole::Commis),
        ("watch_gaelle", team::TeamRole::Gestionnaire),
    ] {
        team::add_user(&mut owner, who, PASSWORD, &[role]).unwrap();
    }
    let database = conninfo.rsplit("dbname=").next().unwrap();
    let address = TeamAddress::parse_with(
        &format!("postgresql://watch_anne@localhost:{}/{database}", pg.port()),
        None,
        None,
    )
    .unwrap()
    .with_root_certificate(&pg.ca_file());
    let triggers: i64 = owner
        .query_one(
            "SELECT count(*) FROM pg_trigger WHERE tgname = 'chorus_depot_changes'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(triggers > 20, "one change trigger per table: {triggers}");
    let watch = ChangeWatch::open_team(&address).unwrap();
    let news_within = |wait: Duration, before: i64| {
        let start = Instant::now();
        loop {
            let now = watch.version().unwrap();
            if now != before || start.elapsed() > wait {
                return now;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let v0 = watch.version().unwrap();
    let as_user =
        |who: &str| PgSql::new(connect(&common::postgres::as_user(&conninfo, who)).unwrap());

    // Another clerk's commit: seen.
    let bruno = as_user("watch_bruno");
    bruno
        .execute(
            "INSERT INTO app_settings (key, value) VALUES (?1, ?2)",
            sql_params!["vu", "1"],
        )
        .unwrap();
    let v1 = news_within(Duration::from_secs(5), v0);
    assert_ne!(v1, v0, "a commit of another PC is news");

    // An open transaction is not news; its commit is.
    let mut open = connect(&common::postgres::as_user(&conninfo, "watch_bruno")).unwrap();
    let mut tx = open.transaction().unwrap();
    tx.execute("UPDATE app_settings SET value = '2' WHERE key = 'vu'", &[])
        .unwrap();
    assert_eq!(
        news_within(Duration::from_millis(400), v1),
        v1,
        "not committed yet"
    );
    tx.commit().unwrap();
    let v2 = news_within(Duration::from_secs(5), v1);
    assert_ne!(v2, v1);

    // The watch's own writes and a manager's reads are not news.
    watch
        .with_db(|db| db.execute("UPDATE app_settings SET value = '3' WHERE key = 'vu'", &[]))
        .unwrap();
    let gaelle = as_user("watch_gaelle");
    (&gaelle as &dyn Sql)
        .first_row("SELECT count(*) FROM invoices", &[], |r| r.int(0))
        .unwrap();
    assert_eq!(news_within(Duration::from_millis(400), v2), v2);
}
