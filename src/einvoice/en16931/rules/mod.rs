//! The EN 16931 business rules of the official validation artefacts 1.3.16, evaluated on
//! the model: same ids, same flags, same conditions as the XSLTs' `test` expressions.
//!
//! The UBL and CII artefacts express a few rules differently (a tolerance, a rounding, a
//! context that only exists when an element does); where they differ the rule follows the
//! artefact of the syntax being judged, so that « conforme » means "passes the XSLT of the
//! file that is sent". Each difference is commented where it is handled.
//!
//! Families: [`core`] BR-01…BR-65, [`cohesion`] BR-CO-*, [`vat`] BR-S/Z/E/AE/IC/G/O-*,
//! [`codes`] BR-CL-*, [`decimals`] BR-DEC-*. Not implemented: BR-AF-* (IGIC), BR-AG-*
//! (IPSI) and BR-B-* (Italian split payment), categories L, M and B that no French invoice
//! uses.

mod codes;
mod cohesion;
mod core;
mod decimals;
mod syntax;
mod vat;

use super::model::{Invoice, Line, blank};
use super::{Finding, Syntax};
use rust_decimal::Decimal;

/// Every official rule id these rules implement: the BR-* ids of the 1.3.16 artefacts, but
/// BR-AF-*, BR-AG-* and BR-B-* (see the module documentation). BR-CO-05 … 08 never fire there
/// nor here. Checked against the XSLTs by a unit test.
#[rustfmt::skip]
pub const IMPLEMENTED: &[&str] = &[
    "BR-01", "BR-02", "BR-03", "BR-04", "BR-05", "BR-06", "BR-07", "BR-08", "BR-09", "BR-10",
    "BR-11", "BR-12", "BR-13", "BR-14", "BR-15", "BR-16", "BR-17", "BR-18", "BR-19", "BR-20",
    "BR-21", "BR-22", "BR-23", "BR-24", "BR-25", "BR-26", "BR-27", "BR-28", "BR-29", "BR-30",
    "BR-31", "BR-32", "BR-33", "BR-36", "BR-37", "BR-38", "BR-41", "BR-42", "BR-43", "BR-44",
    "BR-45", "BR-46", "BR-47", "BR-48", "BR-49", "BR-50", "BR-51", "BR-52", "BR-53", "BR-54",
    "BR-55", "BR-56", "BR-57", "BR-61", "BR-62", "BR-63", "BR-64", "BR-65", "BR-CO-03",
    "BR-CO-04", "BR-CO-05", "BR-CO-06", "BR-CO-07", "BR-CO-08", "BR-CO-09", "BR-CO-10",
    "BR-CO-11", "BR-CO-12", "BR-CO-13", "BR-CO-14", "BR-CO-15", "BR-CO-16", "BR-CO-17",
    "BR-CO-18", "BR-CO-19", "BR-CO-20", "BR-CO-21", "BR-CO-22", "BR-CO-23", "BR-CO-24",
    "BR-CO-26", "BR-DEC-01", "BR-DEC-02", "BR-DEC-05", "BR-DEC-06", "BR-DEC-09", "BR-DEC-10",
    "BR-DEC-11", "BR-DEC-12", "BR-DEC-13", "BR-DEC-14", "BR-DEC-15", "BR-DEC-16", "BR-DEC-17",
    "BR-DEC-18", "BR-DEC-19", "BR-DEC-20", "BR-DEC-23", "BR-DEC-24", "BR-DEC-25", "BR-DEC-27",
    "BR-DEC-28", "BR-CL-01", "BR-CL-03", "BR-CL-04", "BR-CL-05", "BR-CL-06", "BR-CL-07",
    "BR-CL-08", "BR-CL-10", "BR-CL-11", "BR-CL-13", "BR-CL-14", "BR-CL-15", "BR-CL-16",
    "BR-CL-17", "BR-CL-18", "BR-CL-19", "BR-CL-20", "BR-CL-21", "BR-CL-22", "BR-CL-23",
    "BR-CL-24", "BR-CL-25", "BR-CL-26", "BR-S-01", "BR-S-02", "BR-S-03", "BR-S-04", "BR-S-05",
    "BR-S-06", "BR-S-07", "BR-S-08", "BR-S-09", "BR-S-10", "BR-Z-01", "BR-Z-02", "BR-Z-03",
    "BR-Z-04", "BR-Z-05", "BR-Z-06", "BR-Z-07", "BR-Z-08", "BR-Z-09", "BR-Z-10", "BR-E-01",
    "BR-E-02", "BR-E-03", "BR-E-04", "BR-E-05", "BR-E-06", "BR-E-07", "BR-E-08", "BR-E-09",
    "BR-E-10", "BR-AE-01", "BR-AE-02", "BR-AE-03", "BR-AE-04", "BR-AE-05", "BR-AE-06",
    "BR-AE-07", "BR-AE-08", "BR-AE-09", "BR-AE-10", "BR-IC-01", "BR-IC-02", "BR-IC-03",
    "BR-IC-04", "BR-IC-05", "BR-IC-06", "BR-IC-07", "BR-IC-08", "BR-IC-09", "BR-IC-10",
    "BR-IC-11", "BR-IC-12", "BR-G-01", "BR-G-02", "BR-G-03", "BR-G-04", "BR-G-05", "BR-G-06",
    "BR-G-07", "BR-G-08", "BR-G-09", "BR-G-10", "BR-O-01", "BR-O-02", "BR-O-03", "BR-O-04",
    "BR-O-05", "BR-O-06", "BR-O-07", "BR-O-08", "BR-O-09", "BR-O-10", "BR-O-11", "BR-O-12",
    "BR-O-13", "BR-O-14",
];

