//! Lapak's domain core: plain Rust, no I/O, no async, no SQL, no HTTP.
//!
//! Everything that can be wrong about a claim is decided here: identifiers that cannot be
//! constructed invalid, eligibility with the regulation behind each rule, benefit and tax,
//! the documents each cause needs, and the claim lifecycle as a state machine.

pub mod application;
pub mod bank;
pub mod cause;
pub mod claim_number;
pub mod collective;
pub mod contact;
pub mod dates;
pub mod documents;
pub mod eligibility;
pub mod identifiers;
pub mod lifecycle;
pub mod member;
pub mod money;
pub mod nik;
pub mod queue;
pub mod record_id;
pub mod reference;
pub mod region;
pub mod retention;
pub mod schedule;
pub mod staff;
pub mod tax;
pub mod upload;

pub use bank::{BankAccount, BankCode};
pub use cause::ClaimCause;
pub use contact::{Email, MobileNumber};
pub use identifiers::{Kpj, Npp, Npwp};
pub use money::Rupiah;
pub use nik::{Nik, Sex};

/// Keeps only ASCII digits, dropping the separators people and spreadsheets add
/// (spaces, dots, dashes). Used by every digit-string identifier.
pub(crate) fn digits_only(input: &str) -> String {
    input.chars().filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\t')).collect()
}

pub(crate) fn all_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}
