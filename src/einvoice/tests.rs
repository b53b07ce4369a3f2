use super::*;
use crate::model::{Client, ClientType, Company, Invoice, InvoiceKind, InvoiceLine, VatCategory};
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn line(n: u32, qty: &str, price: &str, rate: &str, cat: VatCategory) -> InvoiceLine {
    InvoiceLine {
        invoice_number: "F1".into(),
        line_number: n,
        label: format!("Article {n}"),
        quantity: dec(qty),
        unit: "U".into(),
        unit_price: dec(price),
        vat_rate: dec(rate),
        line_total: dec(qty) * dec(price),
        vat_category: cat,
        exemption_reason: String::new(),
    }
}

fn doc(lines: Vec<InvoiceLine>) -> InvoiceDocument {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 2).unwrap();
    InvoiceDocument {
        invoice: Invoice {
            number: "F1".into(),
            company_code: "S".into(),
            client_code: "C".into(),
            kind: InvoiceKind::Invoice,
            invoice_date: date,
            due_date: Some(date),
            currency: "EUR".into(),
            total_excl_tax: Decimal::ZERO,
            total_tax: Decimal::ZERO,
            total_incl_tax: Decimal::ZERO,
            service_code: String::new(),
            engagement_number: String::new(),
            market_number: String::new(),
            origin_reference: String::new(),
            pdf_path: String::new(),
            original_invoice_number: String::new(),
            payment_means: "VIREMENT".into(),
            billing_frame: String::new(),
        },
        lines,
        seller: Company {
            code: "S".into(),
            name: "Dupont & Fils <SARL>".into(),
            siret: "41234567000019".into(),
            vat_number: "FR32412345679".into(),
            iban: "FR7630006000011234567890189".into(),
            bic: "AGRIFRPP".into(),
            ..Company::default()
        },
        buyer: Client {
            code: "C".into(),
            name: "Commune d'Évian".into(),
            siret: "21690123100011".into(),
            client_type: ClientType::Public,
            address: String::new(),
            postal_code: String::new(),
            city: String::new(),
            email: String::new(),
        },
        service_code: "SERV".into(),
        engagement_number: "EJ1".into(),
        market_number: "M1".into(),
        preceding_invoice: None,
        attachment: None,
        allowances_charges: Vec::new(),
        line_allowances: Vec::new(),
    }
}

fn fatal_rules(findings: &[Finding]) -> Vec<&'static str> {
    let mut rules: Vec<_> = findings
        .iter()
        .filter(|f| f.fatal)
        .map(|f| f.rule)
        .collect();
    rules.sort_unstable();
    rules.dedup();
    rules
}

#[test]
fn totals_add_up_per_rate_rounded_half_away_from_zero() {
    let d = doc(vec![
        line(1, "3", "0.335", "20", VatCategory::Standard),
        line(2, "1", "10.05", "5.5", VatCategory::Standard),
        line(3, "2", "7.5", "0", VatCategory::Exempt),
    ]);
    let m = en16931::mapping::map(&d, Format::Ubl, None).invoice;
    assert_eq!(m.lines[0].net_amount, Some(dec("1.01"))); // 1.005 → 1.01
    assert_eq!(m.vat_breakdown.len(), 3);
    assert_eq!(m.vat_breakdown[1].tax, Some(dec("0.55"))); // 10.05 × 5.5 % = 0.55275
    assert_eq!(m.totals.line_net, Some(dec("26.06")));
    assert_eq!(m.totals.vat, Some(dec("0.20") + dec("0.55")));
    assert_eq!(m.totals.with_vat, Some(dec("26.81")));
    assert_eq!(
        m.vat_breakdown[2].exemption_reason.as_deref(),
        Some("Exonération de TVA")
    );
    // Written as EN 16931 wants: two decimals, even for round amounts.
    assert_eq!(m.totals.line_net.unwrap().to_string(), "26.06");
    assert_eq!(m.vat_breakdown[2].tax.unwrap().to_string(), "0.00");
    assert!(conformance(&d, Format::Ubl).is_empty());
}

#[test]
fn inconsistent_categories_are_refused_in_french() {
    let d = doc(vec![line(1, "1", "1", "0", VatCategory::Standard)]);
    assert_eq!(fatal_rules(&conformance(&d, Format::Ubl)), ["BR-S-05"]);
    let err = render(&d, Format::Ubl, None).unwrap_err();
    assert!(err.to_string().contains("taux de 0 %"), "{err}");
    assert!(err.to_string().contains("[BR-S-05]"), "{err}");
    let d = doc(vec![
        line(1, "1", "1", "0", VatCategory::NotSubject),
        line(2, "1", "1", "20", VatCategory::Standard),
    ]);
    let rules = fatal_rules(&conformance(&d, Format::Cii));
    assert!(
        rules.contains(&"BR-O-11") && rules.contains(&"BR-O-02"),
        "{rules:?}"
    );
    let err = render(&d, Format::Cii, None).unwrap_err();
    assert!(err.to_string().contains("catégorie O"), "{err}");
    let rules = fatal_rules(&conformance(&doc(vec![]), Format::Ubl));
    assert!(rules.contains(&"BR-16"), "{rules:?}");
}

