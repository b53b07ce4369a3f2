//! `chorus-depot team …`: the team base's schema, rights and users (issue 11). The rules
//! live in the base (`store::postgres::team`); these commands connect, ask what is
//! missing and say what was done, in French.

use crate::store::postgres::address::TeamAddress;
use crate::store::postgres::team::{self, TeamRole};
use anyhow::{Context as _, Result};
use clap::Subcommand;
use std::io::{BufRead as _, IsTerminal as _};

#[derive(Subcommand, Debug)]
pub enum TeamCommand {
    /// Crée la base d'équipe (schéma, droits des rôles, journal des modifications) et son
    /// premier administrateur. À lancer par le propriétaire de la base (droit CREATEROLE).
    Init {
        /// Adresse de la base : postgresql://propriétaire@serveur:port/base (mot de passe
        /// par PGPASSWORD ou ~/.pgpass, jamais dans l'adresse).
        #[arg(long, env = "CHORUS_DEPOT_DB")]
        db: String,
        /// Nom du premier administrateur (minuscules, chiffres, « . », « - », « _ »).
        #[arg(long)]
        admin: String,
    },
    /// Met à jour le schéma et les droits après une mise à jour de l'application
    /// (propriétaire de la base).
    Upgrade {
        /// Adresse de la base : postgresql://propriétaire@serveur:port/base.
        #[arg(long, env = "CHORUS_DEPOT_DB")]
        db: String,
    },
    /// Importe une base individuelle (fichier SQLite) dans une base d'équipe neuve, en une
    /// seule transaction (propriétaire de la base).
    Import {
        /// La base individuelle à importer.
        #[arg(long)]
        from: std::path::PathBuf,
        /// Adresse de la base d'équipe : postgresql://propriétaire@serveur:port/base.
        #[arg(long, env = "CHORUS_DEPOT_DB")]
        db: String,
    },
    /// Ajoute un utilisateur à la base d'équipe (administrateur). Le mot de passe est
    /// demandé sans écho, ou lu sur l'entrée standard.
    AddUser {
        /// Adresse de la base, au nom d'un administrateur :
        /// postgresql://administrateur@serveur:port/base.
        #[arg(long, env = "CHORUS_DEPOT_DB")]
        db: String,
        /// Nom de l'utilisateur.
        name: String,
        /// Rôle de l'utilisateur (répétable pour en donner plusieurs).
        #[arg(long = "role", required = true, value_parser = ["commis", "gestionnaire", "administrateur"])]
        roles: Vec<String>,
    },
    /// Liste les utilisateurs de la base d'équipe et leurs rôles.
    Users {
        /// Adresse de la base : postgresql://utilisateur@serveur:port/base.
        #[arg(long, env = "CHORUS_DEPOT_DB")]
        db: String,
    },
}

pub fn run(command: TeamCommand) -> Result<()> {
    match command {
        TeamCommand::Init { db, admin } => {
            let address = TeamAddress::parse(&db)?;
            let mut client = address.connect()?;
            let prepared = team::prepare(&mut client)?;
            let password = new_password(&admin)?;
            team::add_user(&mut client, &admin, &password, &[TeamRole::Administrateur])
                .with_context(|| format!("création de l'administrateur « {admin} »"))?;
            println!("Base d'équipe prête : {}", address.shown());
            println!("{}", schema_line(&prepared));
            println!(
                "Administrateur « {admin} » créé. Il ajoute les autres utilisateurs avec \
                 « chorus-depot team add-user »."
            );
        }
        TeamCommand::Upgrade { db } => {
            let address = TeamAddress::parse(&db)?;
            let mut client = address.connect()?;
            let prepared = team::prepare(&mut client)?;
            println!("{} : {}", address.shown(), schema_line(&prepared));
        }
        TeamCommand::Import { from, db } => {
            anyhow::ensure!(
                from.is_file(),
                "base individuelle introuvable : {}",
                from.display()
            );
            let address = TeamAddress::parse(&db)?;
            let store = crate::store::Store::open(&from)?;
            let mut client = address.connect()?;
            team::prepare(&mut client)?;
            let imported =
                crate::store::postgres::import::import_sqlite(store.conn(), &mut client)?;
            println!(
                "{} importée dans {} : {}",
                from.display(),
                address.shown(),
                crate::model::counted(imported.rows() as usize, "ligne", "lignes")
            );
            for (table, rows) in imported.tables.iter().filter(|(_, n)| *n > 0) {
                println!("  {table}\t{}", crate::model::format_count(*rows as usize));
            }
        }
        TeamCommand::AddUser { db, name, roles } => {
            let address = TeamAddress::parse(&db)?;
            let roles: Vec<TeamRole> = roles.iter().filter_map(|r| TeamRole::parse(r)).collect();
            let mut client = address.connect()?;
            let password = new_password(&name)?;
            team::add_user(&mut client, &name, &password, &roles)?;
            let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
            println!("Utilisateur « {name} » ajouté : {}", names.join(", "));
        }
        TeamCommand::Users { db } => {
            let address = TeamAddress::parse(&db)?;
            let mut client = address.connect()?;
            for (user, roles) in team::users(&mut client)? {
                let names: Vec<&str> = roles.iter().map(|r| r.name()).collect();
                println!("{user}\t{}", names.join(", "));
            }
        }
    }
    Ok(())
}

fn schema_line(prepared: &team::Prepared) -> String {
    let applied = prepared.common.applied.len() + prepared.team.applied.len();
    if applied == 0 {
        "schéma déjà à jour, droits appliqués de nouveau".into()
    } else {
        format!(
            "{} au schéma, droits des rôles appliqués",
            crate::model::counted(applied, "migration appliquée", "migrations appliquées")
        )
    }
}

/// The new user's password: typed twice without echo at a terminal, else the first line
/// of the standard input (a script, an installer).
fn new_password(user: &str) -> Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password(format!(
            "Mot de passe de « {user} » (12 caractères au moins) : "
        ))?;
        let again = rpassword::prompt_password("Le même, une seconde fois : ")?;
        anyhow::ensure!(
            first == again,
            "les deux mots de passe diffèrent : rien n'a été créé"
        );
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = line.trim_end_matches(['\r', '\n']).to_string();
        anyhow::ensure!(
            !password.is_empty(),
            "aucun mot de passe sur l'entrée standard : rien n'a été créé"
        );
        Ok(password)
    }
}
