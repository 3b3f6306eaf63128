//! `lapak demo`: a deterministic, realistic registry to try Lapak with.
//!
//! The same seed and reference date give the same data: 38 provinces, 11 regional offices,
//! ~120 branches (kc) and ~200 pioneer offices (kcp) over WIB, WITA and WIT; ~2,000
//! companies of every scale; members with NIKs consistent with their region, birth date
//! and sex. The reference date ("today" when first loaded) is stored, so a second run
//! reuses the data and prints the same members.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use jiff::civil::{date, Date};
use jiff::ToSpan;
use lapak_domain::member::{Branch, BranchCode, BranchKind, Company, CompanyScale, Member, Name, ServiceMode};
use lapak_domain::reference::REGENCIES;
use lapak_domain::region::Province;
use lapak_domain::schedule::{Capacity, Mode, ModeSetting, OfficerHours};
use lapak_domain::{Email, Kpj, MobileNumber, Nik, Npp, Rupiah, Sex};
use lapak_storage::Store;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;

pub const DEFAULT_SEED: u64 = 2020;
pub const DEFAULT_MEMBERS: u32 = 100_000;
const COMPANIES: u32 = 2_000;
const KC: usize = 120;
const KCP: usize = 200;

/// The generated registry.
pub struct DemoData {
    pub branches: Vec<Branch>,
    pub companies: Vec<Company>,
    pub members: Vec<Member>,
}

const MALE: &[&str] = &[
    "Agus",
    "Budi",
    "Dedi",
    "Eko",
    "Fajar",
    "Hendra",
    "Imam",
    "Joko",
    "Kurniawan",
    "Rudi",
    "Slamet",
    "Wahyu",
    "Yusuf",
    "Andi",
    "Bayu",
    "Dimas",
    "Gilang",
    "Hadi",
    "Iwan",
    "Rizky",
    "Teguh",
    "Made",
    "Putu",
    "Wayan",
    "Ketut",
    "Arif",
    "Bambang",
    "Darmawan",
    "Ferdi",
    "Hasan",
    "Irfan",
    "Lukman",
    "Muhammad",
    "Nur",
    "Rahmat",
    "Sutrisno",
    "Taufik",
];
const FEMALE: &[&str] = &[
    "Siti", "Sri", "Dewi", "Ayu", "Fitri", "Indah", "Lestari", "Nur", "Putri", "Ratna", "Rina", "Wulan", "Yuni", "Ani",
    "Dian", "Eka", "Fatimah", "Kartika", "Maya", "Novi", "Rahayu", "Sari", "Tuti", "Utami", "Wati", "Ni Luh", "Komang",
    "Aisyah", "Nurul", "Mega", "Anisa", "Desi", "Lina", "Mariani", "Rosa", "Yanti",
];
const FAMILY: &[&str] = &[
    "Santoso",
    "Wijaya",
    "Saputra",
    "Hidayat",
    "Pratama",
    "Kusuma",
    "Setiawan",
    "Nugroho",
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Simanjuntak",
    "Sinaga",
    "Manurung",
    "Tanjung",
    "Halim",
    "Gunawan",
    "Purnomo",
    "Susanto",
    "Rahman",
    "Hakim",
    "Pangaribuan",
    "Sembiring",
    "Ginting",
    "Tarigan",
    "Lumban Gaol",
    "Matondang",
    "Wibowo",
    "Suharto",
    "Firmansyah",
    "Ramadhan",
    "Mahendra",
    "Permana",
    "Syahputra",
    "Aminah",
    "Handayani",
    "Wulandari",
];
const COMPANY_WORDS: &[&str] = &[
    "Maju",
    "Jaya",
    "Sentosa",
    "Abadi",
    "Makmur",
    "Sejahtera",
    "Mandiri",
    "Nusantara",
    "Karya",
    "Bersama",
    "Indah",
    "Prima",
    "Utama",
    "Mulia",
    "Sinar",
    "Cahaya",
    "Bintang",
    "Garuda",
    "Samudra",
    "Tekstil",
    "Logistik",
    "Niaga",
    "Pangan",
    "Konstruksi",
    "Elektronik",
    "Garmen",
    "Perkasa",
    "Agung",
    "Lestari",
    "Teknik",
];

