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
) -> std::process::Child {
    Command::new(env!("CARGO_BIN_EXE_chorus-depot"))
        .args(["deposit", "--db", address])
        .args(["--mode", "sequential", "--wait-ms", "0", "--skip-on-error"])
        .arg("--all-conformant")
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
        .env("CHORUS_DEPOT_LOG", "error")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn two_clerks_depositing_at_once_on_one_team_base_send_each_invoice_once() {
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
    let pg = server();
    let conninfo = pg.fresh_database("two_pcs");
    let mut owner = connect(&conninfo).unwrap();
    team::prepare(&mut owner).unwrap();
    import_sqlite(Store::open(&demo).unwrap().conn(), &mut owner).unwrap();
    for clerk in ["pcs_anne", "pcs_bruno"] {
        team::add_user(&mut owner, clerk, PASSWORD, &[team::TeamRole::Commis]).unwrap();
    }
    let database = conninfo.rsplit("dbname=").next().unwrap().to_string();

    let sandbox = chorus_depot::sandbox::start(SandboxConfig {
        directory_files: common::demo_directory_files(&demo),
        time_scale: 1000.0,
        ..SandboxConfig::default()
    })
    .unwrap();
    let runs: Vec<_> = ["pcs_anne", "pcs_bruno"]
        .iter()
        .map(|clerk| {
            let address = format!("postgresql://{clerk}@localhost:{}/{database}", pg.port());
            deposit_from_pc(clerk, &address, dir.path(), &sandbox)
        })
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
    let received = common::sandbox_received(&sandbox);
    let twice: Vec<_> = received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    let missing: Vec<_> = conformant
        .iter()
        .filter(|n| !received.contains_key(*n))
        .collect();
    assert!(missing.is_empty(), "never sent: {missing:?}");
    // Both PCs took part, and the base knows one live deposit per invoice.
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
    let live: i64 = owner
        .query_one(
            "SELECT count(*) FROM deposit_journal WHERE state = 'DEPOSEE'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(live, conformant.len() as i64);
    // Each PC kept the files it sent in its own folder.
    for clerk in ["pcs_anne", "pcs_bruno"] {
        assert!(dir.path().join(clerk).exists(), "{clerk}");
    }
}