/// The syntax rules (UBL-*, CII-*) judged here too: CII-SR-470, which what the ERP holds can
/// break, and the UBL ones that stand for a business rule the UBL artefact misses (BT-110's
/// decimals, the payee). The writers break no other (see the differential test).
pub const SYNTAX_RULES: &[&str] = &[
    "CII-SR-470",
    "UBL-DT-01",
    "UBL-SR-19",
    "UBL-SR-20",
    "UBL-SR-21",
    "UBL-SR-47",
];

/// Where the judged model comes from: the ERP (the message says where to fix each field) or
/// a file (the message names the field only).
#[derive(Debug, Clone, Copy)]
pub enum Origin<'a> {
    Erp {
        /// The issuing company's code (Paramétrage › Sociétés émettrices).
        company: &'a str,
        /// The client's code in the ERP.
        client: &'a str,
    },
    File,
}

/// Where a term is fixed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Place<'a> {
    Invoice,
    Seller,
    Buyer,
    /// A line, by its identifier (BT-126).
    Line(&'a str),
    /// Computed by Chorus Depot from the lines (totals, VAT breakdown).
    Computed,
    /// Parties and groups our ERP does not hold (payee, tax representative, delivery).
    Other,
}

/// Every rule of every family on `inv`, judged as `syntax` judges it.
pub fn check(inv: &Invoice<'_>, syntax: Syntax, origin: Origin<'_>) -> Vec<Finding> {
    let mut out = Out {
        inv,
        syntax,
        origin,
        findings: Vec::new(),
    };
    core::check(&mut out);
    cohesion::check(&mut out);
    vat::check(&mut out);
    codes::check(&mut out);
    decimals::check(&mut out);
    syntax::check(&mut out);
    out.findings
}

pub(crate) struct Out<'i, 'a> {
    pub inv: &'i Invoice<'a>,
    pub syntax: Syntax,
    pub origin: Origin<'i>,
    pub findings: Vec<Finding>,
}

impl Out<'_, '_> {
    pub fn ubl(&self) -> bool {
        self.syntax == Syntax::Ubl
    }

    /// A fatal finding; `text` names the field with the document's values, the place adds
    /// where to fix it.
    pub fn fail(&mut self, rule: &'static str, term: &'static str, place: Place<'_>, text: String) {
        self.push(rule, true, term, place, text);
    }

    pub fn push(
        &mut self,
        rule: &'static str,
        fatal: bool,
        term: &'static str,
        place: Place<'_>,
        text: String,
    ) {
        let message = match self.hint(place) {
            Some(hint) => format!("{text} ({hint})"),
            None => text,
        };
        self.findings.push(Finding {
            rule,
            fatal,
            term,
            message,
        });
    }

    fn hint(&self, place: Place<'_>) -> Option<String> {
        let Origin::Erp { company, client } = self.origin else {
            return None;
        };
        Some(match place {
            Place::Invoice => "à corriger sur la facture dans l'ERP".into(),
            Place::Seller => format!(
                "à renseigner dans Paramétrage › Sociétés émettrices (société {company}) ou \
                 dans l'ERP"
            ),
            Place::Buyer => format!("à corriger sur la fiche du client {client} dans l'ERP"),
            Place::Line(id) => format!("à corriger à la ligne {id} de la facture dans l'ERP"),
            Place::Computed => "montant calculé par Chorus Depot à partir des lignes de \
                                l'ERP : vérifiez les lignes, sinon signalez l'anomalie"
                .into(),
            Place::Other => "donnée que l'ERP ne fournit pas à Chorus Depot : vérifiez la \
                             catégorie de TVA ou émettez cette facture autrement"
                .into(),
        })
    }

