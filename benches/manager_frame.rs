//! CPU cost of one frame of the « Gestionnaire Chorus Pro » with 100,000 invoices: egui's
//! pass over the whole window (toolbar, the tree drawn row by row, status bar) plus the
//! tessellation, as in `control_frame`. Measured with the tree as it opens (companies
//! open) and fully open (100,000 invoice rows, of which only the visible are drawn).

use chorus_depot::app::manager_data::ManagerData;
use chorus_depot::model::InvoiceKind;
use chorus_depot::model::status::InvoiceStatus;
use chorus_depot::tracking::{Stage, TrackedInvoice};
use chorus_depot::ui::{ChorusDepotApp, Tab};
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use std::hint::black_box;
use std::sync::Arc;

fn invoices(n: usize) -> Vec<TrackedInvoice> {
    let stages = [
        Stage::ToDeposit,
        Stage::InAnomaly,
        Stage::Chorus(InvoiceStatus::MadeAvailable),
        Stage::Chorus(InvoiceStatus::ToRecycle),
        Stage::Chorus(InvoiceStatus::ServiceDone),
        Stage::Chorus(InvoiceStatus::PaymentIssued),
    ];
    (0..n)
        .map(|i| TrackedInvoice {
            number: format!("{:07}", 2_500_000 + i),
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
            deposit_date: chrono::NaiveDate::from_ymd_opt(2026, 11, 1 + (i % 20) as u32),
            amount_incl_tax: Decimal::new(10_000 + (i as i64 * 37) % 900_000, 2),
            stage: stages[i % stages.len()].clone(),
            outstanding: Decimal::ZERO,
            erp_payment_unconfirmed: false,
        })
        .collect()
}

fn frame(ctx: &egui::Context, app: &mut ChorusDepotApp) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1440.0, 880.0),
        )),
        ..Default::default()
    };
    let output = ctx.run_ui(input, |ui| app.show(ui));
    let primitives = ctx.tessellate(output.shapes, output.pixels_per_point);
    black_box(primitives);
}

fn manager_frame(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let dir = tempfile::tempdir().unwrap();
    let mut app = ChorusDepotApp::idle(dir.path().join("absent.sqlite"), &ctx);
    app.session.manager = Some(Arc::new(ManagerData {
        invoices: invoices(100_000),
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        ..ManagerData::default()
    }));
    app.session.manager_generation += 1;
    app.tab = Tab::Manager;
    // The first frames build the tree and fill egui's caches.
    for _ in 0..5 {
        frame(&ctx, &mut app);
    }
    assert_eq!(app.manager.tree.tree.totals.count, 100_000);

    let mut group = c.benchmark_group("manager_frame");
    group.bench_function("100k_invoices_companies_open", |b| {
        b.iter(|| frame(&ctx, &mut app))
    });
    app.manager.tree.open_all(true);
    frame(&ctx, &mut app);
    assert!(app.manager.tree.rows.len() > 100_000);
    group.bench_function("100k_invoices_all_open", |b| {
        b.iter(|| frame(&ctx, &mut app))
    });
    group.finish();
}

criterion_group!(benches, manager_frame);
criterion_main!(benches);
