//! Where the PISTE client secret and the technical accounts' passwords are kept: the
//! operating system's credential store (the `keyring` crate), or, where no such service
//! runs, a file only the user can read, with a notice the window shows. Never the SQLite
//! file, a log or a `Debug` output.

use std::collections::BTreeMap;
use std::path::PathBuf;

const SERVICE: &str = "chorus-depot";

pub use crate::chorus::Secret;

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error("trousseau du système : {0}")]
    Keyring(String),
    #[error("fichier des secrets {path} : {message}")]
    File { path: PathBuf, message: String },
}

enum Backend {
    Keyring,
    File(PathBuf),
}

pub struct SecretStore {
    backend: Backend,
}

impl SecretStore {
    /// The OS credential store when one answers, else `fallback_file`.
    pub fn open(fallback_file: PathBuf) -> SecretStore {
        if std::env::var_os("CHORUS_DEPOT_NO_KEYRING").is_none() && keyring_works() {
            SecretStore {
                backend: Backend::Keyring,
            }
        } else {
            SecretStore::file(fallback_file)
        }
    }

    /// Always the file (tests, and machines without a credential service).
    pub fn file(path: PathBuf) -> SecretStore {
        SecretStore {
            backend: Backend::File(path),
        }
    }

    /// Said in the window when the secrets are not in the OS credential store.
    pub fn notice(&self) -> Option<String> {
        match &self.backend {
            Backend::Keyring => None,
            Backend::File(path) => Some(format!(
                "Aucun trousseau système disponible : les mots de passe sont gardés dans {}, \
                 lisible par vous seul",
                path.display()
            )),
        }
    }

    pub fn get(&self, key: &str) -> Result<Option<Secret>, SecretError> {
        match &self.backend {
            Backend::Keyring => {
                match keyring::Entry::new(SERVICE, key).and_then(|e| e.get_password()) {
                    Ok(v) => Ok(Some(Secret::new(v))),
                    Err(keyring::Error::NoEntry) => Ok(None),
                    Err(e) => Err(SecretError::Keyring(e.to_string())),
                }
            }
            Backend::File(path) => Ok(read_file(path)?.remove(key).map(Secret::new)),
        }
    }

    pub fn set(&self, key: &str, value: &Secret) -> Result<(), SecretError> {
        match &self.backend {
            Backend::Keyring => keyring::Entry::new(SERVICE, key)
                .and_then(|e| e.set_password(value.expose()))
                .map_err(|e| SecretError::Keyring(e.to_string())),
            Backend::File(path) => {
                let mut all = read_file(path)?;
                all.insert(key.to_string(), value.expose().to_string());
                write_file(path, &all)
            }
        }
    }
}

fn keyring_works() -> bool {
    match keyring::Entry::new(SERVICE, "probe").and_then(|e| e.get_password()) {
        Ok(_) | Err(keyring::Error::NoEntry) => true,
        Err(_) => false,
    }
}

fn read_file(path: &PathBuf) -> Result<BTreeMap<String, String>, SecretError> {
    let file_error = |message: String| SecretError::File {
        path: path.clone(),
        message,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| file_error(format!("illisible ({e})"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(file_error(e.to_string())),
    }
}

fn write_file(path: &PathBuf, all: &BTreeMap<String, String>) -> Result<(), SecretError> {
    use std::io::Write;
    let file_error = |message: String| SecretError::File {
        path: path.clone(),
        message,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| file_error(e.to_string()))?;
    }
    let text = serde_json::to_string_pretty(all).map_err(|e| file_error(e.to_string()))?;
    let tmp = path.with_extension("tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Readable and writable by the user only, from its creation.
        options.mode(0o600);
    }
    let mut file = options.open(&tmp).map_err(|e| file_error(e.to_string()))?;
    file.write_all(text.as_bytes())
        .and_then(|_| file.sync_all())
        .map_err(|e| file_error(e.to_string()))?;
    std::fs::rename(&tmp, path).map_err(|e| file_error(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_store_keeps_secrets_readable_by_the_user_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let store = SecretStore::file(path.clone());
        assert!(store.notice().unwrap().contains("lisible par vous seul"));
        assert_eq!(store.get("piste").unwrap(), None);
        store.set("piste", &Secret::new("s3cret")).unwrap();
        store
            .set("tech:SIEGE", &Secret::new("mot de passe"))
            .unwrap();
        assert_eq!(store.get("piste").unwrap().unwrap().expose(), "s3cret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_secret_never_shows_in_debug() {
        let s = Secret::new("s3cret");
        assert_eq!(format!("{s:?}"), "***");
        assert!(!format!("{:?}", Some(s)).contains("s3cret"));
    }
}
