//! What every request goes through: panic catching, a log line without personal data,
//! metrics, security headers, load shedding, a timeout and a body limit.

use axum::error_handling::HandleErrorLayer;
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self as mw, Next};
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::{AppState, Limits};
use lapak_i18n::Lang;

pub fn protect(app: Router, state: Arc<AppState>, limits: &Limits) -> Router {
    prometheus();
    let overload_state = state.clone();
    app.layer(
        ServiceBuilder::new()
            .layer(CatchPanicLayer::custom(move |_| internal_error(&state)))
            .layer(
                TraceLayer::new_for_http()
                    // Method and route pattern only: never the query string or path values.
                    .make_span_with(|req: &Request| {
                        let route = req.extensions().get::<MatchedPath>().map_or("unmatched", |p| p.as_str());
                        tracing::info_span!("http", method = %req.method(), route = %route)
                    })
                    .on_response(DefaultOnResponse::new().level(Level::INFO)),
            )
            .layer(mw::from_fn(record_metrics))
            .layer(mw::from_fn(security_headers))
            .layer(HandleErrorLayer::new(move |err: BoxError| {
                let state = overload_state.clone();
                async move { overloaded(&state, err) }
            }))
            .load_shed()
            .concurrency_limit(limits.max_in_flight)
            .timeout(limits.request_timeout),
    )
}

/// 503 with `Retry-After`: a fast, honest refusal beats a queue that times out (RFC 9110).
fn overloaded(state: &AppState, err: BoxError) -> Response {
    let reason = if err.is::<tower::timeout::error::Elapsed>() { "timeout" } else { "overloaded" };
    metrics::counter!("lapak_http_shed_total", "reason" => reason).increment(1);
    let body =
        format!("{}\n\n{}\n", state.i18n.t(Lang::Id, "error-overloaded"), state.i18n.t(Lang::En, "error-overloaded"));
    (StatusCode::SERVICE_UNAVAILABLE, [(header::RETRY_AFTER, "2")], body).into_response()
}

fn internal_error(state: &AppState) -> Response {
    let body =
        format!("{}\n\n{}\n", state.i18n.t(Lang::Id, "error-internal"), state.i18n.t(Lang::En, "error-internal"));
    (StatusCode::INTERNAL_SERVER_ERROR, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: header::HeaderName, value: &'static str| {
        h.entry(name).or_insert(HeaderValue::from_static(value));
    };
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()");
    set(h, header::HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    // Pages can carry personal data: no caching unless a handler says otherwise.
    set(h, header::CACHE_CONTROL, "no-store");
    res
}

async fn record_metrics(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route =
        req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let res = next.run(req).await;
    let status = res.status().as_u16().to_string();
    metrics::counter!("lapak_http_requests_total", "method" => method, "route" => route.clone(), "status" => status)
        .increment(1);
    metrics::histogram!("lapak_http_request_duration_seconds", "route" => route)
        .record(started.elapsed().as_secs_f64());
    res
}

/// The process-wide Prometheus recorder (installed once, shared by every router).
fn prometheus() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| PrometheusBuilder::new().install_recorder().expect("no other metrics recorder is installed"))
}

pub async fn metrics() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], prometheus().render()).into_response()
}
