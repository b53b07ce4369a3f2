//! Factur-X: the ERP's PDF turned into a PDF/A-3 carrying `factur-x.xml` (profile EN 16931).
//! What PDF/A-3 and Factur-X 1.0 require of the container, added with lopdf:
//! - the XML as an embedded file stream (`/Subtype /text#2Fxml`, `/Params` with size and
//!   dates) behind a file specification with `/AFRelationship /Data`, listed both in the
//!   catalog's `/Names /EmbeddedFiles` tree and in its `/AF` array;
//! - an XMP metadata stream (uncompressed) declaring PDF/A-3B and the Factur-X extension;
//! - an sRGB OutputIntent (`GTS_PDFA1`) with its ICC profile;
//! - a trailer `/ID` and an Info dictionary matching the XMP.
//!
//! What we cannot do here: make the ERP's page content itself PDF/A (embedded fonts,
//! no transparency…). The demo PDFs embed their font; a PDF/A validator (veraPDF) is not
//! reachable from this machine, so the container is checked by the factur-x library only.

use super::xmp::{XmpInfo, packet};
use super::{EInvoiceError, InvoiceDocument, icc};
use chrono::NaiveDate;
use lopdf::{Dictionary, Document, Object, Stream, StringFormat};
use std::hash::{Hash, Hasher};

pub const XML_FILE_NAME: &str = "factur-x.xml";
const PRODUCER: &str = "Chorus Depot";

