//! `lapak bench collective`: a company's worker list of 50,000 rows (XLSX, and the same as
//! CSV) read, checked row by row against the rules and the registry, kept as a version, and
//! its report written as XLSX: the time from the uploaded bytes to the report, and the
//! process's peak memory while doing it.
//!
//! The yardstick, measured in the same run on the same database: the engine's raw rate of
//! reading the same members by key (1,000 keys a statement), the one storage step the check
//! cannot do without.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use jiff::ToSpan;
use lapak_domain::member::{BranchCode, Company, CompanyScale, Member, Name};
use lapak_domain::{Email, Kpj, MobileNumber, Nik, Npp, Rupiah, Sex};
use lapak_storage::{DocumentStore, KeyRing, Store};

use crate::fresh::FreshDatabase;
use crate::import::{peak_rss_mib, reset_peak_rss};
use crate::median;

pub struct Report {
    pub engine: String,
    pub rows: u32,
    pub cores: usize,
    /// (format, seconds, peak MiB, valid rows, problems) per run.
    pub runs: Vec<(&'static str, f64, Option<f64>, usize, usize)>,
    pub raw_rows_per_sec: Vec<f64>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "Collective worker-list benchmark: {} rows, {} engine, {} cores",
            self.rows, self.engine, self.cores
        )?;
        for (format, seconds, peak, valid, problems) in &self.runs {
            writeln!(
                f,
                "  {format}: checked and reported in {seconds:.2} s ({valid} valid, {problems} problems), peak RSS {}",
                peak.map_or("n/a".into(), |m| format!("{m:.0} MiB"))
            )?;
        }
        let raw = median(self.raw_rows_per_sec.clone());
        for format in ["xlsx", "csv"] {
            let times: Vec<f64> = self.runs.iter().filter(|r| r.0 == format).map(|r| r.1).collect();
            let peak = self.runs.iter().filter(|r| r.0 == format).filter_map(|r| r.2).fold(0.0, f64::max);
            let secs = median(times);
            writeln!(
                f,
                "  median {format}: {secs:.2} s = {:.0} rows/s; peak {peak:.0} MiB",
                f64::from(self.rows) / secs.max(1e-9)
            )?;
        }
        writeln!(f, "  median raw {} keyed reads of the same members: {raw:.0} rows/s", self.engine)?;
        let xlsx = median(self.runs.iter().filter(|r| r.0 == "xlsx").map(|r| r.1).collect());
        write!(f, "  check rate (xlsx) / raw read rate: {:.2}", (f64::from(self.rows) / xlsx.max(1e-9)) / raw.max(1e-9))
    }
}

const NPP: &str = "30000001";

/// Workers of one large company, laid off two months before `today`: valid, distinct.
fn workers(rows: u32, today: jiff::civil::Date) -> Vec<Member> {
    let layoff = today.saturating_sub(60.days());
    (0..rows)
        .map(|i| {
            let female = i % 2 == 1;
            let (day, month, year) = (1 + i % 28, 1 + (i / 28) % 12, 1960 + (i / 336) % 40);
            let district = 1 + (i / 9_999) % 99;
            let nik = format!(
                "3273{district:02}{:02}{month:02}{:02}{:04}",
                if female { day + 40 } else { day },
                year % 100,
                1 + i % 9_999
            );
            let name = format!(
                "{} {}",
                if female { "Siti" } else { "Budi" },
                ["Santoso", "Wijaya", "Lubis"][(i % 3) as usize]
            );
            Member {
                nik: Nik::parse(&nik).unwrap(),
                kpj: Kpj::parse(&format!("{}", 30_000_000_000u64 + u64::from(i))).unwrap(),
                full_name: Name::parse(&name).unwrap(),
                birth_date: jiff::civil::date(year as i16, month as i8, day as i8),
                sex: if female { Sex::Female } else { Sex::Male },
                mother_maiden_name: Name::parse("Ratna Sari").unwrap(),
                npp: Some(Npp::parse(NPP).unwrap()),
                membership_start: jiff::civil::date(2015, 1, 5),
                stopped_working_on: Some(layoff),
                jht_balance: Rupiah::new(10_000_000 + i64::from(i) * 1_000).unwrap(),
                email: Some(Email::parse(&format!("pekerja{i}@example.com")).unwrap()),
                phone: Some(MobileNumber::parse(&format!("0812{:08}", i)).unwrap()),
            }
        })
        .collect()
}

