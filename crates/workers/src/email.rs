//! The e-mail channel of the outbox relay: renders the participant's message in their
//! language and sends it over SMTP (lettre), or, with no SMTP server configured (the demo),
//! writes it as an .eml file into a folder so that nothing is lost and links can be opened.

use async_trait::async_trait;
use lapak_claims::{AppointmentNote, EmailMessage};
use lapak_i18n::{I18n, Lang};
use lapak_storage::OutboxItem;
use lettre::message::{header::ContentType, Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use std::path::Path;
use std::time::Duration;

use crate::outbox::{message_key, Deliver};

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Folder(AsyncFileTransport<Tokio1Executor>),
}

pub struct Mailer {
    transport: Transport,
    from: Mailbox,
    /// Where links in e-mails point, e.g. `https://lapak.example.go.id` (no trailing slash).
    public_url: String,
    i18n: I18n,
    /// Days a draft is kept after its last change, as the resume e-mail says.
    draft_days: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailerError {
    #[error("SMTP URL is not valid (smtp://host:port or smtps://user:pass@host): {0}")]
    InvalidUrl(String),
    #[error("sender address is not valid: {0}")]
    InvalidFrom(String),
    #[error("cannot create the mail folder: {0}")]
    Folder(std::io::Error),
}

impl Mailer {
    /// SMTP at `url` (`smtp://host:port`, `smtp://host?tls=required`, `smtps://user:pass@host`).
    pub fn smtp(url: &str, from: &str, public_url: &str) -> Result<Mailer, MailerError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailerError::InvalidUrl(e.to_string()))?
            .timeout(Some(Duration::from_secs(20)))
            .build();
        Mailer::with(Transport::Smtp(transport), from, public_url)
    }

    /// .eml files in `dir`, for a machine without an SMTP server.
    pub fn folder(dir: &Path, from: &str, public_url: &str) -> Result<Mailer, MailerError> {
        std::fs::create_dir_all(dir).map_err(MailerError::Folder)?;
        Mailer::with(Transport::Folder(AsyncFileTransport::new(dir)), from, public_url)
    }

    fn with(transport: Transport, from: &str, public_url: &str) -> Result<Mailer, MailerError> {
        Ok(Mailer {
            transport,
            from: from.parse().map_err(|e: lettre::address::AddressError| MailerError::InvalidFrom(e.to_string()))?,
            public_url: public_url.trim_end_matches('/').to_string(),
            i18n: I18n::load(),
            draft_days: lapak_domain::retention::DRAFT_DAYS.to_string(),
        })
    }

    /// The agency's retention of drafts, for the resume e-mail.
    pub fn with_draft_days(mut self, days: u32) -> Mailer {
        self.draft_days = days.to_string();
        self
    }

    /// Subject and plain-text body of a message.
    pub fn render(&self, m: &EmailMessage) -> Option<(String, String)> {
        let lang = Lang::parse(&m.lang).unwrap_or(Lang::Id);
        let t = |key: &str, args: &[(&str, &str)]| self.i18n.t_args(lang, key, args);
        match m.template.as_str() {
            "needs-documents" => {
                let link = format!("{}/klaim/lanjut/{}", self.public_url, m.resume_token.as_deref()?);
                let number = grouped_claim_number(m.claim_number.as_deref().unwrap_or_default());
                Some((
                    t("email-needs-documents-subject", &[("number", &number)]),
                    t("email-needs-documents-body", &[("name", &m.name), ("number", &number), ("link", &link)]),
                ))
            }
            "collective-filed" => {
                let number = m.claim_number.as_deref()?;
                let shown = grouped_claim_number(number);
                let track = format!("{}/lacak?nomor={number}", self.public_url);
                let own = format!("{}/kolektif/klaim/{}", self.public_url, m.resume_token.as_deref()?);
                let company = m.company.as_deref().unwrap_or_default();
                Some((
                    t("email-collective-filed-subject", &[("number", &shown), ("company", company)]),
                    t(
                        "email-collective-filed-body",
                        &[
                            ("name", &m.name),
                            ("number", &shown),
                            ("company", company),
                            ("track", &track),
                            ("link", &own),
                        ],
                    ),
                ))
            }
            "collective-session" => {
                let a = &m.appointment.as_ref()?.absolute(&self.public_url);
                let when = lapak_domain::schedule::format_local(a.starts_at, &a.time_zone, lang == Lang::Id);
                let company = m.company.as_deref().unwrap_or_default();
                let link = format!("{}/staf/kolektif", self.public_url);
                Some((
                    t("email-collective-session-subject", &[("company", company), ("when", &when)]),
                    t(
                        "email-collective-session-body",
                        &[
                            ("name", &m.name),
                            ("company", company),
                            ("when", &when),
                            ("place", &a.branch_name),
                            ("link", &link),
                        ],
                    ),
                ))
            }
            "representative-confirmed" | "representative-refused" => {
                let company = m.company.as_deref().unwrap_or_default();
                let link = format!("{}/staf/masuk", self.public_url);
                Some((
                    t(&format!("email-{}-subject", m.template), &[("company", company)]),
                    t(
                        &format!("email-{}-body", m.template),
                        &[("name", &m.name), ("company", company), ("link", &link), ("username", &m.to)],
                    ),
                ))
            }
            "resume" => {
                let link = format!("{}/klaim/lanjut/{}", self.public_url, m.resume_token.as_deref()?);
                Some((
                    t("email-resume-subject", &[]),
                    t("email-resume-body", &[("name", &m.name), ("link", &link), ("days", &self.draft_days)]),
                ))
            }
            "submitted" => {
                let number = m.claim_number.as_deref()?;
                let shown = grouped_claim_number(number);
                let link = format!("{}/lacak?nomor={number}", self.public_url);
                Some((
                    t("email-submitted-subject", &[("number", &shown)]),
                    t("email-submitted-body", &[("name", &m.name), ("number", &shown), ("link", &link)]),
                ))
            }
            "scheduled" | "reminder" => {
                let number = m.claim_number.as_deref()?;
                let a = &m.appointment.as_ref()?.absolute(&self.public_url);
                let mode = a.mode.code();
                let when = lapak_domain::schedule::format_local(a.starts_at, &a.time_zone, lang == Lang::Id);
                let place = a.link.clone().unwrap_or_else(|| a.branch_name.clone());
                let link = format!("{}/lacak?nomor={number}", self.public_url);
                let (subject, body) = if m.template == "reminder" {
                    ("email-reminder-subject", "email-reminder-body")
                } else {
                    ("email-scheduled-subject", "email-scheduled-body")
                };
                Some((
                    t(subject, &[("when", &when)]),
                    t(
                        body,
                        &[
                            ("name", &m.name),
                            ("number", &grouped_claim_number(number)),
                            ("when", &when),
                            ("how", &t(&format!("mode-{mode}"), &[])),
                            ("place", &place),
                            ("prepare", &t(&format!("prepare-{mode}"), &[])),
                            ("link", &link),
                        ],
                    ),
                ))
            }
            _ => None,
        }
    }
}

