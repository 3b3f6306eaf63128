//! Staff sign-in: password, then the TOTP second factor (enrolled by QR code at the first
//! sign-in, with recovery codes shown once), the staff home with today's sessions, and
//! sign-out. Cookies are HttpOnly, SameSite=Strict, Path=/staf (Secure behind https); every
//! form carries a CSRF token bound to the session (or, before sign-in, to a pre-session
//! cookie); every sign-in and failure is in the audit trail.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use lapak_claims::ClaimError;
use lapak_domain::lifecycle::ClaimState;
use lapak_staff::{Issued, StaffError};
use lapak_storage::{AuditEntry, StaffSession};
use serde::Deserialize;

use crate::pages::{LangQuery, PageLang};
use crate::{AppState, Lang};

const COOKIE: &str = "lapak_staf";
const PRE_COOKIE: &str = "lapak_staf_pre";

#[derive(Template)]
#[template(path = "staff_form.html")]
struct StaffForm<'a> {
    lang: Lang,
    state: &'a AppState,
    heading: String,
    lead: String,
    error: String,
    action: &'static str,
    csrf: String,
    /// (name, label, input type, autocomplete, inputmode)
    fields: Vec<(&'static str, String, &'static str, &'static str, &'static str)>,
    button: String,
    qr: String,
    secret: String,
}

#[derive(Template)]
#[template(path = "staff_recovery.html")]
struct RecoveryPage<'a> {
    lang: Lang,
    state: &'a AppState,
    codes: Vec<String>,
}

#[derive(Template)]
#[template(path = "staff_home.html")]
struct HomePage<'a> {
    lang: Lang,
    state: &'a AppState,
    name: String,
    role: String,
    place: String,
    csrf: String,
    sessions: Vec<(String, String, String, String, String)>,
    approver: bool,
    auditor: bool,
    branch_admin: bool,
    confirms_representatives: bool,
}

crate::pages::translated!(StaffForm, RecoveryPage, HomePage);

impl<'a> StaffForm<'a> {
    /// A form whose heading and lead are `{page}-title` and `{page}-lead`.
    #[allow(clippy::too_many_arguments)]
    fn new(
        state: &'a AppState,
        lang: Lang,
        page: &str,
        action: &'static str,
        csrf: String,
        error: String,
        fields: Vec<(&'static str, String, &'static str, &'static str, &'static str)>,
        button: &str,
    ) -> StaffForm<'a> {
        let i = &state.i18n;
        StaffForm {
            lang,
            state,
            heading: i.t(lang, &format!("{page}-title")),
            lead: i.t(lang, &format!("{page}-lead")),
            error,
            action,
            csrf,
            fields,
            button: i.t(lang, button),
            qr: String::new(),
            secret: String::new(),
        }
    }
}

/// The one field of the second-factor forms.
fn code_field(state: &AppState, lang: Lang) -> Vec<(&'static str, String, &'static str, &'static str, &'static str)> {
    vec![("code", state.i18n.t(lang, "staff-code"), "text", "one-time-code", "numeric")]
}

pub(crate) fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

fn set_cookie(state: &AppState, name: &str, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={value}; Path=/staf; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}"))
        .expect("ascii cookie")
}

fn with_session(state: &AppState, mut res: Response, issued: &Issued) -> Response {
    let age = lapak_staff::ABSOLUTE_TIMEOUT.as_secs();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(state, COOKIE, &issued.cookie, age));
    res
}

async fn audit(state: &AppState, actor: &str, action: &str, client: SocketAddr) {
    let entry = AuditEntry {
        at: Timestamp::now(),
        actor_role: "staff".into(),
        actor_id: actor.into(),
        action: action.into(),
        subject: actor.into(),
        detail: format!("from {}", client.ip()),
    };
    if let Err(e) = state.store.append_audit(&entry).await {
        tracing::error!(error = %e, "audit entry not written");
    }
}

fn message(state: &AppState, lang: Lang, e: &StaffError) -> String {
    state.i18n.t(lang, &format!("err-{}", e.code()))
}

/// The status of a sign-in page showing `e`: the store's failure as 503 or 500 (logged),
/// any other error `otherwise`.
fn sign_in_status(e: &StaffError, otherwise: StatusCode) -> StatusCode {
    match e {
        StaffError::Storage(cause) => crate::pages::storage_status(cause, "staff sign-in failed"),
        _ => otherwise,
    }
}

/// The current session with the stage asked for, or where to go instead.
pub(crate) async fn current(
    state: &AppState,
    headers: &HeaderMap,
    stage: &str,
) -> Result<(String, StaffSession), Response> {
    let cookie = cookie_value(headers, COOKIE).ok_or_else(|| Redirect::to("/staf/masuk").into_response())?;
    match state.staff.session(&cookie).await {
        Ok(s) if s.stage == stage => Ok((cookie, s)),
        Ok(s) if s.stage == "full" => Err(Redirect::to("/staf").into_response()),
        Ok(s) if s.staff.totp_enabled => Err(Redirect::to("/staf/kode").into_response()),
        Ok(_) => Err(Redirect::to("/staf/aktifkan").into_response()),
        // The store not answering is no reason to sign anyone out.
        Err(StaffError::Storage(cause)) => Err(crate::pages::storage_failure(&cause, "staff session not read")),
        Err(_) => Err(Redirect::to("/staf/masuk").into_response()),
    }
}

/// The session at `stage` (with its cookie), when the form carries that session's CSRF
/// token (403 otherwise).
async fn form_session(
    state: &AppState,
    headers: &HeaderMap,
    stage: &str,
    csrf: &str,
    lang: Lang,
) -> Result<(String, StaffSession), Response> {
    let (cookie, session) = current(state, headers, stage).await?;
    if session.csrf != csrf {
        return Err(forbidden(state, lang));
    }
    Ok((cookie, session))
}

/// The signed-in session, when the form carries that session's CSRF token (403 otherwise).
pub(crate) async fn signed_in_form(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    lang: Lang,
) -> Result<StaffSession, Response> {
    form_session(state, headers, "full", csrf, lang).await.map(|(_, session)| session)
}

pub(crate) fn forbidden(state: &AppState, lang: Lang) -> Response {
    let (heading, body) = (state.i18n.t(lang, "error-cross-site-title"), state.i18n.t(lang, "err-staff-csrf"));
    crate::pages::message(state, lang, StatusCode::FORBIDDEN, heading, body)
}

