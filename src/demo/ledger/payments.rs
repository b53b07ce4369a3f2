//! Payments. A public buyer pays an invoice once it has received it through Chorus Pro,
//! and the demonstration starts with nothing deposited: its public invoices are unpaid in
//! the ERP, but for the few planted « already paid » ones (sent by another way before,
//! which the checks must catch). Private clients pay as they always did: about 40 % of
//! their invoices, older ones more often.

use super::{DemoInvoice, days_after, days_before, today};
use crate::demo::plan::Plant;
use crate::demo::rng::Rng;
use crate::model::money::round_cents;
use crate::model::{InvoiceKind, Payment};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The planted « already paid » public invoices in full; about 40 % of the private
/// invoices, older ones more often, a few partly or in two goes.
pub(super) fn payments(
    rng: &mut Rng,
    invoices: &[DemoInvoice],
    is_public: impl Fn(&str) -> bool,
) -> Vec<Payment> {
    let mut out = Vec::new();
    let last_day = days_before(today(), 1);
    for inv in invoices {
        let i = &inv.invoice;
        if inv.plant == Some(Plant::AlreadyPaid) {
            out.push(Payment {
                invoice_number: i.number.clone(),
                date: days_after(i.invoice_date, 10 + rng.below(30))
                    .min(last_day)
                    .max(i.invoice_date),
                amount: i.total_incl_tax,
                means: "VIREMENT".into(),
            });
            continue;
        }
        if inv.plant.is_some() || i.kind != InvoiceKind::Invoice || is_public(&i.client_code) {
            continue;
        }
        let age = (today() - i.invoice_date).num_days();
        let odds = match age {
            a if a > 75 => 0.56,
            a if a > 45 => 0.4,
            a if a > 20 => 0.15,
            _ => 0.0,
        };
        if !rng.chance(odds) {
            continue;
        }
        let means = if i.payment_means == "CHEQUE" {
            "CHEQUE"
        } else {
            "VIREMENT"
        };
        let paid_on = |rng: &mut Rng, after: u64| {
            days_after(i.invoice_date, after + rng.below(45)).min(last_day)
        };
        let mut pay = |date: NaiveDate, amount: Decimal| {
            out.push(Payment {
                invoice_number: i.number.clone(),
                date,
                amount,
                means: means.into(),
            })
        };
        match rng.weighted(&[85, 8, 7]) {
            0 => pay(paid_on(rng, 15), i.total_incl_tax),
            1 => {
                let share = Decimal::new(rng.range(30, 70), 2);
                pay(paid_on(rng, 15), round_cents(i.total_incl_tax * share));
            }
            _ => {
                let first = round_cents(i.total_incl_tax / Decimal::from(2));
                let first_date = paid_on(rng, 10);
                pay(first_date, first);
                let second_date = days_after(first_date, 15 + rng.below(30)).min(last_day);
                pay(second_date, i.total_incl_tax - first);
            }
        }
    }
    out
}
