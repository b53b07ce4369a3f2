//! Unit tests of every rule of issue 2's table, on one conformant invoice that each test
//! breaks in one way (or several) and whose report it reads as a user would.

use super::*;
use crate::model::directory::RESERVED_SERVICE_CODE;
use crate::model::{
    BillingReference, Client, ClientType, Company, Invoice, InvoiceKind, Market, ReferenceKind,
    Service, Structure,
};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A valid SIRET (Luhn on the SIREN and on the 14 digits).
const CLIENT_SIRET: &str = "21750001600019";
const COMPANY_SIRET: &str = "44312197500025";
const IBAN: &str = "FR7630006000011234567890189";
const BIC: &str = "BNPAFRPP";
const PDF: &str = "/factures/F2026-0001.pdf";
const SERVICE: &str = "SERV-COMPTA";
const SERVICE_EJ: &str = "SERV-EJ";
const SERVICE_OFF: &str = "SERV-FERME";
const MARKET: &str = "M2026-007";
const REFERENCE: &str = "CMD-4512";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn dec(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

fn company() -> Company {
    Company {
        code: "SOC1".into(),
        name: "Atelier Durand SAS".into(),
        siret: COMPANY_SIRET.into(),
        vat_number: "FR46443121975".into(),
        iban: IBAN.into(),
        bic: BIC.into(),
        account_holder: "Atelier Durand SAS".into(),
        bank_domiciliation: "BNP Paribas Lyon".into(),
        address: "3 rue des Forges".into(),
        postal_code: "69003".into(),
        city: "Lyon".into(),
    }
}

fn client(code: &str, name: &str, siret: &str) -> Client {
    Client {
        code: code.into(),
        name: name.into(),
        siret: siret.into(),
        client_type: ClientType::Public,
        address: "1 place de l'Hôtel de Ville".into(),
        postal_code: "75004".into(),
        city: "Paris".into(),
        email: "factures@ville.example".into(),
    }
}

fn structure(identifier: &str, name: &str) -> Structure {
    Structure {
        identifier: identifier.into(),
        identifier_type: 1,
        name: name.into(),
        active: true,
        ..Structure::default()
    }
}

fn service(structure: &str, code: &str, active: bool, engagement_required: bool) -> Service {
    Service {
        structure_identifier: structure.into(),
        code: code.into(),
        name: format!("Service {code}"),
        engagement_required,
        active,
        ..Service::default()
    }
}

/// A structure of the directory with its three usual services.
fn add_structure(data: &mut CheckData, identifier: &str, name: &str) {
    data.directory.insert_structure(structure(identifier, name));
    data.directory
        .insert_service(service(identifier, SERVICE, true, false));
    data.directory
        .insert_service(service(identifier, SERVICE_EJ, true, true));
    data.directory
        .insert_service(service(identifier, SERVICE_OFF, false, false));
}

/// A conformant invoice of 100 € HT to the city of Paris, and everything the rules read.
fn fixture() -> (Invoice, CheckData) {
    let mut data = CheckData::default();
    data.companies.insert("SOC1".into(), company());
    data.clients
        .insert("C1".into(), client("C1", "Ville de Paris", CLIENT_SIRET));
    add_structure(&mut data, CLIENT_SIRET, "VILLE DE PARIS");
    data.insert_market(Market {
        client_code: "C1".into(),
        number: MARKET.into(),
        label: "Entretien des espaces verts".into(),
        start_date: Some(date(2026, 1, 1)),
        end_date: Some(date(2026, 12, 31)),
    });
    data.references.insert(
        REFERENCE.into(),
        BillingReference {
            kind: ReferenceKind::Order,
            reference: REFERENCE.into(),
            client_code: "C1".into(),
            service_code: SERVICE.into(),
            market_number: MARKET.into(),
            engagement_number: "EJ-REF-0042".into(),
            valid_until: Some(date(2026, 12, 31)),
        },
    );
    set_line_total(&mut data, "F2026-0001", dec("100.00"));
    data.pdf.insert(PDF.into(), PdfState::Readable { pages: 1 });
    let invoice = Invoice {
        number: "F2026-0001".into(),
        company_code: "SOC1".into(),
        client_code: "C1".into(),
        kind: InvoiceKind::Invoice,
        invoice_date: date(2026, 6, 15),
        due_date: Some(date(2026, 7, 15)),
        currency: "EUR".into(),
        total_excl_tax: dec("100.00"),
        total_tax: dec("20.00"),
        total_incl_tax: dec("120.00"),
        service_code: SERVICE.into(),
        engagement_number: "EJ-2026-0001".into(),
        market_number: MARKET.into(),
        origin_reference: REFERENCE.into(),
        pdf_path: PDF.into(),
        original_invoice_number: String::new(),
        payment_means: "VIREMENT".into(),
        billing_frame: "A1_FACTURE_FOURNISSEUR".into(),
    };
    (invoice, data)
}

/// The invoice's lines come to `total` HT (one line).
fn set_line_total(data: &mut CheckData, number: impl Into<String>, total: Decimal) {
    let number = number.into();
    data.lines.insert(
        number.clone(),
        vec![crate::model::InvoiceLine {
            invoice_number: number,
            line_number: 1,
            label: "Prestation".into(),
            quantity: Decimal::ONE,
            unit: "U".into(),
            unit_price: total,
            vat_rate: dec("20"),
            line_total: total,
            vat_category: crate::model::VatCategory::Standard,
            exemption_reason: String::new(),
        }],
    );
}

fn check(invoice: &Invoice, data: &CheckData) -> InvoiceCheck {
    check_invoice(invoice.clone(), data)
}

fn codes(check: &InvoiceCheck) -> Vec<&'static str> {
    let mut codes: Vec<&'static str> = check.anomalies.iter().map(|a| a.code.as_str()).collect();
    codes.sort_unstable();
    codes
}

/// Asserts the exact set of codes reported (order aside), showing the messages on failure.
#[track_caller]
fn assert_codes(check: &InvoiceCheck, expected: &[&str]) {
    let mut expected: Vec<&str> = expected.to_vec();
    expected.sort_unstable();
    assert_eq!(
        codes(check),
        expected,
        "anomalies reported: {:#?}",
        check.anomalies
    );
}