/// A calendar invitation (RFC 5545) for an appointment. Written by hand: a handful of
/// fixed lines, no recurrence or time-zone tables (times are in UTC).
pub fn ics(a: &AppointmentNote, summary: &str, from: &str) -> String {
    let stamp = |t: jiff::Timestamp| t.strftime("%Y%m%dT%H%M%SZ").to_string();
    // Text values escape backslash, semicolon, comma and newline (RFC 5545 §3.3.11).
    let text = |s: &str| s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace('\n', "\\n");
    let location = a.link.clone().unwrap_or_else(|| a.branch_name.clone());
    [
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Lapak//Appointments//ID".into(),
        "METHOD:REQUEST".into(),
        "BEGIN:VEVENT".into(),
        format!("UID:{}", a.uid),
        format!("DTSTAMP:{}", stamp(jiff::Timestamp::now())),
        format!("DTSTART:{}", stamp(a.starts_at)),
        format!("DTEND:{}", stamp(a.ends_at)),
        format!("SUMMARY:{}", text(summary)),
        format!("LOCATION:{}", text(&location)),
        format!("ORGANIZER:mailto:{from}"),
        "END:VEVENT".into(),
        "END:VCALENDAR".into(),
        String::new(),
    ]
    .join("\r\n")
}

/// K7M29QXDR → K7M2-9QXD-R, as printed on the receipt.
fn grouped_claim_number(compact: &str) -> String {
    if compact.len() == 9 {
        format!("{}-{}-{}", &compact[0..4], &compact[4..8], &compact[8..9])
    } else {
        compact.to_string()
    }
}

#[async_trait]
impl Deliver for Mailer {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        // Errors name the kind of failure, never the address or the content.
        let m: EmailMessage =
            serde_json::from_str(&item.payload).map_err(|_| "malformed outbox payload".to_string())?;
        let (subject, body) = self.render(&m).ok_or_else(|| format!("unknown template {}", m.template))?;
        let to: Mailbox = m.to.parse().map_err(|_| "recipient address rejected".to_string())?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject.clone())
            .message_id(Some(format!("<{}@{}>", message_key(item), self.from.email.domain())));
        let message = match &m.appointment {
            Some(a) => {
                let invite = ics(&a.absolute(&self.public_url), &subject, self.from.email.as_ref());
                let calendar = ContentType::parse("text/calendar; charset=utf-8; method=REQUEST")
                    .map_err(|e| format!("content type: {e}"))?;
                builder.multipart(
                    MultiPart::mixed()
                        .singlepart(SinglePart::plain(body))
                        .singlepart(Attachment::new("undangan.ics".into()).body(invite, calendar)),
                )
            }
            None => builder.header(ContentType::TEXT_PLAIN).body(body),
        }
        .map_err(|e| format!("message not built: {e}"))?;
        match &self.transport {
            Transport::Smtp(t) => {
                t.send(message).await.map(|_| ()).map_err(|e| format!("smtp: {}", smtp_error_kind(&e)))
            }
            Transport::Folder(t) => t.send(message).await.map(|_| ()).map_err(|e| format!("mail folder: {e}")),
        }
    }
}

fn smtp_error_kind(e: &lettre::transport::smtp::Error) -> &'static str {
    if e.is_permanent() {
        "permanent rejection"
    } else if e.is_transient() {
        "temporary rejection"
    } else if e.is_timeout() {
        "timeout"
    } else {
        "connection failed"
    }
}
