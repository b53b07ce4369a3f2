//! « Aide »: every screen, the anomalies, the keyboard, every command of the command line,
//! and « À propos » (version, base, licence).

use crate::checks::AnomalyCode;
use egui::RichText;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HelpPage {
    #[default]
    Screens,
    Anomalies,
    Keyboard,
    CommandLine,
    About,
}

impl HelpPage {
    const ALL: [HelpPage; 5] = [
        HelpPage::Screens,
        HelpPage::Anomalies,
        HelpPage::Keyboard,
        HelpPage::CommandLine,
        HelpPage::About,
    ];

    fn label(self) -> &'static str {
        match self {
            HelpPage::Screens => "Écrans",
            HelpPage::Anomalies => "Anomalies",
            HelpPage::Keyboard => "Clavier",
            HelpPage::CommandLine => "Ligne de commande",
            HelpPage::About => "À propos",
        }
    }
}

/// What each screen is for, in the order of the tabs.
pub const SCREENS: [(&str, &str); 8] = [
    (
        "Barre d'outils",
        "N° SIRET + Afficher : la structure de l'annuaire en cache et ses services (« Uniquement \
         services actifs » masque les autres) ; Sélectionner : coche toutes les factures \
         conformes ; Rechercher : filtre les tableaux (majuscules et accents ignorés, chaque mot \
         doit être trouvé) ; Actualiser : relit la base et refait les contrôles ; Importer \
         l'ERP… : relit les fichiers CSV de l'ERP ; Paramétrage : sociétés, comptes Chorus Pro, \
         délais de paiement ; Aide : cette fenêtre.",
    ),
    (
        "Contrôle des factures",
        "En haut les factures conformes, prêtes pour Chorus Pro : cochez celles à déposer. En \
         bas les factures en anomalie, chaque anomalie sur sa ligne : un clic ouvre le détail \
         (données de facturation et leur origine, montants, client, drapeaux de l'annuaire, \
         lignes, règlements, PDF). « Afficher aussi les factures déjà déposées » montre celles \
         qui sont parties, avec leur flux et leur statut Chorus Pro.",
    ),
    (
        "Dépôt",
        "Choisissez le format (Factur-X, UBL, CII) et le mode : par lot (une archive par \
         société) ou séquentiel (une facture par appel, avec une attente entre deux appels). \
         « Génération du flux » prépare les fichiers des factures cochées ; tout changement de \
         coches, d'options ou de données l'annule. « Déposer sur Chorus » demande une \
         confirmation (nombre, total TTC, sociétés, environnement) avant d'envoyer. Une facture \
         n'est jamais déposée deux fois.",
    ),
    (
        "Gestionnaire Chorus Pro",
        "L'arborescence par société, statut et client jusqu'aux factures, avec montants et reste dû ; la \
         recherche par type, période, établissement, client et numéro ; les colonnes au choix \
         et l'export CSV ou XLSX. Le détail d'une facture montre son historique et les actions \
         que son statut demande : Recycler (à recycler), Compléter (suspendue), Marquer pour \
         avoir (rejetée). « Flux » liste les dépôts et leurs comptes rendus ; « Paiements » \
         les échéances, retards, intérêts moratoires et relances. « Synchroniser avec Chorus \
         Pro » relit les statuts (aussi automatiquement, selon le paramétrage).",
    ),
    (
        "Annuaire Chorus PRO",
        "L'annuaire en cache : structures publiques par SIRET, leurs services et les drapeaux \
         qui rendent le code service ou l'engagement obligatoires. Import de l'export officiel \
         (CSV ou XLSX) ; une structure peut être actualisée depuis Chorus Pro.",
    ),
    (
        "Comptes Chorus PRO",
        "Le compte technique de chaque société émettrice : login, structure Chorus Pro et \
         expiration du mot de passe. Ils se saisissent dans Paramétrage.",
    ),
    (
        "Paramétrage",
        "Sociétés émettrices : SIRET, IBAN, BIC, titulaire et domiciliation, vérifiés à la \
         saisie ; chaque société s'enregistre seule. Comptes Chorus PRO : environnement (bac à \
         sable intégré, qualification, production), application PISTE, comptes techniques, \
         valeurs par défaut du dépôt et « Tester la connexion ». Fermer avec des modifications \
         non enregistrées demande quoi en faire.",
    ),
    (
        "Barre d'état",
        "Le résumé de la dernière tâche et l'annuaire en cache ; les comptes rendus complets \
         des tâches longues restent consultables, avec Copier et Exporter.",
    ),
];

