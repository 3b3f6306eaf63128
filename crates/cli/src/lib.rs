//! The `lapak` command: one binary for the server, the demo, migrations, registry imports
//! and benchmarks. `main` only calls [`main`]; everything is here so tests can drive it.

mod appointments;
mod backup;
pub mod config;
mod staff;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lapak_storage::{DocumentStore, KeyRing, Store};
use lapak_workers::email::Mailer;
use lapak_workers::outbox;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use config::{Config, Overrides};
use lapak_registry::{demo, import};

#[derive(Debug, Parser)]
#[command(
    name = "lapak",
    version,
    about = "Lapak: contactless JHT claims service (layanan klaim JHT tanpa kontak fisik)"
)]
#[command(long_about = "Lapak: contactless JHT claims service.\n\n\
Settings come from lapak.toml (or --config), then LAPAK_* environment variables, then flags.\n\
Without any, Lapak keeps everything in ./lapak-data: a SQLite database, the document\n\
folder and a generated encryption key file readable only by its owner.")]
pub struct Cli {
    #[command(flatten)]
    pub overrides: Overrides,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the web service (participant pages, health, metrics) until Ctrl-C or SIGTERM.
    Serve {
        /// Address and port to listen on.
        #[arg(long, env = "LAPAK_LISTEN", value_name = "ADDR:PORT")]
        listen: Option<String>,
    },
    /// Load demo data once (deterministic: 38 provinces, ~330 offices, 2,000 companies,
    /// 100,000 members, two companies with mass layoffs), print members and accounts to
    /// try, and serve.
    Demo {
        #[arg(long, env = "LAPAK_LISTEN", value_name = "ADDR:PORT")]
        listen: Option<String>,
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long, default_value_t = demo::DEFAULT_SEED)]
        seed: u64,
        /// How many members to generate (the collective channel's two demo companies add 500).
        #[arg(long, default_value_t = demo::DEFAULT_MEMBERS)]
        members: u32,
        /// Load the data and exit without serving.
        #[arg(long)]
        no_serve: bool,
    },
    /// Apply database migrations and exit (they are also applied on every start).
    Migrate,
    /// Import the membership registry from CSV or XLSX: branches first, then companies,
    /// then members. Valid rows are imported, invalid ones reported; re-running the same
    /// file changes nothing. Exit status 0: all rows imported; 3: some rows rejected;
    /// 1: the file could not be read.
    Import {
        /// What the file holds.
        #[arg(value_enum)]
        kind: import::Kind,
        /// A .csv (comma or semicolon) or .xlsx file (first sheet).
        file: PathBuf,
        /// Write the rejected rows (line, column, reason) to this CSV file.
        #[arg(long, value_name = "ERRORS.csv")]
        report: Option<PathBuf>,
        /// Print a JSON summary as the last line of standard output.
        #[arg(long)]
        json: bool,
    },
    /// Branch capacity for appointments: show, set from JSON, an officer's absence, report.
    Capacity {
        #[command(subcommand)]
        action: appointments::CapacityAction,
    },
    /// Appointments: record a no-show, run a scheduling pass now.
    Appointments {
        #[command(subcommand)]
        action: appointments::AppointmentAction,
    },
    /// Staff accounts: the first national admin, disabling an account.
    Staff {
        #[command(subcommand)]
        action: staff::StaffAction,
    },
    /// The audit trail: `lapak audit verify` checks the hash chain and names the first
    /// broken record (exit status 4 when broken).
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// A consistent copy of the SQLite database and the document folder into DEST, while
    /// Lapak runs (the key file is never copied: keep it apart). A later backup into the
    /// same folder copies only new documents and removes those Lapak has deleted since.
    /// PostgreSQL: back the database up with pg_dump, and the documents with
    /// --documents-only.
    Backup {
        /// The backup's folder (created if missing; an earlier backup there is brought up
        /// to date).
        dest: PathBuf,
        /// Copy only the document folder.
        #[arg(long)]
        documents_only: bool,
    },
    /// Restore a backup into the configured data folder, whose database must not exist yet
    /// (stop `lapak serve` and move it away first). Needs the key file the backup was made
    /// with; the backup's database is checked before it is copied.
    Restore {
        /// The folder of a backup made by `lapak backup`.
        from: PathBuf,
    },
    /// Encryption keys.
    Keys {
        #[command(subcommand)]
        action: KeysAction,
    },
    /// Benchmarks (run with --release).
    Bench {
        #[command(subcommand)]
        which: BenchWhich,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Recompute every record's hash from its predecessor's.
    Verify,
}

