//! The three syntaxes Chorus Pro accepts from us, with their `syntaxeFlux` codes.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Ubl,
    Cii,
    FacturX,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Ubl, Format::Cii, Format::FacturX];

    /// The `syntaxeFlux` of `deposer/flux` (formats.md §B.1, as the OCA module maps them).
    pub fn syntaxe_flux(self) -> &'static str {
        match self {
            Format::Ubl => "IN_DP_E1_UBL_INVOICE",
            Format::Cii => "IN_DP_E1_CII_16B",
            Format::FacturX => "IN_DP_E2_CII_FACTURX",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Ubl | Format::Cii => "xml",
            Format::FacturX => "pdf",
        }
    }

    /// The command-line and settings spelling.
    pub fn code(self) -> &'static str {
        match self {
            Format::Ubl => "ubl",
            Format::Cii => "cii",
            Format::FacturX => "facturx",
        }
    }

    pub fn from_code(code: &str) -> Option<Format> {
        match code.trim().to_ascii_lowercase().as_str() {
            "ubl" => Some(Format::Ubl),
            "cii" => Some(Format::Cii),
            "facturx" | "factur-x" => Some(Format::FacturX),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Format::Ubl => "UBL 2.1",
            Format::Cii => "CII D16B",
            Format::FacturX => "Factur-X (EN 16931)",
        }
    }

    /// One file per invoice: the invoice number made safe for any file system and archive.
    pub fn file_name(self, invoice_number: &str) -> String {
        let stem: String = invoice_number
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let stem = if stem.is_empty() {
            "facture".into()
        } else {
            stem
        };
        let suffix = match self {
            Format::Ubl => "_ubl",
            Format::Cii => "_cii",
            Format::FacturX => "",
        };
        format!("{stem}{suffix}.{}", self.extension())
    }
}
