//! JSON API v1: the participant journey for a mobile app or a partner, over the same claim
//! services as the pages. The OpenAPI 3.1 document is generated from these definitions
//! (`/api/openapi.json`); a test fails when the committed copy drifts.
//!
//! A claim is started with the identity and then addressed with the returned claim token
//! (`Authorization: Bearer …`). Errors are JSON: a stable `code`, a `message` in the
//! language of `Accept-Language`, and the `field` at fault. That holds for every error
//! under `/api/`, the request's own faults included ([`ApiJson`], and
//! `middleware::refusals` for an unknown address or method, a body over the limit, an
//! overload).

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use lapak_claims::{ClaimError, Draft, IdentityInput, PaymentInput};
use lapak_domain::eligibility::Decision;
use lapak_i18n::Lang;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::sync::Arc;
use utoipa::{OpenApi, ToSchema};

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Lapak API", version = "1.0.0", description = "Contactless JHT claims: start, answer, upload, submit, track."),
    paths(start_claim, get_claim, save_cause, save_payment, upload_claim_document, remove_claim_document, submit_claim, track_claim,
        crate::admin::get_capacity, crate::admin::set_capacity, crate::admin::capacity_report, crate::admin::advance_ticket),
    components(schemas(
        StartClaimRequest, StartedClaim, ClaimView, DecisionView, Estimate, DocumentView, CauseRequest, PaymentRequest,
        SubmittedClaim, TrackRequest, TrackingView, TrackedEventView, AppointmentView, ApiError, FieldProblem,
        lapak_domain::schedule::Capacity, lapak_domain::schedule::ModeSetting, lapak_domain::schedule::OfficerHours,
        lapak_domain::schedule::Mode, lapak_claims::ReportRow, crate::admin::TicketAction
    )),
    modifiers(&ClaimTokenScheme, &WhenToRetry, &RequestFaults)
)]
pub struct ApiDoc;

/// Every operation may be refused for a while, whatever its own answers: 503 with
/// `Retry-After`, when Lapak is overloaded or its store cannot take requests.
struct WhenToRetry;

impl utoipa::Modify for WhenToRetry {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, ResponseBuilder};
        let response = ResponseBuilder::new()
            .description(
                "Not now: Lapak has as many requests in flight as it may (overloaded), or its database or \
                 document store cannot take requests at the moment (unavailable: a server down or restarting, \
                 a disk full). Send the request again after Retry-After seconds; submitClaim sent again with \
                 the same Idempotency-Key gives one claim.",
            )
            .header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer))
                    .description(Some("Seconds to wait before sending the request again"))
                    .build(),
            )
            .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build())
            .build();
        openapi.components.get_or_insert_with(Default::default).responses.insert("NotNow".into(), response.into());
        for operation in operations(openapi) {
            operation.responses.responses.insert("503".into(), Ref::new("#/components/responses/NotNow").into());
        }
    }
}

/// The answers every operation may give to a fault of the request itself, whatever its
/// own: 400 for a JSON body that does not parse and 415 for one sent as something else, 413
/// for a body over the limit, and 401 for a call that needs a token sent without one or
/// with one not known. Shared responses, referred to from each operation they apply to.
struct RequestFaults;

impl utoipa::Modify for RequestFaults {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{ContentBuilder, HeaderBuilder, Ref, ResponseBuilder};
        let error = || ContentBuilder::new().schema(Some(Ref::from_schema_name("ApiError"))).build();
        let responses = &mut openapi.components.get_or_insert_with(Default::default).responses;
        let not_json = ResponseBuilder::new()
            .description("The body was not sent as JSON: Content-Type must be application/json (json-expected)")
            .content("application/json", error())
            .build();
        let bad_json = ResponseBuilder::new()
            .description("The body is not valid JSON (bad-json)")
            .content("application/json", error())
            .build();
        let too_large = ResponseBuilder::new()
            .description("The body is larger than Lapak reads (too-large); a document over the upload limit is 422 file-too-large instead")
            .content("application/json", error())
            .build();
        let challenge = HeaderBuilder::new()
            .schema(ObjectBuilder::new().schema_type(Type::String))
            .description(Some("Bearer realm=\"lapak\""))
            .build();
        let no_token = ResponseBuilder::new()
            .description(
                "No bearer token was sent (token-required), or one Lapak does not know: a claim token unknown or \
                 replaced by a newer one (token-unknown; start the claim again), a wrong admin token (unauthorized)",
            )
            .header("WWW-Authenticate", challenge)
            .content("application/json", error())
            .build();
        responses.insert("NotJson".into(), not_json.into());
        responses.insert("BadJson".into(), bad_json.into());
        responses.insert("TooLarge".into(), too_large.into());
        responses.insert("NoToken".into(), no_token.into());
        for operation in operations(openapi) {
            let answers = &mut operation.responses.responses;
            if let Some(body) = &operation.request_body {
                if body.content.contains_key("application/json") {
                    answers.insert("400".into(), Ref::new("#/components/responses/BadJson").into());
                    answers.insert("415".into(), Ref::new("#/components/responses/NotJson").into());
                }
                answers.insert("413".into(), Ref::new("#/components/responses/TooLarge").into());
            }
            // A requirement keeps its schemes to itself; written out, one naming none is `{}`.
            let needs_token = operation.security.iter().flatten().any(|requirement| {
                serde_json::to_value(requirement).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            });
            if needs_token {
                answers.insert("401".into(), Ref::new("#/components/responses/NoToken").into());
            }
        }
    }
}

