//! The participant's pages: identity → cause → payment → documents → review → submit, and
//! tracking. Plain HTML forms, no JavaScript; what the participant typed is saved on the
//! server at every step, and a resume cookie (or the e-mailed link) brings it back.

use askama::Template;
use axum::extract::{ConnectInfo, Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use jiff::civil::Date;
use lapak_claims::{ClaimError, Draft, FieldError, IdentityInput, PaymentInput};
use lapak_domain::bank::BankCode;
use lapak_domain::cause::ClaimCause;
use lapak_domain::documents::{required_documents, Need};
use lapak_domain::eligibility::{Decision, Ground};
use lapak_domain::member::BranchKind;
use lapak_domain::region::IndonesianZone;
use lapak_domain::Rupiah;
use serde::Deserialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use crate::pages::{LangQuery, PageLang};
use crate::AppState;
use lapak_i18n::{I18n, Lang};

/// The resume cookie: the draft's secret, never the NIK. HttpOnly, SameSite=Lax.
const COOKIE: &str = "lapak_klaim";

fn resume_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("lapak_klaim=").map(str::to_string))
        .filter(|t| !t.is_empty() && t.len() <= 128)
}

/// The resume cookie; `Secure` when Lapak is served over HTTPS (ASVS 3.4.1).
fn set_cookie(state: &AppState, token: &str) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{COOKIE}={token}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax{secure}"))
        .expect("ascii token")
}

/// 303 to `to`: the browser follows with GET, so a reload never posts twice.
fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub struct Choice {
    pub value: String,
    pub text: String,
    pub id: String,
}

pub struct Field {
    pub name: &'static str,
    pub label: String,
    pub hint: Option<String>,
    pub value: String,
    pub error: Option<String>,
    /// text, select or radio
    pub kind: &'static str,
    pub inputmode: &'static str,
    pub autocomplete: &'static str,
    pub options: Vec<Choice>,
}

impl Field {
    fn text(i18n: &I18n, lang: Lang, name: &'static str, value: &str) -> Field {
        Field {
            name,
            label: i18n.t(lang, &format!("field-{name}")),
            hint: None,
            value: value.to_string(),
            error: None,
            kind: "text",
            inputmode: "text",
            autocomplete: "off",
            options: Vec::new(),
        }
    }

    fn hint(mut self, i18n: &I18n, lang: Lang, key: &str) -> Field {
        self.hint = Some(i18n.t(lang, key));
        self
    }

    fn mode(mut self, inputmode: &'static str, autocomplete: &'static str) -> Field {
        self.inputmode = inputmode;
        self.autocomplete = autocomplete;
        self
    }

    fn choices(mut self, kind: &'static str, options: Vec<(String, String)>) -> Field {
        self.kind = kind;
        self.options = options
            .into_iter()
            .enumerate()
            .map(|(i, (value, text))| Choice {
                id: if i == 0 { format!("field-{}", self.name) } else { format!("field-{}-{}", self.name, value) },
                value,
                text,
            })
            .collect();
        self
    }
}

/// The decision panel: outcome, why, and the estimate.
pub struct DecisionView {
    pub outcome: &'static str,
    pub headline: String,
    pub why: String,
    pub note: Option<String>,
    pub estimate: Option<Estimate>,
}

pub struct Estimate {
    pub gross: String,
    pub tax: String,
    pub net: String,
    pub npwp_required: bool,
}

/// "12 Desember 2026" / "12 December 2026".
pub fn long_date(lang: Lang, d: Date) -> String {
    lapak_domain::dates::long_date(d, lang == Lang::Id)
}

fn money(lang: Lang, r: Rupiah) -> String {
    let s = r.to_string();
    if lang == Lang::En {
        s.replace('.', ",")
    } else {
        s
    }
}

fn decision_view(i18n: &I18n, lang: Lang, d: &Decision) -> DecisionView {
    let why = |g: Ground| {
        let lwd = match g {
            Ground::WaitingPeriod { last_working_day } | Ground::WaitingPeriodOver { last_working_day } => {
                long_date(lang, last_working_day)
            }
            _ => String::new(),
        };
        i18n.t_args(lang, &format!("ground-{}", g.code()), &[("lwd", &lwd)])
    };
    let estimate = |b: &lapak_domain::tax::Benefit| Estimate {
        gross: money(lang, b.gross),
        tax: money(lang, b.tax),
        net: money(lang, b.net),
        npwp_required: b.npwp_required,
    };
    match d {
        Decision::Eligible { why: g, benefit } => DecisionView {
            outcome: "eligible",
            headline: i18n.t(lang, "decision-eligible"),
            why: why(*g),
            note: None,
            estimate: Some(estimate(benefit)),
        },
        Decision::NotYet { from, why: g, benefit } => DecisionView {
            outcome: "not_yet",
            headline: i18n.t_args(lang, "decision-not-yet", &[("date", &long_date(lang, *from))]),
            why: why(*g),
            note: Some(i18n.t(lang, "decision-not-yet-note")),
            estimate: Some(estimate(benefit)),
        },
        Decision::Refused { why: g } => DecisionView {
            outcome: "refused",
            headline: i18n.t(lang, "decision-refused"),
            why: why(*g),
            note: None,
            estimate: None,
        },
    }
}