/// Refused to this staff member (the attempt is in the audit trail), as a page.
fn not_allowed(state: &AppState, lang: Lang) -> Response {
    let (heading, body) = (state.i18n.t(lang, "error-forbidden-title"), state.i18n.t(lang, "err-staff-forbidden"));
    crate::pages::message(state, lang, StatusCode::FORBIDDEN, heading, body)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignInForm {
    csrf: String,
    username: String,
    password: String,
}

fn sign_in_page<'a>(state: &'a AppState, lang: Lang, csrf: String, error: String) -> StaffForm<'a> {
    let i = &state.i18n;
    let fields = vec![
        ("username", i.t(lang, "staff-username"), "text", "username", "text"),
        ("password", i.t(lang, "staff-password"), "password", "current-password", "text"),
    ];
    StaffForm::new(state, lang, "staff-sign-in", "/staf/masuk", csrf, error, fields, "staff-sign-in")
}

pub async fn sign_in_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let csrf = random_token();
    let mut res = pl.respond(StatusCode::OK, sign_in_page(&state, pl.lang, csrf.clone(), String::new()));
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&state, PRE_COOKIE, &csrf, 3600));
    res
}

/// A random URL-safe token (24 bytes).
pub(crate) fn random_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

pub async fn sign_in(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<SignInForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    if form.csrf.is_empty() || cookie_value(&headers, PRE_COOKIE).as_deref() != Some(form.csrf.as_str()) {
        return forbidden(&state, pl.lang);
    }
    match state.staff.sign_in(&form.username, &form.password, addr.ip()).await {
        Ok(issued) => {
            audit(&state, form.username.trim(), "staff.password_ok", addr).await;
            with_session(&state, Redirect::to("/staf/kode").into_response(), &issued)
        }
        Err(e) => {
            audit(&state, form.username.trim(), "staff.sign_in_failed", addr).await;
            let status = if matches!(e, StaffError::RateLimited) {
                StatusCode::TOO_MANY_REQUESTS
            } else {
                sign_in_status(&e, StatusCode::UNAUTHORIZED)
            };
            pl.respond(status, sign_in_page(&state, pl.lang, form.csrf, message(&state, pl.lang, &e)))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    csrf: String,
    code: String,
}

fn code_page<'a>(state: &'a AppState, lang: Lang, csrf: String, error: String) -> StaffForm<'a> {
    StaffForm::new(state, lang, "staff-code", "/staf/kode", csrf, error, code_field(state, lang), "staff-sign-in")
}

pub async fn code_form(State(state): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let (_, session) = match current(&state, &headers, "password").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if !session.staff.totp_enabled {
        return Redirect::to("/staf/aktifkan").into_response();
    }
    pl.respond(StatusCode::OK, code_page(&state, pl.lang, session.csrf, String::new()))
}

pub async fn code(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<CodeForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (cookie, session) = match form_session(&state, &headers, "password", &form.csrf, pl.lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state.staff.second_factor(&cookie, &session, &form.code, addr.ip()).await {
        Ok(issued) => {
            audit(&state, &session.staff.id, "staff.signed_in", addr).await;
            with_session(&state, Redirect::to("/staf").into_response(), &issued)
        }
        Err(e) => {
            audit(&state, &session.staff.id, "staff.second_factor_failed", addr).await;
            let status = sign_in_status(&e, StatusCode::UNAUTHORIZED);
            pl.respond(status, code_page(&state, pl.lang, session.csrf, message(&state, pl.lang, &e)))
        }
    }
}

fn enrol_page<'a>(
    state: &'a AppState,
    lang: Lang,
    csrf: String,
    url: &str,
    secret: String,
    error: String,
) -> StaffForm<'a> {
    let fields = code_field(state, lang);
    let mut form =
        StaffForm::new(state, lang, "staff-enrol", "/staf/aktifkan", csrf, error, fields, "staff-enrol-confirm");
    form.qr = crate::participant::qr_svg_base64(url);
    form.secret = secret;
    form
}

pub async fn enrol_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let (_, session) = match current(&state, &headers, "password").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state.staff.start_enrolment(&session).await {
        Ok(e) => pl
            .respond(StatusCode::OK, enrol_page(&state, pl.lang, session.csrf, &e.url, e.secret_base32, String::new())),
        Err(StaffError::Storage(cause)) => crate::pages::storage_failure(&cause, "enrolment not started"),
        Err(_) => Redirect::to("/staf/kode").into_response(),
    }
}

