//! The "Paramétrage" form: each company's SIRET, IBAN, BIC, holder and bank domiciliation,
//! validated field by field. Nothing is saved until every field of every company is valid.

use crate::model::{Bic, Company, Iban, Siret};
use crate::store::erp::CompanyBankDetails;

/// The text an admin is editing for one company, and what the database holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompanyForm {
    pub code: String,
    pub name: String,
    pub saved: CompanyBankDetails,
    pub siret: String,
    pub iban: String,
    pub bic: String,
    pub account_holder: String,
    pub bank_domiciliation: String,
}

/// The French message beside each invalid field.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors {
    pub siret: Option<String>,
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub account_holder: Option<String>,
}

impl FieldErrors {
    pub fn is_empty(&self) -> bool {
        self.siret.is_none()
            && self.iban.is_none()
            && self.bic.is_none()
            && self.account_holder.is_none()
    }
}

impl CompanyForm {
    pub fn from_company(c: &Company) -> CompanyForm {
        let saved = CompanyBankDetails {
            siret: c.siret.clone(),
            iban: c.iban.clone(),
            bic: c.bic.clone(),
            account_holder: c.account_holder.clone(),
            bank_domiciliation: c.bank_domiciliation.clone(),
        };
        CompanyForm {
            code: c.code.clone(),
            name: c.name.clone(),
            siret: saved.siret.clone(),
            iban: crate::model::iban::group_by_four(&saved.iban),
            bic: saved.bic.clone(),
            account_holder: saved.account_holder.clone(),
            bank_domiciliation: saved.bank_domiciliation.clone(),
            saved,
        }
    }

    /// The SIRET is required. IBAN and BIC may both stay empty (no payment by transfer:
    /// the checks then flag transfer invoices), but one without the other is refused.
    pub fn errors(&self) -> FieldErrors {
        let mut errors = FieldErrors {
            siret: Siret::parse(&self.siret).err().map(capitalize),
            ..FieldErrors::default()
        };
        let iban_empty = crate::model::siret::normalize(&self.iban).is_empty();
        let bic_empty = crate::model::siret::normalize(&self.bic).is_empty();
        if !(iban_empty && bic_empty) {
            errors.iban = if iban_empty {
                Some("L'IBAN est obligatoire avec un BIC".into())
            } else {
                Iban::parse(&self.iban).err().map(capitalize)
            };
            errors.bic = if bic_empty {
                Some("Le BIC est obligatoire avec un IBAN".into())
            } else {
                Bic::parse(&self.bic).err().map(capitalize)
            };
        }
        if !iban_empty && self.account_holder.trim().is_empty() {
            errors.account_holder =
                Some("Le titulaire du compte est obligatoire avec un IBAN".into());
        }
        errors
    }

    /// The values to save, normalised (no spaces in identifiers, upper case).
    pub fn details(&self) -> CompanyBankDetails {
        CompanyBankDetails {
            siret: crate::model::siret::normalize(&self.siret),
            iban: crate::model::siret::normalize(&self.iban).to_ascii_uppercase(),
            bic: crate::model::siret::normalize(&self.bic).to_ascii_uppercase(),
            account_holder: self.account_holder.trim().to_string(),
            bank_domiciliation: self.bank_domiciliation.trim().to_string(),
        }
    }

    pub fn is_modified(&self) -> bool {
        self.details() != self.saved
    }
}

fn capitalize(e: impl ToString) -> String {
    let text = e.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => text,
    }
}

/// What « Enregistrer » would do: each company stands on its own, so a company whose fields
/// are invalid does not hold back the others.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SavePlan {
    /// The valid, modified companies, normalised.
    pub changes: Vec<(String, CompanyBankDetails)>,
    /// The modified companies left out because a field is invalid (their names).
    pub held_back: Vec<String>,
}

/// The plan for saving `forms`.
pub fn save_plan(forms: &[CompanyForm]) -> SavePlan {
    let mut plan = SavePlan::default();
    for form in forms.iter().filter(|f| f.is_modified()) {
        if form.errors().is_empty() {
            plan.changes.push((form.code.clone(), form.details()));
        } else {
            plan.held_back.push(form.name.clone());
        }
    }
    plan
}

/// Records `changes` as what the database now holds, so those forms are no longer modified.
pub fn mark_saved(forms: &mut [CompanyForm], changes: &[(String, CompanyBankDetails)]) {
    for (code, details) in changes {
        if let Some(form) = forms.iter_mut().find(|f| &f.code == code) {
            form.saved = details.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company() -> Company {
        Company {
            code: "SIEGE".into(),
            name: "Exemple SAS".into(),
            siret: "73282932000074".into(),
            iban: "FR7630006000011234567890189".into(),
            bic: "AGRIFRPP".into(),
            account_holder: "Exemple SAS".into(),
            ..Company::default()
        }
    }

    #[test]
    fn a_valid_unchanged_form_saves_nothing() {
        let form = CompanyForm::from_company(&company());
        assert!(form.errors().is_empty());
        assert_eq!(save_plan(&[form]), SavePlan::default());
    }

    #[test]
    fn a_bad_iban_blocks_saving_with_its_message() {
        let mut form = CompanyForm::from_company(&company());
        form.iban = "FR76 3000 6000 0112 3456 7890 188".into();
        let errors = form.errors();
        assert_eq!(
            errors.iban.as_deref(),
            Some("La clé de contrôle de l'IBAN est incorrecte (modulo 97) : vérifiez la saisie")
        );
        let plan = save_plan(&[form]);
        assert!(plan.changes.is_empty());
        assert_eq!(plan.held_back, vec!["Exemple SAS".to_string()]);
    }

    #[test]
    fn an_invalid_company_does_not_hold_back_a_valid_one() {
        let mut bad = CompanyForm::from_company(&company());
        bad.iban = "FR76 3000 6000 0112 3456 7890 188".into();
        let mut other = company();
        other.code = "SUD".into();
        other.name = "Exemple Sud".into();
        let mut good = CompanyForm::from_company(&other);
        good.bic = "BNPAFRPP".into();
        let mut forms = vec![bad, good];
        let plan = save_plan(&forms);
        assert_eq!(plan.changes.len(), 1);
        assert_eq!(plan.changes[0].0, "SUD");
        assert_eq!(plan.held_back, vec!["Exemple SAS".to_string()]);
        mark_saved(&mut forms, &plan.changes);
        assert!(!forms[1].is_modified());
        assert!(forms[0].is_modified());
    }

    #[test]
    fn spaces_and_case_are_normalised_on_save() {
        let mut form = CompanyForm::from_company(&company());
        form.bic = "bnpa fr pp".into();
        let changes = save_plan(&[form]).changes;
        assert_eq!(changes[0].1.bic, "BNPAFRPP");
        assert_eq!(changes[0].1.iban, "FR7630006000011234567890189");
    }

    #[test]
    fn iban_without_bic_is_refused_but_both_empty_is_allowed() {
        let mut form = CompanyForm::from_company(&company());
        form.bic.clear();
        assert!(form.errors().bic.is_some());
        form.iban.clear();
        assert!(form.errors().is_empty());
    }
}