/// Generates the registry for `seed` as of `today`.
pub fn generate(seed: u64, members: u32, today: Date) -> DemoData {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let provinces: Vec<Province> = Province::all().collect();
    let branches = generate_branches(&mut rng, &provinces);
    let offices: Vec<&Branch> = branches.iter().filter(|b| b.kind != BranchKind::Kanwil).collect();
    let mut companies = generate_companies(&mut rng, &offices);
    let mut members = generate_members(&mut rng, members, &provinces, &companies, today);
    if let Some(first) = branches.iter().find(|b| b.kind == BranchKind::Kc) {
        for c in collective(&first.code, today) {
            companies.push(c.company);
            members.extend(c.workers);
        }
    }
    DemoData { branches, companies, members }
}

fn generate_branches(rng: &mut ChaCha8Rng, provinces: &[Province]) -> Vec<Branch> {
    let mut out = Vec::new();
    let name = |s: String| Name::parse(&s).expect("generated names are valid");
    // 11 regional offices in the largest regions.
    for (i, code) in ["31", "32", "33", "35", "12", "16", "36", "51", "64", "73", "91"].iter().enumerate() {
        let p = Province::by_code(code).expect("known province");
        out.push(Branch {
            code: BranchCode::parse(&format!("KW{:02}", i + 1)).unwrap(),
            name: name(format!("Kantor Wilayah {}", p.name)),
            kind: BranchKind::Kanwil,
            province_code: p.code.into(),
            time_zone: p.time_zone.into(),
            mode: ServiceMode::OneToOne,
            booths: 1,
            room_capacity: 10,
        });
    }
    // Branches: one in every provincial capital, the rest in the most populous regencies.
    let mut seats: Vec<(String, &Province)> = provinces.iter().map(|p| (p.capital.to_string(), p)).collect();
    let mut regencies: Vec<_> = REGENCIES.to_vec();
    regencies.sort_by_key(|r| std::cmp::Reverse(r.2));
    for (code, regency_name, _) in regencies.iter() {
        if seats.len() >= KC {
            break;
        }
        let p = provinces.iter().find(|p| p.code == &code[..2]).expect("regency province");
        let place = regency_name
            .trim_start_matches("Kabupaten ")
            .trim_start_matches("Kota Administrasi ")
            .trim_start_matches("Kota ");
        if !seats.iter().any(|(s, _)| s == place) {
            seats.push((place.to_string(), p));
        }
    }
    while seats.len() < KC {
        let p = provinces.choose(rng).expect("provinces");
        seats.push((format!("{} {}", p.capital, seats.len()), p));
    }
    for (i, (place, p)) in seats.iter().enumerate() {
        // The busiest third serve One to Many with 4–6 booths, the others one to one.
        let large = i < 38 || rng.gen_bool(0.3);
        out.push(Branch {
            code: BranchCode::parse(&format!("KC{:03}", i + 1)).unwrap(),
            name: name(format!("Kantor Cabang {place}")),
            kind: BranchKind::Kc,
            province_code: p.code.into(),
            time_zone: p.time_zone.into(),
            mode: if large { ServiceMode::OneToMany } else { ServiceMode::OneToOne },
            booths: if large { rng.gen_range(4..=6) } else { 1 },
            room_capacity: if large { rng.gen_range(15..=40) } else { rng.gen_range(6..=15) },
        });
    }
    for i in 0..KCP {
        let p = provinces.choose(rng).expect("provinces");
        out.push(Branch {
            code: BranchCode::parse(&format!("KCP{:03}", i + 1)).unwrap(),
            name: name(format!("Kantor Cabang Perintis {} {}", p.name, i + 1)),
            kind: BranchKind::Kcp,
            province_code: p.code.into(),
            time_zone: p.time_zone.into(),
            mode: ServiceMode::OneToOne,
            booths: 1,
            room_capacity: rng.gen_range(4..=8),
        });
    }
    out
}

fn generate_companies(rng: &mut ChaCha8Rng, offices: &[&Branch]) -> Vec<Company> {
    (0..COMPANIES)
        .map(|i| {
            let (scale, workforce) = match rng.gen_range(0..100) {
                0..=59 => (CompanyScale::Small, rng.gen_range(5..=50)),
                60..=89 => (CompanyScale::Medium, rng.gen_range(51..=300)),
                _ => (CompanyScale::Large, rng.gen_range(301..=8_000)),
            };
            let form = if scale == CompanyScale::Small && rng.gen_bool(0.4) { "CV" } else { "PT" };
            let a = COMPANY_WORDS.choose(rng).unwrap();
            let b = COMPANY_WORDS.choose(rng).unwrap();
            Company {
                npp: Npp::parse(&format!("{:08}", 10_000_000 + i * 37)).unwrap(),
                name: Name::parse(&format!("{form} {a} {b} {}", i + 1)).unwrap(),
                scale,
                workforce,
                branch_code: offices.choose(rng).unwrap().code.clone(),
            }
        })
        .collect()
}

