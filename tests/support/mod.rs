//! Shared helpers for the integration tests.
//!
//! Every test gets a fresh database. By default that is a SQLite file in a temporary
//! folder; with `LAPAK_TEST_DATABASE_URL=postgres://…` it is a new PostgreSQL database
//! created for the test, so the same suite runs against both engines. An unreachable
//! PostgreSQL fails the test: it never falls back silently. A test database is named after
//! the test process; the first test of a process drops those of processes that have ended.

pub mod relay;
pub mod smtp;
pub mod web;
pub mod webdriver;

use jiff::civil::{date, Date};
use lapak_domain::member::{Branch, BranchCode, BranchKind, Company, CompanyScale, Member, Name, ServiceMode};
use lapak_domain::{Email, Kpj, MobileNumber, Nik, Npp, Rupiah};
use lapak_storage::{Engine, KeyRing, Store};
use rand::Rng;
use std::path::PathBuf;
use std::sync::Arc;

pub struct TestStore {
    pub store: Arc<dyn Store>,
    pub keys: Arc<KeyRing>,
    pub url: String,
    /// The SQLite file, when the engine is SQLite.
    pub sqlite_path: Option<PathBuf>,
    pub dir: tempfile::TempDir,
}

/// The PostgreSQL server the suite runs against, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("LAPAK_TEST_DATABASE_URL").ok().filter(|u| !u.is_empty())
}

/// A PostgreSQL server for the tests that need one whatever the engine of the suite:
/// `LAPAK_TEST_DATABASE_URL`, or `LAPAK_TEST_POSTGRES_URL` (CI sets it for both passes).
/// Without one such a test says loudly that it did not run, and fails under `CI`.
pub fn postgres_server(test: &str) -> Option<String> {
    let url = postgres_url().or_else(|| std::env::var("LAPAK_TEST_POSTGRES_URL").ok().filter(|u| !u.is_empty()));
    if url.is_none() {
        not_run(&format!("{test} needs PostgreSQL"), "set LAPAK_TEST_POSTGRES_URL or LAPAK_TEST_DATABASE_URL");
    }
    url
}

/// Schemathesis's command (`st`) for the API's schema-driven test: `LAPAK_SCHEMATHESIS`
/// (`.ci/run` installs it in a virtual environment of its own and sets it), else `st` on
/// the PATH. Without it the test says loudly that it did not run, and fails under `CI`.
pub fn schemathesis() -> Option<std::path::PathBuf> {
    let named = std::env::var_os("LAPAK_SCHEMATHESIS").map(std::path::PathBuf::from);
    let found = named
        .or_else(|| std::env::split_paths(&std::env::var_os("PATH")?).map(|dir| dir.join("st")).find(|p| p.is_file()));
    if found.is_none() {
        not_run(
            "the API's schema-driven test needs Schemathesis",
            "pip install schemathesis==4.32.5, or set LAPAK_SCHEMATHESIS",
        );
    }
    found
}

/// A program from outside Rust that a test drives (nginx, openssl): on the `PATH` or in the
/// system's `sbin` folders, where Debian puts nginx. Without it the test says loudly that
/// it did not run, and fails under `CI` (`.ci/run` installs it).
pub fn program(name: &str, test: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs = std::env::split_paths(&path).chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from));
    let found = dirs.map(|dir| dir.join(name)).find(|p| p.is_file());
    if found.is_none() {
        not_run(&format!("{test} needs {name}"), &format!("apt-get install {name}"));
    }
    found
}

/// A test that cannot run here for want of `what` (and `how` to get it): it says so loudly,
/// or fails under `CI` (set by `.ci/run`, which installs everything the suite needs).
pub fn not_run(what: &str, how: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what}: {how}");
    }
    eprintln!("\n*** NOT RUN: {what} ({how}) ***\n");
}

/// A URL for a brand-new, empty database on the configured engine.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    match postgres_url() {
        Some(admin) => fresh_postgres_database(&admin).await,
        None => format!("sqlite://{}", dir.join("lapak.db").display()),
    }
}

/// A brand-new, empty database on the PostgreSQL server `admin` names.
pub async fn fresh_postgres_database(admin: &str) -> String {
    let name = format!("lapak_test_{}_{:08x}", std::process::id(), rand::thread_rng().gen::<u32>());
    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(admin)
        .await
        .unwrap_or_else(|e| panic!("a PostgreSQL server is named but unreachable: {e}"));
    static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if !SWEPT.swap(true, std::sync::atomic::Ordering::SeqCst) {
        drop_ended_databases(&mut conn).await;
    }
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
    lapak_storage::postgres_url_for_database(admin, &name)
}

