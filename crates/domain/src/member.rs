//! The membership registry: branches (kantor), companies (perusahaan) and members (peserta),
//! as the agency's core system knows them.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::contact::{Email, MobileNumber};
use crate::identifiers::{Kpj, Npp};
use crate::money::Rupiah;
use crate::nik::{Nik, Sex};
use crate::region::{IndonesianZone, Province};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("name is empty")]
    Empty,
    #[error("name is longer than {max} characters")]
    TooLong { max: usize },
    #[error("name contains characters that are not letters")]
    Characters,
}

/// A person's or organisation's name as written: trimmed, inner spaces folded, no control
/// characters or markup, at most 150 characters.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Name(String);

impl Name {
    pub const MAX: usize = 150;

    pub fn parse(input: &str) -> Result<Name, NameError> {
        let folded = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if folded.is_empty() {
            return Err(NameError::Empty);
        }
        if folded.chars().count() > Self::MAX {
            return Err(NameError::TooLong { max: Self::MAX });
        }
        let allowed = |c: char| c.is_alphanumeric() || " .,'-()&/".contains(c);
        if !folded.chars().all(allowed) {
            return Err(NameError::Characters);
        }
        Ok(Name(folded))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Case- and space-insensitive comparison, for matching what a participant types
    /// against the registry.
    pub fn matches(&self, other: &str) -> bool {
        let norm = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        norm(&self.0) == norm(other)
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Name({} chars)", self.0.chars().count())
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Name {
    type Error = NameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Name::parse(&s)
    }
}

impl From<Name> for String {
    fn from(n: Name) -> String {
        n.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchKind {
    /// Kantor wilayah: regional office.
    Kanwil,
    /// Kantor cabang: branch office.
    Kc,
    /// Kantor cabang perintis: pioneer office, 3–5 staff.
    Kcp,
}

impl BranchKind {
    pub fn parse(s: &str) -> Option<BranchKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kanwil" | "regional" => Some(BranchKind::Kanwil),
            "kc" | "cabang" | "branch" => Some(BranchKind::Kc),
            "kcp" | "perintis" | "pioneer" => Some(BranchKind::Kcp),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            BranchKind::Kanwil => "kanwil",
            BranchKind::Kc => "kc",
            BranchKind::Kcp => "kcp",
        }
    }
}

/// How a branch serves claimants at its counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServiceMode {
    /// One officer serves 4–6 claimants at once, each in a booth with a screen.
    OneToMany,
    OneToOne,
}

impl ServiceMode {
    pub fn parse(s: &str) -> Option<ServiceMode> {
        match s.trim().to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "one_to_many" | "otm" => Some(ServiceMode::OneToMany),
            "one_to_one" | "oto" => Some(ServiceMode::OneToOne),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ServiceMode::OneToMany => "one_to_many",
            ServiceMode::OneToOne => "one_to_one",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("office code must be 1 to 12 letters or digits")]
    Invalid,
}

/// An office code (kode kantor): letters and digits, as the core system assigns them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct BranchCode(String);

impl TryFrom<String> for BranchCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        BranchCode::parse(&s)
    }
}

impl From<BranchCode> for String {
    fn from(c: BranchCode) -> String {
        c.0
    }
}

