//! The identifiers and values people type: whatever the text, an answer and no panic; and
//! what a parser accepts, written as Lapak keeps it, parses again to the same value.
#![no_main]

use lapak_domain::bank::BankAccount;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::contact::{Email, MobileNumber};
use lapak_domain::identifiers::{Kpj, Npwp};
use lapak_domain::member::{BranchCode, Name};
use lapak_domain::money::Rupiah;
use lapak_domain::nik::Nik;
use libfuzzer_sys::fuzz_target;

macro_rules! again {
    ($parse:expr, $text:expr) => {
        if let Ok(v) = $parse($text) {
            assert_eq!($parse(v.as_str()).as_ref(), Ok(&v), "{:?} parsed, kept as {:?}", $text, v.as_str());
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let text = text.as_ref();
    again!(Nik::parse, text);
    again!(Kpj::parse, text);
    again!(Npwp::parse, text);
    again!(ClaimNumber::parse, text);
    again!(MobileNumber::parse, text);
    again!(Email::parse, text);
    again!(Name::parse, text);
    again!(BranchCode::parse, text);
    if let Ok(nik) = Nik::parse(text) {
        let _ = (nik.province(), nik.to_string());
    }
    if let Ok(m) = MobileNumber::parse(text) {
        let _ = m.masked();
    }
    if let Ok(e) = Email::parse(text) {
        let _ = e.masked();
    }
    if let Ok(r) = Rupiah::parse(text) {
        assert_eq!(Rupiah::parse(&r.amount().to_string()), Ok(r));
        let _ = r.to_string();
    }
    let _ = lapak_domain::dates::parse(text);
    // A bank code and an account number, split where the text has its first tab.
    let (code, number) = text.split_once('\t').unwrap_or(("", text));
    if let Ok(account) = BankAccount::parse(code, number) {
        assert_eq!(BankAccount::parse(account.bank_code(), account.number()).as_ref(), Ok(&account));
        let _ = account.masked();
    }
});
