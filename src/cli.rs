//! The command line: every subcommand calls the same functions as the window.

use crate::app::{self, paths};
use crate::progress::Silent;
use crate::store::Store;
use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "chorus-depot",
    version,
    about = "Contrôle, dépôt et suivi des factures aux acheteurs publics sur Chorus Pro",
    long_about = "Sans sous-commande, ouvre la fenêtre sur la base donnée par --db, ou sur la \
                  base de l'utilisateur (créée avec des données de démonstration au premier lancement)."
)]
pub struct Cli {
    /// Base SQLite à ouvrir dans la fenêtre.
    #[arg(long, global = false)]
    pub db: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Écrit une base de démonstration réaliste (factures, PDF, annuaire).
    Demo {
        #[arg(long)]
        db: PathBuf,
        /// Nombre de factures.
        #[arg(long, default_value_t = 2000)]
        invoices: usize,
        /// Graine : même graine, mêmes données.
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
    /// Importe les fichiers CSV de l'ERP d'un dossier (societes.csv, clients.csv…).
    ImportErp {
        #[arg(long)]
        db: PathBuf,
        /// Dossier contenant les fichiers CSV.
        dir: PathBuf,
    },
    /// Importe l'annuaire Chorus Pro (CSV ou XLSX : structures et services).
    ImportDirectory {
        #[arg(long)]
        db: PathBuf,
        /// Fichiers de l'export officiel.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Remplace l'annuaire en cache même si l'import retire plus de 20 % des structures
        /// (sans cette option, un tel import est refusé et rien ne change).
        #[arg(long)]
        accept_shrink: bool,
    },
    /// Vérifie les factures des clients publics et affiche les anomalies.
    Check {
        #[arg(long)]
        db: PathBuf,
        /// Rapport JSON : {"factures":[{"numero","conforme","anomalies":[{"code","message"}]}]}.
        #[arg(long)]
        json: bool,
    },
    /// Cherche un SIRET dans l'annuaire en cache et affiche la structure et ses services.
    Siret {
        #[arg(long)]
        db: PathBuf,
        siret: String,
        /// N'afficher que les services actifs.
        #[arg(long)]
        actifs: bool,
    },
    /// Écrit la facture électronique d'une facture (UBL, CII ou Factur-X).
    Export {
        #[arg(long)]
        db: PathBuf,
        /// Numéro de la facture.
        #[arg(long)]
        invoice: String,
        /// Format : ubl, cii ou facturx.
        #[arg(long, value_parser = ["ubl", "cii", "facturx"])]
        format: String,
        /// Fichier à écrire.
        #[arg(long)]
        out: PathBuf,
    },
    /// Dépose sur Chorus Pro des factures conformes, par lot ou une par une ; jamais deux
    /// fois la même. Code de sortie non nul si une facture n'a pas pu être déposée.
    Deposit {
        #[arg(long)]
        db: PathBuf,
        /// lot ou sequential.
        #[arg(long, value_parser = ["lot", "sequential"])]
        mode: String,
        /// Format : ubl, cii ou facturx (par défaut : celui du paramétrage).
        #[arg(long, value_parser = ["ubl", "cii", "facturx"])]
        format: Option<String>,
        /// Attente entre deux appels, en millisecondes (séquentiel).
        #[arg(long)]
        wait_ms: Option<u64>,
        /// Passer à la facture suivante en cas d'erreur (séquentiel).
        #[arg(long)]
        skip_on_error: bool,
        /// Nom du flux (lot).
        #[arg(long)]
        name: Option<String>,
        /// Délai, en secondes, après lequel un dépôt sans réponse introuvable sur Chorus
        /// Pro est tenu pour jamais arrivé.
        #[arg(long)]
        uncertain_after: Option<u64>,
        /// Numéros des factures, séparés par des virgules.
        #[arg(long, value_delimiter = ',', conflicts_with = "all_conformant")]
        invoices: Vec<String>,
        /// Toutes les factures conformes.
        #[arg(long)]
        all_conformant: bool,
    },
    /// Synchronise avec Chorus Pro : comptes rendus des flux, identifiants et statuts des
    /// factures déposées, historique. Code de sortie non nul si une partie n'a pu être lue.
    Sync {
        #[arg(long)]
        db: PathBuf,
    },
    /// Affiche le statut Chorus Pro de chaque facture déposée (tel que vu à la dernière
    /// synchronisation).
    Status {
        #[arg(long)]
        db: PathBuf,
        /// JSON : {"factures":[{"numero","identifiant_cpp","statut","date_statut","numero_flux"}]}.
        #[arg(long)]
        json: bool,
    },
    /// Base d'équipe PostgreSQL : création, mise à jour, utilisateurs et rôles.
    #[command(subcommand)]
    Team(crate::app::team_cli::TeamCommand),
    /// Démarre le bac à sable Chorus Pro (émulateur PISTE et API) sur 127.0.0.1 ;
    /// affiche d'abord « listening on http://127.0.0.1:PORT ».
    Sandbox(crate::sandbox::cli::SandboxArgs),
    /// Écrit en PDF la lettre de relance d'une facture payée en retard (intérêts moratoires
    /// et indemnité forfaitaire), adressée à l'acheteur public.
    Relance {
        #[arg(long)]
        db: PathBuf,
        /// Numéro de la facture.
        #[arg(long)]
        invoice: String,
        /// Fichier PDF à écrire.
        #[arg(long)]
        out: PathBuf,
        /// Date de la lettre (AAAA-MM-JJ), par défaut aujourd'hui.
        #[arg(long)]
        date: Option<String>,
    },
}

pub fn main() -> ExitCode {
    let cli = match parse_french(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    init_logging();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Erreur : {}", error_text(&e));
            ExitCode::FAILURE
        }
    }
}

