//! « Paramétrage › Délais de paiement » as typed: the late-interest rate, the recovery
//! indemnity, the delay of each buyer category, and each public client's category and
//! delay of its own. Each field says what is wrong with it; nothing is saved until all are
//! valid. Drawing is `ui::payment_terms_settings`'s.

use crate::model::parse_decimal;
use crate::tracking::payment_terms::{BuyerCategory, ClientTerms};
use crate::tracking::payments::PaymentSettings;
use rust_decimal::Decimal;

/// What the tab starts from, read on a worker thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentTermsView {
    pub settings: PaymentSettings,
    /// The public clients: (code, name), by name.
    pub clients: Vec<(String, String)>,
}

/// One client's line of the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientTermsForm {
    pub code: String,
    pub name: String,
    /// `None`: deduced from the name (or the general case).
    pub category: Option<BuyerCategory>,
    /// Days typed; empty for the category's delay.
    pub delay: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentTermsForm {
    pub interest_rate: String,
    pub indemnity: String,
    /// In the order of [`BuyerCategory::ALL`].
    pub category_delays: [String; 3],
    pub clients: Vec<ClientTermsForm>,
    /// Narrows the client list (name or code, case ignored).
    pub search: String,
    saved: PaymentSettings,
}

/// « 10,15 » for 10.15.
fn french(value: Decimal) -> String {
    value.normalize().to_string().replace('.', ",")
}

fn days_error(text: &str) -> Option<String> {
    match text.trim().parse::<u32>() {
        Ok(d) if (1..=365).contains(&d) => None,
        _ => Some("Un nombre de jours entre 1 et 365.".to_string()),
    }
}

fn days(text: &str) -> Option<u32> {
    text.trim().parse().ok().filter(|d| (1..=365).contains(d))
}

/// A French decimal, optionally followed by its unit (« 10,15 % », « 40 € »).
fn decimal(text: &str, unit: char) -> Option<Decimal> {
    parse_decimal(text.trim().trim_end_matches(unit)).ok()
}

impl PaymentTermsForm {
    pub fn new(view: &PaymentTermsView) -> PaymentTermsForm {
        let s = &view.settings;
        PaymentTermsForm {
            interest_rate: french(s.interest_rate_percent),
            indemnity: french(s.recovery_indemnity),
            category_delays: BuyerCategory::ALL.map(|c| s.category_delay(c).to_string()),
            clients: view
                .clients
                .iter()
                .map(|(code, name)| ClientTermsForm {
                    code: code.clone(),
                    name: name.clone(),
                    category: s.category_by_client.get(code).copied(),
                    delay: s
                        .delay_by_client
                        .get(code)
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                })
                .collect(),
            search: String::new(),
            saved: s.clone(),
        }
    }

    /// The default rate (ECB + 8 points as of 2025-2026), shown beside the field.
    pub fn default_rate_text() -> String {
        format!(
            "{} %",
            french(PaymentSettings::default().interest_rate_percent)
        )
    }

    pub fn rate_error(&self) -> Option<String> {
        match decimal(&self.interest_rate, '%') {
            Some(r) if r >= Decimal::ZERO && r <= Decimal::from(100) => None,
            Some(_) => Some("Un taux entre 0 et 100 %.".into()),
            None => Some("Un taux en pourcentage, par exemple 10,15.".into()),
        }
    }

    pub fn indemnity_error(&self) -> Option<String> {
        match decimal(&self.indemnity, '€') {
            Some(a) if a >= Decimal::ZERO && a <= Decimal::from(10_000) => None,
            Some(_) => Some("Un montant entre 0 et 10 000 €.".into()),
            None => Some("Un montant en euros, par exemple 40.".into()),
        }
    }

    pub fn category_delay_error(&self, index: usize) -> Option<String> {
        days_error(&self.category_delays[index])
    }