#[derive(Debug, Subcommand)]
pub enum KeysAction {
    /// Add a new data key and make it current; data sealed under older keys stays readable.
    Rotate,
}

#[derive(Debug, Subcommand)]
pub enum BenchWhich {
    /// Import generated member rows and report rows/s and peak memory, with the engine's
    /// raw multi-row insert rate measured in the same run.
    Import {
        /// Member rows to generate and import.
        #[arg(long, default_value_t = 1_000_000)]
        rows: u32,
        /// Runs (each into a fresh database); the median is reported.
        #[arg(long, default_value_t = 3)]
        runs: u32,
        /// Import the rows from an XLSX workbook instead of CSV.
        #[arg(long)]
        xlsx: bool,
    },
    /// The online channel under load: full claim submissions and tracking lookups through
    /// the JSON API on a loopback port, with the engine's raw insert and select rates.
    Claims {
        #[arg(long, default_value_t = 64)]
        clients: usize,
        #[arg(long, default_value_t = 3_000)]
        submissions: usize,
        #[arg(long, default_value_t = 100_000)]
        lookups: usize,
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// Schedule submitted claims across every demo office in one scheduler pass: time and
    /// fill rate, with the engine's raw multi-row insert rate.
    Schedule {
        #[arg(long, default_value_t = 100_000)]
        claims: usize,
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// A company's worker list (XLSX and CSV) read, checked against the rules and the
    /// registry, and reported: seconds and peak memory, with the engine's raw keyed-read
    /// rate of the same members.
    Collective {
        #[arg(long, default_value_t = 50_000)]
        rows: u32,
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// One measured check of `lapak bench collective`, in a process of its own.
    #[command(hide = true)]
    CollectiveCheck {
        #[arg(long)]
        batch: String,
        #[arg(long)]
        file: PathBuf,
        #[arg(long, env = "LAPAK_MAX_LIST_ROWS", default_value_t = 60_000)]
        max_rows: usize,
    },
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("lapak: {e:#}");
            ExitCode::from(1)
        }
    }
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let listen = match &cli.command {
        Command::Serve { listen } | Command::Demo { listen, .. } => listen.as_deref(),
        _ => None,
    };
    let config = Config::resolve(&cli.overrides, listen)?;
    // Benchmarks measure the service, not its request log.
    let quiet = matches!(cli.command, Command::Bench { .. });
    init_logging(&config, quiet);
    match cli.command {
        Command::Serve { .. } => {
            let (store, documents) = open(&config).await?;
            serve(&config, store, documents).await?;
        }
        Command::Demo { seed, members, no_serve, .. } => {
            let (store, documents) = open(&config).await?;
            demo::run(store.as_ref(), seed, members).await?;
            let branch = store.capacities().await?.into_iter().next().map(|c| c.branch).unwrap_or_default();
            staff::demo_accounts(store.clone(), &branch).await?;
            staff::demo_representatives(store.clone(), &documents, &config.data_dir).await?;
            if !no_serve {
                serve(&config, store, documents).await?;
            }
        }
        Command::Migrate => {
            let store = open_store(&config).await?;
            store.migrate().await?;
            println!("Migrasi selesai / migrations applied ({})", store.engine().name());
        }
        Command::Import { kind, file, report, json } => {
            let store = open_store(&config).await?;
            let summary = import::run(&store, kind, &file, report.as_deref(), json).await?;
            return Ok(if summary.rejected > 0 { ExitCode::from(3) } else { ExitCode::SUCCESS });
        }
        Command::Capacity { action } => appointments::capacity(open_store(&config).await?, action).await?,
        Command::Appointments { action } => appointments::appointments(open_store(&config).await?, action).await?,
        Command::Staff { action } => staff::run(open_store(&config).await?, action).await?,
        Command::Audit { action: AuditAction::Verify } => {
            let store = open_store(&config).await?;
            match lapak_storage::audit::check(store.as_ref(), true, jiff::Timestamp::now()).await?.check {
                lapak_storage::AuditCheck::Intact { entries, .. } => {
                    println!("Jejak audit utuh / audit trail intact: {entries} records");
                }
                lapak_storage::AuditCheck::BrokenAt { seq } => {
                    println!("Jejak audit RUSAK mulai catatan {seq} / audit trail BROKEN from record {seq}");
                    return Ok(ExitCode::from(4));
                }
            }
        }
        Command::Backup { dest, documents_only } => backup::backup(&config, &dest, documents_only).await?,
        Command::Restore { from } => backup::restore(&config, &from).await?,
        Command::Keys { action: KeysAction::Rotate } => {
            let version = KeyRing::rotate(&config.key_file)?;
            println!("Kunci data baru versi {version} aktif / new data key version {version} is current");
        }
        Command::Bench { which: BenchWhich::Import { rows, runs, xlsx } } => {
            create_private_dir(&config.data_dir)?;
            let report = lapak_bench::import::run(&config.database_url, &config.data_dir, rows, runs, xlsx).await?;
            println!("{report}");
        }
        Command::Bench { which: BenchWhich::Claims { clients, submissions, lookups, runs } } => {
            create_private_dir(&config.data_dir)?;
            let options = lapak_bench::claims::Options { clients, submissions, lookups, runs };
            let report = lapak_bench::claims::run(&config.database_url, &config.data_dir, options).await?;
            println!("{report}");
        }
        Command::Bench { which: BenchWhich::Schedule { claims, runs } } => {
            create_private_dir(&config.data_dir)?;
            let report = lapak_bench::schedule::run(&config.database_url, &config.data_dir, claims, runs).await?;
            println!("{report}");
        }
        Command::Bench { which: BenchWhich::CollectiveCheck { batch, file, max_rows } } => {
            let (store, documents) = open(&config).await?;
            let checked = lapak_bench::collective::check_once(store, documents, &batch, &file, max_rows).await?;
            println!("{}", serde_json::to_string(&checked)?);
        }
        Command::Bench { which: BenchWhich::Collective { rows, runs } } => {
            create_private_dir(&config.data_dir)?;
            let report = lapak_bench::collective::run(&config.database_url, &config.data_dir, rows, runs).await?;
            println!("{report}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn init_logging(config: &Config, quiet: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if quiet { "warn" } else { "info,sqlx=warn" };
    let filter = EnvFilter::try_from_env("LAPAK_LOG").unwrap_or_else(|_| EnvFilter::new(default));
    // Colours only on a terminal: a log written to a file or a journal stays plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr()) && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_ansi(ansi);
    // try_init: tests call `run` more than once in one process.
    let _ = if config.log_json { builder.json().try_init() } else { builder.try_init() };
}

/// Creates the data folder (owner-only), loads or creates the key file, opens the database
/// and applies migrations.
pub async fn open_store(config: &Config) -> anyhow::Result<Arc<dyn Store>> {
    Ok(open(config).await?.0)
}

/// The database and the document folder, both under the same keys.
pub async fn open(config: &Config) -> anyhow::Result<(Arc<dyn Store>, DocumentStore)> {
    create_private_dir(&config.data_dir)?;
    let keys = Arc::new(KeyRing::load_or_create(&config.key_file)?);
    let documents = DocumentStore::local(&config.documents_dir(), keys.clone())?;
    let store = lapak_storage::open(&config.database_url, keys)
        .await
        .with_context(|| format!("cannot open the database ({})", redact_url(&config.database_url)))?;
    Ok((store, documents))
}

fn create_private_dir(dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create data folder {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// A database URL without its password, for messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..s + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}

async fn serve(config: &Config, store: Arc<dyn Store>, documents: DocumentStore) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {} (in use? set --listen or LAPAK_LISTEN)", config.listen))?;
    let limits = lapak_web::Limits {
        max_upload_bytes: config.max_upload_bytes,
        max_body_bytes: config.max_upload_bytes + 1024 * 1024,
        secure_cookies: config.public_url().starts_with("https://"),
        public_url: config.public_url.clone(),
        trusted_proxies: config.trusted_proxies.clone(),
        admin_token: config.admin_token.clone(),
        video: config.video.clone(),
        collective: config.collective,
        draft_days: config.draft_retention_days,
        ..lapak_web::Limits::default()
    };
    let mailer = match &config.smtp_url {
        Some(url) => {
            Mailer::smtp(url, &config.mail_from, &config.public_url())?.with_draft_days(config.draft_retention_days)
        }
        None => {
            println!(
                "Email ditulis ke / e-mails are written to {} (set LAPAK_SMTP_URL to send them)",
                config.mail_dir().display()
            );
            Mailer::folder(&config.mail_dir(), &config.mail_from, &config.public_url())?
                .with_draft_days(config.draft_retention_days)
        }
    };
    let texts = match &config.text_webhook_url {
        Some(url) => {
            lapak_workers::text::TextSender::webhook(url, config.text_webhook_token.as_deref(), &config.public_url())
                .map_err(anyhow::Error::msg)?
        }
        None => lapak_workers::text::TextSender::folder(&config.texts_dir(), &config.public_url())?,
    };
    let channels = lapak_workers::text::Channels { email: Box::new(mailer), text: Box::new(texts) };
    let (stop_relay, stopped) = tokio::sync::watch::channel(false);
    let relay =
        tokio::spawn(outbox::run(store.clone(), Arc::new(channels), outbox::RelayConfig::default(), async move {
            let mut stopped = stopped;
            let _ = stopped.changed().await;
        }));
    let mut stopped = stop_relay.subscribe();
    let planner = tokio::spawn(lapak_workers::scheduler::run(
        store.clone(),
        lapak_workers::scheduler::Settings::default(),
        std::time::Duration::from_secs(5),
        async move {
            let _ = stopped.changed().await;
        },
    ));
    let mut stopped = stop_relay.subscribe();
    let retention = tokio::spawn(lapak_workers::retention::run(
        store.clone(),
        documents.clone(),
        config.draft_retention_days,
        lapak_workers::DAILY,
        async move {
            let _ = stopped.changed().await;
        },
    ));
    let mut stopped = stop_relay.subscribe();
    let guesses = tokio::spawn(lapak_workers::retention::forget_guesses(store.clone(), async move {
        let _ = stopped.changed().await;
    }));
    let mut stopped = stop_relay.subscribe();
    let audit = tokio::spawn(lapak_workers::audit::run(store.clone(), lapak_workers::DAILY, async move {
        let _ = stopped.changed().await;
    }));
    let app = lapak_web::router(store, documents, &limits);
    println!("Lapak berjalan di / is running at http://{}  (Ctrl-C untuk berhenti / to stop)", listener.local_addr()?);
    tracing::info!(listen = %config.listen, "serving");
    lapak_web::serve(listener, app, shutdown_signal()).await?;
    let _ = stop_relay.send(true);
    let _ = relay.await;
    let _ = planner.await;
    let _ = retention.await;
    let _ = guesses.await;
    let _ = audit.await;
    tracing::info!("stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://lapak:secret@db:5432/lapak"), "postgres://lapak:***@db:5432/lapak");
        assert_eq!(redact_url("sqlite://lapak-data/lapak.db"), "sqlite://lapak-data/lapak.db");
    }
}
