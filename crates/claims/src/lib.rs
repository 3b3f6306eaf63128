//! The claim services that the participant pages and the JSON API share. Each function
//! takes what a person typed (text, bytes), turns it into domain values, applies the rules
//! and stores the result; errors name the field at fault and a message code that the web
//! layer translates (`err-<code>` in the Fluent files).

mod appointments;
pub mod collective;
pub mod document_zip;
pub mod images;
mod limits;
pub mod pdf;
pub mod video;
pub mod walk_in;
pub mod worker_list;

pub use appointments::{
    appointment_messages, appointment_notice, capacity_report, notice_messages, report_csv, Alternative, Recipient,
    ReportRow,
};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jiff::civil::Date;
use jiff::Timestamp;
use lapak_domain::application::{Application, Missing};
use lapak_domain::bank::{BankAccount, BankError};
use lapak_domain::cause::ClaimCause;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::documents::{required_documents, DocumentKind};
use lapak_domain::eligibility::{decide, ClaimHistory, Decision, EligibilityRules, MemberFacts};
use lapak_domain::lifecycle::{Action, Actor, ClaimEvent, ClaimState, Role};
use lapak_domain::member::{BranchCode, Member, Name, NameError};
use lapak_domain::upload::{inspect, FileKind, UploadError};
use lapak_domain::{Email, Kpj, MobileNumber, Nik, Npwp};
use lapak_storage::{
    ClaimRecord, DocumentMeta, DocumentStore, DraftRecord, Guess, NewClaim, OutboxMessage, StorageError, Store,
    Submission,
};
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::net::IpAddr;
use std::sync::Arc;

pub use limits::{Limiter, RateLimits};

/// A problem with one field: which, and the message code (`err-<code>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub code: &'static str,
}

#[derive(Debug, thiserror::Error)]
pub enum ClaimError {
    #[error("some answers are not valid")]
    Fields(Vec<FieldError>),
    /// One answer for every mismatch, so that nobody learns whether a NIK or KPJ exists.
    #[error("identity does not match the registry")]
    IdentityMismatch,
    #[error("too many attempts")]
    RateLimited,
    /// The seat chosen is no longer free.
    #[error("the chosen slot is no longer free")]
    SlotTaken,
    #[error("the KPJ already has a claim in progress")]
    OpenClaimExists,
    #[error("not found")]
    NotFound,
    #[error("the claim can no longer be changed")]
    NotEditable,
    #[error("the application is not complete")]
    Incomplete(Missing),
    #[error("not eligible")]
    NotEligible(Decision),
    #[error("the Idempotency-Key was used with another request")]
    IdempotencyMismatch,
    /// A worker list that cannot be read as one (collective channel).
    #[error("worker list: {0}")]
    List(worker_list::ListError),
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
}

impl ClaimError {
    fn field(field: &'static str, code: &'static str) -> ClaimError {
        ClaimError::Fields(vec![FieldError { field, code }])
    }

    /// The stable code for the API and the message key for pages.
    pub fn code(&self) -> &'static str {
        match self {
            ClaimError::Fields(_) => "invalid",
            ClaimError::IdentityMismatch => "identity-mismatch",
            ClaimError::RateLimited => "rate-limited",
            ClaimError::OpenClaimExists => "open-claim-exists",
            ClaimError::NotFound => "not-found",
            ClaimError::NotEditable => "not-editable",
            ClaimError::Incomplete(_) => "incomplete",
            ClaimError::NotEligible(_) => "not-eligible",
            ClaimError::IdempotencyMismatch => "idempotency-mismatch",
            ClaimError::SlotTaken => "slot-taken",
            ClaimError::List(e) => e.code(),
            ClaimError::Storage(e) if e.is_unavailable() => "unavailable",
            ClaimError::Storage(_) => "internal",
        }
    }

    /// The database or document store cannot take the request now (see
    /// [`StorageError::is_unavailable`]): the same request may succeed in a moment.
    pub fn is_unavailable(&self) -> bool {
        matches!(self, ClaimError::Storage(e) if e.is_unavailable())
    }
}

pub type Result<T, E = ClaimError> = std::result::Result<T, E>;

/// What a participant types to prove who they are.
#[derive(Debug, Clone, Default)]
pub struct IdentityInput {
    pub nik: String,
    pub kpj: String,
    pub full_name: String,
    pub birth_date: String,
}

/// A started (or restarted) claim: its id and the secret of its resume link.
#[derive(Debug, Clone)]
pub struct Started {
    pub claim_id: String,
    /// Shown once (cookie, e-mail link); only its SHA-256 is stored.
    pub resume_token: String,
}

/// Everything a page needs to show a draft.
#[derive(Debug, Clone)]
pub struct Draft {
    pub claim: ClaimRecord,
    pub member: Member,
    /// `None` until a cause is chosen.
    pub decision: Option<Decision>,
    pub documents: Vec<DocumentMeta>,
}

