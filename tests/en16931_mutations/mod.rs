//! The mutations of the differential test: of the ERP's documents (through the mapping) and
//! of the model itself (beyond what the mapping produces).

use chorus_depot::einvoice::en16931;
use chorus_depot::einvoice::{AllowanceCharge, InvoiceDocument, LineAllowance};
use chorus_depot::model::{InvoiceKind, VatCategory};
use rust_decimal::Decimal;
use std::str::FromStr;

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub type Mutation = (&'static str, fn(&mut InvoiceDocument));

fn set_line(d: &mut InvoiceDocument, cat: VatCategory, rate: &str) {
    if let Some(l) = d.lines.first_mut() {
        l.vat_category = cat;
        l.vat_rate = dec(rate);
    }
}

pub fn mutations() -> Vec<Mutation> {
    use VatCategory::*;
    vec![
        ("no_seller_vat", |d| d.seller.vat_number.clear()),
        ("seller_vat_spaces", |d| {
            d.seller.vat_number = "FR 32 412 345 679".into()
        }),
        ("seller_vat_bad_prefix", |d| {
            d.seller.vat_number = "32412345679".into()
        }),
        ("seller_vat_one_letter", |d| {
            d.seller.vat_number = "F".into()
        }),
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
        ("s_with_reason", |d| {
            d.lines[0].exemption_reason = "Raison".into()
        }),
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
        ("rounding_half_negative", |d| {
            d.lines[0].line_total = dec("-0.005")
        }),
        ("qty_price_mismatch", |d| {
            d.lines[0].line_total = dec("123.45")
        }),
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
            d.preceding_invoice =
                Some(("F0001".into(), chrono::NaiveDate::from_ymd_opt(2026, 1, 5)));
        }),
        ("credit_note_alone", |d| {
            d.invoice.kind = InvoiceKind::CreditNote;
            d.preceding_invoice = None;
        }),
        ("credit_note_blank_reference", |d| {
            d.invoice.kind = InvoiceKind::CreditNote;
            d.preceding_invoice = Some(("  ".into(), None));
        }),
        ("invoice_with_preceding", |d| {
            d.preceding_invoice = Some(("F0".into(), None))
        }),
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
        ("unknown_means", |d| {
            d.invoice.payment_means = "TRAITE".into()
        }),
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
        ("due_before_issue", |d| {
            d.invoice.due_date = chrono::NaiveDate::from_ymd_opt(2000, 1, 1)
        }),
        ("no_buyer_siret", |d| d.buyer.siret.clear()),
        ("no_seller_siret", |d| d.seller.siret.clear()),
        ("no_seller_ids", |d| {
            d.seller.siret.clear();
            d.seller.vat_number.clear();
        }),
        ("siret_with_letters", |d| {
            d.seller.siret = "4123 4567 ABC".into()
        }),
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
        ("billing_frame", |d| {
            d.invoice.billing_frame = "A2_FACTURE_FOURNISSEUR_DEJA_PAYEE".into()
        }),
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

pub type Model = en16931::model::Invoice<'static>;
pub type ModelMutation = (&'static str, fn(&mut Model));

fn d(s: &str) -> Option<Decimal> {
    Some(dec(s))
}

fn first_row(m: &mut Model) -> &mut en16931::model::VatBreakdown<'static> {
    &mut m.vat_breakdown[0]
}

/// Mutations of the model itself, beyond what the mapping produces from ERP data: they reach
/// the rules on totals, decimals, codes and parties the ERP cannot break, so that those
/// rules too are compared with the artefacts. Their files may break the syntaxes' structure
/// (the writers write what they are given): only the business rules are compared for them.
pub fn model_mutations() -> Vec<ModelMutation> {
    use en16931::model::*;
    vec![
        ("line_net_total_off", |m| {
            m.totals.line_net = m.totals.line_net.map(|v| v + dec("0.01"))
        }),
        ("line_net_total_absent", |m| m.totals.line_net = None),
        ("without_vat_off", |m| {
            m.totals.without_vat = m.totals.without_vat.map(|v| v - dec("0.01"))
        }),
        ("with_vat_off", |m| {
            m.totals.with_vat = m.totals.with_vat.map(|v| v + dec("0.01"))
        }),
        ("payable_off", |m| {
            m.totals.payable = m.totals.payable.map(|v| v + dec("1"))
        }),
        ("prepaid", |m| {
            m.totals.prepaid = d("10.00");
            m.totals.payable = m.totals.payable.map(|v| v - dec("10"));
        }),
        ("prepaid_not_deducted", |m| m.totals.prepaid = d("10.00")),
        ("rounding", |m| {
            m.totals.rounding = d("0.01");
            m.totals.payable = m.totals.payable.map(|v| v + dec("0.01"));
        }),
        ("rounding_and_prepaid", |m| {
            m.totals.rounding = d("-0.01");
            m.totals.prepaid = d("1.00");
            m.totals.payable = m.totals.payable.map(|v| v - dec("1.01"));
        }),
        ("allowance_total_without_allowances", |m| {
            if m.allowances_charges.is_empty() {
                m.totals.allowances = d("0.00");
            } else {
                m.totals.allowances = d("999.00");
            }
        }),
        ("charge_total_absent", |m| m.totals.charges = None),
        ("vat_total_off", |m| {
            m.totals.vat = m.totals.vat.map(|v| v + dec("0.02"));
            m.totals.with_vat = m.totals.with_vat.map(|v| v + dec("0.02"));
            m.totals.payable = m.totals.with_vat;
        }),
        ("vat_total_absent", |m| m.totals.vat = None),
        ("vat_total_3_decimals_by_value", |m| {
            m.totals.vat = m.totals.vat.map(|v| v + dec("0.001"));
        }),
        ("vat_total_trailing_zero", |m| {
            m.totals.vat = m.totals.vat.map(|v| dec(&format!("{v}0")));
        }),
        ("totals_3_decimals", |m| {
            let t = &mut m.totals;
            for v in [
                &mut t.line_net,
                &mut t.without_vat,
                &mut t.with_vat,
                &mut t.payable,
            ] {
                *v = v.map(|x| dec(&format!("{x}0")));
            }
        }),
        ("line_net_3_decimals", |m| {
            m.lines[0].net_amount = m.lines[0].net_amount.map(|v| v + dec("0.004"))
        }),
        ("row_3_decimals", |m| {
            let r = first_row(m);
            r.taxable = r.taxable.map(|v| dec(&format!("{v}0")));
            r.tax = r.tax.map(|v| dec(&format!("{v}0")));
        }),
        ("row_removed", |m| {
            m.vat_breakdown.remove(0);
        }),
        ("row_duplicated", |m| {
            let r = m.vat_breakdown[0].clone();
            m.vat_breakdown.push(r);
        }),
        ("all_rows_removed", |m| m.vat_breakdown.clear()),
        ("row_taxable_half_off", |m| {
            first_row(m).taxable = first_row(m).taxable.map(|v| v + dec("0.50"))
        }),
        ("row_taxable_two_off", |m| {
            first_row(m).taxable = first_row(m).taxable.map(|v| v + dec("2"))
        }),
        ("row_tax_half_off", |m| {
            first_row(m).tax = first_row(m).tax.map(|v| v + dec("0.50"))
        }),
        ("row_tax_two_off", |m| {
            first_row(m).tax = first_row(m).tax.map(|v| v + dec("2"))
        }),
        ("row_rate_changed", |m| first_row(m).category.rate = d("7")),
        ("row_rate_absent", |m| first_row(m).category.rate = None),
        ("row_tax_absent", |m| first_row(m).tax = None),
        ("row_taxable_absent", |m| first_row(m).taxable = None),
        ("row_category_absent", |m| first_row(m).category.code = None),
        ("row_category_unknown", |m| {
            first_row(m).category.code = Some("X".into())
        }),
        ("row_reason_on_first", |m| {
            first_row(m).exemption_reason = Some("Motif".into())
        }),
        ("row_code_on_first", |m| {
            first_row(m).exemption_code = Some("VATEX-EU-79-C".into())
        }),
        ("row_bad_vatex", |m| {
            for r in &mut m.vat_breakdown {
                if r.exemption_code.is_some() {
                    r.exemption_code = Some("VATEX-EU-XYZ".into());
                }
            }
        }),
        ("row_lowercase_vatex", |m| {
            for r in &mut m.vat_breakdown {
                if let Some(c) = &mut r.exemption_code {
                    *c = c.to_lowercase().into();
                }
            }
        }),
        ("reasons_removed", |m| {
            for r in &mut m.vat_breakdown {
                r.exemption_reason = None;
                r.exemption_code = None;
            }
        }),
        ("type_code_unknown", |m| m.type_code = Some("999".into())),
        ("type_code_credit_on_invoice", |m| {
            m.type_code = Some("381".into())
        }),
        ("type_code_389", |m| m.type_code = Some("389".into())),
        ("type_code_blank", |m| m.type_code = Some(" ".into())),
        ("currency_xxx", |m| m.currency = Some("XXX".into())),
        ("currency_lowercase", |m| m.currency = Some("eur".into())),
        ("tax_currency_without_total", |m| {
            m.tax_currency = Some("USD".into())
        }),
        ("tax_currency_with_total", |m| {
            m.tax_currency = Some("USD".into());
            m.totals.vat_accounting = d("12.34");
        }),
        ("tax_currency_same", |m| {
            m.tax_currency = m.currency.clone();
            m.totals.vat_accounting = m.totals.vat;
        }),
        ("tax_currency_bad", |m| {
            m.tax_currency = Some("DOLLAR".into());
            m.totals.vat_accounting = d("1.00");
        }),
        ("country_zz", |m| {
            m.seller.address.as_mut().unwrap().country = Some("ZZ".into())
        }),
        ("country_an", |m| {
            m.buyer.address.as_mut().unwrap().country = Some("AN".into())
        }),
        ("country_ss", |m| {
            m.buyer.address.as_mut().unwrap().country = Some("SS".into())
        }),
        ("country_blank", |m| {
            m.seller.address.as_mut().unwrap().country = Some(" ".into())
        }),
        ("no_seller_address", |m| m.seller.address = None),
        ("no_buyer_address", |m| m.buyer.address = None),
        ("payment_code_zzz", |m| {
            if let Some(p) = m.payment_means.first_mut() {
                p.code = Some("ZZZ".into());
            }
        }),
        ("payment_code_padded", |m| {
            if let Some(p) = m.payment_means.first_mut() {
                p.code = Some(" 30 ".into());
            }
        }),
        ("payment_code_absent", |m| {
            if let Some(p) = m.payment_means.first_mut() {
                p.code = None;
            }
        }),
        ("payment_account_absent", |m| {
            if let Some(ct) = m
                .payment_means
                .first_mut()
                .and_then(|p| p.credit_transfer.as_mut())
            {
                ct.account_id = None;
            }
        }),
        ("payment_account_blank", |m| {
            if let Some(ct) = m
                .payment_means
                .first_mut()
                .and_then(|p| p.credit_transfer.as_mut())
            {
                ct.account_id = Some(" ".into());
            }
        }),
        ("card_long_pan", |m| {
            m.payment_means.push(PaymentMeans {
                code: Some("48".into()),
                card: Some(Card {
                    primary_account_number: Some("1234567890123456".into()),
                    holder_name: Some("A".into()),
                }),
                ..PaymentMeans::default()
            });
        }),
        ("unit_unknown", |m| {
            m.lines[0].unit_code = Some("BIDULE".into())
        }),
        ("unit_absent", |m| m.lines[0].unit_code = None),
        ("quantity_absent", |m| m.lines[0].quantity = None),
        ("price_absent", |m| m.lines[0].net_price = None),
        ("price_negative", |m| m.lines[0].net_price = d("-1")),
        ("gross_price_negative", |m| {
            m.lines[0].gross_price = d("-5");
            m.lines[0].price_discount = d("1");
        }),
        ("line_id_blank", |m| m.lines[0].id = Some(" ".into())),
        ("item_name_absent", |m| m.lines[0].item_name = None),
        ("line_category_absent", |m| m.lines[0].vat = None),
        ("line_category_unknown", |m| {
            m.lines[0].vat.as_mut().unwrap().code = Some("X".into())
        }),
        ("line_rate_absent", |m| {
            m.lines[0].vat.as_mut().unwrap().rate = None
        }),
        ("line_period_reversed", |m| {
            m.lines[0].period = Some(Period {
                start: chrono::NaiveDate::from_ymd_opt(2026, 2, 1),
                end: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
            })
        }),
        ("line_period_empty", |m| {
            m.lines[0].period = Some(Period::default())
        }),
        ("invoice_period_reversed", |m| {
            m.invoicing_period = Some(Period {
                start: chrono::NaiveDate::from_ymd_opt(2026, 2, 1),
                end: chrono::NaiveDate::from_ymd_opt(2026, 1, 1),
            })
        }),
        ("invoice_period_empty", |m| {
            m.invoicing_period = Some(Period::default())
        }),
        ("tax_point_date_and_code", |m| {
            m.tax_point_date = m.issue_date;
            m.tax_point_date_code = Some("35".into());
        }),
        ("tax_point_code_cii", |m| {
            m.tax_point_date_code = Some("5".into())
        }),
        ("item_attribute_no_value", |m| {
            m.lines[0].attributes.push(ItemAttribute {
                name: Some("Couleur".into()),
                value: None,
            })
        }),
        ("item_id_no_scheme", |m| {
            m.lines[0].standard_item_id = Some(Identifier::new("123", None))
        }),
        ("item_id_bad_scheme", |m| {
            m.lines[0].standard_item_id = Some(Identifier::new("123", Some("9999")))
        }),
        ("classification_no_list", |m| {
            m.lines[0].classifications.push(Classification {
                code: "12".into(),
                list: None,
                list_version: None,
            })
        }),
        ("classification_bad_list", |m| {
            m.lines[0].classifications.push(Classification {
                code: "12".into(),
                list: Some("XX".into()),
                list_version: None,
            })
        }),
        ("origin_country_bad", |m| {
            m.lines[0].origin_country = Some("ZZ".into())
        }),
        ("line_object_bad_scheme", |m| {
            m.lines[0].object = Some(Identifier::new("O1", Some("ZZZZ")))
        }),
        ("invoiced_object_good_scheme", |m| {
            m.invoiced_object = Some(Identifier::new("O1", Some("AAA")))
        }),
        ("invoiced_object_blank", |m| {
            m.invoiced_object = Some(Identifier::new(" ", None))
        }),
        ("tender_reference", |m| {
            m.tender_reference = Some("LOT-1".into())
        }),
        ("line_allowance_without_reason", |m| {
            m.lines[0].allowances_charges.push(AllowanceCharge {
                amount: d("1.00"),
                ..AllowanceCharge::default()
            })
        }),
        ("line_charge_code_only", |m| {
            m.lines[0].allowances_charges.push(AllowanceCharge {
                charge: true,
                amount: d("1.00"),
                reason_code: Some("ABL".into()),
                ..AllowanceCharge::default()
            })
        }),
        ("line_allowance_bad_code", |m| {
            m.lines[0].allowances_charges.push(AllowanceCharge {
                amount: d("1.005"),
                base_amount: d("10.000"),
                reason_code: Some("ZZ".into()),
                ..AllowanceCharge::default()
            })
        }),
        ("doc_allowance_without_category", |m| {
            m.allowances_charges.push(AllowanceCharge {
                amount: d("0.00"),
                reason: Some("Remise".into()),
                ..AllowanceCharge::default()
            });
            m.totals.allowances = Some(m.totals.allowances.unwrap_or_default());
        }),
        ("doc_allowance_code_95", |m| {
            m.allowances_charges.push(AllowanceCharge {
                amount: d("0.00"),
                reason_code: Some("95".into()),
                vat: Some(VatCategory {
                    code: Some("S".into()),
                    rate: d("20"),
                }),
                ..AllowanceCharge::default()
            });
            m.totals.allowances = Some(m.totals.allowances.unwrap_or_default());
        }),
        ("doc_charge_o_with_rate", |m| {
            m.allowances_charges.push(AllowanceCharge {
                charge: true,
                amount: d("0.00"),
                reason: Some("Frais".into()),
                vat: Some(VatCategory {
                    code: Some("O".into()),
                    rate: d("0"),
                }),
                ..AllowanceCharge::default()
            });
            m.totals.charges = Some(m.totals.charges.unwrap_or_default());
        }),
        ("payee_same_name", |m| {
            m.payee = Some(Payee {
                name: m.seller.name.clone(),
                ..Payee::default()
            })
        }),
        ("payee_other", |m| {
            m.payee = Some(Payee {
                name: Some("Factor SA".into()),
                identifiers: vec![Identifier::new("123", Some("0088"))],
                legal_registration: Some(Identifier::new("552100554", Some("0002"))),
            })
        }),
        ("payee_no_name", |m| m.payee = Some(Payee::default())),
        ("tax_representative_empty", |m| {
            m.tax_representative = Some(TaxRepresentative::default())
        }),
        ("tax_representative_full", |m| {
            m.tax_representative = Some(TaxRepresentative {
                name: Some("Rep".into()),
                vat_identifier: Some("DE123456789".into()),
                address: Some(Address {
                    country: Some("DE".into()),
                    ..Address::default()
                }),
            })
        }),
        ("delivery_no_country", |m| {
            m.delivery = Some(Delivery {
                address: Some(Address {
                    city: Some("Lyon".into()),
                    ..Address::default()
                }),
                ..Delivery::default()
            })
        }),
        ("delivery_bad_location_scheme", |m| {
            m.delivery = Some(Delivery {
                location: Some(Identifier::new("L1", Some("9999"))),
                actual_date: m.issue_date,
                ..Delivery::default()
            })
        }),
        ("electronic_addresses", |m| {
            m.seller.electronic_address = Some(Identifier::new("a@b.fr", None));
            m.buyer.electronic_address = Some(Identifier::new("123", Some("9999")));
        }),
        ("electronic_address_good", |m| {
            m.seller.electronic_address = Some(Identifier::new("41234567000019", Some("0009")));
        }),
        ("seller_identifiers", |m| {
            m.seller.identifiers = vec![
                Identifier::new("1", None),
                Identifier::new("2", Some("0088")),
                Identifier::new("3", Some("9999")),
            ];
        }),
        ("seller_sepa_only", |m| {
            m.seller.identifiers = vec![Identifier::new("FR00ZZZ", Some("SEPA"))];
            m.seller.legal_registration = None;
            m.seller.vat_identifier = None;
        }),
        ("seller_tax_registration_only", |m| {
            m.seller.vat_identifier = None;
            m.seller.tax_registration = Some("123/456".into());
        }),
        ("legal_scheme_bad", |m| {
            m.buyer.legal_registration = Some(Identifier::new("1", Some("1")))
        }),
        ("buyer_vat", |m| {
            m.buyer.vat_identifier = Some("FR1234".into())
        }),
        ("vat_el", |m| {
            m.seller.vat_identifier = Some("EL123456789".into())
        }),
        ("vat_1a", |m| m.seller.vat_identifier = Some("1A123".into())),
        ("vat_space_prefix", |m| {
            m.seller.vat_identifier = Some(" F123".into())
        }),
        ("vat_one_char", |m| {
            m.seller.vat_identifier = Some("R".into())
        }),
        ("vat_blank", |m| m.seller.vat_identifier = Some("".into())),
        ("notes", |m| {
            m.notes = vec![
                Note {
                    subject_code: Some("AAI".into()),
                    text: "Note".into(),
                },
                Note {
                    subject_code: Some("XYZ".into()),
                    text: "Mauvais sujet".into(),
                },
            ]
        }),
        ("note_with_hashes", |m| {
            m.notes = vec![Note {
                subject_code: None,
                text: "#ZZZ# texte".into(),
            }]
        }),
        ("mime_text_xml", |m| {
            if let Some(a) = m
                .supporting_documents
                .first_mut()
                .and_then(|d| d.attachment.as_mut())
            {
                a.mime_code = Some("text/xml".into());
            }
        }),
        ("supporting_document_blank", |m| {
            m.supporting_documents.push(SupportingDocument {
                reference: Some(" ".into()),
                uri: Some("https://example.org/x".into()),
                ..SupportingDocument::default()
            })
        }),
        ("specification_absent", |m| m.specification = None),
        ("issue_date_absent", |m| m.issue_date = None),
        ("seller_vat_with_o", |m| {
            for l in &mut m.lines {
                l.vat = Some(VatCategory {
                    code: Some("O".into()),
                    rate: None,
                });
            }
        }),
    ]
}