#[derive(Template)]
#[template(path = "form.html")]
pub struct FormPage<'a> {
    lang: Lang,
    state: &'a AppState,
    title: String,
    lead: Option<String>,
    action: &'static str,
    button: String,
    fields: Vec<Field>,
    errors: Vec<(String, String)>,
    decision: Option<DecisionView>,
}

impl<'a> FormPage<'a> {
    /// A form page with no errors yet.
    fn new(
        state: &'a AppState,
        lang: Lang,
        title: String,
        action: &'static str,
        button: &str,
        fields: Vec<Field>,
    ) -> FormPage<'a> {
        FormPage {
            button: state.i18n.t(lang, button),
            lang,
            state,
            title,
            lead: None,
            action,
            fields,
            errors: Vec::new(),
            decision: None,
        }
    }

    /// Shows a service error on the page (at its fields, in the summary, or as the
    /// eligibility decision) and returns the status to answer with.
    fn show_error(&mut self, e: &ClaimError) -> StatusCode {
        let (i, lang) = (&self.state.i18n, self.lang);
        match e {
            ClaimError::Fields(errors) => self.errors = apply_errors(i, lang, &mut self.fields, errors),
            ClaimError::NotEligible(d) => self.decision = Some(decision_view(i, lang, d)),
            other => self.errors = general(i, lang, other),
        }
        match e {
            ClaimError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
            ClaimError::NotFound => StatusCode::NOT_FOUND,
            _ => crate::pages::claim_status(e, StatusCode::UNPROCESSABLE_ENTITY),
        }
    }

    fn lead(mut self, key: &str) -> FormPage<'a> {
        self.lead = Some(self.state.i18n.t(self.lang, key));
        self
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage<'a> {
    lang: Lang,
    state: &'a AppState,
    tasks: Vec<Task>,
}

struct Task {
    label: String,
    href: Option<&'static str>,
    status: String,
    status_class: &'static str,
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage<'a> {
    lang: Lang,
    state: &'a AppState,
    lead: String,
    documents: Vec<DocumentRow>,
    errors: Vec<(String, String)>,
}

struct DocumentRow {
    code: &'static str,
    label: String,
    optional: bool,
    files: Vec<(String, String)>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage<'a> {
    lang: Lang,
    state: &'a AppState,
    rows: Vec<(String, String, &'static str)>,
    decision: Option<DecisionView>,
    ready: bool,
    errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "done.html")]
struct DonePage<'a> {
    lang: Lang,
    state: &'a AppState,
    number: String,
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    lang: Lang,
    state: &'a AppState,
    number: String,
    rows: Vec<(String, String)>,
    qr: String,
    /// The tracking page's address, printed under the QR code for those who cannot scan it.
    track_url: String,
}

#[derive(Template)]
#[template(path = "track_result.html")]
struct TrackPage<'a> {
    lang: Lang,
    state: &'a AppState,
    number: String,
    state_name: String,
    next: String,
    events: Vec<(String, String, String)>,
    /// (label, value, link) lines of the appointment, when there is one.
    appointment: Vec<(String, String, String)>,
    /// What the participant typed, carried by the move and cancel forms (in the body).
    birth: String,
    can_move: bool,
    can_cancel: bool,
    /// Needs documents: what was asked for, and by when.
    asked: Vec<String>,
    due: String,
}

#[derive(Template)]
#[template(path = "choose_slot.html")]
struct ChooseSlotPage<'a> {
    lang: Lang,
    state: &'a AppState,
    number: String,
    birth: String,
    options: Vec<(String, String)>,
    errors: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "confirm_cancel.html")]
struct ConfirmCancelPage<'a> {
    lang: Lang,
    state: &'a AppState,
    number: String,
    birth: String,
    body: String,
    errors: Vec<(String, String)>,
}

crate::pages::translated!(
    FormPage,
    TasksPage,
    DocumentsPage,
    ReviewPage,
    DonePage,
    ReceiptPage,
    TrackPage,
    ChooseSlotPage,
    ConfirmCancelPage
);

/// Field errors as (field, message) pairs for the summary, and set on the fields.
fn apply_errors(i18n: &I18n, lang: Lang, fields: &mut [Field], errors: &[FieldError]) -> Vec<(String, String)> {
    let mut summary = Vec::new();
    for e in errors {
        let label = fields.iter().find(|f| f.name == e.field).map(|f| f.label.as_str());
        let message = crate::pages::error_message(i18n, lang, e.code, label);
        if let Some(f) = fields.iter_mut().find(|f| f.name == e.field) {
            if f.error.is_none() {
                f.error = Some(message.clone());
            }
        }
        summary.push((e.field.to_string(), message));
    }
    summary
}

/// A general error (not tied to a field) for the summary.
fn general(i18n: &I18n, lang: Lang, e: &ClaimError) -> Vec<(String, String)> {
    vec![(String::new(), i18n.t(lang, &format!("err-{}", e.code())))]
}