impl Draft {
    pub fn npwp_needed(&self) -> bool {
        match self.decision {
            Some(Decision::Eligible { benefit, .. } | Decision::NotYet { benefit, .. }) => benefit.npwp_required,
            _ => false,
        }
    }

    pub fn uploaded_kinds(&self) -> Vec<DocumentKind> {
        self.documents.iter().map(|d| d.kind).collect()
    }

    pub fn missing(&self) -> Option<Missing> {
        self.claim.application.complete(self.npwp_needed(), &self.uploaded_kinds()).err()
    }
}

/// Payment and contact answers as typed.
#[derive(Debug, Clone, Default)]
pub struct PaymentInput {
    pub bank_code: String,
    pub account_number: String,
    pub account_holder: String,
    pub email: String,
    pub whatsapp: String,
    pub npwp: String,
    pub branch: String,
    /// How to be served (`lapak_domain::schedule::SERVICES`); empty: a video call.
    pub service: String,
}

/// Days a participant has to send the documents an officer asked for.
pub const DOCUMENTS_DUE_DAYS: i64 = 30;

/// How often a participant coming back through the identity step is e-mailed a resume link
/// again. Each visit gets a link of its own either way; the e-mail is for one who lost the
/// last, and at one an hour someone who knows their four facts cannot fill their inbox.
pub const RESUME_EMAIL_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

/// A message for the outbox relay: what to send to whom.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct EmailMessage {
    pub to: String,
    /// `resume`, `submitted`, `scheduled` or `reminder`.
    pub template: String,
    pub lang: String,
    pub name: String,
    /// The resume link's secret, for `resume`.
    pub resume_token: Option<String>,
    pub claim_number: Option<String>,
    /// For `scheduled`: the appointment.
    #[serde(default)]
    pub appointment: Option<AppointmentNote>,
    /// For `collective-filed`: the company that filed the claim.
    #[serde(default)]
    pub company: Option<String>,
}

/// A short text for SMS/WhatsApp: what to send to which number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TextMessage {
    /// E.164, e.g. +6281234567890.
    pub to: String,
    /// `scheduled`, `reminder` or `ticket-called`.
    pub template: String,
    pub lang: String,
    /// The claim number, or the ticket number ("A-007") for `ticket-called`.
    pub claim_number: String,
    pub appointment: Option<AppointmentNote>,
    /// `ticket-called`: the branch and the ticket page.
    #[serde(default)]
    pub place: Option<String>,
    #[serde(default)]
    pub link: Option<String>,
}

/// An appointment as a message describes it (and its calendar invitation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct AppointmentNote {
    /// Stable across re-sends: the calendar replaces rather than duplicates.
    pub uid: String,
    pub starts_at: jiff::Timestamp,
    pub ends_at: jiff::Timestamp,
    /// The branch's IANA zone: the time is written in it.
    pub time_zone: String,
    pub mode: lapak_domain::schedule::Mode,
    pub branch_name: String,
    /// Video calls: the participant's personal link (a path on Lapak, `/video/…`, until
    /// [`AppointmentNote::absolute`] makes it a full address).
    pub link: Option<String>,
}

/// A seat's personal link in `mode`: for a video call, a path on Lapak (`/video/…`) with a
/// new secret, and the secret's hash to be stored with the booking; none for other modes.
pub fn personal_link(mode: lapak_domain::schedule::Mode) -> (Option<String>, Option<Vec<u8>>) {
    match mode {
        lapak_domain::schedule::Mode::VideoCall => {
            let (token, hash) = video::new_video_token();
            (Some(format!("/video/{token}")), Some(hash))
        }
        _ => (None, None),
    }
}

impl AppointmentNote {
    /// The calendar UID of `claim_id`'s appointment (the `.ics` invitation's): the same for
    /// every seat it is given, one appointment to a calendar whichever seat it holds.
    pub fn uid(claim_id: &str) -> String {
        format!("{claim_id}@lapak")
    }

    /// The note for `claim_id`'s seat in `session`; a video call gets a personal link, whose
    /// secret's hash is returned to be stored with the booking.
    pub fn for_seat(
        claim_id: &str,
        session: &lapak_domain::schedule::Session,
        time_zone: String,
        branch_name: String,
    ) -> (AppointmentNote, Option<Vec<u8>>) {
        let (link, hash) = personal_link(session.mode);
        let note = AppointmentNote {
            uid: AppointmentNote::uid(claim_id),
            starts_at: session.starts_at,
            ends_at: session.ends_at,
            time_zone,
            mode: session.mode,
            branch_name,
            link,
        };
        (note, hash)
    }

    /// The same with the link made absolute under `public_url`.
    pub fn absolute(&self, public_url: &str) -> AppointmentNote {
        let mut note = self.clone();
        if let Some(path) = note.link.as_deref().filter(|l| l.starts_with('/')) {
            note.link = Some(format!("{}{path}", public_url.trim_end_matches('/')));
        }
        note
    }
}

