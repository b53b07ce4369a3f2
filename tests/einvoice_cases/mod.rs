#![allow(dead_code)]
//! Hand-written e-invoices for the edge cases: several VAT rates, exempt lines with their
//! reason, reverse charge, export, out of scope, credit notes, discounts, rounding, accents and
//! `&<>` in names.

use chorus_depot::einvoice::{AllowanceCharge, Attachment, InvoiceDocument, LineAllowance};
use chorus_depot::model::{
    Client, ClientType, Company, Invoice, InvoiceKind, InvoiceLine, VatCategory,
};
use rust_decimal::Decimal;
use std::str::FromStr;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn line(
    n: u32,
    label: &str,
    qty: &str,
    price: &str,
    rate: &str,
    cat: VatCategory,
) -> InvoiceLine {
    InvoiceLine {
        invoice_number: String::new(),
        line_number: n,
        label: label.into(),
        quantity: dec(qty),
        unit: "U".into(),
        unit_price: dec(price),
        vat_rate: dec(rate),
        line_total: dec(qty) * dec(price),
        vat_category: cat,
        exemption_reason: String::new(),
    }
}

fn fixture_pdf() -> Attachment {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/erp_small/pdf/F2600001.pdf");
    Attachment {
        file_name: "F2600001.pdf".into(),
        mime: "application/pdf".into(),
        bytes: std::fs::read(path).unwrap(),
    }
}

pub fn base_document(number: &str, lines: Vec<InvoiceLine>) -> InvoiceDocument {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 2).unwrap();
    InvoiceDocument {
        invoice: Invoice {
            number: number.into(),
            company_code: "SIEGE".into(),
            client_code: "C001".into(),
            kind: InvoiceKind::Invoice,
            invoice_date: date,
            due_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1),
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
            code: "SIEGE".into(),
            name: "Électricité & Réseaux <Rhône> \"Frères\" SAS".into(),
            siret: "41234567000019".into(),
            vat_number: "FR32412345679".into(),
            iban: "FR76 3000 6000 0112 3456 7890 189".into(),
            bic: "AGRIFRPP".into(),
            account_holder: "Électricité & Réseaux".into(),
            bank_domiciliation: "Crédit Agricole".into(),
            address: "12 rue de l'Hôtel-de-Ville".into(),
            postal_code: "69002".into(),
            city: "Lyon".into(),
        },
        buyer: Client {
            code: "C001".into(),
            name: "Communauté d'agglomération Saint-Étienne <Métropole> & Co".into(),
            siret: "21690123100011".into(),
            client_type: ClientType::Public,
            address: "Place Lazare-Goujon".into(),
            postal_code: "69100".into(),
            city: "Villeurbanne".into(),
            email: "compta@mairie.fr".into(),
        },
        service_code: "SERV-FINANCES".into(),
        engagement_number: "EJ1300045678".into(),
        market_number: "2024-MAPA-007".into(),
        preceding_invoice: None,
        attachment: Some(fixture_pdf()),
        allowances_charges: Vec::new(),
        line_allowances: Vec::new(),
    }
}

pub fn edge_cases() -> Vec<InvoiceDocument> {
    use VatCategory::*;
    let mut docs = Vec::new();
    // Several rates, an exempt line with its reason, prices with 3 decimals to round.
    let mut exempt = line(
        4,
        "Formation « sécurité » (exonérée)",
        "2",
        "333.335",
        "0",
        Exempt,
    );
    exempt.exemption_reason = "Exonération de TVA, article 261-4-4° du CGI".into();
    docs.push(base_document(
        "EDGE-RATES",
        vec![
            line(
                1,
                "Câbles & connecteurs <RJ45>",
                "3",
                "0.335",
                "20",
                Standard,
            ),
            line(2, "Livres", "7", "12.345", "5.5", Standard),
            line(3, "Transport", "1", "19.99", "10", Standard),
            exempt,
            line(5, "Remise commerciale", "1", "-5.50", "20", Standard),
            line(6, "Petites fournitures", "0.333", "1.07", "20", Standard),
            line(7, "Presse", "4", "0.55", "2.1", Standard),
        ],
    ));
    // Credit note on an earlier invoice: no payment means, preceding invoice referenced.
    let mut credit = base_document(
        "EDGE-AVOIR",
        vec![
            line(1, "Retour de marchandise", "2", "49.95", "20", Standard),
            line(2, "Frais annulés", "1", "10", "5.5", Standard),
        ],
    );
    credit.invoice.kind = InvoiceKind::CreditNote;
    credit.preceding_invoice = Some((
        "F2600001".into(),
        chrono::NaiveDate::from_ymd_opt(2026, 9, 1),
    ));
    docs.push(credit);
    // Reverse charge and export, zero rate, with the default reasons.
    docs.push(base_document(
        "EDGE-AE-G-Z",
        vec![
            line(
                1,
                "Travaux de sous-traitance",
                "1",
                "1000",
                "0",
                ReverseCharge,
            ),
            line(2, "Matériel exporté", "2", "150.10", "0", Export),
            line(3, "Produit à taux zéro", "1", "8", "0", ZeroRated),
            line(4, "Service", "1", "100", "20", Standard),
        ],
    ));
    // Line allowance (already deducted from the line net), document allowance and charge on
    // two rates, and a charge at a rate no line has.
    let mut allowances = base_document(
        "EDGE-REMISES",
        vec![
            InvoiceLine {
                line_total: dec("90.00"),
                ..line(1, "Licences « pro »", "4", "25", "20", Standard)
            },
            line(2, "Ouvrages", "3", "19.99", "5.5", Standard),
        ],
    );
    allowances.line_allowances = vec![LineAllowance {
        line_number: 1,
        amount: dec("10"),
        reason: "Remise de quantité".into(),
    }];
    allowances.allowances_charges = vec![
        AllowanceCharge {
            charge: false,
            amount: dec("12.345"),
            reason: "Remise fidélité & <partenaire>".into(),
            vat_category: Standard,
            vat_rate: dec("20"),
        },
        AllowanceCharge {
            charge: true,
            amount: dec("7.5"),
            reason: String::new(),
            vat_category: Standard,
            vat_rate: dec("5.5"),
        },
        AllowanceCharge {
            charge: true,
            amount: dec("15"),
            reason: "Frais de port".into(),
            vat_category: Standard,
            vat_rate: dec("10"),
        },
    ];
    docs.push(allowances);
    // Outside the scope of VAT: no seller VAT number, no rate.
    docs.push(base_document(
        "EDGE-HORS-CHAMP",
        vec![line(
            1,
            "Débours (hors champ)",
            "1",
            "42.42",
            "0",
            NotSubject,
        )],
    ));
    // No Chorus billing data at all, cheque payment, no due date, accents everywhere.
    let mut bare = base_document(
        "EDGE-MINIMAL",
        vec![line(1, "Prestation d'été", "1.5", "80", "20", Standard)],
    );
    bare.service_code.clear();
    bare.engagement_number.clear();
    bare.market_number.clear();
    bare.invoice.payment_means = "CHEQUE".into();
    bare.invoice.due_date = None;
    docs.push(bare);
    docs
}
