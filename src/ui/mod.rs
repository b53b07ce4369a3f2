//! The window: egui views only. They draw the session's state and turn clicks into
//! commands; no SQL, no file reading, no HTTP here.

mod accounts_tab;
mod connection_settings;
mod deposit_tab;
mod detail_panel;
mod dialog;
mod directory_tab;
mod help;
mod invoice_tables;
mod keyboard;
pub mod manager;
mod path_prompt;
pub mod payment_terms_settings;
pub mod remembered;
mod results_panel;
mod settings_dialog;
mod status_bar;
mod structure_view;
pub mod style;
pub mod toolbar;

use crate::app::connection_form::ConnectionForm;
use crate::app::control_model::ControlModel;
use crate::app::session::{FilePurpose, Session};
use std::path::PathBuf;
use std::sync::Arc;

/// The tabs under the toolbar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Control,
    Deposit,
    Manager,
    Directory,
    Accounts,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Control => "Contrôle des factures",
            Tab::Deposit => "Dépôt",
            Tab::Manager => "Gestionnaire Chorus Pro",
            Tab::Directory => "Annuaire Chorus PRO",
            Tab::Accounts => "Comptes Chorus PRO",
        }
    }
}

pub struct ChorusDepotApp {
    pub session: Session,
    pub tab: Tab,
    /// The control screen's tables, rebuilt when a new report arrives.
    pub control: Option<ControlModel>,
    control_generation: u64,
    toolbar: toolbar::ToolbarState,
    directory: directory_tab::DirectoryTab,
    deposit: deposit_tab::DepositTab,
    pub manager: manager::ManagerTab,
    settings: Option<settings_dialog::SettingsDialog>,
    help: help::HelpWindow,
    /// The connection settings shown in « Comptes Chorus PRO » (generation read, asked).
    accounts_view_generation: Option<u64>,
    accounts_view_asked: bool,
    /// The detail panel asked for the lines of this invoice already.
    extras_requested_for: Option<String>,
    /// What the last run left (sorts wait for the first report to be applied).
    remembered: remembered::Remembered,
    /// « Résultats »: every long task's progress and whole report.
    pub results: results_panel::ResultsPanel,
}

impl ChorusDepotApp {
    /// Creates the application on `db` and starts the first check (or the demo).
    pub fn new(db: PathBuf, ctx: &egui::Context) -> ChorusDepotApp {
        let connector = std::sync::Arc::new(crate::app::deposit_wiring::Connector::default());
        ChorusDepotApp::with_connector(db, ctx, connector)
    }

    /// The application talking to Chorus Pro through `connector` (tests point it at a
    /// sandbox of their own).
    pub fn with_connector(
        db: PathBuf,
        ctx: &egui::Context,
        connector: Arc<crate::app::deposit_wiring::Connector>,
    ) -> ChorusDepotApp {
        let mut app = ChorusDepotApp::idle(db, ctx);
        app.session.set_connector(connector);
        app.session.start();
        app
    }

    /// The application without its first check: the frame benchmark gives it a report.
    pub fn idle(db: PathBuf, ctx: &egui::Context) -> ChorusDepotApp {
        style::apply(ctx);
        let repaint = ctx.clone();
        let session = Session::new(db, Arc::new(move || repaint.request_repaint()));
        ChorusDepotApp {
            session,
            tab: Tab::Control,
            control: None,
            control_generation: 0,
            toolbar: toolbar::ToolbarState::default(),
            directory: directory_tab::DirectoryTab::default(),
            deposit: deposit_tab::DepositTab::default(),
            manager: manager::ManagerTab::default(),
            settings: None,
            help: help::HelpWindow::default(),
            accounts_view_generation: None,
            accounts_view_asked: false,
            extras_requested_for: None,
            remembered: remembered::Remembered::default(),
            results: results_panel::ResultsPanel::default(),
        }
    }