/// Parses the command line with French help and errors (`cli_french`). Help and version
/// are printed on stdout (exit 0); an error on stderr (exit 2, as clap does).
fn parse_french(args: impl IntoIterator<Item = std::ffi::OsString>) -> Result<Cli, ExitCode> {
    use clap::{CommandFactory, FromArgMatches};
    let command = crate::cli_french::frenchify(Cli::command());
    let matches = command
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m));
    match matches {
        Ok(cli) => Ok(cli),
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion
            ) =>
        {
            print!("{e}");
            Err(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("{}", crate::cli_french::error_message(&e, "chorus-depot"));
            Err(ExitCode::from(2))
        }
    }
}

/// The error and its causes on one line, each said once: most of our errors already quote
/// their cause (`#[error("{0}")]`), which anyhow's `{:#}` would print a second time
/// (« Erreur : X: X »).
pub fn error_text(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let message = cause.to_string();
        if message.is_empty() || text.contains(&message) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(" : ");
        }
        text.push_str(&message);
    }
    text
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("CHORUS_DEPOT_LOG")
        // The certificate verifier logs its refusals itself; the error the user reads
        // already says them, in French.
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new("warn,rustls_platform_verifier=off")
        });
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

fn open(db: &Path) -> Result<Store> {
    Store::open(db).map_err(anyhow::Error::from)
}

