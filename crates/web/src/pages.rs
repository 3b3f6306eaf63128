//! Page handlers: parse, call one service, render.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;

use crate::AppState;
use lapak_i18n::{I18n, Lang};

/// What a field's error says, on any form. A missing answer names its field ("Nomor KPJ
/// wajib diisi"): a summary of three bare "Wajib diisi" would not say which three.
pub(crate) fn error_message(i18n: &I18n, lang: Lang, code: &str, label: Option<&str>) -> String {
    match label {
        Some(label) if code == "required" => i18n.t_args(lang, "err-required-named", &[("field", label)]),
        _ => i18n.t(lang, &format!("err-{code}")),
    }
}

#[derive(Deserialize, Default)]
pub struct LangQuery {
    pub(crate) lang: Option<String>,
}

impl LangQuery {
    pub fn from_map(q: &std::collections::HashMap<String, String>) -> LangQuery {
        LangQuery { lang: q.get("lang").cloned() }
    }
}

/// The page language: `?lang=` (remembered in a cookie), else the cookie, else the
/// browser's `Accept-Language`, else Indonesian.
pub struct PageLang {
    pub lang: Lang,
    remember: bool,
}

impl PageLang {
    pub fn resolve(headers: &HeaderMap, query: &LangQuery) -> PageLang {
        if let Some(lang) = query.lang.as_deref().and_then(Lang::parse) {
            return PageLang { lang, remember: true };
        }
        let from_cookie = headers
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .find_map(|c| c.trim().strip_prefix("lang=").and_then(Lang::parse));
        let lang = from_cookie.unwrap_or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map_or(Lang::Id, Lang::from_accept_language)
        });
        PageLang { lang, remember: false }
    }

    /// Renders `page` as HTML, remembering the language when it was just chosen.
    pub fn respond(&self, status: StatusCode, page: impl Template) -> Response {
        match page.render() {
            Ok(html) => {
                let mut res = (status, Html(html)).into_response();
                if self.remember {
                    let cookie = format!("lang={}; Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly", self.lang.code());
                    res.headers_mut().insert(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("ascii"));
                }
                res
            }
            Err(e) => {
                tracing::error!(error = %e, "template rendering failed");
                StatusCode::INTERNAL_SERVER_ERROR.into_response()
            }
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    lang: Lang,
    state: &'a AppState,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct MessagePage<'a> {
    pub(crate) lang: Lang,
    pub(crate) state: &'a AppState,
    pub(crate) heading: String,
    pub(crate) body: String,
}

/// Gives page structs (with `lang` and `state`) the `tr(key)` their templates call.
macro_rules! translated {
    ($($page:ident),*) => {$(
        impl $page<'_> {
            fn tr(&self, key: &str) -> String {
                self.state.i18n.t(self.lang, key)
            }
        }
    )*};
}
pub(crate) use translated;
translated!(HomePage, MessagePage);

pub async fn home(State(state): State<Arc<AppState>>, headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let page_lang = PageLang::resolve(&headers, &q);
    page_lang.respond(StatusCode::OK, HomePage { lang: page_lang.lang, state: &state })
}

pub async fn not_found(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let page_lang = PageLang::resolve(&headers, &LangQuery::default());
    let lang = page_lang.lang;
    let page = MessagePage {
        lang,
        state: &state,
        heading: state.i18n.t(lang, "error-not-found-title"),
        body: state.i18n.t(lang, "error-not-found-body"),
    };
    page_lang.respond(StatusCode::NOT_FOUND, page)
}

/// A file (a form's file part, a request's body) read to its end, so that the sender
/// finishes and sees the answer, with at most `max` bytes kept: `None` when it was over
/// `max` or broke off.
pub(crate) async fn read_file<E>(
    mut chunks: impl futures::Stream<Item = Result<axum::body::Bytes, E>> + Unpin,
    max: usize,
) -> Option<Vec<u8>> {
    use futures::StreamExt;
    let mut bytes = Vec::new();
    let mut over = false;
    while let Some(chunk) = chunks.next().await {
        match chunk {
            Ok(chunk) if !over && bytes.len() + chunk.len() <= max => bytes.extend_from_slice(&chunk),
            Ok(_) => {
                over = true;
                bytes = Vec::new();
            }
            Err(_) => return None,
        }
    }
    (!over).then_some(bytes)
}

/// A page with a heading and a sentence: an answer that is neither a form nor a list.
pub(crate) fn message(state: &AppState, lang: Lang, status: StatusCode, heading: String, body: String) -> Response {
    match (MessagePage { lang, state, heading, body }).render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            status.into_response()
        }
    }
}

