//! Lapak's HTTP layer: thin handlers over the storage boundary, pages in Bahasa Indonesia
//! and English, health and metrics, and the protections every route gets (security
//! headers, body limits, timeouts, load shedding).

mod admin;
pub mod api;
mod collective;
mod middleware;
mod pages;
mod participant;
mod staff;
mod video;
mod walk_in;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use lapak_claims::ClaimService;
use lapak_storage::{DocumentStore, Store};
use std::sync::Arc;
use std::time::Duration;

pub use lapak_i18n::{I18n, Lang};

/// Limits that protect the service; defaults suit one small machine.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Largest document file accepted (a clear error at the field above it).
    pub max_upload_bytes: usize,
    /// Largest request body accepted (413 above it): the upload limit plus form overhead.
    pub max_body_bytes: usize,
    /// A request that takes longer is answered 503.
    pub request_timeout: Duration,
    /// Mark cookies `Secure` (set when the public address is https://).
    pub secure_cookies: bool,
    /// The address participants reach Lapak at (`LAPAK_PUBLIC_URL`), for the absolute links
    /// pages make (the receipt's QR code, a walk-in ticket's text). Without it, the
    /// request's own `Host` over http.
    pub public_url: Option<String>,
    /// Reverse proxies in front of Lapak: a request from one of them is taken to come from
    /// the client its `X-Forwarded-For` names (for rate limits and the audit trail). Empty:
    /// the peer is the client, and the header is ignored (anyone can write it).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Guessing limits (identity checks, tracking lookups), per minute.
    pub rate_limits: lapak_claims::RateLimits,
    /// Requests handled at once; more are refused at once with 503 and `Retry-After`
    /// rather than queued until they time out.
    pub max_in_flight: usize,
    /// The operator token of the branch admin API; `None` turns that API off.
    pub admin_token: Option<String>,
    /// The Jitsi Meet server for video calls, and its room-token credentials.
    pub video: lapak_claims::video::Jitsi,
    /// The collective channel: its thresholds and the worker list's limits.
    pub collective: lapak_claims::collective::CollectiveSettings,
    /// Days a draft nobody changes is kept (and an unfiled collective batch), as the task
    /// list and the batch page say.
    pub draft_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_upload_bytes: 6 * 1024 * 1024,
            max_body_bytes: 7 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            rate_limits: lapak_claims::RateLimits::default(),
            secure_cookies: false,
            public_url: None,
            trusted_proxies: Vec::new(),
            max_in_flight: 1024,
            admin_token: None,
            video: lapak_claims::video::Jitsi::default(),
            collective: lapak_claims::collective::CollectiveSettings::default(),
            draft_days: lapak_domain::retention::DRAFT_DAYS,
        }
    }
}

/// What every handler can reach.
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub claims: ClaimService,
    pub i18n: I18n,
    pub secure_cookies: bool,
    /// See [`Limits::public_url`].
    pub public_url: Option<String>,
    /// SHA-256 of the branch admin API token, when one is configured.
    pub admin_token_hash: Option<Vec<u8>>,
    pub staff: lapak_staff::StaffService,
    /// See [`Limits::draft_days`].
    pub draft_days: String,
}

