//! `lapak bench claims`: the online channel under load. The server runs in this process on
//! a loopback port with demo members; 64 clients (by default) file full claims through the
//! JSON API (identity → cause → payment → documents → submit, three files of about 200 KB
//! and the checklist's other pages small) and then track claims. In the same run the
//! engine's own raw rates are measured with the same concurrency: durable single-row
//! inserts per second and primary-key selects per second.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{header, Method};
use lapak_domain::cause::ClaimCause;
use lapak_domain::documents::{required_documents, DocumentKind, Need};
use lapak_registry::demo;
use lapak_storage::connections::Connections;
use lapak_storage::{DocumentStore, KeyRing};
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::fresh::FreshDatabase;
use crate::{median, quantile};

pub struct Options {
    pub clients: usize,
    pub submissions: usize,
    pub lookups: usize,
    pub runs: u32,
}

pub struct RunResult {
    submissions_per_sec: f64,
    submit_p50_ms: f64,
    submit_p99_ms: f64,
    lookups_per_sec: f64,
    lookup_p50_ms: f64,
    lookup_p99_ms: f64,
    /// The engine through the connections Lapak uses.
    raw: RawRates,
    /// The engine through sqlx's pool, which pings each connection on its way back.
    raw_pooled: RawRates,
    /// SQLite only: point selects on the caller's thread, as tracking reads.
    own_selects: Option<f64>,
}

/// Which of a run's raw rates to compare with.
type Yardstick = dyn Fn(&RunResult) -> RawRates;

#[derive(Clone, Copy)]
struct RawRates {
    inserts_per_sec: f64,
    selects_per_sec: f64,
}

pub struct Report {
    engine: String,
    cores: usize,
    options_line: String,
    runs: Vec<RunResult>,
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let med = |g: &dyn Fn(&RunResult) -> f64| median(self.runs.iter().map(g).collect());
        writeln!(f, "Claims benchmark: {} engine, {} cores, {}", self.engine, self.cores, self.options_line)?;
        for (i, r) in self.runs.iter().enumerate() {
            writeln!(
                f,
                "  run {}: {:.0} submissions/s (p50 {:.0} ms, p99 {:.0} ms per submission) · {:.0} lookups/s (p50 {:.2} ms, p99 {:.2} ms) · raw {:.0} inserts/s, {:.0} selects/s (through sqlx's pool {:.0}, {:.0})",
                i + 1,
                r.submissions_per_sec,
                r.submit_p50_ms,
                r.submit_p99_ms,
                r.lookups_per_sec,
                r.lookup_p50_ms,
                r.lookup_p99_ms,
                r.raw.inserts_per_sec,
                r.raw.selects_per_sec,
                r.raw_pooled.inserts_per_sec,
                r.raw_pooled.selects_per_sec
            )?;
        }
        let subs = med(&|r| r.submissions_per_sec);
        let looks = med(&|r| r.lookups_per_sec);
        writeln!(f, "  median full submissions: {subs:.0}/s, p99 {:.0} ms", med(&|r| r.submit_p99_ms))?;
        writeln!(
            f,
            "  median tracking lookups: {looks:.0}/s, p50 {:.2} ms, p99 {:.2} ms",
            med(&|r| r.lookup_p50_ms),
            med(&|r| r.lookup_p99_ms)
        )?;
        let yardsticks: [(&str, &Yardstick); 2] = [
            ("through Lapak's connections", &|r| r.raw),
            ("through sqlx's pool (a ping per statement)", &|r| r.raw_pooled),
        ];
        for (how, raw) in yardsticks {
            let ins = med(&|r| raw(r).inserts_per_sec);
            let sel = med(&|r| raw(r).selects_per_sec);
            writeln!(
                f,
                "  median raw {} {how}: {ins:.0} durable single-row inserts/s, {sel:.0} point selects/s",
                self.engine
            )?;
            writeln!(
                f,
                "    submissions / raw inserts: {:.3} (goal ≥ 0.167: a submission is 9 requests and ~10 commits) · lookups / raw selects: {:.3} (goal ≥ 0.5)",
                subs / ins.max(1.0),
                looks / sel.max(1.0)
            )?;
        }
        if let Some(own) = self.runs.iter().map(|r| r.own_selects).collect::<Option<Vec<f64>>>() {
            let own = median(own);
            writeln!(
                f,
                "  median raw SQLite on the caller's thread (a connection per core, as tracking reads): {own:.0} point selects/s\n    lookups / these: {:.3} (each lookup is also an HTTP request and its JSON)",
                looks / own.max(1.0)
            )?;
        }
        Ok(())
    }
}

