//! The collective channel (klaim kolektif, from 20 May 2020): a medium or large company that
//! had to lay off at least 30% of its workers files for all of them through one
//! representative. Whether a company may use it is decided here, with the computation shown.
//!
//! The sources do not say which headcount the 30% is measured against (domain.md §3); Lapak
//! takes the workforce before the layoffs, as the registry holds it, and counts the layoffs
//! of this batch plus earlier ones within a window, both configurable.

use serde::Serialize;

use crate::member::CompanyScale;

/// The thresholds, in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectiveRules {
    /// Laid-off share of the workforce, in per cent (30 in 2020).
    pub min_percent: u32,
    /// Earlier layoffs counted with this batch, in days.
    pub window_days: u32,
    /// Small companies file per worker.
    pub min_scale: CompanyScale,
}

impl Default for CollectiveRules {
    fn default() -> Self {
        // BPJS Ketenagakerjaan, 20 May 2020: medium and large companies, at least 30%.
        CollectiveRules { min_percent: 30, window_days: 90, min_scale: CompanyScale::Medium }
    }
}

/// Why a company may not use the channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Small companies: each worker claims on their own.
    Scale,
    /// Under the share; `percent` is rounded down.
    Share,
    /// No workforce in the registry to measure against.
    NoWorkforce,
}

/// The decision and the numbers behind it, for the page ("312 dari 1.200 tenaga kerja =
/// 26%: di bawah 30%").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entitlement {
    pub laid_off: u32,
    pub workforce: u32,
    /// Rounded down to a whole per cent, so 29.9% is never shown as 30%.
    pub percent: u32,
    pub threshold: u32,
    pub refusal: Option<Refusal>,
}

impl Entitlement {
    pub fn allowed(&self) -> bool {
        self.refusal.is_none()
    }
}

fn rank(scale: CompanyScale) -> u8 {
    match scale {
        CompanyScale::Small => 0,
        CompanyScale::Medium => 1,
        CompanyScale::Large => 2,
    }
}

/// May a company of `scale` with `workforce` workers (before the layoffs) file collectively
/// for `this_batch` workers, having laid off `earlier` more within the window?
pub fn entitlement(
    rules: &CollectiveRules,
    scale: CompanyScale,
    workforce: u32,
    this_batch: u32,
    earlier: u32,
) -> Entitlement {
    let laid_off = this_batch.saturating_add(earlier);
    // Integer arithmetic: the share is compared exactly, laid_off * 100 >= min * workforce.
    let percent = if workforce == 0 { 0 } else { ((u64::from(laid_off) * 100) / u64::from(workforce)) as u32 };
    let refusal = if rank(scale) < rank(rules.min_scale) {
        Some(Refusal::Scale)
    } else if workforce == 0 {
        Some(Refusal::NoWorkforce)
    } else if u64::from(laid_off) * 100 < u64::from(rules.min_percent) * u64::from(workforce) {
        Some(Refusal::Share)
    } else {
        None
    };
    Entitlement { laid_off, workforce, percent, threshold: rules.min_percent, refusal }
}

/// One row of a company's worker list as the representative's file gives it, every cell
/// as text (spreadsheets turn numbers and dates into many shapes; the checks read them all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkerRow {
    /// The line in the file (the header is line 1).
    pub line: usize,
    pub nik: String,
    pub kpj: String,
    pub name: String,
    pub birth_date: String,
    pub layoff_date: String,
    pub bank_code: String,
    pub account_number: String,
    pub account_holder: String,
    pub email: String,
    pub mobile: String,
}

/// A row's values once every cell is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    pub line: usize,
    pub nik: crate::Nik,
    pub kpj: crate::Kpj,
    pub name: crate::member::Name,
    pub birth_date: jiff::civil::Date,
    pub layoff_date: jiff::civil::Date,
    pub account: crate::BankAccount,
    pub email: Option<crate::Email>,
    pub mobile: Option<crate::MobileNumber>,
}