/// The list as HR sends it: every row valid but one in a hundred (an account in the
/// company's name).
fn list_rows(members: &[Member], layoff: jiff::civil::Date) -> Vec<Vec<String>> {
    members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            vec![
                m.nik.as_str().to_string(),
                m.kpj.as_str().to_string(),
                m.full_name.as_str().to_string(),
                m.birth_date.strftime("%d/%m/%Y").to_string(),
                layoff.strftime("%d/%m/%Y").to_string(),
                "014".into(),
                format!("{:010}", 1_000_000_000u64 + i as u64),
                if i % 100 == 7 { "PT Bench Tekstil".into() } else { m.full_name.as_str().to_uppercase() },
                m.email.as_ref().map(|e| e.as_str().to_string()).unwrap_or_default(),
                m.phone.as_ref().map(|p| p.as_str().to_string()).unwrap_or_default(),
            ]
        })
        .collect()
}

pub async fn run(database_url: &str, work_dir: &Path, rows: u32, runs: u32) -> anyhow::Result<Report> {
    let dir = work_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let today = lapak_claims::today();
    let members = workers(rows, today);
    let table = list_rows(&members, today.saturating_sub(60.days()));
    let header = lapak_claims::worker_list::template_header();
    let xlsx = lapak_claims::worker_list::xlsx("Pekerja", &header, &table).map_err(anyhow::Error::msg)?;
    let csv = lapak_claims::worker_list::csv_bytes(&header, &table);
    drop(table);
    eprintln!("worker list: {rows} rows, {} KiB as XLSX, {} KiB as CSV", xlsx.len() / 1024, csv.len() / 1024);

    let target = FreshDatabase::create(database_url, &dir, 0).await?;
    let key_file = dir.join("collective-bench-keys.json");
    let _ = std::fs::remove_file(&key_file);
    let keys = Arc::new(KeyRing::load_or_create(&key_file)?);
    let store = lapak_storage::open(&target.url, keys).await?;
    let mut report = Report {
        engine: store.engine().name().to_string(),
        rows,
        cores,
        runs: Vec::new(),
        raw_rows_per_sec: Vec::new(),
    };
    seed(store.as_ref(), &members).await?;
    let kpjs: Vec<Kpj> = members.iter().map(|m| m.kpj.clone()).collect();
    drop(members);
    let npp = Npp::parse(NPP)?;
    let files = [("xlsx", dir.join("pekerja-bench.xlsx")), ("csv", dir.join("pekerja-bench.csv"))];
    std::fs::write(&files[0].1, &xlsx)?;
    std::fs::write(&files[1].1, &csv)?;
    drop((xlsx, csv));
    for run in 0..runs.max(1) {
        report.raw_rows_per_sec.push(raw_read_rate(&target.url, &kpjs).await?);
        for (format, file) in &files {
            let id = format!("bench-{run}-{format}");
            store.create_batch(&id, &npp, "bench").await?;
            // Measured in a process of its own, as a server would run it: the peak memory
            // is the check's, not this benchmark's set-up.
            let out = std::process::Command::new(std::env::current_exe()?)
                .args(["bench", "collective-check", "--batch", &id, "--file"])
                .arg(file)
                .env("LAPAK_DATABASE_URL", &target.url)
                .env("LAPAK_KEY_FILE", &key_file)
                .env("LAPAK_DATA_DIR", &dir)
                .env("LAPAK_MAX_LIST_ROWS", rows.to_string())
                .output()?;
            anyhow::ensure!(out.status.success(), "check failed: {}", String::from_utf8_lossy(&out.stderr));
            let line = String::from_utf8_lossy(&out.stdout);
            let r: Checked = serde_json::from_str(line.lines().last().unwrap_or("{}"))?;
            anyhow::ensure!(r.rows_total == rows as usize, "all rows read");
            report.runs.push((format, r.seconds, r.peak_mib, r.rows_valid, r.problems));
        }
    }
    drop(store);
    target.drop_it().await?;
    Ok(report)
}