fn client_ip(addr: SocketAddr) -> std::net::IpAddr {
    addr.ip()
}

// ---------- identity ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct IdentityForm {
    nik: String,
    kpj: String,
    full_name: String,
    birth_date: String,
}

fn identity_page<'a>(state: &'a AppState, lang: Lang, form: &IdentityForm) -> FormPage<'a> {
    let i = &state.i18n;
    FormPage::new(
        state,
        lang,
        i.t(lang, "identity-title"),
        "/klaim/identitas",
        "continue",
        vec![
            Field::text(i, lang, "nik", &form.nik).hint(i, lang, "hint-nik").mode("numeric", "off"),
            Field::text(i, lang, "kpj", &form.kpj).hint(i, lang, "hint-kpj").mode("numeric", "off"),
            Field::text(i, lang, "full_name", &form.full_name).mode("text", "name"),
            Field::text(i, lang, "birth_date", &form.birth_date).hint(i, lang, "hint-date").mode("numeric", "bday"),
        ],
    )
    .lead("identity-lead")
}

/// `/klaim`: the task list when a draft is open, else the identity question.
pub async fn start(State(state): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    if let Some(token) = resume_token(&headers) {
        match open_draft(&state, &token).await {
            Ok(Some(draft)) => return tasks(&state, &pl, &draft),
            Ok(None) => {}
            Err(failed) => return failed,
        }
    }
    pl.respond(StatusCode::OK, identity_page(&state, pl.lang, &IdentityForm::default()))
}

pub async fn identity_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    pl.respond(StatusCode::OK, identity_page(&state, pl.lang, &IdentityForm::default()))
}

pub async fn identity_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<IdentityForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let lang = pl.lang;
    let input = IdentityInput {
        nik: form.nik.clone(),
        kpj: form.kpj.clone(),
        full_name: form.full_name.clone(),
        birth_date: form.birth_date.clone(),
    };
    match state.claims.start(&input, client_ip(addr), lang.code()).await {
        Ok(started) => {
            let mut res = see_other("/klaim");
            res.headers_mut().insert(header::SET_COOKIE, set_cookie(&state, &started.resume_token));
            res
        }
        Err(e) => {
            let mut page = identity_page(&state, lang, &form);
            let status = page.show_error(&e);
            pl.respond(status, page)
        }
    }
}

/// The e-mailed resume link: sets the cookie and opens the task list; the secret leaves the
/// address bar at once (redirect). One that opens nothing (newer links pushed it out, see
/// `Store::add_resume_link`; the draft was deleted after its retention period; or the claim
/// was sent and the link has passed that period too) says so
/// above the identity step, rather than leaving them at it without a word.
pub async fn resume_link(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(token): Path<String>,
) -> Response {
    match open_draft(&state, &token).await {
        Ok(Some(_)) => {
            let mut res = see_other("/klaim");
            res.headers_mut().insert(header::SET_COOKIE, set_cookie(&state, &token));
            res
        }
        Ok(None) => {
            let pl = PageLang::resolve(&headers, &LangQuery::default());
            let page = identity_page(&state, pl.lang, &IdentityForm::default()).lead("resume-link-expired");
            pl.respond(StatusCode::GONE, page)
        }
        Err(failed) => failed,
    }
}

/// The draft `token` opens, or `None` when it opens none (unknown, expired, replaced). A
/// draft the store could not read now is not a draft gone (starting over would look as if
/// everything typed were lost): `Err` with the store's answer.
async fn open_draft(state: &AppState, token: &str) -> Result<Option<Draft>, Response> {
    match state.claims.resume(token).await {
        Ok(draft) => Ok(Some(draft)),
        Err(ClaimError::Storage(cause)) => Err(crate::pages::storage_failure(&cause, "draft not read")),
        Err(_) => Ok(None),
    }
}

/// The draft the resume cookie opens; without one, a redirect to the start.
pub struct CurrentDraft(Draft);

impl axum::extract::FromRequestParts<Arc<AppState>> for CurrentDraft {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &Arc<AppState>,
    ) -> Result<Self, Response> {
        let token = resume_token(&parts.headers).ok_or_else(|| see_other("/klaim/identitas"))?;
        open_draft(state, &token).await?.map(CurrentDraft).ok_or_else(|| see_other("/klaim/identitas"))
    }
}