pub async fn enrol(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<CodeForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (cookie, session) = match form_session(&state, &headers, "password", &form.csrf, pl.lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    match state.staff.confirm_enrolment(&cookie, &session, &form.code).await {
        Ok((codes, issued)) => {
            audit(&state, &session.staff.id, "staff.second_factor_enrolled", addr).await;
            let page = pl.respond(StatusCode::OK, RecoveryPage { lang: pl.lang, state: &state, codes });
            with_session(&state, page, &issued)
        }
        Err(e) => {
            // The same secret stays: show it again with the error.
            let error = message(&state, pl.lang, &e);
            match (&session.staff.totp_secret, lapak_staff::otpauth_url(&session.staff)) {
                (Some(_), Some((url, secret))) => {
                    let status = sign_in_status(&e, StatusCode::UNAUTHORIZED);
                    pl.respond(status, enrol_page(&state, pl.lang, session.csrf, &url, secret, error))
                }
                _ => Redirect::to("/staf/aktifkan").into_response(),
            }
        }
    }
}

pub async fn home(State(state): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let (i, lang) = (&state.i18n, pl.lang);
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let staff = &session.staff;
    if staff.role == lapak_domain::staff::StaffRole::Representative {
        return Redirect::to("/staf/kolektif").into_response();
    }
    let mut sessions = Vec::new();
    let mut place = i.t(lang, "staff-national");
    if let Some(code) = &staff.branch {
        if let Ok(Some(b)) = state.store.branch(code).await {
            place = b.name.as_str().to_string();
            if let Ok(tz) = TimeZone::get(&b.time_zone) {
                let today = Timestamp::now().to_zoned(tz.clone()).date();
                let start = today.to_zoned(tz.clone()).map(|z| z.timestamp());
                let end = today.tomorrow().ok().and_then(|d| d.to_zoned(tz).ok()).map(|z| z.timestamp());
                if let (Ok(start), Some(end)) = (start, end) {
                    for s in state.store.sessions_between(code, start, end).await.unwrap_or_default() {
                        sessions.push((
                            s.id.clone(),
                            lapak_domain::schedule::format_local(s.starts_at, &b.time_zone, lang == Lang::Id),
                            s.officer,
                            i.t(lang, &format!("mode-{}", s.mode.code())),
                            format!("{}/{}", s.booked, s.seats),
                        ));
                    }
                }
            }
        }
    }
    let page = HomePage {
        lang,
        state: &state,
        name: staff.display_name.clone(),
        role: i.t(lang, &format!("staff-role-{}", staff.role.code())),
        place,
        csrf: session.csrf.clone(),
        sessions,
        approver: staff.role == lapak_domain::staff::StaffRole::Supervisor,
        branch_admin: staff.role == lapak_domain::staff::StaffRole::BranchAdmin,
        confirms_representatives: lapak_domain::staff::may(
            staff.role,
            staff.branch.as_deref(),
            lapak_domain::staff::StaffAction::ConfirmRepresentative,
            staff.branch.as_deref(),
        ),
        auditor: lapak_domain::staff::may(staff.role, None, lapak_domain::staff::StaffAction::ReadAudit, None),
    };
    pl.respond(StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SignOutForm {
    csrf: String,
}

pub async fn sign_out(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<SignOutForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let Some(cookie) = cookie_value(&headers, COOKIE) else { return Redirect::to("/staf/masuk").into_response() };
    if let Ok(session) = state.staff.session(&cookie).await {
        if session.csrf != form.csrf {
            return forbidden(&state, pl.lang);
        }
        audit(&state, &session.staff.id, "staff.signed_out", addr).await;
    }
    let _ = state.staff.sign_out(&cookie).await;
    let mut res = Redirect::to("/staf/masuk").into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&state, COOKIE, "", 0));
    res
}

// ---------- the branch's walk-in kiosks ----------

/// The branch admin's session and branch, for a form sent with its `csrf` token about the
/// branch's kiosks; otherwise the answer to give.
async fn kiosk_admin(
    state: &AppState,
    headers: &HeaderMap,
    csrf: &str,
    addr: SocketAddr,
) -> Result<(String, StaffSession, String), Response> {
    let pl = PageLang::resolve(headers, &LangQuery::default());
    let (cookie, session) = form_session(state, headers, "full", csrf, pl.lang).await?;
    let branch = session.staff.branch.clone().unwrap_or_default();
    guard(state, &session, lapak_domain::staff::StaffAction::SetCapacity, &branch, "kiosk", addr).await?;
    Ok((cookie, session, branch))
}

#[derive(Deserialize)]
pub struct KioskEnrolForm {
    csrf: String,
    /// What the branch admin calls the device ("Kios pintu masuk").
    #[serde(default)]
    nama: String,
}

/// The branch admin, signed in on the device at the branch, makes it the branch's kiosk
/// under a name of their choosing: the device gets a secret of its own in a cookie (for the
/// kiosk pages only), the staff session ends (a kiosk must not stay signed in), and the
/// kiosk page opens. A name that will not do comes back at its field.
pub async fn kiosk_enrol(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<KioskEnrolForm>,
) -> Response {
    let (cookie, session, branch) = match kiosk_admin(&state, &headers, &form.csrf, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let store = state.store.as_ref();
    let secret = match lapak_claims::walk_in::enrol_kiosk(store, &branch, &form.nama, &session.staff.id).await {
        Ok(s) => s,
        Err(ClaimError::Fields(_)) => {
            let pl = PageLang::resolve(&headers, &LangQuery::default());
            return capacity_response(&state, &headers, addr, pl, CapacityInput::KioskName(form.nama)).await;
        }
        Err(e) => return crate::pages::claim_failure(&e, "kiosk not enrolled"),
    };
    record(&state, &session, "kiosk.enrolled", &format!("{branch}: {}", form.nama.trim()), addr).await;
    let _ = state.staff.sign_out(&cookie).await;
    let mut res = Redirect::to(&format!("/cabang/{branch}/tiket")).into_response();
    res.headers_mut().append(header::SET_COOKIE, set_cookie(&state, COOKIE, "", 0));
    res.headers_mut().append(header::SET_COOKIE, crate::walk_in::kiosk_cookie(&state, &secret));
    res
}

#[derive(Deserialize)]
pub struct KioskRevokeForm {
    csrf: String,
    /// The kiosk to withdraw (see `walk_in::kiosk_id`); without it, every kiosk of the branch.
    kios: Option<String>,
}

/// The branch admin withdraws one kiosk of the branch (a device lost or replaced), or all of
/// them.
pub async fn kiosk_revoke(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<KioskRevokeForm>,
) -> Response {
    let (_, session, branch) = match kiosk_admin(&state, &headers, &form.csrf, addr).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let store = state.store.as_ref();
    let subject = match &form.kios {
        Some(id) => match lapak_claims::walk_in::withdraw_kiosk(store, &branch, id).await {
            Ok(Some(name)) => format!("{branch}: {name}"),
            // Withdrawn already (the form sent twice) or not this branch's: nothing to do.
            Ok(None) => return Redirect::to("/staf/kapasitas#kios").into_response(),
            Err(e) => return crate::pages::claim_failure(&e, "kiosk not removed"),
        },
        None => {
            if let Err(e) = store.remove_kiosks(&branch).await {
                return crate::pages::storage_failure(&e, "kiosks not removed");
            }
            branch.clone()
        }
    };
    record(&state, &session, "kiosk.revoked", &subject, addr).await;
    Redirect::to("/staf/kapasitas#kios").into_response()
}

// ---------- the officer's session ----------

struct Person {
    seat: u8,
    claim_id: String,
    name: String,
    nik: String,
    kpj: String,
    birth: String,
    mother: String,
    cause: String,
    state: String,
    /// (document kind, its pages as (id, label)); no pages: missing.
    documents: Vec<(String, Vec<(String, String)>)>,
    /// The cause's document kinds, to ask for again: (code, label).
    kinds: Vec<(String, String)>,
    open: bool,
}

#[derive(Template)]
#[template(path = "staff_session.html")]
struct SessionPage<'a> {
    lang: Lang,
    state: &'a AppState,
    session_id: String,
    when: String,
    mode: String,
    seats: u8,
    booked: u32,
    csrf: String,
    notice: String,
    people: Vec<Person>,
    /// Collective sessions: (batch id, company and workers).
    batches: Vec<(String, String)>,
    reasons: Vec<(String, String)>,
}

crate::pages::translated!(SessionPage);

/// Reasons an officer can give for asking for documents or rejecting.
pub(crate) const REASONS: [&str; 6] =
    ["document-unreadable", "document-missing", "identity-mismatch", "account-holder", "not-eligible", "other"];

/// Refuses (403) and records the attempt when `staff` may not take `action` on an object of
/// `branch`.
pub(crate) async fn guard(
    state: &AppState,
    session: &StaffSession,
    action: lapak_domain::staff::StaffAction,
    branch: &str,
    subject: &str,
    client: SocketAddr,
) -> Result<(), Response> {
    guard_at(state, session, session.staff.branch.as_deref(), action, branch, subject, client).await
}

/// The same with the scope given: a branch, or for a company's representative their
/// company's NPP (`None`: national, or no scope at all).
pub(crate) async fn guard_at(
    state: &AppState,
    session: &StaffSession,
    home: Option<&str>,
    action: lapak_domain::staff::StaffAction,
    object: &str,
    subject: &str,
    client: SocketAddr,
) -> Result<(), Response> {
    let s = &session.staff;
    if lapak_domain::staff::may(s.role, home, action, Some(object)) {
        return Ok(());
    }
    let entry = AuditEntry {
        at: Timestamp::now(),
        actor_role: s.role.code().into(),
        actor_id: s.id.clone(),
        action: "access.refused".into(),
        subject: subject.into(),
        detail: format!("{action:?} at {object} from {}", client.ip()),
    };
    if let Err(e) = state.store.append_audit(&entry).await {
        tracing::error!(error = %e, "audit entry not written");
    }
    Err(not_allowed(state, Lang::Id))
}

pub(crate) async fn record(state: &AppState, session: &StaffSession, action: &str, subject: &str, client: SocketAddr) {
    let entry = AuditEntry {
        at: Timestamp::now(),
        actor_role: session.staff.role.code().into(),
        actor_id: session.staff.id.clone(),
        action: action.into(),
        subject: subject.into(),
        detail: format!("from {}", client.ip()),
    };
    if let Err(e) = state.store.append_audit(&entry).await {
        tracing::error!(error = %e, "audit entry not written");
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SessionQuery {
    lang: Option<String>,
    saved: Option<String>,
}

pub async fn session_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::extract::Path(session_id): axum::extract::Path<String>,
    Query(q): Query<SessionQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    let (i, lang) = (&state.i18n, pl.lang);
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(Some((branch, s))) = state.store.session(&session_id).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    if let Err(r) = guard(&state, &session, lapak_domain::staff::StaffAction::Verify, &branch, &session_id, addr).await
    {
        return r;
    }
    let zone = state.store.branch(&branch).await.ok().flatten().map(|b| b.time_zone).unwrap_or_default();
    let mut people = Vec::new();
    for (seat, claim_id, status) in state.store.session_seats(&session_id).await.unwrap_or_default() {
        let Ok(Some(claim)) = state.store.claim(&claim_id).await else { continue };
        let Ok(Some(member)) = state.store.member_by_kpj(&claim.kpj).await else { continue };
        // Identity data is unsealed only here, and each view is audited.
        record(&state, &session, "view.identity", &claim_id, addr).await;
        // A checklist of the cause's documents: each with its pages one click away, or marked
        // missing.
        let uploaded = state.store.documents(&claim_id).await.unwrap_or_default();
        let documents = claim
            .application
            .cause
            .map(lapak_domain::documents::required_documents)
            .unwrap_or_default()
            .iter()
            .map(|(kind, _)| {
                let pages: Vec<(String, String)> = uploaded
                    .iter()
                    .filter(|d| d.kind == *kind)
                    .enumerate()
                    .map(|(n, d)| (d.id.clone(), format!("{} {}", i.t(lang, "session-page"), n + 1)))
                    .collect();
                (i.t(lang, &format!("doc-{}", kind.code())), pages)
            })
            .collect();
        people.push(Person {
            seat,
            claim_id,
            name: member.full_name.as_str().to_string(),
            nik: member.nik.as_str().to_string(),
            kpj: member.kpj.as_str().to_string(),
            birth: member.birth_date.strftime("%d/%m/%Y").to_string(),
            mother: member.mother_maiden_name.as_str().to_string(),
            cause: claim.application.cause.map(|c| i.t(lang, &format!("cause-{}", c.code()))).unwrap_or_default(),
            state: if status == "no_show" {
                i.t(lang, "decision-no_show")
            } else {
                i.t(lang, &format!("state-{}", claim.lifecycle.state.code()))
            },
            documents,
            kinds: claim
                .application
                .cause
                .map(lapak_domain::documents::required_documents)
                .unwrap_or_default()
                .iter()
                .map(|(k, _)| (k.code().to_string(), i.t(lang, &format!("doc-{}", k.code()))))
                .collect(),
            open: claim.lifecycle.state == ClaimState::Scheduled && status == "booked",
        });
    }
    // A collective session: the batches seated in it, each decided on its own page.
    let mut batches = Vec::new();
    for id in state.store.session_batches(&session_id).await.unwrap_or_default() {
        let Ok(Some(b)) = state.store.batch(&id).await else { continue };
        let company = match lapak_domain::Npp::parse(&b.npp) {
            Ok(npp) => state.store.company(&npp).await.ok().flatten().map(|c| c.name.as_str().to_string()),
            Err(_) => None,
        };
        batches.push((
            id,
            format!("{} · {} {}", company.unwrap_or(b.npp), b.workers, i.t(lang, "collective-col-workers")),
        ));
    }
    let page = SessionPage {
        lang,
        state: &state,
        batches,
        session_id,
        when: lapak_domain::schedule::format_local(s.starts_at, &zone, lang == Lang::Id),
        mode: i.t(lang, &format!("mode-{}", s.mode.code())),
        seats: s.seats,
        booked: s.booked,
        csrf: session.csrf.clone(),
        notice: if q.saved.is_some() { i.t(lang, "session-saved") } else { String::new() },
        people,
        reasons: REASONS.iter().map(|r| (r.to_string(), i.t(lang, &format!("reason-{r}")))).collect(),
    };
    pl.respond(StatusCode::OK, page)
}

#[derive(Default)]
pub struct DecisionForm {
    csrf: String,
    claim_id: String,
    decision: String,
    reason: String,
    note: String,
    /// Document kinds asked for (the field repeats, which serde's form reader does not take).
    documents: Vec<String>,
}

impl DecisionForm {
    fn parse(body: &[u8]) -> DecisionForm {
        let mut f = DecisionForm::default();
        for (k, v) in form_urlencoded::parse(body) {
            let v = v.into_owned();
            match k.as_ref() {
                "csrf" => f.csrf = v,
                "claim_id" => f.claim_id = v,
                "decision" => f.decision = v,
                "reason" => f.reason = v,
                "note" => f.note = v,
                "documents" => f.documents.push(v),
                _ => {}
            }
        }
        f
    }
}

pub async fn decide(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::extract::Path(session_id): axum::extract::Path<String>,
    body: axum::body::Bytes,
) -> Response {
    use lapak_domain::lifecycle::{Action, Actor, Role};
    let form = DecisionForm::parse(&body);
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let session = match signed_in_form(&state, &headers, &form.csrf, pl.lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(Some((branch, _))) = state.store.session(&session_id).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    if let Err(r) =
        guard(&state, &session, lapak_domain::staff::StaffAction::Verify, &branch, &form.claim_id, addr).await
    {
        return r;
    }
    let seated = state.store.session_seats(&session_id).await.unwrap_or_default();
    let Some((seat, _, status)) = seated.iter().find(|(_, c, _)| *c == form.claim_id) else {
        return crate::pages::not_found(State(state), headers).await;
    };
    let saved = Redirect::to(&format!("/staf/sesi/{session_id}?saved=1#kursi-{seat}")).into_response();
    let refused = |status: StatusCode, key: &str| not_saved(&state, pl.lang, status, state.i18n.t(pl.lang, key));
    if form.decision == "no_show" {
        // Not there: the seat is released and the scheduler gives the next free one (the
        // participant is told); the claim stays Scheduled.
        return match state.store.release_appointment(&form.claim_id, Some(&session_id), "no_show").await {
            Ok(true) => {
                record(&state, &session, "appointment.no_show", &form.claim_id, addr).await;
                saved
            }
            // Sent again (a double click): the seat is marked missed already.
            Ok(false) if status == "no_show" => saved,
            Err(e) if e.is_unavailable() => crate::pages::storage_failure(&e, "no-show not recorded"),
            _ => refused(StatusCode::CONFLICT, "err-decision-stale"),
        };
    }
    let (action, decided) = match form.decision.as_str() {
        "verify" => (Action::Verify, ClaimState::Verified),
        "needs_documents" => (Action::RequestDocuments, ClaimState::NeedsDocuments),
        "reject" => (Action::Reject, ClaimState::Rejected),
        _ => return refused(StatusCode::UNPROCESSABLE_ENTITY, "err-decision"),
    };
    let reason = match (action, REASONS.contains(&form.reason.as_str())) {
        (Action::Verify, _) => None,
        (_, true) => Some(format!("{}: {}", form.reason, form.note.trim()).trim_end_matches([':', ' ']).to_string()),
        (_, false) => return refused(StatusCode::UNPROCESSABLE_ENTITY, "err-decision-reason"),
    };
    let claim = match state.store.claim(&form.claim_id).await {
        Ok(Some(claim)) => claim,
        Ok(None) => return crate::pages::not_found(State(state), headers).await,
        Err(e) => return crate::pages::storage_failure(&e, "claim not read"),
    };
    // A decision is taken on a seat booked in this session. Sent again (a double click, the
    // page's script falling back to the form), the seat was served and the claim is where
    // this decision takes it; any other seat (missed, or one the participant left) is not
    // this session's to decide.
    if status != "booked" {
        return if status == "served" && claim.lifecycle.state == decided {
            saved
        } else {
            refused(StatusCode::CONFLICT, "err-decision-stale")
        };
    }
    let actor = Actor::new(Role::Officer, session.staff.id.clone());
    let Ok(event) = claim.lifecycle.check(action, &actor, Timestamp::now(), reason.as_deref()) else {
        return refused(StatusCode::CONFLICT, "err-decision-stale");
    };
    let recorded = if action == Action::RequestDocuments {
        let kinds: Vec<_> =
            form.documents.iter().filter_map(|k| lapak_domain::documents::DocumentKind::parse(k)).collect();
        state.claims.request_documents(&form.claim_id, &event, &kinds).await
    } else {
        state.store.record_claim_event(&form.claim_id, &event, None).await.map_err(ClaimError::from)
    };
    match recorded {
        Ok(()) => {
            record(&state, &session, &format!("claim.{}", form.decision), &form.claim_id, addr).await;
            saved
        }
        // Not saved for now: not someone else's decision.
        Err(e) if e.is_unavailable() => crate::pages::claim_failure(&e, "decision not recorded"),
        Err(e) => {
            tracing::warn!(error = %e, "decision not recorded");
            refused(StatusCode::CONFLICT, "err-decision-stale")
        }
    }
}

/// A staff decision that was not saved, as a page saying why (`why`, in `lang`).
pub(crate) fn not_saved(state: &AppState, lang: Lang, status: StatusCode, why: String) -> Response {
    crate::pages::message(state, lang, status, state.i18n.t(lang, "error-decision-title"), why)
}

/// A document, for staff of the claim's branch only, as an attachment (never shown inline
/// from a guessable address); each view is audited.
pub async fn document(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    axum::extract::Path(document_id): axum::extract::Path<String>,
) -> Response {
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(Some(doc)) = state.store.document(&document_id).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    // The branch serving the claim's appointment (a video call may be taken anywhere), else
    // the branch the claim was filed with.
    let serving = state.store.appointment(&doc.claim_id).await.ok().flatten().map(|a| a.branch_code);
    let filed = match state.store.claim(&doc.claim_id).await {
        Ok(Some(c)) => c.application.branch.map(|b| b.as_str().to_string()),
        _ => None,
    };
    let branch = serving.or(filed).unwrap_or_default();
    if let Err(r) = guard(&state, &session, lapak_domain::staff::StaffAction::Verify, &branch, &document_id, addr).await
    {
        return r;
    }
    let bytes = match state.claims.document_bytes(&doc.object_key).await {
        Ok(bytes) => bytes,
        Err(e) => return crate::pages::claim_failure(&e, "document not read"),
    };
    record(&state, &session, "view.document", &document_id, addr).await;
    let extension = match doc.content_type.as_str() {
        "application/pdf" => "pdf",
        "image/png" => "png",
        _ => "jpg",
    };
    (
        [
            (header::CONTENT_TYPE, doc.content_type.clone()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}.{extension}\"", doc.kind.code())),
        ],
        bytes,
    )
        .into_response()
}

// ---------- the supervisor's queue ----------

struct Approval {
    claim_id: String,
    number: String,
    name: String,
    cause: String,
    gross: String,
    tax: String,
    net: String,
    verified_by: String,
}

#[derive(Template)]
#[template(path = "staff_approvals.html")]
struct ApprovalsPage<'a> {
    lang: Lang,
    state: &'a AppState,
    csrf: String,
    notice: String,
    items: Vec<Approval>,
}

