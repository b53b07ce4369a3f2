//! EN 16931 in-process: the semantic model, the one mapping from the ERP's documents, the
//! UBL and CII writers and readers, and the business rules of the official validation
//! artefacts (release 1.3.16), so that « conforme » means: the very file that would be sent
//! passes the rules.
//!
//! ```text
//! InvoiceDocument ──mapping──▶ model ──rules──▶ findings
//!                                │ ▲
//!                   write_ubl/cii│ │read_ubl/cii
//!                                ▼ │
//!                              XML bytes
//! ```
//! The round-trip tests prove `read(write(model)) == model`, so judging the model judges the
//! file.

pub mod codelists;
pub mod mapping;
pub mod model;
pub mod read_cii;
pub mod read_ubl;
pub mod rules;
pub mod write_cii;
pub mod write_ubl;
mod xmltree;

pub use rules::{IMPLEMENTED, Origin, SYNTAX_RULES, check};

/// The syntax a model is (or will be) written in: a few official rules test the two syntaxes
/// slightly differently (see the comments in `rules`), the model rules follow each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Syntax {
    Ubl,
    Cii,
}

/// One broken rule, with what to fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The official rule id (`BR-S-02`, `BR-CO-15`, `BR-CL-23`…), or one of ours for what
    /// the chosen format needs beyond EN 16931 (`FX-PDF`) or what the mapping cannot
    /// represent (`MAP-AMOUNT`).
    pub rule: &'static str,
    /// `flag="fatal"` in the official artefacts: the file would be refused. A warning does
    /// not break conformance.
    pub fatal: bool,
    /// The business term or group concerned (`BT-31`, `BG-23`…).
    pub term: &'static str,
    /// A French sentence naming the field to fix, with the document's own values.
    pub message: String,
}

/// Why a file could not be read at all (a missing element is never an error: it is an
/// absent term, judged by the rules).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("le fichier n'est pas un XML lisible ({0})")]
    NotXml(String),
    #[error(
        "élément racine « {0} » inattendu : attendu Invoice ou CreditNote (UBL 2.1) ou \
         CrossIndustryInvoice (CII D16B)"
    )]
    UnknownRoot(String),
}

/// Reads a UBL Invoice / CreditNote or a CII CrossIndustryInvoice, telling them apart by
/// the root element.
pub fn read(bytes: &[u8]) -> Result<(model::Invoice<'static>, Syntax), ReadError> {
    let root = xmltree::parse(bytes)?;
    match (root.ns, root.name.as_str()) {
        (xmltree::Ns::UblInvoice, "Invoice") | (xmltree::Ns::UblCreditNote, "CreditNote") => {
            Ok((read_ubl::from_tree(&root), Syntax::Ubl))
        }
        (xmltree::Ns::Rsm, "CrossIndustryInvoice") => Ok((read_cii::from_tree(&root), Syntax::Cii)),
        (_, name) => Err(ReadError::UnknownRoot(name.to_string())),
    }
}

#[cfg(test)]
mod tests;