fn tasks(state: &AppState, pl: &PageLang, draft: &Draft) -> Response {
    let (i, lang) = (&state.i18n, pl.lang);
    let a = &draft.claim.application;
    if draft.claim.number.is_some()
        && draft.claim.lifecycle.state != lapak_domain::lifecycle::ClaimState::NeedsDocuments
    {
        return see_other("/klaim/selesai");
    }
    let status = |done: bool, can: bool| -> (String, &'static str) {
        match (done, can) {
            (true, _) => (i.t(lang, "status-done"), "done"),
            (false, true) => (i.t(lang, "status-todo"), "todo"),
            (false, false) => (i.t(lang, "status-cannot"), "cannot"),
        }
    };
    let docs_done = a.cause.is_some_and(|c| {
        lapak_domain::documents::missing_documents(c, draft.npwp_needed(), &draft.uploaded_kinds()).is_empty()
    });
    let rows = [
        ("task-identity", None, true, true),
        ("task-cause", Some("/klaim/sebab"), a.cause_done(), true),
        ("task-payment", Some("/klaim/pembayaran"), a.payment_done(draft.npwp_needed()), a.cause.is_some()),
        ("task-documents", Some("/klaim/dokumen"), docs_done, a.cause.is_some()),
        ("task-review", Some("/klaim/periksa"), false, draft.missing().is_none()),
    ];
    let tasks = rows
        .into_iter()
        .map(|(key, href, done, can)| {
            let (text, class) = status(done, can);
            Task { label: i.t(lang, key), href: href.filter(|_| can), status: text, status_class: class }
        })
        .collect();
    pl.respond(StatusCode::OK, TasksPage { lang, state, tasks })
}

// ---------- cause ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CauseForm {
    cause: String,
    last_working_day: String,
}

fn cause_page<'a>(state: &'a AppState, lang: Lang, form: &CauseForm) -> FormPage<'a> {
    let i = &state.i18n;
    let causes =
        ClaimCause::ALL.iter().map(|c| (c.code().to_string(), i.t(lang, &format!("cause-{}", c.code())))).collect();
    FormPage::new(
        state,
        lang,
        i.t(lang, "cause-title"),
        "/klaim/sebab",
        "continue",
        vec![
            Field::text(i, lang, "cause", &form.cause).choices("radio", causes),
            Field::text(i, lang, "last_working_day", &form.last_working_day)
                .hint(i, lang, "hint-last_working_day")
                .mode("numeric", "off"),
        ],
    )
}

fn date_text(d: Option<Date>) -> String {
    d.map(|d| d.strftime("%d/%m/%Y").to_string()).unwrap_or_default()
}

pub async fn cause_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let a = &draft.claim.application;
    let form = CauseForm {
        cause: a.cause.map(|c| c.code().to_string()).unwrap_or_default(),
        last_working_day: date_text(a.last_working_day),
    };
    let mut page = cause_page(&state, pl.lang, &form);
    page.decision = draft.decision.as_ref().map(|d| decision_view(&state.i18n, pl.lang, d));
    pl.respond(StatusCode::OK, page)
}

pub async fn cause_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Form(form): Form<CauseForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    match state.claims.save_cause(&draft, &form.cause, &form.last_working_day).await {
        // Show the decision with the estimate before moving on.
        Ok(_) => see_other("/klaim/sebab/hasil"),
        Err(e) => {
            let mut page = cause_page(&state, pl.lang, &form);
            let status = page.show_error(&e);
            pl.respond(status, page)
        }
    }
}

/// The eligibility decision for the saved cause, explained, with the estimate.
pub async fn cause_result(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let Some(decision) = &draft.decision else { return see_other("/klaim/sebab") };
    let i = &state.i18n;
    let title = i.t(pl.lang, &format!("cause-{}", draft.claim.application.cause.map_or("resignation", |c| c.code())));
    let page = FormPage {
        decision: Some(decision_view(i, pl.lang, decision)),
        ..FormPage::new(&state, pl.lang, title, "/klaim/lanjut", "continue", Vec::new())
    };
    pl.respond(StatusCode::OK, page)
}

/// "Continue" from a result page: back to the task list.
pub async fn next_task() -> Response {
    see_other("/klaim")
}

// ---------- payment ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PaymentForm {
    bank_code: String,
    account_number: String,
    account_holder: String,
    email: String,
    whatsapp: String,
    npwp: String,
    branch: String,
    service: String,
}

async fn payment_page<'a>(state: &'a AppState, lang: Lang, form: &PaymentForm, npwp_needed: bool) -> FormPage<'a> {
    let i = &state.i18n;
    let banks = BankCode::all().map(|b| (b.code.to_string(), format!("{} ({})", b.name, b.code))).collect();
    let branches = state
        .store
        .branches()
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|b| b.kind != BranchKind::Kanwil)
        .map(|b| {
            let zone = IndonesianZone::from_iana(&b.time_zone).map_or("", |z| z.abbreviation());
            (b.code.as_str().to_string(), format!("{} ({zone})", b.name))
        })
        .collect();
    let mut npwp = Field::text(i, lang, "npwp", &form.npwp).mode("numeric", "off");
    if npwp_needed {
        npwp = npwp.hint(i, lang, "estimate-npwp");
    } else {
        npwp = npwp.hint(i, lang, "hint-npwp");
    }
    FormPage::new(
        state,
        lang,
        i.t(lang, "payment-title"),
        "/klaim/pembayaran",
        "continue",
        vec![
            Field::text(i, lang, "bank_code", &form.bank_code).choices("select", banks),
            Field::text(i, lang, "account_number", &form.account_number).mode("numeric", "off"),
            Field::text(i, lang, "account_holder", &form.account_holder)
                .hint(i, lang, "hint-account_holder")
                .mode("text", "name"),
            Field::text(i, lang, "email", &form.email).mode("email", "email"),
            Field::text(i, lang, "whatsapp", &form.whatsapp).hint(i, lang, "hint-whatsapp").mode("tel", "tel"),
            npwp,
            Field::text(i, lang, "branch", &form.branch).choices("select", branches),
            Field::text(i, lang, "service", &form.service).hint(i, lang, "hint-service").choices(
                "select",
                lapak_domain::schedule::SERVICES
                    .iter()
                    .map(|s| (s.to_string(), i.t(lang, &format!("service-{s}"))))
                    .collect(),
            ),
        ],
    )
    .lead("payment-lead")
}

