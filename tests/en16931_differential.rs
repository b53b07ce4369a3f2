//! Differential test of the in-process EN 16931 validator against the official artefacts.
//!
//! A corpus of documents — the demo invoices, the hand-written edge cases and systematic
//! mutations of them (missing VAT number, wrong rates and categories, rounding, credit notes,
//! empty fields, bad codes, long texts, negative lines…) — goes through the non-refusing
//! mapping and the writers, in UBL and in CII. Each file is judged by `validate_xml` and by
//! the official XSLT of its syntax (tests/validators/validate.py, one Python process per core
//! for the whole batch), and the verdicts are compared document by document, rule by rule.
//! The official example invoices are added to the batch.
//!
//! The test fails when (a) a file the in-process validator calls conformant fails an official
//! fatal rule or its schema, (b) any fatal disagreement on an implemented rule remains (the
//! allow-list below is empty), (c) a file breaks a syntax rule (UBL-*, CII-*) other than the
//! few the rules judge too (`SYNTAX_RULES`: the ERP's data, not the writer, breaks them), or
//! (d) a model does not survive its round trip through the file.
//! Everything is written to target/en16931-differential/ (the files, `report.txt`).

mod common;
mod einvoice_cases;

use chorus_depot::einvoice::en16931::{self, IMPLEMENTED, Origin, SYNTAX_RULES, Syntax, mapping};
use chorus_depot::einvoice::{AllowanceCharge, Format, InvoiceDocument, LineAllowance};
use chorus_depot::model::{InvoiceKind, VatCategory};
use chorus_depot::progress::Silent;
use chorus_depot::store::Store;
use rust_decimal::Decimal;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::time::Instant;

/// Disagreements accepted on purpose, with the reason. Empty.
const ALLOWED: &[(&str, &str)] = &[];

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

