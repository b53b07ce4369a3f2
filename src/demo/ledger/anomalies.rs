//! The planted invoices: which buyer, which billing data, and what is broken on the invoice
//! itself (number, file, amounts, issuer, kind).

use super::billing::Wish;
use super::{Builder, Draft, Junk, PdfPlan, Pool, days_before};
use crate::demo::lines;
use crate::demo::names;
use crate::demo::parties::{BRANCH_CODE, ClientRole};
use crate::demo::plan::Plant;
use crate::demo::rng::Rng;
use crate::model::directory::RESERVED_SERVICE_CODE;
use crate::model::money::round_cents;
use crate::model::{InvoiceKind, ReferenceKind};
use chrono::NaiveDate;
use rust_decimal::Decimal;

impl Builder<'_> {
    fn client_with_role(&self, role: ClientRole) -> Option<usize> {
        self.parties.clients.iter().position(|c| c.role == role)
    }

    /// An invoice built to carry `plant` and nothing else.
    pub(super) fn planted(
        &mut self,
        rng: &mut Rng,
        plant: Plant,
        date: NaiveDate,
        normal: &Pool,
    ) -> Draft {
        let parties = self.parties;
        let flags = |i: usize| {
            parties.clients[i]
                .structure
                .as_ref()
                .map(|s| {
                    (
                        s.service_required,
                        s.engagement_required,
                        s.service_or_engagement_required,
                    )
                })
                .unwrap_or_default()
        };
        let services = |i: usize| parties.clients[i].services.iter();
        let mut wish = Wish::default();
        let role = match plant {
            Plant::SiretMissing => Some(ClientRole::SiretMissing),
            Plant::SiretInvalid => Some(ClientRole::SiretInvalid),
            Plant::UnknownStructure => Some(ClientRole::UnknownStructure),
            Plant::InactiveStructure => Some(ClientRole::InactiveStructure),
            _ => None,
        };
        let by_role = role.and_then(|role| self.client_with_role(role));
        let client = match (by_role, plant) {
            (Some(c), _) => c,
            (None, Plant::ServiceMissing) => {
                wish.no_service = true;
                normal.draw_where(rng, |i| flags(i).0)
            }
            (None, Plant::ServiceInactive) => {
                let c = normal.draw_where(rng, |i| services(i).any(|s| !s.active));
                wish.service = services(c).find(|s| !s.active).map(|s| s.code.clone());
                c
            }
            (None, Plant::EngagementMissingForStructure) => {
                wish.no_engagement = true;
                normal.draw_where(rng, |i| flags(i).1)
            }
            (None, Plant::EngagementMissingForService) => {
                let asks = |s: &&crate::model::Service| s.active && s.engagement_required;
                let c = normal.draw_where(rng, |i| !flags(i).1 && services(i).any(|s| asks(&s)));
                wish.no_engagement = true;
                wish.service = services(c).find(asks).map(|s| s.code.clone());
                c
            }
            (None, Plant::NeitherServiceNorEngagement) => {
                wish.no_service = true;
                wish.no_engagement = true;
                normal.draw_where(rng, |i| {
                    let (service, engagement, either) = flags(i);
                    either && !service && !engagement
                })
            }
            (None, Plant::MarketExpired) => {
                let c = normal.draw_where(rng, |i| !self.expired_markets(i, date).is_empty());
                wish.market = self
                    .expired_markets(c, date)
                    .first()
                    .map(|&m| self.markets[m].market.number.clone());
                c
            }
            (None, _) => normal.draw(rng),
        };
        match plant {
            Plant::ServiceUnknown => {
                // `SERV` typed by hand, or a code with its last letter missing.
                let known = self.random_service(rng, client);
                let typo: String = known
                    .chars()
                    .take(known.chars().count().saturating_sub(1))
                    .collect();
                let taken = services(client).any(|s| s.code == typo);
                wish.service = Some(if typo.len() < 3 || taken || rng.chance(0.5) {
                    "SERV".to_string()
                } else {
                    typo
                });
            }
            Plant::ServiceReserved => wish.service = Some(RESERVED_SERVICE_CODE.to_string()),
            Plant::EngagementTooLong => {
                let number = self.new_engagement(rng, client, date);
                let template = rng.pick(names::LONG_ENGAGEMENT_TEMPLATES);
                wish.engagement = Some(template.replace("{}", &number));
            }
            Plant::ReferenceExpired => {
                // An order that ran out shortly before the invoice.
                let until = days_before(date, 5 + rng.below(55));
                let created = days_before(until, 180);
                let service = self.random_service(rng, client);
                let engagement = self.new_engagement(rng, client, created);
                wish.reference = Some(self.add_reference(
                    client,
                    ReferenceKind::Order,
                    created,
                    (service, engagement, String::new()),
                    Some(until),
                ));
            }
            _ => {}
        }
        let mut draft = self.draft(rng, client, date, &wish, false);
        draft.means = "VIREMENT".into();
        draft
    }
}

/// The invoice-level part of a plant: number, file, amounts, issuer, kind.
pub(super) fn apply_plant(rng: &mut Rng, plant: Plant, draft: &mut Draft) {
    match plant {
        Plant::BadNumber => {
            draft.number = match rng.index(3) {
                0 => format!("{} BIS", draft.number),
                1 => format!("{}.1", draft.number),
                _ => format!("{}-RECTIFICATIVE-{:02}", draft.number, rng.range(1, 12)),
            }
        }
        Plant::PdfNotGiven => draft.pdf = PdfPlan::NotGiven,
        Plant::PdfNotWritten => draft.pdf = PdfPlan::NotWritten,
        Plant::PdfUnreadable => {
            draft.pdf = PdfPlan::Unreadable(*rng.pick(&[Junk::Empty, Junk::HtmlPage, Junk::Image]))
        }
        Plant::PdfOversized => draft.pdf = PdfPlan::Oversized,
        Plant::TotalsMismatch => {
            // TTC typed by hand.
            let mut t = lines::totals(&draft.lines);
            let deltas = [
                Decimal::new(10, 2),
                Decimal::new(100, 2),
                Decimal::new(1_000, 2),
                Decimal::new(-100, 2),
            ];
            t.incl_tax += *rng.pick(&deltas);
            draft.totals = Some(t);
        }
        Plant::LinesMismatch if draft.lines.len() == 1 || rng.chance(0.5) => {
            // A 5 % discount granted on the header and never spread over the lines.
            let t = lines::totals(&draft.lines);
            let rate = Decimal::new(95, 2);
            let excl_tax = round_cents(t.excl_tax * rate);
            let tax = round_cents(t.tax * rate);
            draft.totals = Some(lines::Totals {
                excl_tax,
                tax,
                incl_tax: excl_tax + tax,
            });
        }
        // The other kind of `LinesMismatch`: `finish` drops the last line after the totals
        // are taken.
        Plant::ExemptLineWithRate => {
            // Typed « exonéré » in the ERP while the rate stayed (the totals still add up);
            // on an invoice of exempt lines only, the other way round: « taux normal » at 0 %.
            if let Some(line) = draft.lines.first_mut() {
                line.category = if line.vat_rate > Decimal::ZERO {
                    crate::model::VatCategory::Exempt
                } else {
                    crate::model::VatCategory::Standard
                };
            }
        }
        Plant::SupplierIncomplete => {
            draft.company = BRANCH_CODE;
            draft.means = "VIREMENT".into();
        }
        Plant::CreditNoteWithoutOrigin => {
            draft.kind = InvoiceKind::CreditNote;
            draft.origin.clear();
            draft.means.clear();
            draft.lines.truncate(1);
        }
        _ => {}
    }
}