/// Every operation of the document.
fn operations(openapi: &mut utoipa::openapi::OpenApi) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    openapi.paths.paths.values_mut().flat_map(|item| {
        [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch].into_iter().flatten()
    })
}

/// The claim token returned by startClaim, sent as a bearer token.
struct ClaimTokenScheme;

impl utoipa::Modify for ClaimTokenScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "claim_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "admin_token",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document as served.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().expect("serialisable")
}

#[derive(Serialize, ToSchema)]
pub struct ApiError {
    /// Stable machine code, e.g. `invalid`, `identity-mismatch`, `rate-limited`, `overloaded` or
    /// `unavailable` (503: send the request again after `Retry-After` seconds).
    code: String,
    /// Human message in the requested language.
    message: String,
    /// The first field at fault, if any.
    field: Option<String>,
    /// Every field at fault.
    errors: Vec<FieldProblem>,
}

#[derive(Serialize, ToSchema)]
pub struct FieldProblem {
    field: String,
    code: String,
    message: String,
}

pub(crate) fn lang(headers: &HeaderMap) -> Lang {
    headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()).map_or(Lang::Id, Lang::from_accept_language)
}

fn error(state: &AppState, lang: Lang, e: &ClaimError) -> Response {
    let i = &state.i18n;
    let status = match e {
        ClaimError::Fields(_)
        | ClaimError::IdentityMismatch
        | ClaimError::Incomplete(_)
        | ClaimError::NotEligible(_)
        | ClaimError::List(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ClaimError::IdempotencyMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        ClaimError::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ClaimError::OpenClaimExists | ClaimError::NotEditable | ClaimError::SlotTaken => StatusCode::CONFLICT,
        ClaimError::NotFound => StatusCode::NOT_FOUND,
        ClaimError::Storage(cause) => crate::pages::storage_status(cause, "claim service failed"),
    };
    let errors: Vec<FieldProblem> = match e {
        ClaimError::Fields(list) => list
            .iter()
            .map(|f| FieldProblem {
                field: f.field.into(),
                code: f.code.into(),
                message: i.t(lang, &format!("err-{}", f.code)),
            })
            .collect(),
        _ => Vec::new(),
    };
    let body = ApiError {
        code: e.code().into(),
        message: i.t(lang, &format!("err-{}", e.code())),
        field: errors.first().map(|f| f.field.clone()),
        errors,
    };
    let mut res = (status, Json(body)).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        res.headers_mut().insert(header::RETRY_AFTER, "60".parse().expect("ascii"));
    }
    res
}

/// A JSON request body whose faults answer in the API's own format rather than axum's plain
/// text: 415 `json-expected` without a JSON content type, 400 `bad-json` for what does not
/// parse, 422 `required` or `bad-value` naming the field at fault (its path, e.g.
/// `officers[0].id`; `required` lists every top-level field missing), 413 `too-large` above
/// the body limit.
pub struct ApiJson<T>(pub T);

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<Arc<AppState>> for ApiJson<T> {
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &Arc<AppState>) -> Result<Self, Response> {
        let lang = lang(req.headers());
        let is_json = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
            let essence = v.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
        });
        if !is_json {
            return Err(problem(state, lang, StatusCode::UNSUPPORTED_MEDIA_TYPE, "json-expected", None));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|r| {
            let status = r.status();
            let code = if status == StatusCode::PAYLOAD_TOO_LARGE { "too-large" } else { "bad-request" };
            problem(state, lang, status, code, None)
        })?;
        let mut de = serde_json::Deserializer::from_slice(&bytes);
        let bad_json = || problem(state, lang, StatusCode::BAD_REQUEST, "bad-json", None);
        let parsed: Result<T, _> = serde_path_to_error::deserialize(&mut de);
        match parsed {
            // Nothing but white space may follow the value.
            Ok(value) => de.end().map(|()| ApiJson(value)).map_err(|_| bad_json()),
            // serde_json reports some values of the wrong kind as faults of the text (an
            // object where a name is expected, `{}` for an enum): the text decides.
            Err(e) if !e.inner().is_data() && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_err() => {
                Err(bad_json())
            }
            // Every field missing at the top, when there are several.
            Err(e) if missing_field(&e).is_some() && e.path().to_string() == "." => match missing_fields::<T>(&bytes) {
                Some(missing) if missing.len() > 1 => Err(required(state, lang, &missing)),
                _ => Err(field_problem(state, lang, &e)),
            },
            Err(e) => Err(field_problem(state, lang, &e)),
        }
    }
}

