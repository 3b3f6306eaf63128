//! SMS and WhatsApp through a provider's HTTP API, as one generic JSON webhook (no
//! provider's SDK): Lapak POSTs
//!
//! ```json
//! {"id": "lapak-42.5c1e0b7d9a3f4e21c8b0a6d2", "to": "+6281234567890", "channel": "whatsapp", "text": "…", "lang": "id"}
//! ```
//!
//! with `Content-Type: application/json`, `Idempotency-Key` the same as `id` (the same on
//! every retry of one message, so the provider can drop a duplicate: see
//! [`crate::outbox::message_key`]) and, when a token is
//! configured, `Authorization: Bearer TOKEN`. Any 2xx answer means accepted; anything else
//! (or no answer within 10 s) is retried with back-off by the outbox relay. Without a
//! webhook the texts are written as JSON files to a folder, like e-mail.

use std::path::{Path, PathBuf};
use std::time::Duration;

use async_trait::async_trait;
use lapak_claims::TextMessage;
use lapak_i18n::{I18n, Lang};
use lapak_storage::OutboxItem;
use serde::Serialize;

use crate::outbox::{message_key, Deliver};

pub struct TextSender {
    target: Target,
    i18n: I18n,
    public_url: String,
}

enum Target {
    Webhook { url: reqwest::Url, token: Option<String>, client: reqwest::Client },
    Folder(PathBuf),
}

/// The body of the webhook call.
#[derive(Debug, Serialize)]
pub struct WebhookBody<'a> {
    pub id: String,
    pub to: &'a str,
    pub channel: &'static str,
    pub text: String,
    pub lang: &'static str,
}

impl TextSender {
    pub fn webhook(url: &str, token: Option<&str>, public_url: &str) -> Result<TextSender, String> {
        let url = reqwest::Url::parse(url).map_err(|e| format!("webhook URL: {e}"))?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(TextSender {
            target: Target::Webhook { url, token: token.map(str::to_string), client },
            i18n: I18n::load(),
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    pub fn folder(dir: &Path, public_url: &str) -> std::io::Result<TextSender> {
        std::fs::create_dir_all(dir)?;
        Ok(TextSender {
            target: Target::Folder(dir.to_path_buf()),
            i18n: I18n::load(),
            public_url: public_url.trim_end_matches('/').to_string(),
        })
    }

    /// The text of a message, short enough for one or two SMS.
    pub fn render(&self, m: &TextMessage) -> Option<String> {
        let lang = Lang::parse(&m.lang).unwrap_or(Lang::Id);
        if m.template == "ticket-called" {
            let args = [
                ("number", m.claim_number.as_str()),
                ("place", m.place.as_deref().unwrap_or_default()),
                ("link", m.link.as_deref().unwrap_or_default()),
            ];
            return Some(self.i18n.t_args(lang, "text-ticket-called", &args));
        }
        if m.template == "collective-filed" {
            let link = format!("{}{}", self.public_url, m.link.as_deref().unwrap_or_default());
            let args = [
                ("number", m.claim_number.as_str()),
                ("company", m.place.as_deref().unwrap_or_default()),
                ("link", &link),
            ];
            return Some(self.i18n.t_args(lang, "text-collective-filed", &args));
        }
        let a = &m.appointment.as_ref()?.absolute(&self.public_url);
        let when = lapak_domain::schedule::format_local(a.starts_at, &a.time_zone, lang == Lang::Id);
        let how = self.i18n.t(lang, &format!("mode-{}", a.mode.code()));
        let link = format!("{}/lacak?nomor={}", self.public_url, m.claim_number);
        let key = match m.template.as_str() {
            "scheduled" => "text-scheduled",
            "reminder" => "text-reminder",
            _ => return None,
        };
        Some(self.i18n.t_args(
            lang,
            key,
            &[
                ("number", &m.claim_number),
                ("when", &when),
                ("how", &how),
                ("place", a.link.as_deref().unwrap_or(&a.branch_name)),
                ("link", &link),
            ],
        ))
    }
}

#[async_trait]
impl Deliver for TextSender {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        let m: TextMessage = serde_json::from_str(&item.payload).map_err(|_| "malformed outbox payload".to_string())?;
        let text = self.render(&m).ok_or_else(|| format!("unknown template {}", m.template))?;
        let body = WebhookBody {
            id: message_key(item),
            to: &m.to,
            channel: "whatsapp",
            text,
            lang: if m.lang == "en" { "en" } else { "id" },
        };
        match &self.target {
            Target::Webhook { url, token, client } => {
                let mut request = client.post(url.clone()).header("idempotency-key", &body.id).json(&body);
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                // Errors name the kind of failure, never the number or the text.
                let response = request.send().await.map_err(|e| {
                    if e.is_timeout() {
                        "webhook: timeout".to_string()
                    } else {
                        "webhook: connection failed".to_string()
                    }
                })?;
                if response.status().is_success() {
                    Ok(())
                } else {
                    Err(format!("webhook answered {}", response.status().as_u16()))
                }
            }
            Target::Folder(dir) => {
                let path = dir.join(format!("{}.json", body.id));
                let json = serde_json::to_vec_pretty(&body).map_err(|e| e.to_string())?;
                tokio::fs::write(&path, json).await.map_err(|e| format!("text folder: {}", e.kind()))
            }
        }
    }
}

/// Hands each outbox item to the channel of its kind.
pub struct Channels {
    pub email: Box<dyn Deliver>,
    pub text: Box<dyn Deliver>,
}

#[async_trait]
impl Deliver for Channels {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        match item.kind.as_str() {
            "email" => self.email.deliver(item).await,
            "sms" => self.text.deliver(item).await,
            other => Err(format!("no channel for {other}")),
        }
    }
}
