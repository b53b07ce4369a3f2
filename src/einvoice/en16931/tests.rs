//! Unit tests of the model rules, family by family: a model that breaks exactly one rule gets
//! exactly that finding (in each syntax, or the syntax's own reading where the artefacts
//! differ); the conformant model gets none. And the writers' round trip.

use super::model::*;
use super::{Syntax, check, mapping, read, rules::Origin, write_cii, write_ubl};
use crate::einvoice::{AllowanceCharge as ErpAllowance, Attachment, Format, InvoiceDocument};
use crate::model::{Client, ClientType, Company, InvoiceKind, InvoiceLine, VatCategory as Cat};
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn erp_line(n: u32, qty: &str, price: &str, rate: &str, cat: Cat) -> InvoiceLine {
    InvoiceLine {
        invoice_number: "F1".into(),
        line_number: n,
        label: format!("Article {n}"),
        quantity: dec(qty),
        unit: "H".into(),
        unit_price: dec(price),
        vat_rate: dec(rate),
        line_total: dec(qty) * dec(price),
        vat_category: cat,
        exemption_reason: String::new(),
    }
}

fn document(lines: Vec<InvoiceLine>) -> InvoiceDocument {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 2).unwrap();
    InvoiceDocument {
        invoice: crate::model::Invoice {
            number: "F1".into(),
            company_code: "SIEGE".into(),
            client_code: "C1".into(),
            kind: InvoiceKind::Invoice,
            invoice_date: date,
            due_date: Some(date),
            currency: "EUR".into(),
            total_excl_tax: Decimal::ZERO,
            total_tax: Decimal::ZERO,
            total_incl_tax: Decimal::ZERO,
            service_code: "SERV".into(),
            engagement_number: "EJ1".into(),
            market_number: "M1".into(),
            origin_reference: String::new(),
            pdf_path: String::new(),
            original_invoice_number: String::new(),
            payment_means: "VIREMENT".into(),
            billing_frame: String::new(),
        },
        lines,
        seller: Company {
            code: "SIEGE".into(),
            name: "ACME SERVICES".into(),
            siret: "41234567000019".into(),
            vat_number: "FR32412345679".into(),
            iban: "FR7630006000011234567890189".into(),
            bic: "AGRIFRPP".into(),
            account_holder: "ACME".into(),
            bank_domiciliation: String::new(),
            address: "1 rue A\r\nBât. B".into(),
            postal_code: "69002".into(),
            city: "Lyon".into(),
        },
        buyer: Client {
            code: "C1".into(),
            name: "Commune d'Évian & <Co>".into(),
            siret: "21690123100011".into(),
            client_type: ClientType::Public,
            address: "Place\tde la Mairie".into(),
            postal_code: "74500".into(),
            city: "Évian".into(),
            email: "compta@evian.fr".into(),
        },
        service_code: "SERV".into(),
        engagement_number: "EJ1".into(),
        market_number: "M1".into(),
        preceding_invoice: None,
        attachment: Some(Attachment {
            file_name: "F1 «été».pdf".into(),
            mime: "application/pdf".into(),
            bytes: b"%PDF-1.4 fake".to_vec(),
        }),
        allowances_charges: Vec::new(),
        line_allowances: Vec::new(),
    }
}

fn base() -> InvoiceDocument {
    document(vec![
        erp_line(1, "2", "50", "20", Cat::Standard),
        erp_line(2, "1", "10.05", "5.5", Cat::Standard),
    ])
}

fn model(doc: &InvoiceDocument) -> Invoice<'_> {
    let mapped = mapping::map(doc, Format::Ubl, None);
    assert!(mapped.findings.is_empty(), "{:?}", mapped.findings);
    mapped.invoice
}