/// A request the layers or extractors could not take (too large, unreadable, a method the
/// address does not take), or one that failed on our side or was shed under load, as a page
/// saying what to do; `status` is kept.
pub(crate) fn refused(state: &AppState, lang: Lang, status: StatusCode) -> Response {
    let i = &state.i18n;
    let (heading, body) = match status {
        StatusCode::PAYLOAD_TOO_LARGE => (i.t(lang, "error-too-large-title"), i.t(lang, "error-too-large-body")),
        StatusCode::NOT_FOUND | StatusCode::METHOD_NOT_ALLOWED => {
            (i.t(lang, "error-not-found-title"), i.t(lang, "error-not-found-body"))
        }
        StatusCode::SERVICE_UNAVAILABLE => (i.t(lang, "error-overloaded-title"), i.t(lang, "error-overloaded")),
        s if s.is_server_error() => (i.t(lang, "error-internal-title"), i.t(lang, "error-internal")),
        _ => (i.t(lang, "error-bad-request-title"), i.t(lang, "error-bad-request-body")),
    };
    message(state, lang, status, heading, body)
}

/// A page saying the store cannot take requests now, and that what is stored is not lost.
pub(crate) fn unavailable(state: &AppState, lang: Lang) -> Response {
    let i = &state.i18n;
    let (heading, body) = (i.t(lang, "error-unavailable-title"), i.t(lang, "error-unavailable"));
    message(state, lang, StatusCode::SERVICE_UNAVAILABLE, heading, body)
}

/// Seconds a client is asked to wait (`Retry-After`) when the database or the document
/// store cannot take requests: long enough for a database server to restart or a standby
/// to take over.
pub(crate) const UNAVAILABLE_RETRY_SECONDS: u32 = 30;

/// Marks a bare 503 as the store's, not an overload: `refusals` words it so.
#[derive(Debug, Clone, Copy)]
pub(crate) struct StoreUnavailable;

/// The status of a request the database or the document store failed, logged as `what`:
/// 503 when the store cannot take requests now (a warning, counted in the metrics), 500
/// for a fault of Lapak's own (an error).
pub(crate) fn storage_status(e: &lapak_storage::StorageError, what: &str) -> StatusCode {
    if e.is_unavailable() {
        tracing::warn!(error = %e, "{what}: the store cannot take requests now");
        metrics::counter!("lapak_http_store_unavailable_total").increment(1);
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        tracing::error!(error = %e, "{what}");
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

/// The answer to a request the database or the document store failed, bare (`refusals`
/// makes it a page or the API's JSON in the visitor's language, with `Retry-After`): 503
/// when the store cannot take requests now, 500 for a fault of Lapak's own. Logged as
/// `what`.
pub(crate) fn storage_failure(e: &lapak_storage::StorageError, what: &str) -> Response {
    let status = storage_status(e, what);
    let mut res = status.into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        res.extensions_mut().insert(StoreUnavailable);
    }
    res
}

/// The status of a page showing the service's error `e`: the store's failure as 503 (it
/// cannot take requests now; the page keeps what was typed) or 500, logged either way;
/// any other error `otherwise`.
pub(crate) fn claim_status(e: &lapak_claims::ClaimError, otherwise: StatusCode) -> StatusCode {
    match e {
        lapak_claims::ClaimError::Storage(cause) => storage_status(cause, "claim service failed"),
        _ => otherwise,
    }
}

/// [`storage_failure`] for a service's error; any other error there is a fault of Lapak's
/// own (500).
pub(crate) fn claim_failure(e: &lapak_claims::ClaimError, what: &str) -> Response {
    match e {
        lapak_claims::ClaimError::Storage(cause) => storage_failure(cause, what),
        other => {
            tracing::error!(error = %other, "{what}");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

pub async fn healthz() -> &'static str {
    "ok"
}

/// Ready when the database answers and both it and the document folder can still make
/// what they are given durable (no fsync has failed).
pub async fn readyz(State(state): State<Arc<AppState>>) -> Response {
    match state.store.ping().await.and_then(|()| state.claims.documents_healthy()) {
        Ok(()) => (StatusCode::OK, "ready").into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "not ready").into_response()
        }
    }
}

pub async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        include_str!("../static/lapak.css"),
    )
        .into_response()
}

/// The small enhancement of the officer's session page (decisions saved without a reload).
pub async fn staff_script() -> Response {
    script(include_str!("../static/staf.js"))
}

/// The walk-in pages' enhancement (their live parts updated in place, the kiosk's time
/// limit announced and extendable).
pub async fn walk_in_script() -> Response {
    script(include_str!("../static/antrean.js"))
}

fn script(source: &'static str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")],
        source,
    )
        .into_response()
}
