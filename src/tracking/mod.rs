//! Following deposited invoices until payment: the synchronisation with Chorus Pro, the
//! queries of the « Gestionnaire Chorus Pro », and its status tree.

pub mod queries;
pub mod sync;
pub mod tree;

pub use queries::{stage_of, tracked_invoices};
pub use sync::{ClientSource, Clients, SyncError, SyncOptions, SyncReport, is_final_status, sync};
pub use tree::{Stage, TrackedInvoice, Tree, TreeFilter, build_tree};
