//! Money in whole rupiah. Never floats: amounts are integers all the way to the bank file.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::{Add, Sub};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount cannot be negative")]
    Negative,
    #[error("not an amount in rupiah")]
    NotAnAmount,
    #[error("rupiah amounts have no cents")]
    Fraction,
    #[error("amount too large")]
    Overflow,
}

/// A non-negative amount in whole rupiah.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct Rupiah(i64);

impl Rupiah {
    pub const ZERO: Rupiah = Rupiah(0);

    pub fn new(amount: i64) -> Result<Rupiah, MoneyError> {
        if amount < 0 {
            Err(MoneyError::Negative)
        } else {
            Ok(Rupiah(amount))
        }
    }

    pub const fn from_const(amount: i64) -> Rupiah {
        assert!(amount >= 0);
        Rupiah(amount)
    }

    pub fn amount(self) -> i64 {
        self.0
    }

    /// Parses the ways people and spreadsheets write rupiah: `12500000`, `Rp 12.500.000`,
    /// `Rp12.500.000,00`, `12,500,000` (English grouping) and `12500000.0` from a numeric
    /// spreadsheet cell. A fraction other than zero is refused.
    pub fn parse(input: &str) -> Result<Rupiah, MoneyError> {
        let mut s: String = input.trim().chars().filter(|c| !c.is_whitespace()).collect();
        for prefix in ["Rp.", "Rp", "RP", "rp", "IDR"] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.to_string();
                break;
            }
        }
        if s.starts_with('-') {
            return Err(MoneyError::Negative);
        }
        if s.is_empty() {
            return Err(MoneyError::NotAnAmount);
        }
        // Decide which separator is the decimal mark: the one followed by 1–2 digits at the end.
        let (whole, fraction) = match s.rfind([',', '.']) {
            Some(i) if (1..=2).contains(&(s.len() - i - 1)) => (&s[..i], &s[i + 1..]),
            _ => (s.as_str(), ""),
        };
        if !fraction.bytes().all(|b| b == b'0') || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(if fraction.bytes().all(|b| b.is_ascii_digit()) {
                MoneyError::Fraction
            } else {
                MoneyError::NotAnAmount
            });
        }
        let digits: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(MoneyError::NotAnAmount);
        }
        digits.parse::<i64>().map(Rupiah).map_err(|_| MoneyError::Overflow)
    }

    /// `part_per_10_000 / 10_000` of this amount, rounded down to the rupiah.
    pub fn basis_points(self, part_per_10_000: i64) -> Rupiah {
        Rupiah((i128::from(self.0) * i128::from(part_per_10_000) / 10_000) as i64)
    }

    pub fn saturating_sub(self, other: Rupiah) -> Rupiah {
        Rupiah((self.0 - other.0).max(0))
    }
}

impl Add for Rupiah {
    type Output = Rupiah;
    fn add(self, o: Rupiah) -> Rupiah {
        Rupiah(self.0.checked_add(o.0).expect("rupiah overflow"))
    }
}

impl Sub for Rupiah {
    type Output = Rupiah;
    /// Panics below zero: a negative amount is a bug, not a value.
    fn sub(self, o: Rupiah) -> Rupiah {
        Rupiah::new(self.0 - o.0).expect("rupiah below zero")
    }
}

impl TryFrom<i64> for Rupiah {
    type Error = MoneyError;
    fn try_from(v: i64) -> Result<Self, Self::Error> {
        Rupiah::new(v)
    }
}

impl From<Rupiah> for i64 {
    fn from(v: Rupiah) -> i64 {
        v.0
    }
}

/// A whole number with its thousands grouped by `separator`: 1.200 (Indonesian), 1,200.
pub fn group_digits(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

impl fmt::Display for Rupiah {
    /// Indonesian style: Rp12.500.000.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Rp{}", group_digits(self.0.unsigned_abs(), '.'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn indonesian_and_spreadsheet_forms() {
        for (input, want) in [
            ("12500000", 12_500_000),
            ("Rp 12.500.000", 12_500_000),
            ("Rp12.500.000,00", 12_500_000),
            ("12,500,000", 12_500_000),
            ("12500000.0", 12_500_000),
            ("IDR 1.000", 1_000),
            ("0", 0),
        ] {
            assert_eq!(Rupiah::parse(input).unwrap().amount(), want, "{input}");
        }
    }

    #[test]
    fn bad_amounts_are_refused() {
        assert_eq!(Rupiah::parse("-5"), Err(MoneyError::Negative));
        assert_eq!(Rupiah::parse("Rp 12.500,50"), Err(MoneyError::Fraction));
        assert_eq!(Rupiah::parse("abc"), Err(MoneyError::NotAnAmount));
        assert_eq!(Rupiah::parse(""), Err(MoneyError::NotAnAmount));
        assert_eq!(Rupiah::parse("99999999999999999999"), Err(MoneyError::Overflow));
    }

    #[test]
    fn display_uses_dots() {
        assert_eq!(Rupiah::new(12_500_000).unwrap().to_string(), "Rp12.500.000");
        assert_eq!(Rupiah::new(500).unwrap().to_string(), "Rp500");
        assert_eq!(Rupiah::ZERO.to_string(), "Rp0");
    }

    proptest! {
        #[test]
        fn display_round_trips(n in 0i64..1_000_000_000_000_000) {
            let r = Rupiah::new(n).unwrap();
            prop_assert_eq!(Rupiah::parse(&r.to_string()).unwrap(), r);
        }
    }
}
