//! The reminder letter (« lettre de relance ») to a public buyer that pays late: one A4
//! page naming the invoice, its Chorus Pro number, the deposit and due dates, the amount
//! due, the days late, the estimated late-payment interest and the recovery indemnity.
//!
//! Drawn with lopdf and the standard Helvetica fonts in WinAnsiEncoding (no embedded font,
//! every French character and `€` print), text encoded and wrapped with the helpers of the
//! demo invoices.
//!
//! Legal wording: art. L.2192-13 (interest and indemnity due of right on late payment),
//! D.2192-35 (the 40 € indemnity), R.2192-10 / R.2192-11 (the delay of the buyer's
//! category) of the code de la commande publique, as checked (README « Payments »); the
//! company's lawyer should still read the letter once before it is used.

use super::payments::{PaymentRow, PaymentSettings, PaymentState, payment_rows};
use crate::model::{format_date, format_money};
use crate::pdf_page::{win_ansi, wrap};
use crate::store::payments::{PostalParty, SenderDetails, client_address, sender_of};
use crate::store::sql::Sql;
use chrono::NaiveDate;
use lopdf::content::{Content, Operation};
use lopdf::{Document, Object, StringFormat};
use rust_decimal::Decimal;

/// A name and the lines of its postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LetterParty {
    pub name: String,
    pub address: Vec<String>,
}

impl LetterParty {
    /// Name, street, « code postal ville », empty lines left out.
    pub fn from_postal(p: &PostalParty) -> LetterParty {
        let town = format!("{} {}", p.postal_code.trim(), p.city.trim())
            .trim()
            .to_string();
        LetterParty {
            name: p.name.trim().to_string(),
            address: [p.address.trim().to_string(), town]
                .into_iter()
                .filter(|l| !l.is_empty())
                .collect(),
        }
    }
}

/// Everything the letter says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelanceLetter {
    /// Our company.
    pub sender: LetterParty,
    pub sender_siret: String,
    pub sender_iban: String,
    pub sender_bic: String,
    /// The public buyer.
    pub recipient: LetterParty,
    /// « Fait à … »: the company's town.
    pub place: String,
    pub date: NaiveDate,
    pub invoice_number: String,
    pub invoice_date: NaiveDate,
    /// identifiantFactureCPP; `None` prints « non communiqué ».
    pub chorus_number: Option<i64>,
    pub deposit_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub delay_days: u32,
    /// Where the delay comes from, for the letter: « article R.2192-11 1° du code de la
    /// commande publique »; empty for a delay set for the client (its contract's).
    pub delay_basis: String,
    pub currency: String,
    pub amount_incl_tax: Decimal,
    /// Payments and credit notes already received.
    pub already_settled: Decimal,
    /// What is left to pay on the invoice itself.
    pub amount_due: Decimal,
    /// Set when the invoice was paid, late: the letter then claims only the penalties.
    pub paid_on: Option<NaiveDate>,
    pub days_late: i64,
    /// Annual rate, percent.
    pub interest_rate_percent: Decimal,
    pub interest: Decimal,
    pub indemnity: Decimal,
}

impl RelanceLetter {
    /// Amount due, interest and indemnity.
    pub fn total_claimed(&self) -> Decimal {
        self.amount_due + self.interest + self.indemnity
    }

