//! The official EN 16931 example invoices (UBL and CII, release 1.3.16) all pass the official
//! rules: the in-process validator must find nothing fatal in them either.

use chorus_depot::einvoice::validate_xml;
use std::path::Path;

#[test]
fn official_examples_have_no_fatal_finding() {
    let base =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/en16931-1.3.16/examples");
    let mut checked = 0;
    let mut failed = Vec::new();
    for syntax in ["ubl", "cii"] {
        let mut files: Vec<_> = std::fs::read_dir(base.join(syntax))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            let findings =
                validate_xml(&bytes).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            checked += 1;
            for f in &findings {
                eprintln!(
                    "{} {} [{}] {}",
                    file.file_name().unwrap().to_string_lossy(),
                    f.rule,
                    if f.fatal { "fatal" } else { "warning" },
                    f.message
                );
            }
            if findings.iter().any(|f| f.fatal) {
                failed.push(file.display().to_string());
            }
        }
    }
    assert!(checked >= 30, "only {checked} examples found");
    assert!(failed.is_empty(), "fatal findings in {failed:?}");
}