/// One check, as `lapak bench collective-check` prints it.
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Checked {
    pub seconds: f64,
    pub peak_mib: Option<f64>,
    pub rows_total: usize,
    pub rows_valid: usize,
    pub problems: usize,
}

/// The measured step on its own: the uploaded bytes read, checked, kept as a version, and
/// the report written as XLSX (the process's peak memory is reported).
pub async fn check_once(
    store: Arc<dyn Store>,
    documents: DocumentStore,
    batch_id: &str,
    file: &Path,
    max_rows: usize,
) -> anyhow::Result<Checked> {
    let claims = lapak_claims::ClaimService::new(store.clone(), documents, 6 << 20).with_collective(
        lapak_claims::collective::CollectiveSettings { max_rows, max_list_bytes: 256 << 20, ..Default::default() },
    );
    let batch = store.batch(batch_id).await?.ok_or_else(|| anyhow::anyhow!("no batch {batch_id}"))?;
    reset_peak_rss();
    let started = Instant::now();
    let bytes = std::fs::read(file)?;
    let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let checked = claims.upload_worker_list(&batch, &name, &bytes).await?;
    let problems: Vec<Vec<String>> =
        checked.problems.iter().map(|p| vec![p.line.to_string(), p.column.clone(), p.code.clone()]).collect();
    let report =
        lapak_claims::worker_list::xlsx("Laporan", &["baris".into(), "kolom".into(), "alasan".into()], &problems)
            .map_err(anyhow::Error::msg)?;
    anyhow::ensure!(!report.is_empty());
    Ok(Checked {
        seconds: started.elapsed().as_secs_f64(),
        peak_mib: peak_rss_mib(),
        rows_total: checked.rows_total,
        rows_valid: checked.rows_valid,
        problems: checked.problems.len(),
    })
}

async fn seed(store: &dyn Store, members: &[Member]) -> anyhow::Result<()> {
    store.upsert_branches(&[crate::bench_branch("32")?]).await?;
    store
        .upsert_companies(&[Company {
            npp: Npp::parse(NPP)?,
            name: Name::parse("PT Bench Tekstil")?,
            scale: CompanyScale::Large,
            workforce: members.len() as u32 * 2,
            branch_code: BranchCode::parse("KC001")?,
        }])
        .await?;
    for chunk in members.chunks(5_000) {
        store.upsert_members(chunk).await?;
    }
    store
        .create_staff(&lapak_storage::NewStaff {
            id: "bench".into(),
            username: "pic@bench.example".into(),
            display_name: "PIC Bench".into(),
            role: lapak_domain::staff::StaffRole::Representative,
            branch: Some("KC001".into()),
            password_hash: "-".into(),
        })
        .await?;
    Ok(())
}

/// Members read by key, 1,000 keys a statement, every column (as the check reads them),
/// nothing unsealed or checked.
async fn raw_read_rate(url: &str, kpjs: &[Kpj]) -> anyhow::Result<f64> {
    const COLUMNS: &str = "SELECT kpj, nik_index, nik_sealed, full_name_sealed, birth_date, sex, mother_name_sealed, npp, \
        membership_start, stopped_working_on, jht_balance, email_sealed, phone_sealed, fingerprint, updated_at FROM members WHERE kpj IN (";
    macro_rules! measure {
        ($pool:expr, $db:ty) => {{
            let pool = $pool;
            let started = Instant::now();
            let mut n = 0usize;
            for chunk in kpjs.chunks(1_000) {
                let mut qb = sqlx::QueryBuilder::<$db>::new(COLUMNS);
                let mut sep = qb.separated(", ");
                for k in chunk {
                    sep.push_bind(k.as_str().to_string());
                }
                sep.push_unseparated(")");
                n += qb.build().fetch_all(&pool).await?.len();
            }
            anyhow::ensure!(n == kpjs.len(), "every member read");
            Ok(n as f64 / started.elapsed().as_secs_f64())
        }};
    }
    if url.starts_with("postgres") {
        measure!(sqlx::PgPool::connect(url).await?, sqlx::Postgres)
    } else {
        measure!(sqlx::SqlitePool::connect(url).await?, sqlx::Sqlite)
    }
}
