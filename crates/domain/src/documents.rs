//! The documents each claim cause needs (domain.md §2e, from Permenaker 2/2022 and 4/2022
//! and the agency's published checklists).

use serde::Serialize;

use crate::cause::ClaimCause;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// Kartu peserta (KPJ card), physical or digital.
    KpjCard,
    /// e-KTP, the national identity card.
    Ektp,
    /// Kartu Keluarga, the family card.
    FamilyCard,
    /// Buku tabungan: the first page of the bank passbook, in the participant's (or heir's) name.
    Passbook,
    /// Proof of stopping work: paklaring (work-experience letter), termination letter,
    /// the ended contract, or an industrial-court (PHI) ruling.
    ProofOfStoppingWork,
    /// Surat keterangan pensiun or other proof of pension age.
    PensionLetter,
    /// Certificate of total permanent disability from the examining or advisory doctor.
    DisabilityCertificate,
    DeathCertificate,
    /// Surat keterangan ahli waris, or a court ruling naming the heirs.
    HeirCertificate,
    /// The heir's identity card (or passport for foreign heirs).
    HeirIdentity,
    /// Statement of no longer working in Indonesia.
    LeavingIndonesiaStatement,
    Passport,
    /// Letter from the employer confirming current employment (partial claims).
    EmploymentLetter,
    /// PPJB/AJB (property sale agreement or deed) or bank credit documents (30% housing).
    HousingDocuments,
    Npwp,
    /// A recent front-facing photo of the participant (online claims).
    Photo,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 16] = [
        KpjCard,
        Ektp,
        FamilyCard,
        Passbook,
        ProofOfStoppingWork,
        PensionLetter,
        DisabilityCertificate,
        DeathCertificate,
        HeirCertificate,
        HeirIdentity,
        LeavingIndonesiaStatement,
        Passport,
        EmploymentLetter,
        HousingDocuments,
        Npwp,
        Photo,
    ];

    pub fn parse(code: &str) -> Option<DocumentKind> {
        DocumentKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::KpjCard => "kpj_card",
            DocumentKind::Ektp => "ektp",
            DocumentKind::FamilyCard => "family_card",
            DocumentKind::Passbook => "passbook",
            DocumentKind::ProofOfStoppingWork => "proof_of_stopping_work",
            DocumentKind::PensionLetter => "pension_letter",
            DocumentKind::DisabilityCertificate => "disability_certificate",
            DocumentKind::DeathCertificate => "death_certificate",
            DocumentKind::HeirCertificate => "heir_certificate",
            DocumentKind::HeirIdentity => "heir_identity",
            DocumentKind::LeavingIndonesiaStatement => "leaving_indonesia_statement",
            DocumentKind::Passport => "passport",
            DocumentKind::EmploymentLetter => "employment_letter",
            DocumentKind::HousingDocuments => "housing_documents",
            DocumentKind::Npwp => "npwp",
            DocumentKind::Photo => "photo",
        }
    }
}

/// Whether a document must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    Required,
    /// Required when the benefit is above the NPWP threshold; welcome otherwise.
    RequiredIfNpwpNeeded,
}

use DocumentKind::*;
use Need::*;

/// The checklist for a cause, in the order it is shown to the participant.
pub fn required_documents(cause: ClaimCause) -> &'static [(DocumentKind, Need)] {
    match cause {
        ClaimCause::Resignation | ClaimCause::Layoff | ClaimCause::EndOfContract => &[
            (KpjCard, Required),
            (Ektp, Required),
            (FamilyCard, Required),
            (Passbook, Required),
            (ProofOfStoppingWork, Required),
            (Npwp, RequiredIfNpwpNeeded),
            (Photo, Required),
        ],
        ClaimCause::RetirementAge => &[
            (KpjCard, Required),
            (Ektp, Required),
            (FamilyCard, Required),
            (Passbook, Required),
            (PensionLetter, Required),
            (Npwp, RequiredIfNpwpNeeded),
            (Photo, Required),
        ],
        ClaimCause::TotalPermanentDisability => &[
            (KpjCard, Required),
            (DisabilityCertificate, Required),
            (Ektp, Required),
            (Passbook, Required),
            (Npwp, RequiredIfNpwpNeeded),
            (Photo, Required),
        ],
        ClaimCause::Death => &[
            (KpjCard, Required),
            (DeathCertificate, Required),
            (HeirCertificate, Required),
            (HeirIdentity, Required),
            (FamilyCard, Required),
            (Passbook, Required),
            (Npwp, RequiredIfNpwpNeeded),
        ],
        ClaimCause::LeavingIndonesia => &[
            (KpjCard, Required),
            (LeavingIndonesiaStatement, Required),
            (Passport, Required),
            (Passbook, Required),
            (Npwp, RequiredIfNpwpNeeded),
            (Photo, Required),
        ],
        ClaimCause::Partial10 => &[
            (KpjCard, Required),
            (Ektp, Required),
            (FamilyCard, Required),
            (Passbook, Required),
            (EmploymentLetter, Required),
            (Npwp, Required),
            (Photo, Required),
        ],
        ClaimCause::Partial30 => &[
            (KpjCard, Required),
            (Ektp, Required),
            (FamilyCard, Required),
            (Passbook, Required),
            (EmploymentLetter, Required),
            (HousingDocuments, Required),
            (Npwp, Required),
            (Photo, Required),
        ],
    }
}

/// The documents still missing from `present` for a claim whose benefit does or does not
/// need an NPWP.
pub fn missing_documents(cause: ClaimCause, npwp_needed: bool, present: &[DocumentKind]) -> Vec<DocumentKind> {
    required_documents(cause)
        .iter()
        .filter(|(_, need)| *need == Required || npwp_needed)
        .map(|(kind, _)| *kind)
        .filter(|kind| !present.contains(kind))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_codes_round_trip() {
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.code()), Some(k));
        }
    }

    #[test]
    fn every_cause_needs_the_kpj_card_and_a_passbook() {
        for c in ClaimCause::ALL {
            let docs: Vec<_> = required_documents(c).iter().map(|d| d.0).collect();
            assert!(docs.contains(&KpjCard), "{c:?}");
            assert!(docs.contains(&Passbook), "{c:?}");
        }
    }

    #[test]
    fn resignation_needs_proof_of_stopping_work_and_housing_needs_property_papers() {
        assert!(required_documents(ClaimCause::Resignation).contains(&(ProofOfStoppingWork, Required)));
        assert!(required_documents(ClaimCause::Partial30).contains(&(HousingDocuments, Required)));
        assert!(!required_documents(ClaimCause::Partial10).iter().any(|d| d.0 == HousingDocuments));
    }

    #[test]
    fn npwp_is_missing_only_when_needed() {
        let present = [KpjCard, Ektp, FamilyCard, Passbook, ProofOfStoppingWork, Photo];
        assert!(missing_documents(ClaimCause::Layoff, false, &present).is_empty());
        assert_eq!(missing_documents(ClaimCause::Layoff, true, &present), vec![Npwp]);
    }
}