const BIG: usize = 200 * 1024;

fn pdf(size: usize, seed: u8) -> Vec<u8> {
    let mut v = b"%PDF-1.4\n".to_vec();
    v.extend((0..size.saturating_sub(20)).map(|i| b'A' + ((i as u8).wrapping_add(seed) % 26)));
    v.extend_from_slice(b"\n%%EOF\n");
    v
}

pub async fn run(database_url: &str, work_dir: &Path, o: Options) -> anyhow::Result<Report> {
    let dir = work_dir.join("bench");
    std::fs::create_dir_all(&dir)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut report = Report {
        engine: String::new(),
        cores,
        options_line: format!("{} clients, {} submissions, {} lookups per run", o.clients, o.submissions, o.lookups),
        runs: Vec::new(),
    };
    for run_no in 0..o.runs.max(1) {
        let target = FreshDatabase::create(database_url, &dir, 100 + run_no).await?;
        let keys = Arc::new(KeyRing::generate());
        let store = lapak_storage::open(&target.url, keys.clone()).await?;
        report.engine = store.engine().name().to_string();
        let (raw, raw_pooled) = raw_rates(&target.url, o.clients).await?;
        let own_selects = match target.url.strip_prefix("sqlite://") {
            Some(path) => {
                let path = std::path::PathBuf::from(path);
                Some(tokio::task::spawn_blocking(move || own_selects(&path, cores)).await??)
            }
            None => None,
        };

        // Members who can claim at once: disability is proven by documents, balance under
        // the NPWP threshold.
        let today = lapak_claims::today();
        let data = demo::generate(2020, (o.submissions * 3) as u32, today);
        store.upsert_branches(&data.branches).await?;
        store.upsert_companies(&data.companies).await?;
        for chunk in data.members.chunks(5_000) {
            store.upsert_members(chunk).await?;
        }
        let members: Vec<_> = data
            .members
            .iter()
            .filter(|m| m.jht_balance.amount() > 0 && m.jht_balance.amount() <= 50_000_000)
            .take(o.submissions)
            .collect();
        anyhow::ensure!(members.len() == o.submissions, "not enough demo members for {} submissions", o.submissions);

        let docs_dir = dir.join(format!("documents-{run_no}"));
        let _ = std::fs::remove_dir_all(&docs_dir);
        let documents = DocumentStore::local(&docs_dir, keys)?;
        let limits = lapak_web::Limits {
            rate_limits: lapak_claims::RateLimits {
                identity_per_person: 1_000,
                identity_per_client: u32::MAX / 2,
                tracking_per_number: u32::MAX / 2,
                tracking_per_client: u32::MAX / 2,
                ..Default::default()
            },
            max_in_flight: 4_096,
            ..lapak_web::Limits::default()
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server =
            tokio::spawn(lapak_web::serve(listener, lapak_web::router(store.clone(), documents, &limits), async {
                let _ = stopped.await;
            }));

        let big: Vec<Bytes> = (0..3).map(|i| Bytes::from(pdf(BIG, i))).collect();
        let small = Bytes::from(pdf(8 * 1024, 7));
        let cause = ClaimCause::TotalPermanentDisability;
        let kinds: Vec<DocumentKind> =
            required_documents(cause).iter().filter(|(_, n)| *n == Need::Required).map(|(k, _)| *k).collect();

        let next = AtomicUsize::new(0);
        let latencies = Mutex::new(Vec::with_capacity(o.submissions));
        let numbers = Mutex::new(Vec::with_capacity(o.submissions));
        let started = Instant::now();
        let workers = (0..o.clients).map(|_| {
            let (next, members, latencies, numbers) = (&next, &members, &latencies, &numbers);
            let (kinds, big, small) = (&kinds, &big, &small);
            Client::connected(addr, move |mut client| async move {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(m) = members.get(i) else { break };
                    let t0 = Instant::now();
                    let number = submit_one(&mut client, m, kinds, big, small).await?;
                    latencies.lock().unwrap().push(t0.elapsed().as_secs_f64() * 1_000.0);
                    numbers.lock().unwrap().push((number, m.birth_date.to_string()));
                }
                anyhow::Ok(())
            })
        });
        for r in futures_join_all(workers).await {
            r?;
        }
        let submit_secs = started.elapsed().as_secs_f64();
        let mut sub_lat = latencies.into_inner().unwrap();
        sub_lat.sort_by(f64::total_cmp);

        let numbers = numbers.into_inner().unwrap();
        let next = AtomicUsize::new(0);
        let latencies = Mutex::new(Vec::with_capacity(o.lookups));
        let started = Instant::now();
        let workers = (0..o.clients).map(|w| {
            let (numbers, next, latencies) = (&numbers, &next, &latencies);
            Client::connected(addr, move |mut client| async move {
                let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(w as u64);
                let mut mine = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < o.lookups {
                    let (number, birth) = &numbers[rng.gen_range(0..numbers.len())];
                    let body = json!({ "claim_number": number, "birth_date": birth });
                    let t0 = Instant::now();
                    client.call(Method::POST, "/api/v1/track", None, Body::Json(&body), "trackClaim").await?;
                    mine.push(t0.elapsed().as_secs_f64() * 1_000.0);
                }
                latencies.lock().unwrap().extend(mine);
                anyhow::Ok(())
            })
        });
        for r in futures_join_all(workers).await {
            r?;
        }
        let lookup_secs = started.elapsed().as_secs_f64();
        let mut look_lat = latencies.into_inner().unwrap();
        look_lat.sort_by(f64::total_cmp);

        let _ = stop.send(());
        let _ = server.await;
        drop(store);
        target.drop_it().await?;
        let _ = std::fs::remove_dir_all(&docs_dir);
        report.runs.push(RunResult {
            submissions_per_sec: o.submissions as f64 / submit_secs,
            submit_p50_ms: quantile(&sub_lat, 0.5),
            submit_p99_ms: quantile(&sub_lat, 0.99),
            lookups_per_sec: look_lat.len() as f64 / lookup_secs,
            lookup_p50_ms: quantile(&look_lat, 0.5),
            lookup_p99_ms: quantile(&look_lat, 0.99),
            raw,
            raw_pooled,
            own_selects,
        });
        eprintln!("run {} done", run_no + 1);
    }
    Ok(report)
}

