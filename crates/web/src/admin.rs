//! The branch admin's API for appointments: read and set a branch's capacity, and the
//! capacity report. Until staff accounts exist it is reached with one operator token
//! (`LAPAK_ADMIN_TOKEN`, sent as `Authorization: Bearer …`); without one configured the
//! routes answer 404. Every call is audited.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jiff::civil::Date;
use lapak_domain::schedule::Capacity;
use lapak_storage::AuditEntry;
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use crate::AppState;

fn problem(status: StatusCode, code: &str, message: String) -> Response {
    crate::api::api_error(status, code, message, None)
}

/// The operator's token, checked by its SHA-256 (the token itself is not kept).
fn authorised(state: &AppState, headers: &HeaderMap) -> Result<(), Box<Response>> {
    let lang = crate::api::lang(headers);
    let Some(expected) = &state.admin_token_hash else {
        return Err(Box::new(problem(StatusCode::NOT_FOUND, "not-found", state.i18n.t(lang, "err-admin-off"))));
    };
    match crate::api::bearer(headers).map(|t| Sha256::digest(t.as_bytes())) {
        Some(hash) if hash.as_slice() == expected.as_slice() => Ok(()),
        given => Err(Box::new(crate::api::token_refused(
            "unauthorized",
            state.i18n.t(lang, "err-unauthorized"),
            given.is_some(),
        ))),
    }
}

async fn audit(state: &AppState, action: &str, subject: &str, detail: String) {
    let entry = AuditEntry {
        at: jiff::Timestamp::now(),
        actor_role: "branch_admin".into(),
        actor_id: "api-token".into(),
        action: action.into(),
        subject: subject.into(),
        detail,
    };
    if let Err(e) = state.store.append_audit(&entry).await {
        tracing::error!(error = %e, "audit entry not written");
    }
}

/// A branch's capacity (officers, hours, modes, booths, room).
#[utoipa::path(get, path = "/api/v1/branches/{code}/capacity", operation_id = "getCapacity",
    params(("code" = String, Path, description = "Office code")),
    responses((status = 200, body = Capacity, description = "The capacity as saved"),
        (status = 404, body = crate::api::ApiError, description = "The office has no capacity yet, or the admin API is off (no LAPAK_ADMIN_TOKEN)")),
    security(("admin_token" = [])))]
pub async fn get_capacity(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
) -> Response {
    if let Err(r) = authorised(&state, &headers) {
        return *r;
    }
    audit(&state, "capacity.read", &code, String::new()).await;
    match state.store.capacity(&code).await {
        Ok(Some(c)) => Json(c).into_response(),
        Ok(None) => {
            problem(StatusCode::NOT_FOUND, "not-found", state.i18n.t(crate::api::lang(&headers), "err-capacity-none"))
        }
        Err(e) => crate::pages::storage_failure(&e, "capacity read failed"),
    }
}

/// Replaces a branch's capacity; every problem is listed at once (422).
#[utoipa::path(put, path = "/api/v1/branches/{code}/capacity", operation_id = "setCapacity",
    params(("code" = String, Path, description = "Office code")),
    request_body(content = Capacity, description = "The capacity; its `branch` is the office code of the path"),
    responses((status = 204, description = "Saved; the next scheduling pass plans with it"),
        (status = 422, body = crate::api::ApiError, description = "invalid, with every problem in `errors`: its code, message and detail (no officers, zero booths, hours outside the day, an unknown time zone…)"),
        (status = 404, body = crate::api::ApiError, description = "Unknown office, or the admin API is off")),
    security(("admin_token" = [])))]
pub async fn set_capacity(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(code): Path<String>,
    crate::api::ApiJson(mut capacity): crate::api::ApiJson<Capacity>,
) -> Response {
    if let Err(r) = authorised(&state, &headers) {
        return *r;
    }
    let lang = crate::api::lang(&headers);
    capacity.branch = code.clone();
    match state.store.branch(&code).await {
        Ok(Some(_)) => {}
        _ => return problem(StatusCode::NOT_FOUND, "not-found", state.i18n.t(lang, "err-branch-unknown")),
    }
    if let Err(errors) = capacity.check() {
        let list: Vec<_> = errors
            .iter()
            .map(|e| json!({ "field": "capacity", "code": e.code(), "message": state.i18n.t(lang, &format!("err-{}", e.code())), "detail": e.to_string() }))
            .collect();
        let body = json!({ "code": "invalid", "message": state.i18n.t(lang, "err-capacity-invalid"), "field": "capacity", "errors": list });
        return (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response();
    }
    match state.store.set_capacity(&capacity).await {
        Ok(()) => {
            audit(&state, "capacity.set", &code, format!("{} officers", capacity.officers.len())).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) => crate::pages::storage_failure(&e, "capacity write failed"),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// First day, YYYY-MM-DD (default: today in Jakarta).
    #[param(value_type = Option<String>, format = Date)]
    from: Option<Date>,
    /// Days, 1–366 (default 7).
    #[param(minimum = 1, maximum = 366)]
    days: Option<i64>,
    /// json (default) or csv.
    format: Option<String>,
}

/// Per branch and day: slots offered, booked, served, no-shows, and the median lead time
/// from submission to appointment.
#[utoipa::path(get, path = "/api/v1/reports/capacity", operation_id = "capacityReport", params(ReportQuery),
    responses((status = 200, description = "One row per branch and day, as JSON (default) or CSV (format=csv)",
            content((Vec<lapak_claims::ReportRow> = "application/json"), (String = "text/csv"))),
        (status = 400, body = crate::api::ApiError, description = "A parameter that cannot be read, e.g. a date not in YYYY-MM-DD (bad-request)"),
        (status = 422, body = crate::api::ApiError, description = "days outside 1–366, or a period that ends past the calendar's end (bad-value at days or from)")),
    security(("admin_token" = [])))]