/// The keys of the window.
pub const KEYS: [(&str, &str); 6] = [
    ("Ctrl+F", "Aller au champ de recherche de l'écran"),
    ("F5", "Actualiser"),
    (
        "Flèches haut et bas",
        "Ligne précédente ou suivante d'un tableau",
    ),
    ("Entrée", "Ouvrir le détail de la ligne choisie"),
    ("Échap", "Fermer la fenêtre de dialogue ou le détail ouvert"),
    (
        "Tab",
        "Champ suivant ; dans une liste déroulante ouverte, les flèches puis Espace choisissent, Échap \
         la ferme",
    ),
];

/// Every subcommand, what it does (the same words as `chorus-depot COMMANDE --help`).
pub const COMMANDS: [(&str, &str); 12] = [
    (
        "demo",
        "écrit une base de démonstration (factures, PDF, annuaire)",
    ),
    (
        "import-erp",
        "importe les fichiers CSV de l'ERP d'un dossier",
    ),
    (
        "import-directory",
        "importe l'annuaire Chorus Pro (CSV ou XLSX)",
    ),
    (
        "check",
        "vérifie les factures des clients publics (--json pour un rapport JSON)",
    ),
    (
        "siret",
        "affiche une structure de l'annuaire en cache et ses services",
    ),
    (
        "export",
        "écrit la facture électronique d'une facture (UBL, CII ou Factur-X)",
    ),
    (
        "deposit",
        "dépose des factures conformes, par lot ou une par une, jamais deux fois",
    ),
    (
        "sync",
        "synchronise les flux et les statuts avec Chorus Pro (tâche planifiée)",
    ),
    (
        "status",
        "affiche le statut Chorus Pro de chaque facture déposée",
    ),
    (
        "relance",
        "écrit en PDF la lettre de relance d'une facture payée en retard",
    ),
    ("sandbox", "démarre le bac à sable Chorus Pro sur 127.0.0.1"),
    (
        "team",
        "base d'équipe PostgreSQL : init, upgrade, import, add-user, users",
    ),
];

pub struct HelpWindow {
    pub open: bool,
    pub page: HelpPage,
}

impl Default for HelpWindow {
    fn default() -> HelpWindow {
        HelpWindow {
            open: false,
            page: HelpPage::Screens,
        }
    }
}

pub fn show(ctx: &egui::Context, help: &mut HelpWindow, db: &Path) {
    // Clear of the toolbar and the tables' headers.
    let anchor = ctx.content_rect().center() - egui::vec2(340.0, 240.0);
    let mut open = help.open;
    egui::Window::new("Aide — Chorus Depot")
        .open(&mut open)
        .default_pos(anchor)
        .default_width(680.0)
        .default_height(540.0)
        .show(ctx, |ui| {
            ui.horizontal(|ui| {
                for page in HelpPage::ALL {
                    ui.selectable_value(&mut help.page, page, page.label());
                }
            });
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| match help.page {
                HelpPage::Screens => screens(ui),
                HelpPage::Anomalies => anomalies(ui),
                HelpPage::Keyboard => pairs(ui, "help-keys", &KEYS),
                HelpPage::CommandLine => command_line(ui),
                HelpPage::About => about(ui, db),
            });
        });
    help.open = open;
}

fn screens(ui: &mut egui::Ui) {
    for (title, text) in SCREENS {
        ui.label(RichText::new(title).strong());
        ui.label(text);
        ui.add_space(6.0);
    }
}