pub async fn payment_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let a = &draft.claim.application;
    let form = PaymentForm {
        bank_code: a.bank_account.as_ref().map(|b| b.bank_code().to_string()).unwrap_or_default(),
        account_number: a.bank_account.as_ref().map(|b| b.number().to_string()).unwrap_or_default(),
        account_holder: a.account_holder.as_ref().map(|n| n.as_str().to_string()).unwrap_or_default(),
        email: a.email.as_ref().or(draft.member.email.as_ref()).map(|e| e.as_str().to_string()).unwrap_or_default(),
        whatsapp: a
            .whatsapp
            .as_ref()
            .or(draft.member.phone.as_ref())
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        npwp: a.npwp.as_ref().map(|n| n.as_str().to_string()).unwrap_or_default(),
        branch: a.branch.as_ref().map(|b| b.as_str().to_string()).unwrap_or_default(),
        service: match (a.service, a.anywhere) {
            (Some(lapak_domain::schedule::Mode::VideoCall), true) => "video_call_anywhere".into(),
            (Some(mode), _) => mode.code().into(),
            (None, _) => "video_call".into(),
        },
    };
    let page = payment_page(&state, pl.lang, &form, draft.npwp_needed()).await;
    pl.respond(StatusCode::OK, page)
}

pub async fn payment_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Form(form): Form<PaymentForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let input = PaymentInput {
        bank_code: form.bank_code.clone(),
        account_number: form.account_number.clone(),
        account_holder: form.account_holder.clone(),
        email: form.email.clone(),
        whatsapp: form.whatsapp.clone(),
        npwp: form.npwp.clone(),
        branch: form.branch.clone(),
        service: form.service.clone(),
    };
    match state.claims.save_payment(&draft, &input).await {
        Ok(()) => see_other("/klaim"),
        Err(e) => {
            let mut page = payment_page(&state, pl.lang, &form, draft.npwp_needed()).await;
            let status = page.show_error(&e);
            pl.respond(status, page)
        }
    }
}

// ---------- documents ----------

fn documents_page<'a>(
    state: &'a AppState,
    lang: Lang,
    draft: &Draft,
    error: Option<(&str, String)>,
) -> DocumentsPage<'a> {
    let i = &state.i18n;
    let cause = draft.claim.application.cause.unwrap_or(ClaimCause::Resignation);
    let npwp_needed = draft.npwp_needed();
    // Asked for documents: only those are open again.
    let asked = &draft.claim.requested_documents;
    let documents: Vec<DocumentRow> = required_documents(cause)
        .iter()
        .filter(|(kind, _)| asked.is_empty() || asked.contains(kind))
        .map(|(kind, need)| DocumentRow {
            code: kind.code(),
            label: i.t(lang, &format!("doc-{}", kind.code())),
            optional: *need == Need::RequiredIfNpwpNeeded && !npwp_needed,
            files: draft
                .documents
                .iter()
                .filter(|d| d.kind == *kind)
                .enumerate()
                .map(|(n, d)| {
                    (
                        d.id.clone(),
                        format!(
                            "{} {} · {} KB",
                            d.content_type.rsplit('/').next().unwrap_or("").to_uppercase(),
                            n + 1,
                            (d.size_bytes + 1023) / 1024
                        ),
                    )
                })
                .collect(),
            error: error.as_ref().filter(|(code, _)| *code == kind.code()).map(|(_, m)| m.clone()),
        })
        .collect();
    // The summary names the document; the message at the field does not need to.
    let errors = error
        .map(|(code, m)| {
            let label = documents.iter().find(|d| d.code == code).map(|d| d.label.clone()).unwrap_or_default();
            vec![(format!("file-{code}"), if label.is_empty() { m } else { format!("{label}: {m}") })]
        })
        .unwrap_or_default();
    let mut lead = i.t(lang, "documents-lead");
    if let Some(due) = draft.claim.documents_due.filter(|_| !asked.is_empty()) {
        lead = format!(
            "{} {lead}",
            i.t_args(lang, "documents-asked", &[("date", &local_time(lang, due, "Asia/Jakarta"))])
        );
    }
    DocumentsPage { lang, state, lead, documents, errors }
}

pub async fn documents_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    if draft.claim.application.cause.is_none() {
        return see_other("/klaim/sebab");
    }
    pl.respond(StatusCode::OK, documents_page(&state, pl.lang, &draft, None))
}

