//! What every request goes through: panic catching, a log line without personal data,
//! metrics, security headers, load shedding, a timeout and a body limit.

use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, MatchedPath, Request};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{self as mw, Next};
use axum::response::{IntoResponse, Response};
use axum::{BoxError, Router};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};
use std::net::{IpAddr, SocketAddr};
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
    let proxies: Arc<[ipnet::IpNet]> = limits.trusted_proxies.clone().into();
    let origin_state = state.clone();
    let refusal_state = state.clone();
    // Served over HTTPS (through the proxy that ends TLS): browsers are told to keep to it.
    let hsts = state.public_url.as_deref().is_some_and(|u| u.starts_with("https://"));
    let max_body = limits.max_body_bytes;
    app.layer(
        ServiceBuilder::new()
            // Outermost: it sees every refusal below it, the overload and panic answers too.
            .layer(mw::from_fn(move |req, next| refusals(refusal_state.clone(), req, next)))
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
            .layer(mw::from_fn(move |req, next| security_headers(hsts, req, next)))
            // Who sent the request and from which page, in one layer (each costs every request).
            .layer(mw::from_fn(move |req, next| request_origin(origin_state.clone(), proxies.clone(), req, next)))
            .layer(HandleErrorLayer::new(move |err: BoxError| {
                let state = overload_state.clone();
                async move { overloaded(&state, err) }
            }))
            .load_shed()
            // One limit for the whole service: axum applies a layer to each route on its own,
            // and a plain concurrency limit counted each route's requests apart, so the cap
            // did not hold (a test holds a request in flight and sees another refused).
            .layer(tower::limit::GlobalConcurrencyLimitLayer::new(limits.max_in_flight))
            .timeout(limits.request_timeout)
            // Inside the timeout and the limit: it reads a form's body.
            .layer(mw::from_fn(move |req, next| without_nul(max_body, req, next))),
    )
}

/// A NUL character is never part of what a person types, and PostgreSQL refuses it in text
/// (SQLite would keep it): a request with one in its path, query or a page's form is
/// refused as unreadable (400) before any handler sees it, the same on every engine.
/// Fuzzing the forms found a username with a NUL answered 500 on PostgreSQL. A form's body
/// is read here under the body limit, and handed on.
async fn without_nul(max_body: usize, req: Request, next: Next) -> Response {
    let nul = |bytes: &[u8]| bytes.contains(&0) || bytes.windows(3).any(|w| w == b"%00");
    if req.uri().path_and_query().is_some_and(|pq| nul(pq.as_str().as_bytes())) {
        return refused_nul();
    }
    // A page's body is a form, whatever it is labelled: some handlers read their fields
    // from the bytes. Uploads (multipart: files hold NULs) and the JSON API (whose strings
    // are checked field by field) are left to their handlers.
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().get(..10).is_some_and(|t| t.eq_ignore_ascii_case("multipart/")));
    if matches!(req.method(), &Method::GET | &Method::HEAD) || req.uri().path().starts_with("/api/") || multipart {
        return next.run(req).await;
    }
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
    if declared.is_some_and(|n| n > max_body) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, max_body).await else {
        // Cut off, or longer than its length said.
        return StatusCode::BAD_REQUEST.into_response();
    };
    if nul(&bytes) {
        return refused_nul();
    }
    next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await
}

fn refused_nul() -> Response {
    metrics::counter!("lapak_http_nul_refused_total").increment(1);
    StatusCode::BAD_REQUEST.into_response()
}

/// Behind trusted reverse proxies, the client is the address the proxies say they served:
/// `X-Forwarded-For` read from the right (each proxy appends the address it heard from),
/// past every trusted proxy, to the first address that is not one; the handlers' peer
/// address (`ConnectInfo`) is replaced by it, port 0. A request from anyone else keeps its
/// peer address whatever it wrote in the header: the rate limits and the audit trail must
/// not take a client's word for who it is. Written by hand: a few lines over `ipnet`.
///
/// Forms are accepted only from Lapak's own pages: see [`same_origin`].
async fn request_origin(state: Arc<AppState>, proxies: Arc<[ipnet::IpNet]>, mut req: Request, next: Next) -> Response {
    if !proxies.is_empty() {
        if let Some(peer) = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0) {
            if let Some(client) = forwarded_client(&proxies, peer.ip(), req.headers()) {
                req.extensions_mut().insert(ConnectInfo(SocketAddr::new(client, 0)));
            }
        }
    }
    let unsafe_method = !matches!(req.method(), &Method::GET | &Method::HEAD | &Method::OPTIONS);
    if unsafe_method && !req.uri().path().starts_with("/api/") && !same_origin(&state, req.headers()) {
        metrics::counter!("lapak_http_cross_site_refused_total").increment(1);
        let lang = crate::pages::PageLang::resolve(req.headers(), &crate::pages::LangQuery::default()).lang;
        let (i, status) = (&state.i18n, StatusCode::FORBIDDEN);
        return crate::pages::message(
            &state,
            lang,
            status,
            i.t(lang, "error-cross-site-title"),
            i.t(lang, "error-cross-site"),
        );
    }
    next.run(req).await
}

