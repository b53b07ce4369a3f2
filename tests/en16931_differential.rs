//! Differential test of the in-process EN 16931 validator against the official artefacts.
//!
//! A corpus of documents — the demo invoices, the hand-written edge cases and systematic
//! mutations of them (missing VAT number, wrong rates and categories, rounding, credit notes,
//! empty fields, bad codes, long texts, negative lines…) — goes through the non-refusing
//! mapping and the writers, in UBL and in CII. Each file is judged by `validate_xml` and by
//! the official XSLT of its syntax (tests/validators/validate.py, one Python process per core
//! for the whole batch), and the verdicts are compared document by document, rule by rule.
//! The official example invoices are added to the batch, as they are and read into the model
//! then written back (the writers must keep what the examples say).
//!
//! The test fails when (a) a file the in-process validator calls conformant fails an official
//! fatal rule or its schema, (b) any fatal disagreement on an implemented rule remains (the
//! allow-list below is empty), (c) a file breaks a syntax rule (UBL-*, CII-*) other than the
//! few the rules judge too (`SYNTAX_RULES`: the ERP's data, not the writer, breaks them), or
//! (d) a model does not survive its round trip through the file.
//! Everything is written to target/en16931-differential/ (the files, `report.txt`).

mod common;
mod einvoice_cases;
mod en16931_mutations;

use chorus_depot::einvoice::en16931::{self, IMPLEMENTED, Origin, SYNTAX_RULES, Syntax, mapping};
use chorus_depot::einvoice::{Format, InvoiceDocument};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use en16931_mutations::{model_mutations, mutations};

/// Disagreements accepted on purpose, with the reason. Empty.
const ALLOWED: &[(&str, &str)] = &[];

struct Case {
    name: String,
    doc: InvoiceDocument,
}

fn demo_documents(dir: &Path) -> Vec<Case> {
    let db = dir.join("demo.sqlite");
    let options = chorus_depot::demo::DemoOptions {
        invoices: 220,
        seed: 11,
    };
    chorus_depot::demo::write_demo(&db, &options, &Silent).unwrap();
    let mut store = Store::open(&db).unwrap();
    let report = chorus_depot::app::run_checks(&mut store, &Silent).unwrap();
    report
        .checks
        .iter()
        .filter_map(|c| chorus_depot::app::documents::load_document(&store, &c.invoice.number).ok())
        .map(|doc| Case {
            name: format!("demo_{}", doc.invoice.number),
            doc,
        })
        .collect()
}

fn corpus(dir: &Path) -> Vec<Case> {
    let demo = demo_documents(dir);
    let edge: Vec<Case> = einvoice_cases::edge_cases()
        .into_iter()
        .map(|doc| Case {
            name: format!("edge_{}", doc.invoice.number),
            doc,
        })
        .collect();
    let bases: Vec<&Case> = edge.iter().chain(demo.iter().take(1)).collect();
    let mut cases = Vec::new();
    for base in &bases {
        for (name, mutate) in mutations() {
            let mut doc = base.doc.clone();
            if doc.lines.is_empty() {
                continue;
            }
            mutate(&mut doc);
            cases.push(Case {
                name: format!("{}__{name}", base.name),
                doc,
            });
        }
    }
    demo.into_iter().chain(edge).chain(cases).collect()
}

/// One judged file.
struct Judged {
    file: PathBuf,
    name: String,
    syntax: &'static str,
    /// Ours: rule → fatal.
    ours: BTreeMap<&'static str, bool>,
    /// Written by the mapping (or an official example): syntax rules must hold.
    structure_checked: bool,
}

fn run_validators(files: &[PathBuf]) -> BTreeMap<PathBuf, Vec<Value>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/validate.py");
    let python = common::venv_python();
    // One process per core: each compiles the stylesheets once and takes half the files.
    let chunks: Vec<Vec<PathBuf>> = {
        let half = files.len().div_ceil(2).max(1);
        files.chunks(half).map(<[PathBuf]>::to_vec).collect()
    };
    let children: Vec<_> = chunks
        .iter()
        .map(|chunk| {
            Command::new(python)
                .arg(&script)
                .arg("--warnings")
                .args(chunk)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("the validator starts")
        })
        .collect();
    let mut out = BTreeMap::new();
    for child in children {
        let output = child.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "validator failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let report: Value = serde_json::from_slice(&output.stdout).expect("validator JSON");
        for f in report["files"].as_array().unwrap() {
            out.insert(
                PathBuf::from(f["file"].as_str().unwrap()),
                f["errors"].as_array().unwrap().clone(),
            );
        }
    }
    out
}