/// The top-level fields a body lacks that `T` requires, in `T`'s order, when the body is an
/// object missing at least one. serde stops at the first missing field; each found is
/// given a stand-in of the first kind `T` takes there (text, number, true/false, list,
/// object) and the body read again for the next. Written by hand: serde reports one error
/// a time, and an app should hear of every missing field at once.
fn missing_fields<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Option<Vec<String>> {
    const STAND_INS: [fn() -> serde_json::Value; 5] = [
        || serde_json::Value::String(String::new()),
        || serde_json::Value::from(0),
        || serde_json::Value::Bool(false),
        || serde_json::Value::Array(Vec::new()),
        || serde_json::Value::Object(serde_json::Map::new()),
    ];
    let serde_json::Value::Object(mut body) = serde_json::from_slice(bytes).ok()? else { return None };
    let missing_at_top = |body: &serde_json::Map<String, serde_json::Value>| {
        let value = serde_json::Value::Object(body.clone());
        let e = serde_path_to_error::deserialize::<_, T>(value).err()?;
        (e.path().to_string() == ".").then(|| missing_field(&e)).flatten()
    };
    let mut missing = Vec::new();
    // A field can be missing only once; the bound keeps a type that takes no stand-in finite.
    while let Some(name) = missing_at_top(&body).filter(|_| missing.len() < 64) {
        missing.push(name.clone());
        let takes = |stand_in: &serde_json::Value| {
            let mut body = body.clone();
            body.insert(name.clone(), stand_in.clone());
            let value = serde_json::Value::Object(body);
            match serde_path_to_error::deserialize::<_, T>(value) {
                Ok(_) => true,
                // Still wrong at this field: not a stand-in of its kind.
                Err(e) => {
                    let at = e.path().to_string();
                    let here = at == name || at.starts_with(&format!("{name}.")) || at.starts_with(&format!("{name}["));
                    !here || missing_field(&e).is_some()
                }
            }
        };
        let Some(stand_in) = STAND_INS.iter().map(|f| f()).find(|v| takes(v)) else { break };
        body.insert(name, stand_in);
    }
    (!missing.is_empty()).then_some(missing)
}

/// 422 `required` naming every field missing from the body, the first as `field`.
fn required(state: &AppState, lang: Lang, missing: &[String]) -> Response {
    let errors: Vec<FieldProblem> = missing
        .iter()
        .map(|f| FieldProblem {
            field: f.clone(),
            code: "required".into(),
            message: state.i18n.t_args(lang, "err-required-named", &[("field", f)]),
        })
        .collect();
    let message = state.i18n.t_args(lang, "err-required-fields", &[("fields", &missing.join(", "))]);
    let body = ApiError { code: "required".into(), message, field: missing.first().cloned(), errors };
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

/// A body that parsed as JSON but not as the operation's request: the field at fault by its
/// path (`officers[0].id`), `required` when it is missing, else `bad-value`.
fn field_problem(state: &AppState, lang: Lang, e: &serde_path_to_error::Error<serde_json::Error>) -> Response {
    let missing = missing_field(e);
    let at = e.path().to_string();
    let at = (at != ".").then_some(at);
    let (code, field) = match (missing, at) {
        (Some(name), None) => ("required", name),
        (Some(name), Some(at)) => ("required", format!("{at}.{name}")),
        (None, at) => ("bad-value", at.unwrap_or_else(|| "body".into())),
    };
    problem(state, lang, StatusCode::UNPROCESSABLE_ENTITY, code, Some(&field))
}

/// The field whose absence `e` reports. serde names a missing field in its message only, at
/// the path of the object lacking it.
fn missing_field(e: &serde_path_to_error::Error<serde_json::Error>) -> Option<String> {
    Some(e.inner().to_string().strip_prefix("missing field `")?.split('`').next()?.to_string())
}

/// An error of the request itself (not of the claim) in the API's format, its message
/// `err-{code}`; with a field, `err-{code}-named`, which names it.
fn problem(state: &AppState, lang: Lang, status: StatusCode, code: &str, field: Option<&str>) -> Response {
    let message = match field {
        Some(f) => state.i18n.t_args(lang, &format!("err-{code}-named"), &[("field", f)]),
        None => state.i18n.t(lang, &format!("err-{code}")),
    };
    api_error(status, code, message, field)
}

/// The API's error body: `code`, `message`, the `field` at fault and the list of them.
pub(crate) fn api_error(status: StatusCode, code: &str, message: String, field: Option<&str>) -> Response {
    let errors: Vec<FieldProblem> = field
        .map(|f| FieldProblem { field: f.into(), code: code.into(), message: message.clone() })
        .into_iter()
        .collect();
    let body = ApiError { code: code.into(), message, field: field.map(String::from), errors };
    (status, Json(body)).into_response()
}

/// The token of an `Authorization: Bearer …` header (the scheme's name in any case, as
/// RFC 9110 has it), if one is there.
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// 401 for a call whose bearer token is missing (`token-required`) or not known, with the
/// challenge that says which kind of token the call takes (RFC 6750).
pub(crate) fn token_refused(code: &str, message: String, sent: bool) -> Response {
    let mut res = api_error(StatusCode::UNAUTHORIZED, code, message, Some("Authorization"));
    let challenge = if sent { "Bearer realm=\"lapak\", error=\"invalid_token\"" } else { "Bearer realm=\"lapak\"" };
    res.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static(challenge));
    res
}