#[test]
fn a_seller_without_vat_number_is_named_with_where_to_fix_it() {
    let mut d = doc(vec![line(1, "1", "100", "20", VatCategory::Standard)]);
    d.seller.vat_number.clear();
    let findings = conformance(&d, Format::Ubl);
    assert_eq!(fatal_rules(&findings), ["BR-S-02"]);
    let message = &findings[0].message;
    assert_eq!(findings[0].term, "BT-31");
    assert!(message.contains("Dupont & Fils <SARL>"), "{message}");
    assert!(
        message.contains("Paramétrage › Sociétés émettrices"),
        "{message}"
    );
    assert!(render(&d, Format::Cii, None).is_err());
}

#[test]
fn names_are_escaped_and_chorus_fields_placed() {
    let d = doc(vec![line(1, "1", "100", "20", VatCategory::Standard)]);
    let ubl = String::from_utf8(render(&d, Format::Ubl, None).unwrap().bytes).unwrap();
    assert!(ubl.contains("Dupont &amp; Fils &lt;SARL&gt;"));
    assert!(ubl.contains("<cbc:BuyerReference>SERV</cbc:BuyerReference>"));
    assert!(ubl.contains("<cac:OrderReference><cbc:ID>EJ1</cbc:ID>"));
    assert!(ubl.contains("<cac:ContractDocumentReference><cbc:ID>M1</cbc:ID>"));
    let cii = String::from_utf8(render(&d, Format::Cii, None).unwrap().bytes).unwrap();
    assert!(cii.contains("Commune d&apos;Évian"));
    assert!(cii.contains("<ram:IBANID>FR7630006000011234567890189</ram:IBANID>"));
}

#[test]
fn credit_notes_carry_no_payment_means_and_their_invoice() {
    let mut d = doc(vec![line(1, "1", "100", "20", VatCategory::Standard)]);
    d.invoice.kind = InvoiceKind::CreditNote;
    d.preceding_invoice = Some(("F0".into(), None));
    let ubl = String::from_utf8(render(&d, Format::Ubl, None).unwrap().bytes).unwrap();
    assert!(ubl.contains("<CreditNote "));
    assert!(!ubl.contains("PaymentMeans"));
    assert!(ubl.contains("<cac:InvoiceDocumentReference><cbc:ID>F0</cbc:ID>"));
}

#[test]
fn facturx_needs_the_pdf() {
    let d = doc(vec![line(1, "1", "100", "20", VatCategory::Standard)]);
    assert_eq!(
        render(&d, Format::FacturX, None).unwrap_err(),
        EInvoiceError::MissingPdf
    );
    assert_eq!(fatal_rules(&conformance(&d, Format::FacturX)), ["FX-PDF"]);
    assert!(conformance(&d, Format::Cii).is_empty());
}

#[test]
fn icc_profile_is_well_formed() {
    let p = icc::srgb_profile();
    assert_eq!(
        u32::from_be_bytes(p[0..4].try_into().unwrap()) as usize,
        p.len()
    );
    assert_eq!(&p[36..40], b"acsp");
    assert_eq!(&p[16..20], b"RGB ");
}

#[test]
fn lot_holds_one_file_per_invoice() {
    use std::io::Read;
    let files = vec![
        EInvoiceFile {
            file_name: "a.xml".into(),
            bytes: b"<a/>".to_vec(),
        },
        EInvoiceFile {
            file_name: "b.xml".into(),
            bytes: b"<b/>".to_vec(),
        },
    ];
    let gz = lot::build(&files).unwrap();
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(gz.as_slice()));
    let mut names = Vec::new();
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let mut content = String::new();
        entry.read_to_string(&mut content).unwrap();
        names.push((entry.path().unwrap().display().to_string(), content));
    }
    assert_eq!(
        names,
        vec![
            ("a.xml".into(), "<a/>".into()),
            ("b.xml".into(), "<b/>".into())
        ]
    );
    assert!(lot::build(&[files[0].clone(), files[0].clone()]).is_err());
}

#[test]
fn the_deposit_date_can_replace_the_invoice_date() {
    let d = doc(vec![line(1, "1", "100", "20", VatCategory::Standard)]);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    let ubl = String::from_utf8(render(&d, Format::Ubl, Some(today)).unwrap().bytes).unwrap();
    assert!(ubl.contains("<cbc:IssueDate>2026-11-23</cbc:IssueDate>"));
    let cii = String::from_utf8(render(&d, Format::Cii, Some(today)).unwrap().bytes).unwrap();
    assert!(cii.contains("<udt:DateTimeString format=\"102\">20261123</udt:DateTimeString>"));
    assert_eq!(Format::Cii.syntaxe_flux(), "IN_DP_E1_CII_16B");
    assert_eq!(Format::FacturX.file_name("F 1/2"), "F_1_2.pdf");
}