/// SQLite's point selects with no hand-off: `threads` threads, each with a read-only
/// connection of its own (rusqlite, the library tracking reads through), on a 100,000-row
/// table for three seconds.
fn own_selects(path: &Path, threads: usize) -> anyhow::Result<f64> {
    const ROWS: i64 = 100_000;
    let setup = rusqlite::Connection::open(path)?;
    setup.execute("CREATE TABLE raw_own (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)", [])?;
    let payload = "x".repeat(100);
    let tx = setup.unchecked_transaction()?;
    {
        let mut insert = tx.prepare("INSERT INTO raw_own (id, payload) VALUES (?1, ?2)")?;
        for id in 1..=ROWS {
            insert.execute(rusqlite::params![id, payload])?;
        }
    }
    tx.commit()?;
    let t0 = Instant::now();
    let counts = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads.max(1))
            .map(|w| {
                scope.spawn(move || -> anyhow::Result<u64> {
                    let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
                    let conn = rusqlite::Connection::open_with_flags(path, flags)?;
                    let mut select = conn.prepare_cached("SELECT payload FROM raw_own WHERE id = ?1")?;
                    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(w as u64);
                    let mut done = 0;
                    while t0.elapsed() < Duration::from_secs(3) {
                        let _: String = select.query_row([rng.gen_range(1..=ROWS)], |r| r.get(0))?;
                        done += 1;
                    }
                    Ok(done)
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().expect("a select thread panicked")).collect::<anyhow::Result<Vec<u64>>>()
    })?;
    let rate = counts.iter().sum::<u64>() as f64 / t0.elapsed().as_secs_f64();
    setup.execute("DROP TABLE raw_own", [])?;
    Ok(rate)
}

