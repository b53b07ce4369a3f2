//! The Chorus Pro directory: import of the official export (CSV or XLSX) into the cache.

pub mod export_date;
pub mod import;

pub use import::{
    DirectoryImportError, ImportOptions, ImportSummary, MAX_SHRINK_PERCENT, import_directory,
    import_directory_with, shrink_percent,
};
