//! KPJ (participant card number), NPP (company registration number) and NPWP (tax number).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::nik::Nik;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentifierError {
    #[error("may contain digits only")]
    NotDigits,
    #[error("must be {expected} digits")]
    Length { expected: &'static str },
    #[error("looks damaged by a spreadsheet (scientific notation or lost leading zeros)")]
    SpreadsheetDamage,
    #[error("the check digit does not match")]
    CheckDigit,
}

fn fixed_digits(input: &str, len: usize, expected: &'static str) -> Result<String, IdentifierError> {
    let trimmed = input.trim();
    if trimmed.contains(['E', 'e', '+']) {
        return Err(IdentifierError::SpreadsheetDamage);
    }
    let s = crate::digits_only(trimmed);
    if !crate::all_ascii_digits(&s) {
        return Err(IdentifierError::NotDigits);
    }
    if s.len() != len {
        // A spreadsheet that stored the number as a number drops its leading zeros.
        if s.len() < len && !s.starts_with('0') && s.len() + 3 >= len {
            return Err(IdentifierError::SpreadsheetDamage);
        }
        return Err(IdentifierError::Length { expected });
    }
    Ok(s)
}

macro_rules! digit_id {
    ($(#[$doc:meta])* $name:ident, $len:expr, $expected:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(input: &str) -> Result<Self, IdentifierError> {
                fixed_digits(input, $len, $expected).map(Self)
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdentifierError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }

        impl From<$name> for String {
            fn from(v: $name) -> String {
                v.0
            }
        }
    };
}

digit_id!(
    /// KPJ (Kartu Peserta Jamsostek) number: 11 digits, no public checksum.
    /// One person can hold several KPJs, one per employer.
    Kpj, 11, "11"
);
digit_id!(
    /// NPP (Nomor Pendaftaran Perusahaan): a company's 8-digit registration number.
    Npp, 8, "8"
);

/// NPWP (Nomor Pokok Wajib Pajak): the tax number, either the 15-digit form
/// 99.999.999.9-999.999 whose 9th digit is a check digit, or the 16-digit form
/// (an individual's NIK, or 0 followed by a 15-digit NPWP).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Npwp(String);

impl Npwp {
    pub fn parse(input: &str) -> Result<Npwp, IdentifierError> {
        let s = crate::digits_only(input.trim());
        if !crate::all_ascii_digits(&s) {
            return Err(IdentifierError::NotDigits);
        }
        match s.len() {
            15 => {
                check_digit_15(&s)?;
                Ok(Npwp(s))
            }
            16 if s.starts_with('0') => {
                check_digit_15(&s[1..])?;
                Ok(Npwp(s))
            }
            16 => Nik::parse(&s).map(|_| Npwp(s)).map_err(|_| IdentifierError::CheckDigit),
            _ => Err(IdentifierError::Length { expected: "15 or 16" }),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The 9th digit of a 15-digit NPWP is the Luhn check digit of the first eight.
/// (Weak source, see docs/domain.md §4: techscales "validasi NPWP".)
fn check_digit_15(s: &str) -> Result<(), IdentifierError> {
    let digits: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
    if luhn_check_digit(&digits[0..8]) == digits[8] {
        Ok(())
    } else {
        Err(IdentifierError::CheckDigit)
    }
}

/// Luhn: double every second digit from the right of the payload, sum, complement to 10.
pub(crate) fn luhn_check_digit(payload: &[u32]) -> u32 {
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

impl fmt::Display for Npwp {
    /// The customary layout: 99.999.999.9-999.999 for the 15-digit form.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.0;
        if s.len() == 15 {
            write!(f, "{}.{}.{}.{}-{}.{}", &s[0..2], &s[2..5], &s[5..8], &s[8..9], &s[9..12], &s[12..15])
        } else {
            f.write_str(s)
        }
    }
}

impl TryFrom<String> for Npwp {
    type Error = IdentifierError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Npwp::parse(&s)
    }
}

impl From<Npwp> for String {
    fn from(v: Npwp) -> String {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kpj_is_eleven_digits() {
        assert_eq!(Kpj::parse("12345678901").unwrap().as_str(), "12345678901");
        assert_eq!(Kpj::parse(" 123 4567 8901 ").unwrap().as_str(), "12345678901");
        assert_eq!(Kpj::parse("1234567890"), Err(IdentifierError::SpreadsheetDamage));
        assert_eq!(Kpj::parse("123456"), Err(IdentifierError::Length { expected: "11" }));
        assert_eq!(Kpj::parse("1234567890A"), Err(IdentifierError::NotDigits));
        assert_eq!(Kpj::parse("1.23457E+10"), Err(IdentifierError::SpreadsheetDamage));
    }

    #[test]
    fn npp_is_eight_digits() {
        assert!(Npp::parse("15070955").is_ok());
        assert!(Npp::parse("1507095").is_err());
        assert!(Npp::parse("150709551").is_err());
    }

    #[test]
    fn npwp_15_digits_with_check_digit() {
        // 01.234.567.?: Luhn of 01234567 is 4.
        let ok = Npwp::parse("01.234.567.4-012.000").unwrap();
        assert_eq!(ok.to_string(), "01.234.567.4-012.000");
        assert_eq!(Npwp::parse("012345675012000"), Err(IdentifierError::CheckDigit));
    }

    #[test]
    fn npwp_16_digit_forms() {
        assert!(Npwp::parse("3273011505900001").is_ok()); // a NIK
        assert!(Npwp::parse("0012345674012000").is_ok()); // 0 + 15-digit
        assert!(Npwp::parse("9901011505900001").is_err()); // not a NIK
        assert!(Npwp::parse("123").is_err());
    }

    #[test]
    fn luhn_known_value() {
        // 7992739871 has Luhn check digit 3 (the classic example).
        assert_eq!(luhn_check_digit(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1]), 3);
    }

    proptest! {
        #[test]
        fn npwp_any_single_digit_change_in_payload_is_caught(payload in proptest::collection::vec(0u32..10, 8), rest in "[0-9]{6}", pos in 0usize..8, delta in 1u32..10) {
            let check = luhn_check_digit(&payload);
            let s: String = payload.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect::<String>() + &check.to_string() + &rest;
            prop_assert!(Npwp::parse(&s).is_ok());
            let mut bad = payload.clone();
            bad[pos] = (bad[pos] + delta) % 10;
            let t: String = bad.iter().map(|d| char::from_digit(*d, 10).unwrap()).collect::<String>() + &check.to_string() + &rest;
            prop_assert!(Npwp::parse(&t).is_err());
        }

        #[test]
        fn kpj_accepts_exactly_eleven_digits(s in "[0-9]{1,20}") {
            prop_assert_eq!(Kpj::parse(&s).is_ok(), s.len() == 11);
        }
    }
}
