//! Lines, allowances, the VAT breakdown and the totals, rounded to cents the EN 16931 way
//! (half away from zero) at this single place, so that the totals rules hold by
//! construction: BT-106 = Σ BT-131 (BR-CO-10), BT-109 = BT-106 − BT-107 + BT-108
//! (BR-CO-13), BT-110 = Σ BT-117 (BR-CO-14), BT-112 = BT-109 + BT-110 (BR-CO-15),
//! BT-115 = BT-112 (nothing prepaid, BR-CO-16), each BT-117 = BT-116 × rate rounded (BR-S-09).
//! What the ERP says about categories and rates is written as it is.

use super::super::Finding;
use super::super::model::{self, AllowanceCharge, Line, Totals, VatBreakdown};
use super::{choices, text};
use crate::einvoice::InvoiceDocument;
use crate::model::VatCategory;
use crate::model::money::round_cents;
use rust_decimal::Decimal;
use std::borrow::Cow;

pub struct Amounts<'a> {
    pub lines: Vec<Line<'a>>,
    pub allowances_charges: Vec<AllowanceCharge<'a>>,
    pub breakdown: Vec<VatBreakdown<'a>>,
    pub totals: Totals,
    /// Every line, allowance and charge is "not subject to VAT" (O).
    pub not_subject_only: bool,
}

/// An amount as written: rounded to cents, always two decimals, never `-0.00`.
pub fn money(value: Decimal) -> Decimal {
    let mut v = round_cents(value);
    v.rescale(2);
    if v.is_zero() {
        v.set_sign_positive(true);
    }
    v
}

/// A quantity, price or rate as written: no trailing zeros.
pub fn number(value: Decimal) -> Decimal {
    let mut v = value.normalize();
    if v.is_zero() {
        v.set_sign_positive(true);
    }
    v
}

/// The rate written for a category: none for "not subject to VAT" when the ERP says 0 (it
/// cannot say "no rate"); any other rate is written as the ERP gives it.
fn rate(category: VatCategory, rate: Decimal) -> Option<Decimal> {
    if category == VatCategory::NotSubject && rate.is_zero() {
        None
    } else {
        Some(number(rate))
    }
}

struct Group<'a> {
    category: VatCategory,
    rate: Option<Decimal>,
    taxable: Decimal,
    reason: Option<model::Text<'a>>,
}

fn group<'g, 'a>(
    groups: &'g mut Vec<Group<'a>>,
    category: VatCategory,
    rate: Option<Decimal>,
) -> &'g mut Group<'a> {
    let i = match groups
        .iter()
        .position(|g| g.category == category && g.rate == rate)
    {
        Some(i) => i,
        None => {
            groups.push(Group {
                category,
                rate,
                taxable: Decimal::ZERO,
                reason: None,
            });
            groups.len() - 1
        }
    };
    &mut groups[i]
}

fn overflow(findings: &mut Vec<Finding>, doc: &InvoiceDocument) {
    if findings.iter().any(|f| f.rule == "MAP-AMOUNT") {
        return;
    }
    findings.push(Finding {
        rule: "MAP-AMOUNT",
        fatal: true,
        term: "BG-22",
        message: format!(
            "Les montants de la facture {} sont trop grands pour être totalisés : vérifiez \
             les montants des lignes de la facture dans l'ERP",
            doc.invoice.number.trim()
        ),
    });
}

fn add(sum: &mut Decimal, value: Decimal, findings: &mut Vec<Finding>, doc: &InvoiceDocument) {
    match sum.checked_add(value) {
        Some(s) => *sum = s,
        None => overflow(findings, doc),
    }
}

fn category_of(code: VatCategory) -> model::VatCategory<'static> {
    model::VatCategory {
        code: Some(Cow::Borrowed(code.code())),
        rate: None,
    }
}

