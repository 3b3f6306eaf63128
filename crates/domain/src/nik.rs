//! NIK (Nomor Induk Kependudukan): the 16-digit national identity number.
//!
//! Layout (Dukcapil): province (2) · regency (2) · district (2) · birth date DDMMYY, with 40
//! added to the day for women · serial (4, from 0001). There is no check digit.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::region::Province;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NikError {
    #[error("NIK must be 16 digits")]
    Length,
    #[error("NIK may contain digits only")]
    NotDigits,
    #[error("NIK looks damaged by a spreadsheet (scientific notation or lost digits)")]
    SpreadsheetDamage,
    #[error("unknown province code {0}")]
    Province(String),
    #[error("regency and district codes cannot be 00")]
    Region,
    #[error("the birth date in the NIK does not exist")]
    BirthDate,
    #[error("the serial number cannot be 0000")]
    Serial,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// Laki-laki.
    Male,
    /// Perempuan.
    Female,
}

impl Sex {
    /// The letter used in Indonesian forms: L (laki-laki) or P (perempuan).
    pub fn letter(self) -> char {
        match self {
            Sex::Male => 'L',
            Sex::Female => 'P',
        }
    }

    pub fn from_letter(s: &str) -> Option<Sex> {
        match s.trim().to_ascii_uppercase().as_str() {
            "L" | "LK" | "LAKI-LAKI" | "M" | "MALE" => Some(Sex::Male),
            "P" | "PR" | "PEREMPUAN" | "F" | "FEMALE" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// A NIK that passed every structural check. Cannot be constructed otherwise.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Nik(String);

impl Nik {
    pub fn parse(input: &str) -> Result<Nik, NikError> {
        let trimmed = input.trim();
        // Spreadsheets turn long numbers into 3.27E+15 or drop the last digits to zeros.
        if trimmed.contains(['E', 'e', '+']) || trimmed.contains(',') {
            return Err(NikError::SpreadsheetDamage);
        }
        let s = crate::digits_only(trimmed);
        if !crate::all_ascii_digits(&s) {
            return Err(NikError::NotDigits);
        }
        if s.len() != 16 {
            return Err(NikError::Length);
        }
        let b = s.as_bytes();
        if Province::by_code(&s[0..2]).is_none() {
            return Err(NikError::Province(s[0..2].to_string()));
        }
        if &s[2..4] == "00" || &s[4..6] == "00" {
            return Err(NikError::Region);
        }
        let day = two(b, 6);
        let month = two(b, 8);
        let yy = two(b, 10);
        let day = if day > 40 { day - 40 } else { day };
        // The century is not in the NIK: the date must exist in 19yy or 20yy (they differ
        // only for 29 February 1900/2000).
        let exists = |year: i16| Date::new(year, month as i8, day as i8).is_ok();
        if day == 0 || !(exists(1900 + yy as i16) || exists(2000 + yy as i16)) {
            return Err(NikError::BirthDate);
        }
        if &s[12..16] == "0000" {
            return Err(NikError::Serial);
        }
        Ok(Nik(s))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn province(&self) -> Province {
        Province::by_code(&self.0[0..2]).expect("checked at parse")
    }

    /// The 4-digit regency/city code (province + regency).
    pub fn regency_code(&self) -> &str {
        &self.0[0..4]
    }

    pub fn sex(&self) -> Sex {
        if two(self.0.as_bytes(), 6) > 40 {
            Sex::Female
        } else {
            Sex::Male
        }
    }

    /// Day, month and two-digit year as written in the NIK (day without the +40).
    pub fn birth_day_month_yy(&self) -> (i8, i8, i16) {
        let b = self.0.as_bytes();
        let day = two(b, 6);
        let day = if day > 40 { day - 40 } else { day };
        (day as i8, two(b, 8) as i8, two(b, 10) as i16)
    }

    /// The birth date, choosing the century so that the date is not after `today`.
    pub fn birth_date(&self, today: Date) -> Date {
        let (d, m, yy) = self.birth_day_month_yy();
        match Date::new(2000 + yy, m, d) {
            Ok(date) if date <= today => date,
            _ => Date::new(1900 + yy, m, d).or_else(|_| Date::new(2000 + yy, m, d)).expect("checked at parse"),
        }
    }

    /// Whether a full birth date (from a registry or a form) agrees with the NIK.
    pub fn agrees_with_birth_date(&self, date: Date) -> bool {
        let (d, m, yy) = self.birth_day_month_yy();
        date.day() == d && date.month() == m && date.year().rem_euclid(100) == yy
    }

    /// Shows the province and the last two digits only, for screens and support calls.
    pub fn masked(&self) -> String {
        format!("{}************{}", &self.0[0..2], &self.0[14..16])
    }
}

fn two(b: &[u8], at: usize) -> u8 {
    (b[at] - b'0') * 10 + (b[at + 1] - b'0')
}

impl fmt::Display for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Debug never prints the number: it would end up in logs.
impl fmt::Debug for Nik {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Nik({})", self.masked())
    }
}

impl TryFrom<String> for Nik {
    type Error = NikError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Nik::parse(&s)
    }
}

impl From<Nik> for String {
    fn from(n: Nik) -> String {
        n.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn valid_male_nik_derives_birth_date_and_sex() {
        let nik = Nik::parse("3273011505900001").unwrap();
        assert_eq!(nik.sex(), Sex::Male);
        assert_eq!(nik.birth_date(date(2026, 11, 25)), date(1990, 5, 15));
        assert_eq!(nik.province().name, "Jawa Barat");
        assert_eq!(nik.regency_code(), "3273");
    }

    #[test]
    fn women_have_40_added_to_the_day() {
        let nik = Nik::parse("3273015505900002").unwrap();
        assert_eq!(nik.sex(), Sex::Female);
        assert_eq!(nik.birth_date(date(2026, 11, 25)), date(1990, 5, 15));
    }

    #[test]
    fn separators_are_accepted() {
        assert!(Nik::parse("3273 0115 0590 0001").is_ok());
        assert!(Nik::parse("3273.0115.0590.0001").is_ok());
    }

    #[test]
    fn wrong_length_and_letters_are_refused() {
        assert_eq!(Nik::parse("327301150590000"), Err(NikError::Length));
        assert_eq!(Nik::parse("327301150590000A"), Err(NikError::NotDigits));
        assert_eq!(Nik::parse(""), Err(NikError::NotDigits));
    }

    #[test]
    fn spreadsheet_damage_is_recognised() {
        assert_eq!(Nik::parse("3.27301E+15"), Err(NikError::SpreadsheetDamage));
    }

    #[test]
    fn unknown_province_is_refused_and_new_papua_provinces_accepted() {
        assert!(matches!(Nik::parse("9901011505900001"), Err(NikError::Province(_))));
        assert!(matches!(Nik::parse("2001011505900001"), Err(NikError::Province(_))));
        assert!(Nik::parse("9601011505900001").is_ok());
        assert!(Nik::parse("9301011505900001").is_ok());
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert_eq!(Nik::parse("3273013102900001"), Err(NikError::BirthDate)); // 31 Feb
        assert_eq!(Nik::parse("3273010013900001"), Err(NikError::BirthDate)); // month 13
        assert_eq!(Nik::parse("3273010001900001"), Err(NikError::BirthDate)); // day 0
        assert_eq!(Nik::parse("3273017201900001"), Err(NikError::BirthDate)); // day 32 (female)
        assert_eq!(Nik::parse("3273013505900001"), Err(NikError::BirthDate)); // day 35
    }

    #[test]
    fn february_29_only_in_leap_years() {
        assert!(Nik::parse("3273012902920001").is_ok()); // 1992
        assert_eq!(Nik::parse("3273012902910001"), Err(NikError::BirthDate)); // 1991
        assert!(Nik::parse("3273012902000001").is_ok()); // 2000 is leap
        let nik = Nik::parse("3273016902000001").unwrap(); // woman born 29 Feb 2000
        assert_eq!(nik.birth_date(date(2026, 1, 1)), date(2000, 2, 29));
    }

    #[test]
    fn serial_zero_and_zero_region_are_refused() {
        assert_eq!(Nik::parse("3273011505900000"), Err(NikError::Serial));
        assert_eq!(Nik::parse("3200011505900001"), Err(NikError::Region));
        assert_eq!(Nik::parse("3273001505900001"), Err(NikError::Region));
    }

    #[test]
    fn century_is_chosen_so_birth_is_not_in_the_future() {
        let nik = Nik::parse("3273011505050001").unwrap();
        assert_eq!(nik.birth_date(date(2026, 1, 1)), date(2005, 5, 15));
        let nik = Nik::parse("3273011505600001").unwrap();
        assert_eq!(nik.birth_date(date(2026, 1, 1)), date(1960, 5, 15));
    }

    #[test]
    fn agreement_with_a_stated_birth_date() {
        let nik = Nik::parse("3273015505900002").unwrap();
        assert!(nik.agrees_with_birth_date(date(1990, 5, 15)));
        assert!(!nik.agrees_with_birth_date(date(1990, 5, 16)));
        assert!(!nik.agrees_with_birth_date(date(1991, 5, 15)));
    }

    #[test]
    fn debug_output_is_masked() {
        let nik = Nik::parse("3273011505900001").unwrap();
        let shown = format!("{nik:?}");
        assert!(!shown.contains("3273011505900001"));
        assert!(shown.contains("32************01"));
    }

    fn valid_nik_parts() -> impl Strategy<Value = (String, bool, Date)> {
        let provinces: Vec<&'static str> = crate::reference::PROVINCES.iter().map(|p| p.0).collect();
        (
            proptest::sample::select(provinces),
            1u8..=99,
            1u8..=99,
            any::<bool>(),
            (1950i16..2010, 1i8..=12, 1i8..=31),
            1u16..=9999,
        )
            .prop_filter_map("date exists", |(p, r, d, female, (y, m, day), serial)| {
                let birth = Date::new(y, m, day).ok()?;
                let dd = if female { day + 40 } else { day };
                let s = format!("{p}{r:02}{d:02}{dd:02}{m:02}{:02}{serial:04}", y % 100);
                Some((s, female, birth))
            })
    }

    proptest! {
        #[test]
        fn every_well_formed_nik_parses_and_round_trips((s, female, birth) in valid_nik_parts()) {
            let nik = Nik::parse(&s).unwrap();
            prop_assert_eq!(nik.as_str(), s.as_str());
            prop_assert_eq!(nik.sex() == Sex::Female, female);
            prop_assert_eq!(nik.birth_date(jiff::civil::date(2026, 11, 25)), birth);
            prop_assert!(nik.agrees_with_birth_date(birth));
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,40}") {
            let _ = Nik::parse(&s);
        }

        #[test]
        fn any_parsed_nik_is_16_digits_with_a_known_province(s in "[0-9]{16}") {
            if let Ok(nik) = Nik::parse(&s) {
                prop_assert_eq!(nik.as_str().len(), 16);
                prop_assert!(Province::by_code(&s[0..2]).is_some());
                prop_assert_ne!(&s[12..16], "0000");
            }
        }
    }
}
