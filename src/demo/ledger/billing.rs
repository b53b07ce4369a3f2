//! Markets, orders / dossiers / contracts, and the billing data (service code, engagement
//! number, market number) each invoice carries, directly or through its reference.

use super::{Builder, days_after, days_before, month_start, today};
use crate::demo::names::{self, FAMILIES, Family};
use crate::demo::parties::PublicKind;
use crate::demo::rng::Rng;
use crate::model::{BillingReference, Market, ReferenceKind};
use chrono::{Datelike, Months, NaiveDate};

/// The billing data carried by an invoice: its own values and its origin reference.
#[derive(Debug, Clone, Default)]
pub(super) struct Billing {
    pub(super) reference: Option<usize>,
    pub(super) service: String,
    pub(super) engagement: String,
    pub(super) market: String,
}

/// What a planted anomaly asks of the billing data.
#[derive(Debug, Clone, Default)]
pub(super) struct Wish {
    pub(super) no_service: bool,
    pub(super) no_engagement: bool,
    pub(super) service: Option<String>,
    pub(super) engagement: Option<String>,
    pub(super) market: Option<String>,
    pub(super) reference: Option<usize>,
}

pub(super) struct DemoMarket {
    pub(super) market: Market,
    pub(super) family: Family,
}

pub(super) struct DemoReference {
    pub(super) reference: BillingReference,
    pub(super) created: NaiveDate,
}

