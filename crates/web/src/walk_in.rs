//! The walk-in pages: the kiosk that gives a ticket, the ticket page its holder keeps open,
//! and the queue board on the branch's screen. They need no JavaScript (without it they
//! reload themselves); `static/antrean.js` updates their live parts in place instead, and
//! makes the kiosk's return to the start announced and extendable.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use lapak_claims::walk_in;
use lapak_claims::ClaimError;
use lapak_domain::queue::TicketStatus;
use serde::Deserialize;

use crate::pages::{LangQuery, PageLang};
use crate::{AppState, Lang};

#[derive(Template)]
#[template(path = "kiosk.html")]
struct KioskPage<'a> {
    lang: Lang,
    state: &'a AppState,
    code: String,
    branch_name: String,
    whatsapp: String,
    /// The secret of the ticket this page gives ([`walk_in::page_secret`]).
    page: String,
    errors: Vec<(String, String)>,
    /// This device is a kiosk of the branch: it gives tickets. Elsewhere the page says
    /// where tickets are given.
    kiosk: bool,
}

impl KioskPage<'_> {
    /// The error at the phone number's field (others, such as too many tickets, are the
    /// page's).
    fn phone_error(&self) -> Option<&str> {
        self.errors.iter().find(|(field, _)| field == "whatsapp").map(|(_, message)| message.as_str())
    }
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage<'a> {
    lang: Lang,
    state: &'a AppState,
    label: String,
    branch_name: String,
    status_text: String,
    detail: String,
    qr: String,
    /// Shown on the kiosk's own screen: the kiosk page it goes back to for the next person.
    kiosk: Option<String>,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage<'a> {
    lang: Lang,
    state: &'a AppState,
    branch_name: String,
    serving: Vec<String>,
    called: Vec<String>,
    waiting: Vec<String>,
    inside: u32,
    capacity: u16,
}

crate::pages::translated!(KioskPage, TicketPage, BoardPage);

/// The cookie of a walk-in kiosk device (see `staff::kiosk_enrol`): sent to the kiosk pages
/// only, kept for ten years (a kiosk is withdrawn by the branch admin, not by time).
const KIOSK_COOKIE: &str = "lapak_kios";

pub(crate) fn kiosk_cookie(state: &AppState, secret: &str) -> axum::http::HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    axum::http::HeaderValue::from_str(&format!(
        "{KIOSK_COOKIE}={secret}; Path=/cabang; Max-Age=315360000; HttpOnly; SameSite=Strict{secure}"
    ))
    .expect("ascii cookie")
}

/// Whether this request comes from a kiosk of `branch`. A failed lookup counts as not.
async fn from_kiosk(state: &AppState, headers: &HeaderMap, branch: &str) -> bool {
    let secret = crate::staff::cookie_value(headers, KIOSK_COOKIE);
    match walk_in::is_kiosk_of(state.store.as_ref(), secret.as_deref(), branch).await {
        Ok(yes) => yes,
        Err(e) => {
            tracing::error!(error = %e, "kiosk not checked");
            false
        }
    }
}

async fn branch_name(state: &AppState, code: &str) -> Option<String> {
    state.store.branch(code).await.ok().flatten().map(|b| b.name.as_str().to_string())
}

pub async fn kiosk(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let form = KioskForm { whatsapp: String::new(), halaman: walk_in::page_secret() };
    let kiosk = from_kiosk(&state, &headers, &code).await;
    kiosk_page(state, headers, pl, code, (kiosk, form), StatusCode::OK, vec![]).await
}

/// The page for branch `code` on a kiosk of it (with what `form` holds and the `errors`
/// at its fields) or on another device; a branch that does not exist is not found.
async fn kiosk_page(
    state: Arc<AppState>,
    headers: HeaderMap,
    pl: PageLang,
    code: String,
    (kiosk, form): (bool, KioskForm),
    status: StatusCode,
    errors: Vec<(String, String)>,
) -> Response {
    let Some(branch_name) = branch_name(&state, &code).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    let page = KioskPage {
        lang: pl.lang,
        state: &state,
        code,
        branch_name,
        whatsapp: form.whatsapp,
        page: form.halaman,
        errors,
        kiosk,
    };
    pl.respond(status, page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KioskForm {
    whatsapp: String,
    /// The page's secret: the same page sent twice gives one ticket.
    halaman: String,
}

pub async fn take(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<KioskForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    // Tickets come from the branch's own kiosks only: the page says where to get one.
    if !from_kiosk(&state, &headers, &code).await {
        return kiosk_page(state, headers, pl, code, (false, KioskForm::default()), StatusCode::FORBIDDEN, vec![])
            .await;
    }
    let page = Some(form.halaman.as_str()).filter(|p| !p.is_empty());
    let base_url = state.base_url(&headers);
    let (status, errors) = match state
        .claims
        .take_ticket(&code, &form.whatsapp, pl.lang.code(), &base_url, page, addr.ip())
        .await
    {
        // On the kiosk's screen: the ticket page that goes back to the kiosk for the next
        // person (the QR code opens it without).
        Ok(token) => return Redirect::to(&format!("/tiket/{token}?kios=1")).into_response(),
        Err(ClaimError::Fields(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errors.iter().map(|e| (e.field.to_string(), state.i18n.t(pl.lang, &format!("err-{}", e.code)))).collect(),
        ),
        Err(ClaimError::RateLimited) => {
            (StatusCode::TOO_MANY_REQUESTS, vec![(String::new(), state.i18n.t(pl.lang, "err-rate-limited"))])
        }
        Err(ClaimError::NotFound) => return crate::pages::not_found(State(state), headers).await,
        Err(e) => return crate::pages::claim_failure(&e, "ticket not taken"),
    };
    kiosk_page(state, headers, pl, code, (true, form), status, errors).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TicketQuery {
    lang: Option<String>,
    /// `1` on the kiosk's screen, right after the ticket was taken there.
    kios: Option<String>,
}

pub async fn ticket(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<TicketQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery { lang: q.lang });
    let (i, lang) = (&state.i18n, pl.lang);
    let Ok(t) = walk_in::view(state.store.as_ref(), &token).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    let detail = match t.status {
        TicketStatus::Waiting => i.t_args(
            lang,
            "ticket-waiting-detail",
            &[("ahead", &t.ahead.to_string()), ("minutes", &t.wait_minutes.to_string())],
        ),
        other => i.t(lang, &format!("ticket-{}-detail", other.code())),
    };
    let url = format!("{}/tiket/{token}", state.base_url(&headers));
    let page = TicketPage {
        lang,
        state: &state,
        label: t.label,
        branch_name: t.branch_name,
        status_text: i.t(lang, &format!("ticket-{}", t.status.code())),
        detail,
        qr: crate::participant::qr_svg_base64(&url),
        kiosk: (q.kios.as_deref() == Some("1")).then(|| format!("/cabang/{}/tiket", t.branch_code)),
    };
    pl.respond(StatusCode::OK, page)
}

pub async fn board(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    // Sessions end and free the room on their own: call in whoever fits now.
    let _ = walk_in::admit(state.store.as_ref(), &code, &state.base_url(&headers)).await;
    let Ok(b) = walk_in::board(state.store.as_ref(), &code).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    let page = BoardPage {
        lang: pl.lang,
        state: &state,
        branch_name: b.branch_name,
        serving: b.serving,
        called: b.called,
        waiting: b.waiting,
        inside: b.inside,
        capacity: b.capacity,
    };
    pl.respond(StatusCode::OK, page)
}
