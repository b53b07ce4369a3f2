//! Building the status tree of the « Gestionnaire Chorus Pro » for 100,000 invoices
//! (issue 4: under 50 ms): 3 companies, 400 clients, every stage represented.

use chorus_depot::model::InvoiceKind;
use chorus_depot::model::status::InvoiceStatus;
use chorus_depot::tracking::{Stage, TrackedInvoice, TreeFilter, build_tree};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use std::hint::black_box;

fn invoices(n: usize) -> Vec<TrackedInvoice> {
    let stages = [
        Stage::ToDeposit,
        Stage::InAnomaly,
        Stage::FluxInProgress,
        Stage::Chorus(InvoiceStatus::Deposited),
        Stage::Chorus(InvoiceStatus::MadeAvailable),
        Stage::Chorus(InvoiceStatus::ToRecycle),
        Stage::Chorus(InvoiceStatus::Suspended),
        Stage::Chorus(InvoiceStatus::ServiceDone),
        Stage::Chorus(InvoiceStatus::Mandated),
        Stage::Chorus(InvoiceStatus::PaymentIssued),
        Stage::Chorus(InvoiceStatus::PaymentIssued),
        Stage::Chorus(InvoiceStatus::PaymentIssued),
    ];
    (0..n)
        .map(|i| TrackedInvoice {
            number: format!("{:07}", 2_500_000 + (i * 7919) % n),
            company_code: format!("ETAB{}", i % 3),
            company_name: format!("Établissement {}", i % 3),
            client_code: format!("CL{:04}", (i * 31) % 400),
            client_name: format!("Commune numéro {}", (i * 31) % 400),
            kind: if i % 13 == 0 {
                InvoiceKind::CreditNote
            } else {
                InvoiceKind::Invoice
            },
            invoice_date: chrono::NaiveDate::from_ymd_opt(2026, 1 + (i % 12) as u32, 1).unwrap(),
            deposit_date: None,
            amount_incl_tax: Decimal::new(10_000 + (i as i64 * 37) % 900_000, 2),
            stage: stages[i % stages.len()].clone(),
            outstanding: Decimal::ZERO,
            erp_payment_unconfirmed: false,
        })
        .collect()
}

fn status_tree(c: &mut Criterion) {
    let rows = invoices(100_000);
    let tree = build_tree(&rows, &TreeFilter::default());
    assert_eq!(tree.totals.count, 100_000);
    let mut group = c.benchmark_group("status_tree");
    group.bench_function("build_100k_invoices", |b| {
        b.iter(|| black_box(build_tree(&rows, &TreeFilter::default())))
    });
    let filter = TreeFilter {
        kind: Some(InvoiceKind::Invoice),
        text: chorus_depot::model::french_text::TextQuery::new("25"),
        ..TreeFilter::default()
    };
    group.bench_function("build_100k_invoices_filtered", |b| {
        b.iter(|| black_box(build_tree(&rows, &filter)))
    });
    group.finish();
}

criterion_group!(benches, status_tree);
criterion_main!(benches);
