//! The collective channel's pages: a company appoints its representative (PIC), branch
//! staff confirm the power of attorney, the PIC files for the laid-off workers batch by
//! batch (template, upload, report, fix, file), the officer decides the batch in its
//! collective session, and each worker follows, objects to or takes over their own claim.
//!
//! The PIC signs in like staff (password and second factor, `/staf/masuk`), so their pages
//! live under `/staf/kolektif` where the staff session cookie is sent.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use lapak_claims::collective::{Exception, RepresentativeInput, StoredProblem};
use lapak_claims::worker_list;
use lapak_claims::ClaimError;
use lapak_domain::collective::Refusal;
use lapak_domain::lifecycle::ClaimState;
use lapak_domain::staff::{StaffAction, StaffRole};
use lapak_domain::Npp;
use lapak_storage::{BatchRecord, RepresentativeRecord, StaffSession};
use serde::Deserialize;

use crate::pages::{LangQuery, PageLang};
use crate::staff::{current, forbidden, guard, guard_at, record, signed_in_form, REASONS};
use crate::{AppState, Lang};

/// Problems listed on the batch page; all of them are in the downloadable report.
const PROBLEMS_SHOWN: usize = 200;
/// Workers listed on the batch page; all of them are in the export.
const WORKERS_SHOWN: usize = 1_000;

/// 1.200, the Indonesian way (and 1,200 in English).
fn thousands(n: u64, lang: Lang) -> String {
    lapak_domain::money::group_digits(n, if lang == Lang::Id { '.' } else { ',' })
}

fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

/// A staff decision that was not saved, as a page saying why.
fn not_decided(state: &AppState, pl: &PageLang, e: &ClaimError) -> Response {
    let status = crate::pages::claim_status(e, StatusCode::CONFLICT);
    crate::staff::not_saved(state, pl.lang, status, message_of(state, pl.lang, e))
}

fn message_of(state: &AppState, lang: Lang, e: &ClaimError) -> String {
    let i = &state.i18n;
    match e {
        ClaimError::Fields(list) => {
            list.iter().map(|f| i.t(lang, &format!("err-{}", f.code))).collect::<Vec<_>>().join(" ")
        }
        ClaimError::List(worker_list::ListError::TooManyRows { limit }) => {
            i.t_args(lang, "err-list-too-many-rows", &[("limit", &thousands(*limit as u64, lang))])
        }
        ClaimError::List(worker_list::ListError::NoHeader { sheets, missing }) => {
            let expected = worker_list::template_header().join(", ");
            let message =
                i.t_args(lang, "err-list-no-header", &[("missing", &missing.join(", ")), ("expected", &expected)]);
            // A workbook's sheets, each searched for the header; a CSV file has none.
            if sheets.is_empty() {
                return message;
            }
            let sheets = i.t_args(lang, "err-list-sheets-read", &[("sheets", &sheets.join(", "))]);
            format!("{message} {sheets}")
        }
        // The page's status (`claim_status`) logs a failure of the store.
        other => i.t(lang, &format!("err-{}", other.code())),
    }
}

// ---------- public: the channel, the template, appointing a representative ----------

#[derive(Template)]
#[template(path = "collective_start.html")]
struct StartPage<'a> {
    lang: Lang,
    state: &'a AppState,
    threshold: u32,
    scale: String,
    window: u32,
}

#[derive(Template)]
#[template(path = "collective_register.html")]
struct RegisterPage<'a> {
    lang: Lang,
    state: &'a AppState,
    errors: Vec<(String, String)>,
    values: HashMap<&'static str, String>,
    done: bool,
}

#[derive(Template)]
#[template(path = "collective_worker.html")]
struct WorkerPage<'a> {
    lang: Lang,
    state: &'a AppState,
    token: String,
    number: String,
    state_text: String,
    open: bool,
    done: String,
}

crate::pages::translated!(StartPage, RegisterPage, WorkerPage);

impl RegisterPage<'_> {
    fn value(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    fn error(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone())
    }
}

pub async fn start(State(state): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let rules = state.claims.collective().rules;
    let page = StartPage {
        lang: pl.lang,
        state: &state,
        threshold: rules.min_percent,
        scale: state.i18n.t(pl.lang, &format!("scale-{}", rules.min_scale.code())),
        window: rules.window_days,
    };
    pl.respond(StatusCode::OK, page)
}

