//! `lapak bench import`: how fast the registry import runs, against the engine's own raw
//! multi-row insert rate measured in the same run.
//!
//! Each run imports generated member rows from a CSV file (or the same rows as an XLSX
//! workbook, `--xlsx`) into a fresh database (a new SQLite file, or a new PostgreSQL
//! database next to the one configured), through the same code as `lapak import members`.
//! The yardstick inserts rows of the same width (15 columns, similar sizes) with multi-row
//! `VALUES` in transactions of the same size, with no parsing, validation or encryption.
//! Peak memory is the process's peak resident set during the import (reset before each
//! run through /proc/self/clear_refs; memory still held from writing the workbook in the
//! same process counts in the first run's).

use lapak_domain::member::{BranchCode, Company, CompanyScale, Name};
use lapak_domain::Npp;
use lapak_registry::import::{self, Kind, Source};
use lapak_storage::{KeyRing, Store};
use rand::{Rng, SeedableRng};
use std::fmt;
use std::io::Write;
use std::path::Path;

use crate::fresh::FreshDatabase;
use std::sync::Arc;
use std::time::Instant;

pub struct Report {
    pub engine: String,
    pub rows: u32,
    pub format: &'static str,
    pub cores: usize,
    pub runs: Vec<Run>,
    pub raw_rows_per_sec: Vec<f64>,
}

pub struct Run {
    pub rows_per_sec: f64,
    pub seconds: f64,
    pub peak_rss_mib: Option<f64>,
    pub imported: u64,
}

use crate::median;

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let import = median(self.runs.iter().map(|r| r.rows_per_sec).collect());
        let raw = median(self.raw_rows_per_sec.clone());
        let peak = self.runs.iter().filter_map(|r| r.peak_rss_mib).fold(0.0, f64::max);
        writeln!(
            f,
            "Import benchmark: {} member rows from {}, {} engine, {} cores",
            self.rows, self.format, self.engine, self.cores
        )?;
        for (i, r) in self.runs.iter().enumerate() {
            writeln!(
                f,
                "  run {}: {} rows imported in {:.1} s = {:.0} rows/s, peak RSS {}",
                i + 1,
                r.imported,
                r.seconds,
                r.rows_per_sec,
                r.peak_rss_mib.map_or("n/a".into(), |m| format!("{m:.0} MiB"))
            )?;
        }
        writeln!(f, "  median import: {import:.0} rows/s (parse, validate, seal, upsert)")?;
        writeln!(f, "  median raw {} multi-row insert, same width: {raw:.0} rows/s", self.engine)?;
        writeln!(f, "  import / raw: {:.2}", if raw > 0.0 { import / raw } else { 0.0 })?;
        write!(f, "  peak memory during import: {peak:.0} MiB")
    }
}

/// Generates `rows` members, imports them `runs` times into fresh databases, measures the
/// raw rate alongside.
pub async fn run(database_url: &str, work_dir: &Path, rows: u32, runs: u32, xlsx: bool) -> anyhow::Result<Report> {
    let dir = work_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let csv = dir.join(format!("members-{rows}.csv"));
    if !csv.exists() {
        eprintln!("generating {rows} member rows into {} …", csv.display());
        write_members_csv(&csv, rows)?;
    }
    let file = if xlsx {
        let book = dir.join(format!("members-{rows}.xlsx"));
        if !book.exists() {
            eprintln!("writing them as a workbook, {} …", book.display());
            write_members_xlsx(&csv, &book)?;
        }
        book
    } else {
        csv
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let format = if xlsx { "XLSX" } else { "CSV" };
    let mut report =
        Report { engine: String::new(), rows, format, cores, runs: Vec::new(), raw_rows_per_sec: Vec::new() };
    for run_no in 0..runs.max(1) {
        let target = FreshDatabase::create(database_url, &dir, run_no).await?;
        let store = lapak_storage::open(&target.url, Arc::new(KeyRing::generate())).await?;
        report.engine = store.engine().name().to_string();
        report.raw_rows_per_sec.push(raw_insert_rate(&target.url, rows.min(200_000)).await?);
        seed_registry(store.as_ref()).await?;
        reset_peak_rss();
        let mut source = Source::open(&file)?;
        let started = Instant::now();
        let summary =
            import::import(&store, Kind::Members, &mut source, jiff::civil::date(2026, 11, 25), &|_, _| {}).await?;
        let seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(summary.rejected == 0, "generated rows were rejected: {:?}", summary.errors.first());
        report.runs.push(Run {
            rows_per_sec: summary.imported as f64 / seconds,
            seconds,
            peak_rss_mib: peak_rss_mib(),
            imported: summary.imported,
        });
        drop(store);
        target.drop_it().await?;
    }
    Ok(report)
}

async fn seed_registry(store: &dyn Store) -> anyhow::Result<()> {
    store.upsert_branches(&[crate::bench_branch("31")?]).await?;
    let companies: Vec<Company> = (0..100)
        .map(|i| Company {
            npp: Npp::parse(&format!("{:08}", 20_000_000 + i)).unwrap(),
            name: Name::parse(&format!("PT Bench {i}")).unwrap(),
            scale: CompanyScale::Large,
            workforce: 1000,
            branch_code: BranchCode::parse("KC001").unwrap(),
        })
        .collect();
    store.upsert_companies(&companies).await?;
    Ok(())
}

/// Valid, distinct member rows in the Indonesian export format.
pub fn write_members_csv(path: &Path, rows: u32) -> anyhow::Result<()> {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "nik;kpj;nama;tanggal_lahir;jenis_kelamin;nama_ibu_kandung;npp;tanggal_kepesertaan;tanggal_berhenti_bekerja;saldo_jht;email;no_hp")?;
    for i in 0..rows {
        let female = i % 2 == 1;
        let (day, month, year) = (1 + i % 28, 1 + (i / 28) % 12, 1960 + (i / 336) % 45);
        // Serial and district vary so that every NIK is distinct for up to 99 × 9,999 × … rows.
        let district = 1 + (i / 9_999) % 99;
        let serial = 1 + i % 9_999;
        let nik = format!(
            "3273{district:02}{:02}{month:02}{:02}{serial:04}",
            if female { day + 40 } else { day },
            year % 100
        );
        let npp = if i % 7 == 0 { String::new() } else { format!("{:08}", 20_000_000 + i % 100) };
        let stopped = if i % 3 == 0 { String::new() } else { format!("{:02}/{:02}/2026", 1 + i % 28, 1 + i % 10) };
        writeln!(
            w,
            "{nik};{:011};{} {};{year}-{month:02}-{day:02};{};Ibu {};{npp};2015-01-{:02};{stopped};Rp {}.{:03}.000;peserta{i}@example.com;08{:010}",
            10_000_000_000u64 + u64::from(i),
            if female { "Siti" } else { "Budi" },
            ["Santoso", "Wijaya", "Lubis", "Hidayat"][(i % 4) as usize],
            if female { "P" } else { "L" },
            ["Ratna", "Sri", "Aminah"][(i % 3) as usize],
            1 + i % 28,
            rng.gen_range(1..200),
            rng.gen_range(0..1000),
            1_200_000_000u64 + u64::from(i)
        )?;
    }
    w.flush()?;
    Ok(())
}