pub struct ClaimService {
    store: Arc<dyn Store>,
    documents: DocumentStore,
    rules: EligibilityRules,
    max_upload_bytes: usize,
    limiter: Limiter,
    video: video::Jitsi,
    collective: collective::CollectiveSettings,
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// 128 random bits, for tokens (and ids that need no order).
fn new_id() -> String {
    let mut b = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// A claim's or a document's id ([`lapak_domain::record_id::record_id`]).
fn new_record_id() -> String {
    lapak_domain::record_id::record_id(Timestamp::now(), rand::Rng::gen(&mut rand::thread_rng()))
}

/// Today in Indonesia's westernmost zone: dates typed by participants are WIB dates.
pub fn today() -> Date {
    Timestamp::now().in_tz("Asia/Jakarta").map(|z| z.date()).unwrap_or_else(|_| jiff::Zoned::now().date())
}

/// `YYYY-MM-DD` (HTML date inputs, the API) or `DD/MM/YYYY` (people).
pub fn parse_date(s: &str) -> Option<Date> {
    lapak_domain::dates::parse(s)
}

/// What is kept of a file [`inspect`] recognised: a PDF as sent once [`pdf::check`] finds
/// no active content in it (a scan of its bytes, here), a photo or scan as
/// [`images::rewrite`] writes it anew: off the async workers, at most one picture per core
/// at a time, so that a morning of uploads queues here rather than taking every thread from
/// the requests that only read.
pub(crate) async fn kept_form(bytes: &[u8], kind: FileKind) -> std::result::Result<Cow<'_, [u8]>, UploadError> {
    static TURNS: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
        tokio::sync::Semaphore::new(std::thread::available_parallelism().map_or(2, |n| n.get()))
    });
    if kind == FileKind::Pdf {
        return pdf::check(bytes).map(|()| Cow::Borrowed(bytes));
    }
    let _turn = TURNS.acquire().await.expect("the semaphore is never closed");
    let sent = bytes.to_vec();
    let written = tokio::task::spawn_blocking(move || images::rewrite(&sent, kind)).await;
    written.unwrap_or(Err(UploadError::Corrupt)).map(Cow::Owned)
}

fn upload_code(e: &UploadError) -> &'static str {
    match e {
        UploadError::Empty => "file-empty",
        UploadError::TooLarge { .. } => "file-too-large",
        UploadError::NotAllowed => "file-type",
        UploadError::Corrupt => "file-corrupt",
        UploadError::ActiveContent => "file-active-content",
    }
}

fn name_code(e: &NameError) -> &'static str {
    match e {
        NameError::Empty => "required",
        NameError::TooLong { .. } => "name-too-long",
        NameError::Characters => "name-characters",
    }
}

impl ClaimService {
    pub fn new(store: Arc<dyn Store>, documents: DocumentStore, max_upload_bytes: usize) -> ClaimService {
        ClaimService::with_limits(store, documents, max_upload_bytes, RateLimits::default())
    }

    pub fn with_limits(
        store: Arc<dyn Store>,
        documents: DocumentStore,
        max_upload_bytes: usize,
        limits: RateLimits,
    ) -> ClaimService {
        ClaimService {
            store,
            documents,
            rules: EligibilityRules::default(),
            max_upload_bytes,
            limiter: Limiter::new(limits),
            video: video::Jitsi::default(),
            collective: collective::CollectiveSettings::default(),
        }
    }

    /// Video calls on another Jitsi server, or with room tokens.
    pub fn with_video(mut self, video: video::Jitsi) -> ClaimService {
        self.video = video;
        self
    }

    /// An officer asks for documents: the claim moves to NeedsDocuments with the reason, and
    /// the participant gets an e-mail with a fresh link back to their claim, where only the
    /// documents part is open. One transaction for the move, another for the link and the
    /// message (a link of its own: any given before keep working).
    pub async fn request_documents(
        &self,
        claim_id: &str,
        event: &lapak_domain::lifecycle::ClaimEvent,
        kinds: &[lapak_domain::documents::DocumentKind],
    ) -> Result<()> {
        self.store.record_claim_event(claim_id, event, None).await?;
        let due = event.at + jiff::SignedDuration::from_hours(24 * DOCUMENTS_DUE_DAYS);
        self.store.set_requested_documents(claim_id, kinds, due).await?;
        let claim = self.store.claim(claim_id).await?.ok_or(ClaimError::NotFound)?;
        let resume_token = new_id() + &new_id();
        let hash = token_hash(&resume_token);
        let name = self.store.member_by_kpj(&claim.kpj).await?.map(|m| m.full_name.as_str().to_string());
        let outbox = claim.application.email.as_ref().map(|email| OutboxMessage {
            dedupe_key: format!("needs-documents:{claim_id}:{}", event.at.as_microsecond()),
            kind: "email".into(),
            payload: serde_json::to_string(&EmailMessage {
                to: email.as_str().into(),
                template: "needs-documents".into(),
                lang: claim.lang.clone(),
                name: name.unwrap_or_default(),
                resume_token: Some(resume_token.clone()),
                claim_number: claim.number.as_ref().map(|n| n.as_str().to_string()),
                appointment: None,
                company: None,
            })
            .expect("serialisable"),
            ..Default::default()
        });
        self.store.add_resume_link(claim_id, &hash, outbox.as_ref(), None).await?;
        Ok(())
    }

