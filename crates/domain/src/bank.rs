//! Bank accounts. Indonesia has no IBAN: a bank is its 3-digit Bank Indonesia code, and the
//! account length depends on the bank (known for the large banks, unknown for others).

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::reference::BANKS;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BankError {
    #[error("unknown bank code {0}")]
    UnknownBank(String),
    #[error("account number may contain digits only")]
    NotDigits,
    #[error("{bank} account numbers have {expected} digits, this one has {actual}")]
    Length { bank: &'static str, expected: u8, actual: usize },
    #[error("account number must have between 6 and 20 digits")]
    UnusualLength,
}

/// A bank by its Bank Indonesia code (BRI 002, Mandiri 008, BNI 009, BCA 014, BTN 200, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BankCode {
    pub code: &'static str,
    pub name: &'static str,
    /// The usual account length; `None` where the sources do not agree.
    pub account_length: Option<u8>,
}

impl BankCode {
    pub fn parse(code: &str) -> Result<BankCode, BankError> {
        let code = code.trim();
        // A spreadsheet turns "002" into 2: accept it back.
        let padded = format!("{:0>3}", code);
        BANKS
            .iter()
            .find(|(c, _, _)| *c == padded)
            .map(|&(code, name, len)| BankCode { code, name, account_length: (len > 0).then_some(len) })
            .ok_or_else(|| BankError::UnknownBank(code.to_string()))
    }

    pub fn all() -> impl Iterator<Item = BankCode> {
        BANKS.iter().map(|&(code, name, len)| BankCode { code, name, account_length: (len > 0).then_some(len) })
    }
}

/// An account number at a known bank, with a plausible length for that bank.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawAccount")]
pub struct BankAccount {
    bank_code: String,
    number: String,
}

#[derive(Deserialize)]
struct RawAccount {
    bank_code: String,
    number: String,
}

impl TryFrom<RawAccount> for BankAccount {
    type Error = BankError;
    fn try_from(r: RawAccount) -> Result<Self, Self::Error> {
        BankAccount::parse(&r.bank_code, &r.number)
    }
}

impl BankAccount {
    pub fn parse(bank_code: &str, number: &str) -> Result<BankAccount, BankError> {
        let bank = BankCode::parse(bank_code)?;
        let n = crate::digits_only(number.trim());
        if !crate::all_ascii_digits(&n) {
            return Err(BankError::NotDigits);
        }
        match bank.account_length {
            Some(expected) if n.len() != usize::from(expected) => {
                return Err(BankError::Length { bank: bank.name, expected, actual: n.len() })
            }
            None if !(6..=20).contains(&n.len()) => return Err(BankError::UnusualLength),
            _ => {}
        }
        Ok(BankAccount { bank_code: bank.code.to_string(), number: n })
    }

    pub fn bank(&self) -> BankCode {
        BankCode::parse(&self.bank_code).expect("checked at parse")
    }

    pub fn bank_code(&self) -> &str {
        &self.bank_code
    }

    pub fn number(&self) -> &str {
        &self.number
    }

    /// The last four digits only, for receipts and screens.
    pub fn masked(&self) -> String {
        let n = &self.number;
        format!("{} ••••{}", self.bank().name, &n[n.len().saturating_sub(4)..])
    }
}

impl fmt::Debug for BankAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BankAccount({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_lengths_are_enforced() {
        assert!(BankAccount::parse("014", "1234567890").is_ok()); // BCA 10
        assert!(BankAccount::parse("002", "123456789012345").is_ok()); // BRI 15
        assert!(BankAccount::parse("008", "1234567890123").is_ok()); // Mandiri 13
        assert!(BankAccount::parse("200", "1234567890123456").is_ok()); // BTN 16
        assert!(matches!(
            BankAccount::parse("014", "123456789"),
            Err(BankError::Length { expected: 10, actual: 9, .. })
        ));
    }

    #[test]
    fn unknown_length_banks_accept_6_to_20_digits() {
        assert!(BankAccount::parse("013", "123456").is_ok()); // Permata, length unknown
        assert_eq!(BankAccount::parse("013", "12345"), Err(BankError::UnusualLength));
    }

    #[test]
    fn unknown_bank_and_letters_are_refused() {
        assert!(matches!(BankAccount::parse("999", "1234567890"), Err(BankError::UnknownBank(_))));
        assert_eq!(BankAccount::parse("014", "12345X7890"), Err(BankError::NotDigits));
    }

    #[test]
    fn spreadsheet_stripped_bank_code_is_restored() {
        assert_eq!(BankCode::parse("2").unwrap().code, "002");
        assert_eq!(BankCode::parse("14").unwrap().code, "014");
    }

    #[test]
    fn masked_shows_last_four() {
        let a = BankAccount::parse("014", "1234567890").unwrap();
        assert!(a.masked().ends_with("7890"));
        assert!(!format!("{a:?}").contains("123456"));
    }
}
