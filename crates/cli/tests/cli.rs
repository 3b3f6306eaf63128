//! The `lapak` binary as an operator uses it: help, import with report and JSON, demo,
//! migrate, and an import and a scheduling pass killed half-way. Runs on SQLite, or on
//! PostgreSQL with `LAPAK_TEST_DATABASE_URL`.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn lapak(data_dir: &Path, database_url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_lapak"))
        .args(args)
        .env("LAPAK_DATA_DIR", data_dir)
        .env("LAPAK_DATABASE_URL", database_url)
        .env_remove("LAPAK_CONFIG")
        .current_dir(data_dir.parent().unwrap())
        .stdin(Stdio::null())
        .output()
        .expect("run lapak")
}

struct Env {
    dir: tempfile::TempDir,
    url: String,
}

impl Env {
    async fn new() -> Env {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("data")).unwrap();
        let url = lapak_tests::fresh_database_url(&dir.path().join("data")).await;
        Env { dir, url }
    }

    fn data(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    fn run(&self, args: &[&str]) -> Output {
        lapak(&self.data(), &self.url, args)
    }

    fn file(&self, name: &str, content: &str) -> String {
        let p = self.dir.path().join(name);
        std::fs::write(&p, content).unwrap();
        p.display().to_string()
    }

    /// The registry of [`Env::seed_registry`] and Siti, a member laid off on 30 September
    /// 2026 with an e-mail address and a phone number.
    async fn with_siti() -> Env {
        let env = Env::new().await;
        env.seed_registry();
        let members = env.file(
            "anggota.csv",
            "nik,kpj,nama,tanggal_lahir,jenis_kelamin,nama_ibu_kandung,npp,tanggal_kepesertaan,tanggal_berhenti_bekerja,saldo_jht,email,no_hp\n\
             3273015505900002,12345678901,Siti Aminah,15/05/1990,P,Ratna,20000001,02/01/2012,30/09/2026,Rp 35.750.000,siti@example.id,081234567890\n",
        );
        assert!(env.run(&["import", "members", &members]).status.success());
        env
    }

    /// Branch KC001 and companies 20000000..20000099 (what the generated members use).
    fn seed_registry(&self) {
        let b = self.file("kantor.csv", "kode;nama;jenis;provinsi;zona_waktu;mode;jumlah_booth;kapasitas_ruang\nKC001;Jakarta;kc;31;Asia/Jakarta;one_to_many;5;20\n");
        assert!(self.run(&["import", "branches", &b]).status.success());
        let mut companies = String::from("npp;nama;skala;jumlah_tenaga_kerja;kode_kantor\n");
        for i in 0..100 {
            companies.push_str(&format!("{};PT Uji {i};besar;1000;KC001\n", 20_000_000 + i));
        }
        let c = self.file("perusahaan.csv", &companies);
        assert!(self.run(&["import", "companies", &c]).status.success());
    }
}

/// Siti's claim through the API of whichever `lapak serve` is running: one token across
/// restarts.
struct SitiClaim {
    http: reqwest::Client,
    token: String,
}

/// Where Lapak answers: a `lapak serve`, or the base URL of a front in its place.
trait Door {
    fn url(&self, path: &str) -> String;
}

impl Door for Server {
    fn url(&self, path: &str) -> String {
        Server::url(self, path)
    }
}

impl Door for String {
    fn url(&self, path: &str) -> String {
        format!("{self}{path}")
    }
}

impl SitiClaim {
    async fn start(server: &Server) -> SitiClaim {
        SitiClaim::start_with(reqwest::Client::new(), server).await
    }

    async fn start_with(http: reqwest::Client, server: &impl Door) -> SitiClaim {
        let identity = serde_json::json!({ "nik": "3273015505900002", "kpj": "12345678901",
            "full_name": "Siti Aminah", "birth_date": "1990-05-15" });
        let res = http.post(server.url("/api/v1/claims")).json(&identity).send().await.unwrap();
        assert_eq!(res.status(), reqwest::StatusCode::CREATED, "the claim starts");
        let started: serde_json::Value = res.json().await.unwrap();
        let token = format!("Bearer {}", started["claim_token"].as_str().expect("a claim token"));
        SitiClaim { http, token }
    }

    /// The cause (laid off on 30 September 2026) and the payment and contact answers.
    async fn answer(&self, server: &impl Door) {
        let cause = serde_json::json!({ "cause": "layoff", "last_working_day": "2026-09-30" });
        let payment = serde_json::json!({ "bank_code": "014", "account_number": "1234567890",
            "account_holder": "Siti Aminah", "email": "siti@example.id", "whatsapp": "081234567890", "branch": "KC001" });
        for (path, body) in [("/api/v1/claim/cause", cause), ("/api/v1/claim/payment", payment)] {
            let res = self.http.put(server.url(path)).header("authorization", &self.token).json(&body).send();
            assert!(res.await.unwrap().status().is_success(), "{path}");
        }
    }

    async fn claim(&self, server: &impl Door) -> serde_json::Value {
        let res = self.http.get(server.url("/api/v1/claim")).header("authorization", &self.token).send();
        res.await.unwrap().json().await.unwrap()
    }

    /// A small PDF as the document `kind`.
    fn upload(&self, server: &impl Door, kind: &str) -> reqwest::RequestBuilder {
        let pdf = format!("%PDF-1.4\n% {kind}\n1 0 obj << >> endobj\ntrailer\n%%EOF\n");
        self.http
            .post(server.url(&format!("/api/v1/claim/documents/{kind}")))
            .header("authorization", &self.token)
            .header("content-type", "application/pdf")
            .body(pdf)
    }

    fn submit(&self, server: &impl Door, idempotency_key: &str) -> reqwest::RequestBuilder {
        self.http
            .post(server.url("/api/v1/claim/submit"))
            .header("authorization", &self.token)
            .header("idempotency-key", idempotency_key)
            .json(&serde_json::json!({}))
    }

