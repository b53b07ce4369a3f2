//! The « Comptes Chorus PRO » part of « Paramétrage »: what the admin edits (environment,
//! PISTE application, each company's technical account, deposit defaults), checked field
//! by field. Secrets typed here go to the [`SecretStore`](super::secrets::SecretStore),
//! never to the settings JSON; an empty secret field keeps the stored one.

use super::connection::{CompanyAccount, ConnectionSettings, DepositDefaults, EnvironmentChoice};
use super::secrets::Secret;
use crate::model::Company;

/// What the dialog is opened with: the settings, and which secrets are already stored.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ConnectionView {
    pub settings: ConnectionSettings,
    pub client_secret_stored: bool,
    /// Logins whose password is stored (for the settings' environment).
    pub passwords_stored: Vec<String>,
    /// Said when the secrets go to a file rather than the OS keyring.
    pub storage_notice: Option<String>,
}

/// One company's technical account as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountForm {
    pub company_code: String,
    pub company_name: String,
    pub company_siret: String,
    pub login: String,
    /// A new password; empty keeps the stored one.
    pub password: String,
    pub password_stored: bool,
    pub structure_id: Option<i64>,
    pub password_expires_on: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionForm {
    pub environment: EnvironmentChoice,
    pub client_id: String,
    /// A new secret; empty keeps the stored one.
    pub client_secret: String,
    pub client_secret_stored: bool,
    pub accounts: Vec<AccountForm>,
    pub format: String,
    pub wait_ms: String,
    pub max_megabytes: String,
    pub max_invoices: String,
    /// Minutes; empty = the environment's default.
    pub uncertain_after_minutes: String,
    /// Minutes between two automatic syncs while the window is open; 0 = never.
    pub sync_every_minutes: String,
    pub storage_notice: Option<String>,
    /// The settings as opened, to carry what the form does not show.
    saved: ConnectionSettings,
}

/// The French message beside each invalid field; accounts by company code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectionErrors {
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub accounts: Vec<(String, String)>,
    pub wait_ms: Option<String>,
    pub max_megabytes: Option<String>,
    pub max_invoices: Option<String>,
    pub uncertain_after_minutes: Option<String>,
    pub sync_every_minutes: Option<String>,
}

impl ConnectionErrors {
    pub fn is_empty(&self) -> bool {
        *self == ConnectionErrors::default()
    }

    pub fn account(&self, company_code: &str) -> Option<&str> {
        self.accounts
            .iter()
            .find(|(c, _)| c == company_code)
            .map(|(_, m)| m.as_str())
    }
}

/// What to save: the settings, and the secrets typed (only those changed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionChanges {
    pub settings: ConnectionSettings,
    pub client_secret: Option<Secret>,
    /// (login, password).
    pub passwords: Vec<(String, Secret)>,
}

const MEGABYTE: u64 = 1024 * 1024;

impl ConnectionForm {
    pub fn new(view: &ConnectionView, companies: &[Company]) -> ConnectionForm {
        let s = &view.settings;
        let accounts = companies
            .iter()
            .map(|c| {
                let account = s.account(&c.code).cloned().unwrap_or_default();
                AccountForm {
                    company_code: c.code.clone(),
                    company_name: c.name.clone(),
                    company_siret: c.siret.clone(),
                    password_stored: view.passwords_stored.contains(&account.login),
                    login: account.login,
                    password: String::new(),
                    structure_id: account.structure_id,
                    password_expires_on: account.password_expires_on,
                }
            })
            .collect();
        ConnectionForm {
            environment: s.environment,
            client_id: s.client_id.clone(),
            client_secret: String::new(),
            client_secret_stored: view.client_secret_stored,
            accounts,
            format: s.deposit.format.clone(),
            wait_ms: s.deposit.wait_ms.to_string(),
            max_megabytes: format_megabytes(s.deposit.max_bytes),
            max_invoices: s.deposit.max_invoices.to_string(),
            uncertain_after_minutes: s
                .deposit
                .uncertain_after_secs
                .map(|secs| (secs / 60).to_string())
                .unwrap_or_default(),
            sync_every_minutes: s.sync_every_minutes.to_string(),
            storage_notice: view.storage_notice.clone(),
            saved: s.clone(),
        }
    }

