//! What may stand at an invoice's `fichier_pdf` (issue 9): an encrypted PDF is an anomaly
//! `PDF_PROTEGE` and never travels inside an e-invoice; a directory, a FIFO, a device or a
//! loop of symbolic links says what it is, and the check never blocks on it.

mod common;

use chorus_depot::app::documents::load_document;
use chorus_depot::app::run_checks;
use chorus_depot::checks::{AnomalyCode, InvoiceCheck};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Runs the check on another thread: a regression that opens a FIFO fails the test
/// instead of hanging the suite.
fn check_within(db: &Path, limit: Duration) -> Vec<InvoiceCheck> {
    let db = db.to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut store = Store::open(&db).unwrap();
        let _ = tx.send(run_checks(&mut store, &Silent).unwrap().checks);
    });
    rx.recv_timeout(limit)
        .expect("the check ended (it must never open a FIFO or a device)")
}

fn point_pdf_at(db: &Path, invoice: &str, path: &Path) {
    Store::open(db)
        .unwrap()
        .conn()
        .execute(
            "UPDATE invoices SET pdf_path = ?1 WHERE number = ?2",
            [path.to_str().unwrap(), invoice],
        )
        .unwrap();
}

fn anomaly_of<'a>(checks: &'a [InvoiceCheck], invoice: &str) -> Vec<(AnomalyCode, &'a str)> {
    checks
        .iter()
        .find(|c| c.invoice.number == invoice)
        .unwrap()
        .anomalies
        .iter()
        .map(|a| (a.code, a.message.as_str()))
        .collect()
}

/// The fixture's PDF of F2600001, encrypted by lopdf with `owner` and `user` passwords.
fn encrypted_copy(dir: &Path, owner: &str, user: &str) -> PathBuf {
    use lopdf::{EncryptionState, EncryptionVersion, Permissions};
    let source = common::fixtures().join("erp_small/pdf/F2600001.pdf");
    let mut doc = lopdf::Document::load(&source).unwrap();
    if doc.trailer.get(b"ID").is_err() {
        let id = lopdf::Object::String(
            b"0123456789abcdef".to_vec(),
            lopdf::StringFormat::Hexadecimal,
        );
        doc.trailer.set("ID", vec![id.clone(), id]);
    }
    let state = EncryptionState::try_from(EncryptionVersion::V2 {
        document: &doc,
        owner_password: owner,
        user_password: user,
        key_length: 128,
        permissions: Permissions::PRINTABLE,
    })
    .unwrap();
    doc.encrypt(&state).unwrap();
    let path = dir.join(format!(
        "protege-{}.pdf",
        if user.is_empty() { "owner" } else { "user" }
    ));
    doc.save(&path).unwrap();
    path
}

#[test]
fn an_encrypted_pdf_is_an_anomaly_and_never_embedded() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let before = check_within(&db, Duration::from_secs(60));
    assert!(
        anomaly_of(&before, "F2600001").is_empty(),
        "{:?}",
        anomaly_of(&before, "F2600001")
    );
    for (owner, user) in [("proprietaire", ""), ("proprietaire", "lecteur")] {
        let pdf = encrypted_copy(dir.path(), owner, user);
        point_pdf_at(&db, "F2600001", &pdf);
        let checks = check_within(&db, Duration::from_secs(60));
        let found = anomaly_of(&checks, "F2600001");
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, AnomalyCode::PdfProtege);
        assert!(
            found[0].1.contains("est protégé par un mot de passe"),
            "{}",
            found[0].1
        );
        // The e-invoice writer refuses it too (the file may change after the check).
        let store = Store::open(&db).unwrap();
        let err = load_document(&store, "F2600001").unwrap_err().to_string();
        assert!(
            err.contains("est protégé par un mot de passe : il ne peut être joint"),
            "{err}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_path_that_is_not_a_file_says_what_it_is_and_never_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let db = common::small_database(dir.path());
    let folder = dir.path().join("dossier.pdf");
    std::fs::create_dir(&folder).unwrap();
    let fifo = dir.path().join("tube.pdf");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let looped = dir.path().join("boucle.pdf");
    let other = dir.path().join("boucle2.pdf");
    std::os::unix::fs::symlink(&other, &looped).unwrap();
    std::os::unix::fs::symlink(&looped, &other).unwrap();
    let device = dir.path().join("zero.pdf");
    std::os::unix::fs::symlink("/dev/zero", &device).unwrap();

    let cases = [
        (
            "F2600001",
            &folder,
            "n'est pas un fichier : c'est un dossier",
        ),
        (
            "F2600002",
            &fifo,
            "n'est pas un fichier : c'est un tube nommé (FIFO)",
        ),
        ("F2600003", &looped, "boucle de liens symboliques"),
        (
            "F2600004",
            &device,
            "n'est pas un fichier : c'est un périphérique",
        ),
    ];
    for (invoice, path, _) in &cases {
        point_pdf_at(&db, invoice, path);
    }
    let checks = check_within(&db, Duration::from_secs(60));
    for (invoice, _, expected) in cases {
        let found = anomaly_of(&checks, invoice);
        assert!(
            found
                .iter()
                .any(|(code, m)| *code == AnomalyCode::PdfIllisible && m.contains(expected)),
            "{invoice}: {found:?}"
        );
    }
}