    async fn track(&self, server: &impl Door, number: &str) -> serde_json::Value {
        let track = serde_json::json!({ "claim_number": number, "birth_date": "1990-05-15" });
        self.http.post(server.url("/api/v1/track")).json(&track).send().await.unwrap().json().await.unwrap()
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn help_explains_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = lapak(&dir.path().join("d"), "sqlite://unused.db", &["--help"]);
    assert!(out.status.success());
    let text = stdout(&out);
    for cmd in ["serve", "demo", "migrate", "import", "bench", "backup", "restore"] {
        assert!(text.contains(cmd), "{cmd} missing from --help:\n{text}");
    }
}

#[tokio::test]
async fn import_reports_rejected_rows_in_a_file_and_as_json() {
    let env = Env::new().await;
    env.seed_registry();
    let members = env.file(
        "anggota.csv",
        "nik,kpj,nama,tanggal_lahir,jenis_kelamin,nama_ibu_kandung,npp,tanggal_kepesertaan,tanggal_berhenti_bekerja,saldo_jht,email,no_hp\n\
         3273015505900002,12345678901,Siti Aminah,15/05/1990,P,Ratna,20000001,02/01/2012,30/09/2026,Rp 35.750.000,siti@example.id,081234567890\n\
         3273015505900003,12345678902,Siti Lain,16/05/1990,P,Ratna,20000001,02/01/2012,,1000,,\n",
    );
    let report = env.dir.path().join("errors.csv");
    let out = env.run(&["import", "members", &members, "--report", report.to_str().unwrap(), "--json"]);
    assert_eq!(out.status.code(), Some(3), "some rows rejected: {}", String::from_utf8_lossy(&out.stderr));
    let last = stdout(&out).lines().last().unwrap().to_string();
    let json: serde_json::Value = serde_json::from_str(&last).unwrap();
    assert_eq!(json["imported"], 1);
    assert_eq!(json["rejected"], 1);
    assert_eq!(json["errors"][0]["line"], 3);
    assert_eq!(json["errors"][0]["column"], "tanggal_lahir");
    assert!(json["errors"][0]["reason"].as_str().unwrap().contains("NIK"));
    let report = std::fs::read_to_string(report).unwrap();
    assert!(report.starts_with("\u{feff}baris,kolom,alasan,reason"));
    assert!(report.contains("3,tanggal_lahir,"));

    let again = env.run(&["import", "members", &members, "--json"]);
    let json: serde_json::Value = serde_json::from_str(stdout(&again).lines().last().unwrap()).unwrap();
    assert_eq!((json["inserted"].as_u64(), json["unchanged"].as_u64()), (Some(0), Some(1)));
}

#[tokio::test]
async fn an_unreadable_file_is_a_clear_failure() {
    let env = Env::new().await;
    let missing = env.dir.path().join("tidak-ada.csv");
    let out = env.run(&["import", "members", missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tidak-ada.csv"));
}

#[tokio::test]
async fn demo_loads_once_and_migrate_is_idempotent() {
    let env = Env::new().await;
    let first = env.run(&["demo", "--no-serve", "--members", "3000"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let text = stdout(&first);
    assert!(text.contains("3500 peserta/members"), "3,000 and the collective demo's 500: {text}");
    assert!(text.contains("NIK "), "prints members to try");
    if !env.url.starts_with("postgres") {
        assert!(env.data().join("lapak.db").exists());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(env.data().join("keys.json")).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "key file readable only by its owner");
    }
    let second = env.run(&["demo", "--no-serve", "--members", "3000"]);
    assert!(stdout(&second).contains("sudah dimuat"));
    assert_eq!(
        text.lines().filter(|l| l.contains("NIK ")).collect::<Vec<_>>(),
        stdout(&second).lines().filter(|l| l.contains("NIK ")).collect::<Vec<_>>(),
        "the same members are offered again"
    );
    assert!(env.run(&["migrate"]).status.success());
    assert!(env.run(&["migrate"]).status.success());
}

/// Kill -9 in the middle of an import: what was committed stays whole (whole batches), and
/// running the import again completes it.
#[tokio::test]
async fn an_import_killed_half_way_loses_nothing_committed() {
    let env = Env::new().await;
    env.seed_registry();
    let csv = env.dir.path().join("big.csv");
    let rows = 60_000u32;
    lapak_bench::import::write_members_csv(&csv, rows).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lapak"))
        .args(["import", "members", csv.to_str().unwrap(), "--json"])
        .env("LAPAK_DATA_DIR", env.data())
        .env("LAPAK_DATABASE_URL", &env.url)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut committed = 0;
    for _ in 0..2_000 {
        committed = member_count(&env.url).await;
        if committed > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let after_kill = member_count(&env.url).await;
    assert!(committed > 0, "the import committed something before it was killed");
    assert_eq!(after_kill % 5_000, 0, "only whole batches are committed, got {after_kill}");
    assert!(after_kill < i64::from(rows), "killed before the end ({after_kill} rows)");

    let out = env.run(&["import", "members", csv.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(stdout(&out).lines().last().unwrap()).unwrap();
    assert_eq!(json["imported"].as_i64(), Some(i64::from(rows)));
    assert_eq!(json["unchanged"].as_i64(), Some(after_kill));
    assert_eq!(member_count(&env.url).await, i64::from(rows));
}

async fn member_count(url: &str) -> i64 {
    if !url.starts_with("postgres") && !Path::new(url.trim_start_matches("sqlite://")).exists() {
        return 0;
    }
    // Before the child has created the table, none.
    try_count(url, "SELECT COUNT(*) FROM members").await.unwrap_or(0)
}

#[tokio::test]
async fn a_branch_admin_sets_capacity_and_reads_the_report() {
    let env = Env::new().await;
    env.seed_registry();
    let bad = env.file(
        "kapasitas-salah.json",
        r#"{"branch":"KC001","time_zone":"Europe/Berlin","modes":[{"mode":"one_to_many","slot_minutes":30,"seats":9}],
            "officers":[{"id":"a","name":"A","mode":"counter","weekdays":[1],"start":"17:00","end":"08:00"}],"room_capacity":2}"#,
    );
    let out = env.run(&["capacity", "set", &bad]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for reason in ["Zona waktu", "4–6 bilik", "berakhir sebelum dimulai", "tidak ditawarkan"] {
        assert!(err.contains(reason), "{reason} missing: {err}");
    }
    let good = env.file(
        "kapasitas.json",
        r#"{"branch":"KC001","time_zone":"Asia/Jakarta","modes":[{"mode":"one_to_many","slot_minutes":30,"seats":5},
            {"mode":"video_call","slot_minutes":20}],
            "officers":[{"id":"m1","name":"Petugas 1","mode":"one_to_many","weekdays":[1,2,3,4,5],"start":"08:00","end":"12:00"},
                        {"id":"v1","name":"Petugas 2","mode":"video_call","weekdays":[1,2,3,4,5],"start":"08:00","end":"16:00"}],
            "room_capacity":20}"#,
    );
    let out = env.run(&["capacity", "set", &good]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("seats in the next 7 days"));
    let shown: serde_json::Value = serde_json::from_str(&stdout(&env.run(&["capacity", "show", "KC001"]))).unwrap();
    assert_eq!(shown["officers"][1]["id"], "v1");
    // 2026-12-07 is a Monday: 8 One to Many sessions of 5 and 24 calls.
    let report = stdout(&env.run(&["capacity", "report", "--from", "2026-12-07", "--days", "1"]));
    assert_eq!(report.lines().next(), Some("branch,date,offered,booked,served,no_shows,lead_time_hours"));
    assert_eq!(report.lines().nth(1), Some("KC001,2026-12-07,64,0,0,0,"));
    let out = env.run(&["appointments", "no-show", "K7M2-9QXD-R"]);
    assert!(!out.status.success());
}

#[tokio::test]
async fn the_audit_trail_is_checked_from_the_command_line() {
    let env = Env::new().await;
    env.seed_registry();
    let out = env.run(&["audit", "verify"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("audit trail intact"));
}

/// Kill -9 in the middle of a scheduling pass: what the pass committed is whole (no seat
/// holds two claims, no claim two seats, no session more than its seats, every booked claim
/// Scheduled with one event and one notice, every other still waiting), and the next pass
/// books the rest without leaving a seat free before a later one.
#[tokio::test]
async fn a_scheduling_pass_killed_half_way_leaves_no_double_booking() {
    let env = Env::new().await;
    let claims = 30_000;
    {
        let keys = std::sync::Arc::new(lapak_storage::KeyRing::load_or_create(&env.data().join("keys.json")).unwrap());
        let store = lapak_storage::open(&env.url, keys.clone()).await.unwrap();
        lapak_bench::schedule::waiting_line(&store, &env.url, &keys, claims, jiff::Timestamp::now()).await.unwrap();
    }
    let mut child = Command::new(env!("CARGO_BIN_EXE_lapak"))
        .args(["appointments", "schedule"])
        .env("LAPAK_DATA_DIR", env.data())
        .env("LAPAK_DATABASE_URL", &env.url)
        .env_remove("LAPAK_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut booked = 0;
    for _ in 0..20_000 {
        booked = count(&env.url, "SELECT COUNT(*) FROM appointments").await;
        if booked > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(booked > 0, "the pass booked something before it was killed");
    let after_kill = schedule_is_whole(&env.url).await;
    assert!(after_kill < claims as i64, "killed before the end ({after_kill} booked)");

    let out = env.run(&["appointments", "schedule"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(schedule_is_whole(&env.url).await, claims as i64, "the next pass books the rest");
    let (offered, wasted, _) = lapak_bench::schedule::fill(&env.url).await.unwrap();
    assert_eq!(wasted, 0, "no seat left free before a later one ({offered} offered)");
}

/// Checks the schedule's invariants straight in the database; the number of booked seats.
async fn schedule_is_whole(url: &str) -> i64 {
    let none = |what: &str, sql: &str| (what.to_string(), format!("SELECT COUNT(*) FROM ({sql}) x"));
    for (what, sql) in [
        none(
            "a seat holding two claims",
            "SELECT session_id, seat FROM appointments WHERE status = 'booked' GROUP BY session_id, seat HAVING COUNT(*) > 1",
        ),
        none(
            "a claim holding two seats",
            "SELECT claim_id FROM appointments WHERE status = 'booked' GROUP BY claim_id HAVING COUNT(*) > 1",
        ),
        none(
            "a session over its seats",
            "SELECT s.id FROM sessions s JOIN appointments a ON a.session_id = s.id AND a.status = 'booked' \
             GROUP BY s.id, s.seats HAVING COUNT(*) > s.seats",
        ),
        none(
            "a seat outside its session",
            "SELECT a.id FROM appointments a JOIN sessions s ON s.id = a.session_id WHERE a.seat > s.seats",
        ),
        none(
            "an officer in two sessions at once",
            "SELECT a.id FROM sessions a JOIN sessions b ON b.branch_code = a.branch_code AND b.officer = a.officer \
             AND b.id <> a.id AND b.starts_at < a.ends_at AND a.starts_at < b.ends_at",
        ),
        none(
            "a booked claim not Scheduled, or still in the waiting line",
            "SELECT c.id FROM claims c JOIN appointments a ON a.claim_id = c.id AND a.status = 'booked' \
             WHERE c.state <> 'scheduled' OR c.needs_appointment",
        ),
        none(
            "a Scheduled claim without a seat",
            "SELECT c.id FROM claims c WHERE c.state = 'scheduled' \
             AND NOT EXISTS (SELECT 1 FROM appointments a WHERE a.claim_id = c.id AND a.status = 'booked')",
        ),
        none(
            "a claim neither booked nor waiting",
            "SELECT c.id FROM claims c WHERE c.state = 'submitted' AND NOT c.needs_appointment",
        ),
    ] {
        assert_eq!(count(url, &sql).await, 0, "{what}");
    }
    let booked = count(url, "SELECT COUNT(*) FROM appointments WHERE status = 'booked'").await;
    let scheduled = count(url, "SELECT COUNT(*) FROM claim_events WHERE to_state = 'scheduled'").await;
    assert_eq!(scheduled, booked, "one Scheduled event per booked seat");
    let notices = count(url, "SELECT COUNT(*) FROM outbox WHERE kind = 'notice'").await;
    assert_eq!(notices, booked, "one appointment notice per booked seat");
    booked
}

async fn count(url: &str, sql: &str) -> i64 {
    try_count(url, sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn try_count(url: &str, sql: &str) -> Result<i64, sqlx::Error> {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        sqlx::query_scalar(sql).fetch_one(&mut sqlx::PgConnection::connect(url).await?).await
    } else {
        sqlx::query_scalar(sql).fetch_one(&mut sqlx::SqliteConnection::connect(url).await?).await
    }
}

/// `lapak serve` as it runs, killed with SIGKILL in the middle of a claim and again right
/// after acknowledging its submission: started again on the same data, the answers and the
/// documents are all there, the claim is submitted once, tracked and its e-mail sent;
/// SIGTERM then stops the server cleanly.
#[tokio::test]
async fn a_server_killed_in_the_middle_of_a_claim_loses_nothing() {
    use lapak_domain::documents::{required_documents, Need};
    use serde_json::{json, Value};
    let env = Env::with_siti().await;

    let mut server = Server::start(&env).await;
    let siti = SitiClaim::start(&server).await;
    siti.answer(&server).await;
    let kinds: Vec<_> = required_documents(lapak_domain::cause::ClaimCause::Layoff)
        .iter()
        .filter(|(_, need)| *need == Need::Required)
        .map(|(kind, _)| kind.code())
        .collect();
    let res = siti.upload(&server, kinds[0]).send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());

    // The power cord: every answer and the document acknowledged before it are kept.
    server.kill();
    let server = Server::start(&env).await;
    let claim = siti.claim(&server).await;
    assert_eq!(claim["cause"], "layoff", "{claim}");
    assert_eq!(claim["missing_parts"], json!(["documents"]), "{claim}");
    assert_eq!(claim["documents"].as_array().unwrap().len(), 1, "{claim}");
    for kind in &kinds[1..] {
        assert!(siti.upload(&server, kind).send().await.unwrap().status().is_success());
    }
    let res = siti.submit(&server, "restart-1").send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let number = res.json::<Value>().await.unwrap()["claim_number"].as_str().unwrap().to_string();

    // Killed right after acknowledging: the claim is there, and the retry gets the same one.
    let mut server = server;
    server.kill();
    let server = Server::start(&env).await;
    let again: Value = siti.submit(&server, "restart-1").send().await.unwrap().json().await.unwrap();
    assert_eq!(again["claim_number"], number.as_str());
    let tracked = siti.track(&server, &number).await;
    assert!(matches!(tracked["state"].as_str(), Some("submitted" | "scheduled")), "{tracked}");
    assert_eq!(count(&env.url, "SELECT COUNT(*) FROM claims").await, 1, "one claim");
    assert_eq!(count(&env.url, "SELECT COUNT(*) FROM documents").await, kinds.len() as i64);
    // The submission e-mail, written to the outbox with the claim, is sent by the server that
    // came back (after the lease of a relay killed while sending it, at worst).
    let mail = env.data().join("mail");
    let sent = |number: &str| {
        std::fs::read_dir(&mail).into_iter().flatten().flatten().any(|f| {
            std::fs::read_to_string(f.path())
                .is_ok_and(|m| m.contains("Subject: Klaim JHT Anda telah diajukan") && m.contains(number))
        })
    };
    for _ in 0..750 {
        if sent(&number) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(sent(&number), "the submission e-mail was sent");

    // SIGTERM: the requests in flight finish, the workers stop, the exit status is 0.
    assert!(server.terminate().success());
}

/// `lapak serve` on a free loopback port, ready to answer.
struct Server {
    child: std::process::Child,
    addr: std::net::SocketAddr,
}

impl Server {
    async fn start(env: &Env) -> Server {
        Server::start_with(env, None, &[]).await
    }

    /// On `addr` (a free port if none), with more arguments for `lapak serve`.
    async fn start_with(env: &Env, addr: Option<std::net::SocketAddr>, args: &[&str]) -> Server {
        Server::start_in(&env.data(), &env.url, addr, args).await
    }

    /// With the data folder `data` and the database `url`.
    async fn start_in(data: &Path, url: &str, addr: Option<std::net::SocketAddr>, args: &[&str]) -> Server {
        let addr = addr.unwrap_or_else(|| std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap());
        let child = Command::new(env!("CARGO_BIN_EXE_lapak"))
            .args(["serve", "--listen", &addr.to_string()])
            .args(args)
            .env("LAPAK_DATA_DIR", data)
            .env("LAPAK_DATABASE_URL", url)
            .env_remove("LAPAK_CONFIG")
            .current_dir(data.parent().unwrap())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Server { child, addr };
        for _ in 0..600 {
            if let Ok(res) = reqwest::get(server.url("/readyz")).await {
                if res.status().is_success() {
                    return server;
                }
            }
            assert!(server.child.try_wait().unwrap().is_none(), "lapak serve ended before it was ready");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("lapak serve was not ready within 30 s");
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn kill(&mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn terminate(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        for _ in 0..200 {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        self.kill();
        panic!("lapak serve did not stop within 10 s of SIGTERM");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Kill -9 at moments of its choosing while clients file claims at once through the API
/// (each client retrying a request its connection lost, as an app does): after each
/// restart, every claim acknowledged before is there and tracked, a submission retried with
/// its `Idempotency-Key` gets the claim it made, and in the end every member has exactly one
/// claim with all its documents and the SQLite file passes `integrity_check`.
#[tokio::test]
async fn claims_filed_through_two_crashes_are_all_there_once() {
    use lapak_domain::documents::{required_documents, Need};
    use serde_json::{json, Value};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    let env = Env::new().await;
    let members: Vec<lapak_domain::member::Member> = {
        let keys = Arc::new(lapak_storage::KeyRing::load_or_create(&env.data().join("keys.json")).unwrap());
        let store = lapak_storage::open(&env.url, keys).await.unwrap();
        let data = lapak_registry::demo::generate(2020, 300, lapak_claims::today());
        store.upsert_branches(&data.branches).await.unwrap();
        store.upsert_companies(&data.companies).await.unwrap();
        store.upsert_members(&data.members).await.unwrap();
        for c in lapak_registry::demo::capacities(&data.branches) {
            store.set_capacity(&c).await.unwrap();
        }
        // Disability is proven by documents: each can claim at once.
        data.members
            .into_iter()
            .filter(|m| m.jht_balance.amount() > 0 && m.jht_balance.amount() <= 50_000_000)
            .take(40)
            .collect()
    };
    assert_eq!(members.len(), 40);
    let kinds: Vec<&'static str> = required_documents(lapak_domain::cause::ClaimCause::TotalPermanentDisability)
        .iter()
        .filter(|(_, need)| *need == Need::Required)
        .map(|(kind, _)| kind.code())
        .collect();

    // Behind a trusted proxy, each member from an address of their own (the limits are per client).
    let mut server = Server::start_with(&env, None, &["--trusted-proxies", "127.0.0.1"]).await;
    let base = server.url("");
    let acknowledged: Arc<Mutex<Vec<(String, String)>>> = Arc::default();
    let next = Arc::new(AtomicUsize::new(0));
    // Members started before the second crash, at most (it comes after 20 claims, with 8
    // clients): a loaded machine could otherwise finish all 40 before it. Lifted after it.
    let started_before_crash = Arc::new(AtomicUsize::new(20 + 8));
    let members_total = members.len();
    let members = Arc::new(members);
    let mut clients = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (base, members, next, acknowledged, kinds, limit) = (
            base.clone(),
            members.clone(),
            next.clone(),
            acknowledged.clone(),
            kinds.clone(),
            started_before_crash.clone(),
        );
        clients.spawn(async move {
            let http = reqwest::Client::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(m) = members.get(i) else { break };
                while i >= limit.load(Ordering::SeqCst) {
                    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                }
                let from = format!("10.0.{}.{}", i / 200, i % 200 + 1);
                // A request is sent again while the server cannot be reached.
                let call = |method: reqwest::Method, path: &str, token: Option<&str>, body: Body| {
                    let (http, url, from, path) = (http.clone(), format!("{base}{path}"), from.clone(), path.to_string());
                    let token = token.map(str::to_string);
                    async move {
                        for _ in 0..400 {
                            let mut req = http.request(method.clone(), &url).header("x-forwarded-for", &from);
                            if let Some(t) = &token {
                                req = req.bearer_auth(t);
                            }
                            req = match &body {
                                Body::Json(v) => req.json(v),
                                Body::Pdf(b) => req.header("content-type", "application/pdf").body(b.clone()),
                                Body::Submit(key) => req.header("idempotency-key", key.as_str()).json(&json!({})),
                            };
                            match req.send().await {
                                Ok(res) => {
                                    let status = res.status();
                                    let text = res.text().await.unwrap_or_default();
                                    assert!(status.is_success(), "{path}: {status} {text}");
                                    return serde_json::from_str::<Value>(&text).unwrap_or(Value::Null);
                                }
                                Err(_) => tokio::time::sleep(std::time::Duration::from_millis(25)).await,
                            }
                        }
                        panic!("{path}: the server did not come back");
                    }
                };
                let identity = json!({ "nik": m.nik.as_str(), "kpj": m.kpj.as_str(), "full_name": m.full_name.as_str(),
                    "birth_date": m.birth_date.to_string() });
                let started = call(reqwest::Method::POST, "/api/v1/claims", None, Body::Json(identity)).await;
                let token = started["claim_token"].as_str().expect("a claim token").to_string();
                let t = Some(token.as_str());
                call(reqwest::Method::PUT, "/api/v1/claim/cause", t, Body::Json(json!({ "cause": "total_permanent_disability" }))).await;
                let payment = json!({ "bank_code": "014", "account_number": "1234567890", "account_holder": m.full_name.as_str(),
                    "email": "peserta@example.com", "whatsapp": "081234567890", "branch": "KC001" });
                call(reqwest::Method::PUT, "/api/v1/claim/payment", t, Body::Json(payment)).await;
                for kind in &kinds {
                    let pdf = format!("%PDF-1.4\n% {kind} {}\n1 0 obj << >> endobj\ntrailer\n%%EOF\n", m.kpj.as_str());
                    call(reqwest::Method::POST, &format!("/api/v1/claim/documents/{kind}"), t, Body::Pdf(pdf.into_bytes())).await;
                }
                let submitted =
                    call(reqwest::Method::POST, "/api/v1/claim/submit", t, Body::Submit(m.kpj.as_str().to_string())).await;
                let number = submitted["claim_number"].as_str().expect("a claim number").to_string();
                acknowledged.lock().unwrap().push((number, m.birth_date.to_string()));
            }
        });
    }

    // Two crashes, each once more claims were acknowledged; after each, every claim
    // acknowledged before it is there.
    let http = reqwest::Client::new();
    for after in [8, 20] {
        while acknowledged.lock().unwrap().len() < after {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        server.kill();
        let before: Vec<(String, String)> = acknowledged.lock().unwrap().clone();
        assert!(before.len() < 40, "killed before the end");
        server = Server::start_with(&env, Some(server.addr), &["--trusted-proxies", "127.0.0.1"]).await;
        for (number, birth) in &before {
            let res = http
                .post(server.url("/api/v1/track"))
                .header("x-forwarded-for", "10.9.9.9")
                .json(&json!({ "claim_number": number, "birth_date": birth }))
                .send()
                .await
                .unwrap();
            assert!(res.status().is_success(), "acknowledged claim {number} after the crash: {}", res.status());
        }
    }
    started_before_crash.store(members_total, Ordering::SeqCst);
    while let Some(done) = clients.join_next().await {
        done.unwrap();
    }
    let numbers: std::collections::HashSet<String> =
        acknowledged.lock().unwrap().iter().map(|(n, _)| n.clone()).collect();
    assert_eq!(numbers.len(), 40, "one claim number per member");
    assert_eq!(count(&env.url, "SELECT COUNT(*) FROM claims").await, 40, "one claim per member");
    assert_eq!(count(&env.url, "SELECT COUNT(*) FROM claims WHERE state IN ('submitted', 'scheduled')").await, 40);
    assert_eq!(count(&env.url, "SELECT COUNT(*) FROM documents").await, 40 * kinds.len() as i64, "every document once");
    if !env.url.starts_with("postgres") {
        use sqlx::Connection;
        let mut c = sqlx::SqliteConnection::connect(&env.url).await.unwrap();
        let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&mut c).await.unwrap();
        assert_eq!(check, "ok");
    }
    assert!(server.terminate().success());

    // A crash between writing a page's file and its record leaves the file behind; the
    // sweep (here without its hour of grace) leaves one file per page.
    let keys = Arc::new(lapak_storage::KeyRing::load(&env.data().join("keys.json")).unwrap());
    let store = lapak_storage::open(&env.url, keys.clone()).await.unwrap();
    let documents = lapak_storage::DocumentStore::local(&env.data().join("documents"), keys).unwrap();
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1);
    lapak_workers::documents::sweep(store.as_ref(), &documents, later).await.unwrap();
    fn files(dir: &Path) -> usize {
        let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
        entries.map(|e| if e.path().is_dir() { files(&e.path()) } else { 1 }).sum()
    }
    assert_eq!(files(&env.data().join("documents").join("claims")), 40 * kinds.len(), "one file per page");
}

enum Body {
    Json(serde_json::Value),
    Pdf(Vec<u8>),
    Submit(String),
}

/// A backup made while Lapak serves holds the claim and documents acknowledged before it,
/// sealed (the NIK, phone and e-mail appear nowhere in it), and comes back in an empty data
/// folder given the same key file: the claim is tracked and every document opens. Another
/// key file, a data folder that has a database, and a folder that is no finished backup are
/// refused. On PostgreSQL the database is left to pg_dump, as `backup` says, and
/// `--documents-only` copies the documents.
#[tokio::test]
async fn a_backup_made_while_serving_is_restored_into_an_empty_data_folder() {
    use serde_json::Value;
    let env = Env::with_siti().await;
    let server = Server::start(&env).await;
    let siti = SitiClaim::start(&server).await;
    siti.answer(&server).await;
    for kind in siti.claim(&server).await["missing_documents"].as_array().expect("the documents asked for") {
        let res = siti.upload(&server, kind.as_str().unwrap()).send().await.unwrap();
        assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    }
    let res = siti.submit(&server, "backup-1").send().await.unwrap();
    assert!(res.status().is_success(), "{}", res.text().await.unwrap());
    let number = res.json::<Value>().await.unwrap()["claim_number"].as_str().unwrap().to_string();
    let documents = files_under(&env.data().join("documents"));
    assert!(documents.len() >= 2, "{documents:?}");

    let dest = env.dir.path().join("cadangan");
    let dest_arg = dest.display().to_string();
    // What an earlier backup into the folder holds and Lapak has since deleted (a claim past
    // retention), and a copy cut short: neither stays.
    std::fs::create_dir_all(dest.join("documents/klaim-lama")).unwrap();
    std::fs::write(dest.join("documents/klaim-lama/halaman"), "tersegel").unwrap();
    std::fs::write(dest.join("documents/setengah.partial-copy"), "tersegel").unwrap();
    if lapak_storage::sqlite_file(&env.url).is_none() {
        let refused = env.run(&["backup", &dest_arg]);
        assert!(!refused.status.success());
        assert!(String::from_utf8_lossy(&refused.stderr).contains("pg_dump"), "{refused:?}");
        let out = env.run(&["backup", "--documents-only", &dest_arg]);
        assert!(out.status.success(), "{out:?}");
        assert_eq!(files_under(&dest.join("documents")), documents);
        return;
    }
    // While the server runs.
    let out = env.run(&["backup", &dest_arg]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("backup complete") && stdout(&out).contains("keys.json"), "{}", stdout(&out));
    assert!(stdout(&out).contains("2 dibuang karena sudah dihapus Lapak"), "{}", stdout(&out));
    assert_eq!(files_under(&dest.join("documents")), documents);
    for file in files_under(&dest) {
        let bytes = std::fs::read(dest.join(&file)).unwrap();
        for secret in ["3273015505900002", "081234567890", "siti@example.id"] {
            assert!(!bytes.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} in the clear in {file}");
        }
    }
    assert!(!dest.join("keys.json").exists(), "the key file is never in a backup");
    drop(server);

    // An empty data folder with the key file the backup was made with.
    let restored = env.dir.path().join("pulih");
    std::fs::create_dir_all(&restored).unwrap();
    std::fs::copy(env.data().join("keys.json"), restored.join("keys.json")).unwrap();
    let url = format!("sqlite://{}", restored.join("lapak.db").display());
    let out = lapak(&restored, &url, &["restore", &dest_arg]);
    assert!(out.status.success(), "{out:?}");
    assert!(stdout(&out).contains("1 klaim/claims"), "{}", stdout(&out));
    let again = lapak(&restored, &url, &["restore", &dest_arg]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("already exists"), "{again:?}");
    let server = Server::start_in(&restored, &url, None, &[]).await;
    let tracked = siti.track(&server, &number).await;
    assert!(matches!(tracked["state"].as_str(), Some("submitted" | "scheduled")), "{tracked}");
    let keys = std::sync::Arc::new(lapak_storage::KeyRing::load(&restored.join("keys.json")).unwrap());
    let folder = lapak_storage::DocumentStore::local(&restored.join("documents"), keys).unwrap();
    for file in &documents {
        let opened = folder.get(file).await.unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(opened.starts_with(b"%PDF-1.4"), "{file}");
    }

    // Another key file; a folder that is no finished backup.
    let other = env.dir.path().join("lain");
    std::fs::create_dir_all(&other).unwrap();
    lapak_storage::KeyRing::load_or_create(&other.join("keys.json")).unwrap();
    let other_url = format!("sqlite://{}", other.join("lapak.db").display());
    let refused = lapak(&other, &other_url, &["restore", &dest_arg]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not the one the backup was made with"), "{refused:?}");
    std::fs::remove_file(dest.join("lapak-backup.json")).unwrap();
    let refused = lapak(&other, &other_url, &["restore", &dest_arg]);
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not a finished Lapak backup"), "{refused:?}");
    assert!(!other.join("lapak.db").exists(), "nothing restored");
}

/// The files under `root`, as paths relative to it, sorted.
fn files_under(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).into_iter().flatten().flatten() {
            if entry.file_type().unwrap().is_dir() {
                folders.push(entry.path());
            } else {
                found.push(entry.path().strip_prefix(root).unwrap().display().to_string());
            }
        }
    }
    found.sort();
    found
}

/// The systemd units in `deploy/` start commands this `lapak` takes, with settings it knows:
/// each `ExecStart` parses as `lapak`'s own command line, and each `LAPAK_*` variable an
/// `Environment=` line sets is one of its settings. (That the units are well-formed systemd
/// files is `systemd-analyze verify`'s to say; the README's install steps run it.)
#[test]
fn the_systemd_units_in_deploy_start_commands_lapak_takes() {
    use clap::{CommandFactory, Parser};
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy");
    let cli = lapak_cli::Cli::command();
    let known: Vec<String> = cli
        .get_arguments()
        .chain(cli.get_subcommands().flat_map(|c| c.get_arguments()))
        .filter_map(|a| a.get_env())
        .map(|e| e.to_string_lossy().into_owned())
        .collect();
    let mut units = 0;
    for entry in std::fs::read_dir(&deploy).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "service") {
            continue;
        }
        units += 1;
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        let exec =
            text.lines().find_map(|l| l.strip_prefix("ExecStart=")).unwrap_or_else(|| panic!("{name}: no ExecStart"));
        let args: Vec<&str> = exec.split_whitespace().collect();
        assert!(args[0].ends_with("/lapak"), "{name}: {exec}");
        if let Err(e) = lapak_cli::Cli::try_parse_from(&args) {
            panic!("{name}: lapak does not take `{exec}`:\n{e}");
        }
        for line in text.lines().filter_map(|l| l.strip_prefix("Environment=")) {
            let variable = line.split('=').next().unwrap();
            assert!(known.iter().any(|k| k == variable), "{name}: lapak has no setting {variable}");
        }
    }
    assert_eq!(units, 2, "lapak.service and lapak-backup.service");
}

/// nginx run with the site file `deploy/nginx.conf` as it is, only its addresses and
/// certificate put in the test's place; it ends with the value.
struct Nginx {
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl Nginx {
    /// In front of the Lapak at `upstream`: TLS on `tls` with `cert`/`key`, plain HTTP on `plain`.
    fn start(nginx: &Path, upstream: std::net::SocketAddr, tls: u16, plain: u16, cert: &Path, key: &Path) -> Nginx {
        let dir = tempfile::tempdir().unwrap();
        let site =
            std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/nginx.conf")).unwrap();
        let mut site = site;
        for (from, to) in [
            ("listen 443 ssl http2;".to_string(), format!("listen 127.0.0.1:{tls} ssl http2;")),
            ("listen 80;".to_string(), format!("listen 127.0.0.1:{plain};")),
            ("/etc/ssl/lapak/fullchain.pem".to_string(), cert.display().to_string()),
            ("/etc/ssl/lapak/privkey.pem".to_string(), key.display().to_string()),
            ("proxy_pass http://127.0.0.1:8080;".to_string(), format!("proxy_pass http://{upstream};")),
        ] {
            assert_eq!(site.matches(&from).count(), 1, "deploy/nginx.conf has `{from}` once");
            site = site.replace(&from, &to);
        }
        std::fs::write(dir.path().join("lapak.conf"), site).unwrap();
        // What the distribution's nginx.conf around a site file gives, in the test's folder.
        // One process (no master and workers), so that killing it leaves nothing running; it
        // writes large bodies to the temporary folder as the test's user.
        let d = dir.path().display();
        let main = format!(
            "daemon off;\nmaster_process off;\npid {d}/nginx.pid;\nevents {{ worker_connections 64; }}\n\
             http {{\n  access_log off;\n  client_body_temp_path {d}/body;\n  proxy_temp_path {d}/proxy;\n  \
             fastcgi_temp_path {d}/fastcgi;\n  uwsgi_temp_path {d}/uwsgi;\n  scgi_temp_path {d}/scgi;\n  \
             include {d}/lapak.conf;\n}}\n"
        );
        std::fs::write(dir.path().join("nginx.conf"), main).unwrap();
        let args = |extra: &[&str]| {
            let mut a = vec![
                "-p".to_string(),
                d.to_string(),
                "-c".into(),
                format!("{d}/nginx.conf"),
                "-e".into(),
                "stderr".into(),
            ];
            a.extend(extra.iter().map(|s| s.to_string()));
            a
        };
        let checked = Command::new(nginx).args(args(&["-t"])).output().unwrap();
        assert!(checked.status.success(), "nginx -t: {}", String::from_utf8_lossy(&checked.stderr));
        let log = std::fs::File::create(dir.path().join("error.log")).unwrap();
        let child = Command::new(nginx).args(args(&[])).stdin(Stdio::null()).stderr(log).spawn().unwrap();
        let mut front = Nginx { child, dir };
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", tls)).is_ok() {
                return front;
            }
            if front.child.try_wait().unwrap().is_some() {
                panic!("nginx ended: {}", front.log());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!("nginx did not listen within 10 s: {}", front.log());
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("error.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A self-signed certificate for `lapak.example` made with openssl: `(certificate, key)`.
fn certificate(openssl: &Path, dir: &Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let config = dir.join("openssl.cnf");
    std::fs::write(
        &config,
        "[req]\ndistinguished_name = dn\nx509_extensions = ext\nprompt = no\n[dn]\nCN = lapak.example\n\
         [ext]\nsubjectAltName = DNS:lapak.example\nbasicConstraints = critical,CA:FALSE\n\
         keyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n",
    )
    .unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let out = Command::new(openssl)
        .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2"])
        .arg("-config")
        .arg(&config)
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(out.status.success(), "openssl: {}", String::from_utf8_lossy(&out.stderr));
    (cert, key)
}

/// `deploy/nginx.conf` in front of a real `lapak serve`, set up as the README says
/// (`--public-url https://…`, `--trusted-proxies 127.0.0.1`). Over TLS Siti files her
/// claim and tracks it; a 20 MB photo passes nginx and gets Lapak's own error at its field
/// (nginx's default limit would answer with a bare 413 page); every answer carries HSTS and
/// the resume cookie is `Secure`; `/metrics` is not served to the public; plain HTTP is sent
/// to HTTPS; and each participant behind nginx has a guessing limit of their own.
#[tokio::test]
async fn the_nginx_front_in_deploy_serves_claims_over_tls() {
    let test = "the nginx front test";
    let (Some(nginx), Some(openssl)) = (lapak_tests::program("nginx", test), lapak_tests::program("openssl", test))
    else {
        return;
    };
    let env = Env::with_siti().await;
    let (cert, key) = certificate(&openssl, env.dir.path());
    // nginx's two ports, held until Lapak has one of its own.
    let held = [(); 2].map(|()| std::net::TcpListener::bind("127.0.0.1:0").unwrap());
    let [tls, plain] = held.each_ref().map(|l| l.local_addr().unwrap().port());
    let public = format!("https://lapak.example:{tls}");
    let lapak = Server::start_with(&env, None, &["--public-url", &public, "--trusted-proxies", "127.0.0.1"]).await;
    drop(held);
    let _front = Nginx::start(&nginx, lapak.addr, tls, plain, &cert, &key);
    // A participant at 127.0.0.2 (the loopback answers on all of 127/8), nginx at 127.0.0.1.
    let participant = |address: [u8; 4]| {
        reqwest::Client::builder()
            .add_root_certificate(reqwest::Certificate::from_pem(&std::fs::read(&cert).unwrap()).unwrap())
            .resolve("lapak.example", ([127, 0, 0, 1], tls).into())
            .local_address(std::net::IpAddr::from(address))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
    };
    let http = participant([127, 0, 0, 2]);

    let home = http.get(format!("{public}/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    assert_eq!(home.headers()["strict-transport-security"], "max-age=31536000");
    let metrics = http.get(format!("{public}/metrics")).send().await.unwrap();
    assert_eq!(metrics.status(), 404, "nginx keeps /metrics from the public");
    assert_eq!(reqwest::get(lapak.url("/metrics")).await.unwrap().status(), 200, "Lapak itself serves it");
    let redirected = http.get(format!("http://127.0.0.1:{plain}/lacak")).header("host", "lapak.example").send().await;
    let redirected = redirected.unwrap();
    assert_eq!(redirected.status(), 301);
    assert_eq!(redirected.headers()["location"], "https://lapak.example/lacak");

    // The participant's pages: the claim's first step sets the resume cookie, Secure.
    // A form's origin, as the browser sends it, is Lapak's public address: accepted.
    let form = [
        ("nik", "3273015505900002"),
        ("kpj", "12345678901"),
        ("full_name", "Siti Aminah"),
        ("birth_date", "1990-05-15"),
    ];
    let started =
        http.post(format!("{public}/klaim/identitas")).header("origin", &public).form(&form).send().await.unwrap();
    assert_eq!(started.status(), 303);
    let cookie = started.headers().get("set-cookie").map(|c| c.to_str().unwrap().to_string());
    assert!(cookie.as_deref().is_some_and(|c| c.contains("; Secure")), "{cookie:?}");

    // The app's journey through the front, with a 20 MB photo first.
    let siti = SitiClaim::start_with(http.clone(), &public).await;
    siti.answer(&public).await;
    let photo = vec![0xffu8; 20 << 20];
    let res =
        siti.http.post(public.url("/api/v1/claim/documents/photo")).header("authorization", &siti.token).body(photo);
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), 422, "Lapak's answer, not nginx's 413");
    let error: serde_json::Value = res.json().await.unwrap();
    assert_eq!((error["field"].as_str(), error["errors"][0]["code"].as_str()), (Some("file"), Some("file-too-large")));
    for kind in siti.claim(&public).await["missing_documents"].as_array().expect("the documents asked for") {
        let res = siti.upload(&public, kind.as_str().unwrap()).send().await.unwrap();
        assert_eq!(res.status(), 201, "{kind}");
    }
    let submitted: serde_json::Value = siti.submit(&public, "nginx-1").send().await.unwrap().json().await.unwrap();
    let number = submitted["claim_number"].as_str().expect("a claim number").to_string();
    assert!(siti.track(&public, &number).await["state"].is_string(), "tracked through the front");

    // Guessing from 127.0.0.2 until refused (120 a minute per client) does not hold back
    // 127.0.0.3: Lapak sees each participant's address, as nginx passes it on.
    let guess = |http: reqwest::Client, i: u64| async move {
        let number = lapak_domain::claim_number::ClaimNumber::from_random(10_000 + i);
        let body = serde_json::json!({ "claim_number": number.as_str(), "birth_date": "1990-05-15" });
        http.post(format!("https://lapak.example:{tls}/api/v1/track")).json(&body).send().await.unwrap().status()
    };
    let mut refused = None;
    for i in 0..200 {
        if guess(http.clone(), i).await == 429 {
            refused = Some(i);
            break;
        }
    }
    assert!(refused.is_some_and(|i| i >= 100), "{refused:?}: the guesses of 127.0.0.2 are limited");
    assert_eq!(guess(participant([127, 0, 0, 3]), 500).await, 404, "127.0.0.3 has a limit of its own");
}
