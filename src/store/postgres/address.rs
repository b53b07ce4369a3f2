//! The address of a team base, `postgresql://user@host:port/dbname`, and where its password
//! comes from. The password is never part of the address: an address is shown, logged,
//! remembered and put in shortcuts; a password in it would go wherever it goes. It comes
//! from `PGPASSWORD` or the pgpass file (`PGPASSFILE`, else `~/.pgpass`), as for every
//! PostgreSQL tool, so an administrator sets it up once per PC.

use super::error::PgStoreError;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;

/// A parsed address, its password (if any) found.
#[derive(Clone)]
pub struct TeamAddress {
    config: ::postgres::Config,
    shown: String,
    /// The certificate authority that signed the server's certificate, when it is not one
    /// the system trusts (an office server's own CA): `PGSSLROOTCERT`, else
    /// `~/.postgresql/root.crt` when it exists, as libpq.
    root_certificate: Option<PathBuf>,
}

impl std::fmt::Debug for TeamAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the password.
        f.debug_struct("TeamAddress")
            .field("address", &self.shown)
            .finish()
    }
}

/// Where this PC keeps the files of a team base (the fluxes it sent): the user's data
/// folder, one subfolder per server and base; `CHORUS_DEPOT_TEAM_FILES` overrides it.
pub fn local_folder(address: &str) -> PathBuf {
    let root = std::env::var_os("CHORUS_DEPOT_TEAM_FILES")
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("fr", "ChorusDepot", "chorus-depot")
                .map(|d| d.data_dir().join("equipe"))
        })
        .unwrap_or_else(|| PathBuf::from("chorus-depot-equipe"));
    let name: String = address
        .trim()
        .trim_start_matches("postgresql://")
        .trim_start_matches("postgres://")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    root.join(name)
}

/// Whether `text` names a team base rather than a SQLite file.
pub fn is_team_address(text: &str) -> bool {
    let lower = text.trim_start().to_ascii_lowercase();
    lower.starts_with("postgresql://") || lower.starts_with("postgres://")
}