    /// A stored document's bytes (unsealed), for staff allowed to see them.
    pub async fn document_bytes(&self, object_key: &str) -> Result<Vec<u8>> {
        Ok(self.documents.get(object_key).await?)
    }

    pub fn video(&self) -> &video::Jitsi {
        &self.video
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    pub fn max_upload_bytes(&self) -> usize {
        self.max_upload_bytes
    }

    /// Whether documents can still be stored durably (for readiness).
    pub fn documents_healthy(&self) -> std::result::Result<(), StorageError> {
        self.documents.healthy()
    }

    /// Step 1: match the identity against the registry and open (or reopen) the draft.
    pub async fn start(&self, input: &IdentityInput, client: IpAddr, lang: &str) -> Result<Started> {
        let mut errors = Vec::new();
        let nik = match Nik::parse(&input.nik) {
            Ok(n) => Some(n),
            Err(e) => {
                use lapak_domain::nik::NikError::*;
                let code = match e {
                    Length => "nik-length",
                    NotDigits | SpreadsheetDamage => "nik-digits",
                    Province(_) | Region | BirthDate | Serial => "nik-invalid",
                };
                errors.push(FieldError {
                    field: "nik",
                    code: if input.nik.trim().is_empty() { "required" } else { code },
                });
                None
            }
        };
        let kpj = Kpj::parse(&input.kpj)
            .map_err(|_| {
                errors.push(FieldError {
                    field: "kpj",
                    code: if input.kpj.trim().is_empty() { "required" } else { "kpj-format" },
                })
            })
            .ok();
        let name = Name::parse(&input.full_name)
            .map_err(|e| errors.push(FieldError { field: "full_name", code: name_code(&e) }))
            .ok();
        let birth = match parse_date(&input.birth_date) {
            Some(d) if d <= today() => Some(d),
            Some(_) => {
                errors.push(FieldError { field: "birth_date", code: "date-future" });
                None
            }
            None => {
                let code = if input.birth_date.trim().is_empty() { "required" } else { "date-format" };
                errors.push(FieldError { field: "birth_date", code });
                None
            }
        };
        let (Some(nik), Some(kpj), Some(name), Some(birth)) = (nik, kpj, name, birth) else {
            return Err(ClaimError::Fields(errors));
        };
        // Rate limits per person and per client, counted before the registry is asked
        // (ASVS 2.2.1: per account too, since clients rotate addresses); the person's failures
        // also where every process sees them.
        if !self.limiter.identity(nik.as_str(), client) {
            return Err(ClaimError::RateLimited);
        }
        let started = self.start_checked(&nik, &kpj, &name, birth, lang).await;
        if started.as_ref().is_err_and(ClaimError::is_unavailable) {
            self.limiter.refund_identity(nik.as_str(), client);
        }
        started
    }

    /// [`ClaimService::start`] past its limits.
    async fn start_checked(&self, nik: &Nik, kpj: &Kpj, name: &Name, birth: Date, lang: &str) -> Result<Started> {
        let guess = Guess::Identity(nik);
        if self.store.failed_guesses(guess, Timestamp::now()).await? >= self.limiter.identity_failures() {
            return Err(ClaimError::RateLimited);
        }
        let member = self
            .store
            .members_by_nik(nik)
            .await?
            .into_iter()
            .find(|m| m.kpj == *kpj && m.birth_date == birth && m.full_name.matches(name.as_str()));
        let Some(member) = member else {
            return Err(self.failed_guess(guess, self.limiter.identity_failures(), ClaimError::IdentityMismatch).await);
        };
        let resume_token = new_id() + &new_id();
        let hash = token_hash(&resume_token);
        let outbox = member.email.as_ref().map(|email| {
            let msg = EmailMessage {
                to: email.as_str().to_string(),
                template: "resume".into(),
                lang: lang.into(),
                name: member.full_name.as_str().to_string(),
                resume_token: Some(resume_token.clone()),
                claim_number: None,
                appointment: None,
                company: None,
            };
            OutboxMessage {
                dedupe_key: format!("resume:{}", URL_SAFE_NO_PAD.encode(&hash[..12])),
                kind: "email".into(),
                payload: serde_json::to_string(&msg).expect("serialisable"),
                ..Default::default()
            }
        });
        match self.store.open_claim(&member.kpj).await? {
            Some(open) if open.lifecycle.state == ClaimState::Draft => {
                // The browser gets a link of its own; the e-mail goes again only after an
                // hour, the link it carried still working meanwhile.
                let quiet_since = Timestamp::now() - RESUME_EMAIL_EVERY;
                self.store.add_resume_link(&open.id, &hash, outbox.as_ref(), Some(quiet_since)).await?;
                Ok(Started { claim_id: open.id, resume_token })
            }
            Some(_) => Err(ClaimError::OpenClaimExists),
            None => {
                let claim = NewClaim {
                    id: new_record_id(),
                    kpj: member.kpj.clone(),
                    created_at: Timestamp::now(),
                    resume_token_hash: hash,
                };
                match self.store.create_claim(&claim, outbox.as_ref()).await {
                    Err(StorageError::Conflict(_)) => Err(ClaimError::OpenClaimExists),
                    other => other.map(|()| Started { claim_id: claim.id, resume_token }).map_err(ClaimError::from),
                }
            }
        }
    }

    /// The draft a resume secret opens.
    pub async fn resume(&self, token: &str) -> Result<Draft> {
        let DraftRecord { claim, member, documents } =
            self.store.draft_by_resume_token(&token_hash(token)).await?.ok_or(ClaimError::NotFound)?;
        let decision = match claim.application.cause {
            Some(cause) => Some(self.decide(&member, cause, claim.application.last_working_day).await?),
            None => None,
        };
        Ok(Draft { claim, member, decision, documents })
    }

    async fn decide(&self, member: &Member, cause: ClaimCause, last_working_day: Option<Date>) -> Result<Decision> {
        let history = ClaimHistory {
            // The draft being filled in is the open claim; another one cannot exist.
            has_open_claim: false,
            has_earlier_partial_claim: cause.is_partial() && self.store.partial_claims(&member.kpj).await? > 0,
        };
        let facts = MemberFacts {
            birth_date: member.birth_date,
            membership_start: member.membership_start,
            stopped_working_on: member.stopped_working_on,
            jht_balance: member.jht_balance,
        };
        Ok(decide(&self.rules, cause, &facts, &history, last_working_day, today()))
    }

    fn editable(draft: &Draft) -> Result<()> {
        match draft.claim.lifecycle.state {
            ClaimState::Draft | ClaimState::NeedsDocuments => Ok(()),
            _ => Err(ClaimError::NotEditable),
        }
    }

    /// Step 2: the cause and, where it matters, the last working day. Eligibility is decided
    /// at once; a refusal is returned as [`ClaimError::NotEligible`] and not saved.
    pub async fn save_cause(&self, draft: &Draft, cause: &str, last_working_day: &str) -> Result<Decision> {
        Self::editable(draft)?;
        let cause = ClaimCause::parse(cause).ok_or_else(|| {
            ClaimError::field("cause", if cause.trim().is_empty() { "cause-required" } else { "cause-unknown" })
        })?;
        let lwd = if cause.needs_last_working_day() {
            match parse_date(last_working_day) {
                Some(d) if d <= today().saturating_add(jiff::Span::new().days(366)) => Some(d),
                Some(_) => return Err(ClaimError::field("last_working_day", "date-future")),
                None if last_working_day.trim().is_empty() => {
                    if draft.member.stopped_working_on.is_none() {
                        return Err(ClaimError::field("last_working_day", "lwd-required"));
                    }
                    draft.member.stopped_working_on
                }
                None => return Err(ClaimError::field("last_working_day", "date-format")),
            }
        } else {
            None
        };
        let decision = self.decide(&draft.member, cause, lwd).await?;
        if let Decision::Refused { .. } = decision {
            return Err(ClaimError::NotEligible(decision));
        }
        let application = Application { cause: Some(cause), last_working_day: lwd, ..draft.claim.application.clone() };
        self.save(&draft.claim.id, &application).await?;
        Ok(decision)
    }

    async fn save(&self, claim_id: &str, application: &Application) -> Result<()> {
        match self.store.save_application(claim_id, application).await {
            Err(StorageError::Conflict(_)) => Err(ClaimError::NotEditable),
            other => Ok(other?),
        }
    }

    /// Step 3: bank account, contact and branch. Every field is checked; all problems are
    /// returned together.
    pub async fn save_payment(&self, draft: &Draft, input: &PaymentInput) -> Result<()> {
        Self::editable(draft)?;
        let mut errors = Vec::new();
        let mut fail = |field: &'static str, code: &'static str| errors.push(FieldError { field, code });
        let account = match BankAccount::parse(&input.bank_code, &input.account_number) {
            Ok(a) => Some(a),
            Err(BankError::UnknownBank(_)) => {
                fail("bank_code", if input.bank_code.trim().is_empty() { "required" } else { "bank-unknown" });
                None
            }
            Err(BankError::NotDigits) => {
                fail(
                    "account_number",
                    if input.account_number.trim().is_empty() { "required" } else { "account-digits" },
                );
                None
            }
            Err(BankError::Length { .. } | BankError::UnusualLength) => {
                fail("account_number", "account-length");
                None
            }
        };
        let holder = match Name::parse(&input.account_holder) {
            // Permenaker 4/2022: paid into the participant's own account (heirs' for death).
            Ok(h)
                if draft.claim.application.cause != Some(ClaimCause::Death)
                    && !h.matches(draft.member.full_name.as_str()) =>
            {
                fail("account_holder", "holder-mismatch");
                None
            }
            Ok(h) => Some(h),
            Err(e) => {
                fail("account_holder", name_code(&e));
                None
            }
        };
        let email = Email::parse(&input.email)
            .map_err(|_| fail("email", if input.email.trim().is_empty() { "required" } else { "email-invalid" }))
            .ok();
        let whatsapp = MobileNumber::parse(&input.whatsapp)
            .map_err(|_| fail("whatsapp", if input.whatsapp.trim().is_empty() { "required" } else { "phone-invalid" }))
            .ok();
        let npwp = if input.npwp.trim().is_empty() {
            if draft.npwp_needed() {
                fail("npwp", "npwp-required");
            }
            None
        } else {
            Npwp::parse(&input.npwp).map_err(|_| fail("npwp", "npwp-invalid")).ok()
        };
        let branch = match BranchCode::parse(&input.branch) {
            Ok(code) if self.store.branch(code.as_str()).await?.is_some() => Some(code),
            _ => {
                fail("branch", if input.branch.trim().is_empty() { "required" } else { "branch-unknown" });
                None
            }
        };
        let service = match lapak_domain::schedule::parse_service(&input.service) {
            None => {
                fail("service", "service-unknown");
                None
            }
            // At the branch: only what the branch offers (a video call any branch can take).
            Some((mode, anywhere)) if mode.at_branch() => match &branch {
                Some(code) => match self.store.capacity(code.as_str()).await? {
                    Some(c) if c.setting(mode).is_some() => Some((mode, anywhere)),
                    _ => {
                        fail("service", "service-not-offered");
                        None
                    }
                },
                None => None,
            },
            other => other,
        };
        if !errors.is_empty() {
            return Err(ClaimError::Fields(errors));
        }
        let application = Application {
            bank_account: account,
            account_holder: holder,
            email,
            whatsapp,
            npwp,
            branch,
            service: service.map(|(mode, _)| mode),
            anywhere: service.is_some_and(|(_, anywhere)| anywhere),
            ..draft.claim.application.clone()
        };
        self.save(&draft.claim.id, &application).await
    }

    /// Step 4: one file (a page) for a document of the checklist, recognised by content.
    pub async fn upload(&self, draft: &Draft, kind: &str, bytes: &[u8]) -> Result<DocumentMeta> {
        Self::editable(draft)?;
        let kind = DocumentKind::parse(kind)
            .filter(|k| {
                draft.claim.application.cause.is_some_and(|c| required_documents(c).iter().any(|(d, _)| d == k))
            })
            .ok_or_else(|| ClaimError::field("kind", "document-kind"))?;
        let file = inspect(bytes, self.max_upload_bytes).map_err(|e| ClaimError::field("file", upload_code(&e)))?;
        let sha256 = Sha256::digest(bytes).to_vec();
        // The same file sent again (an app retrying an upload whose answer it lost, a double
        // click): the page already kept.
        if let Some(same) = draft.documents.iter().find(|d| d.kind == kind && d.sha256 == sha256) {
            return Ok(same.clone());
        }
        // A photo or scan is kept as Lapak writes it anew, a PDF only without active content
        // ([`kept_form`]); the hash above is of what was sent, so that the same file sent
        // again is still recognised.
        let kept = kept_form(bytes, file).await.map_err(|e| ClaimError::field("file", upload_code(&e)))?;
        let id = new_record_id();
        let meta = DocumentMeta {
            object_key: format!("claims/{}/{id}.{}", draft.claim.id, file.extension()),
            id,
            claim_id: draft.claim.id.clone(),
            kind,
            content_type: file.content_type().into(),
            size_bytes: kept.len() as i64,
            sha256,
            created_at: Timestamp::now(),
        };
        self.documents.put(&meta.object_key, &kept).await?;
        match self.store.add_document(&meta).await {
            Ok(kept) => {
                if kept.id != meta.id {
                    // The same file arrived twice at once: the page kept is the other one.
                    let _ = self.documents.delete(&meta.object_key).await;
                }
                Ok(kept)
            }
            Err(e) => {
                // The metadata is the record: without it the bytes are unreachable, remove them.
                let _ = self.documents.delete(&meta.object_key).await;
                Err(match e {
                    StorageError::Conflict(_) => ClaimError::NotEditable,
                    other => other.into(),
                })
            }
        }
    }

    pub async fn remove_document(&self, draft: &Draft, document_id: &str) -> Result<()> {
        Self::editable(draft)?;
        let removed = self.store.remove_document(&draft.claim.id, document_id).await?.ok_or(ClaimError::NotFound)?;
        self.documents.delete(&removed.object_key).await?;
        Ok(())
    }

    /// Step 5: submit. Twice (a double click, a retry) gives the same claim number; with an
    /// Idempotency-Key, the same key and body give the same claim and another body is refused.
    pub async fn submit(&self, draft: &Draft, lang: &str, idempotency: Option<(&str, &[u8])>) -> Result<ClaimNumber> {
        if let Some((key, body)) = idempotency {
            if let Some((hash, claim_id)) = self.store.idempotent_submission(key).await? {
                if hash != Sha256::digest(body).to_vec() || claim_id != draft.claim.id {
                    return Err(ClaimError::IdempotencyMismatch);
                }
                let claim = self.store.claim(&claim_id).await?.ok_or(ClaimError::NotFound)?;
                return claim.number.ok_or(ClaimError::NotFound);
            }
        }
        if let (Some(number), ClaimState::Submitted | ClaimState::Scheduled) =
            (&draft.claim.number, draft.claim.lifecycle.state)
        {
            return Ok(number.clone());
        }
        Self::editable(draft)?;
        if let Some(missing) = draft.missing() {
            return Err(ClaimError::Incomplete(missing));
        }
        let benefit = match draft.decision {
            Some(Decision::Eligible { benefit, .. }) => benefit,
            Some(d) => return Err(ClaimError::NotEligible(d)),
            None => {
                return Err(ClaimError::Incomplete(
                    draft.missing().unwrap_or(Missing { parts: vec![], documents: vec![] }),
                ))
            }
        };
        // The documents are flushed to disk before the submission that refers to them is.
        let keys: Vec<String> = draft.documents.iter().map(|d| d.object_key.clone()).collect();
        self.documents.sync(&keys).await?;
        let action = if draft.claim.lifecycle.state == ClaimState::Draft { Action::Submit } else { Action::Resubmit };
        let event: ClaimEvent = draft
            .claim
            .lifecycle
            .check(action, &Actor::new(Role::Participant, draft.claim.kpj.as_str()), Timestamp::now(), None)
            .map_err(|_| ClaimError::NotEditable)?;
        for _ in 0..5 {
            let number =
                draft.claim.number.clone().unwrap_or_else(|| ClaimNumber::from_random(rand::thread_rng().next_u64()));
            let outbox = draft.claim.application.email.as_ref().map(|email| OutboxMessage {
                dedupe_key: format!("submitted:{}:{}", draft.claim.id, draft.claim.lifecycle.state.code()),
                kind: "email".into(),
                payload: serde_json::to_string(&EmailMessage {
                    to: email.as_str().into(),
                    template: "submitted".into(),
                    lang: lang.into(),
                    name: draft.member.full_name.as_str().into(),
                    resume_token: None,
                    claim_number: Some(number.as_str().into()),
                    appointment: None,
                    company: None,
                })
                .expect("serialisable"),
                ..Default::default()
            });
            let submission = Submission {
                claim_id: draft.claim.id.clone(),
                version: draft.claim.version,
                application: draft.claim.application.clone(),
                number: number.clone(),
                event: event.clone(),
                benefit,
                outbox,
                idempotency: idempotency.map(|(k, body)| (k.to_string(), Sha256::digest(body).to_vec())),
                lang: message_lang(lang).into(),
            };
            match self.store.submit_claim(&submission).await {
                Ok(()) => return Ok(number),
                Err(StorageError::Conflict(reason)) if reason == "claim number taken" => continue,
                Err(StorageError::Conflict(_)) => {
                    // Someone (the other click) submitted first: answer with its number.
                    let now = self.store.claim(&draft.claim.id).await?.ok_or(ClaimError::NotFound)?;
                    return now.number.ok_or(ClaimError::NotEditable);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(ClaimError::Storage(StorageError::Conflict("no free claim number".into())))
    }

    /// Counts a failed guess where every process sees it: `answer`, or RateLimited once the
    /// guess window holds more than `allowed` failures.
    pub(crate) async fn failed_guess(&self, guess: Guess<'_>, allowed: u32, answer: ClaimError) -> ClaimError {
        match self.store.add_failed_guess(guess, Timestamp::now()).await {
            Ok(failures) if failures > allowed => ClaimError::RateLimited,
            Ok(_) => answer,
            Err(e) => e.into(),
        }
    }

    /// Tracking: claim number plus birth date. A wrong pair and an unknown number get the
    /// same answer; guessing is rate-limited per client and per number (the number's failures
    /// counted in the database, once for every process).
    pub async fn track(&self, number: &str, birth_date: &str, client: IpAddr) -> Result<Tracking> {
        let number = ClaimNumber::parse(number).map_err(|e| {
            use lapak_domain::claim_number::ClaimNumberError::*;
            ClaimError::field(
                "claim_number",
                match e {
                    Length if number.trim().is_empty() => "required",
                    Length => "claim-number-length",
                    Character => "claim-number-characters",
                    Check => "claim-number-typo",
                },
            )
        })?;
        let birth = parse_date(birth_date).ok_or_else(|| ClaimError::field("birth_date", "date-format"))?;
        if !self.limiter.tracking(number.as_str(), client) {
            return Err(ClaimError::RateLimited);
        }
        let tracked = self.track_checked(&number, birth).await;
        if tracked.as_ref().is_err_and(ClaimError::is_unavailable) {
            self.limiter.refund_tracking(number.as_str(), client);
        }
        tracked
    }

    /// [`ClaimService::track`] past its limits.
    async fn track_checked(&self, number: &ClaimNumber, birth: Date) -> Result<Tracking> {
        // The number's failures in every process, read where this process saw one lately
        // (see `limits`). An unknown number's are counted too, so that it answers as a known
        // one does.
        let (guess, allowed) = (Guess::Tracking(number), self.limiter.tracking_failures());
        if self.limiter.tracking_failed_lately(number.as_str())
            && self.store.failed_guesses(guess, Timestamp::now()).await? >= allowed
        {
            return Err(ClaimError::RateLimited);
        }
        let t = match self.store.tracking(number).await? {
            Some(t) if t.birth_date == birth => t,
            _ => {
                self.limiter.note_tracking_failure(number.as_str());
                return Err(self.failed_guess(guess, allowed, ClaimError::NotFound).await);
            }
        };
        Ok(Tracking {
            number: number.clone(),
            state: t.state,
            cause: t.cause,
            time_zone: t.time_zone.unwrap_or_else(|| "Asia/Jakarta".to_string()),
            branch_name: t.branch_name,
            events: t.events.into_iter().map(|(at, to, reason)| TrackedEvent { at, to, reason }).collect(),
            requested_documents: t.requested_documents,
            documents_due: t.documents_due,
            collective: t.collective,
            appointment: t.appointment.map(|a| Appointment {
                starts_at: a.starts_at,
                ends_at: a.ends_at,
                time_zone: a.time_zone,
                mode: a.mode,
                branch_name: a.branch_name,
                seat: a.seat,
                // With room tokens the plain room admits nobody: the personal link in the
                // participant's messages is the way in.
                link: (a.mode == lapak_domain::schedule::Mode::VideoCall && self.video.app.is_none())
                    .then(|| self.video.room_url(&a.room)),
            }),
        })
    }
}

/// The language messages to a participant are written in: English when they asked for it,
/// else Bahasa Indonesia. Applied where a language is stored (a submission, a ticket); the
/// stored value is checked by the database and read back as it is.
pub(crate) fn message_lang(lang: &str) -> &'static str {
    if lang == "en" {
        "en"
    } else {
        "id"
    }
}

/// What tracking shows: no personal data beyond what the claim number already implies.
#[derive(Debug, Clone, Serialize)]
pub struct Tracking {
    pub number: ClaimNumber,
    pub state: ClaimState,
    pub cause: Option<ClaimCause>,
    /// The branch's IANA zone: times are shown in WIB, WITA or WIT.
    pub time_zone: String,
    pub branch_name: Option<String>,
    pub events: Vec<TrackedEvent>,
    pub appointment: Option<Appointment>,
    /// Needs documents: what the officer asked for, and by when.
    pub requested_documents: Vec<lapak_domain::documents::DocumentKind>,
    pub documents_due: Option<Timestamp>,
    /// Filed by the worker's company (collective channel): its representative attends.
    pub collective: bool,
}

impl Tracking {
    /// The message key for what happens next: a collective claim's worker waits for the
    /// company's session rather than an interview of their own.
    pub fn next_key(&self) -> String {
        match self.state {
            ClaimState::Submitted | ClaimState::Scheduled if self.collective => {
                format!("next-{}-collective", self.state.code())
            }
            s => format!("next-{}", s.code()),
        }
    }
}

/// The participant's appointment, as tracking shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Appointment {
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The zone of the branch that serves (WIB/WITA/WIT).
    pub time_zone: String,
    pub mode: lapak_domain::schedule::Mode,
    pub branch_name: String,
    /// One to Many: the booth to sit in.
    pub seat: u8,
    /// Video calls: the meeting link.
    pub link: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TrackedEvent {
    pub at: Timestamp,
    pub to: ClaimState,
    pub reason: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_record_ids_come_in_the_order_made_and_differ() {
        let made: Vec<String> = (0..100).map(|_| new_record_id()).collect();
        assert!(made.iter().all(|i| i.len() == 32 && i.bytes().all(|b| b.is_ascii_hexdigit())));
        assert!(made.windows(2).all(|w| w[0][..12] <= w[1][..12]), "in the order made");
        assert_eq!(made.iter().collect::<std::collections::HashSet<_>>().len(), 100);
    }
}