pub fn map<'a>(doc: &'a InvoiceDocument, findings: &mut Vec<Finding>) -> Amounts<'a> {
    let mut groups: Vec<Group> = Vec::new();
    let mut lines = Vec::with_capacity(doc.lines.len());
    let mut line_net = Decimal::ZERO;
    for l in &doc.lines {
        let rate = rate(l.vat_category, l.vat_rate);
        let net = money(l.line_total);
        // BR-27: the net price is never negative; a discount line is a negative quantity.
        let (quantity, price) = if l.unit_price < Decimal::ZERO {
            (-l.quantity, -l.unit_price)
        } else {
            (l.quantity, l.unit_price)
        };
        let g = group(&mut groups, l.vat_category, rate);
        add(&mut g.taxable, net, findings, doc);
        if g.reason.is_none() {
            g.reason = text(&l.exemption_reason);
        }
        add(&mut line_net, net, findings, doc);
        lines.push(Line {
            id: Some(Cow::Owned(l.line_number.to_string())),
            quantity: Some(number(quantity)),
            unit_code: Some(Cow::Borrowed(choices::unit_code(&l.unit))),
            net_amount: Some(net),
            allowances_charges: doc
                .line_allowances
                .iter()
                .filter(|a| a.line_number == l.line_number)
                .map(|a| AllowanceCharge {
                    charge: false,
                    amount: Some(money(a.amount)),
                    reason: Some(choices::allowance_reason(false, &a.reason)),
                    ..AllowanceCharge::default()
                })
                .collect(),
            net_price: Some(number(price)),
            vat: Some(model::VatCategory {
                rate,
                ..category_of(l.vat_category)
            }),
            item_name: Some(choices::item_name(&l.label, l.line_number)),
            ..Line::default()
        });
    }

    let mut allowances_charges = Vec::with_capacity(doc.allowances_charges.len());
    let (mut allowance_total, mut charge_total) = (Decimal::ZERO, Decimal::ZERO);
    for ac in &doc.allowances_charges {
        let rate = rate(ac.vat_category, ac.vat_rate);
        let amount = money(ac.amount);
        let g = group(&mut groups, ac.vat_category, rate);
        if ac.charge {
            add(&mut g.taxable, amount, findings, doc);
            add(&mut charge_total, amount, findings, doc);
        } else {
            add(&mut g.taxable, -amount, findings, doc);
            add(&mut allowance_total, amount, findings, doc);
        }
        allowances_charges.push(AllowanceCharge {
            charge: ac.charge,
            amount: Some(amount),
            vat: Some(model::VatCategory {
                rate,
                ..category_of(ac.vat_category)
            }),
            reason: Some(choices::allowance_reason(ac.charge, &ac.reason)),
            ..AllowanceCharge::default()
        });
    }

    let mut tax_total = Decimal::ZERO;
    let mut breakdown = Vec::with_capacity(groups.len());
    for g in groups {
        let tax = match (g.category, g.rate) {
            (VatCategory::Standard, Some(rate)) => g
                .taxable
                .checked_mul(rate)
                .map(|t| money(t / Decimal::ONE_HUNDRED))
                .unwrap_or_else(|| {
                    overflow(findings, doc);
                    Decimal::ZERO
                }),
            _ => money(Decimal::ZERO),
        };
        add(&mut tax_total, tax, findings, doc);
        let default_reason = choices::default_exemption_reason(g.category);
        breakdown.push(VatBreakdown {
            taxable: Some(money(g.taxable)),
            tax: Some(tax),
            category: model::VatCategory {
                rate: g.rate,
                ..category_of(g.category)
            },
            exemption_reason: default_reason.map(|d| g.reason.unwrap_or(Cow::Borrowed(d))),
            exemption_code: choices::exemption_code(g.category).map(Cow::Borrowed),
        });
    }

    let has_allowances = doc.allowances_charges.iter().any(|a| !a.charge);
    let has_charges = doc.allowances_charges.iter().any(|a| a.charge);
    let mut without_vat = line_net;
    add(&mut without_vat, -allowance_total, findings, doc);
    add(&mut without_vat, charge_total, findings, doc);
    let mut with_vat = without_vat;
    add(&mut with_vat, tax_total, findings, doc);
    let totals = Totals {
        line_net: Some(money(line_net)),
        allowances: has_allowances.then(|| money(allowance_total)),
        charges: has_charges.then(|| money(charge_total)),
        without_vat: Some(money(without_vat)),
        vat: Some(money(tax_total)),
        with_vat: Some(money(with_vat)),
        payable: Some(money(with_vat)),
        ..Totals::default()
    };
    let not_subject_only = !doc.lines.is_empty()
        && doc
            .lines
            .iter()
            .map(|l| l.vat_category)
            .chain(doc.allowances_charges.iter().map(|a| a.vat_category))
            .all(|c| c == VatCategory::NotSubject);
    Amounts {
        lines,
        allowances_charges,
        breakdown,
        totals,
        not_subject_only,
    }
}
