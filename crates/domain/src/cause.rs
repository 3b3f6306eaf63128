//! Why a participant claims JHT (Jaminan Hari Tua, old-age savings).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimCause {
    /// Mengundurkan diri.
    Resignation,
    /// Pemutusan hubungan kerja (PHK).
    Layoff,
    /// End of a fixed-term (PKWT) contract, or a non-wage-earner (BPU) who stops working.
    EndOfContract,
    /// Reached pension age (56).
    RetirementAge,
    /// Cacat total tetap.
    TotalPermanentDisability,
    /// Meninggal dunia: paid to the heirs.
    Death,
    /// Leaving Indonesia permanently.
    LeavingIndonesia,
    /// Partial claim of up to 10% for retirement preparation, while still working.
    Partial10,
    /// Partial claim of up to 30% for housing, while still working.
    Partial30,
}

impl ClaimCause {
    pub const ALL: [ClaimCause; 9] = [
        ClaimCause::Resignation,
        ClaimCause::Layoff,
        ClaimCause::EndOfContract,
        ClaimCause::RetirementAge,
        ClaimCause::TotalPermanentDisability,
        ClaimCause::Death,
        ClaimCause::LeavingIndonesia,
        ClaimCause::Partial10,
        ClaimCause::Partial30,
    ];

    /// Stable code used in storage, files and the API.
    pub fn code(self) -> &'static str {
        match self {
            ClaimCause::Resignation => "resignation",
            ClaimCause::Layoff => "layoff",
            ClaimCause::EndOfContract => "end_of_contract",
            ClaimCause::RetirementAge => "retirement_age",
            ClaimCause::TotalPermanentDisability => "total_permanent_disability",
            ClaimCause::Death => "death",
            ClaimCause::LeavingIndonesia => "leaving_indonesia",
            ClaimCause::Partial10 => "partial_10",
            ClaimCause::Partial30 => "partial_30",
        }
    }

    /// Accepts the code and the Indonesian words people put in spreadsheets.
    pub fn parse(s: &str) -> Option<ClaimCause> {
        let s = s.trim().to_lowercase();
        ClaimCause::ALL.into_iter().find(|c| c.code() == s).or(match s.as_str() {
            "resign" | "mengundurkan diri" | "pengunduran diri" => Some(ClaimCause::Resignation),
            "phk" | "pemutusan hubungan kerja" => Some(ClaimCause::Layoff),
            "pkwt" | "habis kontrak" | "berakhir kontrak" => Some(ClaimCause::EndOfContract),
            "usia pensiun" | "pensiun" => Some(ClaimCause::RetirementAge),
            "cacat total tetap" => Some(ClaimCause::TotalPermanentDisability),
            "meninggal dunia" | "meninggal" => Some(ClaimCause::Death),
            "meninggalkan indonesia" => Some(ClaimCause::LeavingIndonesia),
            "sebagian 10%" | "10%" => Some(ClaimCause::Partial10),
            "sebagian 30%" | "30%" => Some(ClaimCause::Partial30),
            _ => None,
        })
    }

    /// Causes that need the day the participant stopped working.
    pub fn needs_last_working_day(self) -> bool {
        matches!(self, ClaimCause::Resignation | ClaimCause::Layoff | ClaimCause::EndOfContract)
    }

    pub fn is_partial(self) -> bool {
        matches!(self, ClaimCause::Partial10 | ClaimCause::Partial30)
    }

    /// The share of the JHT balance paid, in basis points (10,000 = all of it).
    pub fn share_basis_points(self) -> i64 {
        match self {
            ClaimCause::Partial10 => 1_000,
            ClaimCause::Partial30 => 3_000,
            _ => 10_000,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for c in ClaimCause::ALL {
            assert_eq!(ClaimCause::parse(c.code()), Some(c));
        }
        assert_eq!(ClaimCause::parse("PHK"), Some(ClaimCause::Layoff));
        assert_eq!(ClaimCause::parse("nonsense"), None);
    }
}