    /// The letter for a computed payment row, from `sender` (the company, as stored) to
    /// `recipient`, dated `date` and placed in the company's town.
    pub fn from_row(
        row: &PaymentRow,
        settings: &PaymentSettings,
        sender: &SenderDetails,
        recipient: LetterParty,
        date: NaiveDate,
    ) -> RelanceLetter {
        RelanceLetter {
            sender: LetterParty::from_postal(&sender.party),
            sender_siret: sender.siret.trim().to_string(),
            sender_iban: sender.iban.trim().to_string(),
            sender_bic: sender.bic.trim().to_string(),
            recipient,
            place: sender.party.city.trim().to_string(),
            date,
            invoice_number: row.number.clone(),
            invoice_date: row.invoice_date,
            chorus_number: row.cpp_id,
            deposit_date: row.deposit_date,
            due_date: row.due_date,
            delay_days: row.delay_days,
            delay_basis: if row.terms.delay_overridden {
                String::new()
            } else {
                format!(
                    "{} du code de la commande publique",
                    row.terms.category.article().replace("art. ", "article ")
                )
            },
            currency: row.currency.clone(),
            amount_incl_tax: row.amount_incl_tax,
            already_settled: row.paid_amount + row.credited_amount,
            amount_due: if row.paid {
                Decimal::ZERO
            } else {
                row.outstanding
            },
            paid_on: if row.paid { row.paid_on } else { None },
            days_late: row.days_late,
            interest_rate_percent: settings.interest_rate_percent,
            interest: row.interest,
            indemnity: row.indemnity,
        }
    }
}