fn text(s: &str) -> Object {
    // PDF text strings: UTF-16BE with BOM as soon as there is a non-ASCII character.
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend(unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn pdf_date(d: NaiveDate) -> Object {
    Object::string_literal(format!("D:{}000000+00'00'", d.format("%Y%m%d")))
}

/// 16 bytes derived from the content: the trailer `/ID` PDF/A requires, stable for the same
/// input so that a regenerated file is byte-identical.
fn file_id(pdf: &[u8], xml: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(16);
    for seed in [0x9e37_79b9_u64, 0x85eb_ca6b] {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        seed.hash(&mut h);
        pdf.len().hash(&mut h);
        // Sampling keeps this cheap on big PDFs; the XML (which holds the invoice number,
        // the amounts and the date) is hashed whole.
        pdf.iter().step_by(97).for_each(|b| b.hash(&mut h));
        xml.hash(&mut h);
        out.extend(h.finish().to_be_bytes());
    }
    out
}

pub fn embed(
    doc: &InvoiceDocument,
    xml: &[u8],
    issue_date: NaiveDate,
) -> Result<Vec<u8>, EInvoiceError> {
    let pdf = doc
        .attachment
        .as_ref()
        .filter(|a| !a.bytes.is_empty())
        .ok_or(EInvoiceError::MissingPdf)?;
    let mut pdf_doc =
        Document::load_mem(&pdf.bytes).map_err(|e| EInvoiceError::BadPdf(e.to_string()))?;
    if pdf_doc.is_encrypted() {
        return Err(EInvoiceError::BadPdf("PDF chiffré".into()));
    }
    pdf_doc.version = "1.7".into();
    let date = pdf_date(issue_date);

    let mut params = Dictionary::new();
    params.set("Size", Object::Integer(xml.len() as i64));
    params.set("ModDate", date.clone());
    let mut ef_dict = Dictionary::new();
    ef_dict.set("Type", Object::Name(b"EmbeddedFile".to_vec()));
    ef_dict.set("Subtype", Object::Name(b"text/xml".to_vec()));
    ef_dict.set("Params", Object::Dictionary(params));
    let ef_id = pdf_doc.add_object(Stream::new(ef_dict, xml.to_vec()));

    let mut ef = Dictionary::new();
    ef.set("F", Object::Reference(ef_id));
    ef.set("UF", Object::Reference(ef_id));
    let mut filespec = Dictionary::new();
    filespec.set("Type", Object::Name(b"Filespec".to_vec()));
    filespec.set("F", Object::string_literal(XML_FILE_NAME));
    filespec.set("UF", Object::string_literal(XML_FILE_NAME));
    filespec.set("Desc", Object::string_literal("Factur-X Invoice"));
    filespec.set("AFRelationship", Object::Name(b"Data".to_vec()));
    filespec.set("EF", Object::Dictionary(ef));
    let filespec_id = pdf_doc.add_object(filespec);

    let invoice = &doc.invoice;
    let title = format!(
        "{} : {} {}",
        doc.seller.name.trim(),
        invoice.kind.label(),
        invoice.number.trim()
    );
    let xmp_date = format!("{}T00:00:00+00:00", issue_date.format("%Y-%m-%d"));
    let xmp = packet(&XmpInfo {
        title: &title,
        author: doc.seller.name.trim(),
        producer: PRODUCER,
        date: &xmp_date,
    });
    let mut meta = Dictionary::new();
    meta.set("Type", Object::Name(b"Metadata".to_vec()));
    meta.set("Subtype", Object::Name(b"XML".to_vec()));
    // PDF/A: the metadata stream must stay readable without decoding.
    let meta_id = pdf_doc.add_object(Stream::new(meta, xmp.into_bytes()).with_compression(false));

    let profile = icc::srgb_profile();
    let mut icc_dict = Dictionary::new();
    icc_dict.set("N", Object::Integer(3));
    let icc_id = pdf_doc.add_object(Stream::new(icc_dict, profile));
    let mut intent = Dictionary::new();
    intent.set("Type", Object::Name(b"OutputIntent".to_vec()));
    intent.set("S", Object::Name(b"GTS_PDFA1".to_vec()));
    intent.set(
        "OutputConditionIdentifier",
        Object::string_literal("sRGB IEC61966-2.1"),
    );
    intent.set(
        "RegistryName",
        Object::string_literal("http://www.color.org"),
    );
    intent.set("Info", Object::string_literal("sRGB IEC61966-2.1"));
    intent.set("DestOutputProfile", Object::Reference(icc_id));
    let intent_id = pdf_doc.add_object(intent);

    let mut info = Dictionary::new();
    info.set("Title", text(&title));
    info.set("Author", text(doc.seller.name.trim()));
    info.set("Subject", text(&title));
    info.set("Creator", text(PRODUCER));
    info.set("Producer", text(PRODUCER));
    info.set("CreationDate", date.clone());
    info.set("ModDate", date);
    let info_id = pdf_doc.add_object(info);

    let mut names_tree = Dictionary::new();
    names_tree.set(
        "Names",
        Object::Array(vec![
            Object::string_literal(XML_FILE_NAME),
            Object::Reference(filespec_id),
        ]),
    );
    let catalog = pdf_doc
        .catalog_mut()
        .map_err(|e| EInvoiceError::BadPdf(format!("catalogue introuvable : {e}")))?;
    // Any earlier Names entry (destinations…) is kept; only EmbeddedFiles is replaced.
    let mut names = match catalog.get(b"Names") {
        Ok(Object::Dictionary(d)) => d.clone(),
        _ => Dictionary::new(),
    };
    names.set("EmbeddedFiles", Object::Dictionary(names_tree));
    catalog.set("Names", Object::Dictionary(names));
    catalog.set("AF", Object::Array(vec![Object::Reference(filespec_id)]));
    catalog.set("Metadata", Object::Reference(meta_id));
    catalog.set(
        "OutputIntents",
        Object::Array(vec![Object::Reference(intent_id)]),
    );
    catalog.set("PageMode", Object::Name(b"UseAttachments".to_vec()));
    catalog.set("MarkInfo", {
        let mut m = Dictionary::new();
        m.set("Marked", Object::Boolean(true));
        Object::Dictionary(m)
    });

    let id = Object::String(file_id(&pdf.bytes, xml), StringFormat::Hexadecimal);
    pdf_doc
        .trailer
        .set("ID", Object::Array(vec![id.clone(), id]));
    pdf_doc.trailer.set("Info", Object::Reference(info_id));

    let mut out = Vec::with_capacity(pdf.bytes.len() + xml.len() + 8 * 1024);
    pdf_doc
        .save_to(&mut out)
        .map_err(|e| EInvoiceError::PdfWrite(e.to_string()))?;
    Ok(out)
}
