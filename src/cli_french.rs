//! The command line speaks French: clap's help headings, flags, defaults, possible values
//! and errors are English, so the command is rewritten before parsing and the errors are
//! said again in French. The clerk's scheduled task and the admin's terminal read the same
//! language as the window.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, Command};

/// The help page of every command: what it does, how to call it, then its commands and options.
const HELP_TEMPLATE: &str = "\
{before-help}{about-with-newline}
Utilisation : {usage}

{all-args}{after-help}";

/// `command` (and its subcommands) with French help: headings, the help and version flags,
/// the default and possible values said in the option's help instead of clap's English.
pub fn frenchify(command: Command) -> Command {
    let command = command.disable_version_flag(true).arg(
        Arg::new("version")
            .short('V')
            .long("version")
            .action(ArgAction::Version)
            .help("Affiche la version"),
    );
    frenchify_tree(command)
}

fn frenchify_tree(command: Command) -> Command {
    command
        .help_template(HELP_TEMPLATE)
        // clap writes « Heading: »; French puts a space before the colon.
        .subcommand_help_heading("Commandes ")
        .subcommand_value_name("COMMANDE")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("Affiche cette aide"),
        )
        .mut_args(french_arg)
        .mut_subcommands(frenchify_tree)
}

/// « (par défaut : 2000) », « (valeurs : lot, sequential) » in the option's own help.
fn french_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        "Arguments "
    } else {
        "Options "
    };
    let mut arg = arg.help_heading(heading);
    if arg.get_action().takes_values()
        && let Some(name) = french_value_name(arg.get_id().as_str())
    {
        arg = arg.value_name(name);
    }
    let mut notes = Vec::new();
    let possible: Vec<String> = arg
        .get_possible_values()
        .iter()
        .map(|v| v.get_name().to_string())
        .collect();
    if !possible.is_empty() && arg.get_action().takes_values() {
        notes.push(format!("valeurs : {}", possible.join(", ")));
    }
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && arg.get_action().takes_values() {
        notes.push(format!("par défaut : {}", defaults.join(", ")));
    }
    if notes.is_empty() {
        return arg;
    }
    let help = arg.get_help().map(|h| h.to_string()).unwrap_or_default();
    let notes = notes.join(" ; ");
    let help = match help.trim_end_matches('.') {
        "" => capitalized(&notes),
        help => format!("{help} ({notes})"),
    };
    arg.hide_possible_values(true)
        .hide_default_value(true)
        .help(help)
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `--db <BASE>` rather than `--db <DB>`: the placeholders of the values, in French.
fn french_value_name(id: &str) -> Option<&'static str> {
    Some(match id {
        "db" => "BASE",
        "dir" => "DOSSIER",
        "from" => "FICHIER",
        "files" | "directory" => "FICHIERS",
        "invoices" => "FACTURES",
        "invoice" => "FACTURE",
        "out" => "FICHIER",
        "name" | "admin" => "NOM",
        "roles" => "RÔLE",
        "wait_ms" | "latency_ms" => "MILLISECONDES",
        "uncertain_after" | "timeout_fault_secs" | "token_lifetime" => "SECONDES",
        "seed" => "GRAINE",
        "date" => "AAAA-MM-JJ",
        "port" => "PORT",
        "fault_rate" => "PROBABILITÉ",
        "fault_kinds" => "INCIDENTS",
        "time_scale" => "FACTEUR",
        "login" => "LOGIN",
        "password" => "MOT_DE_PASSE",
        "client_id" => "IDENTIFIANT",
        "client_secret" => "SECRET",
        _ => return None,
    })
}