#[test]
fn in_process_rules_agree_with_the_official_xslt() {
    let started = Instant::now();
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/en16931-differential");
    let _ = std::fs::remove_dir_all(&out);
    std::fs::create_dir_all(out.join("files")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let cases = corpus(tmp.path());
    assert!(cases.len() >= 500, "only {} documents", cases.len());

    // The guarantee: `render` succeeds exactly when `conformance` has no fatal finding, and
    // writes the very file judged here (Factur-X on the first documents: it parses the PDF).
    let mut guarantee_failures = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let formats: &[Format] = if i < 60 {
            &[Format::Ubl, Format::Cii, Format::FacturX]
        } else {
            &[Format::Ubl, Format::Cii]
        };
        for &format in formats {
            let refused = chorus_depot::einvoice::conformance(&case.doc, format)
                .iter()
                .any(|f| f.fatal);
            match chorus_depot::einvoice::render(&case.doc, format, None) {
                Ok(file) if !refused => {
                    if format != Format::FacturX {
                        let model = mapping::map(&case.doc, format, None).invoice;
                        let expected = match format {
                            Format::Ubl => en16931::write_ubl::write(&model),
                            _ => en16931::write_cii::write(&model),
                        };
                        if file.bytes != expected.as_bytes() {
                            guarantee_failures
                                .push(format!("{} {format:?}: other bytes", case.name));
                        }
                    }
                }
                Err(_) if refused => {}
                Ok(_) => guarantee_failures
                    .push(format!("{} {format:?}: rendered though refused", case.name)),
                Err(e) => {
                    guarantee_failures.push(format!("{} {format:?}: conformant but {e}", case.name))
                }
            }
        }
    }
    for g in &guarantee_failures {
        eprintln!("guarantee: {g}");
    }
    assert!(
        guarantee_failures.is_empty(),
        "conformance and render disagree"
    );

    let mut judged = Vec::new();
    let mut round_trip_failures = Vec::new();
    let mut index = cases.len();
    let mut model_cases = 0;
    let model_bases: Vec<(String, InvoiceDocument)> = einvoice_cases::edge_cases()
        .into_iter()
        .filter(|d| {
            ["EDGE-RATES", "EDGE-AVOIR", "EDGE-REMISES", "EDGE-AE-G-Z"]
                .contains(&d.invoice.number.as_str())
        })
        .map(|d| (d.invoice.number.clone(), d))
        .collect();
    for (base_name, doc) in &model_bases {
        for (format, syntax, tag) in [
            (Format::Ubl, Syntax::Ubl, "ubl"),
            (Format::Cii, Syntax::Cii, "cii"),
        ] {
            let mapped = mapping::map(doc, format, None);
            let xml = match syntax {
                Syntax::Ubl => en16931::write_ubl::write(&mapped.invoice),
                Syntax::Cii => en16931::write_cii::write(&mapped.invoice),
            };
            let (base, _) = en16931::read(xml.as_bytes()).unwrap();
            for (name, mutate) in model_mutations() {
                let mut m = base.clone();
                mutate(&mut m);
                let xml = match syntax {
                    Syntax::Ubl => en16931::write_ubl::write(&m),
                    Syntax::Cii => en16931::write_cii::write(&m),
                };
                let file = out.join("files").join(format!("{index:04}_{tag}.xml"));
                index += 1;
                std::fs::write(&file, &xml).unwrap();
                let on_file = chorus_depot::einvoice::validate_xml(xml.as_bytes()).unwrap();
                let mut ours = BTreeMap::new();
                for f in on_file {
                    *ours.entry(f.rule).or_insert(false) |= f.fatal;
                }
                model_cases += 1;
                judged.push(Judged {
                    file,
                    name: format!("model_{base_name}__{name}"),
                    syntax: tag,
                    ours,
                    structure_checked: false,
                });
            }
        }
    }
    for (i, case) in cases.iter().enumerate() {
        for (format, syntax, tag) in [
            (Format::Ubl, Syntax::Ubl, "ubl"),
            (Format::Cii, Syntax::Cii, "cii"),
        ] {
            let mapped = mapping::map(&case.doc, format, None);
            let xml = match syntax {
                Syntax::Ubl => en16931::write_ubl::write(&mapped.invoice),
                Syntax::Cii => en16931::write_cii::write(&mapped.invoice),
            };
            let file = out.join("files").join(format!("{i:04}_{tag}.xml"));
            std::fs::write(&file, &xml).unwrap();
            // (d) the file is the model.
            match en16931::read(xml.as_bytes()) {
                Ok((back, s)) if s == syntax && back == mapped.invoice => {}
                Ok(_) => round_trip_failures.push(format!("{} {tag}", case.name)),
                Err(e) => round_trip_failures.push(format!("{} {tag}: {e}", case.name)),
            }
            let on_model = en16931::check(&mapped.invoice, syntax, Origin::File);
            let on_file = chorus_depot::einvoice::validate_xml(xml.as_bytes()).unwrap();
            assert_eq!(
                on_model.iter().map(|f| f.rule).collect::<Vec<_>>(),
                on_file.iter().map(|f| f.rule).collect::<Vec<_>>(),
                "{}: the model and its file are judged alike",
                case.name
            );
            let mut ours = BTreeMap::new();
            for f in on_file {
                *ours.entry(f.rule).or_insert(false) |= f.fatal;
            }
            judged.push(Judged {
                file,
                name: case.name.clone(),
                syntax: tag,
                ours,
                structure_checked: true,
            });
        }
    }
    // The official examples go through the same comparison.
    let examples =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/en16931-1.3.16/examples");
    for tag in ["ubl", "cii"] {
        let mut files: Vec<_> = std::fs::read_dir(examples.join(tag))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            // Read into the model and written back: the writers keep every term the
            // examples use (the rewritten file is judged like the original).
            let (model, syntax) = en16931::read(&std::fs::read(&file).unwrap()).unwrap();
            let rewritten = match syntax {
                Syntax::Ubl => en16931::write_ubl::write(&model),
                Syntax::Cii => en16931::write_cii::write(&model),
            };
            let copy = out.join("files").join(format!(
                "rewritten_{}",
                file.file_name().unwrap().to_string_lossy()
            ));
            std::fs::write(&copy, &rewritten).unwrap();
            let mut ours = BTreeMap::new();
            for f in chorus_depot::einvoice::validate_xml(rewritten.as_bytes()).unwrap() {
                *ours.entry(f.rule).or_insert(false) |= f.fatal;
            }
            judged.push(Judged {
                name: format!(
                    "rewritten_example_{}",
                    file.file_name().unwrap().to_string_lossy()
                ),
                file: copy,
                syntax: tag,
                ours,
                structure_checked: true,
            });
            let findings =
                chorus_depot::einvoice::validate_xml(&std::fs::read(&file).unwrap()).unwrap();
            let mut ours = BTreeMap::new();
            for f in findings {
                *ours.entry(f.rule).or_insert(false) |= f.fatal;
            }
            judged.push(Judged {
                name: format!("example_{}", file.file_name().unwrap().to_string_lossy()),
                file,
                syntax: tag,
                ours,
                structure_checked: true,
            });
        }
    }
    let written = started.elapsed();

    let files: Vec<PathBuf> = judged.iter().map(|j| j.file.clone()).collect();
    let official = run_validators(&files);
    let validated = started.elapsed() - written;

    let implemented: BTreeSet<&str> = IMPLEMENTED.iter().chain(SYNTAX_RULES).copied().collect();
    let allowed: BTreeSet<(&str, &str)> = ALLOWED.iter().copied().collect();
    let mut report = String::new();
    let mut disagreements = Vec::new();
    let mut false_conformant = Vec::new();
    let mut syntax_rules = Vec::new();
    let mut warning_disagreements = 0;
    let mut conformant = 0;
    let mut rule_counts: BTreeMap<String, usize> = BTreeMap::new();
    for j in &judged {
        let errors = official
            .get(&j.file)
            .unwrap_or_else(|| panic!("no verdict for {}", j.file.display()));
        let mut theirs: BTreeMap<String, bool> = BTreeMap::new();
        let mut other_fatal = Vec::new();
        for e in errors {
            let id = e["id"].as_str().unwrap_or("?").to_string();
            let fatal = e["flag"].as_str() != Some("warning");
            if id.starts_with("BR-") || SYNTAX_RULES.contains(&id.as_str()) {
                *theirs.entry(id).or_insert(false) |= fatal;
            } else if fatal {
                let text = e["text"].as_str().unwrap_or("");
                other_fatal.push(format!(
                    "{id}: {}",
                    text.chars().take(160).collect::<String>()
                ));
                if j.structure_checked && (id.starts_with("UBL-") || id.starts_with("CII-")) {
                    syntax_rules.push(format!("{} {} {id}", j.name, j.syntax));
                }
            }
        }
        let ours_fatal: BTreeSet<&str> = j
            .ours
            .iter()
            .filter(|(r, f)| **f && (r.starts_with("BR-") || SYNTAX_RULES.contains(r)))
            .map(|(r, _)| *r)
            .collect();
        let ours_conformant = !j.ours.values().any(|f| *f);
        let theirs_fatal: BTreeSet<&str> = theirs
            .iter()
            .filter(|(_, f)| **f)
            .map(|(r, _)| r.as_str())
            .collect();
        for r in &theirs_fatal {
            *rule_counts.entry(r.to_string()).or_default() += 1;
        }
        let mut lines = Vec::new();
        if ours_conformant {
            conformant += 1;
            if !theirs_fatal.is_empty() || !other_fatal.is_empty() {
                false_conformant.push(format!(
                    "{} {}: official {:?} {:?}",
                    j.name, j.syntax, theirs_fatal, other_fatal
                ));
            }
        }
        for r in ours_fatal.symmetric_difference(&theirs_fatal) {
            let who = if ours_fatal.contains(r) {
                "in-process only"
            } else {
                "official only"
            };
            if !implemented.contains(r) {
                lines.push(format!("  {r}: {who} (not implemented)"));
                continue;
            }
            let line = format!("{} {} {r}: {who}", j.name, j.syntax);
            lines.push(format!("  {r}: {who}"));
            if !allowed.contains(&(*r, j.syntax)) {
                disagreements.push(line);
            }
        }
        let ours_warn: BTreeSet<&str> = j
            .ours
            .iter()
            .filter(|(_, f)| !**f)
            .map(|(r, _)| *r)
            .collect();
        let theirs_warn: BTreeSet<&str> = theirs
            .iter()
            .filter(|(_, f)| !**f)
            .map(|(r, _)| r.as_str())
            .collect();
        for r in ours_warn.symmetric_difference(&theirs_warn) {
            warning_disagreements += 1;
            lines.push(format!("  {r}: warning disagreement"));
        }
        let _ = writeln!(
            report,
            "{} {} {} | ours {:?} | official {:?}{}",
            j.file.file_name().unwrap().to_string_lossy(),
            j.syntax,
            j.name,
            ours_fatal,
            theirs_fatal,
            if other_fatal.is_empty() {
                String::new()
            } else {
                format!(" | schema/syntax {other_fatal:?}")
            }
        );
        for l in lines {
            let _ = writeln!(report, "{l}");
        }
    }
    let total = started.elapsed();
    let summary = format!(
        "{} documents from the ERP side and {} model mutations, {} files ({} judged conformant in-process), {} fatal disagreements on \
         implemented rules, {} files conformant in-process but refused officially, {} syntax \
         rule failures, {} warning disagreements, {} round-trip failures; allow-list: {} \
         entries. Writing + in-process: {:.1?}, official validators: {:.1?}, total {:.1?}\n\
         official fatal rules seen (files): {:?}\n",
        cases.len(),
        model_cases,
        judged.len(),
        conformant,
        disagreements.len(),
        false_conformant.len(),
        syntax_rules.len(),
        warning_disagreements,
        round_trip_failures.len(),
        ALLOWED.len(),
        written,
        validated,
        total,
        rule_counts
    );
    std::fs::write(out.join("report.txt"), format!("{summary}\n{report}")).unwrap();
    eprintln!("{summary}");
    for d in disagreements
        .iter()
        .chain(&false_conformant)
        .chain(&syntax_rules)
    {
        eprintln!("{d}");
    }
    for r in &round_trip_failures {
        eprintln!("round trip: {r}");
    }
    assert!(round_trip_failures.is_empty(), "round trips fail");
    assert!(syntax_rules.is_empty(), "the writers break syntax rules");
    assert!(
        false_conformant.is_empty(),
        "conformant in-process, refused officially"
    );
    assert!(
        disagreements.is_empty(),
        "disagreements on implemented rules"
    );
}
