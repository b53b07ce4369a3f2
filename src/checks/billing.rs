//! The billing data Chorus Pro needs, resolved from the invoice or from its origin reference.

use crate::model::{BillingReference, Invoice, ReferenceKind};

/// Where a resolved value came from, shown in the detail panel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The invoice holds no value and neither does its reference.
    None,
    Invoice,
    /// The invoice's `reference_origine` (order, dossier or contract).
    Reference(ReferenceKind, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: String,
    pub source: Source,
}

impl Resolved {
    fn pick(own: &str, from_reference: Option<(&BillingReference, &str)>) -> Resolved {
        if !own.trim().is_empty() {
            return Resolved {
                value: own.trim().to_string(),
                source: Source::Invoice,
            };
        }
        match from_reference {
            Some((r, value)) if !value.trim().is_empty() => Resolved {
                value: value.trim().to_string(),
                source: Source::Reference(r.kind, r.reference.clone()),
            },
            _ => Resolved {
                value: String::new(),
                source: Source::None,
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.value.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillingData {
    pub service_code: Resolved,
    pub engagement_number: Resolved,
    pub market_number: Resolved,
}

/// The invoice's own values first; where one is empty, the one of its origin reference.
pub fn resolve(invoice: &Invoice, reference: Option<&BillingReference>) -> BillingData {
    BillingData {
        service_code: Resolved::pick(
            &invoice.service_code,
            reference.map(|r| (r, r.service_code.as_str())),
        ),
        engagement_number: Resolved::pick(
            &invoice.engagement_number,
            reference.map(|r| (r, r.engagement_number.as_str())),
        ),
        market_number: Resolved::pick(
            &invoice.market_number,
            reference.map(|r| (r, r.market_number.as_str())),
        ),
    }
}
