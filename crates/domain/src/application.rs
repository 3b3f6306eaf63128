//! A participant's JHT application as it is filled in, page by page. Every part is
//! optional until the review step, where [`Application::complete`] says what is missing.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::bank::BankAccount;
use crate::cause::ClaimCause;
use crate::contact::{Email, MobileNumber};
use crate::documents::{missing_documents, DocumentKind};
use crate::identifiers::Npwp;
use crate::member::{BranchCode, Name};

/// The answers given so far.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub cause: Option<ClaimCause>,
    pub last_working_day: Option<Date>,
    pub bank_account: Option<BankAccount>,
    /// As written on the passbook; must be the participant's (or the heir's) name.
    pub account_holder: Option<Name>,
    pub email: Option<Email>,
    pub whatsapp: Option<MobileNumber>,
    pub npwp: Option<Npwp>,
    /// The branch that holds the verification interview.
    pub branch: Option<BranchCode>,
    /// How the participant wants to be served; a video call when not chosen.
    #[serde(default)]
    pub service: Option<crate::schedule::Mode>,
    /// Video calls: any branch's officers may take it (the earliest slot anywhere).
    #[serde(default)]
    pub anywhere: bool,
}

/// A part of the application, as shown in the task list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Cause,
    Payment,
    Documents,
}

/// What still stops the application from being submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Missing {
    pub parts: Vec<Part>,
    pub documents: Vec<DocumentKind>,
}

impl Application {
    pub fn cause_done(&self) -> bool {
        self.cause.is_some_and(|c| !c.needs_last_working_day() || self.last_working_day.is_some())
    }

    pub fn payment_done(&self, npwp_needed: bool) -> bool {
        self.bank_account.is_some()
            && self.account_holder.is_some()
            && self.email.is_some()
            && self.whatsapp.is_some()
            && self.branch.is_some()
            && (!npwp_needed || self.npwp.is_some())
    }

    /// What is missing for submission, given the documents uploaded so far.
    pub fn complete(&self, npwp_needed: bool, uploaded: &[DocumentKind]) -> Result<(), Missing> {
        let mut parts = Vec::new();
        if !self.cause_done() {
            parts.push(Part::Cause);
        }
        if !self.payment_done(npwp_needed) {
            parts.push(Part::Payment);
        }
        let documents = self.cause.map(|c| missing_documents(c, npwp_needed, uploaded)).unwrap_or_default();
        if !documents.is_empty() || self.cause.is_none() {
            parts.push(Part::Documents);
        }
        if parts.is_empty() {
            Ok(())
        } else {
            Err(Missing { parts, documents })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::documents::required_documents;
    use jiff::civil::date;

    fn filled() -> Application {
        Application {
            cause: Some(ClaimCause::Layoff),
            last_working_day: Some(date(2026, 9, 30)),
            bank_account: Some(BankAccount::parse("014", "1234567890").unwrap()),
            account_holder: Some(Name::parse("Siti Aminah").unwrap()),
            email: Some(Email::parse("siti@example.id").unwrap()),
            whatsapp: Some(MobileNumber::parse("081234567890").unwrap()),
            npwp: None,
            branch: Some(BranchCode::parse("KC001").unwrap()),
            service: None,
            anywhere: false,
        }
    }

    #[test]
    fn an_empty_application_misses_every_part() {
        let m = Application::default().complete(false, &[]).unwrap_err();
        assert_eq!(m.parts, vec![Part::Cause, Part::Payment, Part::Documents]);
    }

    #[test]
    fn a_layoff_needs_the_last_working_day() {
        let a = Application { last_working_day: None, ..filled() };
        assert!(!a.cause_done());
    }

    #[test]
    fn complete_when_every_required_document_is_there() {
        let docs: Vec<DocumentKind> =
            required_documents(ClaimCause::Layoff).iter().map(|d| d.0).filter(|d| *d != DocumentKind::Npwp).collect();
        assert_eq!(filled().complete(false, &docs), Ok(()));
        let m = filled().complete(true, &docs).unwrap_err();
        assert_eq!(m.parts, vec![Part::Payment, Part::Documents]);
        assert_eq!(m.documents, vec![DocumentKind::Npwp]);
    }
}