/// The message of the only anomaly with `code`.
#[track_caller]
fn message(check: &InvoiceCheck, code: AnomalyCode) -> &str {
    let found: Vec<&Anomaly> = check.anomalies.iter().filter(|a| a.code == code).collect();
    assert_eq!(found.len(), 1, "{code}: {:#?}", check.anomalies);
    &found[0].message
}

fn set_client_siret(data: &mut CheckData, siret: &str) {
    data.clients.get_mut("C1").unwrap().siret = siret.into();
}

fn edit_structure(data: &mut CheckData, identifier: &str, edit: impl FnOnce(&mut Structure)) {
    let mut s = data.directory.structure(identifier).unwrap().clone();
    edit(&mut s);
    data.directory.insert_structure(s);
}

/// The invoice with no billing data of its own and no origin reference.
fn without_billing_data(invoice: &mut Invoice) {
    invoice.service_code.clear();
    invoice.engagement_number.clear();
    invoice.market_number.clear();
    invoice.origin_reference.clear();
}

// ---------------------------------------------------------------------------------------
// The fixture itself

#[test]
fn the_fixture_invoice_is_conformant() {
    let (invoice, data) = fixture();
    let c = check(&invoice, &data);
    assert_codes(&c, &[]);
    assert!(c.is_conformant());
    assert_eq!(c.client_name, "Ville de Paris");
    assert_eq!(c.client_siret, CLIENT_SIRET);
    assert_eq!(c.flags.structure, Some([true, false, false, false]));
    assert_eq!(c.flags.service, Some([true, false]));
    assert_eq!(c.pdf, PdfState::Readable { pages: 1 });
}

#[test]
fn check_all_reports_the_same_as_check_invoice() {
    let (good, mut data) = fixture();
    data.companies.get_mut("SOC1").unwrap().bic.clear();
    let mut bad = good.clone();
    bad.number = "F2026-0002".into();
    bad.service_code = "INCONNU".into();
    let all = check_all(vec![good.clone(), bad.clone()], &data);
    assert_eq!(all.len(), 2);
    assert_eq!(all[0], check(&good, &data));
    assert_eq!(all[1], check(&bad, &data));
    assert_codes(&all[1], &["FOURNISSEUR_INCOMPLET", "SERVICE_INCONNU"]);
}

// ---------------------------------------------------------------------------------------
// Billing data resolution

#[test]
fn billing_data_comes_from_the_invoice_first() {
    let (invoice, data) = fixture();
    let c = check(&invoice, &data);
    assert_eq!(c.billing.service_code.value, SERVICE);
    assert_eq!(c.billing.service_code.source, Source::Invoice);
    assert_eq!(c.billing.engagement_number.value, "EJ-2026-0001");
    assert_eq!(c.billing.engagement_number.source, Source::Invoice);
    assert_eq!(c.billing.market_number.source, Source::Invoice);
}

#[test]
fn empty_billing_data_is_taken_from_the_origin_reference() {
    let (mut invoice, mut data) = fixture();
    invoice.service_code = "  ".into();
    invoice.engagement_number.clear();
    invoice.market_number.clear();
    // The reference's engagement makes a structure that demands one happy.
    edit_structure(&mut data, CLIENT_SIRET, |s| s.engagement_required = true);
    let c = check(&invoice, &data);
    assert_codes(&c, &[]);
    let from_order = Source::Reference(ReferenceKind::Order, REFERENCE.into());
    assert_eq!(c.billing.service_code.value, SERVICE);
    assert_eq!(c.billing.service_code.source, from_order);
    assert_eq!(c.billing.engagement_number.value, "EJ-REF-0042");
    assert_eq!(c.billing.engagement_number.source, from_order);
    assert_eq!(c.billing.market_number.value, MARKET);
    assert_eq!(c.billing.market_number.source, from_order);
}

#[test]
fn each_billing_field_is_resolved_on_its_own() {
    let (mut invoice, mut data) = fixture();
    invoice.engagement_number.clear();
    data.references.get_mut(REFERENCE).unwrap().kind = ReferenceKind::Contract;
    let c = check(&invoice, &data);
    assert_eq!(c.billing.service_code.source, Source::Invoice);
    assert_eq!(
        c.billing.engagement_number.source,
        Source::Reference(ReferenceKind::Contract, REFERENCE.into())
    );
    assert_eq!(c.billing.engagement_number.value, "EJ-REF-0042");
}

#[test]
fn no_value_anywhere_is_recorded_as_no_source() {
    let (mut invoice, data) = fixture();
    without_billing_data(&mut invoice);
    let c = check(&invoice, &data);
    for resolved in [
        &c.billing.service_code,
        &c.billing.engagement_number,
        &c.billing.market_number,
    ] {
        assert!(resolved.is_empty());
        assert_eq!(resolved.source, Source::None);
    }
    // An origin reference that the mirror does not hold brings nothing either.
    invoice.origin_reference = "CMD-INCONNUE".into();
    assert_eq!(
        check(&invoice, &data).billing.service_code.source,
        Source::None
    );
}

// ---------------------------------------------------------------------------------------
// CLIENT_SIRET_MANQUANT, CLIENT_SIRET_INVALIDE and the rules they stop

#[test]
fn a_client_without_siret_stops_the_directory_rules() {
    let (mut invoice, mut data) = fixture();
    set_client_siret(&mut data, "");
    invoice.service_code = "SERV".into(); // would be SERVICE_INCONNU
    invoice.engagement_number.clear();
    invoice.origin_reference.clear();
    let c = check(&invoice, &data);
    assert_codes(&c, &["CLIENT_SIRET_MANQUANT"]);
    assert_eq!(
        message(&c, AnomalyCode::ClientSiretManquant),
        "Le client Ville de Paris n'a pas de numéro de SIRET"
    );
    assert_eq!(c.flags, DirectoryFlags::default());
}

#[test]
fn a_siret_of_spaces_only_is_missing_not_invalid() {
    let (invoice, mut data) = fixture();
    set_client_siret(&mut data, "   ");
    assert_codes(&check(&invoice, &data), &["CLIENT_SIRET_MANQUANT"]);
}