/// The worker-list template: the columns, and one example row showing the formats.
pub async fn template(Path(file): Path<String>) -> Response {
    let header = worker_list::template_header();
    let example: Vec<String> = [
        "3273015505900002",
        "12345678901",
        "Siti Aminah",
        "15/05/1990",
        "30/09/2026",
        "014",
        "1234567890",
        "Siti Aminah",
        "siti.aminah@example.id",
        "0812 3456 7890",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    match file.as_str() {
        "templat.xlsx" => match worker_list::xlsx("Pekerja", &header, &[example]) {
            Ok(bytes) => attachment(bytes, XLSX, "templat-pekerja-kolektif.xlsx"),
            Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        },
        "templat.csv" => attachment(worker_list::csv_bytes(&header, &[example]), CSV, "templat-pekerja-kolektif.csv"),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

fn attachment(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
        .into_response()
}

pub async fn register_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let page = RegisterPage { lang: pl.lang, state: &state, errors: vec![], values: HashMap::new(), done: false };
    pl.respond(StatusCode::OK, page)
}

/// Reads a multipart form: text fields, and files by name (with their file names). Each
/// file is read to its end ([`crate::pages::read_file`]): the name of the first file over
/// `max_file` (or of a part that could not be read) is returned with the rest.
async fn read_multipart(
    mut multipart: Multipart,
    max_file: usize,
) -> (HashMap<String, String>, HashMap<String, (String, Bytes)>, Option<String>) {
    let mut texts = HashMap::new();
    let mut files = HashMap::new();
    let mut too_large = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => {
                let name = field.name().unwrap_or_default().to_string();
                match field.file_name().map(str::to_string) {
                    Some(file_name) => match crate::pages::read_file(&mut field, max_file).await {
                        Some(bytes) => {
                            files.insert(name, (file_name, Bytes::from(bytes)));
                        }
                        None => {
                            too_large.get_or_insert(name);
                        }
                    },
                    None => {
                        let text = field.text().await.unwrap_or_default();
                        texts.insert(name, text.chars().take(1_000).collect());
                    }
                }
            }
            Ok(None) => return (texts, files, too_large),
            Err(_) => return (texts, files, too_large.or(Some(String::new()))),
        }
    }
}

/// The registration form's fields in the order it asks them, with their labels' keys (as
/// `collective_register.html` lays them out).
const REGISTER_FIELDS: [(&str, &str); 8] = [
    ("npp", "field-npp"),
    ("name", "collective-field-pic-name"),
    ("email", "field-email"),
    ("phone", "field-whatsapp"),
    ("password", "staff-password"),
    ("password2", "collective-field-password-again"),
    ("attorney", "collective-field-attorney"),
    ("statement", "collective-field-statement"),
];

pub async fn register(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    multipart: Multipart,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (i, lang) = (&state.i18n, pl.lang);
    let (texts, files, too_large) = read_multipart(multipart, state.claims.max_upload_bytes()).await;
    let text = |k: &str| texts.get(k).cloned().unwrap_or_default();
    let mut values = HashMap::new();
    for k in ["npp", "name", "email", "phone"] {
        values.insert(k, text(k));
    }
    let page = |errors: Vec<(String, String)>, values, done| RegisterPage { lang, state: &state, errors, values, done };
    if let Some(field) = too_large {
        let field = if field == "statement" { field } else { "attorney".to_string() };
        let errors = vec![(field, i.t(lang, "err-file-too-large"))];
        return pl.respond(StatusCode::UNPROCESSABLE_ENTITY, page(errors, values, false));
    }
    let password = text("password");
    let mut errors = Vec::new();
    if !lapak_domain::staff::valid_password(&password) {
        errors.push(("password".to_string(), i.t(lang, "err-staff-password")));
    }
    if password != text("password2") {
        errors.push(("password2".to_string(), i.t(lang, "err-password-repeat")));
    }
    let file = |k: &str| files.get(k).map(|(_, b)| b.to_vec()).unwrap_or_default();
    let input =
        RepresentativeInput { npp: text("npp"), name: text("name"), email: text("email"), phone: text("phone") };
    let hash = if errors.is_empty() {
        match lapak_staff::hash_password(password).await {
            Ok(h) => Some(h),
            Err(_) => {
                let errors = vec![(String::new(), i.t(lang, "err-internal"))];
                return pl.respond(StatusCode::INTERNAL_SERVER_ERROR, page(errors, values, false));
            }
        }
    } else {
        // The rest is still checked, so that every problem shows at once; nothing is kept.
        None
    };
    match state.claims.request_representative(&input, hash, &file("attorney"), &file("statement"), addr.ip()).await {
        Ok(_) => pl.respond(StatusCode::OK, page(vec![], HashMap::new(), true)),
        Err(ClaimError::Fields(list)) => {
            let label =
                |field: &str| REGISTER_FIELDS.iter().find(|(name, _)| *name == field).map(|(_, key)| i.t(lang, key));
            errors.extend(list.iter().map(|f| {
                let message = crate::pages::error_message(i, lang, f.code, label(f.field).as_deref());
                (f.field.to_string(), message)
            }));
            // Listed in the order the form asks.
            errors.sort_by_key(|(field, _)| REGISTER_FIELDS.iter().position(|(name, _)| name == field).unwrap_or(0));
            pl.respond(StatusCode::UNPROCESSABLE_ENTITY, page(errors, values, false))
        }
        Err(e) => {
            let status = match e {
                ClaimError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
                _ => crate::pages::claim_status(&e, StatusCode::UNPROCESSABLE_ENTITY),
            };
            errors.push((String::new(), message_of(&state, lang, &e)));
            pl.respond(status, page(errors, values, false))
        }
    }
}

