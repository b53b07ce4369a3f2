//! Time in the sandbox: when a flux is integrated and how each invoice moves along its life.
//!
//! Every future step is planned with an absolute (real) time as soon as it becomes known;
//! the current status is simply the last step whose time has passed. No background thread,
//! and a restarted sandbox picks up where it was.
//!
//! Base durations, in sandbox time (divided by `--time-scale` in real time):
//! flux integration 60 s; DEPOSEE → MISE_A_DISPOSITION 1 h; → SERVICE_FAIT about 2 days;
//! → MANDATEE about 5 days; → MISE_EN_PAIEMENT about 3 days (±50 %, from the invoice
//! number). The few invoices that go A_RECYCLER, SUSPENDUE or REJETEE do so about 1 day
//! after MISE_A_DISPOSITION. After `recycler`: DEPOSEE now, then the normal path; after
//! `completer`: COMPLETEE now, then SERVICE_FAIT, MANDATEE, MISE_EN_PAIEMENT.

use super::faults::{hash_text, mix};
use serde::{Deserialize, Serialize};

pub const FLUX_INTEGRATION_SECS: f64 = 60.0;
const HOUR: f64 = 3600.0;
const DAY: f64 = 86_400.0;

/// One status an invoice reached (or will reach at `at_ms`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Step {
    pub status: String,
    pub at_ms: i64,
    pub comment: String,
}

/// Where an invoice's first pass ends, from the seed and its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Paid,
    ToRecycle,
    Suspended,
    Rejected,
}

impl Fate {
    pub fn status(self) -> &'static str {
        match self {
            Fate::Paid => "MISE_EN_PAIEMENT",
            Fate::ToRecycle => "A_RECYCLER",
            Fate::Suspended => "SUSPENDUE",
            Fate::Rejected => "REJETEE",
        }
    }
}

fn draw(seed: u64, number: &str, salt: u64) -> u64 {
    mix(seed ^ mix(hash_text(number) ^ salt))
}

/// 84 % paid, 6 % to recycle, 6 % suspended, 4 % rejected.
pub fn fate(seed: u64, number: &str) -> Fate {
    match draw(seed, number, 1) % 100 {
        0..=5 => Fate::ToRecycle,
        6..=11 => Fate::Suspended,
        12..=15 => Fate::Rejected,
        _ => Fate::Paid,
    }
}

/// Real milliseconds for a sandbox duration.
pub fn real_ms(sandbox_secs: f64, time_scale: f64) -> i64 {
    ((sandbox_secs * 1000.0) / time_scale).round().max(0.0) as i64
}

/// A duration of `base` ±50 %, from the invoice number.
fn jitter(seed: u64, number: &str, salt: u64, base: f64) -> f64 {
    let u = (draw(seed, number, salt) % 1000) as f64 / 1000.0;
    base * (0.5 + u)
}

const RECYCLE_COMMENTS: &[&str] = &[
    "Le service indiqué ne traite pas cette facture : merci de la recycler vers le service Achats.",
    "Code service erroné : la facture doit être adressée au service gestionnaire du marché.",
];
const SUSPEND_COMMENTS: &[&str] = &[
    "Pièce justificative manquante : merci de joindre le bon de livraison signé.",
    "Le procès-verbal de réception des travaux n'est pas joint : merci de compléter la facture.",
];
const REJECT_COMMENTS: &[&str] = &[
    "Facture rejetée : la prestation facturée ne correspond à aucune commande de nos services.",
    "Facture rejetée : le montant ne correspond pas au devis accepté, merci d'émettre un avoir.",
];

