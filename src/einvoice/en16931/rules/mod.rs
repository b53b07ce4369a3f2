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
mod vat;

use super::model::{Invoice, Line, blank};
use super::{Finding, Syntax};
use rust_decimal::Decimal;

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
            Place::Other => "donnée absente de l'ERP : signalez l'anomalie".into(),
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
pub(crate) fn line_id<'l>(line: &'l Line, index: usize, buf: &'l mut String) -> &'l str {
    match line.id.as_deref() {
        Some(id) if !blank(Some(id)) => id.trim(),
        _ => {
            *buf = (index + 1).to_string();
            buf.as_str()
        }
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
    (value + Decimal::new(5, 1)).floor()
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
        (Some(c), Syntax::Ubl) => c.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r')) == code,
        (Some(c), Syntax::Cii) => c == code,
        (None, _) => false,
    }
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