async fn draft(state: &AppState, headers: &HeaderMap) -> Result<Draft, Response> {
    let lang = lang(headers);
    let Some(token) = bearer(headers) else {
        return Err(token_refused("token-required", state.i18n.t(lang, "err-token-required"), false));
    };
    state.claims.resume(token).await.map_err(|e| match e {
        ClaimError::NotFound => token_refused("token-unknown", state.i18n.t(lang, "err-claim-token"), true),
        e => error(state, lang, &e),
    })
}

#[derive(Deserialize, ToSchema)]
pub struct StartClaimRequest {
    /// 16-digit NIK.
    #[schema(min_length = 1)]
    nik: String,
    /// 11-digit KPJ number.
    #[schema(min_length = 1)]
    kpj: String,
    #[schema(min_length = 1)]
    full_name: String,
    /// YYYY-MM-DD (DD/MM/YYYY is accepted too).
    #[schema(min_length = 1)]
    birth_date: String,
}

#[derive(Serialize, ToSchema)]
pub struct StartedClaim {
    /// Send as `Authorization: Bearer <claim_token>` on the claim's other calls. Secret.
    claim_token: String,
    claim: ClaimView,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimView {
    /// draft, submitted, scheduled, verified, needs_documents, rejected, approved, payment_sent, paid, payment_failed, cancelled
    state: String,
    claim_number: Option<String>,
    cause: Option<String>,
    last_working_day: Option<String>,
    decision: Option<DecisionView>,
    documents: Vec<DocumentView>,
    /// Parts still missing before submission: cause, payment, documents.
    missing_parts: Vec<String>,
    /// Document kinds still missing.
    missing_documents: Vec<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DecisionView {
    /// eligible, not_yet or refused
    outcome: String,
    /// Why: a stable ground code such as waiting_period.
    ground: String,
    /// For not_yet: the first day the claim can be submitted.
    from: Option<String>,
    estimate: Option<Estimate>,
}

#[derive(Serialize, ToSchema)]
pub struct Estimate {
    /// Whole rupiah.
    gross: i64,
    tax: i64,
    net: i64,
    npwp_required: bool,
}

#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    id: String,
    kind: String,
    content_type: String,
    /// The size of the file as kept: a photo or scan is kept as Lapak writes it anew.
    size_bytes: i64,
}

fn decision_view(d: &Decision) -> DecisionView {
    let estimate = |b: &lapak_domain::tax::Benefit| Estimate {
        gross: b.gross.amount(),
        tax: b.tax.amount(),
        net: b.net.amount(),
        npwp_required: b.npwp_required,
    };
    match d {
        Decision::Eligible { why, benefit } => DecisionView {
            outcome: "eligible".into(),
            ground: why.code().into(),
            from: None,
            estimate: Some(estimate(benefit)),
        },
        Decision::NotYet { from, why, benefit } => DecisionView {
            outcome: "not_yet".into(),
            ground: why.code().into(),
            from: Some(from.to_string()),
            estimate: Some(estimate(benefit)),
        },
        Decision::Refused { why } => {
            DecisionView { outcome: "refused".into(), ground: why.code().into(), from: None, estimate: None }
        }
    }
}

fn claim_view(d: &Draft) -> ClaimView {
    let missing = d.missing();
    ClaimView {
        state: d.claim.lifecycle.state.code().into(),
        claim_number: d.claim.number.as_ref().map(|n| n.to_string()),
        cause: d.claim.application.cause.map(|c| c.code().into()),
        last_working_day: d.claim.application.last_working_day.map(|x| x.to_string()),
        decision: d.decision.as_ref().map(decision_view),
        documents: d
            .documents
            .iter()
            .map(|x| DocumentView {
                id: x.id.clone(),
                kind: x.kind.code().into(),
                content_type: x.content_type.clone(),
                size_bytes: x.size_bytes,
            })
            .collect(),
        missing_parts: missing
            .as_ref()
            .map(|m| {
                m.parts
                    .iter()
                    .map(|p| {
                        serde_json::to_value(p).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                    })
                    .collect()
            })
            .unwrap_or_default(),
        missing_documents: missing
            .map(|m| m.documents.iter().map(|k| k.code().to_string()).collect())
            .unwrap_or_default(),
    }
}

/// Start a claim: match the identity against the registry. For a person whose draft is
/// open, the draft again with a token of its own; tokens given before keep working (the
/// draft keeps its five newest and the one last e-mailed).
#[utoipa::path(post, path = "/api/v1/claims", operation_id = "startClaim", request_body = StartClaimRequest,
    responses((status = 201, body = StartedClaim, description = "The identity matched the registry: a draft claim and its token"), (status = 422, body = ApiError, description = "Field errors (e.g. nik-length, kpj-format, date-format), or identity-mismatch: the four answers do not match one member, without saying which"), (status = 409, body = ApiError, description = "A claim of this KPJ is already being processed (open-claim-exists): track it"), (status = 429, body = ApiError, description = "Too many attempts from this client, or the failed identity checks allowed for this person in a minute (five by default), counted once for all Lapak processes on the database")))]