/// A cell at fault: the column (as the template names it) and a message key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CellError {
    pub line: usize,
    pub column: &'static str,
    pub code: &'static str,
}

/// Checks every cell of every row on its own (the registry checks — identity, membership of
/// the company, eligibility, open claims — come after), and duplicates across the file.
/// Money never goes to the company: the account must be in the worker's own name.
pub fn check_rows(rows: &[WorkerRow], today: jiff::civil::Date) -> (Vec<Worker>, Vec<CellError>) {
    use std::collections::HashSet;
    let mut workers = Vec::new();
    let mut errors = Vec::new();
    let mut seen_nik: HashSet<String> = HashSet::new();
    let mut seen_kpj: HashSet<String> = HashSet::new();
    for r in rows {
        let mut fail = |column: &'static str, code: &'static str| errors.push(CellError { line: r.line, column, code });
        let nik = crate::Nik::parse(&r.nik).map_err(|_| fail("nik", "nik-invalid")).ok();
        let kpj = crate::Kpj::parse(&r.kpj).map_err(|_| fail("kpj", "kpj-format")).ok();
        let name = crate::member::Name::parse(&r.name).map_err(|_| fail("nama", "name-characters")).ok();
        let birth = crate::dates::parse(&r.birth_date);
        if birth.is_none() {
            fail("tanggal_lahir", "date-format");
        }
        let layoff = match crate::dates::parse(&r.layoff_date) {
            Some(d) if d <= today => Some(d),
            Some(_) => {
                fail("tanggal_phk", "date-future");
                None
            }
            None => {
                fail("tanggal_phk", "date-format");
                None
            }
        };
        let account = match crate::BankAccount::parse(&r.bank_code, &r.account_number) {
            Ok(a) => Some(a),
            Err(crate::bank::BankError::UnknownBank(_)) => {
                fail("bank", "bank-unknown-code");
                None
            }
            Err(crate::bank::BankError::NotDigits) => {
                fail("nomor_rekening", "account-digits");
                None
            }
            Err(_) => {
                fail("nomor_rekening", "account-length");
                None
            }
        };
        match (&name, crate::member::Name::parse(&r.account_holder)) {
            (Some(n), Ok(holder)) if holder.matches(n.as_str()) => {}
            (Some(_), _) => fail("pemilik_rekening", "holder-mismatch"),
            _ => {}
        }
        let email = (!r.email.trim().is_empty())
            .then(|| crate::Email::parse(&r.email).map_err(|_| fail("email", "email-invalid")).ok())
            .flatten();
        let mobile = (!r.mobile.trim().is_empty())
            .then(|| crate::MobileNumber::parse(&r.mobile).map_err(|_| fail("no_hp", "phone-invalid")).ok())
            .flatten();
        if let (Some(n), Some(b)) = (&nik, birth) {
            if n.birth_date(today) != b {
                fail("tanggal_lahir", "nik-birth-mismatch");
            }
        }
        if let Some(n) = &nik {
            if !seen_nik.insert(n.as_str().to_string()) {
                fail("nik", "duplicate-in-file");
            }
        }
        if let Some(k) = &kpj {
            if !seen_kpj.insert(k.as_str().to_string()) {
                fail("kpj", "duplicate-in-file");
            }
        }
        if errors.iter().any(|e| e.line == r.line) {
            continue;
        }
        if let (Some(nik), Some(kpj), Some(name), Some(birth_date), Some(layoff_date), Some(account)) =
            (nik, kpj, name, birth, layoff, account)
        {
            workers.push(Worker { line: r.line, nik, kpj, name, birth_date, layoff_date, account, email, mobile });
        }
    }
    (workers, errors)
}