fn anomalies(ui: &mut egui::Ui) {
    ui.label(RichText::new("Colonnes de l'annuaire").strong());
    pairs(
        ui,
        "help-flags",
        &[
            (
                "StA",
                "La structure (le client public) est active dans Chorus Pro",
            ),
            ("StGE", "La structure exige un n° d'engagement juridique"),
            ("StGS", "La structure exige un code service"),
            (
                "StGSE",
                "La structure exige un code service ou un n° d'engagement",
            ),
            ("SvA", "Le service indiqué est actif"),
            ("SvGE", "Le service indiqué exige un n° d'engagement"),
        ],
    );
    ui.add_space(6.0);
    ui.label(RichText::new("Données de facturation").strong());
    ui.label(
        "Code service, n° d'engagement et n° de marché viennent de la facture ; s'ils y sont \
         vides, de sa référence d'origine (commande, dossier ou contrat). Les valeurs reprises \
         d'une référence sont affichées en bleu.",
    );
    ui.add_space(6.0);
    ui.label(RichText::new("Anomalies").strong());
    ui.label(
        "Les anomalies EN16931_… sont les règles de la norme européenne que la facture \
         électronique ne respecte pas ; le message nomme la donnée à corriger.",
    );
    egui::Grid::new("help-codes")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            let outside_all = [
                AnomalyCode::PdfProtege,
                AnomalyCode::ValeurHorsLimites,
                AnomalyCode::RejeteeALIntegration,
                AnomalyCode::RibEnAttente,
            ];
            for code in AnomalyCode::ALL.into_iter().chain(outside_all) {
                ui.label(RichText::new(code.as_str()).monospace().small());
                ui.label(code.title());
                ui.end_row();
            }
        });
}

fn command_line(ui: &mut egui::Ui) {
    ui.label(
        "Chaque commande fait la même chose que la fenêtre, pour les tâches planifiées et les \
         scripts ; « chorus-depot COMMANDE --help » détaille ses options. Sans commande, \
         chorus-depot ouvre la fenêtre.",
    );
    ui.add_space(4.0);
    egui::Grid::new("help-commands")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (name, text) in COMMANDS {
                ui.label(RichText::new(format!("chorus-depot {name}")).monospace());
                ui.label(text);
                ui.end_row();
            }
        });
}

fn about(ui: &mut egui::Ui, db: &Path) {
    ui.heading(format!("Chorus Depot {}", env!("CARGO_PKG_VERSION")));
    ui.label(
        "Contrôle, dépôt et suivi jusqu'au paiement des factures aux acheteurs publics sur \
         Chorus Pro.",
    );
    ui.add_space(6.0);
    egui::Grid::new("help-about").num_columns(2).show(ui, |ui| {
        ui.label("Version");
        ui.label(env!("CARGO_PKG_VERSION"));
        ui.end_row();
        ui.label("Base de données");
        ui.add(egui::Label::new(db.display().to_string()).selectable(true));
        ui.end_row();
        ui.label("Licence");
        ui.label(format!(
            "{} (licences MIT ou Apache 2.0)",
            env!("CARGO_PKG_LICENSE")
        ));
        ui.end_row();
        ui.label("Normes");
        ui.label("EN 16931 (règles de validation 1.3.16), UBL 2.1, CII D16B, Factur-X");
        ui.end_row();
    });
}

fn pairs(ui: &mut egui::Ui, id: &str, rows: &[(&str, &str)]) {
    egui::Grid::new(id)
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for (key, text) in rows {
                ui.label(RichText::new(*key).strong());
                ui.label(*text);
                ui.end_row();
            }
        });
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_help_names_every_subcommand_of_the_command_line() {
        let names: Vec<String> = crate::cli::Cli::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect();
        let documented: Vec<&str> = COMMANDS.iter().map(|(n, _)| *n).collect();
        for name in &names {
            assert!(
                documented.contains(&name.as_str()),
                "« {name} » absent de l'aide"
            );
        }
        assert_eq!(names.len(), documented.len(), "{documented:?} / {names:?}");
    }

    #[test]
    fn the_help_has_a_section_for_every_tab_of_the_window() {
        use crate::ui::Tab;
        let titles: Vec<&str> = SCREENS.iter().map(|(t, _)| *t).collect();
        let tabs = [
            Tab::Control,
            Tab::Deposit,
            Tab::Manager,
            Tab::Directory,
            Tab::Accounts,
        ];
        for tab in tabs.map(Tab::label).into_iter().chain(["Paramétrage"]) {
            assert!(titles.contains(&tab), "« {tab} » absent de l'aide");
        }
    }
}