/// Drops the test databases of test processes that are no longer running (and those named
/// before names carried the process). One still in use refuses to go; that is left alone.
async fn drop_ended_databases(conn: &mut sqlx::PgConnection) {
    let names: Vec<String> = sqlx::query_scalar("SELECT datname FROM pg_database WHERE datname LIKE 'lapak_test_%'")
        .fetch_all(&mut *conn)
        .await
        .expect("list test databases");
    for name in names {
        let running = match name.trim_start_matches("lapak_test_").split_once('_') {
            Some((pid, _)) => std::path::Path::new("/proc").join(pid).exists(),
            None => false,
        };
        if !running {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}")).execute(&mut *conn).await;
        }
    }
}

pub async fn test_store() -> TestStore {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = fresh_database_url(dir.path()).await;
    let keys = Arc::new(KeyRing::generate());
    let store = lapak_storage::open(&url, keys.clone()).await.expect("open store");
    let sqlite_path = (store.engine() == Engine::Sqlite).then(|| dir.path().join("lapak.db"));
    TestStore { store, keys, url, sqlite_path, dir }
}

pub fn branch(code: &str) -> Branch {
    Branch {
        code: BranchCode::parse(code).unwrap(),
        name: Name::parse(&format!("Kantor Cabang {code}")).unwrap(),
        kind: BranchKind::Kc,
        province_code: "31".into(),
        time_zone: "Asia/Jakarta".into(),
        mode: ServiceMode::OneToMany,
        booths: 5,
        room_capacity: 20,
    }
}

pub fn company(npp: &str, branch_code: &str) -> Company {
    Company {
        npp: Npp::parse(npp).unwrap(),
        name: Name::parse("PT Maju Bersama").unwrap(),
        scale: CompanyScale::Large,
        workforce: 1200,
        branch_code: BranchCode::parse(branch_code).unwrap(),
    }
}

pub const NIK_SITI: &str = "3273015505900002";
pub const PHONE_SITI: &str = "+6281234567890";

/// A consistent member: `nik` must encode `birth`.
pub fn member(nik: &str, kpj: &str, birth: Date, npp: Option<&str>) -> Member {
    let nik = Nik::parse(nik).unwrap();
    Member {
        sex: nik.sex(),
        nik,
        kpj: Kpj::parse(kpj).unwrap(),
        full_name: Name::parse("Siti Aminah").unwrap(),
        birth_date: birth,
        mother_maiden_name: Name::parse("Ratna Sari").unwrap(),
        npp: npp.map(|n| Npp::parse(n).unwrap()),
        membership_start: date(2012, 1, 2),
        stopped_working_on: Some(date(2026, 9, 30)),
        jht_balance: Rupiah::new(35_750_000).unwrap(),
        email: Some(Email::parse("siti.aminah@example.id").unwrap()),
        phone: Some(MobileNumber::parse(PHONE_SITI).unwrap()),
    }
}

pub fn siti(npp: Option<&str>) -> Member {
    member(NIK_SITI, "12345678901", date(1990, 5, 15), npp)
}

/// Registry with one branch, one company and Siti.
pub async fn seeded() -> TestStore {
    let t = test_store().await;
    t.store.upsert_branches(&[branch("KC001")]).await.unwrap();
    t.store.upsert_companies(&[company("15070955", "KC001")]).await.unwrap();
    t.store.upsert_members(&[siti(Some("15070955"))]).await.unwrap();
    t
}

/// A draft claim `id` of Siti's (as [`seeded`] registers her), its resume hash made of its id.
pub fn new_claim(id: &str) -> lapak_storage::NewClaim {
    lapak_storage::NewClaim {
        id: id.into(),
        kpj: Kpj::parse("12345678901").unwrap(),
        created_at: jiff::Timestamp::now(),
        resume_token_hash: id.as_bytes().to_vec(),
    }
}

/// A draft `claim` of Siti's (as [`new_claim`]) with one page stored in `docs` and
/// recorded, as an upload leaves them: the page's record.
pub async fn draft_with_page(
    t: &TestStore,
    docs: &lapak_storage::DocumentStore,
    claim: &str,
) -> lapak_storage::DocumentMeta {
    t.store.create_claim(&new_claim(claim), None).await.unwrap();
    let page = lapak_storage::DocumentMeta {
        id: "d-1".into(),
        claim_id: claim.into(),
        kind: lapak_domain::documents::DocumentKind::Ektp,
        object_key: format!("claims/{claim}/d-1.pdf"),
        content_type: "application/pdf".into(),
        size_bytes: 8,
        sha256: vec![1; 32],
        created_at: jiff::Timestamp::now(),
    };
    docs.put(&page.object_key, b"%PDF-1.4").await.unwrap();
    t.store.add_document(&page).await.unwrap();
    page
}

