//! Following deposited invoices until payment: the status tree of the « Gestionnaire
//! Chorus Pro » (the synchronisation with Chorus Pro comes with the client).

pub mod follow_up;
pub mod payments;
pub mod relance;
pub mod tree;

pub use tree::{Stage, TrackedInvoice, Tree, TreeFilter, build_tree};
