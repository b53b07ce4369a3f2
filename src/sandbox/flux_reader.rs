//! The sandbox's own reading of a deposited flux: a single UBL / CII XML or Factur-X PDF,
//! or a zip / tar.gz of several. Only the fields Chorus Pro routes and checks on are read.
//! Independent of the application's writers on purpose (see DESIGN.md).

use quick_xml::Reader;
use quick_xml::events::Event;
use std::collections::HashMap;
use std::io::Read;

/// Ceiling on what an archive may expand to: a zip bomb must not take the sandbox down.
const MAX_EXPANDED: u64 = 256 * 1024 * 1024;
const MAX_ENTRIES: usize = 5_000;

/// What `syntaxeFlux` announces the files to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    Ubl,
    Cii,
    FacturX,
    /// A known code whose exact format the sandbox does not check (minimal E2 flows…).
    Lenient,
}

/// The `syntaxeFlux` codes deposerFluxFacture accepts (chorus-api.md §3.1).
pub fn syntax_of(code: &str) -> Option<Syntax> {
    match code.trim() {
        "IN_DP_E1_UBL_INVOICE" | "IN_DP_E3_UBL_INVOICE" => Some(Syntax::Ubl),
        "IN_DP_E1_CII_16B" | "IN_DP_E1_CII" => Some(Syntax::Cii),
        "IN_DP_E2_CII_FACTURX" => Some(Syntax::FacturX),
        // Minimal E2 flows (XML data + PDF): read whatever UBL or CII they carry.
        "IN_DP_E2_UBL_INVOICE_MIN"
        | "IN_DP_E2_CII_MIN_16B"
        | "IN_DP_E2_CII_MIN"
        | "IN_DP_E1_XCBL"
        | "IN_DP_E1_PES_FACTURE"
        | "IN_DP_E2_CPP_FACTURE_MIN"
        | "IN_DP_E2_PES_FACTURE_MIN"
        | "IN_DP_PDFARCHIVE_UBL_INVOICE_MUG"
        | "IN_DP_PDFARCHIVE_CII_MUG" => Some(Syntax::Lenient),
        _ => None,
    }
}

/// The fields of one invoice that Chorus Pro routes and checks on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadInvoice {
    pub number: String,
    pub credit_note: bool,
    /// `AAAA-MM-JJ`.
    pub issue_date: String,
    pub buyer_siret: String,
    pub buyer_name: String,
    pub seller_siret: String,
    pub seller_name: String,
    pub service_code: String,
    pub engagement: String,
    pub market: String,
    pub currency: String,
    pub amount_ht: String,
    pub amount_ttc: String,
    pub amount_due: String,
}

/// One file of the flux: an invoice, or the reason it could not be read.
#[derive(Debug, Clone)]
pub enum FileRead {
    Invoice(Box<ReadInvoice>),
    Unreadable { file: String, reason: String },
}

/// Every file of the flux, archives expanded.
pub fn read_flux(bytes: &[u8], file_name: &str, syntax: Syntax) -> Vec<FileRead> {
    let files = match expand(bytes, file_name) {
        Ok(files) => files,
        Err(reason) => {
            return vec![FileRead::Unreadable {
                file: file_name.to_string(),
                reason,
            }];
        }
    };
    if files.is_empty() {
        return vec![FileRead::Unreadable {
            file: file_name.to_string(),
            reason: "l'archive ne contient aucun fichier".into(),
        }];
    }
    files
        .into_iter()
        .map(|(name, content)| match read_one(&content, syntax) {
            Ok(invoice) => FileRead::Invoice(Box::new(invoice)),
            Err(reason) => FileRead::Unreadable { file: name, reason },
        })
        .collect()
}

fn expand(bytes: &[u8], file_name: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        unzip(bytes)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        untar_gz(bytes)
    } else {
        Ok(vec![(file_name.to_string(), bytes.to_vec())])
    }
}

fn skipped(name: &str) -> bool {
    name.ends_with('/')
        || name.starts_with("__MACOSX")
        || name.rsplit('/').next().is_some_and(|n| n.starts_with('.'))
}

fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("archive zip illisible ({e})"))?;
    if archive.len() > MAX_ENTRIES {
        return Err(format!(
            "l'archive contient trop de fichiers ({})",
            archive.len()
        ));
    }
    let mut files = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive
            .by_index(i)
            .map_err(|e| format!("archive zip illisible ({e})"))?;
        let name = entry
            .name()
            .map(|n| n.into_owned())
            .map_err(|e| format!("nom de fichier illisible dans l'archive zip ({e})"))?;
        if entry.is_dir() || skipped(&name) {
            continue;
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_EXPANDED - total + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("fichier « {name} » illisible dans l'archive zip ({e})"))?;
        total += content.len() as u64;
        if total > MAX_EXPANDED {
            return Err("l'archive décompressée est trop volumineuse".into());
        }
        files.push((name, content));
    }
    Ok(files)
}

fn untar_gz(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bytes));
    let entries = archive
        .entries()
        .map_err(|e| format!("archive tar.gz illisible ({e})"))?;
    let mut files = Vec::new();
    let mut total = 0u64;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("archive tar.gz illisible ({e})"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map(|p| p.to_string_lossy().into_owned())
            .unwrap_or_default();
        if skipped(&name) {
            continue;
        }
        let mut content = Vec::new();
        (&mut entry)
            .take(MAX_EXPANDED - total + 1)
            .read_to_end(&mut content)
            .map_err(|e| format!("fichier « {name} » illisible dans l'archive tar.gz ({e})"))?;
        total += content.len() as u64;
        if total > MAX_EXPANDED {
            return Err("l'archive décompressée est trop volumineuse".into());
        }
        if files.len() >= MAX_ENTRIES {
            return Err("l'archive contient trop de fichiers".into());
        }
        files.push((name, content));
    }
    Ok(files)
}

/// One file against the announced syntax.
fn read_one(content: &[u8], syntax: Syntax) -> Result<ReadInvoice, String> {
    let is_pdf = content.starts_with(b"%PDF");
    match (syntax, is_pdf) {
        (Syntax::FacturX, false) => {
            return Err(
                "le fichier n'est pas un PDF Factur-X (syntaxe IN_DP_E2_CII_FACTURX)".into(),
            );
        }
        (Syntax::Ubl | Syntax::Cii, true) => {
            return Err("un PDF a été déposé avec une syntaxe XML".into());
        }
        _ => {}
    }
    let xml = if is_pdf {
        embedded_facturx_xml(content)?
    } else {
        content.to_vec()
    };
    let text = decode(&xml);
    let (root, fields) = collect(&text)?;
    let invoice = match root.as_str() {
        "Invoice" | "CreditNote" => {
            if syntax == Syntax::Cii {
                return Err("le fichier est en UBL alors que la syntaxe annoncée est CII".into());
            }
            from_ubl(&root, &fields)
        }
        "CrossIndustryInvoice" => {
            if syntax == Syntax::Ubl {
                return Err("le fichier est en CII alors que la syntaxe annoncée est UBL".into());
            }
            from_cii(&fields)
        }
        other => {
            return Err(format!(
                "élément racine « {other} » inattendu (attendu Invoice, CreditNote ou CrossIndustryInvoice)"
            ));
        }
    };
    if invoice.number.is_empty() {
        return Err("numéro de facture (BT-1) absent".into());
    }
    Ok(invoice)
}

fn decode(bytes: &[u8]) -> String {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(body).0.into_owned(),
    }
}

