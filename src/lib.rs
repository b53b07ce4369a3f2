//! Chorus Depot: sends a French supplier's invoices to public buyers through Chorus Pro and
//! follows them until payment. See DESIGN.md for the layers; arrows point down only.

pub mod app;
pub mod checks;
pub mod chorus;
pub mod cli;
pub mod cli_french;
pub mod clock;
pub mod demo;
pub mod deposit;
pub mod directory;
pub mod einvoice;
pub mod erp_import;
pub mod model;
pub mod pdf_files;
pub mod pdf_page;
pub mod progress;
pub mod sandbox;
pub mod store;
pub mod tabular;
pub mod tracking;
pub mod ui;
