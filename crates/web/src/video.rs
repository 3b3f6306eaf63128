//! A participant's personal video link: `/video/{secret}` opens their session's Jitsi room
//! (with a room token when configured) from 15 minutes before the start until the end.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::{SignedDuration, Timestamp};
use lapak_claims::video::video_token_hash;

use crate::pages::{LangQuery, MessagePage, PageLang};
use crate::{AppState, Lang};

pub async fn join(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    Path(token): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let pl = PageLang::resolve(&headers, &q);
    let (i, lang) = (&state.i18n, pl.lang);
    let Ok(Some((claim_id, a))) = state.store.appointment_by_video_token(&video_token_hash(&token)).await else {
        return crate::pages::not_found(State(state), headers).await;
    };
    let opens = a.starts_at - SignedDuration::from_mins(15);
    let now = Timestamp::now();
    if now < opens || now > a.ends_at {
        let when = lapak_domain::schedule::format_local(a.starts_at, &a.time_zone, lang == Lang::Id);
        let key = if now < opens { "video-not-yet" } else { "video-ended" };
        let page = MessagePage {
            lang,
            state: &state,
            heading: i.t(lang, "video-title"),
            body: i.t_args(lang, key, &[("when", &when)]),
        };
        return pl.respond(StatusCode::OK, page);
    }
    let name = match state.store.claim(&claim_id).await {
        Ok(Some(c)) => state.store.member_by_kpj(&c.kpj).await.ok().flatten().map(|m| m.full_name.as_str().to_string()),
        _ => None,
    }
    .unwrap_or_else(|| i.t(lang, "video-participant"));
    let url = state.claims.video().join_url(&a.room, &name, &format!("kursi-{}", a.seat), opens, a.ends_at, false);
    Redirect::to(&url).into_response()
}
