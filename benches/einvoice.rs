//! E-invoice figures: the EN 16931 conformance of one invoice (mapping + rules, no XML) and
//! of 100,000 on all cores, writing a Factur-X (side by side with the Python factur-x
//! library's `generate_from_binary` on the same PDF and XML), and building a lot of 500
//! invoices.
//!
//! `cargo bench --bench einvoice`. The Python figure needs `target/validators-venv` (made by
//! the conformance tests); without it the comparison is skipped.

use chorus_depot::einvoice::{self, Attachment, Format, InvoiceDocument};
use chorus_depot::model::{
    Client, ClientType, Company, Invoice, InvoiceKind, InvoiceLine, VatCategory,
};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use std::path::Path;
use std::process::Command;

fn document(number: &str, pdf: &[u8]) -> InvoiceDocument {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 2).unwrap();
    let lines = (1..=5)
        .map(|n| InvoiceLine {
            invoice_number: number.into(),
            line_number: n,
            label: format!("Prestation n° {n} — maintenance"),
            quantity: Decimal::from(n),
            unit: "H".into(),
            unit_price: Decimal::new(8550, 2),
            vat_rate: Decimal::from(20),
            line_total: Decimal::from(n) * Decimal::new(8550, 2),
            vat_category: VatCategory::Standard,
            exemption_reason: String::new(),
        })
        .collect();
    InvoiceDocument {
        invoice: Invoice {
            number: number.into(),
            company_code: "SIEGE".into(),
            client_code: "C001".into(),
            kind: InvoiceKind::Invoice,
            invoice_date: date,
            due_date: Some(date),
            currency: "EUR".into(),
            total_excl_tax: Decimal::ZERO,
            total_tax: Decimal::ZERO,
            total_incl_tax: Decimal::ZERO,
            service_code: "SERV".into(),
            engagement_number: "EJ1".into(),
            market_number: "M1".into(),
            origin_reference: String::new(),
            pdf_path: String::new(),
            original_invoice_number: String::new(),
            payment_means: "VIREMENT".into(),
            billing_frame: String::new(),
        },
        lines,
        seller: Company {
            code: "SIEGE".into(),
            name: "Bureautique Rhône SAS".into(),
            siret: "41234567000019".into(),
            vat_number: "FR32412345679".into(),
            iban: "FR7630006000011234567890189".into(),
            bic: "AGRIFRPP".into(),
            ..Company::default()
        },
        buyer: Client {
            code: "C001".into(),
            name: "Commune de Villeurbanne".into(),
            siret: "21690123100011".into(),
            client_type: ClientType::Public,
            address: String::new(),
            postal_code: "69100".into(),
            city: "Villeurbanne".into(),
            email: String::new(),
        },
        service_code: "SERV".into(),
        engagement_number: "EJ1".into(),
        market_number: "M1".into(),
        preceding_invoice: None,
        attachment: Some(Attachment {
            file_name: "F.pdf".into(),
            mime: "application/pdf".into(),
            bytes: pdf.to_vec(),
        }),
        allowances_charges: Vec::new(),
        line_allowances: Vec::new(),
    }
}

