//! SMS/WhatsApp through the generic webhook, against a real HTTP receiver on a loopback port.

use std::sync::{Arc, Mutex};

use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Json;
use lapak_claims::{AppointmentNote, TextMessage};
use lapak_storage::OutboxItem;
use lapak_workers::outbox::Deliver;
use lapak_workers::text::TextSender;

type Seen = Arc<Mutex<Vec<(HeaderMap, serde_json::Value)>>>;

/// A provider that fails the first call and accepts the rest, recording what it got.
async fn provider() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = axum::Router::new().route(
        "/send",
        post(move |headers: HeaderMap, Json(body): Json<serde_json::Value>| {
            let log = log.clone();
            async move {
                let mut log = log.lock().unwrap();
                log.push((headers, body));
                if log.len() == 1 {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::ACCEPTED
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/send", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, seen)
}

fn reminder() -> OutboxItem {
    let m = TextMessage {
        to: "+6281234567890".into(),
        template: "reminder".into(),
        lang: "id".into(),
        claim_number: "K7M29QXDR".into(),
        place: None,
        link: None,
        appointment: Some(AppointmentNote {
            uid: "c-1@lapak".into(),
            starts_at: "2026-12-06T23:00:00Z".parse().unwrap(),
            ends_at: "2026-12-06T23:30:00Z".parse().unwrap(),
            time_zone: "Asia/Jayapura".into(),
            mode: lapak_domain::schedule::Mode::OneToMany,
            branch_name: "Kantor Cabang Jayapura".into(),
            link: None,
        }),
    };
    OutboxItem { id: 42, kind: "sms".into(), payload: serde_json::to_string(&m).unwrap(), attempts: 0 }
}

#[tokio::test]
async fn a_text_is_retried_with_the_same_idempotency_key_until_the_provider_accepts_it() {
    let (url, seen) = provider().await;
    let sender = TextSender::webhook(&url, Some("rahasia"), "https://lapak.example").unwrap();
    let item = reminder();
    let first = sender.deliver(&item).await;
    assert_eq!(first, Err("webhook answered 503".to_string()));
    sender.deliver(&item).await.unwrap();

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].0["idempotency-key"], seen[1].0["idempotency-key"], "the same key on the retry");
    for (headers, body) in seen.iter() {
        let key = headers["idempotency-key"].to_str().unwrap();
        assert!(key.starts_with("lapak-42.") && key.len() == "lapak-42.".len() + 24, "{key}");
        assert_eq!(body["id"], key);
        assert_eq!(headers["authorization"], "Bearer rahasia");
        assert_eq!(body["to"], "+6281234567890");
        assert_eq!(body["channel"], "whatsapp");
        let text = body["text"].as_str().unwrap();
        assert!(text.contains("besok Senin, 7 Desember 2026, 08.00 WIT"), "{text}");
        assert!(text.contains("https://lapak.example/lacak?nomor=K7M29QXDR"), "{text}");
    }
}

#[tokio::test]
async fn without_a_webhook_texts_are_kept_as_files() {
    let dir = tempfile::tempdir().unwrap();
    let sender = TextSender::folder(dir.path(), "http://127.0.0.1:8080").unwrap();
    sender.deliver(&reminder()).await.unwrap();
    let file = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
    assert!(file.file_name().unwrap().to_str().unwrap().starts_with("lapak-42."), "{file:?}");
    let written = std::fs::read_to_string(file).unwrap();
    assert!(written.contains("Kantor Cabang Jayapura"), "{written}");
}