impl TeamAddress {
    /// Parses `url`; the password comes from `PGPASSWORD` or the pgpass file.
    pub fn parse(url: &str) -> Result<TeamAddress, PgStoreError> {
        let pgpass = pgpass_file();
        let mut address = TeamAddress::parse_with(
            url,
            std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()),
            pgpass.as_deref(),
        )?;
        address.root_certificate = root_certificate_file();
        Ok(address)
    }

    /// Trusts the authority in `pem` (one or more PEM certificates) for the server's
    /// certificate, besides the system's.
    pub fn with_root_certificate(mut self, pem: &Path) -> TeamAddress {
        self.root_certificate = Some(pem.to_path_buf());
        self
    }

    /// [`TeamAddress::parse`] with the environment given (for the tests).
    pub fn parse_with(
        url: &str,
        pgpassword: Option<String>,
        pgpass: Option<&Path>,
    ) -> Result<TeamAddress, PgStoreError> {
        let url = url.trim();
        // libpq's verify-ca and verify-full: this client always verifies the server's
        // certificate when it uses TLS, so they mean « require » here (the postgres crate
        // knows only disable, prefer and require).
        let url = url
            .replace("sslmode=verify-full", "sslmode=require")
            .replace("sslmode=verify-ca", "sslmode=require");
        let url = url.as_str();
        if !is_team_address(url) {
            return Err(PgStoreError::Refused(format!(
                "« {url} » n'est pas l'adresse d'une base d'équipe (postgresql://utilisateur@serveur:port/base)"
            )));
        }
        let mut config = ::postgres::Config::from_str(url).map_err(|e| {
            PgStoreError::Refused(format!("adresse de base d'équipe illisible : {e}"))
        })?;
        if config.get_password().is_some() {
            return Err(PgStoreError::Refused(
                "l'adresse de la base d'équipe contient un mot de passe : retirez-le (il serait \
                 affiché et enregistré avec l'adresse) et donnez-le par PGPASSWORD ou le \
                 fichier ~/.pgpass"
                    .into(),
            ));
        }
        let Some(user) = config.get_user().map(str::to_string) else {
            return Err(PgStoreError::Refused(
                "l'adresse de la base d'équipe ne dit pas qui se connecte : \
                 postgresql://utilisateur@serveur/base"
                    .into(),
            ));
        };
        let host = match config.get_hosts().first() {
            Some(::postgres::config::Host::Tcp(host)) => host.clone(),
            #[cfg(unix)]
            Some(::postgres::config::Host::Unix(path)) => path.display().to_string(),
            None => {
                return Err(PgStoreError::Refused(
                    "l'adresse de la base d'équipe ne nomme pas de serveur".into(),
                ));
            }
        };
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let dbname = config.get_dbname().unwrap_or(&user).to_string();
        let password = pgpassword.or_else(|| {
            pgpass.and_then(|file| password_from_pgpass(file, &host, port, &dbname, &user))
        });
        if let Some(password) = password {
            config.password(password);
        }
        Ok(TeamAddress {
            shown: format!("postgresql://{user}@{host}:{port}/{dbname}"),
            config,
            root_certificate: None,
        })
    }

    /// The address as shown to the user: no password, ever.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    pub fn user(&self) -> &str {
        self.config.get_user().unwrap_or_default()
    }

    /// Connects, in TLS when the server offers it (`sslmode=prefer`, the default) or always
    /// (`sslmode=require`), never with `sslmode=disable`. Unlike libpq's prefer and require,
    /// the server's certificate is always verified (the system's authorities, or the root
    /// certificate given): a password and invoices do not go to whoever answers.
    pub fn connect(&self) -> Result<::postgres::Client, PgStoreError> {
        if self.config.get_ssl_mode() == ::postgres::config::SslMode::Disable {
            return self
                .config
                .connect(::postgres::NoTls)
                .map_err(PgStoreError::Connect);
        }
        let tls = tls_connector(self.root_certificate.as_deref())?;
        self.config.connect(tls).map_err(PgStoreError::Connect)
    }
}

/// The rustls client: the given authority if any, else the system's verifier.
fn tls_connector(
    root_certificate: Option<&Path>,
) -> Result<tokio_postgres_rustls::MakeRustlsConnect, PgStoreError> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject as _;
    let provider = std::sync::Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| PgStoreError::Refused(format!("TLS indisponible : {e}")))?;
    let config = match root_certificate {
        Some(file) => {
            let unreadable = |why: String| {
                PgStoreError::Refused(format!(
                    "certificat d'autorité de la base d'équipe illisible ({}) : {why}",
                    file.display()
                ))
            };
            let mut roots = rustls::RootCertStore::empty();
            let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(file)
                .map_err(|e| unreadable(e.to_string()))?
                .collect::<Result<_, _>>()
                .map_err(|e| unreadable(e.to_string()))?;
            if certificates.is_empty() {
                return Err(unreadable("aucun certificat PEM".into()));
            }
            for certificate in certificates {
                roots
                    .add(certificate)
                    .map_err(|e| unreadable(e.to_string()))?;
            }
            builder.with_root_certificates(roots).with_no_client_auth()
        }
        None => {
            use rustls_platform_verifier::BuilderVerifierExt as _;
            builder
                .with_platform_verifier()
                .map_err(|e| PgStoreError::Refused(format!("TLS indisponible : {e}")))?
                .with_no_client_auth()
        }
    };
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// `PGSSLROOTCERT`, else `~/.postgresql/root.crt` when it exists.
fn root_certificate_file() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("PGSSLROOTCERT") {
        return Some(PathBuf::from(file));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("APPDATA"))?;
    let file = PathBuf::from(home).join(".postgresql").join("root.crt");
    file.is_file().then_some(file)
}

/// `PGPASSFILE`, else `~/.pgpass` when it exists.
fn pgpass_file() -> Option<PathBuf> {
    if let Some(file) = std::env::var_os("PGPASSFILE") {
        return Some(PathBuf::from(file));
    }
    let home = std::env::var_os("HOME").or_else(|| std::env::var_os("USERPROFILE"))?;
    Some(PathBuf::from(home).join(".pgpass"))
}

