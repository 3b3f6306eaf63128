//! `lapak bench schedule`: 100,000 submitted claims spread over every demo office (video
//! calls, some "anywhere", and each office's at-branch mode), scheduled in one pass of the
//! same scheduler `lapak serve` runs. Reports the time, how many were booked, and the fill
//! rate: seats booked out of the seats in sessions up to the last one used, per queue; a
//! seat left free before a later one was given out is wasted. In the same run it measures
//! the engine's raw multi-row insert rate for rows as wide as an appointment.

use std::collections::HashMap;
use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use jiff::Timestamp;
use lapak_domain::application::Application;
use lapak_domain::bank::BankAccount;
use lapak_domain::cause::ClaimCause;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::member::{BranchCode, BranchKind};
use lapak_domain::schedule::Mode;
use lapak_registry::demo;
use lapak_storage::{KeyRing, Store};
use lapak_workers::scheduler::{self, Settings};
use rand::{Rng, SeedableRng};

use crate::fresh::FreshDatabase;
use crate::median;

pub struct RunResult {
    seconds: f64,
    /// Afterwards, the relay turning the appointment notices into messages.
    notices_seconds: f64,
    booked: usize,
    waiting: usize,
    sessions: usize,
    offered: u64,
    wasted: u64,
    days: usize,
    raw_rows_per_sec: f64,
}

pub struct Report {
    engine: String,
    cores: usize,
    claims: usize,
    offices: usize,
    runs: Vec<RunResult>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let med = |g: &dyn Fn(&RunResult) -> f64| median(self.runs.iter().map(g).collect());
        writeln!(
            f,
            "Scheduling benchmark: {} engine, {} cores, {} submitted claims over {} offices",
            self.engine, self.cores, self.claims, self.offices
        )?;
        for (i, r) in self.runs.iter().enumerate() {
            writeln!(
                f,
                "  run {}: {:.2} s · {} booked, {} waiting · {} sessions over {} days · fill {:.1}% ({} seats offered up to the last used, {} wasted) · notices into messages afterwards {:.2} s · raw {:.0} rows/s",
                i + 1,
                r.seconds,
                r.booked,
                r.waiting,
                r.sessions,
                r.days,
                100.0 * (r.offered - r.wasted) as f64 / r.offered.max(1) as f64,
                r.offered,
                r.wasted,
                r.notices_seconds,
                r.raw_rows_per_sec
            )?;
        }
        let secs = med(&|r| r.seconds);
        let raw = med(&|r| r.raw_rows_per_sec);
        writeln!(f, "  median time: {secs:.2} s (goal < 2 s), {:.0} claims/s", self.claims as f64 / secs.max(1e-9))?;
        writeln!(
            f,
            "  then the relay turns the notices into e-mails, texts and reminders: median {:.2} s",
            med(&|r| r.notices_seconds)
        )?;
        writeln!(
            f,
            "  rows written per claim: 3 (appointment, event, notice), its session when new, and its claim updated; raw multi-row insert {raw:.0} rows/s"
        )?;
        write!(f, "  written rows / raw: {:.3}", (3.0 * self.claims as f64 / secs.max(1e-9)) / raw.max(1.0))
    }
}