fn fatal(inv: &Invoice<'_>, syntax: Syntax) -> Vec<&'static str> {
    let mut rules: Vec<_> = check(inv, syntax, Origin::File)
        .into_iter()
        .filter(|f| f.fatal)
        .map(|f| f.rule)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

/// The same fatal rules in both syntaxes.
fn both(inv: &Invoice<'_>) -> Vec<&'static str> {
    let ubl = fatal(inv, Syntax::Ubl);
    assert_eq!(ubl, fatal(inv, Syntax::Cii), "UBL and CII disagree");
    ubl
}

#[test]
fn the_mapped_document_is_conformant_in_both_syntaxes() {
    let doc = base();
    assert!(both(&model(&doc)).is_empty());
}

#[test]
fn core_rules() {
    let doc = base();
    let m = model(&doc);
    let mut inv = m.clone();
    inv.number = Some("  ".into());
    assert_eq!(both(&inv), ["BR-02"]);
    let mut inv = m.clone();
    inv.seller.name = None;
    assert_eq!(both(&inv), ["BR-06"]);
    let mut inv = m.clone();
    inv.buyer.name = Some("\n".into());
    assert_eq!(both(&inv), ["BR-07"]);
    let mut inv = m.clone();
    inv.seller.address.as_mut().unwrap().country = None;
    assert_eq!(both(&inv), ["BR-09"]);
    // The CII rule tests the country from the root: no address, no country either.
    let mut inv = m.clone();
    inv.buyer.address = None;
    assert_eq!(fatal(&inv, Syntax::Ubl), ["BR-10"]);
    assert_eq!(fatal(&inv, Syntax::Cii), ["BR-10", "BR-11"]);
    let mut inv = m.clone();
    inv.lines[1].item_name = Some(" ".into());
    assert_eq!(both(&inv), ["BR-25"]);
    let mut inv = m.clone();
    inv.lines[0].net_price = Some(dec("-1"));
    assert_eq!(both(&inv), ["BR-27"]);
    let mut inv = m.clone();
    inv.lines[0].unit_code = None;
    assert_eq!(both(&inv), ["BR-23"]);
    let mut inv = m.clone();
    inv.preceding_invoices.push(PrecedingInvoice::default());
    assert_eq!(both(&inv), ["BR-55"]);
    let mut inv = m.clone();
    inv.supporting_documents[0].reference = None;
    assert_eq!(both(&inv), ["BR-52"]);
}

#[test]
fn a_transfer_needs_the_iban() {
    let mut doc = base();
    doc.seller.iban.clear();
    let inv = model(&doc);
    assert_eq!(fatal(&inv, Syntax::Ubl), ["BR-50", "BR-61"]);
    // CII also refuses it by a syntax rule, which sees it even without the account element.
    assert_eq!(fatal(&inv, Syntax::Cii), ["BR-50", "BR-61", "CII-SR-470"]);
    let mut inv = inv;
    inv.payment_means[0].credit_transfer = None;
    assert_eq!(fatal(&inv, Syntax::Ubl), ["BR-61"]);
    assert_eq!(fatal(&inv, Syntax::Cii), ["CII-SR-470"]);
    doc.invoice.payment_means = "CHEQUE".into();
    assert!(both(&model(&doc)).is_empty());
}

#[test]
fn cohesion_rules() {
    let doc = base();
    let m = model(&doc);
    let mut inv = m.clone();
    let t = &mut inv.totals;
    t.with_vat = t.with_vat.map(|v| v + Decimal::ONE);
    t.payable = t.with_vat;
    assert_eq!(both(&inv), ["BR-CO-15"]);
    let mut inv = m.clone();
    inv.totals.payable = Some(dec("1.00"));
    assert_eq!(both(&inv), ["BR-CO-16"]);
    let mut inv = m.clone();
    inv.totals.vat = Some(dec("0.01"));
    assert_eq!(fatal(&inv, Syntax::Ubl), ["BR-CO-14", "BR-CO-15"]);
    let mut inv = m.clone();
    inv.seller.vat_identifier = Some("XX32412345679".into());
    assert_eq!(both(&inv), ["BR-CO-09"]);
    let mut inv = m.clone();
    inv.seller.legal_registration = None;
    inv.seller.vat_identifier = None;
    assert_eq!(both(&inv), ["BR-CO-26", "BR-S-02"]);
    let mut inv = m.clone();
    inv.invoicing_period = Some(Period::default());
    assert_eq!(both(&inv), ["BR-CO-19"]);
    let mut inv = m.clone();
    inv.tax_point_date = inv.issue_date;
    inv.tax_point_date_code = Some("3".into());
    // BT-8 "3" is a UBL code (UNTDID 2005) but not a CII one (UNTDID 2475).
    assert_eq!(fatal(&inv, Syntax::Ubl), ["BR-CO-03"]);
    assert_eq!(fatal(&inv, Syntax::Cii), ["BR-CL-06", "BR-CO-03"]);
    let mut inv = m.clone();
    inv.lines[0].vat = None;
    let rules = both(&inv);
    assert!(rules.contains(&"BR-CO-04"), "{rules:?}");
}

#[test]
fn code_list_rules() {
    let mut doc = base();
    doc.invoice.currency = "euro".into();
    assert_eq!(both(&model(&doc)), ["BR-CL-03", "BR-CL-04"]);
    let doc = base();
    let m = model(&doc);
    let mut inv = m.clone();
    inv.lines[0].unit_code = Some("BIDULE".into());
    assert_eq!(both(&inv), ["BR-CL-23"]);
    let mut inv = m.clone();
    inv.buyer.address.as_mut().unwrap().country = Some("FRA".into());
    assert_eq!(both(&inv), ["BR-CL-14"]);
    let mut inv = m.clone();
    inv.payment_means[0].code = Some("999".into());
    assert_eq!(both(&inv), ["BR-CL-16"]);
    let mut inv = m.clone();
    inv.supporting_documents[0]
        .attachment
        .as_mut()
        .unwrap()
        .mime_code = Some("application/zip".into());
    assert_eq!(both(&inv), ["BR-CL-24"]);
    let mut inv = m.clone();
    inv.seller.legal_registration.as_mut().unwrap().scheme = Some("9999".into());
    assert_eq!(both(&inv), ["BR-CL-11"]);
    let mut inv = m.clone();
    inv.type_code = Some("999".into());
    assert_eq!(both(&inv), ["BR-CL-01"]);
}

#[test]
fn vat_category_rules() {
    let doc = document(vec![erp_line(1, "1", "100", "0", Cat::Standard)]);
    assert_eq!(both(&model(&doc)), ["BR-S-05"]);
    let doc = document(vec![
        erp_line(1, "1", "100", "20", Cat::Standard),
        erp_line(2, "1", "100", "20", Cat::Exempt),
    ]);
    assert_eq!(both(&model(&doc)), ["BR-CO-17", "BR-E-05"]);
    let doc = document(vec![erp_line(1, "1", "100", "0", Cat::IntraCommunity)]);
    assert_eq!(both(&model(&doc)), ["BR-IC-02", "BR-IC-11", "BR-IC-12"]);
    let doc = document(vec![
        erp_line(1, "1", "100", "0", Cat::NotSubject),
        erp_line(2, "1", "100", "20", Cat::Standard),
    ]);
    assert_eq!(both(&model(&doc)), ["BR-O-02", "BR-O-11", "BR-O-12"]);
    let doc = document(vec![erp_line(1, "1", "100", "0", Cat::NotSubject)]);
    assert!(
        both(&model(&doc)).is_empty(),
        "O alone, no seller VAT number"
    );
    let doc = document(vec![erp_line(1, "1", "100", "0", Cat::Exempt)]);
    let mut inv = model(&doc);
    inv.vat_breakdown[0].exemption_reason = None;
    assert_eq!(both(&inv), ["BR-E-10"]);
    inv.vat_breakdown[0].tax = Some(dec("1.00"));
    inv.totals = fix_totals(&inv);
    assert_eq!(both(&inv), ["BR-CO-17", "BR-E-09", "BR-E-10"]);
    let doc = base();
    let mut inv = model(&doc);
    inv.seller.vat_identifier = None;
    assert_eq!(both(&inv), ["BR-S-02"]);
    let mut inv = model(&doc);
    inv.vat_breakdown[0].exemption_reason = Some("?".into());
    assert_eq!(both(&inv), ["BR-S-10"]);
    // A taxable amount off by 0.50: the UBL artefact tolerates 1 unit, the CII one none.
    let mut inv = model(&doc);
    inv.vat_breakdown[0].taxable = inv.vat_breakdown[0].taxable.map(|t| t + dec("0.50"));
    assert!(fatal(&inv, Syntax::Ubl).is_empty());
    assert_eq!(fatal(&inv, Syntax::Cii), ["BR-S-08"]);
}

/// Totals consistent with a hand-edited breakdown.
fn fix_totals(inv: &Invoice<'_>) -> Totals {
    let vat: Decimal = inv.vat_breakdown.iter().filter_map(|b| b.tax).sum();
    let mut t = inv.totals.clone();
    t.vat = Some(vat);
    t.with_vat = Some(t.without_vat.unwrap() + vat);
    t.payable = t.with_vat;
    t
}

#[test]
fn decimal_rules() {
    let doc = base();
    // UBL also refuses any amount with more than two decimals by its syntax rule UBL-DT-01.
    let mut inv = model(&doc);
    inv.totals.prepaid = Some(dec("0.000"));
    assert_eq!(fatal(&inv, Syntax::Ubl), ["BR-DEC-16", "UBL-DT-01"]);
    assert_eq!(fatal(&inv, Syntax::Cii), ["BR-DEC-16"]);
    let mut inv = model(&doc);
    let v = inv.totals.vat.unwrap();
    inv.totals.vat = Some(dec(&format!("{v}0")));
    // 3 written decimals, 2 by value: BR-DEC-13 never fires in UBL (only UBL-DT-01 sees
    // it) and counts values in CII.
    assert_eq!(fatal(&inv, Syntax::Ubl), ["UBL-DT-01"]);
    assert!(fatal(&inv, Syntax::Cii).is_empty());
    inv.totals.vat = Some(v + dec("0.001"));
    let rules = fatal(&inv, Syntax::Cii);
    assert!(rules.contains(&"BR-DEC-13"), "{rules:?}");
    let mut inv = model(&doc);
    inv.lines[0].net_amount = Some(dec("100.004"));
    assert_eq!(fatal(&inv, Syntax::Cii), ["BR-DEC-23"]);
}

#[test]
fn messages_say_where_to_fix_with_the_documents_values() {
    let mut doc = base();
    doc.seller.vat_number.clear();
    doc.lines[1].unit = "XYZ".into();
    let inv = model(&doc);
    let origin = Origin::Erp {
        company: "SIEGE",
        client: "C1",
    };
    let findings = check(&inv, Syntax::Ubl, origin);
    let s02 = findings.iter().find(|f| f.rule == "BR-S-02").unwrap();
    assert_eq!(s02.term, "BT-31");
    assert!(s02.message.contains("ACME SERVICES"), "{}", s02.message);
    assert!(
        s02.message
            .contains("Paramétrage › Sociétés émettrices (société SIEGE)"),
        "{}",
        s02.message
    );
    // The unit is mapped (unknown units become C62): no BR-CL-23 from the ERP.
    assert!(findings.iter().all(|f| f.rule != "BR-CL-23"));
    let mut inv = inv;
    inv.lines[1].unit_code = Some("BIDULE".into());
    let findings = check(&inv, Syntax::Cii, origin);
    let cl23 = findings.iter().find(|f| f.rule == "BR-CL-23").unwrap();
    assert!(
        cl23.message.contains("« BIDULE »")
            && cl23.message.contains("ligne 2 de la facture dans l'ERP"),
        "{}",
        cl23.message
    );
}

fn round_trip(inv: &Invoice<'_>) {
    let ubl = write_ubl::write(inv);
    let (back, syntax) = read(ubl.as_bytes()).unwrap();
    assert_eq!(syntax, Syntax::Ubl);
    assert_eq!(&back, inv, "UBL:\n{ubl}");
    assert_eq!(format!("{back:?}"), format!("{inv:?}"), "scales kept (UBL)");
    let cii = write_cii::write(inv);
    let (back, syntax) = read(cii.as_bytes()).unwrap();
    assert_eq!(syntax, Syntax::Cii);
    assert_eq!(&back, inv, "CII:\n{cii}");
    assert_eq!(format!("{back:?}"), format!("{inv:?}"), "scales kept (CII)");
}

#[test]
fn writers_round_trip() {
    let mut doc = base();
    round_trip(&model(&doc));
    doc.invoice.kind = InvoiceKind::CreditNote;
    doc.preceding_invoice = Some(("F0".into(), None));
    doc.allowances_charges = vec![
        ErpAllowance {
            charge: false,
            amount: dec("5"),
            reason: "Remise \"fidélité\"".into(),
            vat_category: Cat::Standard,
            vat_rate: dec("20"),
        },
        ErpAllowance {
            charge: true,
            amount: dec("2.345"),
            reason: String::new(),
            vat_category: Cat::NotSubject,
            vat_rate: Decimal::ZERO,
        },
    ];
    doc.line_allowances = vec![crate::einvoice::LineAllowance {
        line_number: 1,
        amount: dec("1"),
        reason: String::new(),
    }];
    round_trip(&model(&doc));
    // Terms our ERP does not fill, written and read all the same.
    let doc = base();
    let mut inv = model(&doc);
    inv.notes.push(Note {
        subject_code: Some("AAI".into()),
        text: "Note # 1".into(),
    });
    inv.tax_currency = Some("USD".into());
    inv.totals.vat_accounting = Some(dec("12.34"));
    inv.invoicing_period = Some(Period {
        start: inv.issue_date,
        end: None,
    });
    inv.delivery = Some(Delivery {
        party_name: Some("Quai".into()),
        location: Some(Identifier::new("123", Some("0088"))),
        actual_date: inv.issue_date,
        address: Some(Address {
            country: Some("DE".into()),
            ..Address::default()
        }),
    });
    inv.buyer.vat_identifier = Some("FR00123".into());
    inv.lines[0].period = Some(Period {
        start: None,
        end: inv.issue_date,
    });
    inv.lines[0].classifications.push(Classification {
        code: "12".into(),
        list: Some("STI".into()),
        list_version: None,
    });
    inv.lines[0].attributes.push(ItemAttribute {
        name: Some("Couleur".into()),
        value: Some("Bleu".into()),
    });
    inv.lines[0].gross_price = Some(dec("55"));
    inv.lines[0].price_discount = Some(dec("5"));
    inv.lines[0].base_quantity = Some(dec("1"));
    inv.lines[0].base_quantity_unit = Some("HUR".into());
    round_trip(&inv);
}

#[test]
fn a_non_xml_input_is_an_error_and_a_missing_element_an_absent_term() {
    assert!(read(b"%PDF-1.4").is_err());
    assert!(read(b"").is_err());
    assert!(read(b"<a><b></a>").is_err());
    assert!(matches!(
        read(b"<Foo/>"),
        Err(super::ReadError::UnknownRoot(_))
    ));
    let (inv, _) =
        read(br#"<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>"#)
            .unwrap();
    let rules = fatal(&inv, Syntax::Ubl);
    assert!(
        rules.contains(&"BR-01") && rules.contains(&"BR-16"),
        "{rules:?}"
    );
}

/// The `test` expressions of an official XSLT, by rule id.
fn xslt_tests(syntax: &str) -> std::collections::HashMap<String, Vec<String>> {
    use super::xmltree::{Element, parse};
    let file = match syntax {
        "ubl" => "ubl/EN16931-UBL-validation.xslt",
        _ => "cii/EN16931-CII-validation.xslt",
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/validators/en16931-1.3.16")
        .join(file);
    let root = parse(&std::fs::read(path).unwrap()).unwrap();
    let mut out: std::collections::HashMap<String, Vec<String>> = Default::default();
    fn walk(e: &Element, out: &mut std::collections::HashMap<String, Vec<String>>) {
        if e.name == "choose"
            && let (Some(when), Some(otherwise)) = (
                e.children.iter().find(|c| c.name == "when"),
                e.children.iter().find(|c| c.name == "otherwise"),
            )
            && let Some(fa) = otherwise
                .children
                .iter()
                .find(|c| c.name == "failed-assert")
        {
            let id = fa
                .children
                .iter()
                .find(|c| c.name == "attribute" && c.attr("name") == Some("id"))
                .map(|a| a.text.trim().to_string())
                .or_else(|| fa.attr("id").map(str::to_string));
            if let (Some(id), Some(test)) = (id, when.attr("test")) {
                out.entry(id).or_default().push(test.to_string());
            }
        }
        for c in &e.children {
            walk(c, out);
        }
    }
    walk(&root, &mut out);
    out
}

/// The tokens of the quoted lists (`' A B C '`) of a test expression.
fn quoted_lists(test: &str) -> Vec<Vec<String>> {
    test.split('\'')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with(' ') && s.ends_with(' ') && s.trim().contains(' '))
        .map(|s| {
            let mut v: Vec<String> = s.split_whitespace().map(str::to_string).collect();
            v.sort();
            v
        })
        .collect()
}

#[test]
fn implemented_rules_and_code_lists_match_the_xslt() {
    use super::codelists as cl;
    let ubl = xslt_tests("ubl");
    let cii = xslt_tests("cii");
    let mut official: Vec<&str> = ubl
        .keys()
        .chain(cii.keys())
        .map(String::as_str)
        .filter(|id| {
            id.starts_with("BR-")
                && !id.starts_with("BR-AF-")
                && !id.starts_with("BR-AG-")
                && !id.starts_with("BR-B-")
        })
        .collect();
    official.sort_unstable();
    official.dedup();
    let mut implemented = super::IMPLEMENTED.to_vec();
    implemented.sort_unstable();
    assert_eq!(implemented, official);
    let list = |rules: &std::collections::HashMap<String, Vec<String>>, id: &str, i: usize| {
        quoted_lists(&rules[id][0])[i].clone()
    };
    let ours = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert_eq!(list(&ubl, "BR-CL-04", 0), ours(cl::CURRENCY));
    assert_eq!(list(&ubl, "BR-CL-01", 0), ours(cl::INVOICE_TYPE_UBL));
    assert_eq!(list(&ubl, "BR-CL-01", 1), ours(cl::CREDIT_NOTE_TYPE_UBL));
    assert_eq!(list(&cii, "BR-CL-01", 0), ours(cl::DOCUMENT_TYPE_CII));
    assert_eq!(list(&ubl, "BR-CL-08", 0), ours(cl::NOTE_SUBJECT_UBL));
    assert_eq!(list(&cii, "BR-CL-08", 0), ours(cl::NOTE_SUBJECT_CII));
    assert_eq!(list(&ubl, "BR-CL-11", 0), ours(cl::ICD));
    assert_eq!(list(&ubl, "BR-CL-14", 0), ours(cl::COUNTRY_UBL));
    assert_eq!(list(&cii, "BR-CL-14", 0), ours(cl::COUNTRY_CII));
    assert_eq!(list(&ubl, "BR-CL-16", 0), ours(cl::PAYMENT_MEANS));
    assert_eq!(list(&ubl, "BR-CL-22", 0), ours(cl::VATEX));
    assert_eq!(list(&ubl, "BR-CL-23", 0), ours(cl::UNIT));
    assert_eq!(list(&cii, "BR-CL-23", 0), ours(cl::UNIT));
    assert_eq!(list(&ubl, "BR-CL-25", 0), ours(cl::EAS));
    assert_eq!(list(&ubl, "BR-CO-09", 0), ours(cl::VAT_PREFIX_UBL));
    assert_eq!(list(&cii, "BR-CO-09", 0), ours(cl::VAT_PREFIX_CII));
    for l in [cl::UNIT, cl::CURRENCY, cl::COUNTRY_UBL, cl::ICD, cl::VATEX] {
        assert!(
            l.windows(2).all(|w| w[0] < w[1]),
            "sorted for binary search"
        );
    }
}

#[test]
fn control_characters_round_trip() {
    let mut doc = base();
    doc.seller.name = "ACME\u{1}\u{7} SAS\u{fffe}".into();
    doc.lines[0].label = "Ligne\r\navec\tretours\u{0}".into();
    doc.buyer.city = "Saint-Étienne\r".into();
    let inv = model(&doc);
    let ubl = write_ubl::write(&inv);
    let (back, _) = read(ubl.as_bytes()).unwrap();
    assert_eq!(back.lines[0].item_name, inv.lines[0].item_name);
    assert_eq!(back.seller, inv.seller);
    assert_eq!(back.buyer, inv.buyer);
    round_trip(&inv);
}

#[test]
fn damaged_files_never_panic() {
    let doc = base();
    let inv = model(&doc);
    for xml in [write_ubl::write(&inv), write_cii::write(&inv)] {
        let bytes = xml.as_bytes();
        // Every truncation, and a byte changed every few positions: an error or findings,
        // never a panic.
        for cut in (0..bytes.len()).step_by(7) {
            let _ = crate::einvoice::validate_xml(&bytes[..cut]);
        }
        for pos in (0..bytes.len()).step_by(11) {
            for b in [b'<', b'>', b'&', b'"', b'x', 0xFF, b'9', b'.'] {
                let mut damaged = bytes.to_vec();
                damaged[pos] = b;
                let _ = crate::einvoice::validate_xml(&damaged);
            }
        }
    }
}

#[test]
fn huge_amounts_never_panic() {
    let max = Decimal::MAX;
    let mut doc = base();
    doc.lines[0].line_total = max;
    doc.lines[1].line_total = max;
    doc.lines[0].unit_price = max;
    let mapped = mapping::map(&doc, Format::Ubl, None);
    assert!(mapped.findings.iter().any(|f| f.rule == "MAP-AMOUNT"));
    for syntax in [Syntax::Ubl, Syntax::Cii] {
        let _ = check(&mapped.invoice, syntax, Origin::File);
    }
    let doc = base();
    let mut inv = model(&doc);
    let t = &mut inv.totals;
    for v in [
        &mut t.line_net,
        &mut t.without_vat,
        &mut t.with_vat,
        &mut t.payable,
        &mut t.vat,
        &mut t.prepaid,
        &mut t.rounding,
        &mut t.allowances,
        &mut t.charges,
    ] {
        *v = Some(max);
    }
    inv.vat_breakdown[0].taxable = Some(-max);
    inv.vat_breakdown[0].tax = Some(max);
    inv.lines[0].net_amount = Some(max);
    inv.lines[1].net_amount = Some(max);
    for syntax in [Syntax::Ubl, Syntax::Cii] {
        assert!(!fatal(&inv, syntax).is_empty());
        let xml = match syntax {
            Syntax::Ubl => write_ubl::write(&inv),
            Syntax::Cii => write_cii::write(&inv),
        };
        let _ = crate::einvoice::validate_xml(xml.as_bytes()).unwrap();
    }
}