/// Runs futures concurrently on this task (the clients are I/O-bound).
async fn futures_join_all<F: std::future::Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    futures::future::join_all(futures).await
}

async fn submit_one(
    client: &mut Client,
    m: &lapak_domain::member::Member,
    kinds: &[DocumentKind],
    big: &[Bytes],
    small: &Bytes,
) -> anyhow::Result<String> {
    let identity = json!({ "nik": m.nik.as_str(), "kpj": m.kpj.as_str(), "full_name": m.full_name.as_str(), "birth_date": m.birth_date.to_string() });
    let started: Value = serde_json::from_slice(
        &client.call(Method::POST, "/api/v1/claims", None, Body::Json(&identity), "startClaim").await?,
    )?;
    let auth = format!("Bearer {}", started["claim_token"].as_str().unwrap_or_default());
    let auth = Some(auth.as_str());
    let cause = json!({ "cause": "total_permanent_disability" });
    client.call(Method::PUT, "/api/v1/claim/cause", auth, Body::Json(&cause), "saveCause").await?;
    let payment = json!({
        "bank_code": "014", "account_number": "1234567890", "account_holder": m.full_name.as_str(),
        "email": "peserta@example.com", "whatsapp": "081234567890", "branch": "KC001"
    });
    client.call(Method::PUT, "/api/v1/claim/payment", auth, Body::Json(&payment), "savePayment").await?;
    for (i, kind) in kinds.iter().enumerate() {
        let file = if i < big.len() { &big[i] } else { small };
        let path = format!("/api/v1/claim/documents/{}", kind.code());
        client.call(Method::POST, &path, auth, Body::Bytes(file), "uploadClaimDocument").await?;
    }
    let submitted: Value = serde_json::from_slice(
        &client.call(Method::POST, "/api/v1/claim/submit", auth, Body::Json(&json!({})), "submitClaim").await?,
    )?;
    Ok(submitted["claim_number"].as_str().unwrap_or_default().to_string())
}

/// A benchmark client: one kept-alive HTTP/1.1 connection, driven in the client's own task
/// (hyper's connection API, not a pooled client whose connections run as tasks of their
/// own). The load generator shares the cores with the server; every task hand-off it saves
/// is CPU the server gets.
struct Client {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
}

enum Body<'a> {
    Json(&'a Value),
    /// Shared, not copied, for each upload.
    Bytes(&'a Bytes),
}

impl Client {
    /// Runs `work` with a client connected to `addr`; the connection closes when `work` ends.
    async fn connected<T, F: std::future::Future<Output = anyhow::Result<T>>>(
        addr: std::net::SocketAddr,
        work: impl FnOnce(Client) -> F,
    ) -> anyhow::Result<T> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        // `work` owns the client: when it ends, the sender is dropped and the connection closes.
        let (result, closed) = tokio::join!(work(Client { sender, host: addr.to_string() }), connection);
        closed?;
        result
    }

    /// One request; the answer's body, or an error naming the operation unless it succeeded.
    async fn call(
        &mut self,
        method: Method,
        path: &str,
        authorization: Option<&str>,
        body: Body<'_>,
        what: &'static str,
    ) -> anyhow::Result<Bytes> {
        let mut req = hyper::Request::builder().method(method).uri(path).header(header::HOST, &self.host);
        if let Some(auth) = authorization {
            req = req.header(header::AUTHORIZATION, auth);
        }
        let req = match body {
            Body::Json(v) => {
                req.header(header::CONTENT_TYPE, "application/json").body(Full::new(serde_json::to_vec(v)?.into()))
            }
            Body::Bytes(b) => req.body(Full::new(b.clone())),
        }?;
        self.sender.ready().await?;
        let res = self.sender.send_request(req).await?;
        let status = res.status();
        let body = res.into_body().collect().await?.to_bytes();
        anyhow::ensure!(status.is_success(), "{what}: {status} {}", String::from_utf8_lossy(&body));
        Ok(body)
    }
}