pub async fn start_claim(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<StartClaimRequest>,
) -> Response {
    let lang = lang(&headers);
    let input = IdentityInput { nik: body.nik, kpj: body.kpj, full_name: body.full_name, birth_date: body.birth_date };
    let started = match state.claims.start(&input, addr.ip(), lang.code()).await {
        Ok(s) => s,
        Err(e) => return error(&state, lang, &e),
    };
    match state.claims.resume(&started.resume_token).await {
        Ok(d) => (StatusCode::CREATED, Json(StartedClaim { claim_token: started.resume_token, claim: claim_view(&d) }))
            .into_response(),
        Err(e) => error(&state, lang, &e),
    }
}

/// The claim as it stands: answers, eligibility, documents, what is missing.
#[utoipa::path(get, path = "/api/v1/claim", operation_id = "getClaim",
    responses((status = 200, body = ClaimView, description = "The claim as saved so far, with what is still missing")), security(("claim_token" = [])))]
pub async fn get_claim(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    match draft(&state, &headers).await {
        Ok(d) => Json(claim_view(&d)).into_response(),
        Err(r) => r,
    }
}

#[derive(Deserialize, ToSchema)]
pub struct CauseRequest {
    /// resignation, layoff, end_of_contract, retirement_age, total_permanent_disability, death, leaving_indonesia, partial_10, partial_30
    #[schema(min_length = 1)]
    cause: String,
    /// YYYY-MM-DD; for resignation, layoff and end of contract.
    last_working_day: Option<String>,
}

/// Choose the cause; eligibility is decided at once.
#[utoipa::path(put, path = "/api/v1/claim/cause", operation_id = "saveCause", request_body = CauseRequest,
    responses((status = 200, body = DecisionView, description = "Saved: the eligibility decision, with the estimate or the date from which the claim can be filed"), (status = 422, body = ApiError, description = "Field errors (cause-required, cause-unknown, lwd-required, date-format, date-future), or not-eligible with the decision"), (status = 409, body = ApiError, description = "The claim was submitted and can no longer change (not-editable)")), security(("claim_token" = [])))]