pub async fn documents_upload(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    mut multipart: Multipart,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let mut kind = String::new();
    let mut bytes = Vec::new();
    let mut too_large = false;
    let max = state.claims.max_upload_bytes();
    loop {
        match multipart.next_field().await {
            Ok(Some(mut field)) => match field.name() {
                Some("kind") => kind = field.text().await.unwrap_or_default(),
                Some("file") => match crate::pages::read_file(&mut field, max).await {
                    Some(b) => bytes = b,
                    None => too_large = true,
                },
                _ => {}
            },
            Ok(None) => break,
            Err(_) => {
                too_large = true;
                break;
            }
        }
    }
    let result = if too_large {
        Err(ClaimError::Fields(vec![FieldError { field: "file", code: "file-too-large" }]))
    } else {
        state.claims.upload(&draft, &kind, &bytes).await
    };
    match result {
        Ok(_) => see_other("/klaim/dokumen"),
        Err(e) => {
            let code = match &e {
                ClaimError::Fields(errs) => errs[0].code,
                other => other.code(),
            };
            let message = state.i18n.t(pl.lang, &format!("err-{code}"));
            let kind_code = lapak_domain::documents::DocumentKind::parse(&kind).map_or("kpj_card", |k| k.code());
            let draft = state.claims.resume(&resume_token(&headers).unwrap_or_default()).await.unwrap_or(draft);
            pl.respond(
                crate::pages::claim_status(&e, StatusCode::UNPROCESSABLE_ENTITY),
                documents_page(&state, pl.lang, &draft, Some((kind_code, message))),
            )
        }
    }
}

pub async fn documents_remove(
    State(state): State<Arc<AppState>>,
    CurrentDraft(draft): CurrentDraft,
    Path(id): Path<String>,
) -> Response {
    let _ = state.claims.remove_document(&draft, &id).await;
    see_other("/klaim/dokumen")
}

// ---------- review and submit ----------

fn review_rows(i: &I18n, lang: Lang, draft: &Draft) -> Vec<(String, String, &'static str)> {
    let a = &draft.claim.application;
    let m = &draft.member;
    let dash = || "—".to_string();
    vec![
        (i.t(lang, "field-nik"), m.nik.masked(), ""),
        (i.t(lang, "field-kpj-short"), m.kpj.to_string(), ""),
        (i.t(lang, "field-full_name"), m.full_name.to_string(), ""),
        (
            i.t(lang, "field-cause"),
            a.cause.map_or_else(dash, |c| i.t(lang, &format!("cause-{}", c.code()))),
            "/klaim/sebab",
        ),
        (
            i.t(lang, "field-last_working_day"),
            a.last_working_day.map_or_else(dash, |d| long_date(lang, d)),
            "/klaim/sebab",
        ),
        (i.t(lang, "field-bank_code"), a.bank_account.as_ref().map_or_else(dash, |b| b.masked()), "/klaim/pembayaran"),
        (
            i.t(lang, "field-account_holder"),
            a.account_holder.as_ref().map_or_else(dash, |n| n.to_string()),
            "/klaim/pembayaran",
        ),
        (i.t(lang, "field-email"), a.email.as_ref().map_or_else(dash, |e| e.as_str().to_string()), "/klaim/pembayaran"),
        (
            i.t(lang, "field-whatsapp"),
            a.whatsapp.as_ref().map_or_else(dash, |p| p.as_str().to_string()),
            "/klaim/pembayaran",
        ),
        (i.t(lang, "field-npwp"), a.npwp.as_ref().map_or_else(dash, |n| n.to_string()), "/klaim/pembayaran"),
        (i.t(lang, "field-branch"), a.branch.as_ref().map_or_else(dash, |b| b.to_string()), "/klaim/pembayaran"),
        (i.t(lang, "task-documents"), draft.documents.len().to_string(), "/klaim/dokumen"),
    ]
}

fn review_page<'a>(state: &'a AppState, lang: Lang, draft: &Draft, errors: Vec<(String, String)>) -> ReviewPage<'a> {
    let i = &state.i18n;
    let mut errors = errors;
    if let Some(missing) = draft.missing() {
        for part in missing.parts {
            let key = match part {
                lapak_domain::application::Part::Cause => ("/klaim/sebab", "missing-cause"),
                lapak_domain::application::Part::Payment => ("/klaim/pembayaran", "missing-payment"),
                lapak_domain::application::Part::Documents => ("/klaim/dokumen", "missing-documents"),
            };
            errors.push((String::new(), format!("{} {}", i.t(lang, "review-not-ready"), i.t(lang, key.1))));
        }
    }
    ReviewPage {
        lang,
        state,
        rows: review_rows(i, lang, draft),
        decision: draft.decision.as_ref().map(|d| decision_view(i, lang, d)),
        ready: draft.missing().is_none() && matches!(draft.decision, Some(Decision::Eligible { .. })),
        errors,
    }
}

pub async fn review(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    pl.respond(StatusCode::OK, review_page(&state, pl.lang, &draft, Vec::new()))
}

