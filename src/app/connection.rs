//! The connection to Chorus Pro (« Comptes Chorus PRO » in the settings): the environment,
//! the PISTE application, each company's technical account, and the deposit defaults.
//! Kept in `app_settings` as JSON, secrets apart in the [`SecretStore`].

use super::secrets::{Secret, SecretError, SecretStore};
use crate::store::settings;
use crate::store::sql::{Sql, SqlError};
use serde::{Deserialize, Serialize};

const SETTINGS_KEY: &str = "connexion_chorus";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum EnvironmentChoice {
    /// The emulator started inside the application: no account needed (first run).
    #[default]
    EmbeddedSandbox,
    /// PISTE sandbox = Chorus Pro qualification.
    Qualification,
    Production,
}

impl EnvironmentChoice {
    pub fn label(self) -> &'static str {
        match self {
            EnvironmentChoice::EmbeddedSandbox => "Bac à sable intégré (démonstration)",
            EnvironmentChoice::Qualification => "Chorus Pro qualification (PISTE sandbox)",
            EnvironmentChoice::Production => "Chorus Pro production",
        }
    }

    fn code(self) -> &'static str {
        match self {
            EnvironmentChoice::EmbeddedSandbox => "bac-a-sable",
            EnvironmentChoice::Qualification => "qualification",
            EnvironmentChoice::Production => "production",
        }
    }

    /// (token URL, API base without `/cpro`) of the real environments.
    pub fn piste_urls(self) -> Option<(&'static str, &'static str)> {
        match self {
            EnvironmentChoice::EmbeddedSandbox => None,
            EnvironmentChoice::Qualification => Some((
                "https://sandbox-oauth.piste.gouv.fr/api/oauth/token",
                "https://sandbox-api.piste.gouv.fr",
            )),
            EnvironmentChoice::Production => Some((
                "https://oauth.piste.gouv.fr/api/oauth/token",
                "https://api.piste.gouv.fr",
            )),
        }
    }
}

/// One invoicing company's technical account on Chorus Pro.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CompanyAccount {
    pub company_code: String,
    /// `TECH_1_…@cpro.fr`.
    pub login: String,
    /// The company's `idStructureCPP`, once known (« Tester la connexion »).
    pub structure_id: Option<i64>,
    /// `dateExpirationMotPasseCompteTech`, once known: the window reminds 15 days ahead.
    #[serde(default)]
    pub password_expires_on: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DepositDefaults {
    /// `ubl`, `cii` or `facturx`.
    pub format: String,
    pub wait_ms: u64,
    pub max_bytes: u64,
    pub max_invoices: usize,
    /// How long an unanswered deposit stays « à vérifier »; `None`: 10 minutes against
    /// the sandbox, 6 hours against Chorus Pro.
    pub uncertain_after_secs: Option<u64>,
}

