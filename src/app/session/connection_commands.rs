//! The session's commands of « Comptes Chorus PRO »: open and save the connection
//! settings (secrets to the secret store), « Tester la connexion », and the refresh of one
//! structure of the N° SIRET lookup through the API.

use super::{JobOutput, Reply, Session};
use crate::app::connection::{self, ConnectionSettings};
use crate::app::connection_form::{ConnectionChanges, ConnectionView};
use crate::app::connection_test::test_connection;
use crate::app::deposit_wiring::secrets_file;
use crate::app::jobs::JobKind;
use crate::app::secrets::SecretStore;
use crate::progress::Progress;
use crate::store::Store;
use std::path::Path;

impl Session {
    /// Loads what the « Comptes Chorus PRO » tab shows (into `connection_view`).
    pub fn load_connection_view(&mut self) {
        let db = self.db_path.clone();
        self.query(move |store| Reply::ConnectionView(Box::new(connection_view(store, &db))));
    }

    /// Saves the connection settings, and the secrets typed to the secret store.
    pub fn save_connection(&mut self, changes: ConnectionChanges) {
        let db = self.db_path.clone();
        self.start_job(JobKind::SaveSettings, move |_| {
            save(&db, &changes)
                .map(|()| JobOutput::ConnectionSaved)
                .map_err(|e| format!("la connexion n'a pas été enregistrée : {e}"))
        });
    }

    /// « Tester la connexion », company by company, after saving `changes` if any; what
    /// it learns of each account (its structure, its password expiry) is kept in the
    /// settings.
    pub fn test_connection(&mut self, changes: Option<ConnectionChanges>) {
        let Some(connector) = self.connector.clone() else {
            self.notice(true, "Connexion à Chorus Pro non configurée");
            return;
        };
        self.connection_check = None;
        let db = self.db_path.clone();
        self.start_job(JobKind::ConnectionTest, move |progress| {
            if let Some(changes) = &changes {
                save(&db, changes)
                    .map_err(|e| format!("la connexion n'a pas été enregistrée : {e}"))?;
            }
            progress.update(0.1, "Test de la connexion à Chorus Pro…");
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            let companies =
                crate::store::erp::load_companies(store.db()).map_err(|e| e.to_string())?;
            let today = crate::clock::today();
            let check = test_connection(&connector, &db, &companies, today);
            let mut settings = ConnectionSettings::load(store.db()).map_err(|e| e.to_string())?;
            settings.remember(&check.findings);
            settings.save(store.db()).map_err(|e| e.to_string())?;
            Ok(JobOutput::ConnectionChecked(Box::new(check)))
        });
    }

    /// « Actualiser depuis Chorus Pro » of the N° SIRET lookup.
    pub fn refresh_structure_from_chorus(&mut self, siret: String, only_active_services: bool) {
        let Some(connector) = self.connector.clone() else {
            self.notice(true, "Connexion à Chorus Pro non configurée");
            return;
        };
        let db = self.db_path.clone();
        self.start_job(JobKind::StructureRefresh, move |progress| {
            progress.update(0.1, "Lecture de la structure sur Chorus Pro…");
            let (client, _) = connector.client(&db)?;
            let mut store = Store::open(&db).map_err(|e| e.to_string())?;
            let refreshed =
                crate::app::structure_refresh::refresh_structure(&client, &mut store, &siret)?;
            Ok(JobOutput::StructureRefreshed {
                siret,
                only_active_services,
                message: refreshed.message(),
            })
        });
    }
}

fn connection_view(store: &Store, db: &Path) -> Result<ConnectionView, String> {
    let settings = ConnectionSettings::load(store.db()).map_err(|e| e.to_string())?;
    let secrets = SecretStore::open(secrets_file(db));
    let env = settings.environment;
    let stored = |key: &str| secrets.get(key).map(|v| v.is_some_and(|s| !s.is_empty()));
    let client_secret_stored =
        stored(&connection::client_secret_key(env)).map_err(|e| e.to_string())?;
    let mut passwords_stored = Vec::new();
    for account in &settings.accounts {
        if !account.login.is_empty()
            && stored(&connection::password_key(env, &account.login)).map_err(|e| e.to_string())?
        {
            passwords_stored.push(account.login.clone());
        }
    }
    Ok(ConnectionView {
        client_secret_stored,
        passwords_stored,
        storage_notice: secrets.notice(),
        settings,
    })
}

/// Secrets first: settings naming a login whose password was not stored would be worse
/// than a password stored for settings not saved.
fn save(db: &Path, changes: &ConnectionChanges) -> Result<(), String> {
    let secrets = SecretStore::open(secrets_file(db));
    let env = changes.settings.environment;
    if let Some(secret) = &changes.client_secret {
        secrets
            .set(&connection::client_secret_key(env), secret)
            .map_err(|e| e.to_string())?;
    }
    for (login, password) in &changes.passwords {
        secrets
            .set(&connection::password_key(env, login), password)
            .map_err(|e| e.to_string())?;
    }
    let store = Store::open(db).map_err(|e| e.to_string())?;
    changes.settings.save(store.db()).map_err(|e| e.to_string())
}