// ---------- the worker's own link ----------

pub async fn worker(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<WorkerQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    let lang = pl.lang;
    match state.claims.worker_claim(&token).await {
        Ok(claim) => {
            let page = WorkerPage {
                lang,
                state: &state,
                number: claim.number.map(|n| n.to_string()).unwrap_or_default(),
                state_text: state.i18n.t(lang, &format!("state-{}", claim.lifecycle.state.code())),
                open: matches!(claim.lifecycle.state, ClaimState::Submitted | ClaimState::Scheduled),
                done: q.done.map(|d| state.i18n.t(lang, &format!("collective-worker-done-{d}"))).unwrap_or_default(),
                token,
            };
            pl.respond(StatusCode::OK, page)
        }
        Err(e) if e.is_unavailable() => crate::pages::claim_failure(&e, "worker's claim not read"),
        Err(_) => crate::pages::not_found(State(state.clone()), headers).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WorkerQuery {
    lang: Option<String>,
    done: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WorkerForm {
    choice: String,
}

pub async fn worker_choice(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Form(form): Form<WorkerForm>,
) -> Response {
    let take_over = match form.choice.as_str() {
        "object" => false,
        "individual" => true,
        _ => return see_other(&format!("/kolektif/klaim/{token}")),
    };
    match state.claims.withdraw_from_batch(&token, take_over).await {
        Ok(()) if take_over => see_other("/klaim"),
        Ok(()) => see_other(&format!("/kolektif/klaim/{token}?done=object")),
        Err(e) if e.is_unavailable() => crate::pages::claim_failure(&e, "worker not withdrawn"),
        Err(_) => crate::pages::not_found(State(state.clone()), headers).await,
    }
}

// ---------- the representative's pages ----------

/// The signed-in representative and their request (with the company), or where to go.
async fn representative(
    state: &AppState,
    headers: &HeaderMap,
    client: SocketAddr,
) -> Result<(StaffSession, RepresentativeRecord), Response> {
    let (_, session) = current(state, headers, "full").await?;
    let found = match session.staff.role {
        StaffRole::Representative => state.store.representative_by_staff(&session.staff.id).await.ok().flatten(),
        _ => None,
    };
    let npp = found.as_ref().map(|r| r.npp.clone());
    guard_at(
        state,
        &session,
        npp.as_deref(),
        StaffAction::FileCollective,
        npp.as_deref().unwrap_or("-"),
        "collective",
        client,
    )
    .await?;
    found.map(|r| (session, r)).ok_or_else(|| StatusCode::FORBIDDEN.into_response())
}

/// The signed-in representative and a batch of their own company. Another company's batch
/// is refused (403) and the attempt recorded; an unknown one is 404.
async fn own_batch(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
    client: SocketAddr,
) -> Result<(StaffSession, RepresentativeRecord, BatchRecord), Response> {
    let (session, rep) = representative(state, headers, client).await?;
    match state.store.batch(id).await {
        Ok(Some(b)) if b.npp == rep.npp => Ok((session, rep, b)),
        Ok(Some(b)) => Err(guard_at(state, &session, Some(&rep.npp), StaffAction::FileCollective, &b.npp, id, client)
            .await
            .err()
            .unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())),
        _ => Err(StatusCode::NOT_FOUND.into_response()),
    }
}

struct BatchLine {
    id: String,
    created: String,
    status: String,
    workers: String,
}

#[derive(Template)]
#[template(path = "collective_company.html")]
struct CompanyPage<'a> {
    lang: Lang,
    state: &'a AppState,
    csrf: String,
    company: String,
    npp: String,
    scale: String,
    workforce: String,
    batches: Vec<BatchLine>,
}

struct Computation {
    line: String,
    allowed: bool,
    refusal: String,
}

#[derive(Clone)]
struct Version {
    number: i64,
    file: String,
    at: String,
    valid: String,
    total: String,
    rows_valid: i64,
}

struct WorkerLine {
    number: String,
    name: String,
    kpj: String,
    status: String,
    missing: String,
}

#[derive(Template)]
#[template(path = "collective_batch.html")]
struct BatchPage<'a> {
    lang: Lang,
    state: &'a AppState,
    csrf: String,
    id: String,
    company: String,
    notice: String,
    errors: Vec<(String, String)>,
    computation: Option<Computation>,
    letter: bool,
    submitted: bool,
    latest: Option<Version>,
    versions: Vec<Version>,
    problems: Vec<(usize, String, String)>,
    problems_total: usize,
    valid: i64,
    session: String,
    counts: Vec<(String, usize)>,
    workers: Vec<WorkerLine>,
    workers_total: usize,
}

