//! Claim numbers people can read out on the phone: eight characters from Crockford's
//! base-32 alphabet (digits and letters without I, L, O and U, so nothing looks or sounds
//! like something else), then a check character (Luhn mod 32) that catches every single
//! mistyped character and every swap of two neighbours but `0`↔`Z`. Shown as `K7M2-9QXD-R`.
//!
//! Written by hand: the crates that implement Crockford base-32 encode bytes, not
//! check-charactered identifiers.

use serde::{Deserialize, Serialize};
use std::fmt;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const BODY: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClaimNumberError {
    #[error("a claim number has 9 characters, such as K7M2-9QXD-R")]
    Length,
    #[error("a claim number uses digits and the letters A–Z without I, L, O and U")]
    Character,
    #[error("the claim number has a typo (its check character does not match)")]
    Check,
}

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClaimNumber(String);

fn value(c: u8) -> Option<u32> {
    ALPHABET.iter().position(|a| *a == c).map(|p| p as u32)
}

/// Luhn mod 32 over the body: double every second value from the right, fold the excess.
fn check_value(body: &[u32]) -> u32 {
    let n = 32;
    let mut sum = 0;
    for (i, v) in body.iter().rev().enumerate() {
        let mut addend = if i % 2 == 0 { v * 2 } else { *v };
        addend = addend / n + addend % n;
        sum += addend;
    }
    (n - sum % n) % n
}

impl ClaimNumber {
    /// A claim number from 40 random bits (the caller supplies them, so this stays pure).
    pub fn from_random(bits: u64) -> ClaimNumber {
        let body: Vec<u32> = (0..BODY).map(|i| ((bits >> (5 * (BODY - 1 - i))) & 31) as u32).collect();
        let check = check_value(&body);
        let s: String = body.iter().chain(std::iter::once(&check)).map(|v| ALPHABET[*v as usize] as char).collect();
        ClaimNumber(s)
    }

    /// Accepts what people type: any case, spaces or dashes, and O/I/L read as 0/1/1.
    pub fn parse(input: &str) -> Result<ClaimNumber, ClaimNumberError> {
        let mut chars = Vec::with_capacity(BODY + 1);
        for c in input.trim().chars().filter(|c| !matches!(c, '-' | ' ' | '.')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !c.is_ascii() {
                return Err(ClaimNumberError::Character);
            }
            chars.push(value(c as u8).ok_or(ClaimNumberError::Character)?);
        }
        if chars.len() != BODY + 1 {
            return Err(ClaimNumberError::Length);
        }
        if check_value(&chars[..BODY]) != chars[BODY] {
            return Err(ClaimNumberError::Check);
        }
        Ok(ClaimNumber(chars.iter().map(|v| ALPHABET[*v as usize] as char).collect()))
    }

    /// The compact form, as stored.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClaimNumber {
    /// Grouped for reading out: K7M2-9QXD-R.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[0..4], &self.0[4..8], &self.0[8..9])
    }
}

impl fmt::Debug for ClaimNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClaimNumber({self})")
    }
}

impl TryFrom<String> for ClaimNumber {
    type Error = ClaimNumberError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ClaimNumber::parse(&s)
    }
}

impl From<ClaimNumber> for String {
    fn from(c: ClaimNumber) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The example the pages and messages give is a claim number: typed in, it is looked up,
    /// not refused as a typo.
    #[test]
    fn the_example_shown_to_people_is_valid() {
        assert_eq!(ClaimNumber::parse("K7M2-9QXD-R").map(|n| n.to_string()), Ok("K7M2-9QXD-R".to_string()));
        assert_eq!(ClaimNumber::parse("K7M2-9QXD-4"), Err(ClaimNumberError::Check));
    }

    #[test]
    fn shown_grouped_and_read_back_however_typed() {
        let n = ClaimNumber::from_random(0x12_3456_789A);
        let shown = n.to_string();
        assert_eq!(shown.len(), 11);
        assert_eq!(ClaimNumber::parse(&shown).unwrap(), n);
        assert_eq!(ClaimNumber::parse(&shown.to_lowercase().replace('-', " ")).unwrap(), n);
    }

    #[test]
    fn confusable_letters_are_read_as_digits() {
        let n = ClaimNumber::from_random(0);
        assert_eq!(n.as_str(), "000000000");
        assert_eq!(ClaimNumber::parse("OOOO-oooo-O").unwrap(), n);
    }

    #[test]
    fn wrong_length_and_characters_are_explained() {
        assert_eq!(ClaimNumber::parse("ABC"), Err(ClaimNumberError::Length));
        assert_eq!(ClaimNumber::parse("ABCD-EFGH-U"), Err(ClaimNumberError::Character));
        assert_eq!(ClaimNumber::parse("ABCD-EFGH-é"), Err(ClaimNumberError::Character));
    }

    proptest! {
        #[test]
        fn every_single_character_typo_is_caught(bits in 0u64..(1 << 40), pos in 0usize..9, delta in 1usize..32) {
            let n = ClaimNumber::from_random(bits);
            let mut typed: Vec<u8> = n.as_str().bytes().collect();
            let v = value(typed[pos]).unwrap() as usize;
            typed[pos] = ALPHABET[(v + delta) % 32];
            prop_assert!(ClaimNumber::parse(std::str::from_utf8(&typed).unwrap()).is_err());
        }

        #[test]
        fn every_swap_of_neighbours_is_caught(bits in 0u64..(1 << 40), pos in 0usize..8) {
            let n = ClaimNumber::from_random(bits);
            let mut typed: Vec<u8> = n.as_str().bytes().collect();
            prop_assume!(typed[pos] != typed[pos + 1]);
            typed.swap(pos, pos + 1);
            // Luhn mod N misses one transposition pair per alphabet; see the test below.
            let a = value(typed[pos]).unwrap();
            let b = value(typed[pos + 1]).unwrap();
            prop_assume!(!((a == 0 && b == 31) || (a == 31 && b == 0)));
            prop_assert!(ClaimNumber::parse(std::str::from_utf8(&typed).unwrap()).is_err());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = ClaimNumber::parse(&s);
        }
    }
}