/// The text of every element, keyed by its path of local names from the root
/// (`Invoice/AccountingCustomerParty/Party/...`); the first occurrence wins.
fn collect(text: &str) -> Result<(String, HashMap<String, String>), String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<(String, String)> = Vec::new();
    let mut fields = HashMap::new();
    let mut root = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("XML mal formé ({e})"))?;
        match event {
            Event::Start(start) => {
                let name = start.local_name().into_inner().to_string();
                root.get_or_insert_with(|| name.clone());
                stack.push((name, String::new()));
            }
            Event::Empty(start) => {
                root.get_or_insert_with(|| start.local_name().into_inner().to_string());
            }
            Event::Text(t) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                let char_ref = r.resolve_char_ref();
                let name = r.into_inner();
                let resolved = match char_ref {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match &*name {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        "apos" => "'".into(),
                        other => return Err(format!("XML mal formé (entité inconnue &{other};)")),
                    },
                    Err(e) => return Err(format!("XML mal formé ({e})")),
                };
                if let Some(top) = stack.last_mut() {
                    top.1.push_str(&resolved);
                }
            }
            Event::End(_) => {
                let path = stack
                    .iter()
                    .map(|(n, _)| n.as_str())
                    .collect::<Vec<_>>()
                    .join("/");
                if let Some((_, value)) = stack.pop() {
                    let value = value.trim();
                    if !value.is_empty() {
                        fields.entry(path).or_insert_with(|| value.to_string());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !stack.is_empty() {
        return Err("XML mal formé (document tronqué)".into());
    }
    let root = root.ok_or_else(|| "le fichier ne contient pas de XML".to_string())?;
    Ok((root, fields))
}

fn first(fields: &HashMap<String, String>, paths: &[String]) -> String {
    paths
        .iter()
        .find_map(|p| fields.get(p))
        .cloned()
        .unwrap_or_default()
}

fn from_ubl(root: &str, fields: &HashMap<String, String>) -> ReadInvoice {
    let p = |rest: &str| format!("{root}/{rest}");
    let get = |rests: &[&str]| first(fields, &rests.iter().map(|r| p(r)).collect::<Vec<_>>());
    let type_code = get(&["InvoiceTypeCode", "CreditNoteTypeCode"]);
    ReadInvoice {
        number: get(&["ID"]),
        credit_note: root == "CreditNote" || type_code == "381",
        issue_date: get(&["IssueDate"]),
        buyer_siret: compact(&get(&[
            "AccountingCustomerParty/Party/PartyLegalEntity/CompanyID",
            "AccountingCustomerParty/Party/PartyIdentification/ID",
        ])),
        buyer_name: get(&[
            "AccountingCustomerParty/Party/PartyLegalEntity/RegistrationName",
            "AccountingCustomerParty/Party/PartyName/Name",
        ]),
        seller_siret: compact(&get(&[
            "AccountingSupplierParty/Party/PartyLegalEntity/CompanyID",
            "AccountingSupplierParty/Party/PartyIdentification/ID",
        ])),
        seller_name: get(&[
            "AccountingSupplierParty/Party/PartyLegalEntity/RegistrationName",
            "AccountingSupplierParty/Party/PartyName/Name",
        ]),
        service_code: get(&["BuyerReference", "AccountingCustomerParty/Party/Contact/ID"]),
        engagement: get(&["OrderReference/ID"]),
        market: get(&["ContractDocumentReference/ID"]),
        currency: get(&["DocumentCurrencyCode"]),
        amount_ht: get(&["LegalMonetaryTotal/TaxExclusiveAmount"]),
        amount_ttc: get(&["LegalMonetaryTotal/TaxInclusiveAmount"]),
        amount_due: get(&["LegalMonetaryTotal/PayableAmount"]),
    }
}

fn from_cii(fields: &HashMap<String, String>) -> ReadInvoice {
    let p = |rest: &str| format!("CrossIndustryInvoice/{rest}");
    let get = |rests: &[&str]| first(fields, &rests.iter().map(|r| p(r)).collect::<Vec<_>>());
    let agreement = "SupplyChainTradeTransaction/ApplicableHeaderTradeAgreement";
    let settlement = "SupplyChainTradeTransaction/ApplicableHeaderTradeSettlement";
    let sums = format!("{settlement}/SpecifiedTradeSettlementHeaderMonetarySummation");
    let raw_date = get(&["ExchangedDocument/IssueDateTime/DateTimeString"]);
    ReadInvoice {
        number: get(&["ExchangedDocument/ID"]),
        credit_note: get(&["ExchangedDocument/TypeCode"]) == "381",
        issue_date: iso_date(&raw_date),
        buyer_siret: compact(&get(&[
            &format!("{agreement}/BuyerTradeParty/SpecifiedLegalOrganization/ID"),
            &format!("{agreement}/BuyerTradeParty/ID"),
        ])),
        buyer_name: get(&[&format!("{agreement}/BuyerTradeParty/Name")]),
        seller_siret: compact(&get(&[
            &format!("{agreement}/SellerTradeParty/SpecifiedLegalOrganization/ID"),
            &format!("{agreement}/SellerTradeParty/ID"),
        ])),
        seller_name: get(&[&format!("{agreement}/SellerTradeParty/Name")]),
        service_code: get(&[&format!("{agreement}/BuyerReference")]),
        engagement: get(&[&format!(
            "{agreement}/BuyerOrderReferencedDocument/IssuerAssignedID"
        )]),
        market: get(&[&format!(
            "{agreement}/ContractReferencedDocument/IssuerAssignedID"
        )]),
        currency: get(&[&format!("{settlement}/InvoiceCurrencyCode")]),
        amount_ht: get(&[&format!("{sums}/TaxBasisTotalAmount")]),
        amount_ttc: get(&[&format!("{sums}/GrandTotalAmount")]),
        amount_due: get(&[&format!("{sums}/DuePayableAmount")]),
    }
}

fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// CII dates come as `AAAAMMJJ` (format 102).
fn iso_date(raw: &str) -> String {
    if raw.len() == 8 && raw.chars().all(|c| c.is_ascii_digit()) {
        format!("{}-{}-{}", &raw[..4], &raw[4..6], &raw[6..])
    } else {
        raw.to_string()
    }
}

/// The `factur-x.xml` embedded in a Factur-X PDF/A-3.
fn embedded_facturx_xml(pdf: &[u8]) -> Result<Vec<u8>, String> {
    // lopdf can panic on hostile input (loading, but also reading objects and inflating
    // streams): a deposit must never take the sandbox down.
    std::panic::catch_unwind(|| facturx_xml_of(pdf))
        .unwrap_or_else(|_| Err("PDF illisible".to_string()))
}

fn facturx_xml_of(pdf: &[u8]) -> Result<Vec<u8>, String> {
    use lopdf::Object;
    let doc = lopdf::Document::load_mem(pdf).map_err(|e| format!("PDF illisible ({e})"))?;
    let deref = |obj: &Object| -> Option<Object> {
        match obj {
            Object::Reference(id) => doc.get_object(*id).ok().cloned(),
            other => Some(other.clone()),
        }
    };
    let stream_bytes = |stream: &lopdf::Stream| -> Vec<u8> {
        stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone())
    };
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else { continue };
        let is_filespec = dict
            .get(b"Type")
            .and_then(|t| t.as_name())
            .is_ok_and(|n| n == b"Filespec");
        if !is_filespec {
            continue;
        }
        let name = [b"UF".as_slice(), b"F".as_slice()]
            .iter()
            .find_map(|key| dict.get(key).ok().and_then(|o| o.as_str().ok()))
            .map(pdf_text)
            .unwrap_or_default();
        let lower = name.to_ascii_lowercase();
        if !matches!(
            lower.as_str(),
            "factur-x.xml" | "zugferd-invoice.xml" | "xrechnung.xml"
        ) {
            continue;
        }
        let stream = dict
            .get(b"EF")
            .ok()
            .and_then(deref)
            .and_then(|ef| ef.as_dict().ok().and_then(|d| d.get(b"F").ok().cloned()))
            .and_then(|f| deref(&f));
        if let Some(Object::Stream(stream)) = stream {
            return Ok(stream_bytes(&stream));
        }
    }
    Err("PDF sans fichier factur-x.xml embarqué".into())
}