#[test]
fn a_siret_failing_luhn_is_invalid_and_stops_the_directory_rules() {
    let (mut invoice, mut data) = fixture();
    set_client_siret(&mut data, "21750001600018");
    invoice.service_code = "SERV".into();
    let c = check(&invoice, &data);
    assert_codes(&c, &["CLIENT_SIRET_INVALIDE"]);
    let m = message(&c, AnomalyCode::ClientSiretInvalide);
    assert!(m.contains("21750001600018"), "{m}");
    assert!(m.contains("Luhn"), "{m}");
    assert!(m.contains("Ville de Paris"), "{m}");
    assert_eq!(c.flags, DirectoryFlags::default());
}

#[test]
fn a_siret_of_the_wrong_length_or_with_letters_is_invalid() {
    let (invoice, mut data) = fixture();
    set_client_siret(&mut data, "2175000160001");
    let c = check(&invoice, &data);
    assert_codes(&c, &["CLIENT_SIRET_INVALIDE"]);
    let m = message(&c, AnomalyCode::ClientSiretInvalide);
    assert!(
        m.contains("14 chiffres") && m.contains("2175000160001") && m.contains("13"),
        "{m}"
    );

    set_client_siret(&mut data, "2175000160001A");
    let c = check(&invoice, &data);
    assert_codes(&c, &["CLIENT_SIRET_INVALIDE"]);
    assert!(message(&c, AnomalyCode::ClientSiretInvalide).contains("2175000160001A"));
}

#[test]
fn la_poste_sirets_are_checked_by_digit_sum() {
    let (invoice, mut data) = fixture();
    // Luhn-invalid, but its digits add up to 45: a valid La Poste establishment.
    let la_poste = "35600000049837";
    assert!(!crate::model::siret::luhn_ok(la_poste));
    set_client_siret(&mut data, la_poste);
    // Valid, so the next question is the directory: absent from it here.
    assert_codes(&check(&invoice, &data), &["STRUCTURE_INCONNUE"]);
    add_structure(&mut data, la_poste, "LA POSTE - CENTRE FINANCIER");
    assert_codes(&check(&invoice, &data), &[]);

    // La Poste's head office follows plain Luhn.
    set_client_siret(&mut data, "35600000000048");
    assert_codes(&check(&invoice, &data), &["STRUCTURE_INCONNUE"]);

    // Digit sum 46: refused, although the SIREN 356000000 passes Luhn.
    set_client_siret(&mut data, "35600000049838");
    let c = check(&invoice, &data);
    assert_codes(&c, &["CLIENT_SIRET_INVALIDE"]);
    assert!(message(&c, AnomalyCode::ClientSiretInvalide).contains("35600000049838"));
}

#[test]
fn sirets_with_leading_zeros_are_valid_and_found() {
    let (invoice, mut data) = fixture();
    for siret in ["01234567400019", "00123456600014"] {
        set_client_siret(&mut data, siret);
        assert_codes(&check(&invoice, &data), &["STRUCTURE_INCONNUE"]);
        add_structure(&mut data, siret, "SYNDICAT DES EAUX");
        let c = check(&invoice, &data);
        assert_codes(&c, &[]);
        assert_eq!(c.client_siret, siret);
    }
}

#[test]
fn a_luhn_invalid_siret_present_in_the_directory_is_accepted() {
    let (mut invoice, mut data) = fixture();
    // One of the real directory identifiers that fail the checksum (formats.md §A.1).
    let odd = "13001100000000";
    assert!(!crate::model::siret::is_valid(odd));
    set_client_siret(&mut data, odd);
    add_structure(&mut data, odd, "ETABLISSEMENT PUBLIC");
    assert_codes(&check(&invoice, &data), &[]);
    // The directory rules go on as for any structure.
    invoice.service_code = "SERV".into();
    let c = check(&invoice, &data);
    assert_codes(&c, &["SERVICE_INCONNU"]);
    assert!(c.flags.structure.is_some());
}

#[test]
fn spaces_in_the_client_siret_are_ignored() {
    let (invoice, mut data) = fixture();
    set_client_siret(&mut data, "217 500 016 00019");
    let c = check(&invoice, &data);
    assert_codes(&c, &[]);
    assert_eq!(c.flags.structure, Some([true, false, false, false]));
    // A non-breaking space, as a spreadsheet writes it, too.
    set_client_siret(&mut data, "217\u{a0}500\u{a0}016\u{a0}00019");
    assert_codes(&check(&invoice, &data), &[]);
}

// ---------------------------------------------------------------------------------------
// STRUCTURE_INCONNUE, STRUCTURE_INACTIVE

#[test]
fn an_unknown_structure_stops_the_service_and_engagement_rules() {
    let (mut invoice, mut data) = fixture();
    let elsewhere = "01234567400019";
    set_client_siret(&mut data, elsewhere);
    invoice.service_code = "SERV".into();
    invoice.engagement_number.clear();
    invoice.origin_reference.clear();
    let c = check(&invoice, &data);
    assert_codes(&c, &["STRUCTURE_INCONNUE"]);
    assert_eq!(
        message(&c, AnomalyCode::StructureInconnue),
        "Le SIRET 01234567400019 du client Ville de Paris est absent de l'annuaire Chorus"
    );
    assert_eq!(c.flags, DirectoryFlags::default());
}

#[test]
fn rules_outside_the_directory_still_run_after_a_stopping_rule() {
    let (mut invoice, mut data) = fixture();
    set_client_siret(&mut data, "01234567400019");
    invoice.pdf_path.clear();
    invoice.engagement_number = "E".repeat(51);
    invoice.number = "F 2026 0001".into();
    assert_codes(
        &check(&invoice, &data),
        &[
            "STRUCTURE_INCONNUE",
            "PDF_INTROUVABLE",
            "ENGAGEMENT_TROP_LONG",
            "NUMERO_FACTURE_INVALIDE",
        ],
    );
    set_client_siret(&mut data, "");
    assert_codes(
        &check(&invoice, &data),
        &[
            "CLIENT_SIRET_MANQUANT",
            "PDF_INTROUVABLE",
            "ENGAGEMENT_TROP_LONG",
            "NUMERO_FACTURE_INVALIDE",
        ],
    );
}