    /// Empty means « the category's delay ».
    pub fn client_delay_error(&self, index: usize) -> Option<String> {
        let text = self.clients[index].delay.trim();
        if text.is_empty() {
            None
        } else {
            days_error(text)
        }
    }

    /// The settings as typed, or `None` while a field is invalid.
    pub fn to_settings(&self) -> Option<PaymentSettings> {
        let mut s = self.saved.clone();
        s.interest_rate_percent = self
            .rate_error()
            .is_none()
            .then(|| decimal(&self.interest_rate, '%'))??;
        s.recovery_indemnity = self
            .indemnity_error()
            .is_none()
            .then(|| decimal(&self.indemnity, '€'))??;
        let delays: Vec<u32> = self
            .category_delays
            .iter()
            .map(|d| days(d))
            .collect::<Option<_>>()?;
        s.payment_delay_days = delays[0];
        s.health_delay_days = delays[1];
        s.public_company_delay_days = delays[2];
        s.category_by_client.clear();
        s.delay_by_client.clear();
        for c in &self.clients {
            if let Some(category) = c.category {
                s.category_by_client.insert(c.code.clone(), category);
            }
            if !c.delay.trim().is_empty() {
                s.delay_by_client.insert(c.code.clone(), days(&c.delay)?);
            }
        }
        Some(s)
    }

    /// Something differs from what is saved.
    pub fn changed(&self) -> bool {
        self.to_settings().is_none_or(|s| s != self.saved)
    }

    /// The settings as they would apply: as typed, or the saved ones (with the categories
    /// chosen) while a field is invalid.
    pub fn effective(&self) -> PaymentSettings {
        self.to_settings().unwrap_or_else(|| {
            let mut s = self.saved.clone();
            s.category_by_client = self
                .clients
                .iter()
                .filter_map(|c| Some((c.code.clone(), c.category?)))
                .collect();
            s
        })
    }

    /// The delay and its reason for one client, as they would apply.
    pub fn preview(&self, index: usize) -> ClientTerms {
        let c = &self.clients[index];
        self.effective().terms_for(&c.code, &c.name)
    }

    /// Indexes of the clients the search keeps.
    pub fn visible_clients(&self) -> Vec<usize> {
        let needle = self.search.trim().to_lowercase();
        self.clients
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                needle.is_empty()
                    || c.name.to_lowercase().contains(&needle)
                    || c.code.to_lowercase().contains(&needle)
            })
            .map(|(i, _)| i)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> PaymentTermsView {
        PaymentTermsView {
            settings: PaymentSettings::default(),
            clients: vec![
                ("C1".into(), "CHU de Nantes".into()),
                ("C2".into(), "Commune de Bron".into()),
            ],
        }
    }

    #[test]
    fn unchanged_until_a_field_changes_and_invalid_fields_block_the_save() {
        let mut form = PaymentTermsForm::new(&view());
        assert_eq!(form.interest_rate, "10,15");
        assert!(!form.changed());
        assert_eq!(form.preview(0).delay_days, 50, "deduced from « CHU »");
        form.clients[0].delay = "45".into();
        assert!(form.changed());
        assert_eq!(form.preview(0).delay_days, 45);
        let saved = form.to_settings().unwrap();
        assert_eq!(saved.delay_by_client.get("C1"), Some(&45));

        form.clients[1].delay = "0".into();
        assert!(form.client_delay_error(1).is_some());
        assert!(form.to_settings().is_none());
        form.clients[1].delay.clear();
        form.interest_rate = "11,5 %".into();
        form.indemnity = "quarante".into();
        assert!(form.indemnity_error().is_some());
        assert!(form.to_settings().is_none());
        form.indemnity = "40 €".into();
        assert_eq!(
            form.to_settings().unwrap().interest_rate_percent,
            Decimal::new(115, 1)
        );

        form.clients[1].category = Some(BuyerCategory::PublicCompany);
        assert_eq!(form.preview(1).delay_days, 60);
        form.search = "bron".into();
        assert_eq!(form.visible_clients(), [1]);
    }
}