/// A parse error said in French, with the way to the help. Help and version requests are
/// not errors: they are printed as clap wrote them (in French, thanks to `frenchify`).
pub fn error_message(error: &clap::Error, program: &str) -> String {
    let context = |kind: ContextKind| match error.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        Some(ContextValue::StyledStr(s)) => Some(s.to_string()),
        Some(ContextValue::StyledStrs(v)) => Some(
            v.iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        ),
        Some(ContextValue::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let arg = context(ContextKind::InvalidArg).unwrap_or_default();
    let value = context(ContextKind::InvalidValue).unwrap_or_default();
    let what = match error.kind() {
        ErrorKind::UnknownArgument => format!("option inconnue : {arg}"),
        ErrorKind::InvalidSubcommand => {
            let name = context(ContextKind::InvalidSubcommand).unwrap_or_default();
            format!("commande inconnue : {name}")
        }
        ErrorKind::MissingRequiredArgument => format!("il manque : {arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "il manque la commande".to_string()
        }
        ErrorKind::InvalidValue => match context(ContextKind::ValidValue) {
            Some(valid) => format!("valeur « {value} » refusée pour {arg} (valeurs : {valid})"),
            None => format!("valeur manquante ou refusée pour {arg}"),
        },
        ErrorKind::ValueValidation => {
            format!("valeur « {value} » refusée pour {arg} : ce n'est pas un nombre valide")
        }
        ErrorKind::ArgumentConflict => {
            let prior = context(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} ne peut pas être donné avec {prior}")
        }
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("nombre de valeurs incorrect pour {arg}")
        }
        ErrorKind::NoEquals => format!("{arg} attend une valeur après « = »"),
        ErrorKind::InvalidUtf8 => "un argument n'est pas du texte UTF-8".to_string(),
        _ => "ligne de commande incomprise".to_string(),
    };
    let suggestion = context(ContextKind::SuggestedArg)
        .or_else(|| context(ContextKind::SuggestedSubcommand))
        .map(|s| format!("\nVouliez-vous dire « {s} » ?"))
        .unwrap_or_default();
    format!("Erreur : {what}{suggestion}\nPour l'aide : {program} --help")
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    fn command() -> Command {
        frenchify(crate::cli::Cli::command())
    }

    #[test]
    fn the_help_is_french_and_lists_every_command() {
        let help = command().render_help().to_string();
        assert!(help.contains("Utilisation : chorus-depot"), "{help}");
        assert!(help.contains("Commandes :"), "{help}");
        assert!(help.contains("Options :"), "{help}");
        assert!(help.contains("Affiche cette aide"), "{help}");
        assert!(help.contains("Affiche la version"), "{help}");
        for english in ["Usage:", "Commands:", "Print help", "Print version"] {
            assert!(!help.contains(english), "« {english} » dans :\n{help}");
        }
        for sub in command().get_subcommands() {
            assert!(help.contains(sub.get_name()), "{} absent", sub.get_name());
        }
    }

    #[test]
    fn defaults_and_possible_values_are_said_in_french() {
        let mut cmd = command();
        let demo = cmd.find_subcommand_mut("demo").unwrap().render_help();
        let demo = demo.to_string();
        assert!(demo.contains("(par défaut : 2000)"), "{demo}");
        assert!(!demo.contains("[default"), "{demo}");
        let deposit = cmd
            .find_subcommand_mut("deposit")
            .unwrap()
            .render_help()
            .to_string();
        assert!(deposit.contains("valeurs : lot, sequential"), "{deposit}");
        assert!(!deposit.contains("possible values"), "{deposit}");
    }

    #[test]
    fn errors_are_french_and_point_to_the_help() {
        let cases: [(&[&str], &str); 4] = [
            (&["chorus-depot", "--bogus"], "option inconnue : --bogus"),
            (&["chorus-depot", "chek"], "commande inconnue : chek"),
            (&["chorus-depot", "check"], "il manque : --db <BASE>"),
            (
                &["chorus-depot", "deposit", "--db", "x", "--mode", "tout"],
                "valeur « tout » refusée pour --mode <MODE> (valeurs : lot, sequential)",
            ),
        ];
        for (args, expected) in cases {
            let error = command().try_get_matches_from(args).unwrap_err();
            let text = error_message(&error, "chorus-depot");
            assert!(text.starts_with("Erreur : "), "{text}");
            assert!(text.contains(expected), "{args:?} : {text}");
            assert!(
                text.ends_with("Pour l'aide : chorus-depot --help"),
                "{text}"
            );
        }
    }
}