/// The worker list's columns as the template names them, with the other headers people
/// write for them (lower case, spaces as `_`). Order is the template's.
pub const COLUMNS: [(&str, &[&str]); 10] = [
    ("nik", &["no_ktp", "nomor_ktp", "nik_ktp", "nomor_induk_kependudukan"]),
    ("kpj", &["no_kpj", "nomor_kpj", "nomor_peserta"]),
    ("nama", &["name", "nama_lengkap", "nama_pekerja", "nama_tenaga_kerja", "nama_karyawan"]),
    ("tanggal_lahir", &["tgl_lahir", "birth_date", "date_of_birth"]),
    ("tanggal_phk", &["tgl_phk", "layoff_date", "tanggal_berhenti", "hari_terakhir_bekerja"]),
    ("bank", &["kode_bank", "bank_code", "nama_bank"]),
    ("nomor_rekening", &["no_rekening", "no_rek", "rekening", "account_number"]),
    ("pemilik_rekening", &["nama_pemilik_rekening", "atas_nama", "account_holder"]),
    ("email", &["e_mail", "surel"]),
    ("no_hp", &["nomor_hp", "hp", "no_wa", "whatsapp", "mobile", "phone"]),
];

/// What the registry holds about the worker a row names, as far as the checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredWorker {
    pub nik: crate::Nik,
    pub name: crate::member::Name,
    pub birth_date: jiff::civil::Date,
    pub npp: Option<crate::Npp>,
    pub facts: crate::eligibility::MemberFacts,
    /// A claim that is not finished yet (any channel).
    pub open_claim: bool,
}