pub fn router(store: Arc<dyn Store>, documents: DocumentStore, limits: &Limits) -> Router {
    let claims = ClaimService::with_limits(store.clone(), documents, limits.max_upload_bytes, limits.rate_limits)
        .with_video(limits.video.clone())
        .with_collective(limits.collective);
    use sha2::Digest;
    let admin_token_hash = limits
        .admin_token
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .map(|t| sha2::Sha256::digest(t.trim().as_bytes()).to_vec());
    let staff = lapak_staff::StaffService::new(store.clone());
    let state = Arc::new(AppState {
        store,
        claims,
        // The limits the messages state, as configured.
        i18n: I18n::load()
            .with_value("mb", (limits.max_upload_bytes / (1024 * 1024)).to_string())
            .with_value("list_mb", (limits.collective.max_list_bytes / (1024 * 1024)).to_string()),
        secure_cookies: limits.secure_cookies,
        public_url: limits.public_url.as_ref().map(|u| u.trim_end_matches('/').to_string()),
        admin_token_hash,
        staff,
        draft_days: limits.draft_days.to_string(),
    });
    // A route's own body limit, in place of the general one.
    let cap = |bytes: usize| (tower_http::limit::RequestBodyLimitLayer::new(bytes), DefaultBodyLimit::max(bytes));
    let documents = upload_body_bytes(limits);
    let app = Router::new()
        .route("/", get(pages::home))
        .route("/klaim", get(participant::start))
        .route("/klaim/identitas", get(participant::identity_form).post(participant::identity_submit))
        .route("/klaim/lanjut/{token}", get(participant::resume_link))
        .route("/klaim/lanjut", post(participant::next_task))
        .route("/klaim/sebab", get(participant::cause_form).post(participant::cause_submit))
        .route("/klaim/sebab/hasil", get(participant::cause_result))
        .route("/klaim/pembayaran", get(participant::payment_form).post(participant::payment_submit))
        .route("/klaim/dokumen/{id}/hapus", post(participant::documents_remove))
        .route("/klaim/periksa", get(participant::review))
        .route("/klaim/kirim", post(participant::submit))
        .route("/klaim/selesai", get(participant::done))
        .route("/klaim/tanda-terima", get(participant::receipt))
        .route("/lacak", get(participant::track_form).post(participant::track_submit))
        .route("/lacak/jadwal", post(participant::reschedule))
        .route("/lacak/batal", post(participant::cancel))
        .route("/cabang/{code}/tiket", get(walk_in::kiosk).post(walk_in::take))
        .route("/cabang/{code}/antrean", get(walk_in::board))
        .route("/tiket/{token}", get(walk_in::ticket))
        .route("/video/{token}", get(video::join))
        .route("/staf", get(staff::home))
        .route("/staf/masuk", get(staff::sign_in_form).post(staff::sign_in))
        .route("/staf/kode", get(staff::code_form).post(staff::code))
        .route("/staf/aktifkan", get(staff::enrol_form).post(staff::enrol))
        .route("/staf/keluar", post(staff::sign_out))
        .route("/staf/sesi/{id}", get(staff::session_page))
        .route("/staf/sesi/{id}/keputusan", post(staff::decide))
        .route("/staf/dokumen/{id}", get(staff::document))
        .route("/staf/persetujuan", get(staff::approvals).post(staff::approve))
        .route("/staf/audit", get(staff::audit_page))
        .route("/staf/kapasitas", get(staff::capacity_form).post(staff::capacity_submit))
        .route("/staf/kios", post(staff::kiosk_enrol))
        .route("/staf/kios/cabut", post(staff::kiosk_revoke))
        .route("/kolektif", get(collective::start))
        .route("/kolektif/klaim/{token}", get(collective::worker).post(collective::worker_choice))
        .route("/kolektif/{file}", get(collective::template))
        .route("/staf/kolektif", get(collective::company))
        .route("/staf/kolektif/baru", post(collective::new_batch))
        .route("/staf/kolektif/{id}", get(collective::batch))
        .route("/staf/kolektif/{id}/ajukan", post(collective::submit))
        .route("/staf/kolektif/{id}/sesi", get(collective::staff_batch).post(collective::staff_batch_decide))
        .route("/staf/kolektif/{id}/surat-phk", get(collective::staff_letter))
        .route("/staf/perwakilan", get(collective::representatives).post(collective::decide_representative))
        .route("/staf/perwakilan/{id}/{which}", get(collective::representative_document))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/v1/claims", post(api::start_claim))
        .route("/api/v1/claim", get(api::get_claim))
        .route("/api/v1/claim/cause", axum::routing::put(api::save_cause))
        .route("/api/v1/claim/payment", axum::routing::put(api::save_payment))
        .route("/api/v1/claim/documents/{kind}/{id}", axum::routing::delete(api::remove_claim_document))
        .route("/api/v1/claim/submit", post(api::submit_claim))
        .route("/api/v1/track", post(api::track_claim))
        .route("/api/v1/branches/{code}/capacity", get(admin::get_capacity).put(admin::set_capacity))
        .route("/api/v1/reports/capacity", get(admin::capacity_report))
        .route("/api/v1/branches/{code}/queue/{number}/{action}", post(admin::advance_ticket))
        .route("/healthz", get(pages::healthz))
        .route("/readyz", get(pages::readyz))
        .route("/metrics", get(middleware::metrics))
        .route("/static/lapak.css", get(pages::stylesheet))
        .route("/static/staf.js", get(pages::staff_script))
        .route("/static/antrean.js", get(pages::walk_in_script))
        // Every body is refused above the limit before it is read (413) …
        .layer(tower_http::limit::RequestBodyLimitLayer::new(limits.max_body_bytes))
        // … except documents (a participant's, an app's, a representative's two letters),
        // read to their end up to a larger cap so that a phone photo over the upload limit
        // gets its error at the field, not a bare refusal the browser may not even show (it
        // is still sending) …
        .route(
            "/klaim/dokumen",
            get(participant::documents_form).post(participant::documents_upload).layer(cap(documents)),
        )
        .route("/api/v1/claim/documents/{kind}", post(api::upload_claim_document).layer(cap(documents)))
        .route("/kolektif/daftar", get(collective::register_form).post(collective::register).layer(cap(documents)))
        // … and a worker list, which may be larger (added after that layer, with its own; the
        // same route takes the layoff letter, a document).
        .route(
            "/staf/kolektif/{id}/{what}",
            get(collective::download)
                .post(collective::upload)
                .layer(cap((limits.collective.max_list_bytes + 64 * 1024).max(documents))),
        )
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(limits.max_body_bytes))
        .with_state(state.clone());
    middleware::protect(app, state, limits)
}

/// The largest request carrying participant documents that is read to its end: four times
/// the upload limit, at least 32 MiB. A file over the upload limit is discarded as it
/// arrives and refused at its field.
pub fn upload_body_bytes(limits: &Limits) -> usize {
    limits.max_upload_bytes.saturating_mul(4).max(32 * 1024 * 1024)
}

impl AppState {
    /// Where absolute links point: the configured public address, else this request's host.
    pub fn base_url(&self, headers: &axum::http::HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        let host = headers.get(axum::http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
        format!("http://{host}")
    }
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