impl BranchCode {
    pub fn parse(s: &str) -> Result<BranchCode, CodeError> {
        let s = s.trim().to_ascii_uppercase();
        if s.is_empty() || s.len() > 12 || !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(CodeError::Invalid);
        }
        Ok(BranchCode(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BranchCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branch {
    pub code: BranchCode,
    pub name: Name,
    pub kind: BranchKind,
    pub province_code: String,
    /// IANA time zone; appointments are shown in it (WIB/WITA/WIT).
    pub time_zone: String,
    pub mode: ServiceMode,
    pub booths: u16,
    /// How many people the waiting room holds with physical distancing.
    pub room_capacity: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BranchError {
    #[error("unknown province code {0}")]
    Province(String),
    #[error("{0} is not an Indonesian time zone (Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura)")]
    Zone(String),
    #[error("a One to Many branch needs at least 2 booths")]
    Booths,
}

impl Branch {
    /// Checks the parts that depend on each other.
    pub fn validate(&self) -> Result<(), BranchError> {
        if Province::by_code(&self.province_code).is_none() {
            return Err(BranchError::Province(self.province_code.clone()));
        }
        if IndonesianZone::from_iana(&self.time_zone).is_none() {
            return Err(BranchError::Zone(self.time_zone.clone()));
        }
        if self.mode == ServiceMode::OneToMany && self.booths < 2 {
            return Err(BranchError::Booths);
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompanyScale {
    Small,
    Medium,
    Large,
}

impl CompanyScale {
    pub fn parse(s: &str) -> Option<CompanyScale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "kecil" | "small" | "mikro" => Some(CompanyScale::Small),
            "menengah" | "medium" | "sedang" => Some(CompanyScale::Medium),
            "besar" | "large" => Some(CompanyScale::Large),
            _ => None,
        }
    }

    /// The Indonesian word used in files.
    pub fn code(self) -> &'static str {
        match self {
            CompanyScale::Small => "kecil",
            CompanyScale::Medium => "menengah",
            CompanyScale::Large => "besar",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Company {
    pub npp: Npp,
    pub name: Name,
    pub scale: CompanyScale,
    pub workforce: u32,
    pub branch_code: BranchCode,
}

/// A participant as the registry knows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub nik: Nik,
    pub kpj: Kpj,
    pub full_name: Name,
    pub birth_date: Date,
    pub sex: Sex,
    /// Nama ibu kandung: a security question at verification, so it is sealed at rest.
    pub mother_maiden_name: Name,
    /// Employer; `None` for non-wage-earner (BPU) participants.
    pub npp: Option<Npp>,
    pub membership_start: Date,
    /// `None` while still working.
    pub stopped_working_on: Option<Date>,
    pub jht_balance: Rupiah,
    pub email: Option<Email>,
    pub phone: Option<MobileNumber>,
}

/// A disagreement between fields of one member record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum MemberInconsistency {
    #[error("the birth date does not match the NIK")]
    BirthDateDisagreesWithNik,
    #[error("the sex does not match the NIK (women have 40 added to the birth day)")]
    SexDisagreesWithNik,
    #[error("membership cannot start before birth")]
    MembershipBeforeBirth,
    #[error("the date is in the future")]
    FutureDate,
    #[error("stopped working before membership started")]
    StoppedBeforeMembership,
}

impl MemberInconsistency {
    /// The field the problem is reported at.
    pub fn field(self) -> &'static str {
        match self {
            MemberInconsistency::BirthDateDisagreesWithNik => "tanggal_lahir",
            MemberInconsistency::SexDisagreesWithNik => "jenis_kelamin",
            MemberInconsistency::MembershipBeforeBirth => "tanggal_kepesertaan",
            MemberInconsistency::FutureDate => "tanggal_kepesertaan",
            MemberInconsistency::StoppedBeforeMembership => "tanggal_berhenti_bekerja",
        }
    }
}

impl Member {
    /// Every cross-field check; empty when the record is consistent.
    pub fn inconsistencies(&self, today: Date) -> Vec<MemberInconsistency> {
        let mut out = Vec::new();
        if !self.nik.agrees_with_birth_date(self.birth_date) {
            out.push(MemberInconsistency::BirthDateDisagreesWithNik);
        }
        if self.nik.sex() != self.sex {
            out.push(MemberInconsistency::SexDisagreesWithNik);
        }
        if self.membership_start < self.birth_date {
            out.push(MemberInconsistency::MembershipBeforeBirth);
        }
        if self.membership_start > today
            || self.birth_date > today
            || self.stopped_working_on.is_some_and(|d| d > today)
        {
            out.push(MemberInconsistency::FutureDate);
        }
        if self.stopped_working_on.is_some_and(|d| d < self.membership_start) {
            out.push(MemberInconsistency::StoppedBeforeMembership);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn member() -> Member {
        Member {
            nik: Nik::parse("3273015505900002").unwrap(),
            kpj: Kpj::parse("12345678901").unwrap(),
            full_name: Name::parse("Siti Aminah").unwrap(),
            birth_date: date(1990, 5, 15),
            sex: Sex::Female,
            mother_maiden_name: Name::parse("Ratna").unwrap(),
            npp: Some(Npp::parse("15070955").unwrap()),
            membership_start: date(2012, 1, 2),
            stopped_working_on: None,
            jht_balance: Rupiah::new(1).unwrap(),
            email: None,
            phone: None,
        }
    }

    #[test]
    fn a_consistent_member_has_no_inconsistencies() {
        assert!(member().inconsistencies(date(2026, 11, 25)).is_empty());
    }

    #[test]
    fn birth_date_and_sex_must_agree_with_the_nik() {
        let m = Member { birth_date: date(1990, 5, 16), sex: Sex::Male, ..member() };
        assert_eq!(
            m.inconsistencies(date(2026, 11, 25)),
            vec![MemberInconsistency::BirthDateDisagreesWithNik, MemberInconsistency::SexDisagreesWithNik]
        );
    }

    #[test]
    fn dates_must_be_in_order_and_not_in_the_future() {
        let m = Member { stopped_working_on: Some(date(2011, 1, 1)), ..member() };
        assert_eq!(m.inconsistencies(date(2026, 11, 25)), vec![MemberInconsistency::StoppedBeforeMembership]);
        let m = Member { membership_start: date(2027, 1, 1), ..member() };
        assert_eq!(m.inconsistencies(date(2026, 11, 25)), vec![MemberInconsistency::FutureDate]);
    }

    #[test]
    fn names_are_folded_and_bounded() {
        assert_eq!(Name::parse("  Budi   Santoso ").unwrap().as_str(), "Budi Santoso");
        assert_eq!(Name::parse(""), Err(NameError::Empty));
        assert_eq!(Name::parse(&"a".repeat(10_000)), Err(NameError::TooLong { max: 150 }));
        assert_eq!(Name::parse("<script>"), Err(NameError::Characters));
        assert_eq!(Name::parse("Budi\u{0}"), Err(NameError::Characters));
        assert!(Name::parse("Ni Luh Putu Ayu, S.E.").is_ok());
        assert!(Name::parse("Budi").unwrap().matches("  BUDI "));
    }

    #[test]
    fn branch_zone_must_be_indonesian() {
        let b = Branch {
            code: BranchCode::parse("kc001").unwrap(),
            name: Name::parse("Jakarta Salemba").unwrap(),
            kind: BranchKind::Kc,
            province_code: "31".into(),
            time_zone: "Europe/Paris".into(),
            mode: ServiceMode::OneToMany,
            booths: 5,
            room_capacity: 20,
        };
        assert_eq!(b.code.as_str(), "KC001");
        assert!(matches!(b.validate(), Err(BranchError::Zone(_))));
        assert!(Branch { time_zone: "Asia/Jakarta".into(), ..b.clone() }.validate().is_ok());
        assert_eq!(Branch { time_zone: "Asia/Jakarta".into(), booths: 1, ..b }.validate(), Err(BranchError::Booths));
    }
}