    /// The embedded sandbox needs no account: the PISTE fields are then not required.
    pub fn needs_accounts(&self) -> bool {
        self.environment != EnvironmentChoice::EmbeddedSandbox
    }

    pub fn errors(&self) -> ConnectionErrors {
        let mut e = ConnectionErrors::default();
        if self.needs_accounts() {
            if self.client_id.trim().is_empty() {
                e.client_id = Some("L'identifiant client PISTE est obligatoire".into());
            }
            if self.client_secret.is_empty() && !self.client_secret_stored {
                e.client_secret = Some("Le secret client PISTE est obligatoire".into());
            }
        }
        for a in &self.accounts {
            let login = a.login.trim();
            let message = if login.is_empty() {
                None
            } else if login.contains(char::is_whitespace) {
                Some("Le login ne doit pas contenir d'espace")
            } else if !login.contains('@') {
                // Technical accounts look like TECH_1_…@cpro.fr (shared/reference).
                Some("Le login d'un compte technique est une adresse (TECH_…@cpro.fr)")
            } else if a.password.is_empty() && !a.password_stored {
                Some("Le mot de passe du compte technique est obligatoire")
            } else {
                None
            };
            if let Some(m) = message {
                e.accounts.push((a.company_code.clone(), m.to_string()));
            }
        }
        e.wait_ms = number_error(&self.wait_ms, 0, 600_000, "ms");
        e.max_megabytes = number_error(&self.max_megabytes, 1, 100, "Mo");
        e.max_invoices = number_error(&self.max_invoices, 1, 10_000, "factures");
        e.sync_every_minutes = number_error(&self.sync_every_minutes, 0, 24 * 60, "min");
        if !self.uncertain_after_minutes.trim().is_empty() {
            e.uncertain_after_minutes =
                number_error(&self.uncertain_after_minutes, 1, 7 * 24 * 60, "min");
        }
        e
    }

    /// The changes to save, or `None` while a field is invalid.
    pub fn changes(&self) -> Option<ConnectionChanges> {
        if !self.errors().is_empty() {
            return None;
        }
        let number = |s: &str| s.trim().parse::<u64>().ok();
        let mut settings = self.saved.clone();
        settings.environment = self.environment;
        settings.client_id = self.client_id.trim().to_string();
        settings.accounts = self
            .accounts
            .iter()
            .filter(|a| !a.login.trim().is_empty() || a.structure_id.is_some())
            .map(|a| CompanyAccount {
                company_code: a.company_code.clone(),
                login: a.login.trim().to_string(),
                structure_id: a.structure_id,
                password_expires_on: a.password_expires_on,
            })
            .collect();
        settings.sync_every_minutes = number(&self.sync_every_minutes)? as u32;
        settings.deposit = DepositDefaults {
            format: self.format.clone(),
            wait_ms: number(&self.wait_ms)?,
            max_bytes: number(&self.max_megabytes)? * MEGABYTE,
            max_invoices: number(&self.max_invoices)? as usize,
            uncertain_after_secs: number(&self.uncertain_after_minutes).map(|m| m * 60),
        };
        Some(ConnectionChanges {
            settings,
            client_secret: (!self.client_secret.is_empty())
                .then(|| Secret::new(self.client_secret.clone())),
            passwords: self
                .accounts
                .iter()
                .filter(|a| !a.login.trim().is_empty() && !a.password.is_empty())
                .map(|a| (a.login.trim().to_string(), Secret::new(a.password.clone())))
                .collect(),
        })
    }

    /// Whether anything differs from what was opened.
    pub fn is_changed(&self) -> bool {
        self.changes().is_some_and(|c| {
            c.settings != self.saved || c.client_secret.is_some() || !c.passwords.is_empty()
        })
    }
}

fn format_megabytes(bytes: u64) -> String {
    bytes.div_ceil(MEGABYTE).to_string()
}