/// Lapak's web service on a loopback port over `t`'s store and a document folder in its
/// temporary directory, until the test ends.
pub async fn serve(t: &TestStore) -> std::net::SocketAddr {
    serve_with(t, lapak_web::Limits::default()).await
}

/// The same with other limits and settings.
pub async fn serve_with(t: &TestStore, limits: lapak_web::Limits) -> std::net::SocketAddr {
    serve_another(t, t.store.clone(), limits).await
}

/// A web service of its own over `store` (as another Lapak process on `t`'s database would
/// run: its own connections, its own limits in memory) and `t`'s document folder.
pub async fn serve_another(t: &TestStore, store: Arc<dyn Store>, limits: lapak_web::Limits) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let documents = lapak_storage::DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let app = lapak_web::router(store, documents, &limits);
    tokio::spawn(lapak_web::serve(listener, app, std::future::pending()));
    addr
}

/// Waits, when needed, until at least ten seconds of the current guess window remain
/// (windows are fixed, aligned to the minute), so that a test's failed guesses at "now" all
/// fall in one window.
pub async fn early_in_a_guess_window() {
    let window = lapak_storage::GUESS_WINDOW.as_micros() as i64;
    let left = |now: jiff::Timestamp| window - now.as_microsecond().rem_euclid(window);
    while left(jiff::Timestamp::now()) < 10_000_000 {
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

/// Makes a device a walk-in kiosk of `branch` as a branch admin would (the staff page's
/// path is tested in `staff.rs`): the `Cookie` header value such a device sends.
pub async fn kiosk_cookie(t: &TestStore, branch: &str) -> String {
    let secret = lapak_claims::walk_in::enrol_kiosk(t.store.as_ref(), branch, "Kios uji", "test").await.unwrap();
    format!("lapak_kios={secret}")
}

/// A client that sends `cookie` with every request, as a kiosk's browser does.
pub fn kiosk_client(cookie: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(reqwest::header::COOKIE, cookie.parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

/// Siti's claim at KC001 with one document, submitted and scheduled in a One to Many
/// session; another branch KC002. Returns the session.
pub async fn scheduled_claim(t: &TestStore) -> String {
    scheduled_claims(t, 1).await.0
}

/// `n` claims (Siti's first, id `c-officer`, then other members') in one six-booth One to
/// Many session at KC001. Returns the session and the claim ids by seat.
pub async fn scheduled_claims(t: &TestStore, n: usize) -> (String, Vec<String>) {
    use jiff::Timestamp;
    use lapak_domain::lifecycle::{Action, Actor, Lifecycle, Role};
    use lapak_domain::schedule::{Capacity, Mode, ModeSetting, OfficerHours};
    t.store.upsert_branches(&[branch("KC002")]).await.unwrap();
    t.store
        .set_capacity(&Capacity {
            branch: "KC001".into(),
            time_zone: "Asia/Jakarta".into(),
            modes: vec![ModeSetting { mode: Mode::OneToMany, slot_minutes: 30, seats: 6 }],
            officers: vec![OfficerHours {
                id: "m1".into(),
                name: "Petugas 1".into(),
                mode: Mode::OneToMany,
                weekdays: vec![1, 2, 3, 4, 5, 6, 7],
                start: "08:00".into(),
                end: "16:00".into(),
                absent: vec![],
            }],
            room_capacity: 20,
            closed: vec![],
        })
        .await
        .unwrap();
    let mut members = vec![siti(Some("15070955"))];
    for k in 2..=n {
        // Men born 15 May 1990 in Bandung: serials 0002, 0003, …
        let nik = format!("32730115059{:05}", k);
        let mut m = member(&nik, &format!("123456789{:02}", k), jiff::civil::date(1990, 5, 15), Some("15070955"));
        m.full_name = lapak_domain::member::Name::parse(&format!("Peserta Ke {k}")).unwrap();
        members.push(m);
    }
    t.store.upsert_members(&members).await.unwrap();
    let mut ids = Vec::new();
    for (k, m) in members.iter().enumerate() {
        let claim_id = if k == 0 { "c-officer".to_string() } else { format!("c-officer-{}", k + 1) };
        let claim_id = claim_id.as_str();
        ids.push(claim_id.to_string());
        t.store
            .create_claim(&lapak_storage::NewClaim { kpj: m.kpj.clone(), ..new_claim(claim_id) }, None)
            .await
            .unwrap();
        let docs = lapak_storage::DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
        let pdf = b"%PDF-1.4 surat keterangan PHK".to_vec();
        let kinds = [
            lapak_domain::documents::DocumentKind::ProofOfStoppingWork,
            lapak_domain::documents::DocumentKind::KpjCard,
            lapak_domain::documents::DocumentKind::Ektp,
            lapak_domain::documents::DocumentKind::FamilyCard,
            lapak_domain::documents::DocumentKind::Passbook,
            lapak_domain::documents::DocumentKind::Photo,
        ];
        for (n, kind) in kinds.into_iter().enumerate() {
            let id = if k == 0 { format!("d-{}", n + 1) } else { format!("{claim_id}-d-{}", n + 1) };
            let key = format!("claims/{claim_id}/{id}");
            docs.put(&key, &pdf).await.unwrap();
            t.store
                .add_document(&lapak_storage::DocumentMeta {
                    id,
                    claim_id: claim_id.into(),
                    kind,
                    object_key: key,
                    content_type: "application/pdf".into(),
                    size_bytes: pdf.len() as i64,
                    sha256: vec![0; 32],
                    created_at: Timestamp::now(),
                })
                .await
                .unwrap();
        }
        let application = lapak_domain::application::Application {
            cause: Some(lapak_domain::cause::ClaimCause::Layoff),
            branch: Some(lapak_domain::member::BranchCode::parse("KC001").unwrap()),
            service: Some(Mode::OneToMany),
            last_working_day: Some(jiff::civil::date(2026, 9, 30)),
            bank_account: Some(lapak_domain::BankAccount::parse("014", "1234567890").unwrap()),
            account_holder: Some(m.full_name.clone()),
            email: Some(lapak_domain::Email::parse("siti.aminah@example.id").unwrap()),
            whatsapp: Some(lapak_domain::MobileNumber::parse("081234567890").unwrap()),
            ..Default::default()
        };
        t.store.save_application(claim_id, &application).await.unwrap();
        t.store
            .submit_claim(&lapak_storage::Submission {
                claim_id: claim_id.into(),
                version: 1,
                application,
                number: lapak_domain::claim_number::ClaimNumber::from_random(99 + k as u64 * 7919),
                event: Lifecycle::default()
                    .check(Action::Submit, &Actor::new(Role::Participant, "p"), Timestamp::now(), None)
                    .unwrap(),
                benefit: lapak_domain::tax::benefit(
                    lapak_domain::cause::ClaimCause::Layoff,
                    lapak_domain::Rupiah::new(35_750_000).unwrap(),
                ),
                outbox: None,
                idempotency: None,
                // Siti files in English; the others in Bahasa Indonesia.
                lang: if k == 0 { "en" } else { "id" }.into(),
            })
            .await
            .unwrap();
    }
    lapak_workers::scheduler::run_once(&t.store, &Default::default(), Timestamp::now()).await.unwrap();
    let session = t.store.appointment("c-officer").await.unwrap().expect("scheduled").session_id;
    for id in &ids {
        assert_eq!(t.store.appointment(id).await.unwrap().unwrap().session_id, session, "one session");
    }
    (session, ids)
}

/// A company's representative `name` who registered with `email` and waits for the branch
/// admin's confirmation (no letters stored, no password to sign in with).
pub async fn pending_representative(t: &TestStore, id: &str, npp: Npp, name: &str, email: &str) {
    t.store
        .create_representative(&lapak_storage::NewRepresentative {
            id: id.into(),
            npp,
            name: name.into(),
            email: email.into(),
            phone: Some("081234567890".into()),
            username: email.into(),
            password_hash: "x".into(),
            attorney_key: "none".into(),
            statement_key: "none".into(),
        })
        .await
        .unwrap();
}

/// A confirmed representative of `npp` (at KC001) made directly in the store, signing in as
/// `username` with `password` (the HTTP path is `tests/collective.rs`' first test's).
pub async fn representative(t: &TestStore, npp: &str, username: &str, password: &str) {
    let hash = lapak_staff::hash_password(password.into()).await.unwrap();
    let id = format!("rep-{npp}");
    t.store
        .create_representative(&lapak_storage::NewRepresentative {
            id: id.clone(),
            npp: lapak_domain::Npp::parse(npp).unwrap(),
            name: "Budi Santoso".into(),
            email: username.into(),
            phone: None,
            username: username.into(),
            password_hash: hash.clone(),
            attorney_key: "none".into(),
            statement_key: "none".into(),
        })
        .await
        .unwrap();
    let account = lapak_storage::NewStaff {
        id: format!("staff-{npp}"),
        username: username.into(),
        display_name: "Budi Santoso".into(),
        role: lapak_domain::staff::StaffRole::Representative,
        branch: Some("KC001".into()),
        password_hash: hash,
    };
    t.store.decide_representative(&id, "test", Some(&account), None).await.unwrap();
}