/// The checks only the registry can answer, for a row whose cells are valid: the KPJ is
/// known and belongs to the NIK, name and birth date match, the worker is (or was) a member
/// through this company, no claim is open, and the layoff cause is claimable today (the
/// one-month waiting period). Returns the benefit when every check passes. Nothing in the
/// errors says what the registry holds: a mismatch is a mismatch.
pub fn check_registered(
    worker: &Worker,
    registered: Option<&RegisteredWorker>,
    npp: &crate::Npp,
    rules: &crate::eligibility::EligibilityRules,
    today: jiff::civil::Date,
) -> Result<crate::tax::Benefit, Vec<CellError>> {
    let line = worker.line;
    let err = |column: &'static str, code: &'static str| CellError { line, column, code };
    let Some(r) = registered else {
        return Err(vec![err("kpj", "collective-not-registered")]);
    };
    let mut errors = Vec::new();
    if r.nik != worker.nik {
        errors.push(err("nik", "collective-identity-mismatch"));
    }
    if !r.name.matches(worker.name.as_str()) {
        errors.push(err("nama", "collective-identity-mismatch"));
    }
    if r.birth_date != worker.birth_date {
        errors.push(err("tanggal_lahir", "collective-identity-mismatch"));
    }
    if r.npp.as_ref() != Some(npp) {
        errors.push(err("kpj", "collective-other-company"));
    }
    if r.open_claim {
        errors.push(err("kpj", "open-claim-exists"));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let history = crate::eligibility::ClaimHistory { has_open_claim: false, has_earlier_partial_claim: false };
    use crate::eligibility::Decision;
    match crate::eligibility::decide(
        rules,
        crate::cause::ClaimCause::Layoff,
        &r.facts,
        &history,
        Some(worker.layoff_date),
        today,
    ) {
        Decision::Eligible { benefit, .. } => Ok(benefit),
        Decision::NotYet { .. } => Err(vec![err("tanggal_phk", "collective-waiting-period")]),
        Decision::Refused { why } => Err(vec![err(
            if why == crate::eligibility::Ground::NoBalance { "kpj" } else { "tanggal_phk" },
            match why {
                crate::eligibility::Ground::NoBalance => "collective-no-balance",
                _ => "collective-layoff-before-membership",
            },
        )]),
    }
}

/// What each worker of a batch sends: the layoff's documents except the proof of stopping
/// work, which the company's mass termination letter is (and the NPWP, asked only above the
/// tax threshold).
pub fn worker_documents() -> Vec<crate::documents::DocumentKind> {
    use crate::documents::{required_documents, DocumentKind, Need};
    required_documents(crate::cause::ClaimCause::Layoff)
        .iter()
        .filter(|(k, need)| *need == Need::Required && *k != DocumentKind::ProofOfStoppingWork)
        .map(|(k, _)| *k)
        .collect()
}

/// The document a file in a worker's folder is, from its name: the kind's code or the words
/// HR departments use ("ktp.pdf", "KK.jpg", "buku-tabungan hal 1.png", "foto.jpg").
pub fn kind_from_file_name(name: &str) -> Option<crate::documents::DocumentKind> {
    use crate::documents::DocumentKind as K;
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s).to_lowercase();
    let words: Vec<&str> = stem.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let joined = words.join("_");
    if let Some(k) = K::ALL.into_iter().find(|k| joined == k.code() || joined.starts_with(&format!("{}_", k.code()))) {
        return Some(k);
    }
    let first = words.first().copied().unwrap_or("");
    let pair = words.iter().take(2).copied().collect::<Vec<_>>().join("_");
    match (first, pair.as_str()) {
        (_, "kartu_keluarga") | ("kk", _) => Some(K::FamilyCard),
        (_, "buku_tabungan") | ("tabungan" | "rekening" | "passbook", _) => Some(K::Passbook),
        (_, "kartu_peserta") | ("kpj", _) => Some(K::KpjCard),
        ("ktp" | "ektp" | "e", _)
            if joined.starts_with("ktp") || joined.starts_with("ektp") || joined.starts_with("e_ktp") =>
        {
            Some(K::Ektp)
        }
        ("foto" | "photo" | "selfie" | "swafoto", _) => Some(K::Photo),
        ("npwp", _) => Some(K::Npwp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_is_measured_against_the_workforce_before_the_layoffs() {
        let rules = CollectiveRules::default();
        let e = entitlement(&rules, CompanyScale::Large, 1_200, 312, 0);
        assert_eq!((e.percent, e.refusal), (26, Some(Refusal::Share)));
        let e = entitlement(&rules, CompanyScale::Large, 1_200, 312, 48);
        assert_eq!((e.laid_off, e.percent, e.refusal), (360, 30, None), "earlier layoffs in the window count");
        // 29.99% is under 30%, even if a page would round it up.
        let e = entitlement(&rules, CompanyScale::Medium, 10_000, 2_999, 0);
        assert_eq!((e.percent, e.refusal), (29, Some(Refusal::Share)));
        assert!(entitlement(&rules, CompanyScale::Medium, 100, 40, 0).allowed());
    }

    fn row(line: usize, nik: &str, kpj: &str) -> WorkerRow {
        WorkerRow {
            line,
            nik: nik.into(),
            kpj: kpj.into(),
            name: "Siti Aminah".into(),
            birth_date: "15/05/1990".into(),
            layoff_date: "2026-09-30".into(),
            bank_code: "014".into(),
            account_number: "1234567890".into(),
            account_holder: "SITI AMINAH".into(),
            email: "siti@example.id".into(),
            mobile: "0812 3456 7890".into(),
        }
    }

    #[test]
    fn every_cell_is_checked_and_the_column_at_fault_named() {
        let today = jiff::civil::date(2026, 11, 25);
        let good = row(2, "3273015505900002", "12345678901");
        let mut bad = row(3, "3273015505900003", "12345678901");
        bad.account_holder = "PT Maju Bersama".into();
        bad.layoff_date = "2027-01-01".into();
        bad.birth_date = "16/05/1990".into();
        let mut broken = row(4, "327301550590", "abc");
        broken.email = "bukan-email".into();
        let duplicate = row(5, "3273015505900002", "12345678909");
        let (workers, errors) = check_rows(&[good, bad, broken, duplicate], today);
        assert_eq!(workers.len(), 1);
        assert_eq!(workers[0].line, 2);
        let at = |line: usize| -> Vec<(&str, &str)> {
            errors.iter().filter(|e| e.line == line).map(|e| (e.column, e.code)).collect()
        };
        assert_eq!(
            at(3),
            [
                ("tanggal_phk", "date-future"),
                ("pemilik_rekening", "holder-mismatch"),
                ("tanggal_lahir", "nik-birth-mismatch"),
                ("kpj", "duplicate-in-file")
            ]
        );
        assert_eq!(at(4), [("nik", "nik-invalid"), ("kpj", "kpj-format"), ("email", "email-invalid")]);
        assert_eq!(at(5), [("nik", "duplicate-in-file")]);
    }

    #[test]
    fn small_companies_and_missing_headcounts_are_refused() {
        let rules = CollectiveRules::default();
        assert_eq!(entitlement(&rules, CompanyScale::Small, 50, 40, 0).refusal, Some(Refusal::Scale));
        assert_eq!(entitlement(&rules, CompanyScale::Large, 0, 40, 0).refusal, Some(Refusal::NoWorkforce));
        let stricter = CollectiveRules { min_percent: 50, ..rules };
        assert_eq!(entitlement(&stricter, CompanyScale::Large, 100, 40, 0).refusal, Some(Refusal::Share));
    }

    #[test]
    fn the_registry_decides_identity_company_open_claims_and_the_waiting_period() {
        let today = jiff::civil::date(2026, 11, 25);
        let (workers, errors) = check_rows(&[row(2, "3273015505900002", "12345678901")], today);
        assert!(errors.is_empty());
        let w = &workers[0];
        let npp = crate::Npp::parse("10000037").unwrap();
        let registered = RegisteredWorker {
            nik: w.nik.clone(),
            name: crate::member::Name::parse("Siti Aminah").unwrap(),
            birth_date: w.birth_date,
            npp: Some(npp.clone()),
            facts: crate::eligibility::MemberFacts {
                birth_date: w.birth_date,
                membership_start: jiff::civil::date(2015, 1, 5),
                stopped_working_on: None,
                jht_balance: crate::Rupiah::new(20_000_000).unwrap(),
            },
            open_claim: false,
        };
        let rules = crate::eligibility::EligibilityRules::default();
        assert!(check_registered(w, Some(&registered), &npp, &rules, today).is_ok());
        let codes = |r: Result<_, Vec<CellError>>| -> Vec<(&str, &str)> {
            r.unwrap_err().iter().map(|e| (e.column, e.code)).collect()
        };
        assert_eq!(codes(check_registered(w, None, &npp, &rules, today)), [("kpj", "collective-not-registered")]);
        let other = crate::Npp::parse("10000074").unwrap();
        let open = RegisteredWorker { open_claim: true, ..registered.clone() };
        assert_eq!(
            codes(check_registered(w, Some(&open), &other, &rules, today)),
            [("kpj", "collective-other-company"), ("kpj", "open-claim-exists")]
        );
        // Laid off on 30 September: claimable from 30 October. Laid off last week: not yet.
        let mut recent = w.clone();
        recent.layoff_date = jiff::civil::date(2026, 11, 18);
        assert_eq!(
            codes(check_registered(&recent, Some(&registered), &npp, &rules, today)),
            [("tanggal_phk", "collective-waiting-period")]
        );
    }

    #[test]
    fn a_file_name_says_which_document_it_is() {
        use crate::documents::DocumentKind as K;
        for (name, kind) in [
            ("ktp.pdf", Some(K::Ektp)),
            ("E-KTP hal 1.jpg", Some(K::Ektp)),
            ("KK.jpg", Some(K::FamilyCard)),
            ("kartu keluarga.png", Some(K::FamilyCard)),
            ("buku-tabungan_2.png", Some(K::Passbook)),
            ("kpj_card.pdf", Some(K::KpjCard)),
            ("Kartu Peserta.jpg", Some(K::KpjCard)),
            ("foto.jpg", Some(K::Photo)),
            ("surat cinta.pdf", None),
        ] {
            assert_eq!(kind_from_file_name(name), kind, "{name}");
        }
        assert_eq!(worker_documents(), [K::KpjCard, K::Ektp, K::FamilyCard, K::Passbook, K::Photo]);
    }
}