/// The client a trusted proxy forwarded for, when `peer` is one and says so.
fn forwarded_client(proxies: &[ipnet::IpNet], peer: IpAddr, headers: &HeaderMap) -> Option<IpAddr> {
    let trusted = |ip: &IpAddr| proxies.iter().any(|net| net.contains(ip));
    if !trusted(&peer) {
        return None;
    }
    let mut hops = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        // Byte by byte: one hop of bad bytes (written by the client) spoils only itself.
        for hop in value.as_bytes().split(|b| *b == b',') {
            hops.push(std::str::from_utf8(hop).ok().and_then(|h| h.trim().parse::<IpAddr>().ok()));
        }
    }
    let mut client = None;
    for hop in hops.into_iter().rev() {
        // A hop that is not an address (a proxy's "unknown", a forged name) ends the chain:
        // nothing left of it can be trusted.
        let Some(ip) = hop else { break };
        client = Some(ip);
        if !trusted(&ip) {
            break;
        }
    }
    client
}

/// Forms are accepted only from Lapak's own pages. Cookies are `SameSite=Lax` already, but
/// that lets a sibling subdomain post (same site), and the identity form, which starts a
/// draft, needs no cookie at all (a page elsewhere could start a draft in the visitor's
/// browser in someone else's name). Browsers say where a request comes from:
/// `Sec-Fetch-Site` (anything but `same-origin`, or `none` for the user's own action, is
/// refused), or else `Origin` (it must be this server, as the request or the public
/// address names it). A request with neither (an old browser, a script) passes: the
/// cookies' `SameSite` still holds. The JSON API is not cookie-based and is left alone.
fn same_origin(state: &AppState, headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return matches!(site.as_bytes(), b"same-origin" | b"none");
    }
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let from_host =
        host.is_some_and(|h| origin.strip_prefix("http://").or_else(|| origin.strip_prefix("https://")) == Some(h));
    from_host || state.public_url.as_deref() == Some(origin)
}

