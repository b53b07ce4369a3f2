//! `chorus-depot sandbox`: the options, and serving until the process is stopped.

use super::{FaultKind, SandboxConfig};
use anyhow::{Context, Result};
use clap::Args;
use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// Port d'écoute sur 127.0.0.1 (0 : un port libre).
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Fichier SQLite où le bac à sable garde ses flux et ses factures.
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Fichiers de l'export de l'annuaire (CSV ou XLSX) ; sans eux, un petit annuaire intégré.
    #[arg(long, num_args = 1..)]
    pub directory: Vec<PathBuf>,
    /// Graine : mêmes incidents et même vie des factures pour la même graine.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Probabilité qu'un appel à l'API réponde par un incident (0 à 1).
    #[arg(long, default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Incidents possibles, séparés par des virgules : 500,503,429,timeout,drop (tous par défaut).
    #[arg(long, value_delimiter = ',')]
    pub fault_kinds: Vec<String>,
    /// Durée de l'incident « timeout », en secondes.
    #[arg(long, default_value_t = 35)]
    pub timeout_fault_secs: u64,
    /// Latence ajoutée à chaque réponse, en millisecondes.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Accélération du temps (1000 : une journée en 86 s).
    #[arg(long, default_value_t = 1.0)]
    pub time_scale: f64,
    /// Durée de validité des jetons, en secondes.
    #[arg(long, default_value_t = 3600)]
    pub token_lifetime: u64,
    #[arg(long, default_value = super::DEFAULT_CLIENT_ID)]
    pub client_id: String,
    #[arg(long, default_value = super::DEFAULT_CLIENT_SECRET)]
    pub client_secret: String,
    /// Identifiant du compte technique Chorus Pro.
    #[arg(long, default_value = super::DEFAULT_LOGIN)]
    pub login: String,
    #[arg(long, default_value = super::DEFAULT_PASSWORD)]
    pub password: String,
}

impl SandboxArgs {
    pub fn config(&self) -> Result<SandboxConfig> {
        let mut fault_kinds = Vec::new();
        for name in &self.fault_kinds {
            let kind = FaultKind::parse(name).with_context(|| {
                format!("incident inconnu « {name} » (attendu 500, 503, 429, timeout ou drop)")
            })?;
            fault_kinds.push(kind);
        }
        Ok(SandboxConfig {
            port: self.port,
            db: self.db.clone(),
            directory_files: self.directory.clone(),
            seed: self.seed,
            fault_rate: self.fault_rate,
            fault_kinds,
            timeout_fault_delay: Duration::from_secs(self.timeout_fault_secs),
            latency: Duration::from_millis(self.latency_ms),
            time_scale: self.time_scale,
            client_id: self.client_id.clone(),
            client_secret: self.client_secret.clone(),
            login: self.login.clone(),
            password: self.password.clone(),
            token_lifetime_secs: self.token_lifetime,
            ..SandboxConfig::default()
        })
    }
}

/// Starts the sandbox, prints `listening on http://127.0.0.1:PORT` as the first line, and
/// serves until the process is killed.
pub fn run(args: SandboxArgs) -> Result<()> {
    let handle = super::start(args.config()?)?;
    let mut out = std::io::stdout();
    writeln!(out, "listening on {}", handle.base_url())?;
    writeln!(
        out,
        "jeton : {}/api/oauth/token — API : {}/cpro/... — dépôts reçus : {}/sandbox/deposits",
        handle.base_url(),
        handle.base_url(),
        handle.base_url()
    )?;
    out.flush()?;
    handle.wait();
    Ok(())
}