/// The password of the first matching line of a pgpass file
/// (`hôte:port:base:utilisateur:mot de passe`, `*` matching anything, `\` escaping `:`
/// and `\`), as libpq reads it. A file others can read is ignored, as libpq does.
fn password_from_pgpass(
    file: &Path,
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
) -> Option<String> {
    if !file.is_file() {
        return None;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(file).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            tracing::warn!(
                "{} est lisible par d'autres utilisateurs : ignoré (chmod 600)",
                file.display()
            );
            return None;
        }
    }
    let text = std::fs::read_to_string(file).ok()?;
    let port = port.to_string();
    text.lines()
        .filter(|line| !line.trim_start().starts_with('#') && !line.trim().is_empty())
        .find_map(|line| {
            let fields = split_pgpass_line(line);
            let [h, p, d, u, password] = <[String; 5]>::try_from(fields).ok()?;
            let matches = |pattern: &str, value: &str| pattern == "*" || pattern == value;
            (matches(&h, host) && matches(&p, &port) && matches(&d, dbname) && matches(&u, user))
                .then_some(password)
        })
}

fn split_pgpass_line(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    fields.last_mut().unwrap_or(&mut String::new()).push(next);
                }
            }
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => {
                if let Some(field) = fields.last_mut() {
                    field.push(c);
                }
            }
        }
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pgpass(lines: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("pgpass");
        std::fs::write(&file, lines).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        (dir, file)
    }

    #[test]
    fn a_password_in_the_address_is_refused_and_never_shown() {
        let error = TeamAddress::parse_with(
            "postgresql://alice:secret@db.example:5432/compta",
            None,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("contient un mot de passe"), "{error}");
        assert!(!error.contains("secret"), "{error}");
    }

    #[test]
    fn the_address_names_who_and_where() {
        for bad in [
            "/home/alice/base.sqlite",
            "postgresql://db.example/compta",
            "postgresql://alice@db.example:port/compta",
        ] {
            assert!(TeamAddress::parse_with(bad, None, None).is_err(), "{bad}");
        }
        let ok =
            TeamAddress::parse_with("postgresql://alice@db.example/compta", None, None).unwrap();
        assert_eq!(ok.shown(), "postgresql://alice@db.example:5432/compta");
        assert_eq!(ok.user(), "alice");
    }

    #[test]
    fn the_password_comes_from_pgpassword_then_the_pgpass_file() {
        let (_dir, file) = pgpass(
            "# comptabilité\n\
             other.example:*:*:alice:not-this-one\n\
             db.example:5432:compta:alice:pa\\:ss\\\\word\n\
             *:*:*:*:fallback\n",
        );
        let from_file =
            TeamAddress::parse_with("postgresql://alice@db.example/compta", None, Some(&file))
                .unwrap();
        assert_eq!(
            from_file.config.get_password(),
            Some("pa:ss\\word".as_bytes())
        );
        let wildcard =
            TeamAddress::parse_with("postgresql://bob@db.example:6543/x", None, Some(&file))
                .unwrap();
        assert_eq!(wildcard.config.get_password(), Some("fallback".as_bytes()));
        let env = TeamAddress::parse_with(
            "postgresql://alice@db.example/compta",
            Some("from-env".into()),
            Some(&file),
        )
        .unwrap();
        assert_eq!(env.config.get_password(), Some("from-env".as_bytes()));
        assert!(!format!("{env:?}").contains("from-env"));
    }

    #[cfg(unix)]
    #[test]
    fn a_pgpass_file_others_can_read_is_ignored() {
        use std::os::unix::fs::PermissionsExt as _;
        let (_dir, file) = pgpass("*:*:*:*:secret\n");
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let address =
            TeamAddress::parse_with("postgresql://alice@db.example/compta", None, Some(&file))
                .unwrap();
        assert_eq!(address.config.get_password(), None);
    }
}
