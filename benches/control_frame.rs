//! CPU cost of one frame of the control screen with 100,000 invoices (issue 2: < 4 ms).
//!
//! A frame is what eframe does on the CPU each time it repaints: egui's pass over the
//! whole window (toolbar, both tables, status bar) and the tessellation of its shapes
//! into triangles. Only the GPU upload and draw are left out. The report is built in
//! memory: one invoice in ten has anomalies, as in the demo.

use chorus_depot::app::CheckReport;
use chorus_depot::checks::{
    Anomaly, AnomalyCode, BillingData, DirectoryFlags, InvoiceCheck, PdfState, Resolved, Source,
};
use chorus_depot::model::{Invoice, InvoiceKind};
use chorus_depot::ui::ChorusDepotApp;
use criterion::{Criterion, criterion_group, criterion_main};
use rust_decimal::Decimal;
use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

fn resolved(value: String) -> Resolved {
    Resolved {
        value,
        source: Source::Invoice,
    }
}

fn report(n: usize) -> CheckReport {
    let date = chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap();
    let checks = (0..n)
        .map(|i| {
            let anomalies = if i % 10 == 3 {
                vec![
                    Anomaly::new(
                        AnomalyCode::ServiceInconnu,
                        format!("Le service SERV{i} n'existe pas dans l'annuaire Chorus"),
                    ),
                    Anomaly::new(
                        AnomalyCode::PdfIntrouvable,
                        "Le fichier PDF de la facture est introuvable",
                    ),
                ]
            } else {
                Vec::new()
            };
            InvoiceCheck {
                invoice: Invoice {
                    number: format!("{:07}", 2_600_000 + i),
                    company_code: "SIEGE".into(),
                    client_code: format!("C{:03}", i % 150),
                    kind: InvoiceKind::Invoice,
                    invoice_date: date,
                    due_date: None,
                    currency: "EUR".into(),
                    total_excl_tax: Decimal::new(100_000 + i as i64, 2),
                    total_tax: Decimal::new(20_000, 2),
                    total_incl_tax: Decimal::new(120_000 + i as i64, 2),
                    service_code: String::new(),
                    engagement_number: String::new(),
                    market_number: String::new(),
                    origin_reference: String::new(),
                    pdf_path: format!("/factures/{i}.pdf"),
                    original_invoice_number: String::new(),
                    payment_means: "VIREMENT".into(),
                    billing_frame: "A1_FACTURE_FOURNISSEUR".into(),
                },
                client_name: format!("Commune numéro {}", i % 150),
                client_siret: format!("{:014}", 21_690_123_100_011u64 + (i % 150) as u64),
                billing: BillingData {
                    service_code: resolved("SERV-FINANCES".into()),
                    engagement_number: resolved(format!("EJ{:010}", i)),
                    market_number: resolved("2026-AO-112".into()),
                },
                flags: DirectoryFlags {
                    structure: Some([true, i % 3 == 0, true, false]),
                    service: Some([true, false]),
                },
                pdf: PdfState::Readable { pages: 1 },
                anomalies,
                overridden: Vec::new(),
                fingerprint: i as u64,
            }
        })
        .collect();
    CheckReport {
        checks,
        companies: Vec::new(),
        directory: None,
        environment: Default::default(),
        deposited: Default::default(),
        format: chorus_depot::einvoice::Format::FacturX,
        verdicts: Default::default(),
        freshness: None,
        elapsed: Duration::ZERO,
    }
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

fn control_frame(c: &mut Criterion) {
    let ctx = egui::Context::default();
    let dir = tempfile::tempdir().unwrap();
    let mut app = ChorusDepotApp::idle(dir.path().join("absent.sqlite"), &ctx);
    app.session.report = Some(Arc::new(report(100_000)));
    app.session.report_generation += 1;
    // The first frames build the tables' model and fill egui's caches.
    for _ in 0..5 {
        frame(&ctx, &mut app);
    }
    let model = app.control.as_ref().expect("model built");
    assert_eq!(model.conformant.len() + model.anomalous.len(), 100_000);

    let mut group = c.benchmark_group("control_frame");
    group.bench_function("100k_invoices", |b| b.iter(|| frame(&ctx, &mut app)));
    group.finish();
}

criterion_group!(benches, control_frame);
criterion_main!(benches);