pub async fn submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    match state.claims.submit(&draft, pl.lang.code(), None).await {
        Ok(_) => see_other("/klaim/selesai"),
        Err(e) => {
            let errors = general(&state.i18n, pl.lang, &e);
            pl.respond(
                crate::pages::claim_status(&e, StatusCode::UNPROCESSABLE_ENTITY),
                review_page(&state, pl.lang, &draft, errors),
            )
        }
    }
}

pub async fn done(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    match &draft.claim.number {
        Some(n) => pl.respond(StatusCode::OK, DonePage { lang: pl.lang, state: &state, number: n.to_string() }),
        None => see_other("/klaim"),
    }
}

pub(crate) fn qr_svg_base64(text: &str) -> String {
    use base64::Engine;
    let code = qrcode::QrCode::new(text.as_bytes()).expect("short text fits a QR code");
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(160, 160).build();
    base64::engine::general_purpose::STANDARD.encode(svg)
}

pub async fn receipt(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    CurrentDraft(draft): CurrentDraft,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let Some(number) = &draft.claim.number else { return see_other("/klaim") };
    let i = &state.i18n;
    let track_url = format!("{}/lacak", state.base_url(&headers));
    let url = format!("{track_url}?nomor={}", number.as_str());
    let mut rows: Vec<(String, String)> = review_rows(i, pl.lang, &draft).into_iter().map(|(l, v, _)| (l, v)).collect();
    if let Some(at) = draft.claim.submitted_at {
        let zone = match &draft.claim.application.branch {
            Some(code) => state.store.branch(code.as_str()).await.ok().flatten().map(|b| b.time_zone),
            None => None,
        };
        rows.insert(
            0,
            (i.t(pl.lang, "receipt-submitted-at"), local_time(pl.lang, at, zone.as_deref().unwrap_or("Asia/Jakarta"))),
        );
    }
    pl.respond(
        StatusCode::OK,
        ReceiptPage {
            lang: pl.lang,
            state: &state,
            number: number.to_string(),
            rows,
            qr: qr_svg_base64(&url),
            track_url,
        },
    )
}

/// "12 Desember 2026 14.05 WIB" in the branch's zone.
pub fn local_time(lang: Lang, at: jiff::Timestamp, zone: &str) -> String {
    let Ok(z) = at.in_tz(zone) else { return at.to_string() };
    let abbr = IndonesianZone::from_iana(zone).map_or("", |z| z.abbreviation());
    let sep = if lang == Lang::Id { '.' } else { ':' };
    format!("{} {:02}{sep}{:02} {abbr}", long_date(lang, z.date()), z.hour(), z.minute())
}

// ---------- tracking ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrackForm {
    claim_number: String,
    birth_date: String,
}

fn track_form_page<'a>(state: &'a AppState, lang: Lang, form: &TrackForm) -> FormPage<'a> {
    let i = &state.i18n;
    FormPage::new(
        state,
        lang,
        i.t(lang, "track-title"),
        "/lacak",
        "track-button",
        vec![
            Field::text(i, lang, "claim_number", &form.claim_number).hint(i, lang, "hint-claim_number"),
            Field::text(i, lang, "birth_date", &form.birth_date).hint(i, lang, "hint-date").mode("numeric", "bday"),
        ],
    )
    .lead("track-lead")
}

pub async fn track_form(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let lang_q = LangQuery::from_map(&q);
    let pl = PageLang::resolve(&headers, &lang_q);
    let form = TrackForm { claim_number: q.get("nomor").cloned().unwrap_or_default(), birth_date: String::new() };
    pl.respond(StatusCode::OK, track_form_page(&state, pl.lang, &form))
}

/// The appointment as (label, value, link) lines for the tracking page.
fn appointment_lines(i: &I18n, lang: Lang, a: Option<&lapak_claims::Appointment>) -> Vec<(String, String, String)> {
    let Some(a) = a else { return Vec::new() };
    let mode = a.mode.code();
    let when = lapak_domain::schedule::format_local(a.starts_at, &a.time_zone, lang == Lang::Id);
    let mut lines = vec![
        (i.t(lang, "appointment-when"), when, String::new()),
        (i.t(lang, "appointment-how"), i.t(lang, &format!("mode-{mode}")), String::new()),
    ];
    match &a.link {
        Some(link) => lines.push((i.t(lang, "appointment-link"), link.clone(), link.clone())),
        None => lines.push((i.t(lang, "appointment-where"), a.branch_name.clone(), String::new())),
    }
    if a.mode == lapak_domain::schedule::Mode::OneToMany {
        lines.push((i.t(lang, "appointment-seat"), a.seat.to_string(), String::new()));
    }
    lines.push((i.t(lang, "appointment-prepare"), i.t(lang, &format!("prepare-{mode}")), String::new()));
    lines
}