crate::pages::translated!(CompanyPage, BatchPage);

impl BatchPage<'_> {
    /// The error at an upload's field (list, letter, documents), shown beside it too.
    fn error(&self, name: &str) -> Option<String> {
        self.errors.iter().find(|(f, _)| f == name).map(|(_, m)| m.clone())
    }
}

/// A moment in WIB (the zone is written with it).
fn when(lang: Lang, at: jiff::Timestamp) -> String {
    lapak_domain::schedule::format_local(at, "Asia/Jakarta", lang == Lang::Id)
}

pub async fn company(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let (i, lang) = (&state.i18n, pl.lang);
    let (session, rep) = match representative(&state, &headers, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Ok(npp) = Npp::parse(&rep.npp) else { return StatusCode::NOT_FOUND.into_response() };
    let company = match state.store.company(&npp).await {
        Ok(Some(c)) => c,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let batches = state
        .store
        .batches(&npp)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|b| BatchLine {
            created: when(lang, b.created_at),
            status: if b.submitted_version.is_some() {
                i.t(lang, "collective-batch-filed")
            } else {
                i.t(lang, "collective-batch-open")
            },
            workers: thousands(b.workers.max(0) as u64, lang),
            id: b.id,
        })
        .collect();
    let page = CompanyPage {
        lang,
        state: &state,
        csrf: session.csrf.clone(),
        company: company.name.as_str().to_string(),
        npp: company.npp.as_str().to_string(),
        scale: i.t(lang, &format!("scale-{}", company.scale.code())),
        workforce: thousands(u64::from(company.workforce), lang),
        batches,
    };
    pl.respond(StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CsrfForm {
    csrf: String,
    version: i64,
}

pub async fn new_batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let (session, rep) = match representative(&state, &headers, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if form.csrf != session.csrf {
        return forbidden(&state, Lang::Id);
    }
    let Ok(npp) = Npp::parse(&rep.npp) else { return StatusCode::NOT_FOUND.into_response() };
    let id = crate::staff::random_token();
    if let Err(e) = state.store.create_batch(&id, &npp, &session.staff.id).await {
        return crate::pages::storage_failure(&e, "batch not created");
    }
    record(&state, &session, "collective.batch_created", &id, addr).await;
    see_other(&format!("/staf/kolektif/{id}"))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct BatchQuery {
    lang: Option<String>,
    saved: Option<String>,
}

pub async fn batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    Query(q): Query<BatchQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    let (session, rep, b) = match own_batch(&state, &headers, &id, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // The page lists the workers by name: each view is in the audit trail.
    record(&state, &session, "view.batch", &b.id, addr).await;
    let notice =
        q.saved.as_deref().map(|k| state.i18n.t(pl.lang, &format!("collective-saved-{k}"))).unwrap_or_default();
    batch_page(&state, &pl, &session, &rep, &b, notice, vec![], StatusCode::OK).await
}

#[allow(clippy::too_many_arguments)]
async fn batch_page(
    state: &AppState,
    pl: &PageLang,
    session: &StaffSession,
    rep: &RepresentativeRecord,
    b: &BatchRecord,
    notice: String,
    errors: Vec<(String, String)>,
    status: StatusCode,
) -> Response {
    let (i, lang) = (&state.i18n, pl.lang);
    // The list of uploads and the shown one's problems: the sealed rows are not read here.
    let versions: Vec<Version> = state
        .store
        .batch_versions(&b.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|v| Version {
            number: v.version,
            file: v.file_name,
            at: when(lang, v.uploaded_at),
            valid: thousands(v.rows_valid.max(0) as u64, lang),
            total: thousands(v.rows_total.max(0) as u64, lang),
            rows_valid: v.rows_valid,
        })
        .collect();
    let shown = b.submitted_version.or(versions.first().map(|v| v.number));
    let version = versions.iter().find(|v| Some(v.number) == shown).cloned();
    let problems_all: Vec<StoredProblem> = match shown {
        Some(n) => state
            .store
            .batch_problems(&b.id, Some(n))
            .await
            .ok()
            .flatten()
            .and_then(|(_, p)| serde_json::from_str(&p).ok())
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let problems = problems_all
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|p| (p.line, p.column.clone(), i.t(lang, &format!("err-{}", p.code))))
        .collect();
    let valid = if b.submitted_version.is_some() { b.workers } else { version.as_ref().map_or(0, |v| v.rows_valid) };
    let computation = match Npp::parse(&b.npp) {
        Ok(npp) => match state.claims.entitlement(&npp, &b.id, valid.max(0) as u32).await {
            Ok((_, e)) => Some(Computation {
                line: i.t_args(
                    lang,
                    if e.allowed() { "collective-computation-ok" } else { "collective-computation-under" },
                    &[
                        ("laid_off", &thousands(u64::from(e.laid_off), lang)),
                        ("workforce", &thousands(u64::from(e.workforce), lang)),
                        ("percent", &e.percent.to_string()),
                        ("threshold", &e.threshold.to_string()),
                    ],
                ),
                allowed: e.allowed(),
                refusal: match e.refusal {
                    Some(Refusal::Scale) => i.t(lang, "collective-refusal-scale"),
                    Some(Refusal::Share) => i.t(lang, "collective-refusal-share"),
                    Some(Refusal::NoWorkforce) => i.t(lang, "collective-refusal-workforce"),
                    None => String::new(),
                },
            }),
            Err(_) => None,
        },
        Err(_) => None,
    };
    let mut session_text = String::new();
    if let Some(sid) = &b.session_id {
        if let Ok(Some((_, s))) = state.store.session(sid).await {
            let zone = state.store.branch(&rep.branch_code).await.ok().flatten();
            let (tz, place) = zone
                .map_or(("Asia/Jakarta".to_string(), String::new()), |z| (z.time_zone, z.name.as_str().to_string()));
            session_text =
                format!("{} · {place}", lapak_domain::schedule::format_local(s.starts_at, &tz, lang == Lang::Id));
        }
    }
    let mut counts: Vec<(String, usize)> = Vec::new();
    let mut workers = Vec::new();
    let mut workers_total = 0;
    if b.submitted_version.is_some() {
        let list = state.claims.batch_workers(&b.id).await.unwrap_or_default();
        let sent = state.claims.batch_documents(&b.id).await.unwrap_or_default();
        let needed = lapak_domain::collective::worker_documents();
        for s in ClaimState::ALL {
            let n = list.iter().filter(|w| w.state == s).count();
            if n > 0 {
                counts.push((i.t(lang, &format!("state-{}", s.code())), n));
            }
        }
        workers_total = list.len();
        workers = list
            .into_iter()
            .take(WORKERS_SHOWN)
            .map(|w| WorkerLine {
                missing: missing(&w, sent.get(&w.claim_id), &needed)
                    .iter()
                    .map(|k| i.t(lang, &format!("doc-{}", k.code())))
                    .collect::<Vec<_>>()
                    .join(", "),
                number: w.number.to_string(),
                name: w.name,
                kpj: w.kpj.as_str().to_string(),
                status: i.t(lang, &format!("state-{}", w.state.code())),
            })
            .collect();
    }
    let page = BatchPage {
        lang,
        state,
        csrf: session.csrf.clone(),
        id: b.id.clone(),
        company: rep.company.clone(),
        notice,
        errors,
        computation,
        letter: b.letter_key.is_some(),
        submitted: b.submitted_version.is_some(),
        latest: version,
        versions,
        problems_total: problems_all.len(),
        problems,
        valid,
        session: session_text,
        counts,
        workers,
        workers_total,
    };
    pl.respond(status, page)
}

/// What a worker still has to send: the documents every worker sends that are not there,
/// and whatever the officer asked for.
fn missing(
    w: &lapak_storage::BatchWorker,
    sent: Option<&Vec<(String, lapak_domain::documents::DocumentKind)>>,
    needed: &[lapak_domain::documents::DocumentKind],
) -> Vec<lapak_domain::documents::DocumentKind> {
    if !matches!(w.state, ClaimState::Submitted | ClaimState::Scheduled | ClaimState::NeedsDocuments) {
        return Vec::new();
    }
    let has = |k: &lapak_domain::documents::DocumentKind| sent.is_some_and(|s| s.iter().any(|(_, x)| x == k));
    let mut out: Vec<_> = needed.iter().copied().filter(|k| !has(k)).collect();
    for k in &w.requested_documents {
        if !out.contains(k) {
            out.push(*k);
        }
    }
    out
}

/// The worker list, the termination letter or the workers' documents, uploaded to a batch.
pub async fn upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((id, what)): Path<(String, String)>,
    multipart: Multipart,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (session, rep, b) = match own_batch(&state, &headers, &id, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    // The letter is a document, with the documents' limit; lists and ZIPs have their own.
    let cap = if what == "surat" { state.claims.max_upload_bytes() } else { state.claims.collective().max_list_bytes };
    let (texts, files, too_large) = read_multipart(multipart, cap).await;
    let too_large = too_large.is_some();
    if texts.get("csrf") != Some(&session.csrf) && !too_large {
        return forbidden(&state, pl.lang);
    }
    let field = match what.as_str() {
        "surat" => "letter",
        "dokumen" => "documents",
        _ => "list",
    };
    let result = match (too_large, files.get("file")) {
        (true, _) => {
            let code = if field == "letter" { "file-too-large" } else { "list-too-large" };
            Err(ClaimError::Fields(vec![lapak_claims::FieldError { field, code }]))
        }
        (false, None) => Err(ClaimError::Fields(vec![lapak_claims::FieldError { field, code: "file-empty" }])),
        (false, Some((_, bytes))) if what == "surat" => state.claims.upload_letter(&b, bytes).await.map(|()| "letter"),
        (false, Some((name, bytes))) if what == "daftar" => {
            state.claims.upload_worker_list(&b, name, bytes).await.map(|_| "list")
        }
        (false, Some((_, bytes))) if what == "dokumen" => match state.claims.attach_documents(&b, bytes).await {
            Ok((attached, problems)) => {
                record(&state, &session, "collective.upload_documents", &format!("{} ({attached})", b.id), addr).await;
                let i = &state.i18n;
                let notice = i.t_args(pl.lang, "collective-documents-attached", &[("count", &attached.to_string())]);
                let errors = problems
                    .iter()
                    .map(|p| {
                        ("documents".to_string(), format!("{}: {}", p.entry, i.t(pl.lang, &format!("err-{}", p.code))))
                    })
                    .collect();
                return batch_page(&state, &pl, &session, &rep, &b, notice, errors, StatusCode::OK).await;
            }
            Err(e) => Err(e),
        },
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match result {
        Ok(saved) => {
            record(&state, &session, &format!("collective.upload_{saved}"), &b.id, addr).await;
            see_other(&format!("/staf/kolektif/{}?saved={saved}", b.id))
        }
        Err(e) => {
            let errors = vec![(field.to_string(), message_of(&state, pl.lang, &e))];
            let status = crate::pages::claim_status(&e, StatusCode::UNPROCESSABLE_ENTITY);
            batch_page(&state, &pl, &session, &rep, &b, String::new(), errors, status).await
        }
    }
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    Form(form): Form<CsrfForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (session, rep, b) = match own_batch(&state, &headers, &id, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    if form.csrf != session.csrf {
        return forbidden(&state, pl.lang);
    }
    match state.claims.submit_batch(&b, form.version, &session.staff.id, pl.lang.code()).await {
        Ok(n) => {
            record(&state, &session, "collective.filed", &format!("{} ({n})", b.id), addr).await;
            see_other(&format!("/staf/kolektif/{}?saved=filed", b.id))
        }
        Err(e) => {
            // Each problem points at the part of the page that fixes it (the list, the letter).
            let errors = match &e {
                ClaimError::Fields(list) => list
                    .iter()
                    .map(|f| (f.field.to_string(), state.i18n.t(pl.lang, &format!("err-{}", f.code))))
                    .collect(),
                other => vec![("list".to_string(), message_of(&state, pl.lang, other))],
            };
            let status = crate::pages::claim_status(&e, StatusCode::UNPROCESSABLE_ENTITY);
            batch_page(&state, &pl, &session, &rep, &b, String::new(), errors, status).await
        }
    }
}

/// Downloads: the report of a version (`laporan.xlsx`), or each worker's status
/// (`pekerja.xlsx`).
pub async fn download(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((id, file)): Path<(String, String)>,
    Query(q): Query<VersionQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (i, lang) = (&state.i18n, pl.lang);
    let (session, _, b) = match own_batch(&state, &headers, &id, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let (header, rows, name): (Vec<String>, Vec<Vec<String>>, String) = match file.as_str() {
        "laporan.xlsx" => {
            let Ok(Some((version, problems))) = state.store.batch_problems(&b.id, q.versi).await else {
                return StatusCode::NOT_FOUND.into_response();
            };
            let problems: Vec<StoredProblem> = serde_json::from_str(&problems).unwrap_or_default();
            let header = ["report-line", "report-column", "report-reason"].iter().map(|k| i.t(lang, k)).collect();
            let rows = problems
                .iter()
                .map(|p| vec![p.line.to_string(), p.column.clone(), i.t(lang, &format!("err-{}", p.code))])
                .collect();
            (header, rows, format!("laporan-versi-{version}.xlsx"))
        }
        "pekerja.xlsx" => {
            record(&state, &session, "collective.export", &b.id, addr).await;
            let header =
                ["field-claim_number", "field-full_name", "field-kpj-short", "report-status", "report-missing"]
                    .iter()
                    .map(|k| i.t(lang, k))
                    .collect();
            let rows = state
                .claims
                .batch_workers(&b.id)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|w| {
                    vec![
                        w.number.to_string(),
                        w.name,
                        w.kpj.as_str().to_string(),
                        i.t(lang, &format!("state-{}", w.state.code())),
                        w.requested_documents
                            .iter()
                            .map(|k| i.t(lang, &format!("doc-{}", k.code())))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ]
                })
                .collect();
            (header, rows, "status-pekerja.xlsx".to_string())
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    match worker_list::xlsx("Lapak", &header, &rows) {
        Ok(bytes) => attachment(bytes, XLSX, &name),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionQuery {
    versi: Option<i64>,
}

// ---------- branch staff: confirming representatives ----------

struct Request {
    id: String,
    company: String,
    npp: String,
    name: String,
    email: String,
    phone: String,
    at: String,
}

#[derive(Template)]
#[template(path = "staff_representatives.html")]
struct RepresentativesPage<'a> {
    lang: Lang,
    state: &'a AppState,
    csrf: String,
    notice: String,
    requests: Vec<Request>,
}

crate::pages::translated!(RepresentativesPage);

pub async fn representatives(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(q): Query<BatchQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    let lang = pl.lang;
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let branch = session.staff.branch.clone().unwrap_or_default();
    if let Err(r) = guard(&state, &session, StaffAction::ConfirmRepresentative, &branch, "representatives", addr).await
    {
        return r;
    }
    let mut requests = Vec::new();
    for r in state.store.pending_representatives(Some(&branch)).await.unwrap_or_default() {
        record(&state, &session, "view.representative", &r.id, addr).await;
        requests.push(Request {
            at: when(lang, r.created_at),
            id: r.id,
            company: r.company,
            npp: r.npp,
            name: r.name,
            email: r.email,
            phone: r.phone.unwrap_or_default(),
        });
    }
    let notice =
        q.saved.as_deref().map(|k| state.i18n.t(lang, &format!("representative-saved-{k}"))).unwrap_or_default();
    pl.respond(
        StatusCode::OK,
        RepresentativesPage { lang, state: &state, csrf: session.csrf.clone(), notice, requests },
    )
}

/// A representative request and the staff member who may decide it, or the refusal.
async fn request_for(
    state: &AppState,
    session: &StaffSession,
    id: &str,
    client: SocketAddr,
) -> Result<RepresentativeRecord, Response> {
    let r = state.store.representative(id).await.ok().flatten().ok_or_else(|| StatusCode::NOT_FOUND.into_response())?;
    guard(state, session, StaffAction::ConfirmRepresentative, &r.branch_code, id, client).await?;
    Ok(r)
}

pub async fn representative_document(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path((id, which)): Path<(String, String)>,
) -> Response {
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let r = match request_for(&state, &session, &id, addr).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let key = match which.as_str() {
        "kuasa" => r.attorney_key,
        "pernyataan" => r.statement_key,
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    record(&state, &session, "view.document", &format!("representative {id} {which}"), addr).await;
    match state.claims.document_bytes(&key).await {
        Ok(bytes) => {
            let kind = lapak_domain::upload::inspect(&bytes, usize::MAX)
                .map(|k| k.content_type())
                .unwrap_or("application/octet-stream");
            ([(header::CONTENT_TYPE, kind), (header::CACHE_CONTROL, "no-store")], bytes).into_response()
        }
        Err(e) if e.is_unavailable() => crate::pages::claim_failure(&e, "document not read"),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RepresentativeDecision {
    csrf: String,
    id: String,
    decision: String,
}

pub async fn decide_representative(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<RepresentativeDecision>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let session = match signed_in_form(&state, &headers, &form.csrf, pl.lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(r) = request_for(&state, &session, &form.id, addr).await {
        return r;
    }
    let confirm = match form.decision.as_str() {
        "confirm" => true,
        "refuse" => false,
        _ => return see_other("/staf/perwakilan"),
    };
    match state.claims.decide_representative(&form.id, &session.staff.id, confirm, pl.lang.code()).await {
        Ok(()) => {
            let action = if confirm { "representative.confirmed" } else { "representative.refused" };
            record(&state, &session, action, &form.id, addr).await;
            see_other(&format!("/staf/perwakilan?saved={}", if confirm { "confirmed" } else { "refused" }))
        }
        Err(e) => not_decided(&state, &pl, &e),
    }
}

// ---------- the officer: a batch in its collective session ----------

struct BatchSeat {
    /// (document id, label) of what the worker sent.
    documents: Vec<(String, String)>,
    claim_id: String,
    number: String,
    name: String,
    kpj: String,
    state: String,
    open: bool,
}

#[derive(Template)]
#[template(path = "staff_batch.html")]
struct StaffBatchPage<'a> {
    lang: Lang,
    state: &'a AppState,
    csrf: String,
    id: String,
    company: String,
    notice: String,
    letter: bool,
    workers: Vec<BatchSeat>,
    reasons: Vec<(String, String)>,
    kinds: Vec<(String, String)>,
}

crate::pages::translated!(StaffBatchPage);

/// The batch and the branch it belongs to, for an officer of that branch.
async fn officer_batch(
    state: &AppState,
    session: &StaffSession,
    id: &str,
    client: SocketAddr,
) -> Result<(BatchRecord, lapak_domain::member::Company), Response> {
    let b = state.store.batch(id).await.ok().flatten().ok_or_else(|| StatusCode::NOT_FOUND.into_response())?;
    let npp = Npp::parse(&b.npp).map_err(|_| StatusCode::NOT_FOUND.into_response())?;
    let company =
        state.store.company(&npp).await.ok().flatten().ok_or_else(|| StatusCode::NOT_FOUND.into_response())?;
    guard(state, session, StaffAction::Verify, company.branch_code.as_str(), id, client).await?;
    Ok((b, company))
}

pub async fn staff_batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    Query(q): Query<BatchQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    let (i, lang) = (&state.i18n, pl.lang);
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (b, company) = match officer_batch(&state, &session, &id, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    record(&state, &session, "view.identity", &format!("batch {}", b.id), addr).await;
    let sent = state.claims.batch_documents(&b.id).await.unwrap_or_default();
    let workers = state
        .claims
        .batch_workers(&b.id)
        .await
        .unwrap_or_default()
        .into_iter()
        .map(|w| BatchSeat {
            documents: sent
                .get(&w.claim_id)
                .map(|d| d.iter().map(|(id, k)| (id.clone(), i.t(lang, &format!("doc-{}", k.code())))).collect())
                .unwrap_or_default(),
            open: w.state == ClaimState::Scheduled,
            state: i.t(lang, &format!("state-{}", w.state.code())),
            claim_id: w.claim_id,
            number: w.number.to_string(),
            name: w.name,
            kpj: w.kpj.as_str().to_string(),
        })
        .collect();
    let kinds = lapak_domain::documents::required_documents(lapak_domain::ClaimCause::Layoff)
        .iter()
        .map(|(k, _)| (k.code().to_string(), i.t(lang, &format!("doc-{}", k.code()))))
        .collect();
    let page = StaffBatchPage {
        lang,
        state: &state,
        csrf: session.csrf.clone(),
        id: b.id.clone(),
        company: format!("{} ({})", company.name.as_str(), company.npp.as_str()),
        notice: q.saved.map(|_| i.t(lang, "session-saved")).unwrap_or_default(),
        letter: b.letter_key.is_some(),
        workers,
        reasons: REASONS.iter().map(|r| (r.to_string(), i.t(lang, &format!("reason-{r}")))).collect(),
        kinds,
    };
    pl.respond(StatusCode::OK, page)
}

/// The batch's termination letter, for the officer (audited).
pub async fn staff_letter(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
) -> Response {
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (b, _) = match officer_batch(&state, &session, &id, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(key) = b.letter_key else { return StatusCode::NOT_FOUND.into_response() };
    record(&state, &session, "view.document", &format!("batch {id} letter"), addr).await;
    match state.claims.document_bytes(&key).await {
        Ok(bytes) => {
            ([(header::CONTENT_TYPE, "application/pdf"), (header::CACHE_CONTROL, "no-store")], bytes).into_response()
        }
        Err(e) if e.is_unavailable() => crate::pages::claim_failure(&e, "letter not read"),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

/// One decision for the batch: verified, except the workers marked otherwise (documents
/// asked for or rejected, each with a reason). The form's fields are `d-<claim>` (the
/// exception), `r-<claim>` (the reason) and `k-<claim>` (the document asked for).
pub async fn staff_batch_decide(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let fields: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let csrf = fields.get("csrf").map_or("", String::as_str);
    let session = match signed_in_form(&state, &headers, csrf, pl.lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let (b, _) = match officer_batch(&state, &session, &id, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let mut exceptions = HashMap::new();
    for (key, value) in &fields {
        let Some(claim) = key.strip_prefix("d-") else { continue };
        let reason = fields.get(&format!("r-{claim}")).cloned().unwrap_or_default();
        let exception = match value.as_str() {
            "needs_documents" => {
                let kinds = fields
                    .get(&format!("k-{claim}"))
                    .and_then(|k| lapak_domain::documents::DocumentKind::parse(k))
                    .into_iter()
                    .collect();
                Exception::NeedsDocuments(kinds)
            }
            "rejected" => Exception::Rejected,
            _ => continue,
        };
        if !REASONS.contains(&reason.as_str()) {
            let why = state.i18n.t(pl.lang, "err-decision-reason");
            return crate::staff::not_saved(&state, pl.lang, StatusCode::UNPROCESSABLE_ENTITY, why);
        }
        exceptions.insert(claim.to_string(), (exception, reason));
    }
    let officer = lapak_domain::lifecycle::Actor::new(lapak_domain::lifecycle::Role::Officer, &session.staff.id);
    match state.claims.decide_batch(&b, &officer, &exceptions).await {
        Ok(outcome) => {
            let detail = format!(
                "{} verified {} documents {} rejected {}",
                b.id, outcome.verified, outcome.needs_documents, outcome.rejected
            );
            record(&state, &session, "collective.decided", &detail, addr).await;
            see_other(&format!("/staf/kolektif/{}/sesi?saved=1", b.id))
        }
        Err(e) => not_decided(&state, &pl, &e),
    }
}
