//! The figures an e-invoice carries, rounded to cents the EN 16931 way at writing time, so
//! that the totals rules hold by construction: BT-106 = Σ BT-131 (BR-CO-10), BT-109 = BT-106
//! − Σ allowances + Σ charges (BR-CO-11..13), BT-110 = Σ BT-117 (BR-CO-14),
//! BT-112 = BT-109 + BT-110 (BR-CO-15), BT-115 = BT-112 (nothing prepaid, BR-CO-16), and each
//! BT-117 = BT-116 × rate rounded (BR-S-09 and its kin).

use super::{EInvoiceError, InvoiceDocument};
use crate::model::VatCategory;
use crate::model::money::round_cents;
use rust_decimal::Decimal;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineAmounts {
    pub line_number: u32,
    /// Signed: a discount line has a negative quantity and a positive price (BR-27: the
    /// net price is never negative).
    pub quantity: Decimal,
    pub unit_code: &'static str,
    pub net_price: Decimal,
    /// BT-131, rounded.
    pub net_amount: Decimal,
    pub category: VatCategory,
    /// `None` for "not subject to VAT" (BR-O-05: no rate at all).
    pub rate: Option<Decimal>,
}

/// One row of the VAT breakdown (BG-23).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VatGroup {
    pub category: VatCategory,
    pub rate: Option<Decimal>,
    pub taxable: Decimal,
    pub tax: Decimal,
    /// BT-120, mandatory for E, AE, K, G and O, forbidden for S and Z.
    pub exemption_reason: Option<String>,
    /// BT-121 (VATEX list) where the category has an obvious code.
    pub exemption_code: Option<&'static str>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amounts {
    pub lines: Vec<LineAmounts>,
    /// BT-107 and BT-108: sums of the document allowances and charges, rounded.
    pub allowance_total: Decimal,
    pub charge_total: Decimal,
    pub breakdown: Vec<VatGroup>,
    pub line_total: Decimal,
    pub tax_exclusive: Decimal,
    pub tax_total: Decimal,
    pub tax_inclusive: Decimal,
    pub payable: Decimal,
    /// True when the seller VAT number must be left out (BR-O-02).
    pub not_subject: bool,
}

/// UN/ECE Recommendation 20 code for the ERP's unit (BR-CL-23). Unknown units become "one"
/// (C62): the quantity stays right, only the unit's name is lost.
pub fn unit_code(unit: &str) -> &'static str {
    match unit.trim().to_ascii_uppercase().as_str() {
        "H" | "HEURE" | "HEURES" | "HR" => "HUR",
        "J" | "JOUR" | "JOURS" | "JR" => "DAY",
        "MOIS" => "MON",
        "AN" | "ANNEE" | "ANNÉE" => "ANN",
        "KG" => "KGM",
        "G" => "GRM",
        "T" | "TONNE" => "TNE",
        "L" | "LITRE" => "LTR",
        "M" | "ML" | "METRE" | "MÈTRE" => "MTR",
        "M2" | "M²" => "MTK",
        "M3" | "M³" => "MTQ",
        "KM" => "KMT",
        "FORFAIT" | "FFT" | "LOT" => "LS",
        _ => "C62",
    }
}

fn default_reason(category: VatCategory) -> &'static str {
    match category {
        VatCategory::Exempt => "Exonération de TVA",
        VatCategory::ReverseCharge => "Autoliquidation",
        VatCategory::IntraCommunity => "Livraison intracommunautaire exonérée",
        VatCategory::Export => "Exportation hors de l'Union européenne",
        VatCategory::NotSubject => "Non soumis à la TVA",
        VatCategory::Standard | VatCategory::ZeroRated => "",
    }
}

fn exemption_code(category: VatCategory) -> Option<&'static str> {
    match category {
        VatCategory::ReverseCharge => Some("VATEX-EU-AE"),
        VatCategory::IntraCommunity => Some("VATEX-EU-IC"),
        VatCategory::Export => Some("VATEX-EU-G"),
        VatCategory::NotSubject => Some("VATEX-EU-O"),
        _ => None,
    }
}

fn line_error(line: u32, reason: impl Into<String>) -> EInvoiceError {
    EInvoiceError::Line {
        line,
        reason: reason.into(),
    }
}

