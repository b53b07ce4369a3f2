//! The columns of each ERP file: what the importer requires and the demo writes.

/// `societes.csv`.
pub const COMPANY_COLUMNS: &[&str] = &[
    "code",
    "raison_sociale",
    "siret",
    "tva_intracom",
    "iban",
    "bic",
    "titulaire",
    "domiciliation",
    "adresse",
    "code_postal",
    "ville",
];

/// `clients.csv`.
pub const CLIENT_COLUMNS: &[&str] = &[
    "code",
    "raison_sociale",
    "siret",
    "type_client",
    "adresse",
    "code_postal",
    "ville",
    "courriel",
];

/// `marches.csv`.
pub const MARKET_COLUMNS: &[&str] = &["code_client", "numero", "libelle", "date_debut", "date_fin"];

/// `references.csv`.
pub const REFERENCE_COLUMNS: &[&str] = &[
    "type",
    "reference",
    "code_client",
    "code_service",
    "numero_marche",
    "numero_engagement",
    "date_fin_validite",
];

/// `factures.csv`.
pub const INVOICE_COLUMNS: &[&str] = &[
    "numero",
    "code_societe",
    "code_client",
    "type",
    "date_facture",
    "date_echeance",
    "devise",
    "montant_ht",
    "montant_tva",
    "montant_ttc",
    "code_service",
    "numero_engagement",
    "numero_marche",
    "reference_origine",
    "fichier_pdf",
    "numero_facture_origine",
    "mode_paiement",
    "cadre_facturation",
];

/// `lignes.csv (required columns)`.
pub const LINE_COLUMNS: &[&str] = &[
    "numero_facture",
    "numero_ligne",
    "libelle",
    "quantite",
    "unite",
    "prix_unitaire_ht",
    "taux_tva",
    "montant_ht",
];

/// `reglements.csv`.
pub const PAYMENT_COLUMNS: &[&str] = &["numero_facture", "date", "montant", "mode"];

/// `lignes.csv`: columns that may be absent.
pub const LINE_OPTIONAL_COLUMNS: &[&str] = &["categorie_tva", "motif_exoneration"];
