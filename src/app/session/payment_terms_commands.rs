//! The session's commands of « Paramétrage › Délais de paiement »: read what the tab
//! shows, save what was typed (on a worker thread), then read the « Gestionnaire » again
//! so its due dates, interest and indemnities follow.

use super::{JobOutput, Reply, Session};
use crate::app::jobs::JobKind;
use crate::app::payment_terms_form::PaymentTermsView;
use crate::model::ClientType;
use crate::store::Store;
use crate::tracking::payments::PaymentSettings;

impl Session {
    /// Loads what the « Délais de paiement » tab shows (into `payment_terms_view`).
    pub fn load_payment_terms_view(&mut self) {
        self.query(|store| Reply::PaymentTermsView(Box::new(payment_terms_view(store))));
    }

    pub fn save_payment_terms(&mut self, settings: PaymentSettings) {
        let db = self.db_path.clone();
        self.start_job(JobKind::SaveSettings, move |_| {
            let problems = settings.problems();
            if !problems.is_empty() {
                return Err(problems.join(" "));
            }
            let store = Store::open(&db).map_err(|e| e.to_string())?;
            settings
                .save(store.db())
                .map(|()| JobOutput::PaymentTermsSaved)
                .map_err(|e| format!("les délais de paiement n'ont pas été enregistrés : {e}"))
        });
    }
}

fn payment_terms_view(store: &Store) -> Result<PaymentTermsView, String> {
    let read =
        |e: &dyn std::fmt::Display| format!("lecture des délais de paiement impossible : {e}");
    let settings = PaymentSettings::load(store.db()).map_err(|e| read(&e))?;
    let mut clients: Vec<(String, String)> = crate::store::erp::load_clients(store.db())
        .map_err(|e| read(&e))?
        .into_iter()
        .filter(|c| c.client_type == ClientType::Public)
        .map(|c| (c.code, c.name))
        .collect();
    clients.sort_by_key(|c| c.1.to_lowercase());
    Ok(PaymentTermsView { settings, clients })
}