pub async fn save_cause(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CauseRequest>,
) -> Response {
    let d = match draft(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    match state.claims.save_cause(&d, &body.cause, body.last_working_day.as_deref().unwrap_or("")).await {
        Ok(decision) => Json(decision_view(&decision)).into_response(),
        Err(e) => error(&state, lang(&headers), &e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct PaymentRequest {
    /// Bank Indonesia 3-digit code, e.g. 014.
    #[schema(min_length = 1)]
    bank_code: String,
    #[schema(min_length = 1)]
    account_number: String,
    #[schema(min_length = 1)]
    account_holder: String,
    #[schema(min_length = 1)]
    email: String,
    #[schema(min_length = 1)]
    whatsapp: String,
    npwp: Option<String>,
    /// Office code of the branch for the interview.
    #[schema(min_length = 1)]
    branch: String,
    /// video_call (default), video_call_anywhere (any branch's officers, the earliest
    /// slot), one_to_many or counter (at the branch, where it offers them).
    service: Option<String>,
}

/// Bank account, contact and branch.
#[utoipa::path(put, path = "/api/v1/claim/payment", operation_id = "savePayment", request_body = PaymentRequest,
    responses((status = 204, description = "Saved"), (status = 422, body = ApiError, description = "Field errors, e.g. account-length, holder-mismatch, email-invalid, phone-invalid, npwp-required, branch-unknown, service-not-offered"), (status = 409, body = ApiError, description = "The claim was submitted and can no longer change (not-editable)")), security(("claim_token" = [])))]
pub async fn save_payment(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PaymentRequest>,
) -> Response {
    let d = match draft(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    let input = PaymentInput {
        bank_code: body.bank_code,
        account_number: body.account_number,
        account_holder: body.account_holder,
        email: body.email,
        whatsapp: body.whatsapp,
        npwp: body.npwp.unwrap_or_default(),
        branch: body.branch,
        service: body.service.unwrap_or_default(),
    };
    match state.claims.save_payment(&d, &input).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(&state, lang(&headers), &e),
    }
}

/// A document's file as the request body itself, not JSON or a form: the bytes of a JPG,
/// PNG or PDF.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary, content_media_type = "application/octet-stream")]
pub struct DocumentFile(pub Vec<u8>);

/// Upload one file (JPG, PNG or PDF; recognised by content) for a document of the checklist.
#[utoipa::path(post, path = "/api/v1/claim/documents/{kind}", operation_id = "uploadClaimDocument",
    params(("kind" = String, Path, description = "Document kind, e.g. ektp, kpj_card, passbook, photo")),
    request_body(content = DocumentFile, content_type = "application/octet-stream",
        description = "The file's bytes. Recognised by their content: any Content-Type header is taken (image/jpeg, image/png and application/pdf too)."),
    responses((status = 201, body = DocumentView, description = "Stored (sealed) as one file of the document; a document may have several pages. A JPG or PNG is decoded and written anew: upright, at most 2,400 pixels on its longest side, without its metadata (EXIF, comments) or anything else it carried; a PDF is kept as sent, if it carries no active content"),
        (status = 409, body = ApiError, description = "The claim was submitted and can no longer change (not-editable)"),
        (status = 422, body = ApiError, description = "At the field `file`: file-too-large (over the configured limit, 6 MB by default; the message states it), file-type, file-corrupt (also a picture that does not decode or declares more than 50 megapixels), file-active-content (a PDF with scripts, launch actions or embedded files) or file-empty; at `kind`: document-kind (not asked for this claim's cause)")),
    security(("claim_token" = [])))]
pub async fn upload_claim_document(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(kind): Path<String>,
    body: axum::body::Body,
) -> Response {
    let d = match draft(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    // Read to its end up to the documents' cap, as the pages do: a file over the limit is
    // refused at the field `file`, and the app sees the answer.
    let Some(body) = crate::pages::read_file(body.into_data_stream(), state.claims.max_upload_bytes()).await else {
        let too_large = ClaimError::Fields(vec![lapak_claims::FieldError { field: "file", code: "file-too-large" }]);
        return error(&state, lang(&headers), &too_large);
    };
    match state.claims.upload(&d, &kind, &body).await {
        Ok(m) => (
            StatusCode::CREATED,
            Json(DocumentView {
                id: m.id,
                kind: m.kind.code().into(),
                content_type: m.content_type,
                size_bytes: m.size_bytes,
            }),
        )
            .into_response(),
        Err(e) => error(&state, lang(&headers), &e),
    }
}

/// Remove an uploaded file (to replace it) before submission.
#[utoipa::path(delete, path = "/api/v1/claim/documents/{kind}/{id}", operation_id = "removeClaimDocument",
    params(("kind" = String, Path, description = "The document kind the file was uploaded for"),
        ("id" = String, Path, description = "The file's id from uploadClaimDocument")),
    responses((status = 204, description = "Removed"), (status = 404, body = ApiError, description = "No such file of this kind in this claim (not-found)"), (status = 409, body = ApiError, description = "The claim was submitted and can no longer change (not-editable)")),
    security(("claim_token" = [])))]
