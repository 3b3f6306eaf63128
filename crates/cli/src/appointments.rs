//! `lapak capacity …` and `lapak appointments …`: what a branch admin does with the
//! appointment system until the staff pages exist. Each change is audited.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use jiff::civil::Date;
use jiff::Timestamp;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::schedule::Capacity;
use lapak_storage::{AuditEntry, Store};
use lapak_workers::scheduler::{self, Settings};

#[derive(Debug, Subcommand)]
pub enum CapacityAction {
    /// Print a branch's capacity as JSON (the format `set` reads).
    Show { branch: String },
    /// Check a capacity JSON file and save it; every problem is listed at once.
    Set { file: PathBuf },
    /// An officer is away on a day: no sessions for them that day, their participants are
    /// moved to the next free seats and told.
    Absent { branch: String, officer: String, date: Date },
    /// Slots offered, booked, served and missed per branch and day, with the lead time from
    /// submission to appointment.
    Report {
        /// First day (YYYY-MM-DD); default: today in Jakarta.
        #[arg(long)]
        from: Option<Date>,
        #[arg(long, default_value_t = 7)]
        days: i64,
        /// json or csv.
        #[arg(long, default_value = "csv")]
        format: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum AppointmentAction {
    /// The participant did not come: the next free seat is given and they are told.
    NoShow { claim_number: String },
    /// Run one scheduling pass now (the server runs one every few seconds).
    Schedule,
}

fn audit(action: &str, subject: &str, detail: &str) -> AuditEntry {
    AuditEntry {
        at: Timestamp::now(),
        actor_role: "branch_admin".into(),
        actor_id: std::env::var("USER").unwrap_or_else(|_| "cli".into()),
        action: action.into(),
        subject: subject.into(),
        detail: detail.into(),
    }
}

pub async fn capacity(store: Arc<dyn Store>, action: CapacityAction) -> anyhow::Result<()> {
    match action {
        CapacityAction::Show { branch } => {
            let c = store.capacity(&branch).await?.with_context(|| {
                format!("Kantor {branch} belum punya kapasitas / branch {branch} has no capacity set")
            })?;
            println!("{}", serde_json::to_string_pretty(&c)?);
        }
        CapacityAction::Set { file } => {
            let c = read_capacity(&file)?;
            if store.branch(&c.branch).await?.is_none() {
                anyhow::bail!("Kantor {} tidak terdaftar / branch {} is not in the registry", c.branch, c.branch);
            }
            if let Err(errors) = c.check() {
                let i18n = lapak_i18n::I18n::load();
                for e in &errors {
                    eprintln!("  {} / {e}", i18n.t(lapak_i18n::Lang::Id, &format!("err-{}", e.code())));
                }
                anyhow::bail!("Kapasitas ditolak / capacity refused ({} problems)", errors.len());
            }
            store.set_capacity(&c).await?;
            store.append_audit(&audit("capacity.set", &c.branch, &format!("{} officers", c.officers.len()))).await?;
            let seats: u32 = (1..=7)
                .filter_map(|d| lapak_claims::today().checked_add(jiff::ToSpan::days(d)).ok())
                .map(|day| {
                    c.sessions(day, lapak_domain::schedule::national_holiday)
                        .iter()
                        .map(|s| u32::from(s.seats))
                        .sum::<u32>()
                })
                .sum();
            println!("Kapasitas {} disimpan / saved: {seats} seats in the next 7 days", c.branch);
        }
        CapacityAction::Absent { branch, officer, date } => {
            let moved = scheduler::officer_absent(&store, &branch, &officer, date).await?;
            store.append_audit(&audit("officer.absent", &format!("{branch}/{officer}"), &date.to_string())).await?;
            let pass = scheduler::run_once(&store, &Settings::default(), Timestamp::now()).await?;
            println!(
                "{} jadwal dipindahkan, {} mendapat jadwal baru / {} appointments moved, {} rebooked",
                moved.len(),
                pass.booked,
                moved.len(),
                pass.booked
            );
        }
        CapacityAction::Report { from, days, format } => {
            let from = from.unwrap_or_else(lapak_claims::today);
            let rows = lapak_claims::capacity_report(store.as_ref(), from, days.clamp(1, 366)).await?;
            match format.as_str() {
                "json" => println!("{}", serde_json::to_string_pretty(&rows)?),
                "csv" => print!("{}", lapak_claims::report_csv(&rows)),
                other => anyhow::bail!("format {other}: json atau/or csv"),
            }
        }
    }
    Ok(())
}

pub async fn appointments(store: Arc<dyn Store>, action: AppointmentAction) -> anyhow::Result<()> {
    match action {
        AppointmentAction::NoShow { claim_number } => {
            let number = ClaimNumber::parse(&claim_number)
                .map_err(|e| anyhow::anyhow!("Nomor klaim tidak valid / invalid claim number: {e}"))?;
            let claim = store.claim_by_number(&number).await?.context("Klaim tidak ditemukan / no such claim")?;
            if !scheduler::no_show(&store, &claim.id).await? {
                anyhow::bail!("Klaim ini tidak punya jadwal / this claim has no booked appointment");
            }
            store.append_audit(&audit("appointment.no_show", &claim.id, "")).await?;
            let pass = scheduler::run_once(&store, &Settings::default(), Timestamp::now()).await?;
            println!("Tidak hadir dicatat / no-show recorded; {} rebooked", pass.booked);
        }
        AppointmentAction::Schedule => {
            let pass = scheduler::run_once(&store, &Settings::default(), Timestamp::now()).await?;
            println!(
                "{} dijadwalkan, {} menunggu / {} booked, {} waiting ({} sessions planned)",
                pass.booked, pass.waiting, pass.booked, pass.waiting, pass.sessions
            );
        }
    }
    Ok(())
}

fn read_capacity(file: &Path) -> anyhow::Result<Capacity> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("{} tidak terbaca / unreadable", file.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: bukan kapasitas yang sah / not a valid capacity (line {}, column {}): {e}",
            file.display(),
            e.line(),
            e.column()
        )
    })
}
