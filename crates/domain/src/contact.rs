//! Contact details: Indonesian mobile numbers (normalised to +62…) and e-mail addresses.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("not an Indonesian mobile number (08… or +628…)")]
    NotMobile,
    #[error("not a valid e-mail address")]
    Email,
}

/// An Indonesian mobile number, stored as +628… (E.164).
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MobileNumber(String);

impl MobileNumber {
    /// Accepts 0812…, 62812…, +62 812-…, (0812) …; mobile numbers start with 8 after the
    /// country code and have 9 to 12 digits after it.
    pub fn parse(input: &str) -> Result<MobileNumber, ContactError> {
        let s: String = input.trim().chars().filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')' | '\u{a0}')).collect();
        let rest = if let Some(r) = s.strip_prefix("+62") {
            r
        } else if let Some(r) = s.strip_prefix("62") {
            r
        } else if let Some(r) = s.strip_prefix('0') {
            r
        } else if s.starts_with('8') {
            // A spreadsheet dropped the leading 0.
            &s
        } else {
            return Err(ContactError::NotMobile);
        };
        if !rest.starts_with('8') || !(9..=12).contains(&rest.len()) || !crate::all_ascii_digits(rest) {
            return Err(ContactError::NotMobile);
        }
        Ok(MobileNumber(format!("+62{rest}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        let n = &self.0;
        format!("{}••••{}", &n[..6], &n[n.len() - 3..])
    }
}

impl fmt::Debug for MobileNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "MobileNumber({})", self.masked())
    }
}

impl TryFrom<String> for MobileNumber {
    type Error = ContactError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MobileNumber> for String {
    fn from(v: MobileNumber) -> String {
        v.0
    }
}

/// An e-mail address, checked for shape (one @, a dotted domain, no spaces or control
/// characters, RFC 5321 lengths). Whether it is reachable is only known by sending to it.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, ContactError> {
        let s = input.trim();
        if s.len() > 254 || s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(ContactError::Email);
        }
        let (local, domain) = s.rsplit_once('@').ok_or(ContactError::Email)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+/=?^_`{|}~.-".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && !l.ends_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && tld.chars().all(|c| c.is_ascii_alphabetic()));
        if !(local_ok && domain_ok) {
            return Err(ContactError::Email);
        }
        Ok(Email(format!("{local}@{}", domain.to_ascii_lowercase())))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        let (local, domain) = self.0.split_once('@').expect("checked at parse");
        format!("{}•••@{domain}", &local[..1])
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.masked())
    }
}

impl TryFrom<String> for Email {
    type Error = ContactError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<Email> for String {
    fn from(v: Email) -> String {
        v.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mobile_numbers_normalise_to_plus_62() {
        for input in
            ["081234567890", "+6281234567890", "6281234567890", "0812-3456-7890", "(0812) 3456 7890", "81234567890"]
        {
            assert_eq!(MobileNumber::parse(input).unwrap().as_str(), "+6281234567890", "{input}");
        }
    }

    #[test]
    fn landlines_and_garbage_are_refused() {
        assert!(MobileNumber::parse("0215551234").is_err()); // Jakarta landline
        assert!(MobileNumber::parse("0812").is_err());
        assert!(MobileNumber::parse("08123456789012345").is_err());
        assert!(MobileNumber::parse("08abc").is_err());
        assert!(MobileNumber::parse("").is_err());
    }

    #[test]
    fn emails() {
        assert_eq!(Email::parse(" Siti.Aminah@Example.CO.ID ").unwrap().as_str(), "Siti.Aminah@example.co.id");
        for bad in [
            "",
            "a",
            "a@b",
            "a@b.c",
            "a b@c.id",
            "@c.id",
            "a@.id",
            "a..b@c.id",
            "a@c..id",
            "a@-c.id",
            "a\n@c.id",
            "a@c.id\u{0}x",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn parsed_mobile_numbers_are_e164(s in "\\PC{0,20}") {
            if let Ok(m) = MobileNumber::parse(&s) {
                prop_assert!(m.as_str().starts_with("+628"));
                prop_assert!(m.as_str()[1..].bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(MobileNumber::parse(m.as_str()).unwrap(), m.clone());
            }
        }

        #[test]
        fn email_parse_is_idempotent(s in "[a-z]{1,10}@[a-z]{1,10}\\.(id|com|co\\.id)") {
            let e = Email::parse(&s).unwrap();
            prop_assert_eq!(Email::parse(e.as_str()).unwrap(), e);
        }
    }
}