type Mutation = (&'static str, fn(&mut InvoiceDocument));

fn set_line(d: &mut InvoiceDocument, cat: VatCategory, rate: &str) {
    if let Some(l) = d.lines.first_mut() {
        l.vat_category = cat;
        l.vat_rate = dec(rate);
    }
}

fn mutations() -> Vec<Mutation> {
    use VatCategory::*;
    vec![
        ("no_seller_vat", |d| d.seller.vat_number.clear()),
        ("seller_vat_spaces", |d| d.seller.vat_number = "FR 32 412 345 679".into()),
        ("seller_vat_bad_prefix", |d| d.seller.vat_number = "32412345679".into()),
        ("seller_vat_one_letter", |d| d.seller.vat_number = "F".into()),
        ("no_seller_name", |d| d.seller.name = "   ".into()),
        ("no_buyer_name", |d| d.buyer.name.clear()),
        ("no_number", |d| d.invoice.number = " ".into()),
        ("no_currency", |d| d.invoice.currency.clear()),
        ("currency_usd", |d| d.invoice.currency = "usd".into()),
        ("currency_bad", |d| d.invoice.currency = "EURO".into()),
        ("currency_numeric", |d| d.invoice.currency = "978".into()),
        ("s_at_zero", |d| set_line(d, Standard, "0")),
        ("s_negative_rate", |d| set_line(d, Standard, "-20")),
        ("e_with_rate", |d| set_line(d, Exempt, "20")),
        ("e_no_reason", |d| set_line(d, Exempt, "0")),
        ("e_reason", |d| {
            set_line(d, Exempt, "0");
            d.lines[0].exemption_reason = "Art. 261 C du CGI".into();
        }),
        ("ae_with_rate", |d| set_line(d, ReverseCharge, "10")),
        ("ae_no_reason", |d| set_line(d, ReverseCharge, "0")),
        ("g_no_reason", |d| set_line(d, Export, "0")),
        ("g_with_rate", |d| set_line(d, Export, "5.5")),
        ("z_with_rate", |d| set_line(d, ZeroRated, "5")),
        ("z_with_reason", |d| {
            set_line(d, ZeroRated, "0");
            d.lines[0].exemption_reason = "Taux zéro".into();
        }),
        ("s_with_reason", |d| d.lines[0].exemption_reason = "Raison".into()),
        ("o_with_rate", |d| set_line(d, NotSubject, "20")),
        ("o_mixed", |d| set_line(d, NotSubject, "0")),
        ("o_only", |d| {
            for l in &mut d.lines {
                l.vat_category = NotSubject;
                l.vat_rate = Decimal::ZERO;
            }
            for a in &mut d.allowances_charges {
                a.vat_category = NotSubject;
                a.vat_rate = Decimal::ZERO;
            }
        }),
        ("o_only_no_vat", |d| {
            for l in &mut d.lines {
                l.vat_category = NotSubject;
                l.vat_rate = Decimal::ZERO;
            }
            d.allowances_charges.clear();
            d.seller.vat_number.clear();
        }),
        ("k_line", |d| set_line(d, IntraCommunity, "0")),
        ("k_with_rate", |d| set_line(d, IntraCommunity, "20")),
        ("rates_many_decimals", |d| {
            let rates = ["19.6", "5.55", "8.125", "2.1"];
            for (l, r) in d.lines.iter_mut().zip(rates) {
                l.vat_category = Standard;
                l.vat_rate = dec(r);
            }
        }),
        ("all_categories", |d| {
            let cats = [
                (Standard, "20"),
                (Standard, "5.5"),
                (ZeroRated, "0"),
                (Exempt, "0"),
                (ReverseCharge, "0"),
                (Export, "0"),
            ];
            let base = d.lines[0].clone();
            d.lines = cats
                .iter()
                .enumerate()
                .map(|(i, (c, r))| chorus_depot::model::InvoiceLine {
                    line_number: i as u32 + 1,
                    vat_category: *c,
                    vat_rate: dec(r),
                    ..base.clone()
                })
                .collect();
            d.line_allowances.clear();
        }),
        ("rounding_3_decimals", |d| {
            for l in &mut d.lines {
                l.line_total = l.line_total.round_dp(2) + dec("0.005");
            }
        }),
        ("rounding_4_decimals", |d| {
            for l in &mut d.lines {
                l.line_total += dec("0.0049");
            }
        }),
        ("rounding_half_negative", |d| d.lines[0].line_total = dec("-0.005")),
        ("qty_price_mismatch", |d| d.lines[0].line_total = dec("123.45")),
        ("price_many_decimals", |d| {
            d.lines[0].unit_price = dec("0.123456");
            d.lines[0].quantity = dec("3.333");
        }),
        ("negative_line", |d| {
            d.lines[0].unit_price = -d.lines[0].unit_price.abs();
            d.lines[0].line_total = -d.lines[0].line_total.abs();
        }),
        ("negative_quantity", |d| {
            d.lines[0].quantity = -d.lines[0].quantity.abs();
            d.lines[0].line_total = -d.lines[0].line_total.abs();
        }),
        ("negative_invoice", |d| {
            for l in &mut d.lines {
                l.quantity = -l.quantity.abs();
                l.line_total = -l.line_total.abs();
            }
            d.allowances_charges.clear();
        }),
        ("zero_invoice", |d| {
            for l in &mut d.lines {
                l.unit_price = Decimal::ZERO;
                l.line_total = Decimal::ZERO;
            }
            d.allowances_charges.clear();
            d.line_allowances.clear();
        }),
        ("credit_note_with_invoice", |d| {
            d.invoice.kind = InvoiceKind::CreditNote;
            d.preceding_invoice = Some(("F0001".into(), chrono::NaiveDate::from_ymd_opt(2026, 1, 5)));
        }),
        ("credit_note_alone", |d| {
            d.invoice.kind = InvoiceKind::CreditNote;
            d.preceding_invoice = None;
        }),
        ("credit_note_blank_reference", |d| {
            d.invoice.kind = InvoiceKind::CreditNote;
            d.preceding_invoice = Some(("  ".into(), None));
        }),
        ("invoice_with_preceding", |d| d.preceding_invoice = Some(("F0".into(), None))),
        ("empty_addresses", |d| {
            d.seller.address.clear();
            d.seller.city.clear();
            d.seller.postal_code.clear();
            d.buyer.address.clear();
            d.buyer.city.clear();
            d.buyer.postal_code.clear();
        }),
        ("long_texts", |d| {
            d.lines[0].label = "Prestation « longue » & détaillée ".repeat(150);
            d.buyer.name = "Établissement public <très> long ".repeat(30);
            d.seller.address = "x".repeat(2000);
        }),
        ("control_chars", |d| {
            d.seller.name = "ACME\u{1}\u{7} SAS\u{fffe}".into();
            d.lines[0].label = "Ligne\r\navec\tretours\u{0}".into();
            d.buyer.city = "Saint-Étienne\r".into();
        }),
        ("emoji_and_quotes", |d| {
            d.lines[0].label = "Café ☕ « l'été » \"quoted\" <b> & 😀".into();
        }),
        ("empty_label", |d| d.lines[0].label = " ".into()),
        ("unknown_units", |d| {
            let units = ["BIDULE", "m²", "Heures", "", "lot"];
            for (l, u) in d.lines.iter_mut().zip(units.iter().cycle()) {
                l.unit = u.to_string();
            }
        }),
        ("cheque", |d| d.invoice.payment_means = "CHEQUE".into()),
        ("card", |d| d.invoice.payment_means = "CB".into()),
        ("cash", |d| d.invoice.payment_means = "Espèces".into()),
        ("unknown_means", |d| d.invoice.payment_means = "TRAITE".into()),
        ("sepa", |d| d.invoice.payment_means = "VIREMENT SEPA".into()),
        ("no_means_no_iban", |d| {
            d.invoice.payment_means.clear();
            d.seller.iban.clear();
        }),
        ("transfer_no_iban", |d| {
            d.invoice.payment_means = "VIREMENT".into();
            d.seller.iban = "  ".into();
            d.seller.bic.clear();
        }),
        ("transfer_no_holder", |d| {
            d.seller.account_holder.clear();
        }),
        ("no_due_date", |d| d.invoice.due_date = None),
        ("due_before_issue", |d| d.invoice.due_date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)),
        ("no_buyer_siret", |d| d.buyer.siret.clear()),
        ("no_seller_siret", |d| d.seller.siret.clear()),
        ("no_seller_ids", |d| {
            d.seller.siret.clear();
            d.seller.vat_number.clear();
        }),
        ("siret_with_letters", |d| d.seller.siret = "4123 4567 ABC".into()),
        ("no_lines", |d| {
            d.lines.clear();
            d.line_allowances.clear();
        }),
        ("no_pdf", |d| d.attachment = None),
        ("pdf_mime_zip", |d| {
            if let Some(a) = &mut d.attachment {
                a.mime = "application/zip".into();
            }
        }),
        ("pdf_mime_upper", |d| {
            if let Some(a) = &mut d.attachment {
                a.mime = "APPLICATION/PDF".into();
            }
        }),
        ("pdf_empty_name", |d| {
            if let Some(a) = &mut d.attachment {
                a.file_name = " ".into();
            }
        }),
        ("no_chorus_data", |d| {
            d.service_code.clear();
            d.engagement_number.clear();
            d.market_number.clear();
        }),
        ("billing_frame", |d| d.invoice.billing_frame = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE".into()),
        ("allowances_categories", |d| {
            d.allowances_charges = vec![
                AllowanceCharge {
                    charge: false,
                    amount: dec("3.333"),
                    reason: String::new(),
                    vat_category: VatCategory::Standard,
                    vat_rate: dec("20"),
                },
                AllowanceCharge {
                    charge: true,
                    amount: dec("4"),
                    reason: "Port".into(),
                    vat_category: VatCategory::Exempt,
                    vat_rate: Decimal::ZERO,
                },
                AllowanceCharge {
                    charge: true,
                    amount: dec("2"),
                    reason: "Frais".into(),
                    vat_category: VatCategory::NotSubject,
                    vat_rate: Decimal::ZERO,
                },
            ];
        }),
        ("allowance_negative", |d| {
            d.allowances_charges = vec![AllowanceCharge {
                charge: false,
                amount: dec("-5"),
                reason: "Remise".into(),
                vat_category: VatCategory::Standard,
                vat_rate: dec("20"),
            }];
        }),
        ("allowance_s_zero", |d| {
            d.allowances_charges = vec![AllowanceCharge {
                charge: true,
                amount: dec("5"),
                reason: "Frais".into(),
                vat_category: VatCategory::Standard,
                vat_rate: Decimal::ZERO,
            }];
        }),
        ("allowance_e_rate", |d| {
            d.allowances_charges = vec![AllowanceCharge {
                charge: false,
                amount: dec("5"),
                reason: "Remise".into(),
                vat_category: VatCategory::Exempt,
                vat_rate: dec("10"),
            }];
        }),
        ("allowance_k", |d| {
            d.allowances_charges = vec![AllowanceCharge {
                charge: true,
                amount: dec("5"),
                reason: "Frais".into(),
                vat_category: VatCategory::IntraCommunity,
                vat_rate: Decimal::ZERO,
            }];
        }),
        ("line_allowances", |d| {
            if let Some(l) = d.lines.first() {
                d.line_allowances = vec![
                    LineAllowance {
                        line_number: l.line_number,
                        amount: dec("1.005"),
                        reason: String::new(),
                    },
                    LineAllowance {
                        line_number: l.line_number,
                        amount: dec("2"),
                        reason: "Remise quantité".into(),
                    },
                ];
            }
        }),
        ("big_amounts", |d| {
            d.lines[0].quantity = dec("1000000");
            d.lines[0].unit_price = dec("99999.99");
            d.lines[0].line_total = dec("99999990000");
        }),
        ("duplicate_line_numbers", |d| {
            for l in &mut d.lines {
                l.line_number = 7;
            }
        }),
        ("client_email_blank", |d| d.buyer.email = " ".into()),
    ]
}

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
        .filter_map(|c| {
            chorus_depot::app::documents::load_document(&store, &c.invoice.number).ok()
        })
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

    let mut judged = Vec::new();
    let mut round_trip_failures = Vec::new();
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
            });
        }
    }
    // The official examples go through the same comparison.
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validators/en16931-1.3.16/examples");
    for tag in ["ubl", "cii"] {
        let mut files: Vec<_> = std::fs::read_dir(examples.join(tag))
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for file in files {
            let findings = chorus_depot::einvoice::validate_xml(&std::fs::read(&file).unwrap()).unwrap();
            let mut ours = BTreeMap::new();
            for f in findings {
                *ours.entry(f.rule).or_insert(false) |= f.fatal;
            }
            judged.push(Judged {
                name: format!("example_{}", file.file_name().unwrap().to_string_lossy()),
                file,
                syntax: tag,
                ours,
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
                other_fatal.push(format!("{id}: {}", text.chars().take(160).collect::<String>()));
                if id.starts_with("UBL-") || id.starts_with("CII-") {
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
        let ours_warn: BTreeSet<&str> = j.ours.iter().filter(|(_, f)| !**f).map(|(r, _)| *r).collect();
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
        "{} documents, {} files ({} judged conformant in-process), {} fatal disagreements on \
         implemented rules, {} files conformant in-process but refused officially, {} syntax \
         rule failures, {} warning disagreements, {} round-trip failures; allow-list: {} \
         entries. Writing + in-process: {:.1?}, official validators: {:.1?}, total {:.1?}\n\
         official fatal rules seen (files): {:?}\n",
        cases.len(),
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
    for d in disagreements.iter().chain(&false_conformant).chain(&syntax_rules) {
        eprintln!("{d}");
    }
    for r in &round_trip_failures {
        eprintln!("round trip: {r}");
    }
    assert!(round_trip_failures.is_empty(), "round trips fail");
    assert!(syntax_rules.is_empty(), "the writers break syntax rules");
    assert!(false_conformant.is_empty(), "conformant in-process, refused officially");
    assert!(disagreements.is_empty(), "disagreements on implemented rules");
}
