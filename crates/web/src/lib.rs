//! Lapak's HTTP layer: thin handlers over the storage boundary, pages in Bahasa Indonesia
//! and English, health and metrics, and the protections every route gets (security
//! headers, body limits, timeouts, load shedding).

pub mod i18n;
mod middleware;
mod pages;

use axum::routing::get;
use axum::Router;
use lapak_storage::Store;
use std::sync::Arc;
use std::time::Duration;

pub use i18n::{I18n, Lang};

/// Limits that protect the service; defaults suit one small machine.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// A request that takes longer is answered 503.
    pub request_timeout: Duration,
    /// Requests handled at once; more are refused at once with 503 and `Retry-After`
    /// rather than queued until they time out.
    pub max_in_flight: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_body_bytes: 8 * 1024 * 1024, request_timeout: Duration::from_secs(30), max_in_flight: 1024 }
    }
}

/// What every handler can reach.
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub i18n: I18n,
}

pub fn router(store: Arc<dyn Store>, limits: &Limits) -> Router {
    let state = Arc::new(AppState { store, i18n: I18n::load() });
    let app = Router::new()
        .route("/", get(pages::home))
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route("/metrics", get(middleware::metrics))
        .route("/static/lapak.css", get(pages::stylesheet))
        .fallback(pages::not_found)
        .with_state(state.clone());
    middleware::protect(app, state, limits)
}

/// Serves until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}