/// The tracking form's answer. `?lang=` on the form's address shows it in that language
/// (the result page's language switch posts the same claim again, so nothing of it goes
/// into an address).
pub async fn track_submit(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Query(query): Query<LangQuery>,
    Form(form): Form<TrackForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &query);
    let (i, lang) = (&state.i18n, pl.lang);
    match state.claims.track(&form.claim_number, &form.birth_date, client_ip(addr)).await {
        Ok(t) => {
            let events = t
                .events
                .iter()
                .map(|e| {
                    (
                        local_time(lang, e.at, &t.time_zone),
                        i.t(lang, &format!("state-{}", e.to.code())),
                        e.reason.clone().unwrap_or_default(),
                    )
                })
                .collect();
            let page = TrackPage {
                lang,
                state: &state,
                number: t.number.to_string(),
                state_name: i.t(lang, &format!("state-{}", t.state.code())),
                next: i.t(lang, &t.next_key()),
                events,
                appointment: appointment_lines(i, lang, t.appointment.as_ref()),
                birth: form.birth_date.clone(),
                asked: t.requested_documents.iter().map(|k| i.t(lang, &format!("doc-{}", k.code()))).collect(),
                due: t.documents_due.map(|d| local_time(lang, d, &t.time_zone)).unwrap_or_default(),
                can_move: t.state == lapak_domain::lifecycle::ClaimState::Scheduled
                    && t.appointment.is_some()
                    && !t.collective,
                can_cancel: matches!(
                    t.state,
                    lapak_domain::lifecycle::ClaimState::Submitted
                        | lapak_domain::lifecycle::ClaimState::Scheduled
                        | lapak_domain::lifecycle::ClaimState::NeedsDocuments
                ),
            };
            pl.respond(StatusCode::OK, page)
        }
        Err(e) => {
            let mut page = track_form_page(&state, lang, &form);
            let status = page.show_error(&e);
            pl.respond(status, page)
        }
    }
}

// ---------- moving or cancelling from the tracking page ----------

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    claim_number: String,
    birth_date: String,
    session_id: String,
}

/// Without a chosen slot: the free slots to choose from. With one: move there.
pub async fn reschedule(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<MoveForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (i, lang) = (&state.i18n, pl.lang);
    let client = client_ip(addr);
    let (mut errors, mut status) = (Vec::new(), StatusCode::OK);
    if !form.session_id.is_empty() {
        match state.claims.reschedule(&form.claim_number, &form.birth_date, &form.session_id, client, lang.code()).await
        {
            Ok(moved) => {
                let when = lapak_domain::schedule::format_local(moved.starts_at, &moved.time_zone, lang == Lang::Id);
                let page = crate::pages::MessagePage {
                    lang,
                    state: &state,
                    heading: i.t(lang, "rescheduled-title"),
                    body: i.t_args(lang, "rescheduled-body", &[("when", &when)]),
                };
                return pl.respond(StatusCode::OK, page);
            }
            Err(e) => (errors, status) = (general(i, lang, &e), crate::pages::claim_status(&e, StatusCode::CONFLICT)),
        }
    }
    let options = match state.claims.alternatives(&form.claim_number, &form.birth_date, client, 10).await {
        Ok(list) => list
            .into_iter()
            .map(|a| (a.session_id, lapak_domain::schedule::format_local(a.starts_at, &a.time_zone, lang == Lang::Id)))
            .collect(),
        Err(e) => {
            let mut page = track_form_page(
                &state,
                lang,
                &TrackForm { claim_number: form.claim_number.clone(), birth_date: form.birth_date.clone() },
            );
            let shown = page.show_error(&e);
            let status = if matches!(e, ClaimError::RateLimited | ClaimError::Storage(_)) {
                shown
            } else {
                StatusCode::NOT_FOUND
            };
            return pl.respond(status, page);
        }
    };
    let page =
        ChooseSlotPage { lang, state: &state, number: form.claim_number, birth: form.birth_date, options, errors };
    pl.respond(status, page)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CancelForm {
    claim_number: String,
    birth_date: String,
    confirm: String,
}

/// Asks once, then cancels the claim.
pub async fn cancel(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Form(form): Form<CancelForm>,
) -> Response {
    let pl = PageLang::resolve(&headers, &LangQuery::default());
    let (i, lang) = (&state.i18n, pl.lang);
    let shown = form.claim_number.trim().to_uppercase();
    let (mut errors, mut status) = (Vec::new(), StatusCode::OK);
    if form.confirm == "ya" {
        match state.claims.cancel(&form.claim_number, &form.birth_date, client_ip(addr)).await {
            Ok(()) => {
                let page = crate::pages::MessagePage {
                    lang,
                    state: &state,
                    heading: i.t(lang, "cancelled-title"),
                    body: i.t_args(lang, "cancelled-body", &[("number", &shown)]),
                };
                return pl.respond(StatusCode::OK, page);
            }
            Err(e) => (errors, status) = (general(i, lang, &e), crate::pages::claim_status(&e, StatusCode::CONFLICT)),
        }
    }
    let page = ConfirmCancelPage {
        lang,
        state: &state,
        body: i.t_args(lang, "cancel-body", &[("number", &shown)]),
        number: form.claim_number,
        birth: form.birth_date,
        errors,
    };
    pl.respond(status, page)
}