fn generate_members(
    rng: &mut ChaCha8Rng,
    count: u32,
    provinces: &[Province],
    companies: &[Company],
    today: Date,
) -> Vec<Member> {
    let total_population: u64 = REGENCIES.iter().map(|r| u64::from(r.2)).sum();
    let mut niks = HashSet::with_capacity(count as usize);
    let mut out = Vec::with_capacity(count as usize);
    for i in 0..count {
        // 80% from the sample regencies, weighted by population; the rest anywhere.
        let regency = if rng.gen_bool(0.8) {
            let mut pick = rng.gen_range(0..total_population);
            let mut chosen = REGENCIES[0].0.to_string();
            for r in REGENCIES {
                if pick < u64::from(r.2) {
                    chosen = r.0.to_string();
                    break;
                }
                pick -= u64::from(r.2);
            }
            chosen
        } else {
            format!("{}{:02}", provinces.choose(rng).unwrap().code, rng.gen_range(1..=20))
        };
        let sex = if rng.gen_bool(0.5) { Sex::Male } else { Sex::Female };
        // Ages 19–64; a few past 56 so that retirement claims can be tried.
        let age_days = rng.gen_range(19 * 365..65 * 365);
        let birth = today.saturating_sub((age_days as i64).days());
        let nik = loop {
            let day = if sex == Sex::Female { birth.day() + 40 } else { birth.day() };
            let s = format!(
                "{regency}{:02}{day:02}{:02}{:02}{:04}",
                rng.gen_range(1..=30),
                birth.month(),
                birth.year() % 100,
                rng.gen_range(1..=9999)
            );
            if niks.insert(s.clone()) {
                break Nik::parse(&s).expect("generated NIKs are valid");
            }
        };
        let first = if sex == Sex::Male { MALE.choose(rng) } else { FEMALE.choose(rng) }.unwrap();
        let full =
            if rng.gen_bool(0.2) { first.to_string() } else { format!("{first} {}", FAMILY.choose(rng).unwrap()) };
        let mother = format!("{} {}", FEMALE.choose(rng).unwrap(), FAMILY.choose(rng).unwrap());
        let adult = birth.saturating_add(18.years());
        let span_days = (today - adult).get_days().max(1);
        let start = adult.saturating_add((rng.gen_range(0..span_days) as i64).days());
        let stopped = match rng.gen_range(0..100) {
            0..=54 => None,
            // Stopped recently: in the last 18 months.
            55..=84 => Some(today.saturating_sub((rng.gen_range(0..540) as i64).days())),
            _ => Some(today.saturating_sub((rng.gen_range(540..3_000) as i64).days())),
        }
        .filter(|d| *d > start)
        .or(None);
        let months = ((stopped.unwrap_or(today) - start).get_days() / 30).max(1);
        let wage: i64 = rng.gen_range(2_500_000..=18_000_000);
        let balance = (i64::from(months) * wage * 57 / 1_000) / 1_000 * 1_000;
        let employer = rng.gen_bool(0.85).then(|| companies.choose(rng).unwrap().npp.clone());
        let handle = full.to_lowercase().replace(' ', ".");
        out.push(Member {
            nik,
            kpj: Kpj::parse(&format!("{}", 10_000_000_000u64 + u64::from(i) * 7 + 3)).unwrap(),
            full_name: Name::parse(&full).unwrap(),
            birth_date: birth,
            sex,
            mother_maiden_name: Name::parse(&mother).unwrap(),
            npp: employer,
            membership_start: start,
            stopped_working_on: stopped,
            jht_balance: Rupiah::new(balance).unwrap(),
            email: Some(Email::parse(&format!("{handle}{i}@example.com")).unwrap()),
            phone: Some(
                MobileNumber::parse(&format!("08{}{:09}", rng.gen_range(11..=59), rng.gen_range(0..1_000_000_000u64)))
                    .unwrap(),
            ),
        });
    }
    out
}