pub async fn remove_claim_document(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
) -> Response {
    let d = match draft(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    // A file of another kind is not the one meant: as unknown as one that is not there.
    if !d.documents.iter().any(|x| x.id == id && x.kind.code() == kind) {
        return error(&state, lang(&headers), &ClaimError::NotFound);
    }
    match state.claims.remove_document(&d, &id).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => error(&state, lang(&headers), &e),
    }
}

#[derive(Serialize, ToSchema)]
pub struct SubmittedClaim {
    /// Read it out as printed: K7M2-9QXD-R.
    claim_number: String,
}

/// Submit the claim. With an `Idempotency-Key` header, the same key and body return the
/// same claim and the same key with another body is refused.
#[utoipa::path(post, path = "/api/v1/claim/submit", operation_id = "submitClaim",
    params(("Idempotency-Key" = Option<String>, Header, description = "1–255 visible ASCII characters, e.g. a UUID; another is refused (422 idempotency-key)")),
    responses((status = 201, body = SubmittedClaim, description = "Submitted, durably; submitting again gives the same claim number"),
        (status = 422, body = ApiError, description = "incomplete (see getClaim's missing parts and documents), not-eligible, idempotency-key (a key that cannot be honoured) or idempotency-mismatch (the key was used with another body or claim)"), (status = 409, body = ApiError, description = "The claim has moved on past submission (not-editable)")),
    security(("claim_token" = [])))]
pub async fn submit_claim(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Bytes) -> Response {
    let lang = lang(&headers);
    let d = match draft(&state, &headers).await {
        Ok(d) => d,
        Err(r) => return r,
    };
    // A key that cannot be honoured is refused rather than ignored: the client counts on it.
    let key = match headers.get("idempotency-key").map(|v| v.to_str().map(str::trim)) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 255 => Some(k),
        Some(_) => {
            return problem(&state, lang, StatusCode::UNPROCESSABLE_ENTITY, "idempotency-key", Some("Idempotency-Key"))
        }
    };
    match state.claims.submit(&d, lang.code(), key.map(|k| (k, body.as_ref()))).await {
        Ok(number) => (StatusCode::CREATED, Json(SubmittedClaim { claim_number: number.to_string() })).into_response(),
        Err(e) => error(&state, lang, &e),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct TrackRequest {
    /// As printed, e.g. K7M2-9QXD-R (dashes, spaces and case do not matter).
    #[schema(min_length = 1)]
    claim_number: String,
    /// The participant's date of birth, YYYY-MM-DD.
    #[schema(min_length = 1)]
    birth_date: String,
}

#[derive(Serialize, ToSchema)]
pub struct TrackingView {
    claim_number: String,
    state: String,
    /// The state in plain words, in the requested language.
    state_text: String,
    /// What happens next and what the participant must do.
    next: String,
    /// IANA zone of the branch (Asia/Jakarta, Asia/Makassar, Asia/Jayapura).
    time_zone: String,
    events: Vec<TrackedEventView>,
    /// The verification appointment, once the claim is scheduled.
    appointment: Option<AppointmentView>,
    /// Needs documents: the document kinds asked for, and by when (RFC 3339).
    requested_documents: Vec<String>,
    documents_due: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct AppointmentView {
    /// In words, in the requested language and the serving branch's zone.
    when: String,
    /// RFC 3339 with the branch's offset.
    starts_at: String,
    ends_at: String,
    /// IANA zone of the branch that serves.
    time_zone: String,
    /// video_call, one_to_many, counter or collective.
    mode: String,
    mode_text: String,
    /// The branch (at the branch) or the serving branch (video calls).
    place: String,
    /// One to Many: the booth number.
    seat: Option<u8>,
    /// Video calls: the meeting link.
    meeting_link: Option<String>,
    /// What to bring or have ready.
    prepare: String,
}

#[derive(Serialize, ToSchema)]
pub struct TrackedEventView {
    /// RFC 3339 in the branch's zone.
    at: String,
    state: String,
    reason: Option<String>,
}

/// Track a claim by number and birth date. A wrong pair answers like an unknown number.
#[utoipa::path(post, path = "/api/v1/track", operation_id = "trackClaim", request_body = TrackRequest,
    responses((status = 200, body = TrackingView, description = "The claim's state in plain words, its timeline, appointment and what to do next"), (status = 404, body = ApiError, description = "No claim with this number and birth date (a wrong birth date gets the same answer)"), (status = 422, body = ApiError, description = "A field left empty (required), or a body that lacks one"), (status = 429, body = ApiError, description = "Too many lookups from this client, or the failed guesses allowed at this number in a minute (ten by default), counted once for all Lapak processes on the database; then even the right birth date gets this answer, as an unknown number does")))]