impl Builder<'_> {
    pub(super) fn add_market(
        &mut self,
        rng: &mut Rng,
        client: usize,
        start: NaiveDate,
        years: u32,
    ) {
        self.market_seq += 1;
        let n = self.market_seq;
        let year = start.year();
        let number = match rng.index(4) {
            0 => format!("{year}-MAPA-{n:03}"),
            1 => format!("{year}-AO-{n:03}"),
            2 => format!("MP{:02}{n:04}", year % 100),
            _ => format!("{year}/{n:03}/INFO"),
        };
        let family = *rng.pick(FAMILIES);
        let label = rng.pick(names::market_subject(family)).to_string();
        let end = start
            .checked_add_months(Months::new(12 * years))
            .map(|d| days_before(d, 1));
        self.markets_of[client].push(self.markets.len());
        self.markets.push(DemoMarket {
            market: Market {
                client_code: self.client(client).client.code.clone(),
                number,
                label,
                start_date: Some(start),
                end_date: end,
            },
            family,
        });
    }

    pub(super) fn add_reference(
        &mut self,
        client: usize,
        kind: ReferenceKind,
        created: NaiveDate,
        data: (String, String, String),
        valid_until: Option<NaiveDate>,
    ) -> usize {
        self.reference_seq += 1;
        let n = self.reference_seq;
        let reference = match kind {
            ReferenceKind::Order => format!("CDE-{:02}{n:05}", created.year() % 100),
            ReferenceKind::Dossier => format!("DOS-{}-{n:04}", created.year()),
            ReferenceKind::Contract => format!("CTR-{}-{n:04}", created.year()),
        };
        let (service_code, engagement_number, market_number) = data;
        let index = self.references.len();
        self.references_of[client].push(index);
        self.references.push(DemoReference {
            reference: BillingReference {
                kind,
                reference,
                client_code: self.client(client).client.code.clone(),
                service_code,
                market_number,
                engagement_number,
                valid_until,
            },
            created,
        });
        index
    }

    pub(super) fn random_service(&self, rng: &mut Rng, client: usize) -> String {
        let active: Vec<&str> = self
            .client(client)
            .active_services()
            .map(|s| s.code.as_str())
            .collect();
        if active.is_empty() {
            String::new()
        } else {
            rng.pick(&active).to_string()
        }
    }

    /// An engagement number in the buyer's style: `1300045678` for the State (Chorus
    /// engagement juridique), `EJ26004512` for hospitals, `BC2026-00452` for local bodies.
    pub(super) fn new_engagement(
        &mut self,
        rng: &mut Rng,
        client: usize,
        date: NaiveDate,
    ) -> String {
        self.engagement_seq += 1 + rng.below(37);
        let n = self.engagement_seq;
        match self.client(client).kind {
            Some(kind) if kind.uses_state_engagements() => format!("13{:08}", 40_000 + n),
            Some(PublicKind::Hospital | PublicKind::CareHome) => {
                format!("EJ{:02}{:06}", date.year() % 100, n)
            }
            Some(PublicKind::Town | PublicKind::Intercommunality) => {
                format!("BC{}-{:05}", date.year(), n % 100_000)
            }
            Some(_) => format!("EJ{n:08}"),
            None => format!("PO-45{n:08}"),
        }
    }

    pub(super) fn add_markets_and_references(&mut self, rng: &mut Rng, client: usize) {
        // Current markets (started 2023–2026, three or four years), and often an old one
        // that ended before the demo year: invoices citing it are refused.
        let current = rng.weighted(&[25, 50, 25]);
        for _ in 0..current {
            let start = month_start(rng.range(36, 74));
            let years = rng.range(3, 4) as u32;
            self.add_market(rng, client, start, years);
        }
        if rng.chance(0.6) {
            let start = month_start(rng.range(0, 29));
            self.add_market(rng, client, start, 3);
        }
        let window_start = days_before(today(), 365);
        let state_like = self
            .client(client)
            .kind
            .is_some_and(PublicKind::uses_state_engagements);
        // Regular contracts: one per current market, valid as long as the market.
        for m in self.markets_of[client].clone() {
            let market = &self.markets[m].market;
            let (Some(start), end) = (market.start_date, market.end_date) else {
                continue;
            };
            if end.is_some_and(|e| e < window_start) || !rng.chance(0.7) {
                continue;
            }
            let number = market.number.clone();
            let service = if rng.chance(0.6) {
                self.random_service(rng, client)
            } else {
                String::new()
            };
            let engagement = if rng.chance(if state_like { 0.8 } else { 0.3 }) {
                self.new_engagement(rng, client, start)
            } else {
                String::new()
            };
            self.add_reference(
                client,
                ReferenceKind::Contract,
                start,
                (service, engagement, number),
                end,
            );
        }
        // Orders: each with its engagement number, often for a limited time.
        let orders = 1 + self.client(client).weight as usize / 2;
        for _ in 0..orders {
            let created = days_after(days_before(window_start, 90), rng.below(430));
            let valid_until = rng
                .chance(0.6)
                .then(|| days_after(created, 180 + rng.below(185)));
            let market = if rng.chance(0.5) {
                self.valid_markets(client, created)
                    .first()
                    .map(|&m| self.markets[m].market.number.clone())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            let service = if rng.chance(0.8) {
                self.random_service(rng, client)
            } else {
                String::new()
            };
            let engagement = self.new_engagement(rng, client, created);
            self.add_reference(
                client,
                ReferenceKind::Order,
                created,
                (service, engagement, market),
                valid_until,
            );
        }
        // Dossiers: a service to bill, rarely an engagement.
        for _ in 0..rng.range(0, 2) {
            let created = days_after(days_before(window_start, 200), rng.below(500));
            let valid_until = rng.chance(0.5).then(|| days_after(created, 365));
            let service = if rng.chance(0.7) {
                self.random_service(rng, client)
            } else {
                String::new()
            };
            let engagement = if rng.chance(0.2) {
                self.new_engagement(rng, client, created)
            } else {
                String::new()
            };
            self.add_reference(
                client,
                ReferenceKind::Dossier,
                created,
                (service, engagement, String::new()),
                valid_until,
            );
        }
    }

    pub(super) fn market_valid(&self, client: usize, number: &str, date: NaiveDate) -> bool {
        number.is_empty()
            || self.markets_of[client]
                .iter()
                .map(|&m| &self.markets[m].market)
                .find(|m| m.number == number)
                .is_none_or(|m| m.is_valid_on(date))
    }

    pub(super) fn valid_markets(&self, client: usize, date: NaiveDate) -> Vec<usize> {
        self.markets_of[client]
            .iter()
            .copied()
            .filter(|&m| self.markets[m].market.is_valid_on(date))
            .collect()
    }

    pub(super) fn expired_markets(&self, client: usize, date: NaiveDate) -> Vec<usize> {
        self.markets_of[client]
            .iter()
            .copied()
            .filter(|&m| {
                self.markets[m]
                    .market
                    .end_date
                    .is_some_and(|end| end < date)
            })
            .collect()
    }

    pub(super) fn usable_references(
        &self,
        client: usize,
        date: NaiveDate,
        wish: &Wish,
    ) -> Vec<usize> {
        self.references_of[client]
            .iter()
            .copied()
            .filter(|&r| {
                let dr = &self.references[r];
                let r = &dr.reference;
                dr.created <= date
                    && r.valid_until.is_none_or(|until| until >= date)
                    && self.market_valid(client, &r.market_number, date)
                    && (!wish.no_service || r.service_code.is_empty())
                    && (!wish.no_engagement || r.engagement_number.is_empty())
            })
            .collect()
    }

    /// (service, engagement, market) as the checks resolve them.
    pub(super) fn resolved(&self, b: &Billing) -> (String, String, String) {
        let from_ref = b.reference.map(|r| &self.references[r].reference);
        let pick = |own: &str, theirs: Option<&String>| {
            if own.is_empty() {
                theirs.cloned().unwrap_or_default()
            } else {
                own.to_string()
            }
        };
        (
            pick(&b.service, from_ref.map(|r| &r.service_code)),
            pick(&b.engagement, from_ref.map(|r| &r.engagement_number)),
            pick(&b.market, from_ref.map(|r| &r.market_number)),
        )
    }

    /// Billing data for an invoice of `client` on `date`: most carry it through their order,
    /// dossier or contract, some on the invoice itself; what the directory requires is then
    /// filled in unless the wish forbids it.
    pub(super) fn billing(
        &mut self,
        rng: &mut Rng,
        client: usize,
        date: NaiveDate,
        wish: &Wish,
    ) -> Billing {
        let mut b = Billing::default();
        let usable = self.usable_references(client, date, wish);
        if let Some(r) = wish.reference {
            b.reference = Some(r);
        } else if !usable.is_empty() && rng.chance(0.75) {
            let r = *rng.pick(&usable);
            b.reference = Some(r);
            // ERPs often copy part of the order onto the invoice.
            let reference = &self.references[r].reference;
            if !wish.no_engagement && rng.chance(0.3) {
                b.engagement = reference.engagement_number.clone();
            }
            if !wish.no_service && rng.chance(0.2) {
                b.service = reference.service_code.clone();
            }
            if rng.chance(0.2) {
                b.market = reference.market_number.clone();
            }
        } else if self.client(client).is_public() {
            let markets = self.valid_markets(client, date);
            if !markets.is_empty() && rng.chance(0.5) {
                b.market = self.markets[*rng.pick(&markets)].market.number.clone();
            }
            if !wish.no_service && rng.chance(0.5) {
                b.service = self.random_service(rng, client);
            }
            if !wish.no_engagement && rng.chance(0.3) {
                b.engagement = self.new_engagement(rng, client, date);
            }
        } else if rng.chance(0.3) {
            // A private customer's purchase order number.
            b.engagement = self.new_engagement(rng, client, date);
        }
        if let Some(service) = &wish.service {
            b.service = service.clone();
        }
        if let Some(engagement) = &wish.engagement {
            b.engagement = engagement.clone();
        }
        if let Some(market) = &wish.market {
            b.market = market.clone();
        }
        self.complete(rng, client, date, &mut b, wish);
        b
    }

    /// Adds what the directory flags require and the billing data lacks.
    pub(super) fn complete(
        &mut self,
        rng: &mut Rng,
        client: usize,
        date: NaiveDate,
        b: &mut Billing,
        wish: &Wish,
    ) {
        let Some(structure) = self.client(client).structure.clone() else {
            return;
        };
        let (service, engagement, _) = self.resolved(b);
        let either = structure.service_or_engagement_required;
        let wants_service = structure.service_required
            || (either
                && service.is_empty()
                && engagement.is_empty()
                && (wish.no_engagement || rng.chance(0.5)));
        if service.is_empty() && wants_service && !wish.no_service {
            b.service = self.random_service(rng, client);
        }
        let (service, engagement, _) = self.resolved(b);
        let service_asks = self
            .client(client)
            .services
            .iter()
            .any(|s| s.code == service && s.engagement_required);
        let wants_engagement =
            structure.engagement_required || service_asks || (either && service.is_empty());
        if engagement.is_empty() && wants_engagement && !wish.no_engagement {
            b.engagement = self.new_engagement(rng, client, date);
        }
    }

    pub(super) fn family_of(&self, rng: &mut Rng, client: usize, billing: &Billing) -> Family {
        let (_, _, market) = self.resolved(billing);
        self.markets_of[client]
            .iter()
            .map(|&m| &self.markets[m])
            .find(|m| !market.is_empty() && m.market.number == market)
            .map(|m| m.family)
            .unwrap_or_else(|| *rng.pick(FAMILIES))
    }

    /// True when the origin invoice's billing data still holds on `date`.
    pub(super) fn still_valid(&self, client: usize, billing: &Billing, date: NaiveDate) -> bool {
        let reference_ok = billing.reference.is_none_or(|r| {
            let r = &self.references[r].reference;
            r.valid_until.is_none_or(|u| u >= date)
                && self.market_valid(client, &r.market_number, date)
        });
        reference_ok && self.market_valid(client, &billing.market, date)
    }
}