pub fn compute(doc: &InvoiceDocument) -> Result<Amounts, EInvoiceError> {
    if doc.lines.is_empty() {
        return Err(EInvoiceError::NoLines(doc.invoice.number.clone()));
    }
    let mut lines = Vec::with_capacity(doc.lines.len());
    let mut breakdown: Vec<VatGroup> = Vec::new();
    for l in &doc.lines {
        let category = l.vat_category;
        let rate = match category {
            VatCategory::NotSubject => None,
            _ => Some(l.vat_rate.normalize()),
        };
        match category {
            VatCategory::Standard if l.vat_rate <= Decimal::ZERO => {
                return Err(line_error(
                    l.line_number,
                    "catégorie de TVA S (taux normal) avec un taux nul",
                ));
            }
            VatCategory::Standard => {}
            _ if !l.vat_rate.is_zero() => {
                return Err(line_error(
                    l.line_number,
                    format!(
                        "catégorie de TVA {} avec un taux de {} % (attendu 0)",
                        category.code(),
                        l.vat_rate.normalize()
                    ),
                ));
            }
            _ => {}
        }
        if category == VatCategory::IntraCommunity {
            // BR-IC-02/11/12 need the buyer's VAT number and the delivery; public buyers
            // have neither in the mirror.
            return Err(line_error(
                l.line_number,
                "catégorie K (livraison intracommunautaire) non prise en charge : le numéro \
                 de TVA de l'acheteur et la livraison ne sont pas connus",
            ));
        }
        let net_amount = round_cents(l.line_total);
        let (quantity, net_price) = if l.unit_price < Decimal::ZERO {
            (-l.quantity, -l.unit_price)
        } else {
            (l.quantity, l.unit_price)
        };
        lines.push(LineAmounts {
            line_number: l.line_number,
            quantity,
            unit_code: unit_code(&l.unit),
            net_price,
            net_amount,
            category,
            rate,
        });
        let reason = l.exemption_reason.trim();
        match breakdown
            .iter_mut()
            .find(|g| g.category == category && g.rate == rate)
        {
            Some(group) => {
                group.taxable += net_amount;
                if group.exemption_reason.as_deref() == Some(default_reason(category))
                    && !reason.is_empty()
                {
                    group.exemption_reason = Some(reason.to_string());
                }
            }
            None => breakdown.push(VatGroup {
                category,
                rate,
                taxable: net_amount,
                tax: Decimal::ZERO,
                exemption_reason: match category {
                    VatCategory::Standard | VatCategory::ZeroRated => None,
                    _ if !reason.is_empty() => Some(reason.to_string()),
                    _ => Some(default_reason(category).to_string()),
                },
                exemption_code: exemption_code(category),
            }),
        }
    }
    let mut allowance_total = Decimal::ZERO;
    let mut charge_total = Decimal::ZERO;
    for ac in &doc.allowances_charges {
        let amount = round_cents(ac.amount);
        if amount <= Decimal::ZERO {
            return Err(EInvoiceError::Data(format!(
                "remise ou frais « {} » : le montant doit être positif",
                ac.reason
            )));
        }
        let category = ac.vat_category;
        let rate = match category {
            VatCategory::NotSubject => None,
            _ => Some(ac.vat_rate.normalize()),
        };
        let signed = if ac.charge {
            charge_total += amount;
            amount
        } else {
            allowance_total += amount;
            -amount
        };
        match breakdown
            .iter_mut()
            .find(|g| g.category == category && g.rate == rate)
        {
            Some(group) => group.taxable += signed,
            None => breakdown.push(VatGroup {
                category,
                rate,
                taxable: signed,
                tax: Decimal::ZERO,
                exemption_reason: match category {
                    VatCategory::Standard | VatCategory::ZeroRated => None,
                    _ => Some(default_reason(category).to_string()),
                },
                exemption_code: exemption_code(category),
            }),
        }
    }
    let not_subject = breakdown
        .iter()
        .any(|g| g.category == VatCategory::NotSubject);
    if not_subject && breakdown.len() > 1 {
        // BR-O-11..14: "not subject to VAT" cannot be mixed with any other category.
        return Err(EInvoiceError::Data(
            "une facture hors champ de la TVA (catégorie O) ne peut pas avoir d'autres \
             catégories de TVA"
                .into(),
        ));
    }
    for g in &mut breakdown {
        g.tax = match (g.category, g.rate) {
            (VatCategory::Standard, Some(rate)) => {
                round_cents(g.taxable * rate / Decimal::ONE_HUNDRED)
            }
            _ => Decimal::ZERO,
        };
    }
    let line_total: Decimal = lines.iter().map(|l| l.net_amount).sum();
    let tax_total: Decimal = breakdown.iter().map(|g| g.tax).sum();
    let tax_exclusive = line_total - allowance_total + charge_total;
    let tax_inclusive = tax_exclusive + tax_total;
    Ok(Amounts {
        lines,
        allowance_total,
        charge_total,
        breakdown,
        line_total,
        tax_exclusive,
        tax_total,
        tax_inclusive,
        payable: tax_inclusive,
        not_subject,
    })
}
