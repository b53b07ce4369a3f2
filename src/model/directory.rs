//! The Chorus Pro directory ("annuaire"): public structures and their services.

/// A public structure as the directory export describes it (shared/reference/formats.md §A.2).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Structure {
    /// The SIRET for French structures (`identifier_type` 1), another identifier otherwise.
    pub identifier: String,
    pub identifier_type: i64,
    pub name: String,
    pub edi_sender: bool,
    pub edi_receiver: bool,
    pub payment_status_managed: bool,
    /// StGE: an engagement number is mandatory.
    pub engagement_required: bool,
    /// StGS: a service code is mandatory.
    pub service_required: bool,
    /// StGSE: a service code or an engagement number is mandatory.
    pub service_or_engagement_required: bool,
    pub is_moa: bool,
    pub is_moa_only: bool,
    /// StA.
    pub active: bool,
    pub address: String,
    pub address_complement1: String,
    pub address_complement2: String,
    pub postal_code: String,
    pub city: String,
    pub phone: String,
    pub email: String,
    pub country_code: String,
    pub country_label: String,
}

/// A service of a structure (shared/reference/formats.md §A.3).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Service {
    pub structure_identifier: String,
    pub code: String,
    pub name: String,
    /// SvGE.
    pub engagement_required: bool,
    /// SvA.
    pub active: bool,
    pub address: String,
    pub postal_code: String,
    pub city: String,
}

/// The reserved pseudo-service for invoices between public entities.
pub const RESERVED_SERVICE_CODE: &str = "FACTURES_PUBLIQUES";

/// Identifier type of a SIRET in the directory export (`TypeIdentifiant`).
pub const IDENTIFIER_TYPE_SIRET: i64 = 1;