pub async fn track_claim(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    ApiJson(body): ApiJson<TrackRequest>,
) -> Response {
    let lang = lang(&headers);
    match state.claims.track(&body.claim_number, &body.birth_date, addr.ip()).await {
        Ok(t) => Json(TrackingView {
            claim_number: t.number.to_string(),
            state: t.state.code().into(),
            state_text: state.i18n.t(lang, &format!("state-{}", t.state.code())),
            next: state.i18n.t(lang, &t.next_key()),
            events: t
                .events
                .iter()
                .map(|e| TrackedEventView {
                    at: e.at.in_tz(&t.time_zone).map_or_else(
                        |_| e.at.to_string(),
                        |z| z.timestamp().display_with_offset(z.offset()).to_string(),
                    ),
                    state: e.to.code().into(),
                    reason: e.reason.clone(),
                })
                .collect(),
            requested_documents: t.requested_documents.iter().map(|k| k.code().to_string()).collect(),
            documents_due: t.documents_due.map(|d| d.to_string()),
            appointment: t.appointment.as_ref().map(|a| {
                let at = |ts: jiff::Timestamp| {
                    ts.in_tz(&a.time_zone)
                        .map_or_else(|_| ts.to_string(), |z| z.timestamp().display_with_offset(z.offset()).to_string())
                };
                AppointmentView {
                    when: lapak_domain::schedule::format_local(a.starts_at, &a.time_zone, lang == Lang::Id),
                    starts_at: at(a.starts_at),
                    ends_at: at(a.ends_at),
                    time_zone: a.time_zone.clone(),
                    mode: a.mode.code().into(),
                    mode_text: state.i18n.t(lang, &format!("mode-{}", a.mode.code())),
                    place: a.branch_name.clone(),
                    seat: (a.mode == lapak_domain::schedule::Mode::OneToMany).then_some(a.seat),
                    meeting_link: a.link.clone(),
                    prepare: state.i18n.t(lang, &format!("prepare-{}", a.mode.code())),
                }
            }),
            time_zone: t.time_zone,
        })
        .into_response(),
        Err(e) => error(&state, lang, &e),
    }
}

/// `/api/openapi.json`
pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_json()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed `docs/openapi.json` is what the code generates. When the API changes on
    /// purpose, regenerate it: `LAPAK_UPDATE_OPENAPI=1 cargo test -p lapak-web openapi`.
    #[test]
    fn openapi_document_matches_the_committed_copy() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
        let generated = openapi_json() + "\n";
        if std::env::var_os("LAPAK_UPDATE_OPENAPI").is_some() {
            std::fs::write(&path, &generated).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == generated,
            "docs/openapi.json is out of date: run LAPAK_UPDATE_OPENAPI=1 cargo test -p lapak-web openapi"
        );
    }

    #[test]
    fn openapi_is_3_1_with_the_journey_operations() {
        let doc: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        let ids: Vec<String> = doc["paths"]
            .as_object()
            .unwrap()
            .values()
            .flat_map(|p| p.as_object().unwrap().values().filter_map(|op| op["operationId"].as_str().map(String::from)))
            .collect();
        for id in ["startClaim", "uploadClaimDocument", "submitClaim", "trackClaim"] {
            assert!(ids.iter().any(|i| i == id), "{id} missing from {ids:?}");
        }
    }

    /// The document is one a client can use: every `$ref` points at something in it, and no
    /// two paths differ only in the names of their parameters (OpenAPI forbids them: they
    /// are one path).
    #[test]
    fn openapi_refs_resolve_and_paths_are_distinct() {
        fn refs<'a>(v: &'a serde_json::Value, out: &mut Vec<&'a str>) {
            match v {
                serde_json::Value::Object(o) => {
                    out.extend(o.get("$ref").and_then(|r| r.as_str()));
                    o.values().for_each(|v| refs(v, out));
                }
                serde_json::Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let doc: serde_json::Value = serde_json::from_str(&openapi_json()).unwrap();
        let mut found = Vec::new();
        refs(&doc, &mut found);
        assert!(found.len() > 20, "{found:?}");
        for r in found {
            assert!(doc.pointer(r.trim_start_matches('#')).is_some(), "{r} points at nothing");
        }
        let mut shapes = std::collections::HashSet::new();
        for path in doc["paths"].as_object().unwrap().keys() {
            let shape: Vec<&str> =
                path.split('/').map(|part| if part.starts_with('{') { "{}" } else { part }).collect();
            assert!(shapes.insert(shape), "{path} is the same path as another with other parameter names");
        }
    }
}