    /// Draws one frame. Public for the UI tests and the frame benchmark.
    pub fn show(&mut self, ui: &mut egui::Ui) {
        self.session.poll();
        self.handle_keys(ui.ctx());
        manager::automatic_sync(ui.ctx(), &mut self.manager, &mut self.session);
        self.sync_control_model();
        deposit_tab::watch_lot(&self.deposit, &mut self.session, self.control.as_ref());
        self.route_picked_files();

        egui::Panel::top("toolbar").show(ui, |ui| {
            let action = toolbar::show(ui, &mut self.toolbar, &self.session, self.control.as_ref());
            self.apply_toolbar(action);
            ui.add_space(2.0);
            ui.horizontal(|ui| {
                for tab in [
                    Tab::Control,
                    Tab::Deposit,
                    Tab::Manager,
                    Tab::Directory,
                    Tab::Accounts,
                ] {
                    ui.selectable_value(&mut self.tab, tab, tab.label());
                }
            });
            ui.add_space(2.0);
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            if status_bar::show(ui, &mut self.session, self.control.as_ref()) {
                self.results.open = !self.results.open;
            }
        });
        results_panel::show(ui, &mut self.results, &mut self.session);
        match self.tab {
            Tab::Control => self.control_tab(ui),
            Tab::Directory => {
                let action = egui::CentralPanel::default()
                    .show(ui, |ui| {
                        directory_tab::show(ui, &mut self.directory, &mut self.session)
                    })
                    .inner;
                if let Some(directory_tab::Action::ShowStructure(identifier)) = action {
                    self.toolbar.siret = identifier;
                    self.apply_toolbar(Some(toolbar::Action::LookupSiret));
                }
            }
            Tab::Deposit => {
                egui::CentralPanel::default().show(ui, |ui| {
                    deposit_tab::show(
                        ui,
                        &mut self.deposit,
                        &mut self.session,
                        self.control.as_ref(),
                    );
                });
            }
            Tab::Manager => {
                manager::side_panel(ui, &mut self.manager, &mut self.session);
                egui::CentralPanel::default().show(ui, |ui| {
                    manager::show(ui, &mut self.manager, &mut self.session);
                });
            }
            Tab::Accounts => {
                if self.accounts_view_generation != Some(self.session.connection_view_generation)
                    && !self.accounts_view_asked
                {
                    self.session.load_connection_view();
                    self.accounts_view_asked = true;
                }
                if self.session.connection_view.is_some() {
                    self.accounts_view_generation = Some(self.session.connection_view_generation);
                    self.accounts_view_asked = false;
                }
                let view = match &self.session.connection_view {
                    Some(Ok(view)) => Some(view.clone()),
                    _ => None,
                };
                egui::CentralPanel::default().show(ui, |ui| {
                    if accounts_tab::show(ui, self.session.report.as_deref(), view.as_ref()) {
                        self.open_settings();
                    }
                });
            }
        }
        toolbar::structure_window(ui.ctx(), &mut self.toolbar, &mut self.session);
        self.settings_dialog(ui.ctx());
        path_prompt::show(ui.ctx(), &mut self.session);
        if self.help.open {
            help::show(ui.ctx(), &mut self.help, self.session.db_path());
        }
    }