/// Milliseconds per `generate_from_binary` call, measured by Python itself.
fn python_facturx_ms(pdf: &Path, xml: &Path) -> Option<f64> {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/validators-venv/bin/python");
    let script = format!(
        "import timeit, facturx, logging\n\
         logging.disable(logging.CRITICAL)\n\
         pdf=open({pdf:?},'rb').read(); xml=open({xml:?},'rb').read()\n\
         f=lambda: facturx.generate_from_binary(pdf, xml, check_xsd=False)\n\
         f(); n=50; print(timeit.timeit(f, number=n)/n*1000)",
        pdf = pdf.display().to_string(),
        xml = xml.display().to_string()
    );
    let out = Command::new(python).args(["-c", &script]).output().ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// `conformance` per invoice, and for 100,000 invoices (1 to 5 lines, taken from a pool of
/// 1,000 distinct documents) on the rayon pool: the checks run it on every invoice.
fn bench_conformance(c: &mut Criterion, pdf: &[u8]) {
    use rayon::prelude::*;
    use std::hint::black_box;
    let five = document("F2600001", pdf);
    let mut one = five.clone();
    one.lines.truncate(1);
    assert!(einvoice::conformance(&five, Format::FacturX).is_empty());
    c.bench_function("conformance_1_line_ubl", |b| {
        b.iter(|| einvoice::conformance(black_box(&one), Format::Ubl))
    });
    c.bench_function("conformance_5_lines_ubl", |b| {
        b.iter(|| einvoice::conformance(black_box(&five), Format::Ubl))
    });
    c.bench_function("conformance_5_lines_facturx", |b| {
        b.iter(|| einvoice::conformance(black_box(&five), Format::FacturX))
    });
    let mut broken = five.clone();
    broken.seller.vat_number.clear();
    broken.lines[1].vat_rate = Decimal::ZERO;
    c.bench_function("conformance_5_lines_with_findings", |b| {
        b.iter(|| einvoice::conformance(black_box(&broken), Format::Cii))
    });
    let tiny_pdf = b"%PDF-1.4";
    let pool: Vec<InvoiceDocument> = (0..1000)
        .map(|i| {
            let mut d = document(&format!("F26{i:05}"), tiny_pdf);
            d.lines.truncate(i % 5 + 1);
            d
        })
        .collect();
    let mut group = c.benchmark_group("conformance_100k");
    group.sample_size(10);
    group.bench_function("100000_invoices_all_cores", |b| {
        b.iter(|| {
            (0..100_000usize)
                .into_par_iter()
                .map(|i| einvoice::conformance(&pool[i % pool.len()], Format::FacturX).len())
                .sum::<usize>()
        })
    });
    group.finish();
    println!("rayon threads: {}", rayon::current_num_threads());
}

fn bench(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pdf_path = root.join("tests/fixtures/erp_small/pdf/F2600001.pdf");
    let pdf = std::fs::read(&pdf_path).unwrap();
    bench_conformance(c, &pdf);
    let doc = document("F2600001", &pdf);
    let date = doc.invoice.invoice_date;
    let xml = einvoice::facturx_xml(&doc, None).unwrap();

    c.bench_function("facturx_embed_same_pdf_and_xml", |b| {
        b.iter(|| einvoice::facturx_pdf(&doc, xml.as_bytes(), date).unwrap())
    });
    c.bench_function("facturx_render_from_document", |b| {
        b.iter(|| einvoice::render(&doc, Format::FacturX, None).unwrap())
    });

    let tmp = std::env::temp_dir().join("chorus-depot-bench-einvoice");
    std::fs::create_dir_all(&tmp).unwrap();
    let xml_path = tmp.join("factur-x.xml");
    std::fs::write(&xml_path, &xml).unwrap();
    match python_facturx_ms(&pdf_path, &xml_path) {
        Some(ms) => {
            println!("python factur-x generate_from_binary (check_xsd=False): {ms:.3} ms/op")
        }
        None => println!("python factur-x: not measured (no target/validators-venv)"),
    }

    let docs: Vec<InvoiceDocument> = (0..500)
        .map(|i| document(&format!("F26{i:05}"), &pdf))
        .collect();
    let files: Vec<_> = docs
        .iter()
        .map(|d| einvoice::render(d, Format::Ubl, None).unwrap())
        .collect();
    let mut group = c.benchmark_group("lot_500");
    group.sample_size(10);
    group.bench_function("tar_gz_of_500_ubl_files", |b| {
        b.iter(|| einvoice::lot::build(&files).unwrap())
    });
    group.bench_function("render_500_ubl_and_tar_gz", |b| {
        b.iter(|| {
            let files: Vec<_> = docs
                .iter()
                .map(|d| einvoice::render(d, Format::Ubl, None).unwrap())
                .collect();
            einvoice::lot::build(&files).unwrap()
        })
    });
    group.bench_function("render_500_facturx_and_tar_gz", |b| {
        b.iter(|| {
            let files: Vec<_> = docs
                .iter()
                .map(|d| einvoice::render(d, Format::FacturX, None).unwrap())
                .collect();
            einvoice::lot::build(&files).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