#[test]
fn an_inactive_structure_is_reported_and_the_other_rules_go_on() {
    let (mut invoice, mut data) = fixture();
    edit_structure(&mut data, CLIENT_SIRET, |s| s.active = false);
    let c = check(&invoice, &data);
    assert_codes(&c, &["STRUCTURE_INACTIVE"]);
    let m = message(&c, AnomalyCode::StructureInactive);
    assert!(
        m.contains(CLIENT_SIRET) && m.contains("VILLE DE PARIS") && m.contains("inactive"),
        "{m}"
    );
    assert_eq!(c.flags.structure, Some([false, false, false, false]));

    invoice.service_code = "SERV".into();
    assert_codes(
        &check(&invoice, &data),
        &["STRUCTURE_INACTIVE", "SERVICE_INCONNU"],
    );
}

// ---------------------------------------------------------------------------------------
// Services

#[test]
fn a_structure_that_requires_a_service_code_gets_one() {
    let (mut invoice, mut data) = fixture();
    edit_structure(&mut data, CLIENT_SIRET, |s| s.service_required = true);
    assert_codes(&check(&invoice, &data), &[]);
    // Empty on the invoice but given by the order: still fine.
    invoice.service_code.clear();
    assert_codes(&check(&invoice, &data), &[]);
    // Nowhere: reported.
    invoice.origin_reference.clear();
    let c = check(&invoice, &data);
    assert_codes(&c, &["SERVICE_OBLIGATOIRE"]);
    let m = message(&c, AnomalyCode::ServiceObligatoire);
    assert!(
        m.contains(CLIENT_SIRET) && m.contains("code service"),
        "{m}"
    );
    assert_eq!(c.flags.structure, Some([true, false, true, false]));
    assert_eq!(c.flags.service, None);
}