pub async fn capacity_report(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    if let Err(r) = authorised(&state, &headers) {
        return *r;
    }
    let from = q.from.unwrap_or_else(lapak_claims::today);
    let days = q.days.unwrap_or(7);
    let bad = |field: &str| {
        let message = state.i18n.t_args(crate::api::lang(&headers), "err-bad-value-named", &[("field", field)]);
        crate::api::api_error(StatusCode::UNPROCESSABLE_ENTITY, "bad-value", message, Some(field))
    };
    if !(1..=366).contains(&days) {
        return bad("days");
    }
    if from.checked_add(jiff::Span::new().days(days)).is_err() {
        return bad("from");
    }
    audit(&state, "capacity.report", "all", format!("{from} +{days}")).await;
    match lapak_claims::capacity_report(state.store.as_ref(), from, days).await {
        Ok(rows) if q.format.as_deref() == Some("csv") => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"kapasitas.csv\""),
            ],
            lapak_claims::report_csv(&rows),
        )
            .into_response(),
        Ok(rows) => Json(rows).into_response(),
        Err(e) => crate::pages::storage_failure(&e, "capacity report failed"),
    }
}

/// The steps a walk-in ticket can take, as the path names them.
#[derive(Clone, Copy, utoipa::ToSchema)]
#[schema(rename_all = "lowercase")]
pub enum TicketAction {
    Serve,
    Done,
    Left,
}

impl TicketAction {
    fn parse(s: &str) -> Option<TicketAction> {
        match s {
            "serve" => Some(TicketAction::Serve),
            "done" => Some(TicketAction::Done),
            "left" => Some(TicketAction::Left),
            _ => None,
        }
    }

    fn to(self) -> lapak_domain::queue::TicketStatus {
        match self {
            TicketAction::Serve => lapak_domain::queue::TicketStatus::Serving,
            TicketAction::Done => lapak_domain::queue::TicketStatus::Done,
            TicketAction::Left => lapak_domain::queue::TicketStatus::Left,
        }
    }
}

/// Staff moves a walk-in ticket on: `serve` (to a counter or booth), `done`, or `left`
/// (did not come in when called). Freed room goes to the next in line at once.
#[utoipa::path(post, path = "/api/v1/branches/{code}/queue/{number}/{action}", operation_id = "advanceTicket",
    params(("code" = String, Path), ("number" = i64, Path, minimum = 1, description = "Ticket number of today"),
        ("action" = TicketAction, Path, description = "serve (to a counter or booth), done, or left")),
    responses((status = 204, description = "The ticket moved on"),
        (status = 400, body = crate::api::ApiError, description = "A ticket number that is not a number (bad-request)"),
        (status = 409, body = crate::api::ApiError, description = "The ticket is not in a state that allows this step, or does not exist (not-editable)"),
        (status = 404, body = crate::api::ApiError, description = "An action other than serve, done or left")),
    security(("admin_token" = [])))]
pub async fn advance_ticket(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((code, number, action)): Path<(String, i64, String)>,
) -> Response {
    if let Err(r) = authorised(&state, &headers) {
        return *r;
    }
    let lang = crate::api::lang(&headers);
    let Some(to) = TicketAction::parse(&action).map(TicketAction::to) else {
        return problem(StatusCode::NOT_FOUND, "not-found", state.i18n.t(lang, "err-no-route"));
    };
    match lapak_claims::walk_in::advance(state.store.as_ref(), &code, number, to, &state.base_url(&headers)).await {
        Ok(()) => {
            audit(&state, &format!("ticket.{action}"), &format!("{code}/{number}"), String::new()).await;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(e) if e.is_unavailable() => crate::pages::claim_failure(&e, "ticket not moved"),
        Err(_) => problem(StatusCode::CONFLICT, "not-editable", state.i18n.t(lang, "err-ticket-state")),
    }
}
