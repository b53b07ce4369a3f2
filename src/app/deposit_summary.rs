//! What is about to leave for Chorus Pro, said before anything is sent: the window shows it
//! in a confirmation dialog, the CLI prints it first. A deposit cannot be taken back (only
//! a credit note undoes it), so the place it goes to is said in large letters.

use super::check_run::CheckReport;
use super::connection::{ConnectionSettings, EnvironmentChoice};
use crate::einvoice::Format;
use crate::model::{format_count, format_money};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Where the deposit goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepositTarget {
    EmbeddedSandbox,
    Qualification,
    Production,
    /// An API address imposed by `CHORUS_DEPOT_API_URL` (or a test's connector).
    Custom(String),
}

impl DepositTarget {
    /// The target of the settings, unless an address is imposed.
    pub fn of(settings: &ConnectionSettings, imposed_api_url: Option<&str>) -> DepositTarget {
        match (imposed_api_url, settings.environment) {
            (Some(url), _) => DepositTarget::Custom(url.to_string()),
            (None, EnvironmentChoice::EmbeddedSandbox) => DepositTarget::EmbeddedSandbox,
            (None, EnvironmentChoice::Qualification) => DepositTarget::Qualification,
            (None, EnvironmentChoice::Production) => DepositTarget::Production,
        }
    }

    /// The word shown in large letters.
    pub fn banner(&self) -> &'static str {
        match self {
            DepositTarget::EmbeddedSandbox => "Bac à sable intégré",
            DepositTarget::Qualification => "Qualification",
            DepositTarget::Production => "PRODUCTION",
            DepositTarget::Custom(_) => "Adresse imposée",
        }
    }

    /// What it means for the invoices, in one sentence.
    pub fn meaning(&self) -> String {
        match self {
            DepositTarget::EmbeddedSandbox => {
                "Démonstration : rien ne part vers Chorus Pro, l'émulateur intégré répond".into()
            }
            DepositTarget::Qualification => {
                "Chorus Pro de qualification (PISTE sandbox) : factures de test, non payées".into()
            }
            DepositTarget::Production => {
                "Chorus Pro de production : les factures partent réellement aux acheteurs publics \
                 et ne pourront être annulées que par un avoir"
                    .into()
            }
            DepositTarget::Custom(url) => {
                format!("Adresse de l'API imposée par CHORUS_DEPOT_API_URL : {url}")
            }
        }
    }

    pub fn is_production(&self) -> bool {
        *self == DepositTarget::Production
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DepositMode {
    Lot,
    Sequential,
}

impl DepositMode {
    pub fn label(self) -> &'static str {
        match self {
            DepositMode::Lot => "dépôt par lot",
            DepositMode::Sequential => "dépôt séquentiel (un flux par facture)",
        }
    }
}

/// Everything the user confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositSummary {
    pub mode: DepositMode,
    /// The invoice numbers that will leave, sorted.
    pub invoices: Vec<String>,
    /// Total TTC by currency (credit notes counted negative).
    pub totals: BTreeMap<String, Decimal>,
    /// « ACME SERVICES (SIEGE) », sorted.
    pub companies: Vec<String>,
    pub format: Format,
    /// Lot mode: the number of archives.
    pub fluxes: Option<usize>,
    pub target: DepositTarget,
}

impl DepositSummary {
    /// The summary of `invoices` as the check report knows them.
    pub fn new(
        mode: DepositMode,
        invoices: &[String],
        report: &CheckReport,
        format: Format,
        fluxes: Option<usize>,
        target: DepositTarget,
    ) -> DepositSummary {
        let wanted: BTreeSet<&str> = invoices.iter().map(String::as_str).collect();
        let names: HashMap<&str, &str> = report
            .companies
            .iter()
            .map(|c| (c.code.as_str(), c.name.as_str()))
            .collect();
        let mut totals: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut companies = BTreeSet::new();
        for check in report
            .checks
            .iter()
            .filter(|c| wanted.contains(c.invoice.number.as_str()))
        {
            let invoice = &check.invoice;
            let amount = match invoice.kind {
                crate::model::InvoiceKind::Invoice => invoice.total_incl_tax,
                crate::model::InvoiceKind::CreditNote => -invoice.total_incl_tax.abs(),
            };
            let currency = match invoice.currency.trim() {
                "" => "EUR".to_string(),
                c => c.to_ascii_uppercase(),
            };
            let total = totals.entry(currency).or_default();
            *total = total.checked_add(amount).unwrap_or(*total);
            let code = invoice.company_code.as_str();
            companies.insert(match names.get(code) {
                Some(name) if !name.trim().is_empty() => format!("{} ({code})", name.trim()),
                _ => code.to_string(),
            });
        }
        let mut invoices: Vec<String> = invoices.to_vec();
        invoices.sort();
        invoices.dedup();
        DepositSummary {
            mode,
            invoices,
            totals,
            companies: companies.into_iter().collect(),
            format,
            fluxes,
            target,
        }
    }

    /// « 105 factures » / « 1 facture ».
    pub fn count_text(&self) -> String {
        match self.invoices.len() {
            1 => "1 facture".to_string(),
            n => format!("{} factures", format_count(n)),
        }
    }

    /// « 126 000,00 € » (several currencies side by side).
    pub fn total_text(&self) -> String {
        if self.totals.is_empty() {
            return format_money(Decimal::ZERO, "EUR");
        }
        self.totals
            .iter()
            .map(|(cur, amount)| format_money(*amount, cur))
            .collect::<Vec<_>>()
            .join(" + ")
    }

    /// The lines of the summary, as the CLI prints them and the dialog lists them.
    pub fn lines(&self) -> Vec<(&'static str, String)> {
        let mut lines = vec![
            (
                "Destination",
                format!("{} — {}", self.target.banner(), self.target.meaning()),
            ),
            ("Factures", self.count_text()),
            ("Total TTC", self.total_text()),
            ("Sociétés émettrices", self.companies.join(", ")),
            ("Format", self.format.label().to_string()),
            ("Mode", self.mode.label().to_string()),
        ];
        if let Some(n) = self.fluxes {
            let text = if n == 1 {
                "1 fichier".to_string()
            } else {
                format!("{n} fichiers")
            };
            lines.push(("Flux", text));
        }
        lines
    }

    /// The summary as text: one « label : value » line each.
    pub fn to_text(&self) -> String {
        let mut out = String::from("Dépôt sur Chorus Pro :\n");
        for (label, value) in self.lines() {
            out.push_str(&format!("  {label} : {value}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_imposed_address_wins_over_the_settings() {
        let settings = ConnectionSettings {
            environment: EnvironmentChoice::Production,
            ..ConnectionSettings::default()
        };
        assert_eq!(
            DepositTarget::of(&settings, None),
            DepositTarget::Production
        );
        assert!(DepositTarget::of(&settings, None).is_production());
        assert_eq!(
            DepositTarget::of(&settings, Some("http://127.0.0.1:9")),
            DepositTarget::Custom("http://127.0.0.1:9".into())
        );
    }
}