/// Loads the demo registry once (later runs with the same seed reuse it) and prints
/// members to try a claim with.
pub async fn run(store: &dyn Store, seed: u64, members: u32) -> anyhow::Result<()> {
    let stamp = format!("{seed}:{members}");
    let today = reference_date(store).await?;
    let data = generate(seed, members, today);
    if store.meta_get("demo").await?.as_deref() == Some(stamp.as_str()) {
        println!("Data demo sudah dimuat / demo data already loaded (seed {seed}).");
    } else {
        load(store, &data).await?;
        store.meta_set("demo", &stamp).await?;
    }
    if store.capacities().await?.is_empty() {
        for c in capacities(&data.branches) {
            store.set_capacity(&c).await.context("loading demo capacity")?;
        }
    }
    println!("\nCoba ajukan klaim dengan peserta ini / try a claim with these members:");
    for (id, en, m) in examples(&data, today) {
        println!(
            "  NIK {}  KPJ {}  {}  lahir/born {}\n    {id}\n    {en}",
            m.nik,
            m.kpj,
            m.full_name,
            m.birth_date.strftime("%d/%m/%Y")
        );
    }
    Ok(())
}

async fn load(store: &dyn Store, data: &DemoData) -> anyhow::Result<()> {
    println!("Memuat data demo / loading demo data…");
    store.upsert_branches(&data.branches).await.context("loading demo branches")?;
    store.upsert_companies(&data.companies).await.context("loading demo companies")?;
    let bar = ProgressBar::new(data.members.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} peserta/members ({eta})")
            .unwrap()
            .progress_chars("=> "),
    );
    for chunk in data.members.chunks(5_000) {
        store.upsert_members(chunk).await.context("loading demo members")?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    println!(
        "Dimuat / loaded: {} kantor/offices, {} perusahaan/companies, {} peserta/members.",
        data.branches.len(),
        data.companies.len(),
        data.members.len()
    );
    Ok(())
}

/// A plausible capacity for every office: video calls all day, One to Many (or a counter
/// where there are no booths) at the branch, and a collective session at main branches.
pub fn capacities(branches: &[Branch]) -> Vec<Capacity> {
    let weekdays = vec![1, 2, 3, 4, 5];
    let officer = |id: &str, name: &str, mode: Mode, start: &str, end: &str| OfficerHours {
        id: id.into(),
        name: name.into(),
        mode,
        weekdays: weekdays.clone(),
        start: start.into(),
        end: end.into(),
        absent: vec![],
    };
    branches
        .iter()
        .filter(|b| b.kind != BranchKind::Kanwil)
        .map(|b| {
            let booths = b.booths.clamp(4, 6) as u8;
            let at_branch = if b.mode == ServiceMode::OneToMany && b.booths >= 4 {
                (Mode::OneToMany, booths, 30)
            } else {
                (Mode::Counter, 1, 20)
            };
            let mut modes = vec![
                ModeSetting { mode: Mode::VideoCall, slot_minutes: 20, seats: 1 },
                ModeSetting { mode: at_branch.0, slot_minutes: at_branch.2, seats: at_branch.1 },
            ];
            let mut officers = vec![
                officer("v1", "Petugas Video 1", Mode::VideoCall, "08:00", "16:00"),
                officer("m1", "Petugas Layanan 1", at_branch.0, "08:00", "15:00"),
            ];
            if b.kind == BranchKind::Kc {
                modes.push(ModeSetting { mode: Mode::Collective, slot_minutes: 60, seats: 1 });
                officers.push(officer("v2", "Petugas Video 2", Mode::VideoCall, "08:00", "16:00"));
                officers.push(officer("k1", "Petugas Kolektif", Mode::Collective, "13:00", "15:00"));
            }
            let needed: u16 = officers
                .iter()
                .filter(|o| o.mode.at_branch())
                .map(|o| modes.iter().find(|m| m.mode == o.mode).map_or(1, |m| u16::from(m.seats)))
                .sum();
            Capacity {
                branch: b.code.as_str().to_string(),
                time_zone: b.time_zone.clone(),
                modes,
                officers,
                room_capacity: b.room_capacity.max(needed),
                closed: vec![],
            }
        })
        .collect()
}

/// The date the demo was first generated on (stored), so regenerating gives the same data.
pub async fn reference_date(store: &dyn Store) -> anyhow::Result<Date> {
    if let Some(d) = store.meta_get("demo_date").await? {
        return Ok(d.parse()?);
    }
    let today = jiff::Timestamp::now().in_tz("Asia/Jakarta")?.date();
    store.meta_set("demo_date", &today.to_string()).await?;
    Ok(today)
}