/// The engine's own rates with `clients` concurrent tasks: durable single-row insert
/// transactions, then primary-key selects on a 100,000-row table. SQLite with its own durable
/// commit: WAL, `synchronous=FULL`, one writer connection and four readers. Measured twice:
/// through the connections Lapak uses, and through sqlx's pool as most sqlx programs do.
async fn raw_rates(url: &str, clients: usize) -> anyhow::Result<(RawRates, RawRates)> {
    const ROWS: i64 = 100_000;
    let duration = Duration::from_secs(3);
    let payload = "x".repeat(100);
    macro_rules! inserts {
        ($pool:expr, $begin:literal) => {{
            let pool = &$pool;
            sqlx::query("CREATE TABLE raw_rate (id BIGINT PRIMARY KEY, payload TEXT NOT NULL)").execute(pool).await?;
            let done = AtomicUsize::new(0);
            let next_id = AtomicUsize::new(1);
            let t0 = Instant::now();
            let tasks = (0..clients).map(|_| async {
                while t0.elapsed() < duration {
                    let id = next_id.fetch_add(1, Ordering::Relaxed) as i64;
                    let mut tx = pool.begin_with($begin).await?;
                    sqlx::query("INSERT INTO raw_rate (id, payload) VALUES ($1, $2)")
                        .bind(id)
                        .bind(&payload)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                anyhow::Ok(())
            });
            for r in futures::future::join_all(tasks).await {
                r?;
            }
            let rate = done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64();
            let mut tx = pool.begin_with($begin).await?;
            for id in next_id.load(Ordering::Relaxed) as i64..=ROWS {
                sqlx::query("INSERT INTO raw_rate (id, payload) VALUES ($1, $2)")
                    .bind(id)
                    .bind(&payload)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            rate
        }};
    }
    macro_rules! selects {
        ($pool:expr) => {{
            let pool = &$pool;
            let done = AtomicUsize::new(0);
            let t0 = Instant::now();
            let tasks = (0..clients).map(|w| {
                let done = &done;
                async move {
                    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(w as u64);
                    while t0.elapsed() < duration {
                        let id: i64 = rng.gen_range(1..=ROWS);
                        let _: (String,) = sqlx::query_as("SELECT payload FROM raw_rate WHERE id = $1")
                            .bind(id)
                            .fetch_one(pool)
                            .await?;
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                    anyhow::Ok(())
                }
            });
            for r in futures::future::join_all(tasks).await {
                r?;
            }
            let rate = done.load(Ordering::Relaxed) as f64 / t0.elapsed().as_secs_f64();
            sqlx::query("DROP TABLE raw_rate").execute(pool).await?;
            rate
        }};
    }
    let rates = |inserts_per_sec, selects_per_sec| RawRates { inserts_per_sec, selects_per_sec };
    if url.starts_with("postgres") {
        let options: sqlx::postgres::PgConnectOptions = std::str::FromStr::from_str(url)?;
        let lean = Connections::<sqlx::Postgres>::new(options, 32);
        let lean = rates(inserts!(lean, "BEGIN"), selects!(lean));
        let pool =
            sqlx::postgres::PgPoolOptions::new().max_connections(32).test_before_acquire(false).connect(url).await?;
        let pooled = rates(inserts!(pool, "BEGIN"), selects!(pool));
        Ok((lean, pooled))
    } else {
        use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
        let options = SqliteConnectOptions::new()
            .filename(url.trim_start_matches("sqlite://"))
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(15));
        let writer = Connections::<sqlx::Sqlite>::new(options.clone(), 1);
        let readers = Connections::<sqlx::Sqlite>::new(options.clone(), 4);
        let lean = rates(inserts!(writer, "BEGIN IMMEDIATE"), selects!(readers));
        let pool =
            |n| SqlitePoolOptions::new().max_connections(n).test_before_acquire(false).connect_with(options.clone());
        let (writer, readers) = (pool(1).await?, pool(4).await?);
        let pooled = rates(inserts!(writer, "BEGIN IMMEDIATE"), selects!(readers));
        Ok((lean, pooled))
    }
}