impl Default for DepositDefaults {
    fn default() -> DepositDefaults {
        DepositDefaults {
            format: "facturx".into(),
            wait_ms: 1000,
            max_bytes: 10 * 1024 * 1024,
            max_invoices: 500,
            uncertain_after_secs: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionSettings {
    pub environment: EnvironmentChoice,
    pub client_id: String,
    pub accounts: Vec<CompanyAccount>,
    pub deposit: DepositDefaults,
    /// Minutes between two automatic synchronisations with Chorus Pro (0: never).
    #[serde(default = "default_sync_every_minutes")]
    pub sync_every_minutes: u32,
}

fn default_sync_every_minutes() -> u32 {
    15
}

impl Default for ConnectionSettings {
    fn default() -> ConnectionSettings {
        ConnectionSettings {
            environment: EnvironmentChoice::default(),
            client_id: String::new(),
            accounts: Vec::new(),
            deposit: DepositDefaults::default(),
            sync_every_minutes: default_sync_every_minutes(),
        }
    }
}

impl ConnectionSettings {
    pub fn load(conn: &dyn Sql) -> Result<ConnectionSettings, SqlError> {
        Ok(settings::get(conn, SETTINGS_KEY)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }

    pub fn save(&self, conn: &dyn Sql) -> Result<(), SqlError> {
        let json = serde_json::to_string(self).expect("plain data serialises");
        settings::set(conn, SETTINGS_KEY, &json)
    }

    pub fn account(&self, company_code: &str) -> Option<&CompanyAccount> {
        self.accounts
            .iter()
            .find(|a| a.company_code == company_code)
    }

    /// Keeps what « Tester la connexion » learnt of each company's account.
    pub fn remember(&mut self, findings: &[super::connection_test::AccountFinding]) {
        for f in findings {
            let index = match self
                .accounts
                .iter()
                .position(|a| a.company_code == f.company_code)
            {
                Some(i) => i,
                None => {
                    self.accounts.push(CompanyAccount {
                        company_code: f.company_code.clone(),
                        ..CompanyAccount::default()
                    });
                    self.accounts.len() - 1
                }
            };
            let account = &mut self.accounts[index];
            if f.structure_id.is_some() {
                account.structure_id = f.structure_id;
            }
            if f.password_expires_on.is_some() {
                account.password_expires_on = f.password_expires_on;
            }
        }
    }

    pub fn uncertain_after(&self) -> std::time::Duration {
        let default = match self.environment {
            EnvironmentChoice::EmbeddedSandbox => 600,
            _ => 6 * 3600,
        };
        std::time::Duration::from_secs(self.deposit.uncertain_after_secs.unwrap_or(default))
    }
}

/// The keys under which the secrets are kept, per environment.
pub fn client_secret_key(env: EnvironmentChoice) -> String {
    format!("piste-secret:{}", env.code())
}

pub fn password_key(env: EnvironmentChoice, login: &str) -> String {
    format!("compte-technique:{}:{login}", env.code())
}

/// Everything a client needs to call Chorus Pro for one company.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedConnection {
    pub token_url: String,
    pub api_base: String,
    pub client_id: String,
    pub client_secret: Secret,
    pub login: String,
    pub password: Secret,
}

/// The environment variables that override the settings (scheduled tasks, CI).
pub struct Overrides {
    pub api_url: Option<String>,
    pub token_url: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub login: Option<String>,
    pub password: Option<String>,
}

impl Overrides {
    pub fn from_env() -> Overrides {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Overrides {
            api_url: var("CHORUS_DEPOT_API_URL"),
            token_url: var("CHORUS_DEPOT_TOKEN_URL"),
            client_id: var("CHORUS_DEPOT_CLIENT_ID"),
            client_secret: var("CHORUS_DEPOT_CLIENT_SECRET"),
            login: var("CHORUS_DEPOT_LOGIN"),
            password: var("CHORUS_DEPOT_PASSWORD"),
        }
    }

    pub fn none() -> Overrides {
        Overrides {
            api_url: None,
            token_url: None,
            client_id: None,
            client_secret: None,
            login: None,
            password: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("{0}")]
    Secret(#[from] SecretError),
    #[error("connexion à Chorus Pro incomplète : {0} (Paramétrage, « Comptes Chorus PRO »)")]
    Missing(String),
}

/// The connection of `company_code`: settings, then secrets, then environment variables.
/// `sandbox_urls` gives the embedded sandbox's (token URL, API base) when it runs.
pub fn resolve(
    settings: &ConnectionSettings,
    secrets: &SecretStore,
    company_code: &str,
    sandbox_urls: Option<(String, String)>,
    overrides: &Overrides,
) -> Result<ResolvedConnection, ConnectionError> {
    let env = settings.environment;
    let (token_url, api_base) = match (env.piste_urls(), sandbox_urls) {
        (Some((t, a)), _) => (t.to_string(), a.to_string()),
        (None, Some((t, a))) => (t, a),
        (None, None) => (String::new(), String::new()),
    };
    let token_url = overrides.token_url.clone().unwrap_or(token_url);
    let api_base = overrides.api_url.clone().unwrap_or(api_base);
    if token_url.is_empty() || api_base.is_empty() {
        return Err(ConnectionError::Missing(
            "adresse de l'API inconnue (bac à sable non démarré ?)".into(),
        ));
    }
    let client_id = overrides
        .client_id
        .clone()
        .unwrap_or_else(|| settings.client_id.clone());
    let client_secret = match &overrides.client_secret {
        Some(s) => Secret::new(s.clone()),
        None => secrets.get(&client_secret_key(env))?.unwrap_or_default(),
    };
    let login = overrides
        .login
        .clone()
        .or_else(|| settings.account(company_code).map(|a| a.login.clone()))
        .unwrap_or_default();
    let password = match &overrides.password {
        Some(p) => Secret::new(p.clone()),
        None if login.is_empty() => Secret::default(),
        None => secrets.get(&password_key(env, &login))?.unwrap_or_default(),
    };
    for (missing, what) in [
        (client_id.is_empty(), "identifiant client PISTE absent"),
        (client_secret.is_empty(), "secret client PISTE absent"),
        (login.is_empty(), "compte technique de la société absent"),
        (
            password.is_empty(),
            "mot de passe du compte technique absent",
        ),
    ] {
        if missing {
            return Err(ConnectionError::Missing(format!("{what} ({company_code})")));
        }
    }
    Ok(ResolvedConnection {
        token_url,
        api_base,
        client_id,
        client_secret,
        login,
        password,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_saved_before_the_sync_setting_still_load() {
        let old = r#"{"environment":"Qualification","client_id":"x","accounts":[],
            "deposit":{"format":"ubl","wait_ms":0,"max_bytes":1,"max_invoices":2,
            "uncertain_after_secs":null}}"#;
        let settings: ConnectionSettings = serde_json::from_str(old).unwrap();
        assert_eq!(settings.sync_every_minutes, 15);
        assert_eq!(settings.deposit.format, "ubl");
        assert_eq!(ConnectionSettings::default().sync_every_minutes, 15);
    }

    #[test]
    fn settings_round_trip_without_secrets_in_the_database() {
        let store = crate::store::Store::open_in_memory().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let secrets = SecretStore::file(dir.path().join("s.json"));
        let mut settings = ConnectionSettings {
            environment: EnvironmentChoice::Qualification,
            client_id: "app-id".into(),
            ..ConnectionSettings::default()
        };
        settings.accounts.push(CompanyAccount {
            company_code: "SIEGE".into(),
            login: "TECH_1_X@cpro.fr".into(),
            structure_id: None,
            password_expires_on: None,
        });
        settings.save(store.db()).unwrap();
        secrets
            .set(
                &client_secret_key(settings.environment),
                &Secret::new("very-secret"),
            )
            .unwrap();
        secrets
            .set(
                &password_key(settings.environment, "TECH_1_X@cpro.fr"),
                &Secret::new("pw"),
            )
            .unwrap();
        let loaded = ConnectionSettings::load(store.db()).unwrap();
        assert_eq!(loaded, settings);
        let json = settings::get(store.db(), SETTINGS_KEY).unwrap().unwrap();
        assert!(!json.contains("very-secret") && !json.contains("\"pw\""));
        let c = resolve(&loaded, &secrets, "SIEGE", None, &Overrides::none()).unwrap();
        assert_eq!(c.api_base, "https://sandbox-api.piste.gouv.fr");
        assert_eq!(c.client_secret.expose(), "very-secret");
        assert!(!format!("{c:?}").contains("very-secret"));
        let err = resolve(&loaded, &secrets, "AGENCE", None, &Overrides::none()).unwrap_err();
        assert!(
            err.to_string()
                .contains("compte technique de la société absent (AGENCE)")
        );
    }

    #[test]
    fn environment_variables_override_the_settings() {
        let dir = tempfile::tempdir().unwrap();
        let secrets = SecretStore::file(dir.path().join("s.json"));
        let overrides = Overrides {
            api_url: Some("http://127.0.0.1:9".into()),
            token_url: Some("http://127.0.0.1:9/api/oauth/token".into()),
            client_id: Some("id".into()),
            client_secret: Some("secret".into()),
            login: Some("login".into()),
            password: Some("password".into()),
        };
        let c = resolve(
            &ConnectionSettings::default(),
            &secrets,
            "X",
            None,
            &overrides,
        )
        .unwrap();
        assert_eq!(c.api_base, "http://127.0.0.1:9");
        assert_eq!(c.login, "login");
    }
}