/// The generated CSV's rows as the first sheet of a workbook, every cell a string, as an
/// export with the NIK column formatted as text would have them.
fn write_members_xlsx(csv: &Path, book: &Path) -> anyhow::Result<()> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    let text = std::fs::read_to_string(csv)?;
    for (r, line) in text.lines().enumerate() {
        for (c, value) in line.split(';').enumerate() {
            if !value.is_empty() {
                sheet.write_string(u32::try_from(r)?, u16::try_from(c)?, value)?;
            }
        }
    }
    workbook.save(book)?;
    Ok(())
}

/// Rows per second the engine takes for rows as wide as `members`, inserted with
/// multi-row VALUES, 1,000 rows a statement, 5,000 a transaction, durably committed.
async fn raw_insert_rate(url: &str, rows: u32) -> anyhow::Result<f64> {
    const DDL: &str =
        "CREATE TABLE raw_yardstick (k TEXT PRIMARY KEY, c1 BYTEA, c2 BYTEA, c3 BYTEA, c4 TEXT, c5 TEXT, \
        c6 BYTEA, c7 TEXT, c8 TEXT, c9 TEXT, c10 BIGINT, c11 BYTEA, c12 BYTEA, c13 BYTEA, c14 BIGINT)";
    let blob = |n: usize, i: u32| -> Vec<u8> { (0..n).map(|j| (i as usize * 31 + j) as u8).collect() };
    macro_rules! measure {
        ($pool:expr, $db:ty, $ddl:expr, $begin:literal) => {{
            let pool = $pool;
            sqlx::query($ddl).execute(&pool).await?;
            let started = Instant::now();
            for tx_start in (0..rows).step_by(5_000) {
                let mut tx = pool.begin_with($begin).await?;
                for stmt_start in (tx_start..(tx_start + 5_000).min(rows)).step_by(1_000) {
                    let mut qb = sqlx::QueryBuilder::<$db>::new("INSERT INTO raw_yardstick ");
                    qb.push_values(stmt_start..(stmt_start + 1_000).min(tx_start + 5_000).min(rows), |mut b, i| {
                        b.push_bind(format!("{:011}", i))
                            .push_bind(blob(32, i))
                            .push_bind(blob(45, i))
                            .push_bind(blob(40, i))
                            .push_bind("1990-05-15".to_string())
                            .push_bind("L".to_string())
                            .push_bind(blob(40, i))
                            .push_bind("20000001".to_string())
                            .push_bind("2015-01-01".to_string())
                            .push_bind("2026-01-01".to_string())
                            .push_bind(i64::from(i))
                            .push_bind(blob(60, i))
                            .push_bind(blob(43, i))
                            .push_bind(blob(32, i))
                            .push_bind(i64::from(i));
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
            }
            let rate = f64::from(rows) / started.elapsed().as_secs_f64();
            sqlx::query("DROP TABLE raw_yardstick").execute(&pool).await?;
            rate
        }};
    }
    if url.starts_with("postgres") {
        let pool =
            sqlx::postgres::PgPoolOptions::new().max_connections(1).test_before_acquire(false).connect(url).await?;
        Ok(measure!(pool, sqlx::Postgres, DDL, "BEGIN"))
    } else {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
        let path = url.trim_start_matches("sqlite://");
        let options = SqliteConnectOptions::new()
            .filename(path)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full);
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let ddl = DDL.replace("BYTEA", "BLOB");
        Ok(measure!(pool, sqlx::Sqlite, ddl.as_str(), "BEGIN IMMEDIATE"))
    }
}

pub(crate) fn reset_peak_rss() {
    // Writing 5 to clear_refs resets the peak resident set size (Linux ≥ 4.0).
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub(crate) fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}