    /// « la société ACME » / « la société SIEGE » / « le vendeur ».
    pub fn seller(&self) -> String {
        match (&self.inv.seller.name, self.origin) {
            (Some(n), _) if !blank(Some(n)) => format!("la société {}", n.trim()),
            (_, Origin::Erp { company, .. }) => format!("la société {company}"),
            _ => "le vendeur".into(),
        }
    }

    /// « du client Ville de Lyon » / « du client C001 » / « de l'acheteur ».
    pub fn of_buyer(&self) -> String {
        match (&self.inv.buyer.name, self.origin) {
            (Some(n), _) if !blank(Some(n)) => format!("du client {}", n.trim()),
            (_, Origin::Erp { client, .. }) => format!("du client {client}"),
            _ => "de l'acheteur".into(),
        }
    }

    /// The invoice number for messages.
    pub fn number(&self) -> &str {
        self.inv.number.as_deref().map(str::trim).unwrap_or("")
    }
}

/// The identifier of a line for messages and places: BT-126, else its position.
pub(crate) fn line_id<'l>(line: &'l Line<'_>, index: usize) -> std::borrow::Cow<'l, str> {
    match line.id.as_deref() {
        Some(id) if !blank(Some(id)) => std::borrow::Cow::Borrowed(id.trim()),
        _ => std::borrow::Cow::Owned((index + 1).to_string()),
    }
}

/// XPath `normalize-space`.
pub(crate) fn normalize_space(text: &str) -> String {
    text.split([' ', '\t', '\n', '\r'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// XPath 2.0 `round()`: half towards positive infinity (`round(-2.5) = -2`).
pub(crate) fn xround(value: Decimal) -> Decimal {
    match value.checked_add(Decimal::new(5, 1)) {
        Some(v) => v.floor(),
        // Beyond 28 digits there are no decimals left to round.
        None => value.floor(),
    }
}

/// `a + b`, `None` beyond `Decimal`'s range (a file may hold any number): an overflowing
/// sum equals nothing.
pub(crate) fn plus(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_add(b)
}

/// `a - b`, `None` beyond `Decimal`'s range.
pub(crate) fn minus(a: Decimal, b: Decimal) -> Option<Decimal> {
    a.checked_sub(b)
}

/// `value - 1 < target < value + 1` (the artefacts' tolerance of one currency unit).
pub(crate) fn within_one(value: Decimal, target: Decimal) -> bool {
    minus(value, Decimal::ONE).is_some_and(|low| low < target)
        && plus(value, Decimal::ONE).is_some_and(|high| high > target)
}

/// The artefacts' `round(x * 10 * 10) div 100`.
pub(crate) fn round2(value: Decimal) -> Decimal {
    match value.checked_mul(Decimal::ONE_HUNDRED) {
        Some(v) => xround(v) / Decimal::ONE_HUNDRED,
        None => value.round_dp(2),
    }
}

/// A category code equal to `code`, as the syntax compares it: UBL with
/// `normalize-space(cbc:ID) = 'S'`, CII with `ram:CategoryCode = 'S'` (exact).
pub(crate) fn is_category(found: Option<&str>, code: &str, syntax: Syntax) -> bool {
    match (found, syntax) {
        (Some(c), _) if c == code => true,
        (Some(c), Syntax::Ubl) => {
            let ws = |b: u8| matches!(b, b' ' | b'\t' | b'\n' | b'\r');
            let padded = c.bytes().next().is_some_and(ws) || c.bytes().last().is_some_and(ws);
            padded && c.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) == code
        }
        _ => false,
    }
}

/// In the CII artefact a breakdown row of category O is taken by the O rule's context
/// (`ApplicableTradeTax[ram:CategoryCode = 'O']`), which comes first in the pattern: the
/// general breakdown rules (BR-45 … BR-48, BR-CO-03, BR-CO-17, BR-DEC-19, BR-DEC-20) are not
/// evaluated on it. UBL has no such overlap.
pub(crate) fn skipped_row(b: &super::model::VatBreakdown, syntax: Syntax) -> bool {
    syntax == Syntax::Cii && b.category.code.as_deref() == Some("O")
}

/// French display of a rate or quantity: `5,5`.
pub(crate) fn fr(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

/// French display of an amount: `1 234,50`.
pub(crate) fn money(value: Decimal) -> String {
    crate::model::money::format_amount(value)
}

/// `Some(x)` displayed, or « absent ».
pub(crate) fn opt_money(value: Option<Decimal>) -> String {
    value.map(money).unwrap_or_else(|| "absent".into())
}

/// Sum of present values.
pub(crate) fn sum<I: IntoIterator<Item = Option<Decimal>>>(values: I) -> Decimal {
    values
        .into_iter()
        .flatten()
        .fold(Decimal::ZERO, |a, b| a.checked_add(b).unwrap_or(a))
}