#[derive(Template)]
#[template(path = "staff_audit.html")]
struct AuditPage<'a> {
    lang: Lang,
    state: &'a AppState,
    q: String,
    /// The check from the last point found intact to the newest entry.
    chain: String,
    /// The last check of the whole chain.
    full: String,
    rows: Vec<(String, String, String, String, String)>,
}

crate::pages::translated!(ApprovalsPage, AuditPage);

fn rupiah(amount: i64) -> String {
    lapak_domain::Rupiah::new(amount).map(|r| r.to_string()).unwrap_or_else(|_| amount.to_string())
}

pub async fn approvals(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(q): Query<SessionQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    let (i, lang) = (&state.i18n, pl.lang);
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let branch = session.staff.branch.clone().unwrap_or_default();
    if let Err(r) = guard(&state, &session, lapak_domain::staff::StaffAction::Approve, &branch, "approvals", addr).await
    {
        return r;
    }
    let mut items = Vec::new();
    for it in state.store.claims_for_approval(&branch).await.unwrap_or_default() {
        let name = state.store.member_by_kpj(&it.kpj).await.ok().flatten().map(|m| m.full_name.as_str().to_string());
        record(&state, &session, "view.identity", &it.claim_id, addr).await;
        let verifier = match &it.verified_by {
            Some(id) => state.store.staff_by_id(id).await.ok().flatten().map_or(id.clone(), |s| s.display_name),
            None => String::new(),
        };
        items.push(Approval {
            number: it.number.map(|n| n.to_string()).unwrap_or_default(),
            name: name.unwrap_or_default(),
            cause: it.cause.map(|c| i.t(lang, &format!("cause-{}", c.code()))).unwrap_or_default(),
            gross: rupiah(it.gross),
            tax: rupiah(it.tax),
            net: rupiah(it.gross - it.tax),
            verified_by: verifier,
            claim_id: it.claim_id,
        });
    }
    let page = ApprovalsPage {
        lang,
        state: &state,
        csrf: session.csrf.clone(),
        notice: if q.saved.is_some() { i.t(lang, "session-saved") } else { String::new() },
        items,
    };
    pl.respond(StatusCode::OK, page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ApprovalForm {
    csrf: String,
    claim_id: String,
    decision: String,
    reason: String,
}

/// Approve, send back to the officers, or reject. Nobody approves a claim they verified:
/// the lifecycle refuses it (and the store checks the lifecycle), whatever the page shows.
pub async fn approve(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<ApprovalForm>,
) -> Response {
    use lapak_domain::lifecycle::{Action, Actor, Role};
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let session = match signed_in_form(&state, &headers, &form.csrf, pl.lang).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Ok(Some(claim)) = state.store.claim(&form.claim_id).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    let branch = claim.application.branch.as_ref().map(|b| b.as_str().to_string()).unwrap_or_default();
    let listed =
        state.store.claims_for_approval(session.staff.branch.as_deref().unwrap_or_default()).await.unwrap_or_default();
    let in_queue = listed.iter().any(|c| c.claim_id == form.claim_id);
    let object = if in_queue { session.staff.branch.clone().unwrap_or_default() } else { branch };
    if let Err(r) =
        guard(&state, &session, lapak_domain::staff::StaffAction::Approve, &object, &form.claim_id, addr).await
    {
        return r;
    }
    let (action, decided) = match form.decision.as_str() {
        "approve" => (Action::Approve, ClaimState::Approved),
        "send_back" => (Action::ReturnForCorrection, ClaimState::Scheduled),
        "reject" => (Action::Reject, ClaimState::Rejected),
        _ => {
            return not_saved(&state, pl.lang, StatusCode::UNPROCESSABLE_ENTITY, state.i18n.t(pl.lang, "err-decision"))
        }
    };
    if !in_queue {
        // Sent again (a double click): the claim has left the queue for where this
        // decision takes it.
        if claim.lifecycle.state == decided {
            return Redirect::to("/staf/persetujuan?saved=1").into_response();
        }
        return crate::pages::not_found(State(state), headers).await;
    }
    let reason = Some(form.reason.trim().to_string()).filter(|r| !r.is_empty());
    let actor = Actor::new(Role::Supervisor, session.staff.id.clone());
    let event = match claim.lifecycle.check(action, &actor, Timestamp::now(), reason.as_deref()) {
        Ok(e) => e,
        Err(e) => {
            tracing::info!(error = %e, "decision refused by the lifecycle");
            return not_saved(&state, pl.lang, StatusCode::CONFLICT, state.i18n.t(pl.lang, "err-approval-refused"));
        }
    };
    match state.store.record_claim_event(&form.claim_id, &event, None).await {
        Ok(()) => {
            record(&state, &session, &format!("claim.{}", form.decision), &form.claim_id, addr).await;
            Redirect::to("/staf/persetujuan?saved=1").into_response()
        }
        Err(e) if e.is_unavailable() => crate::pages::storage_failure(&e, "approval not saved"),
        Err(_) => not_saved(&state, pl.lang, StatusCode::CONFLICT, state.i18n.t(pl.lang, "err-approval-refused")),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AuditQuery {
    q: String,
    lang: Option<String>,
}

/// The auditor's view of the trail: search, and whether the chain is intact.
pub async fn audit_page(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(q): Query<AuditQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    let (i, lang) = (&state.i18n, pl.lang);
    let (_, session) = match current(&state, &headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let s = &session.staff;
    if !lapak_domain::staff::may(s.role, s.branch.as_deref(), lapak_domain::staff::StaffAction::ReadAudit, None) {
        let _ = guard(&state, &session, lapak_domain::staff::StaffAction::ReadAudit, "all", "audit", addr).await;
        return not_allowed(&state, lang);
    }
    record(&state, &session, "audit.search", "audit", addr).await;
    // From the last point found intact (the whole chain is checked once a day): a page
    // that reads millions of entries at every look would not open.
    let (chain, full) = match lapak_storage::audit::check(state.store.as_ref(), false, jiff::Timestamp::now()).await {
        Ok(status) => audit_texts(i, lang, &status),
        Err(_) => (i.t(lang, "err-internal"), String::new()),
    };
    const SHOWN: usize = 200;
    let mut entries = state.store.search_audit(&q.q, SHOWN as i64).await.unwrap_or_default();
    // The trail names staff by id; a username searches that person's entries too.
    if let Ok(Some(person)) = state.store.staff_by_username(q.q.trim()).await {
        entries.extend(state.store.search_audit(&person.id, SHOWN as i64).await.unwrap_or_default());
        entries.sort_by_key(|e| std::cmp::Reverse(e.at));
        entries.dedup();
        entries.truncate(SHOWN);
    }
    // And the page names them by username.
    let mut names = std::collections::HashMap::new();
    for e in &entries {
        if !names.contains_key(&e.actor_id) {
            let name = state.store.staff_by_id(&e.actor_id).await.ok().flatten().map(|s| s.username);
            names.insert(e.actor_id.clone(), name);
        }
    }
    let rows = entries
        .into_iter()
        .map(|e| {
            let who = match names.get(&e.actor_id).cloned().flatten() {
                Some(username) => format!("{} {username} ({})", e.actor_role, e.actor_id),
                None => format!("{} {}", e.actor_role, e.actor_id),
            };
            (e.at.to_string(), who, e.action, e.subject, e.detail)
        })
        .collect();
    pl.respond(StatusCode::OK, AuditPage { lang, state: &state, q: q.q, chain, full, rows })
}

/// What the auditor's page says of the chain: the check just made, and the last check of
/// the whole of it.
fn audit_texts(i: &lapak_i18n::I18n, lang: Lang, status: &lapak_storage::audit::AuditStatus) -> (String, String) {
    use lapak_storage::audit::Found;
    let chain = match status.check {
        lapak_storage::AuditCheck::Intact { entries, .. } => {
            i.t_args(lang, "audit-intact", &[("entries", &entries.to_string())])
        }
        lapak_storage::AuditCheck::BrokenAt { seq } => i.t_args(lang, "audit-broken", &[("seq", &seq.to_string())]),
    };
    let Some(last) = status.last_full else { return (chain, i.t(lang, "audit-full-none")) };
    let when = last.at.strftime("%Y-%m-%d %H:%M UTC").to_string();
    let full = match last.found {
        Found::Intact { entries } => {
            i.t_args(lang, "audit-full-intact", &[("when", &when), ("entries", &entries.to_string())])
        }
        Found::BrokenAt { seq } => i.t_args(lang, "audit-full-broken", &[("when", &when), ("seq", &seq.to_string())]),
    };
    (chain, full)
}

// ---------- the branch admin's capacity page ----------

/// One service mode as the form shows it.
struct ModeRow {
    code: &'static str,
    label: String,
    offered: bool,
    slot: String,
    seats: String,
    booths: bool,
}

/// One officer as the form shows it (blank rows add officers; clearing the id removes one).
struct OfficerRow {
    n: usize,
    id: String,
    name: String,
    mode: String,
    /// (ISO weekday, short name, ticked)
    days: Vec<(i8, String, bool)>,
    start: String,
    end: String,
    absent: String,
}

#[derive(Template)]
#[template(path = "staff_capacity.html")]
struct CapacityPage<'a> {
    lang: Lang,
    state: &'a AppState,
    branch_name: String,
    time_zone: String,
    csrf: String,
    notice: String,
    /// (field, message): a capacity problem names no field; the kiosk name's error does.
    errors: Vec<(String, String)>,
    modes: Vec<ModeRow>,
    officers: Vec<OfficerRow>,
    modes_offered: Vec<(&'static str, String)>,
    room: String,
    closed: String,
    /// (day, seats now, seats with the change) for the next 7 days.
    preview: Vec<(String, u32, u32)>,
    /// The branch's code, its walk-in kiosks, and the enrolment form's name and its error.
    code: String,
    kiosks: Vec<KioskRow>,
    kiosk_name: String,
    kiosk_error: Option<String>,
}

/// A walk-in kiosk as the capacity page lists it.
struct KioskRow {
    id: String,
    name: String,
    /// The username of the staff account that enrolled it.
    by: String,
    /// When, in the branch's zone.
    since: String,
}

/// What the capacity page answers: the form as saved, a capacity form sent (checked, and
/// saved when asked), or a kiosk name that would not do.
enum CapacityInput {
    Show,
    Form(Vec<(String, String)>),
    KioskName(String),
}

/// The branch's kiosks for its capacity page.
async fn kiosk_rows(state: &AppState, branch: &str, zone: &str, lang: Lang) -> Vec<KioskRow> {
    let kiosks = state.store.kiosks(branch).await.unwrap_or_else(|e| {
        tracing::error!(error = %e, "kiosks not read");
        Vec::new()
    });
    let mut rows = Vec::with_capacity(kiosks.len());
    for k in &kiosks {
        let by = match state.store.staff_by_id(&k.enrolled_by).await {
            Ok(Some(s)) => s.username,
            _ => k.enrolled_by.clone(),
        };
        let name = if k.name.is_empty() { state.i18n.t(lang, "kiosk-unnamed") } else { k.name.clone() };
        let since = lapak_domain::schedule::format_local(k.created_at, zone, lang == Lang::Id);
        rows.push(KioskRow { id: lapak_claims::walk_in::kiosk_id(k), name, by, since });
    }
    rows
}

crate::pages::translated!(CapacityPage);

fn seats_per_day(capacity: Option<&lapak_domain::schedule::Capacity>, days: &[jiff::civil::Date]) -> Vec<u32> {
    days.iter()
        .map(|d| {
            capacity.map_or(0, |c| {
                c.sessions(*d, lapak_domain::schedule::national_holiday).iter().map(|s| u32::from(s.seats)).sum()
            })
        })
        .collect()
}

/// The next seven days in the branch's zone.
fn next_days(zone: &str) -> Vec<jiff::civil::Date> {
    let Ok(tz) = TimeZone::get(zone) else { return Vec::new() };
    let today = Timestamp::now().to_zoned(tz).date();
    (1..=7).filter_map(|n| today.checked_add(jiff::ToSpan::days(n)).ok()).collect()
}

const WEEKDAY_KEYS: [&str; 7] = ["day-mon", "day-tue", "day-wed", "day-thu", "day-fri", "day-sat", "day-sun"];

fn dates_text(dates: &[jiff::civil::Date]) -> String {
    dates.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")
}

/// The form's rows for a capacity (or an empty one), with two blank officer rows.
fn fill_form(page: &mut CapacityPage<'_>, c: Option<&lapak_domain::schedule::Capacity>) {
    use lapak_domain::schedule::Mode;
    let (i, lang) = (&page.state.i18n, page.lang);
    page.modes = Mode::ALL
        .iter()
        .map(|m| {
            let setting = c.and_then(|c| c.setting(*m));
            ModeRow {
                code: m.code(),
                label: i.t(lang, &format!("mode-{}", m.code())),
                offered: setting.is_some(),
                slot: setting.map_or(String::new(), |s| s.slot_minutes.to_string()),
                seats: setting.map_or(String::new(), |s| s.seats.to_string()),
                booths: *m == Mode::OneToMany,
            }
        })
        .collect();
    page.modes_offered = Mode::ALL.iter().map(|m| (m.code(), i.t(lang, &format!("mode-{}", m.code())))).collect();
    let day_names: Vec<String> = WEEKDAY_KEYS.iter().map(|k| i.t(lang, k)).collect();
    let row = |n: usize, o: Option<&lapak_domain::schedule::OfficerHours>| OfficerRow {
        n,
        id: o.map_or(String::new(), |o| o.id.clone()),
        name: o.map_or(String::new(), |o| o.name.clone()),
        mode: o.map_or(String::new(), |o| o.mode.code().to_string()),
        days: (1..=7i8)
            .map(|d| (d, day_names[(d - 1) as usize].clone(), o.is_some_and(|o| o.weekdays.contains(&d))))
            .collect(),
        start: o.map_or("08:00".into(), |o| o.start.clone()),
        end: o.map_or("16:00".into(), |o| o.end.clone()),
        absent: o.map_or(String::new(), |o| dates_text(&o.absent)),
    };
    let officers = c.map(|c| c.officers.as_slice()).unwrap_or_default();
    page.officers = officers.iter().enumerate().map(|(n, o)| row(n, Some(o))).collect();
    page.officers.push(row(officers.len(), None));
    page.officers.push(row(officers.len() + 1, None));
    page.room = c.map_or(String::new(), |c| c.room_capacity.to_string());
    page.closed = c.map_or(String::new(), |c| dates_text(&c.closed));
}

/// The submitted form as a capacity, or the reasons it cannot be one.
fn read_form(
    fields: &[(String, String)],
    branch: &str,
    zone: &str,
) -> Result<lapak_domain::schedule::Capacity, Vec<String>> {
    use lapak_domain::schedule::{Capacity, Mode, ModeSetting, OfficerHours};
    let get = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let all = |k: &str| fields.iter().filter(|(f, _)| f == k).map(|(_, v)| v.trim().to_string()).collect::<Vec<_>>();
    let mut problems = Vec::new();
    let mut number = |v: String, what: &str| -> u16 {
        v.parse().unwrap_or_else(|_| {
            problems.push(format!("{what}: {v:?}"));
            0
        })
    };
    let dates = |v: String, problems: &mut Vec<String>| -> Vec<jiff::civil::Date> {
        v.split([',', ' ', '\n'])
            .filter(|d| !d.trim().is_empty())
            .filter_map(|d| d.trim().parse().map_err(|_| problems.push(format!("{d:?}"))).ok())
            .collect()
    };
    let mut modes = Vec::new();
    for m in Mode::ALL {
        if get(&format!("offer_{}", m.code())) == "1" {
            let slot = number(get(&format!("slot_{}", m.code())), m.code());
            let seats = if m == Mode::OneToMany { number(get("seats_one_to_many"), "seats") as u8 } else { 1 };
            modes.push(ModeSetting { mode: m, slot_minutes: slot, seats });
        }
    }
    let room = number(get("room_capacity"), "room_capacity");
    let mut officers = Vec::new();
    let mut n = 0;
    while fields.iter().any(|(f, _)| *f == format!("officer_id_{n}")) {
        let id = get(&format!("officer_id_{n}"));
        if !id.is_empty() {
            let mode = Mode::parse(&get(&format!("officer_mode_{n}")));
            officers.push((n, id, mode));
        }
        n += 1;
    }
    let officers = officers
        .into_iter()
        .map(|(n, id, mode)| OfficerHours {
            name: get(&format!("officer_name_{n}")),
            mode: mode.unwrap_or(Mode::Counter),
            weekdays: all(&format!("officer_days_{n}")).iter().filter_map(|d| d.parse().ok()).collect(),
            start: get(&format!("officer_start_{n}")),
            end: get(&format!("officer_end_{n}")),
            absent: dates(get(&format!("officer_absent_{n}")), &mut problems),
            id,
        })
        .collect();
    let closed = dates(get("closed"), &mut problems);
    if problems.is_empty() {
        Ok(Capacity { branch: branch.into(), time_zone: zone.into(), modes, officers, room_capacity: room, closed })
    } else {
        Err(problems)
    }
}

pub async fn capacity_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(q): Query<SessionQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang.clone() });
    capacity_response(&state, &headers, addr, pl, CapacityInput::Show).await
}

pub async fn capacity_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    body: axum::body::Bytes,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    capacity_response(&state, &headers, addr, pl, CapacityInput::Form(fields)).await
}

/// Shows the branch's capacity as a form; a submitted form is checked (every problem
/// listed), its effect on the seats of the next seven days shown, and saved when asked.
async fn capacity_response(
    state: &AppState,
    headers: &HeaderMap,
    addr: SocketAddr,
    pl: PageLang,
    input: CapacityInput,
) -> Response {
    let (i, lang) = (&state.i18n, pl.lang);
    let (_, session) = match current(state, headers, "full").await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let branch = session.staff.branch.clone().unwrap_or_default();
    if let Err(r) =
        guard(state, &session, lapak_domain::staff::StaffAction::SetCapacity, &branch, "capacity", addr).await
    {
        return r;
    }
    let b = match state.store.branch(&branch).await {
        Ok(Some(b)) => b,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(e) => return crate::pages::storage_failure(&e, "branch not read"),
    };
    let current_capacity = state.store.capacity(&branch).await.ok().flatten();
    let mut page = CapacityPage {
        lang,
        state,
        branch_name: b.name.as_str().to_string(),
        time_zone: b.time_zone.clone(),
        csrf: session.csrf.clone(),
        notice: String::new(),
        errors: Vec::new(),
        modes: Vec::new(),
        officers: Vec::new(),
        modes_offered: Vec::new(),
        room: String::new(),
        closed: String::new(),
        preview: Vec::new(),
        kiosks: kiosk_rows(state, &branch, &b.time_zone, lang).await,
        kiosk_name: String::new(),
        kiosk_error: None,
        code: branch.clone(),
    };
    page.kiosk_name = i.t_args(lang, "kiosk-default-name", &[("n", &(page.kiosks.len() + 1).to_string())]);
    let fields = match input {
        CapacityInput::Form(fields) => fields,
        CapacityInput::Show => {
            fill_form(&mut page, current_capacity.as_ref());
            return pl.respond(StatusCode::OK, page);
        }
        CapacityInput::KioskName(name) => {
            fill_form(&mut page, current_capacity.as_ref());
            let max = lapak_claims::walk_in::KIOSK_NAME_MAX.to_string();
            let message = i.t_args(lang, "err-kiosk-name", &[("max", &max)]);
            page.errors = vec![("kiosk-name".into(), message.clone())];
            (page.kiosk_name, page.kiosk_error) = (name, Some(message));
            return pl.respond(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    let field = |k: &str| fields.iter().find(|(f, _)| f == k).map(|(_, v)| v.as_str()).unwrap_or_default();
    if field("csrf") != session.csrf {
        return forbidden(state, lang);
    }
    let capacity = match read_form(&fields, &branch, &b.time_zone) {
        Ok(c) => c,
        Err(problems) => {
            fill_form(&mut page, current_capacity.as_ref());
            page.errors = problems
                .into_iter()
                .map(|p| (String::new(), i.t_args(lang, "err-capacity-field", &[("value", &p)])))
                .collect();
            return pl.respond(StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    fill_form(&mut page, Some(&capacity));
    if let Err(errors) = capacity.check() {
        page.errors = errors.iter().map(|e| (String::new(), i.t(lang, &format!("err-{}", e.code())))).collect();
        return pl.respond(StatusCode::UNPROCESSABLE_ENTITY, page);
    }
    let days = next_days(&b.time_zone);
    let (now, new) = (seats_per_day(current_capacity.as_ref(), &days), seats_per_day(Some(&capacity), &days));
    page.preview = days
        .iter()
        .zip(now.iter().zip(new.iter()))
        .map(|(d, (n, m))| {
            let weekday = i.t(lang, WEEKDAY_KEYS[(d.weekday().to_monday_one_offset() - 1) as usize]);
            (format!("{weekday} {}", d.strftime("%d/%m")), *n, *m)
        })
        .collect();
    if field("step") == "save" {
        if let Err(e) = state.store.set_capacity(&capacity).await {
            return crate::pages::storage_failure(&e, "capacity not saved");
        }
        record(state, &session, "capacity.set", &branch, addr).await;
        page.notice = i.t(lang, "capacity-saved");
    }
    pl.respond(StatusCode::OK, page)
}