fn pick(seed: u64, number: &str, list: &[&'static str]) -> String {
    list[(draw(seed, number, 7) % list.len() as u64) as usize].to_string()
}

/// The first life of an invoice integrated at `start_ms`.
pub fn first_plan(seed: u64, number: &str, start_ms: i64, scale: f64) -> Vec<Step> {
    let mut steps = Vec::new();
    let mut t = start_ms;
    let mut push = |status: &str, delay: f64, comment: String, t: &mut i64| {
        *t += real_ms(delay, scale);
        steps.push(Step {
            status: status.into(),
            at_ms: *t,
            comment,
        });
    };
    push("DEPOSEE", 0.0, String::new(), &mut t);
    push("MISE_A_DISPOSITION", HOUR, String::new(), &mut t);
    let deviation = jitter(seed, number, 2, DAY);
    match fate(seed, number) {
        Fate::ToRecycle => push(
            "A_RECYCLER",
            deviation,
            pick(seed, number, RECYCLE_COMMENTS),
            &mut t,
        ),
        Fate::Suspended => push(
            "SUSPENDUE",
            deviation,
            pick(seed, number, SUSPEND_COMMENTS),
            &mut t,
        ),
        Fate::Rejected => push(
            "REJETEE",
            deviation,
            pick(seed, number, REJECT_COMMENTS),
            &mut t,
        ),
        Fate::Paid => {
            steps.extend(paid_path(seed, number, t, scale));
        }
    }
    steps
}

/// SERVICE_FAIT → MANDATEE → MISE_EN_PAIEMENT after `from_ms`.
fn paid_path(seed: u64, number: &str, from_ms: i64, scale: f64) -> Vec<Step> {
    let mut t = from_ms;
    [
        ("SERVICE_FAIT", jitter(seed, number, 3, 2.0 * DAY)),
        ("MANDATEE", jitter(seed, number, 4, 5.0 * DAY)),
        ("MISE_EN_PAIEMENT", jitter(seed, number, 5, 3.0 * DAY)),
    ]
    .into_iter()
    .map(|(status, delay)| {
        t += real_ms(delay, scale);
        Step {
            status: status.into(),
            at_ms: t,
            comment: String::new(),
        }
    })
    .collect()
}

/// After `recycler` at `now_ms`: back to DEPOSEE, then the normal path to payment.
pub fn recycled_plan(seed: u64, number: &str, now_ms: i64, scale: f64, comment: &str) -> Vec<Step> {
    let mut steps = vec![
        Step {
            status: "DEPOSEE".into(),
            at_ms: now_ms,
            comment: comment.to_string(),
        },
        Step {
            status: "MISE_A_DISPOSITION".into(),
            at_ms: now_ms + real_ms(HOUR, scale),
            comment: String::new(),
        },
    ];
    let from = steps[1].at_ms;
    steps.extend(paid_path(seed, number, from, scale));
    steps
}

/// After `completer` at `now_ms`: COMPLETEE, then the normal path to payment.
pub fn completed_plan(
    seed: u64,
    number: &str,
    now_ms: i64,
    scale: f64,
    comment: &str,
) -> Vec<Step> {
    let mut steps = vec![Step {
        status: "COMPLETEE".into(),
        at_ms: now_ms,
        comment: comment.to_string(),
    }];
    steps.extend(paid_path(seed, number, now_ms, scale));
    steps
}

/// The steps reached at `now_ms`.
pub fn reached(steps: &[Step], now_ms: i64) -> &[Step] {
    let n = steps.iter().take_while(|s| s.at_ms <= now_ms).count();
    &steps[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_invoices_are_paid_and_plans_are_ordered() {
        let paid = (0..1000)
            .filter(|i| fate(42, &format!("F{i:04}")) == Fate::Paid)
            .count();
        assert!((780..900).contains(&paid), "{paid}");
        for i in 0..200 {
            let number = format!("F{i:04}");
            let plan = first_plan(42, &number, 1_000, 1000.0);
            assert_eq!(plan[0].status, "DEPOSEE");
            assert!(plan.windows(2).all(|w| w[0].at_ms <= w[1].at_ms));
            assert_eq!(
                plan.last().map(|s| s.status.as_str()),
                Some(fate(42, &number).status())
            );
            assert_eq!(plan, first_plan(42, &number, 1_000, 1000.0));
        }
        // Time scale 1000: a day in 86.4 s.
        assert_eq!(real_ms(DAY, 1000.0), 86_400);
    }
}