/// Members that show the main eligibility cases, with a line saying what each is for.
pub fn examples(data: &DemoData, today: Date) -> Vec<(&'static str, &'static str, &Member)> {
    let find = |f: &dyn Fn(&Member) -> bool| data.members.iter().find(|m| f(m));
    let mut out = Vec::new();
    let long_ago = today.saturating_sub(3.months());
    if let Some(m) = find(&|m| {
        m.stopped_working_on.is_some_and(|d| d <= long_ago && d > long_ago.saturating_sub(3.months()))
            && m.npp.is_some()
    }) {
        out.push((
            "berhenti bekerja >1 bulan lalu: klaim mengundurkan diri/PHK dapat diajukan",
            "stopped working over a month ago: a resignation/layoff claim is eligible",
            m,
        ));
    }
    if let Some(m) = find(&|m| m.stopped_working_on.is_some_and(|d| d > today.saturating_sub(25.days()))) {
        out.push((
            "baru berhenti bekerja: eligibilitas menyebut tanggal mulai bisa mengajukan",
            "stopped working recently: eligibility says from which date",
            m,
        ));
    }
    if let Some(m) = find(&|m| m.birth_date.saturating_add(56.years()) <= today) {
        out.push(("berusia di atas 56 tahun: klaim usia pensiun", "older than 56: retirement-age claim", m));
    }
    if let Some(m) = find(&|m| m.stopped_working_on.is_none() && m.membership_start.saturating_add(10.years()) <= today)
    {
        out.push((
            "masih bekerja, peserta ≥10 tahun: klaim sebagian 10%/30%",
            "still working, member ≥10 years: partial 10%/30% claim",
            m,
        ));
    }
    out
}

/// The collective channel's demo: two large companies at the first branch, one that laid off
/// 40% of its workforce (300 of 750) and one that laid off 20% (200 of 1,000), their workers
/// laid off 45 days before the demo date (past the one-month waiting period).
pub struct CollectiveDemo {
    pub company: Company,
    pub workers: Vec<Member>,
    pub layoff: Date,
    /// The representative's sign-in name (e-mail).
    pub representative: &'static str,
}

/// The NPPs of the demo collective companies start here (above the generated ones).
const COLLECTIVE_NPP: u32 = 90_000_001;

pub fn collective(branch: &BranchCode, today: Date) -> Vec<CollectiveDemo> {
    let mut rng = ChaCha8Rng::seed_from_u64(30);
    let layoff = today.saturating_sub(45.days());
    let specs = [
        ("PT Tekstil Nusantara Demo", 750, 300, "pic@tekstil-nusantara.example"),
        ("PT Sepatu Sejahtera Demo", 1_000, 200, "pic@sepatu-sejahtera.example"),
    ];
    let mut kpj = 19_000_000_000u64;
    specs
        .iter()
        .enumerate()
        .map(|(n, (name, workforce, laid_off, representative))| {
            let company = Company {
                npp: Npp::parse(&format!("{}", COLLECTIVE_NPP + n as u32)).unwrap(),
                name: Name::parse(name).unwrap(),
                scale: CompanyScale::Large,
                workforce: *workforce,
                branch_code: branch.clone(),
            };
            let workers = (0..*laid_off)
                .map(|i| {
                    kpj += 1;
                    let sex = if rng.gen_bool(0.5) { Sex::Male } else { Sex::Female };
                    let birth = date(1970 + rng.gen_range(0..30), rng.gen_range(1..=12), rng.gen_range(1..=28));
                    let day = if sex == Sex::Female { birth.day() + 40 } else { birth.day() };
                    let nik =
                        format!("3273{:02}{day:02}{:02}{:02}{:04}", n + 1, birth.month(), birth.year() % 100, i + 1);
                    let first = if sex == Sex::Male { MALE.choose(&mut rng) } else { FEMALE.choose(&mut rng) }.unwrap();
                    let full = format!("{first} {}", FAMILY.choose(&mut rng).unwrap());
                    let mother = format!("{} {}", FEMALE.choose(&mut rng).unwrap(), FAMILY.choose(&mut rng).unwrap());
                    let start = date(2010 + rng.gen_range(0..10), rng.gen_range(1..=12), 1);
                    let months = i64::from(((layoff - start).get_days() / 30).max(1));
                    let balance = months * rng.gen_range(150_000..=700_000) / 1_000 * 1_000;
                    let handle = full.to_lowercase().replace(' ', ".");
                    Member {
                        nik: Nik::parse(&nik).expect("demo NIKs are valid"),
                        kpj: Kpj::parse(&kpj.to_string()).unwrap(),
                        full_name: Name::parse(&full).unwrap(),
                        birth_date: birth,
                        sex,
                        mother_maiden_name: Name::parse(&mother).unwrap(),
                        npp: Some(company.npp.clone()),
                        membership_start: start,
                        stopped_working_on: Some(layoff),
                        jht_balance: Rupiah::new(balance).unwrap(),
                        email: Some(Email::parse(&format!("{handle}.{kpj}@example.com")).unwrap()),
                        phone: Some(MobileNumber::parse(&format!("0813{:08}", kpj % 100_000_000)).unwrap()),
                    }
                })
                .collect();
            CollectiveDemo { company, workers, layoff, representative }
        })
        .collect()
}