/// Why no letter could be made.
#[derive(Debug, thiserror::Error)]
pub enum RelanceError {
    #[error("la facture {0} est introuvable parmi les factures des clients publics")]
    UnknownInvoice(String),
    #[error("{0} est un avoir : il n'y a rien à relancer")]
    CreditNote(String),
    #[error(
        "la facture {0} n'a pas de date de dépôt connue sur Chorus Pro : son échéance ne peut pas être calculée"
    )]
    NoDepositDate(String),
    #[error("la facture {0} n'est pas en retard de paiement ({1})")]
    NotLate(String, String),
    #[error(
        "la facture {0} a un règlement dans l'ERP alors que Chorus Pro ne montre aucune mise en paiement ({1}) : vérifiez le règlement avant de relancer"
    )]
    ErpPaymentUnconfirmed(String, String),
    #[error("la société émettrice {0} est introuvable dans la base")]
    UnknownCompany(String),
    #[error("{0}")]
    Store(#[from] crate::store::sql::SqlError),
    #[error("écriture du PDF de la relance impossible : {0}")]
    Pdf(#[from] lopdf::Error),
}

/// The reminder letter for one invoice, from the database: ERP mirror for the parties,
/// Chorus Pro tables for the deposit, payments for what is due on `today`.
pub fn relance_letter(
    conn: &dyn Sql,
    invoice_number: &str,
    settings: &PaymentSettings,
    today: NaiveDate,
) -> Result<RelanceLetter, RelanceError> {
    let number = invoice_number.trim();
    let rows = payment_rows(conn, settings, today)?;
    let row = rows
        .iter()
        .find(|r| r.number == number)
        .ok_or_else(|| RelanceError::UnknownInvoice(number.to_string()))?;
    match row.state {
        PaymentState::CreditNote => return Err(RelanceError::CreditNote(row.number.clone())),
        PaymentState::DepositDateUnknown | PaymentState::NotDeposited => {
            return Err(RelanceError::NoDepositDate(row.number.clone()));
        }
        // A letter must not claim what the ERP says was paid, nor ignore Chorus Pro.
        _ if row.erp_payment_unconfirmed => {
            return Err(RelanceError::ErpPaymentUnconfirmed(
                row.number.clone(),
                row.chorus_status
                    .as_ref()
                    .map(|s| s.label().to_lowercase())
                    .unwrap_or_default(),
            ));
        }
        _ if row.days_late <= 0 => {
            return Err(RelanceError::NotLate(
                row.number.clone(),
                row.state.label().to_lowercase(),
            ));
        }
        _ => {}
    }
    let sender = sender_of(conn, &row.company_code)?
        .ok_or_else(|| RelanceError::UnknownCompany(row.company_code.clone()))?;
    let recipient = client_address(conn, &row.client_code)?
        .map(|p| LetterParty::from_postal(&p))
        .unwrap_or_else(|| LetterParty {
            name: row.client_name.clone(),
            address: Vec::new(),
        });
    Ok(RelanceLetter::from_row(
        row, settings, &sender, recipient, today,
    ))
}

const LEFT: f32 = 56.0;
const RIGHT: f32 = 539.0;
const RECIPIENT_X: f32 = 320.0;
const BODY_SIZE: f32 = 10.0;
const LEADING: f32 = 13.5;

struct Page {
    ops: Vec<Operation>,
    y: f32,
}

impl Page {
    fn text(&mut self, x: f32, y: f32, size: f32, bold: bool, text: &str) {
        self.ops.extend([
            Operation::new("BT", vec![]),
            Operation::new(
                "Tf",
                vec![if bold { "F2" } else { "F1" }.into(), size.into()],
            ),
            Operation::new("Td", vec![x.into(), y.into()]),
            Operation::new(
                "Tj",
                vec![Object::String(win_ansi(text), StringFormat::Literal)],
            ),
            Operation::new("ET", vec![]),
        ]);
    }

    /// A paragraph wrapped to the body width, from the current line down.
    fn paragraph(&mut self, text: &str, bold: bool) {
        for line in wrap(text, RIGHT - LEFT, BODY_SIZE, bold) {
            let y = self.y;
            self.text(LEFT, y, BODY_SIZE, bold, &line);
            self.y -= LEADING;
        }
        self.y -= LEADING * 0.6;
    }

    fn hline(&mut self, y: f32) {
        self.ops.extend([
            Operation::new("G", vec![0.7.into()]),
            Operation::new("w", vec![0.5.into()]),
            Operation::new("m", vec![LEFT.into(), y.into()]),
            Operation::new("l", vec![RIGHT.into(), y.into()]),
            Operation::new("S", vec![]),
        ]);
    }
}

/// `10,15 %`.
fn percent(value: Decimal) -> String {
    format!("{}\u{a0}%", value.normalize().to_string().replace('.', ","))
}

/// `1 jour`, `23 jours`.
fn days(n: i64) -> String {
    format!("{n}\u{a0}jour{}", if n > 1 { "s" } else { "" })
}

fn opt_date(date: Option<NaiveDate>) -> String {
    date.map(format_date)
        .unwrap_or_else(|| "date inconnue".to_string())
}

/// Draws the letter and returns the PDF file's bytes. Same letter, same bytes.
pub fn relance_pdf(letter: &RelanceLetter) -> Result<Vec<u8>, RelanceError> {
    let money = |v: Decimal| format_money(v, &letter.currency);
    let chorus = letter
        .chorus_number
        .map(|n| n.to_string())
        .unwrap_or_else(|| "non communiqué".to_string());
    let mut p = Page {
        ops: Vec::new(),
        y: 790.0,
    };

    // Sender, top left.
    let mut y = 790.0;
    p.text(LEFT, y, 13.0, true, &letter.sender.name);
    y -= 15.0;
    for line in &letter.sender.address {
        p.text(LEFT, y, 9.0, false, line);
        y -= 11.5;
    }
    if !letter.sender_siret.trim().is_empty() {
        p.text(
            LEFT,
            y,
            9.0,
            false,
            &format!("SIRET {}", letter.sender_siret.trim()),
        );
        y -= 11.5;
    }

    // Recipient, right.
    let mut ry = 720.0_f32.min(y - 20.0);
    for (i, line) in wrap(&letter.recipient.name, RIGHT - RECIPIENT_X, 10.5, true)
        .into_iter()
        .take(3)
        .enumerate()
    {
        p.text(RECIPIENT_X, ry, 10.5, true, &line);
        ry -= if i == 0 { 13.5 } else { 13.0 };
    }
    for line in &letter.recipient.address {
        p.text(RECIPIENT_X, ry, 10.0, false, line);
        ry -= 13.0;
    }
    ry -= 18.0;
    let place = if letter.place.trim().is_empty() {
        format!("Le {}", format_date(letter.date))
    } else {
        format!("{}, le {}", letter.place.trim(), format_date(letter.date))
    };
    p.text(RECIPIENT_X, ry, 10.0, false, &place);

    // Subject.
    p.y = ry - 34.0;
    let subject = if letter.paid_on.is_some() {
        format!(
            "Objet : facture n° {} réglée en retard — intérêts moratoires et indemnité forfaitaire",
            letter.invoice_number
        )
    } else {
        format!(
            "Objet : relance — facture n° {} impayée à son échéance",
            letter.invoice_number
        )
    };
    p.paragraph(&subject, true);
    p.y -= 4.0;
    p.paragraph("Madame, Monsieur,", false);

    let deposit = match letter.deposit_date {
        Some(d) => format!("déposée sur Chorus Pro le {}", format_date(d)),
        None => "déposée sur Chorus Pro (date de dépôt inconnue)".to_string(),
    };
    // « (article R.2192-11 1° du code de la commande publique) »: the buyer can check it.
    let basis = if letter.delay_basis.is_empty() {
        String::new()
    } else {
        format!(" ({})", letter.delay_basis)
    };
    let opening = match letter.paid_on {
        Some(paid_on) => format!(
            "Notre facture n° {} du {}, d'un montant de {} TTC, {} sous le n° {}, devait être \
             réglée au plus tard le {}, dans le délai de paiement de {}{}. Son règlement, reçu \
             le {}, est intervenu avec un retard de {}.",
            letter.invoice_number,
            format_date(letter.invoice_date),
            money(letter.amount_incl_tax),
            deposit,
            chorus,
            opt_date(letter.due_date),
            days(letter.delay_days.into()),
            basis,
            format_date(paid_on),
            days(letter.days_late),
        ),
        None => format!(
            "Sauf erreur de notre part, notre facture n° {} du {}, d'un montant de {} TTC, {} \
             sous le n° {}, n'a pas été réglée dans le délai de paiement de {}{}. Son échéance \
             était le {} ; à ce jour, elle présente un retard de {}.",
            letter.invoice_number,
            format_date(letter.invoice_date),
            money(letter.amount_incl_tax),
            deposit,
            chorus,
            days(letter.delay_days.into()),
            basis,
            opt_date(letter.due_date),
            days(letter.days_late),
        ),
    };
    p.paragraph(&opening, false);

    // The figures.
    let mut rows: Vec<(String, String, bool)> = vec![
        ("Facture n°".into(), letter.invoice_number.clone(), false),
        ("N° Chorus Pro".into(), chorus.clone(), false),
        ("Date de dépôt".into(), opt_date(letter.deposit_date), false),
        ("Date d'échéance".into(), opt_date(letter.due_date), false),
        ("Montant TTC".into(), money(letter.amount_incl_tax), false),
    ];
    if !letter.already_settled.is_zero() {
        rows.push(("Déjà réglé".into(), money(letter.already_settled), false));
    }
    rows.extend([
        ("Montant restant dû".into(), money(letter.amount_due), false),
        (
            match letter.paid_on {
                Some(_) => "Retard de paiement".to_string(),
                None => format!("Retard au {}", format_date(letter.date)),
            },
            days(letter.days_late),
            false,
        ),
        (
            format!(
                "Intérêts moratoires estimés ({} l'an)",
                percent(letter.interest_rate_percent)
            ),
            money(letter.interest),
            false,
        ),
        (
            "Indemnité forfaitaire pour frais de recouvrement".into(),
            money(letter.indemnity),
            false,
        ),
        ("Total à régler".into(), money(letter.total_claimed()), true),
    ]);
    p.y -= 2.0;
    p.hline(p.y + 10.0);
    for (label, value, bold) in &rows {
        let y = p.y;
        p.text(LEFT + 6.0, y, BODY_SIZE, *bold, label);
        p.text(LEFT + 300.0, y, BODY_SIZE, *bold, value);
        p.y -= LEADING;
    }
    p.hline(p.y + 9.0);
    p.y -= LEADING * 0.6;

    let until = match letter.paid_on {
        Some(d) => format!("jusqu'au jour du règlement ({})", format_date(d)),
        None => format!(
            "jusqu'au {} ; ils continuent de courir jusqu'au paiement effectif",
            format_date(letter.date)
        ),
    };
    p.paragraph(
        &format!(
            "Conformément à l'article L.2192-13 du code de la commande publique, le retard de \
             paiement fait courir de plein droit, et sans autre formalité, des intérêts \
             moratoires ainsi qu'une indemnité forfaitaire pour frais de recouvrement de {} \
             (article D.2192-35). Les intérêts ci-dessus sont calculés au taux annuel de {}, \
             sur 365 jours, du lendemain de l'échéance {}.",
            money(letter.indemnity),
            percent(letter.interest_rate_percent),
            until
        ),
        false,
    );
    // An IBAN is never split over two lines.
    let iban = letter.sender_iban.trim().replace(' ', "\u{a0}");
    let bank = match (iban.as_str(), letter.sender_bic.trim()) {
        ("", _) => String::new(),
        (iban, "") => format!(" par virement sur notre compte IBAN\u{a0}{iban}"),
        (iban, bic) => format!(" par virement sur notre compte IBAN\u{a0}{iban} (BIC {bic})"),
    };
    p.paragraph(
        &format!(
            "Nous vous remercions de bien vouloir procéder au règlement de la somme de {}{}, \
             en rappelant la référence de la facture.",
            money(letter.total_claimed()),
            bank
        ),
        false,
    );
    if letter.paid_on.is_none() {
        p.paragraph(
            "Si ce règlement a été effectué entre-temps, nous vous prions de ne pas tenir \
             compte de ce courrier.",
            false,
        );
    }
    p.paragraph(
        "Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations \
         distinguées.",
        false,
    );
    p.y -= LEADING;
    let y = p.y;
    p.text(RECIPIENT_X, y, BODY_SIZE, false, "Le service comptabilité");
    p.text(
        RECIPIENT_X,
        y - LEADING,
        BODY_SIZE,
        true,
        &letter.sender.name,
    );

    // Footer.
    let mut footer = letter.sender.name.clone();
    if !letter.sender_siret.trim().is_empty() {
        footer.push_str(&format!(" — SIRET {}", letter.sender_siret.trim()));
    }
    p.hline(40.0);
    p.ops.push(Operation::new("g", vec![0.35.into()]));
    p.text(LEFT, 28.0, 7.5, false, &footer);
    p.ops.push(Operation::new("g", vec![0.into()]));

    crate::pdf_page::one_page(
        p.ops,
        &format!("Relance facture {}", letter.invoice_number),
        &letter.sender.name,
        // The letter's date, not the run's: the same letter always gives the same file.
        letter.date,
    )
    .map_err(RelanceError::from)
}

/// The text a PDF written by [`relance_pdf`] shows, line by line (each text operation one
/// line), decoded from WinAnsi: for tests and for checking a letter before sending it.
pub fn letter_text(pdf: &[u8]) -> Result<Vec<String>, lopdf::Error> {
    let doc = Document::load_mem(pdf)?;
    let mut out = Vec::new();
    for page_id in doc.get_pages().into_values() {
        // Bounded: a PDF handed in from elsewhere must not inflate without limit.
        let content = Content::decode(&doc.get_page_content_with_limit(page_id, 8 << 20)?)?;
        for op in content.operations.iter().filter(|op| op.operator == "Tj") {
            if let Some(Object::String(bytes, _)) = op.operands.first() {
                let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
                out.push(text.into_owned());
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    pub(crate) fn sample() -> RelanceLetter {
        RelanceLetter {
            sender: LetterParty {
                name: "Bureautique Rhône SAS".into(),
                address: vec!["12 rue de la République".into(), "69002 Lyon".into()],
            },
            sender_siret: "41234567000019".into(),
            sender_iban: "FR76 3000 6000 0112 3456 7890 189".into(),
            sender_bic: "AGRIFRPP".into(),
            recipient: LetterParty {
                name: "CHU de Saint-Étienne".into(),
                address: vec![
                    "Avenue Albert Raimond".into(),
                    "42270 Saint-Priest-en-Jarez".into(),
                ],
            },
            place: "Lyon".into(),
            date: day(2026, 11, 23),
            invoice_number: "F2600006".into(),
            invoice_date: day(2026, 10, 21),
            chorus_number: Some(98765),
            deposit_date: Some(day(2026, 10, 2)),
            due_date: Some(day(2026, 11, 21)),
            // A CHU: a public health establishment.
            delay_days: 50,
            delay_basis: "article R.2192-11 1° du code de la commande publique".into(),
            currency: "EUR".into(),
            amount_incl_tax: Decimal::new(123_456, 2),
            already_settled: Decimal::ZERO,
            amount_due: Decimal::new(123_456, 2),
            paid_on: None,
            days_late: 2,
            interest_rate_percent: Decimal::new(1015, 2),
            interest: Decimal::new(69, 2),
            indemnity: Decimal::from(40),
        }
    }

    #[test]
    fn writes_a_one_page_letter_with_the_figures() {
        let bytes = relance_pdf(&sample()).unwrap();
        if let Ok(path) = std::env::var("CHORUS_DEPOT_RELANCE_SAMPLE") {
            std::fs::write(path, &bytes).unwrap();
        }
        assert!(bytes.starts_with(b"%PDF-1.5"));
        let doc = Document::load_mem(&bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        assert_eq!(relance_pdf(&sample()).unwrap(), bytes, "deterministic");
        let text = letter_text(&bytes).unwrap().join("\n");
        for expected in [
            "CHU de Saint-Étienne",
            "Lyon, le 23/11/2026",
            "F2600006",
            "98765",
            "02/10/2026",
            "21/11/2026",
            "50\u{a0}jours",
            "R.2192-11",
            "1\u{a0}234,56\u{a0}€",
            "2\u{a0}jours",
            "0,69\u{a0}€",
            "40,00\u{a0}€",
            "1\u{a0}275,25\u{a0}€",
            "10,15\u{a0}%",
            "L.2192-13",
            "D.2192-35",
            "IBAN\u{a0}FR76\u{a0}3000\u{a0}6000\u{a0}0112\u{a0}3456\u{a0}7890\u{a0}189",
        ] {
            assert!(text.contains(expected), "{expected} missing in:\n{text}");
        }
    }

    #[test]
    fn a_letter_for_an_invoice_paid_late_claims_only_the_penalties() {
        let mut letter = sample();
        letter.paid_on = Some(day(2026, 11, 23));
        letter.amount_due = Decimal::ZERO;
        letter.already_settled = letter.amount_incl_tax;
        letter.chorus_number = None;
        let text = letter_text(&relance_pdf(&letter).unwrap())
            .unwrap()
            .join("\n");
        assert!(text.contains("réglée en retard"), "{text}");
        assert!(text.contains("non communiqué"), "{text}");
        assert!(text.contains("40,69\u{a0}€"), "{text}");
        assert!(!text.contains("ne pas tenir"), "{text}");
    }

    #[test]
    fn long_names_and_missing_details_do_not_break_the_page() {
        let mut letter = sample();
        letter.recipient.name = "Établissement public administratif de coopération \
                                 intercommunale pour la gestion des déchets ménagers"
            .into();
        letter.recipient.address.clear();
        letter.sender_siret.clear();
        letter.sender_iban.clear();
        letter.place.clear();
        letter.deposit_date = None;
        letter.due_date = None;
        let text = letter_text(&relance_pdf(&letter).unwrap())
            .unwrap()
            .join("\n");
        assert!(text.contains("Le 23/11/2026"), "{text}");
        assert!(text.contains("date inconnue"), "{text}");
        assert!(!text.contains("IBAN"), "{text}");
    }
}