fn run(cli: Cli) -> Result<ExitCode> {
    let Some(command) = cli.command else {
        let db = match cli.db {
            Some(db) => db,
            None => paths::default_database().context("dossier de données introuvable")?,
        };
        crate::ui::run_window(db)?;
        return Ok(ExitCode::SUCCESS);
    };
    match command {
        Command::Demo { db, invoices, seed } => {
            let options = crate::demo::DemoOptions { invoices, seed };
            let summary = crate::demo::write_demo(&db, &options, &Silent)?;
            println!("Base de démonstration écrite : {}", db.display());
            println!("{summary}");
        }
        Command::ImportErp { db, dir } => {
            let mut store = open(&db)?;
            let summary = crate::erp_import::import_erp(&mut store, &dir, &Silent)?;
            print!("{summary}");
        }
        Command::ImportDirectory {
            db,
            files,
            accept_shrink,
        } => {
            let mut store = open(&db)?;
            let options = crate::directory::ImportOptions { accept_shrink };
            let summary =
                match crate::directory::import_directory_with(&mut store, &files, options, &Silent)
                {
                    Ok(summary) => summary,
                    Err(e @ crate::directory::DirectoryImportError::Shrink { .. }) => {
                        anyhow::bail!(
                            "{e}. Pour remplacer quand même l'annuaire en cache, relancez avec \
                             --accept-shrink"
                        )
                    }
                    Err(e) => return Err(e.into()),
                };
            for line in app::status::directory_import_lines(&summary) {
                println!("{line}");
            }
        }
        Command::Check { db, json } => {
            let mut store = open(&db)?;
            let report = app::run_checks(&mut store, &Silent)?;
            if json {
                println!("{}", app::report_json::to_json(&report.checks));
            } else {
                print!("{}", app::report_text::to_text(&report));
            }
        }
        Command::Siret { db, siret, actifs } => {
            // Refused before the database is even opened: nothing is looked up.
            app::lookup::parse_lookup_siret(&siret)?;
            let store = open(&db)?;
            let found = app::lookup::lookup_siret(&store, &siret, actifs)?;
            print!("{}", app::lookup::to_text(&siret, found.as_ref()));
        }
        Command::Export {
            db,
            invoice,
            format,
            out,
        } => export(&db, &invoice, &format, &out)?,
        Command::Sandbox(args) => crate::sandbox::cli::run(args)?,
        Command::Team(command) => app::team_cli::run(command)?,
        Command::Sync { db } => return app::sync_run::run_sync(&db),
        Command::Status { db, json } => return app::sync_run::run_status(&db, json),
        Command::Deposit {
            db,
            mode,
            format,
            wait_ms,
            skip_on_error,
            name,
            uncertain_after,
            invoices,
            all_conformant,
        } => {
            let request = app::deposit_cli::DepositCommand {
                mode,
                format,
                wait_ms,
                skip_on_error,
                name,
                uncertain_after,
                invoices,
                all_conformant,
            };
            return app::deposit_cli::run(&db, request);
        }
        Command::Relance {
            db,
            invoice,
            out,
            date,
        } => println!(
            "{}",
            app::relance_cli::run(&db, &invoice, &out, date.as_deref())?
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn export(db: &Path, invoice: &str, format: &str, out: &Path) -> Result<()> {
    use crate::einvoice::{self, Format};
    let format = Format::from_code(format)
        .with_context(|| format!("format « {format} » inconnu (ubl, cii ou facturx)"))?;
    if !crate::store::base_exists(db) {
        anyhow::bail!("la base {} n'existe pas", db.display());
    }
    let store = open(db)?;
    let document = app::documents::load_document(&store, invoice)?;
    let file = einvoice::render(&document, format, None).with_context(|| {
        format!(
            "facture {invoice} : écriture en {} impossible",
            format.label()
        )
    })?;
    std::fs::write(out, &file.bytes)
        .with_context(|| format!("écriture du fichier {} impossible", out.display()))?;
    println!(
        "Facture {invoice} écrite en {} : {} ({} octets, syntaxeFlux {})",
        format.label(),
        out.display(),
        file.bytes.len(),
        format.syntaxe_flux()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::error_text;

    #[test]
    fn each_cause_is_said_once() {
        let inner = crate::tabular::TabularError::file("factures.csv", "le fichier est vide");
        let wrapped = anyhow::Error::from(crate::erp_import::ErpImportError::File(inner));
        assert_eq!(error_text(&wrapped), "factures.csv : le fichier est vide");
        let with_context = anyhow::Error::from(std::io::Error::other("disque plein"))
            .context("écriture de la facture impossible");
        assert_eq!(
            error_text(&with_context),
            "écriture de la facture impossible : disque plein"
        );
    }
}
