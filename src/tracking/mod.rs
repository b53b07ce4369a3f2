//! Following deposited invoices until payment: the synchronisation with Chorus Pro, the
//! queries of the « Gestionnaire Chorus Pro », and its status tree.

pub mod queries;
pub mod returned;
pub mod sync;
pub mod tree;

pub use queries::{stage_of, tracked_invoices};
pub use sync::{ClientSource, Clients, SyncError, SyncOptions, SyncReport, is_final_status, sync};
pub use tree::{Stage, TrackedInvoice, Tree, TreeFilter, build_tree};

// Payments: due dates, late interest, client follow-up, reminder letters.
pub mod follow_up;
pub mod payment_terms;
pub mod payments;
pub mod relance;

pub use follow_up::{
    ClientFollowUp, average_delay_by_client, client_follow_up, follow_up_csv, payment_rows_csv,
};
pub use payments::{
    PaymentRow, PaymentSettings, PaymentState, PaymentTotals, outstanding, overdue, payment_rows,
    totals,
};
pub use relance::{RelanceError, RelanceLetter, relance_letter, relance_pdf};
