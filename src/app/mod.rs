//! Application state, commands and background jobs. The window and the CLI call the same
//! functions; nothing here draws or knows egui.

pub mod base_watch;
pub mod check_run;
pub mod connection;
pub mod connection_form;
pub mod connection_test;
pub mod control_model;
pub mod deposit_cli;
pub mod deposit_setup;
pub mod deposit_summary;
pub mod deposit_wiring;
pub mod documents;
pub mod einvoice_checks;
pub mod file_dialogs;
pub mod jobs;
pub mod lookup;
pub mod manager_data;
pub mod manager_view;
pub mod paths;
pub mod payment_terms_form;
pub mod permissions;
pub mod prepared_lot;
pub mod relance_cli;
pub mod report_json;
pub mod report_text;
pub mod results;
pub mod returned;
pub mod row_cursor;
pub mod secrets;
pub mod session;
pub mod settings_form;
pub mod status;
pub mod structure_refresh;
pub mod sync_run;
pub mod table_export;
pub mod team_cli;
pub mod timeline_order;

pub use check_run::{CheckReport, CheckRunError, run_checks};
