//! Why an e-invoice could not be written, in words a clerk can act on.

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EInvoiceError {
    /// A broken EN 16931 rule (official id) or a need of the format: the file would be
    /// refused.
    #[error("{message} [{rule}]")]
    Rule { rule: &'static str, message: String },
    #[error("le PDF de la facture est absent : il faut le PDF de l'ERP pour écrire un Factur-X")]
    MissingPdf,
    #[error("le PDF de la facture est illisible ({0})")]
    BadPdf(String),
    #[error("écriture du PDF impossible ({0})")]
    PdfWrite(String),
}