/// A PDF text string: UTF-16BE with its BOM, else PDFDocEncoding (read as Latin-1).
fn pdf_text(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UBL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
 xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
 xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">
 <cbc:ID>F-001</cbc:ID><cbc:IssueDate>2026-11-02</cbc:IssueDate>
 <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode><cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
 <cbc:BuyerReference>SERV-FIN</cbc:BuyerReference>
 <cac:OrderReference><cbc:ID>EJ-12</cbc:ID></cac:OrderReference>
 <cac:AccountingSupplierParty><cac:Party><cac:PartyLegalEntity><cbc:RegistrationName>A &amp; B</cbc:RegistrationName>
 <cbc:CompanyID schemeID="0009">90000000000011</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingSupplierParty>
 <cac:AccountingCustomerParty><cac:Party><cac:PartyLegalEntity>
 <cbc:CompanyID schemeID="0009">21690001900016</cbc:CompanyID></cac:PartyLegalEntity></cac:Party></cac:AccountingCustomerParty>
 <cac:LegalMonetaryTotal><cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
 <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount><cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount></cac:LegalMonetaryTotal>
</Invoice>"#;

    #[test]
    fn ubl_fields_are_read() {
        let read = read_flux(UBL.as_bytes(), "f.xml", Syntax::Ubl);
        let FileRead::Invoice(inv) = &read[0] else {
            panic!("{read:?}")
        };
        assert_eq!(inv.number, "F-001");
        assert_eq!(inv.buyer_siret, "21690001900016");
        assert_eq!(inv.seller_siret, "90000000000011");
        assert_eq!(inv.seller_name, "A & B");
        assert_eq!(inv.service_code, "SERV-FIN");
        assert_eq!(inv.engagement, "EJ-12");
        assert_eq!(inv.amount_ttc, "120.00");
        assert!(!inv.credit_note);
    }

    #[test]
    fn bad_files_are_reported_not_panicked() {
        for (bytes, syntax) in [
            (b"<Invoice><ID>1</Invoice>".as_slice(), Syntax::Ubl),
            (b"pas du xml".as_slice(), Syntax::Ubl),
            (b"%PDF-1.7 garbage".as_slice(), Syntax::FacturX),
            (b"PK\x03\x04garbage".as_slice(), Syntax::Ubl),
            (b"\x1f\x8bgarbage".as_slice(), Syntax::Ubl),
            (UBL.as_bytes(), Syntax::Cii),
        ] {
            let read = read_flux(bytes, "x", syntax);
            assert!(matches!(read[0], FileRead::Unreadable { .. }), "{read:?}");
        }
    }

    // ---- fuzzing: arbitrary and mutated files and archives never panic ------------------

    use proptest::prelude::*;
    use std::io::Write as _;

    const CII: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
 xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
 xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
 <rsm:ExchangedDocument><ram:ID>F-002</ram:ID><ram:TypeCode>380</ram:TypeCode>
 <ram:IssueDateTime><udt:DateTimeString format="102">20261102</udt:DateTimeString></ram:IssueDateTime></rsm:ExchangedDocument>
 <rsm:SupplyChainTradeTransaction><ram:ApplicableHeaderTradeAgreement><ram:BuyerReference>S1</ram:BuyerReference>
 <ram:SellerTradeParty><ram:Name>V</ram:Name><ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">90000000000011</ram:ID></ram:SpecifiedLegalOrganization></ram:SellerTradeParty>
 <ram:BuyerTradeParty><ram:Name>A</ram:Name><ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">21690001900016</ram:ID></ram:SpecifiedLegalOrganization></ram:BuyerTradeParty>
 </ram:ApplicableHeaderTradeAgreement><ram:ApplicableHeaderTradeSettlement><ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
 <ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:GrandTotalAmount>12.00</ram:GrandTotalAmount></ram:SpecifiedTradeSettlementHeaderMonetarySummation>
 </ram:ApplicableHeaderTradeSettlement></rsm:SupplyChainTradeTransaction></rsm:CrossIndustryInvoice>"#;

    /// What hurts an XML reader, inserted anywhere.
    const FRAGMENTS: &[&str] = &[
        "<",
        ">",
        "&",
        "&#x0;",
        "&#xFFFFFF;",
        "&#99999999999;",
        "&unknown;",
        "&amp",
        "]]>",
        "<![CDATA[",
        "<!--",
        "<?xml version=\"1.0\"?>",
        "</Invoice>",
        "<Invoice>",
        "<!DOCTYPE x [<!ENTITY a \"b\">]>",
        "\u{0}",
        "\u{FEFF}",
        "\u{FFFF}",
        "é",
        "\u{ff}",
        "<a:b:c>",
        "xmlns:=\"\"",
        "<cbc:ID>",
        "</cbc:ID>",
        "&lt;&gt;",
    ];

    fn zip_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, content) in files {
            // Names the writer refuses (empty, repeated) are left out.
            if out
                .start_file(name.as_str(), zip::write::SimpleFileOptions::default())
                .is_ok()
            {
                out.write_all(content).unwrap();
            }
        }
        out.finish().unwrap().into_inner()
    }

    fn tar_gz_of(files: &[(String, Vec<u8>)]) -> Vec<u8> {
        let gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let mut tar = tar::Builder::new(gz);
        for (name, content) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            // Names the writer refuses (empty, absolute) are left out.
            let _ = tar.append_data(&mut header, name.as_str(), content.as_slice());
        }
        tar.into_inner().unwrap().finish().unwrap()
    }

    /// An XML seed with fragments inserted, bytes flipped, and maybe cut short.
    fn mutated_xml() -> impl Strategy<Value = Vec<u8>> {
        (
            prop::sample::select(vec![UBL, CII]),
            prop::collection::vec(
                (
                    any::<prop::sample::Index>(),
                    prop::sample::select(FRAGMENTS),
                ),
                0..5,
            ),
            prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
            prop::option::of(any::<prop::sample::Index>()),
        )
            .prop_map(|(seed, inserts, flips, cut)| {
                let mut bytes = seed.as_bytes().to_vec();
                for (at, fragment) in inserts {
                    let i = at.index(bytes.len() + 1);
                    bytes.splice(i..i, fragment.bytes());
                }
                for (at, byte) in flips {
                    let i = at.index(bytes.len());
                    bytes[i] = byte;
                }
                if let Some(cut) = cut {
                    bytes.truncate(cut.index(bytes.len() + 1));
                }
                bytes
            })
    }

    fn syntaxes() -> impl Strategy<Value = Syntax> {
        prop::sample::select(vec![
            Syntax::Ubl,
            Syntax::Cii,
            Syntax::FacturX,
            Syntax::Lenient,
        ])
    }

    /// The rule: one result per file (at least one), each an invoice with a number or a
    /// reason in French.
    fn check(read: &[FileRead]) {
        assert!(!read.is_empty());
        for r in read {
            match r {
                FileRead::Invoice(inv) => assert!(!inv.number.is_empty()),
                FileRead::Unreadable { reason, .. } => assert!(!reason.trim().is_empty()),
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn mutated_xml_never_panics(xml in mutated_xml(), syntax in syntaxes()) {
            check(&read_flux(&xml, "f.xml", syntax));
        }

        #[test]
        fn archives_of_mutated_files_never_panic(
            files in prop::collection::vec(("[a-z._/]{0,12}", mutated_xml()), 0..4),
            gz in any::<bool>(),
            flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
            cut in prop::option::of(any::<prop::sample::Index>()),
            syntax in syntaxes(),
        ) {
            let mut bytes = if gz { tar_gz_of(&files) } else { zip_of(&files) };
            for (at, byte) in flips {
                let i = at.index(bytes.len());
                bytes[i] = byte;
            }
            if let Some(cut) = cut {
                bytes.truncate(cut.index(bytes.len() + 1).max(2));
            }
            check(&read_flux(&bytes, "lot.zip", syntax));
        }

        #[test]
        fn arbitrary_bytes_never_panic(
            prefix in prop::sample::select(vec![
                &b""[..],
                &b"PK\x03\x04"[..],
                &b"PK\x05\x06"[..],
                &b"\x1f\x8b"[..],
                &b"%PDF-1.7\n"[..],
                &b"\xEF\xBB\xBF<"[..],
            ]),
            body in prop::collection::vec(any::<u8>(), 0..512),
            syntax in syntaxes(),
        ) {
            let mut bytes = prefix.to_vec();
            bytes.extend(body);
            check(&read_flux(&bytes, "f", syntax));
        }
    }
}