/// Shown beside the field, which says what it is.
fn number_error(text: &str, min: u64, max: u64, unit: &str) -> Option<String> {
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    match text.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => None,
        _ => Some(format!("Saisissez un nombre entier de {min} à {max}{unit}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(code: &str) -> Company {
        Company {
            code: code.into(),
            name: format!("Société {code}"),
            siret: "73282932000074".into(),
            ..Company::default()
        }
    }

    fn qualification_view() -> ConnectionView {
        ConnectionView {
            settings: ConnectionSettings {
                environment: EnvironmentChoice::Qualification,
                client_id: "app".into(),
                ..ConnectionSettings::default()
            },
            client_secret_stored: true,
            ..ConnectionView::default()
        }
    }

    #[test]
    fn the_embedded_sandbox_needs_no_account() {
        let form = ConnectionForm::new(&ConnectionView::default(), &[company("A")]);
        assert!(form.errors().is_empty(), "{:?}", form.errors());
        assert!(!form.is_changed());
    }

    #[test]
    fn piste_needs_the_application_and_a_password_per_login() {
        let mut form = ConnectionForm::new(&ConnectionView::default(), &[company("A")]);
        form.environment = EnvironmentChoice::Production;
        let e = form.errors();
        assert_eq!(
            e.client_id.as_deref(),
            Some("L'identifiant client PISTE est obligatoire")
        );
        assert!(e.client_secret.is_some());
        form.client_id = "app".into();
        form.client_secret = "s3cret".into();
        form.accounts[0].login = "TECH_1_A@cpro.fr".into();
        assert_eq!(
            form.errors().account("A"),
            Some("Le mot de passe du compte technique est obligatoire")
        );
        form.accounts[0].password = "pw".into();
        let changes = form.changes().expect("valid");
        assert_eq!(changes.settings.accounts[0].login, "TECH_1_A@cpro.fr");
        assert_eq!(changes.client_secret.unwrap().expose(), "s3cret");
        assert_eq!(changes.passwords[0].0, "TECH_1_A@cpro.fr");
        // Secrets never reach the settings JSON.
        let json = serde_json::to_string(&changes.settings).unwrap();
        assert!(!json.contains("s3cret") && !json.contains("\"pw\""));
    }

    #[test]
    fn a_stored_secret_is_kept_when_the_field_stays_empty() {
        let mut view = qualification_view();
        view.settings.accounts.push(CompanyAccount {
            company_code: "A".into(),
            login: "TECH_1_A@cpro.fr".into(),
            structure_id: Some(12),
            password_expires_on: None,
        });
        view.passwords_stored.push("TECH_1_A@cpro.fr".into());
        let form = ConnectionForm::new(&view, &[company("A")]);
        assert!(form.errors().is_empty(), "{:?}", form.errors());
        let changes = form.changes().unwrap();
        assert!(changes.client_secret.is_none() && changes.passwords.is_empty());
        assert_eq!(changes.settings, view.settings);
        assert!(!form.is_changed());
    }

    #[test]
    fn deposit_defaults_are_checked_and_converted() {
        let mut form = ConnectionForm::new(&qualification_view(), &[]);
        assert_eq!(form.max_megabytes, "10");
        form.wait_ms = "abc".into();
        form.max_invoices = "0".into();
        form.uncertain_after_minutes = "30".into();
        let e = form.errors();
        assert_eq!(
            e.wait_ms.as_deref(),
            Some("Saisissez un nombre entier de 0 à 600000 ms")
        );
        assert_eq!(
            e.max_invoices.as_deref(),
            Some("Saisissez un nombre entier de 1 à 10000 factures")
        );
        assert!(form.changes().is_none());
        form.wait_ms = "250".into();
        form.max_invoices = "200".into();
        form.max_megabytes = "5".into();
        let d = form.changes().unwrap().settings.deposit;
        assert_eq!(
            (
                d.wait_ms,
                d.max_invoices,
                d.max_bytes,
                d.uncertain_after_secs
            ),
            (250, 200, 5 * MEGABYTE, Some(1800))
        );
    }

    #[test]
    fn a_login_that_is_not_an_address_is_refused() {
        let mut form = ConnectionForm::new(&qualification_view(), &[company("A")]);
        form.accounts[0].login = "TECH 1".into();
        assert_eq!(
            form.errors().account("A"),
            Some("Le login ne doit pas contenir d'espace")
        );
        form.accounts[0].login = "TECH_1".into();
        assert!(
            form.errors()
                .account("A")
                .unwrap()
                .contains("TECH_…@cpro.fr")
        );
    }
}