/// A demo company's worker list as its HR department would send it (template columns), with
/// `faults` rows spoiled the way real lists are: an account in someone else's name, a birth
/// date that does not match the NIK, an account number a digit short.
pub fn worker_list(demo: &CollectiveDemo, faults: usize) -> Vec<Vec<String>> {
    demo.workers
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let account =
                format!("{:010}", 1_000_000_000u64 + m.kpj.as_str().parse::<u64>().unwrap_or(0) % 1_000_000_000);
            let mut row = vec![
                m.nik.as_str().to_string(),
                m.kpj.as_str().to_string(),
                m.full_name.as_str().to_string(),
                m.birth_date.strftime("%d/%m/%Y").to_string(),
                demo.layoff.strftime("%d/%m/%Y").to_string(),
                "014".to_string(),
                account,
                m.full_name.as_str().to_uppercase(),
                m.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
                m.phone.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
            ];
            if i < faults {
                match i % 3 {
                    0 => row[7] = demo.company.name.as_str().to_string(),
                    1 => row[3] = m.birth_date.saturating_add(1.days()).strftime("%d/%m/%Y").to_string(),
                    _ => row[6].truncate(9),
                }
            }
            row
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use lapak_domain::region::IndonesianZone;

    #[test]
    fn the_same_seed_and_date_give_the_same_data() {
        let a = generate(7, 500, date(2026, 11, 25));
        let b = generate(7, 500, date(2026, 11, 25));
        assert_eq!(a.members, b.members);
        assert_eq!(a.branches, b.branches);
        assert_ne!(generate(8, 500, date(2026, 11, 25)).members, a.members);
    }

    #[test]
    fn demo_registry_is_realistic_and_consistent() {
        let today = date(2026, 11, 25);
        let d = generate(DEFAULT_SEED, 3_000, today);
        let count = |k: BranchKind| d.branches.iter().filter(|b| b.kind == k).count();
        assert_eq!((count(BranchKind::Kanwil), count(BranchKind::Kc), count(BranchKind::Kcp)), (11, KC, KCP));
        let provinces: HashSet<&str> = d.branches.iter().map(|b| b.province_code.as_str()).collect();
        assert_eq!(provinces.len(), 38, "every province has an office");
        let zones: HashSet<_> = d.branches.iter().filter_map(|b| IndonesianZone::from_iana(&b.time_zone)).collect();
        assert_eq!(zones.len(), 3, "WIB, WITA and WIT");
        for b in &d.branches {
            b.validate().unwrap();
            if b.mode == ServiceMode::OneToMany {
                assert!((4..=6).contains(&b.booths));
            }
        }
        let scales: HashSet<_> = d.companies.iter().map(|c| c.scale.code()).collect();
        assert_eq!(scales.len(), 3);
        let kpjs: HashSet<_> = d.members.iter().map(|m| m.kpj.clone()).collect();
        assert_eq!(kpjs.len(), d.members.len());
        for m in &d.members {
            assert!(m.inconsistencies(today).is_empty(), "{m:?}");
        }
        assert!(d.members.iter().any(|m| m.stopped_working_on.is_none()));
        assert!(d.members.iter().any(|m| m.npp.is_none()), "some non-wage-earner participants");
        assert_eq!(examples(&d, today).len(), 4, "every example case is present");
    }
}