pub async fn run(database_url: &str, work_dir: &Path, claims: usize, runs: u32) -> anyhow::Result<Report> {
    let dir = work_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let mut report = Report {
        engine: String::new(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        claims,
        offices: 0,
        runs: Vec::new(),
    };
    for run_no in 0..runs.max(1) {
        let target = FreshDatabase::create(database_url, &dir, 300 + run_no).await?;
        let keys = Arc::new(KeyRing::generate());
        let store = lapak_storage::open(&target.url, keys.clone()).await.context("opening the store")?;
        report.engine = store.engine().name().to_string();
        let now = Timestamp::now();
        report.offices = waiting_line(&store, &target.url, &keys, claims, now).await?;
        // On the database as the pass finds it.
        let raw_rows_per_sec = raw_rate(&target.url).await.context("raw insert rate")?;

        let started = Instant::now();
        let outcome = scheduler::run_once(&store, &Settings::default(), now).await.context("scheduling")?;
        let seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(outcome.booked + outcome.waiting == claims, "every claim booked or waiting: {outcome:?}");
        let started = Instant::now();
        let mut prepared = 0;
        loop {
            let n = lapak_workers::outbox::prepare_notices(store.as_ref(), lapak_workers::outbox::NOTICES_PER_PASS)
                .await
                .context("notices into messages")?;
            if n == 0 {
                break;
            }
            prepared += n;
        }
        let notices_seconds = started.elapsed().as_secs_f64();
        anyhow::ensure!(prepared == outcome.booked, "a notice per seat: {prepared} of {}", outcome.booked);
        let (offered, wasted, days) = fill(&target.url).await.context("counting the fill")?;
        drop(store);
        target.drop_it().await?;
        report.runs.push(RunResult {
            seconds,
            notices_seconds,
            booked: outcome.booked,
            waiting: outcome.waiting,
            sessions: outcome.sessions,
            offered,
            wasted,
            days,
            raw_rows_per_sec,
        });
        eprintln!("run {} done", run_no + 1);
    }
    Ok(report)
}

/// A waiting line for the scheduler, as the benchmark (and the test of a pass killed half-way)
/// uses it: the demo registry of `claims` members, every office's demo capacity, and `claims`
/// claims submitted over the day before `now`, each at one of the offices. Returns the
/// number of offices.
pub async fn waiting_line(
    store: &Arc<dyn Store>,
    url: &str,
    keys: &KeyRing,
    claims: usize,
    now: Timestamp,
) -> anyhow::Result<usize> {
    let data = demo::generate(2020, claims as u32, lapak_claims::today());
    store.upsert_branches(&data.branches).await.context("demo branches")?;
    store.upsert_companies(&data.companies).await.context("demo companies")?;
    for chunk in data.members.chunks(5_000) {
        store.upsert_members(chunk).await.context("demo members")?;
    }
    let capacities = demo::capacities(&data.branches);
    for c in &capacities {
        store.set_capacity(c).await.context("capacities")?;
    }
    let at_branch: HashMap<&str, Mode> = capacities
        .iter()
        .map(|c| {
            let mode = c.modes.iter().map(|m| m.mode).find(|m| matches!(m, Mode::OneToMany | Mode::Counter));
            (c.branch.as_str(), mode.unwrap_or(Mode::VideoCall))
        })
        .collect();
    let offices: Vec<&str> = capacities.iter().map(|c| c.branch.as_str()).collect();

    // The claims, written straight into the database: the benchmark is the scheduler. They
    // were submitted over the past day, oldest first, each started a while before (most
    // within the hour, one in five up to a week before), with the id Lapak gives a claim
    // started then and an application sealed as Lapak seals one: the scheduler's writes
    // per claim are keyed by these ids, and it rewrites these rows.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let apart = 86_400_000_000 / claims.max(1) as i64;
    let rows: Vec<SeedClaim> = data
        .members
        .iter()
        .take(claims)
        .enumerate()
        .map(|(i, m)| {
            let branch = offices[rng.gen_range(0..offices.len())];
            let roll: f64 = rng.gen();
            let (mode, anywhere) = if roll < 0.4 {
                (Mode::VideoCall, false)
            } else if roll < 0.6 {
                (Mode::VideoCall, true)
            } else {
                (at_branch[branch], false)
            };
            let submitted = now.as_microsecond() - (claims - i) as i64 * apart;
            let started_before: i64 =
                if rng.gen_bool(0.8) { rng.gen_range(60..3_600) } else { rng.gen_range(3_600..7 * 86_400) };
            let started = submitted - started_before * 1_000_000;
            let application = Application {
                cause: Some(ClaimCause::Layoff),
                last_working_day: Some(lapak_claims::today() - jiff::ToSpan::days(45)),
                bank_account: BankAccount::parse("014", "1234567890").ok(),
                account_holder: Some(m.full_name.clone()),
                email: m.email.clone(),
                whatsapp: m.phone.clone(),
                npwp: None,
                branch: BranchCode::parse(branch).ok(),
                service: Some(mode),
                anywhere,
            };
            SeedClaim {
                id: lapak_domain::record_id::record_id(Timestamp::from_microsecond(started).unwrap_or(now), rng.gen()),
                number: ClaimNumber::from_random(i as u64 * 2_654_435_761).as_str().to_string(),
                kpj: m.kpj.as_str().to_string(),
                branch: branch.to_string(),
                mode,
                anywhere,
                email: keys.seal_str("claims.email", "peserta@example.com"),
                application: keys
                    .seal_str("claims.application", &serde_json::to_string(&application).expect("serialisable")),
                started,
                at: submitted,
            }
        })
        .collect();
    seed(url, &rows).await.context("seeding the claims")?;
    Ok(data.branches.iter().filter(|b| b.kind != BranchKind::Kanwil).count())
}

struct SeedClaim {
    id: String,
    number: String,
    kpj: String,
    branch: String,
    mode: Mode,
    anywhere: bool,
    email: Vec<u8>,
    application: Vec<u8>,
    started: i64,
    at: i64,
}

macro_rules! with_pool {
    ($url:expr, |$pool:ident| $body:expr) => {{
        if $url.starts_with("postgres") {
            let $pool = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect($url).await?;
            $body
        } else {
            let $pool = sqlx::sqlite::SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(
                    sqlx::sqlite::SqliteConnectOptions::new()
                        .filename($url.trim_start_matches("sqlite://"))
                        .journal_mode(sqlx::sqlite::SqliteJournalMode::Wal)
                        .busy_timeout(std::time::Duration::from_secs(15)),
                )
                .await?;
            $body
        }
    }};
}

async fn seed(url: &str, rows: &[SeedClaim]) -> anyhow::Result<()> {
    with_pool!(url, |pool| {
        let mut tx = pool.begin().await?;
        for chunk in rows.chunks(1_000) {
            let mut qb = sqlx::QueryBuilder::new(
                "INSERT INTO claims (id, claim_number, kpj, open_kpj, cause, state, branch_code, service_mode, service_anywhere, \
                 email_sealed, application_sealed, submitted_at, version, created_at, updated_at, needs_appointment) ",
            );
            qb.push_values(chunk, |mut b, c| {
                b.push_bind(c.id.clone())
                    .push_bind(c.number.clone())
                    .push_bind(c.kpj.clone())
                    .push_bind(c.kpj.clone())
                    .push_bind("layoff")
                    .push_bind("submitted")
                    .push_bind(c.branch.clone())
                    .push_bind(c.mode.code())
                    .push_bind(c.anywhere)
                    .push_bind(c.email.clone())
                    .push_bind(c.application.clone())
                    .push_bind(c.at)
                    .push_bind(1_i64)
                    .push_bind(c.started)
                    .push_bind(c.at)
                    .push_bind(true);
            });
            qb.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        anyhow::Ok(())
    })
}

/// Seats offered in sessions up to the last used one of each queue (branch and mode), the
/// seats among them left free (wasted while demand remained), and the days used.
pub async fn fill(url: &str) -> anyhow::Result<(u64, u64, usize)> {
    let rows: Vec<(String, String, i64, i32, i64)> = with_pool!(url, |pool| {
        sqlx::query_as(
            "SELECT s.branch_code, s.mode, s.starts_at, s.seats, \
             (SELECT COUNT(*) FROM appointments a WHERE a.session_id = s.id AND a.status = 'booked') \
             FROM sessions s ORDER BY s.starts_at",
        )
        .fetch_all(&pool)
        .await?
    });
    // Sessions are written only when a seat in them is booked; the planner's own sessions
    // list is not stored, so the check is on the stored ones: within each queue, every
    // session before the last one must be full.
    let mut last: HashMap<(String, String), i64> = HashMap::new();
    for (b, m, at, _, _) in &rows {
        let e = last.entry((b.clone(), m.clone())).or_insert(*at);
        *e = (*e).max(*at);
    }
    let (mut offered, mut wasted) = (0u64, 0u64);
    let mut days = std::collections::HashSet::new();
    for (b, m, at, seats, booked) in &rows {
        offered += *seats as u64;
        days.insert(at / 86_400_000_000);
        if *at < last[&(b.clone(), m.clone())] {
            wasted += (*seats as i64 - booked).max(0) as u64;
        }
    }
    Ok((offered, wasted, days.len()))
}

/// The engine's multi-row insert rate for rows as wide as an appointment (five columns),
/// in transactions of 5,000 rows.
async fn raw_rate(url: &str) -> anyhow::Result<f64> {
    with_pool!(url, |pool| {
        sqlx::query("CREATE TABLE raw_rows (id BIGINT PRIMARY KEY, a TEXT, b TEXT, c INTEGER, d BIGINT)")
            .execute(&pool)
            .await?;
        let total = 100_000i64;
        let t0 = Instant::now();
        for batch in 0..total / 5_000 {
            let mut tx = pool.begin().await?;
            for chunk in 0..5 {
                let mut qb = sqlx::QueryBuilder::new("INSERT INTO raw_rows (id, a, b, c, d) ");
                qb.push_values(0..1_000i64, |mut b, i| {
                    let id = batch * 5_000 + chunk * 1_000 + i;
                    b.push_bind(id)
                        .push_bind(format!("claim-{id}"))
                        .push_bind(format!("KC001-v1-20261207-{:04}", id % 10_000))
                        .push_bind((id % 6) as i32)
                        .push_bind(id);
                });
                qb.build().execute(&mut *tx).await?;
            }
            tx.commit().await?;
        }
        let rate = total as f64 / t0.elapsed().as_secs_f64();
        sqlx::query("DROP TABLE raw_rows").execute(&pool).await?;
        anyhow::Ok(rate)
    })
}