#[test]
fn no_service_code_is_fine_when_the_structure_does_not_require_one() {
    let (mut invoice, data) = fixture();
    invoice.service_code.clear();
    invoice.origin_reference.clear();
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn an_unknown_service_is_named() {
    let (mut invoice, mut data) = fixture();
    invoice.service_code = "SERV".into();
    let c = check(&invoice, &data);
    assert_codes(&c, &["SERVICE_INCONNU"]);
    let m = message(&c, AnomalyCode::ServiceInconnu);
    assert!(
        m.starts_with("Le service SERV n'existe pas dans l'annuaire Chorus"),
        "{m}"
    );
    assert!(m.contains(CLIENT_SIRET), "{m}");
    assert_eq!(c.flags.service, None);

    // A service of another structure is not one of this structure's services.
    add_structure(&mut data, "01234567400019", "AUTRE");
    data.directory
        .insert_service(service("01234567400019", "SERV-AUTRE", true, false));
    invoice.service_code = "SERV-AUTRE".into();
    assert_codes(&check(&invoice, &data), &["SERVICE_INCONNU"]);
}

#[test]
fn an_unknown_service_from_the_reference_is_reported_too() {
    let (mut invoice, mut data) = fixture();
    invoice.service_code.clear();
    data.references.get_mut(REFERENCE).unwrap().service_code = "SERV-ANCIEN".into();
    let c = check(&invoice, &data);
    assert_codes(&c, &["SERVICE_INCONNU"]);
    assert!(message(&c, AnomalyCode::ServiceInconnu).contains("SERV-ANCIEN"));
}

#[test]
fn an_inactive_service_is_named() {
    let (mut invoice, data) = fixture();
    invoice.service_code = SERVICE_OFF.into();
    let c = check(&invoice, &data);
    assert_codes(&c, &["SERVICE_INACTIF"]);
    assert_eq!(
        message(&c, AnomalyCode::ServiceInactif),
        "Le service SERV-FERME est inactif dans l'annuaire Chorus"
    );
    assert_eq!(c.flags.service, Some([false, false]));
}

#[test]
fn the_reserved_public_to_public_service_is_refused() {
    let (mut invoice, mut data) = fixture();
    invoice.service_code = RESERVED_SERVICE_CODE.into();
    let c = check(&invoice, &data);
    // Not also "unknown": the pseudo-service is not looked up.
    assert_codes(&c, &["SERVICE_RESERVE"]);
    assert!(message(&c, AnomalyCode::ServiceReserve).contains("FACTURES_PUBLIQUES"));
    // Even when the directory lists it as a service of the structure.
    data.directory
        .insert_service(service(CLIENT_SIRET, RESERVED_SERVICE_CODE, true, false));
    assert_codes(&check(&invoice, &data), &["SERVICE_RESERVE"]);
    // And when it comes from the order.
    invoice.service_code.clear();
    data.references.get_mut(REFERENCE).unwrap().service_code = RESERVED_SERVICE_CODE.into();
    assert_codes(&check(&invoice, &data), &["SERVICE_RESERVE"]);
}

// ---------------------------------------------------------------------------------------
// Engagements

#[test]
fn a_structure_that_requires_an_engagement_gets_one() {
    let (mut invoice, mut data) = fixture();
    edit_structure(&mut data, CLIENT_SIRET, |s| s.engagement_required = true);
    assert_codes(&check(&invoice, &data), &[]);
    invoice.engagement_number.clear();
    invoice.origin_reference.clear();
    let c = check(&invoice, &data);
    assert_codes(&c, &["ENGAGEMENT_OBLIGATOIRE"]);
    let m = message(&c, AnomalyCode::EngagementObligatoire);
    assert!(
        m.contains(CLIENT_SIRET) && m.contains("n° d'engagement"),
        "{m}"
    );
    assert_eq!(c.flags.structure, Some([true, true, false, false]));
}

#[test]
fn a_service_that_requires_an_engagement_gets_one() {
    let (mut invoice, data) = fixture();
    invoice.service_code = SERVICE_EJ.into();
    assert_codes(&check(&invoice, &data), &[]);
    // The order's engagement is enough.
    invoice.engagement_number.clear();
    assert_codes(&check(&invoice, &data), &[]);
    invoice.origin_reference.clear();
    let c = check(&invoice, &data);
    assert_codes(&c, &["ENGAGEMENT_OBLIGATOIRE"]);
    let m = message(&c, AnomalyCode::EngagementObligatoire);
    assert!(
        m.contains(SERVICE_EJ) && m.contains("n° d'engagement"),
        "{m}"
    );
    assert_eq!(c.flags.service, Some([true, true]));
    // A service without the flag asks for nothing.
    invoice.service_code = SERVICE.into();
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn an_inactive_service_that_requires_an_engagement_reports_both() {
    let (mut invoice, mut data) = fixture();
    data.directory
        .insert_service(service(CLIENT_SIRET, "SERV-EJ-FERME", false, true));
    invoice.service_code = "SERV-EJ-FERME".into();
    invoice.engagement_number.clear();
    invoice.origin_reference.clear();
    assert_codes(
        &check(&invoice, &data),
        &["SERVICE_INACTIF", "ENGAGEMENT_OBLIGATOIRE"],
    );
}

#[test]
fn service_or_engagement_needs_one_of_them() {
    let (mut invoice, mut data) = fixture();
    edit_structure(&mut data, CLIENT_SIRET, |s| {
        s.service_or_engagement_required = true
    });
    invoice.origin_reference.clear();
    assert_codes(&check(&invoice, &data), &[]);

    invoice.engagement_number.clear();
    assert_codes(&check(&invoice, &data), &[]);

    invoice.engagement_number = "EJ-1".into();
    invoice.service_code.clear();
    assert_codes(&check(&invoice, &data), &[]);

    invoice.engagement_number.clear();
    let c = check(&invoice, &data);
    assert_codes(&c, &["SERVICE_OU_ENGAGEMENT_OBLIGATOIRE"]);
    let m = message(&c, AnomalyCode::ServiceOuEngagementObligatoire);
    assert!(
        m.contains(CLIENT_SIRET) && m.contains("ni l'un ni l'autre"),
        "{m}"
    );
    assert_eq!(c.flags.structure, Some([true, false, false, true]));
}

#[test]
fn a_structure_with_every_requirement_and_nothing_given_reports_each() {
    let (mut invoice, mut data) = fixture();
    edit_structure(&mut data, CLIENT_SIRET, |s| {
        s.service_required = true;
        s.engagement_required = true;
        s.service_or_engagement_required = true;
    });
    without_billing_data(&mut invoice);
    assert_codes(
        &check(&invoice, &data),
        &[
            "SERVICE_OBLIGATOIRE",
            "ENGAGEMENT_OBLIGATOIRE",
            "SERVICE_OU_ENGAGEMENT_OBLIGATOIRE",
        ],
    );
}

#[test]
fn an_engagement_of_50_characters_passes_and_51_does_not() {
    let (mut invoice, data) = fixture();
    invoice.engagement_number = "E".repeat(50);
    assert_codes(&check(&invoice, &data), &[]);
    // Characters, not bytes: accented letters count once.
    invoice.engagement_number = "É".repeat(50);
    assert_codes(&check(&invoice, &data), &[]);
    invoice.engagement_number = format!("EJ-{}", "9".repeat(48));
    let c = check(&invoice, &data);
    assert_codes(&c, &["ENGAGEMENT_TROP_LONG"]);
    let m = message(&c, AnomalyCode::EngagementTropLong);
    assert!(
        m.contains(&invoice.engagement_number) && m.contains("51") && m.contains("50"),
        "{m}"
    );
}

#[test]
fn a_too_long_engagement_from_the_reference_is_reported() {
    let (mut invoice, mut data) = fixture();
    invoice.engagement_number.clear();
    data.references
        .get_mut(REFERENCE)
        .unwrap()
        .engagement_number = "R".repeat(60);
    assert_codes(&check(&invoice, &data), &["ENGAGEMENT_TROP_LONG"]);
}

// ---------------------------------------------------------------------------------------
// NUMERO_FACTURE_INVALIDE

#[test]
fn an_invoice_number_of_20_characters_passes_and_21_does_not() {
    let (mut invoice, data) = fixture();
    invoice.number = "FA2026-000000000001".into();
    invoice.number.push('2');
    assert_eq!(invoice.number.len(), 20);
    assert_codes(&check(&invoice, &data), &[]);
    invoice.number.push('3');
    let c = check(&invoice, &data);
    assert_codes(&c, &["NUMERO_FACTURE_INVALIDE"]);
    let m = message(&c, AnomalyCode::NumeroFactureInvalide);
    assert!(
        m.contains(&invoice.number) && m.contains("21") && m.contains("20"),
        "{m}"
    );
}

#[test]
fn an_invoice_number_accepts_letters_digits_and_four_signs_only() {
    let (mut invoice, data) = fixture();
    invoice.number = "Fa-2026_07/12+B".into();
    assert_codes(&check(&invoice, &data), &[]);
    for (number, shown) in [
        ("F2026 0001", "espace"),
        ("F2026.0001", "« . »"),
        ("F2026#1", "« # »"),
        ("FÉV-2026-1", "« É »"),
        ("F2026;1", "« ; »"),
    ] {
        invoice.number = number.into();
        let c = check(&invoice, &data);
        assert_codes(&c, &["NUMERO_FACTURE_INVALIDE"]);
        let m = message(&c, AnomalyCode::NumeroFactureInvalide);
        assert!(m.contains(number) && m.contains(shown), "{number}: {m}");
    }
}

#[test]
fn a_long_invoice_number_with_a_bad_character_gets_both_reasons() {
    let (mut invoice, data) = fixture();
    invoice.number = "FACTURE N°2026-000000001".into();
    let c = check(&invoice, &data);
    let reasons: Vec<&str> = c.anomalies.iter().map(|a| a.message.as_str()).collect();
    assert_codes(&c, &["NUMERO_FACTURE_INVALIDE", "NUMERO_FACTURE_INVALIDE"]);
    assert!(
        reasons.iter().any(|m| m.contains("caractères, 20 au plus")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|m| m.contains("espace")), "{reasons:?}");
}

// ---------------------------------------------------------------------------------------
// PDF

#[test]
fn no_pdf_given_is_reported() {
    let (mut invoice, data) = fixture();
    invoice.pdf_path.clear();
    let c = check(&invoice, &data);
    assert_codes(&c, &["PDF_INTROUVABLE"]);
    assert_eq!(c.pdf, PdfState::NotGiven);
    assert!(message(&c, AnomalyCode::PdfIntrouvable).contains("Aucun fichier PDF"));
}

#[test]
fn a_pdf_not_on_disk_is_named() {
    let (mut invoice, mut data) = fixture();
    invoice.pdf_path = "/factures/absente.pdf".into();
    let c = check(&invoice, &data);
    assert_codes(&c, &["PDF_INTROUVABLE"]);
    assert_eq!(
        message(&c, AnomalyCode::PdfIntrouvable),
        "Le fichier PDF de la facture est introuvable : /factures/absente.pdf"
    );
    // Same when the examination said so.
    data.pdf
        .insert("/factures/absente.pdf".into(), PdfState::NotFound);
    assert_codes(&check(&invoice, &data), &["PDF_INTROUVABLE"]);
}

#[test]
fn an_unreadable_pdf_is_reported_with_the_reason() {
    let (invoice, mut data) = fixture();
    data.pdf.insert(
        PDF.into(),
        PdfState::Unreadable("pas d'en-tête %PDF".into()),
    );
    let c = check(&invoice, &data);
    assert_codes(&c, &["PDF_ILLISIBLE"]);
    let m = message(&c, AnomalyCode::PdfIllisible);
    assert!(m.contains(PDF) && m.contains("pas d'en-tête %PDF"), "{m}");
}

#[test]
fn a_pdf_over_10_mb_is_reported_with_its_size() {
    let (invoice, mut data) = fixture();
    data.pdf.insert(
        PDF.into(),
        PdfState::TooLarge(11 * 1024 * 1024 + 512 * 1024),
    );
    let c = check(&invoice, &data);
    assert_codes(&c, &["PDF_TROP_VOLUMINEUX"]);
    let m = message(&c, AnomalyCode::PdfTropVolumineux);
    assert!(m.contains("11,5 Mo") && m.contains("10 Mo"), "{m}");
}

// ---------------------------------------------------------------------------------------
// MONTANTS_INCOHERENTS

#[test]
fn totals_within_one_cent_pass() {
    let (mut invoice, data) = fixture();
    invoice.total_incl_tax = dec("120.01");
    assert_codes(&check(&invoice, &data), &[]);
    invoice.total_incl_tax = dec("119.99");
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn totals_off_by_more_than_one_cent_are_reported() {
    let (mut invoice, data) = fixture();
    invoice.total_incl_tax = dec("120.02");
    let c = check(&invoice, &data);
    assert_codes(&c, &["MONTANTS_INCOHERENTS"]);
    let m = message(&c, AnomalyCode::MontantsIncoherents);
    assert!(
        m.contains("100,00") && m.contains("20,00") && m.contains("120,02"),
        "{m}"
    );
    invoice.total_incl_tax = dec("119.989");
    assert_codes(&check(&invoice, &data), &["MONTANTS_INCOHERENTS"]);
}

#[test]
fn the_lines_total_must_match_the_invoice_within_one_cent() {
    let (invoice, mut data) = fixture();
    set_line_total(&mut data, invoice.number.clone(), dec("100.01"));
    assert_codes(&check(&invoice, &data), &[]);
    set_line_total(&mut data, invoice.number.clone(), dec("99.98"));
    let c = check(&invoice, &data);
    assert_codes(&c, &["MONTANTS_INCOHERENTS"]);
    let m = message(&c, AnomalyCode::MontantsIncoherents);
    assert!(
        m.contains("lignes") && m.contains("99,98") && m.contains("100,00"),
        "{m}"
    );
    // An invoice without lines is not compared with anything.
    data.lines.clear();
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn both_amount_problems_are_reported() {
    let (mut invoice, mut data) = fixture();
    invoice.total_incl_tax = dec("150.00");
    set_line_total(&mut data, invoice.number.clone(), dec("80.00"));
    assert_codes(
        &check(&invoice, &data),
        &["MONTANTS_INCOHERENTS", "MONTANTS_INCOHERENTS"],
    );
}

#[test]
fn a_credit_note_with_negative_amounts_adds_up() {
    let (mut invoice, mut data) = fixture();
    invoice.kind = InvoiceKind::CreditNote;
    invoice.original_invoice_number = "F2026-0000".into();
    invoice.total_excl_tax = dec("-100.00");
    invoice.total_tax = dec("-20.00");
    invoice.total_incl_tax = dec("-120.00");
    set_line_total(&mut data, invoice.number.clone(), dec("-100.00"));
    assert_codes(&check(&invoice, &data), &[]);
}

// ---------------------------------------------------------------------------------------
// MARCHE_EXPIRE, REFERENCE_EXPIREE

#[test]
fn a_market_is_valid_on_its_first_and_last_days() {
    let (mut invoice, data) = fixture();
    invoice.invoice_date = date(2026, 1, 1);
    assert_codes(&check(&invoice, &data), &[]);
    invoice.invoice_date = date(2026, 12, 31);
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn an_expired_market_is_reported_with_its_period() {
    let (mut invoice, mut data) = fixture();
    data.references.get_mut(REFERENCE).unwrap().valid_until = None;
    invoice.invoice_date = date(2027, 1, 4);
    let c = check(&invoice, &data);
    assert_codes(&c, &["MARCHE_EXPIRE"]);
    assert_eq!(
        message(&c, AnomalyCode::MarcheExpire),
        "Le marché M2026-007 n'est pas valide à la date de la facture (04/01/2027) : valable du 01/01/2026 au 31/12/2026"
    );
}

#[test]
fn a_market_not_yet_started_is_not_valid_either() {
    let (mut invoice, data) = fixture();
    invoice.invoice_date = date(2025, 12, 31);
    assert_codes(&check(&invoice, &data), &["MARCHE_EXPIRE"]);
}

#[test]
fn a_market_with_open_ends_is_valid() {
    let (mut invoice, mut data) = fixture();
    data.insert_market(Market {
        client_code: "C1".into(),
        number: MARKET.into(),
        label: String::new(),
        start_date: None,
        end_date: None,
    });
    data.references.get_mut(REFERENCE).unwrap().valid_until = None;
    invoice.invoice_date = date(2027, 5, 5);
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn only_the_market_of_this_client_is_looked_at() {
    let (mut invoice, mut data) = fixture();
    // Another client's market with the same number, long expired.
    data.clients
        .insert("C2".into(), client("C2", "CHU de Lyon", "01234567400019"));
    data.insert_market(Market {
        client_code: "C2".into(),
        number: "M-2019".into(),
        label: String::new(),
        start_date: Some(date(2019, 1, 1)),
        end_date: Some(date(2019, 12, 31)),
    });
    invoice.market_number = "M-2019".into();
    assert_codes(&check(&invoice, &data), &[]);
    // A market number unknown to the mirror is not judged.
    invoice.market_number = "M-INCONNU".into();
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn the_market_of_the_reference_is_checked_when_the_invoice_has_none() {
    let (mut invoice, mut data) = fixture();
    invoice.market_number.clear();
    data.insert_market(Market {
        client_code: "C1".into(),
        number: "M2024-001".into(),
        label: String::new(),
        start_date: Some(date(2024, 1, 1)),
        end_date: Some(date(2025, 12, 31)),
    });
    data.references.get_mut(REFERENCE).unwrap().market_number = "M2024-001".into();
    let c = check(&invoice, &data);
    assert_codes(&c, &["MARCHE_EXPIRE"]);
    assert!(message(&c, AnomalyCode::MarcheExpire).contains("M2024-001"));
}

#[test]
fn an_expired_reference_is_reported() {
    let (invoice, mut data) = fixture();
    data.references.get_mut(REFERENCE).unwrap().valid_until = Some(date(2026, 6, 14));
    let c = check(&invoice, &data);
    assert_codes(&c, &["REFERENCE_EXPIREE"]);
    assert_eq!(
        message(&c, AnomalyCode::ReferenceExpiree),
        "La référence CMD-4512 (commande) a expiré le 14/06/2026, avant la date de la facture (15/06/2026)"
    );
}

#[test]
fn a_reference_valid_until_the_invoice_date_or_without_end_passes() {
    let (invoice, mut data) = fixture();
    data.references.get_mut(REFERENCE).unwrap().valid_until = Some(date(2026, 6, 15));
    assert_codes(&check(&invoice, &data), &[]);
    data.references.get_mut(REFERENCE).unwrap().valid_until = None;
    assert_codes(&check(&invoice, &data), &[]);
}

// ---------------------------------------------------------------------------------------
// FOURNISSEUR_INCOMPLET

fn edit_company(data: &mut CheckData, edit: impl FnOnce(&mut Company)) {
    edit(data.companies.get_mut("SOC1").unwrap());
}

#[test]
fn a_company_without_siret_is_reported_whatever_the_payment_means() {
    let (mut invoice, mut data) = fixture();
    edit_company(&mut data, |c| c.siret.clear());
    for means in ["VIREMENT", "CHEQUE", ""] {
        invoice.payment_means = means.into();
        let c = check(&invoice, &data);
        assert_codes(&c, &["FOURNISSEUR_INCOMPLET"]);
        let m = message(&c, AnomalyCode::FournisseurIncomplet);
        assert!(m.contains("SOC1") && m.contains("SIRET"), "{means}: {m}");
    }
    edit_company(&mut data, |c| c.siret = "44312197500026".into());
    let c = check(&invoice, &data);
    let m = message(&c, AnomalyCode::FournisseurIncomplet);
    assert!(
        m.contains("SIRET invalide") && m.contains("44312197500026"),
        "{m}"
    );
}

#[test]
fn iban_and_bic_are_required_for_a_transfer_only() {
    let (mut invoice, mut data) = fixture();
    edit_company(&mut data, |c| {
        c.iban = "FR7630006000011234567890188".into();
        c.bic.clear();
    });
    for means in ["VIREMENT", "virement", "30", "42", "VIR"] {
        invoice.payment_means = means.into();
        let c = check(&invoice, &data);
        assert_codes(&c, &["FOURNISSEUR_INCOMPLET", "FOURNISSEUR_INCOMPLET"]);
        let all: Vec<&str> = c.anomalies.iter().map(|a| a.message.as_str()).collect();
        assert!(
            all.iter()
                .any(|m| m.contains("IBAN invalide") && m.contains("modulo 97")),
            "{all:?}"
        );
        assert!(
            all.iter()
                .any(|m| m.contains("pas de BIC") && m.contains("virement")),
            "{all:?}"
        );
    }
    for means in ["CHEQUE", "PRELEVEMENT", ""] {
        invoice.payment_means = means.into();
        assert_codes(&check(&invoice, &data), &[]);
    }
}

#[test]
fn a_malformed_bic_or_missing_iban_is_named() {
    let (invoice, mut data) = fixture();
    edit_company(&mut data, |c| {
        c.iban.clear();
        c.bic = "BNPAZZPP".into();
    });
    let c = check(&invoice, &data);
    let all: Vec<&str> = c.anomalies.iter().map(|a| a.message.as_str()).collect();
    assert_codes(&c, &["FOURNISSEUR_INCOMPLET", "FOURNISSEUR_INCOMPLET"]);
    assert!(all.iter().any(|m| m.contains("pas d'IBAN")), "{all:?}");
    assert!(
        all.iter()
            .any(|m| m.contains("BIC invalide") && m.contains("ZZ")),
        "{all:?}"
    );
}

// ---------------------------------------------------------------------------------------
// AVOIR_SANS_FACTURE_ORIGINE

#[test]
fn a_credit_note_must_name_the_invoice_it_corrects() {
    let (mut invoice, data) = fixture();
    invoice.kind = InvoiceKind::CreditNote;
    let c = check(&invoice, &data);
    assert_codes(&c, &["AVOIR_SANS_FACTURE_ORIGINE"]);
    assert!(message(&c, AnomalyCode::AvoirSansFactureOrigine).contains("avoir"));
    invoice.original_invoice_number = " ".into();
    assert_codes(&check(&invoice, &data), &["AVOIR_SANS_FACTURE_ORIGINE"]);
    invoice.original_invoice_number = "F2025-0999".into();
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn an_invoice_needs_no_original_invoice_number() {
    let (invoice, data) = fixture();
    assert!(invoice.original_invoice_number.is_empty());
    assert_codes(&check(&invoice, &data), &[]);
}

// ---------------------------------------------------------------------------------------
// Every rule that applies is reported

#[test]
fn an_invoice_with_many_problems_gets_them_all() {
    let (mut invoice, mut data) = fixture();
    edit_structure(&mut data, CLIENT_SIRET, |s| {
        s.active = false;
        s.engagement_required = true;
    });
    edit_company(&mut data, |c| c.bic.clear());
    invoice.number = "AVOIR 2026/0001 BIS-XYZ".into(); // too long and a space
    invoice.kind = InvoiceKind::CreditNote;
    invoice.service_code = SERVICE_OFF.into();
    invoice.engagement_number.clear();
    invoice.invoice_date = date(2027, 2, 1); // market and order both over
    invoice.total_incl_tax = dec("121.00");
    data.references
        .get_mut(REFERENCE)
        .unwrap()
        .engagement_number
        .clear();
    set_line_total(&mut data, invoice.number.clone(), dec("90"));
    invoice.pdf_path = "/factures/manquante.pdf".into();
    let c = check(&invoice, &data);
    assert_codes(
        &c,
        &[
            "STRUCTURE_INACTIVE",
            "SERVICE_INACTIF",
            "ENGAGEMENT_OBLIGATOIRE",
            "NUMERO_FACTURE_INVALIDE",
            "NUMERO_FACTURE_INVALIDE",
            "PDF_INTROUVABLE",
            "MONTANTS_INCOHERENTS",
            "MONTANTS_INCOHERENTS",
            "MARCHE_EXPIRE",
            "REFERENCE_EXPIREE",
            "FOURNISSEUR_INCOMPLET",
            "AVOIR_SANS_FACTURE_ORIGINE",
        ],
    );
    assert!(!c.is_conformant());
    // Every message is a French sentence, never a bare code.
    for a in &c.anomalies {
        assert!(!a.message.contains(a.code.as_str()), "{a:?}");
        assert!(a.message.chars().next().unwrap().is_uppercase(), "{a:?}");
    }
}

#[test]
fn every_code_is_distinct_and_upper_snake_case() {
    let mut seen = std::collections::HashSet::new();
    for code in AnomalyCode::ALL {
        let text = code.as_str();
        assert!(seen.insert(text), "{text} twice");
        assert!(
            text.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_'),
            "{text}"
        );
        assert!(!code.title().is_empty());
    }
    assert_eq!(seen.len(), AnomalyCode::ALL.len());
}

// ---------------------------------------------------------------------------------------
// Already paid in the ERP (DEJA_REGLEE)

fn paid(data: &mut CheckData, number: &str, amount: &str, day: NaiveDate) {
    data.paid.insert(
        number.into(),
        crate::store::erp::PaidInErp {
            amount: dec(amount),
            last_date: day,
        },
    );
}

#[test]
fn an_invoice_paid_in_full_in_the_erp_and_never_deposited_is_held_back() {
    let (invoice, mut data) = fixture();
    paid(&mut data, "F2026-0001", "120.00", date(2026, 7, 2));
    let c = check(&invoice, &data);
    assert_codes(&c, &["DEJA_REGLEE"]);
    let m = message(&c, AnomalyCode::DejaReglee);
    assert!(m.starts_with("Réglée dans l'ERP le 02/07/2026"), "{m}");
    assert!(m.contains("vérifier avant de la déposer"), "{m}");
    assert!(m.contains("120,00"), "{m}");
}

#[test]
fn a_partial_payment_is_not_already_paid() {
    let (invoice, mut data) = fixture();
    paid(&mut data, "F2026-0001", "119.99", date(2026, 7, 2));
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn payments_and_credit_notes_together_cover_the_invoice() {
    let (invoice, mut data) = fixture();
    paid(&mut data, "F2026-0001", "100.00", date(2026, 7, 2));
    let mut note = invoice.clone();
    note.number = "AV2026-0001".into();
    note.kind = InvoiceKind::CreditNote;
    note.original_invoice_number = "F2026-0001".into();
    note.invoice_date = date(2026, 7, 9);
    // Written negative by this ERP: counted as a refund whatever the sign.
    note.total_incl_tax = dec("-20.00");
    data.add_credit_notes(std::slice::from_ref(&note));
    let c = check(&invoice, &data);
    let m = message(&c, AnomalyCode::DejaReglee);
    assert!(m.starts_with("Réglée dans l'ERP le 09/07/2026"), "{m}");
    assert!(m.contains("d'avoirs"), "{m}");
}

#[test]
fn a_deposited_invoice_being_paid_is_its_normal_life() {
    let (invoice, mut data) = fixture();
    paid(&mut data, "F2026-0001", "120.00", date(2026, 7, 2));
    data.deposited.insert("F2026-0001".into());
    assert_codes(&check(&invoice, &data), &[]);
}

#[test]
fn deposer_quand_meme_lifts_only_that_anomaly_and_keeps_it_visible() {
    let (mut invoice, mut data) = fixture();
    paid(&mut data, "F2026-0001", "120.00", date(2026, 7, 2));
    data.overrides
        .insert(("F2026-0001".into(), "DEJA_REGLEE".into()));
    let c = check(&invoice, &data);
    assert!(c.is_conformant(), "{:?}", c.anomalies);
    assert_eq!(c.overridden.len(), 1);
    assert_eq!(c.overridden[0].code, AnomalyCode::DejaReglee);
    // Another anomaly cannot be overridden that way.
    invoice.pdf_path.clear();
    data.overrides
        .insert(("F2026-0001".into(), "PDF_INTROUVABLE".into()));
    assert_codes(&check(&invoice, &data), &["PDF_INTROUVABLE"]);
}