    fn control_tab(&mut self, ui: &mut egui::Ui) {
        let Some(model) = &mut self.control else {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.centered_and_justified(|ui| {
                    let text = match self.session.job() {
                        Some(job) => format!("{}…", job.kind.label()),
                        None => "Aucun résultat : cliquez sur « Actualiser ».".to_string(),
                    };
                    ui.label(egui::RichText::new(text).size(16.0).color(style::MUTED));
                });
            });
            return;
        };
        if let Some(focused) = model.focused {
            let number = model.check(focused).invoice.number.clone();
            if self.extras_requested_for.as_deref() != Some(number.as_str()) {
                self.session.load_extras(number.clone());
                self.extras_requested_for = Some(number);
            }
            egui::Panel::right("detail")
                .resizable(true)
                .default_size(380.0)
                .size_range(280.0..=700.0)
                .show(ui, |ui| {
                    let action = detail_panel::show(ui, model, focused, &self.session);
                    match action {
                        Some(detail_panel::Action::Close) => model.focused = None,
                        Some(detail_panel::Action::OpenPdf(path)) => {
                            self.session.open_with_system(path)
                        }
                        Some(detail_panel::Action::AcknowledgeRejection(number)) => {
                            self.session.acknowledge_rejection(number)
                        }
                        Some(detail_panel::Action::Override(number, code)) => {
                            self.session.override_anomaly(number, code)
                        }
                        None => {}
                    }
                });
        }
        egui::CentralPanel::default().show(ui, |ui| {
            invoice_tables::show(ui, model);
        });
    }

    fn sync_control_model(&mut self) {
        if self.session.report_generation == self.control_generation {
            return;
        }
        self.control_generation = self.session.report_generation;
        if let Some(report) = &self.session.report {
            match &mut self.control {
                Some(model) => model.replace_report(report.clone()),
                None => {
                    let mut model = ControlModel::new(report.clone());
                    self.remembered.apply_to_control(&mut model);
                    self.control = Some(model);
                }
            }
            self.extras_requested_for = None;
            self.directory.invalidate();
        }
    }

    fn route_picked_files(&mut self) {
        if let Some((purpose, files)) = self.session.picked_files.take() {
            match purpose {
                FilePurpose::DirectoryFiles => self.directory.set_files(&files),
                FilePurpose::ErpFolder => {
                    if let Some(dir) = files.into_iter().next() {
                        self.session.import_erp(dir);
                    }
                }
            }
        }
    }

    fn apply_toolbar(&mut self, action: Option<toolbar::Action>) {
        use toolbar::Action;
        match action {
            None => {}
            Some(Action::Search(text)) => {
                if let Some(model) = &mut self.control {
                    model.set_search(&text);
                }
            }
            Some(Action::LookupSiret) => {
                self.toolbar.structure_window_open = true;
                self.session.lookup_siret(
                    self.toolbar.siret.clone(),
                    self.toolbar.only_active_services,
                );
            }
            Some(Action::SelectAll) => {
                if let Some(model) = &mut self.control {
                    model.toggle_all_conformant();
                }
            }
            Some(Action::Refresh) => self.session.refresh_everything(),
            Some(Action::Settings) => self.open_settings(),
            Some(Action::Help) => self.help.open = true,
            Some(Action::Deposit) => self.tab = Tab::Deposit,
            Some(Action::ImportErp) => self.session.pick_files(FilePurpose::ErpFolder),
        }
    }

    fn settings_dialog(&mut self, ctx: &egui::Context) {
        let Some(dialog) = &mut self.settings else {
            return;
        };
        let session = &mut self.session;
        if let Some(Ok(view)) = &session.connection_view
            && (dialog.connection.is_none()
                || dialog.connection_generation != session.connection_view_generation)
        {
            let form = ConnectionForm::new(view, &dialog.companies);
            dialog.set_connection(form, session.connection_view_generation);
        }
        dialog.payment_terms.follow(
            session.payment_terms_view.as_ref(),
            session.payment_terms_view_generation,
        );
        let state = settings_dialog::ConnectionState {
            load_error: match &session.connection_view {
                Some(Err(e)) => Some(e.as_str()),
                _ => None,
            },
            check: session.connection_check.as_ref(),
        };
        let busy = session.is_busy();
        match settings_dialog::show(ctx, dialog, state, busy) {
            settings_dialog::Outcome::Open => {}
            settings_dialog::Outcome::Cancelled => self.settings = None,
            settings_dialog::Outcome::Save(changes) => {
                dialog.saved(&changes);
                let done = dialog.unsaved().is_empty();
                self.session.save_company_settings(changes);
                if done {
                    self.settings = None;
                }
            }
            settings_dialog::Outcome::SaveAndClose(changes) => {
                self.session.save_company_settings(changes);
                self.settings = None;
            }
            settings_dialog::Outcome::SaveConnection(changes) => {
                self.session.save_connection(changes)
            }
            settings_dialog::Outcome::SaveConnectionAndClose(changes) => {
                self.session.save_connection(changes);
                self.settings = None;
            }
            settings_dialog::Outcome::TestConnection(changes) => {
                self.session.test_connection(changes)
            }
            settings_dialog::Outcome::SavePaymentTerms(settings) => {
                self.session.save_payment_terms(settings)
            }
            settings_dialog::Outcome::SavePaymentTermsAndClose(settings) => {
                self.session.save_payment_terms(settings);
                self.settings = None;
            }
        }
    }

    fn open_settings(&mut self) {
        let companies = self
            .session
            .report
            .as_ref()
            .map(|r| r.companies.clone())
            .unwrap_or_default();
        self.settings = Some(settings_dialog::SettingsDialog::new(&companies));
        self.session.connection_check = None;
        self.session.load_connection_view();
        self.session.load_payment_terms_view();
    }
}

impl eframe::App for ChorusDepotApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.show(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, remembered::STORAGE_KEY, &self.remembered());
    }
}

/// Opens the window on `db`. Returns when the user closes it.
pub fn run_window(db: PathBuf) -> anyhow::Result<()> {
    let icon =
        eframe::icon_data::from_png_bytes(include_bytes!("../../assets/chorus-depot.png")).ok();
    let mut viewport = egui::ViewportBuilder::default()
        .with_title("Chorus Depot — contrôle des factures Chorus Pro")
        .with_app_id("chorus-depot")
        // Fits a 1366×768 laptop with its task bar; eframe then brings back the size and
        // place the window was left at.
        .with_inner_size([1280.0, 720.0])
        .with_min_inner_size([1024.0, 640.0]);
    if let Some(icon) = icon {
        viewport = viewport.with_icon(Arc::new(icon));
    }
    let options = eframe::NativeOptions {
        viewport,
        ..Default::default()
    };
    eframe::run_native(
        "Chorus Depot",
        options,
        Box::new(move |cc| {
            let mut app = ChorusDepotApp::new(db, &cc.egui_ctx);
            app.restore(remembered::Remembered::load(cc.storage));
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("impossible d'ouvrir la fenêtre : {e}"))
}