/// The refusals of the layers and extractors (not of Lapak's handlers) in Lapak's own
/// words. Under `/api/`, every error is JSON in the API's format (`code`, `message` in the
/// language of `Accept-Language`, `field`): an unknown address or method, a body over the
/// limit, a path or query that does not parse, an overload, a panic; the handlers' own JSON
/// errors pass as they are. Elsewhere a refusal or failure without a page (400, 404, 405,
/// 413, 415, 422 and 5xx in plain text or empty: an overload, a panic, a handler's bare
/// 500) becomes a page in the visitor's language that says what to do. The other headers
/// (`Allow`, `Retry-After`) are kept.
async fn refusals(state: Arc<AppState>, req: Request, next: Next) -> Response {
    // Health probes and metrics answer machines, as they are.
    if matches!(req.uri().path(), "/healthz" | "/readyz" | "/metrics") {
        return next.run(req).await;
    }
    // The visitor's language, read before the request is handed on.
    let (api_lang, page_lang) = if req.uri().path().starts_with("/api/") {
        (crate::api::lang(req.headers()), None)
    } else {
        (Lang::Id, Some(crate::pages::PageLang::resolve(req.headers(), &crate::pages::LangQuery::default()).lang))
    };
    let mut res = next.run(req).await;
    let status = res.status();
    // Every 503 says when to come back: the overload's own two seconds, or a store that
    // cannot take requests now (a handler's page or JSON included).
    if status == StatusCode::SERVICE_UNAVAILABLE && !res.headers().contains_key(header::RETRY_AFTER) {
        res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(crate::pages::UNAVAILABLE_RETRY_SECONDS));
    }
    let unavailable = res.extensions().get::<crate::pages::StoreUnavailable>().is_some();
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mut fresh = match page_lang {
        None if content_type.starts_with("application/json")
            || !(status.is_client_error() || status.is_server_error()) =>
        {
            return res
        }
        None => {
            let (code, key) = match status {
                StatusCode::NOT_FOUND => ("not-found", "err-no-route"),
                StatusCode::METHOD_NOT_ALLOWED => ("method-not-allowed", "err-method-not-allowed"),
                StatusCode::PAYLOAD_TOO_LARGE => ("too-large", "err-too-large"),
                StatusCode::UNSUPPORTED_MEDIA_TYPE => ("json-expected", "err-json-expected"),
                StatusCode::TOO_MANY_REQUESTS => ("rate-limited", "err-rate-limited"),
                StatusCode::SERVICE_UNAVAILABLE if unavailable => ("unavailable", "err-unavailable"),
                StatusCode::SERVICE_UNAVAILABLE => ("overloaded", "error-overloaded"),
                s if s.is_server_error() => ("internal", "err-internal"),
                _ => ("bad-request", "err-bad-request"),
            };
            crate::api::api_error(status, code, state.i18n.t(api_lang, key), None)
        }
        // A page, JSON or a file a handler chose to answer with is left as it is.
        Some(_)
            if !(content_type.is_empty() || content_type.starts_with("text/plain"))
                || !matches!(status.as_u16(), 400 | 404 | 405 | 413 | 415 | 422 | 500..=599) =>
        {
            return res
        }
        Some(lang) if unavailable => crate::pages::unavailable(&state, lang),
        Some(lang) => crate::pages::refused(&state, lang, status),
    };
    let (parts, _) = res.into_parts();
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().append(name, value.clone());
        }
    }
    fresh
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

async fn security_headers(hsts: bool, req: Request, next: Next) -> Response {
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
    if hsts {
        set(h, header::STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
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

#[cfg(test)]
mod tests {
    use super::forwarded_client;
    use axum::http::{HeaderMap, HeaderValue};
    use std::net::IpAddr;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn forwarded(values: &[&[u8]]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_bytes(v).unwrap());
        }
        h
    }

    #[test]
    fn the_client_is_the_first_untrusted_address_from_the_right() {
        let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "192.0.2.7/32".parse().unwrap()];
        let peer = ip("10.1.2.3");
        // The client's own claim (left) is skipped: the proxies' entries are read from the right.
        let h = forwarded(&[b"203.0.113.9, 198.51.100.4, 192.0.2.7"]);
        assert_eq!(forwarded_client(&proxies, peer, &h), Some(ip("198.51.100.4")));
        // Several header lines are one list, in order.
        let h = forwarded(&[b"198.51.100.4", b"10.9.9.9"]);
        assert_eq!(forwarded_client(&proxies, peer, &h), Some(ip("198.51.100.4")));
        // IPv6 clients.
        let h = forwarded(&[b"2001:db8::1"]);
        assert_eq!(forwarded_client(&proxies, peer, &h), Some(ip("2001:db8::1")));
        // Bad bytes or a name written by the client, left of the real entries, change nothing.
        let h = forwarded(&[b"\xff\xfe, unknown, 198.51.100.4"]);
        assert_eq!(forwarded_client(&proxies, peer, &h), Some(ip("198.51.100.4")));
        // Every hop a proxy: the leftmost of them.
        let h = forwarded(&[b"10.0.0.1, 10.0.0.2"]);
        assert_eq!(forwarded_client(&proxies, peer, &h), Some(ip("10.0.0.1")));
        // No header, or nothing usable at the right: the peer stays the client.
        assert_eq!(forwarded_client(&proxies, peer, &HeaderMap::new()), None);
        assert_eq!(forwarded_client(&proxies, peer, &forwarded(&[b"198.51.100.4, unknown"])), None);
    }

    #[test]
    fn nobody_else_is_believed() {
        let proxies: Vec<ipnet::IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let h = forwarded(&[b"198.51.100.4"]);
        assert_eq!(forwarded_client(&proxies, ip("203.0.113.9"), &h), None);
        assert_eq!(forwarded_client(&[], ip("10.1.2.3"), &h), None);
    }
}
