//! Lapak's storage boundary: one [`Store`] trait, implemented for SQLite (the default, one
//! file) and PostgreSQL (when one machine is not enough). Both pass the same test suite
//! (`tests/` at the workspace root).
//!
//! Personal data is sealed here: callers hand in and get back domain types in plaintext;
//! the database only ever sees ciphertext and blind indexes.

pub mod audit;
pub mod backup;
mod branch_names;
pub mod collective;
pub mod connections;
pub mod crypto;
pub mod documents;
mod postgres;
mod rows;
mod sql;
mod sqlite;

pub use collective::{
    BatchClaim, BatchRecord, BatchSubmission, BatchVersion, BatchWorker, CollectiveStore, NewRepresentative,
    RepresentativeRecord, VersionSummary,
};

use async_trait::async_trait;
use jiff::Timestamp;
use lapak_domain::application::Application;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::documents::DocumentKind;
use lapak_domain::lifecycle::{ClaimEvent, Lifecycle};
use lapak_domain::member::{Branch, Company, Member};
use lapak_domain::schedule::{Capacity, Mode, Session};
use lapak_domain::tax::Benefit;
use lapak_domain::{Kpj, Nik};
use std::collections::HashSet;
use std::sync::Arc;

pub use crypto::KeyRing;
pub use documents::DocumentStore;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// From SQLite's own reads on the caller's thread (see `sqlite::InlineReads`).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("sealed data does not open: {0}")]
    Seal(#[from] crypto::SealError),
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
    /// Someone else changed the record first (optimistic concurrency) or a uniqueness rule
    /// refused the change.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("not found")]
    NotFound,
    #[error("document store: {0}")]
    Documents(#[from] object_store::Error),
    #[error("unsupported database URL (use sqlite://FILE or postgres://…)")]
    UnsupportedUrl,
    #[error("document folder: {0}")]
    Io(#[from] std::io::Error),
    /// Nothing can be made durable until Lapak restarts (an fsync failed).
    #[error("unavailable: {0}")]
    Unavailable(String),
}

impl StorageError {
    /// Another transaction got in the way: a `Conflict`, or PostgreSQL ending this one to
    /// break a deadlock (40P01) or a serialization failure (40001). Trying again is right.
    pub fn is_contention(&self) -> bool {
        match self {
            StorageError::Conflict(_) => true,
            StorageError::Database(sqlx::Error::Database(d)) => matches!(d.code().as_deref(), Some("40P01" | "40001")),
            _ => false,
        }
    }

    /// The database or the document store cannot take the request now, through no fault
    /// of the request: the server is down, restarting or refusing connections, every
    /// connection is busy, another process holds SQLite's lock, a disk is full, read-only
    /// or failing. The same request may succeed later: it is answered 503 with
    /// `Retry-After`, not as a fault of Lapak's own (500).
    pub fn is_unavailable(&self) -> bool {
        match self {
            StorageError::Database(e) => database_unavailable(e),
            StorageError::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => sqlite_unavailable(f.extended_code),
            StorageError::Io(e) => io_unavailable(e),
            StorageError::Documents(e) => {
                // The local file system's errors carry the operating system's underneath.
                let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
                while let Some(c) = cause {
                    if let Some(io) = c.downcast_ref::<std::io::Error>() {
                        return io_unavailable(io);
                    }
                    cause = c.source();
                }
                false
            }
            StorageError::Unavailable(_) => true,
            _ => false,
        }
    }
}

pub(crate) fn database_unavailable(e: &sqlx::Error) -> bool {
    match e {
        // No connection to be had, or the one held was lost.
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(d) => {
            if let Some(s) = d.try_downcast_ref::<sqlx::sqlite::SqliteError>() {
                return sqlx::error::DatabaseError::code(s)
                    .and_then(|c| c.parse().ok())
                    .is_some_and(sqlite_unavailable);
            }
            // PostgreSQL's classes: 08 connection exception, 53 insufficient resources (disk
            // full, out of memory, too many connections), 57P operator intervention (shut
            // down, restarting, cannot connect now), 58 system error (I/O), and 25006: the
            // server is a read-only standby (a failover not finished).
            d.code().is_some_and(|c| {
                c.starts_with("08")
                    || c.starts_with("53")
                    || c.starts_with("57P")
                    || c.starts_with("58")
                    || c == "25006"
            })
        }
        _ => false,
    }
}

/// SQLite's result codes (the primary code is the low byte): BUSY and LOCKED (another
/// process held the lock past the busy timeout), NOMEM, READONLY, IOERR, FULL, CANTOPEN.
fn sqlite_unavailable(extended: i32) -> bool {
    matches!(extended & 0xff, 5 | 6 | 7 | 8 | 10 | 13 | 14)
}

/// A disk that is full, over quota, read-only or failing, or a store that did not answer.
fn io_unavailable(e: &std::io::Error) -> bool {
    use std::io::ErrorKind as K;
    matches!(
        e.kind(),
        K::StorageFull
            | K::ReadOnlyFilesystem
            | K::QuotaExceeded
            | K::TimedOut
            | K::ResourceBusy
            | K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::BrokenPipe
            | K::OutOfMemory
    ) || e.raw_os_error() == Some(EIO)
}

/// Linux's EIO, what a failing disk answers (std names it no kind of its own).
const EIO: i32 = 5;

/// Set once an fsync failed. After a failed fsync Linux may mark the unwritten pages clean,
/// so a later fsync can succeed without the earlier writes on disk ("fsyncgate"; PostgreSQL
/// stops at the first failure for that reason). From then on nothing is reported durable,
/// and the service is not ready, until Lapak restarts and reads back what the disk holds.
#[derive(Debug, Default)]
pub(crate) struct FsyncFailed(std::sync::atomic::AtomicBool);

impl FsyncFailed {
    /// An fsync of `what` failed with `e`.
    pub(crate) fn record(&self, what: &str, e: &std::io::Error) {
        self.0.store(true, std::sync::atomic::Ordering::SeqCst);
        tracing::error!(error = %e, "fsync of {what} failed: nothing is acknowledged as durable until Lapak restarts");
    }

    /// Whether writes to `what` can still be made durable.
    pub(crate) fn check(&self, what: &str) -> Result<()> {
        if self.0.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StorageError::Unavailable(format!(
                "an fsync of {what} failed; restart Lapak once the disk is sound"
            )));
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }

    /// Write transactions run one at a time (SQLite's one writer): two of them never wait
    /// for each other's rows, only for their turn.
    pub fn one_writer(self) -> bool {
        matches!(self, Engine::Sqlite)
    }
}

/// Why a registry row was not written although it was well-formed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RowConflict {
    /// The KPJ is already registered to a different NIK.
    KpjHasOtherNik,
}

/// What an upsert did, row by row counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpsertOutcome {
    pub inserted: u64,
    pub updated: u64,
    /// Already stored exactly so: re-running an import changes nothing.
    pub unchanged: u64,
    /// Index into the input slice, and why that row was refused.
    pub refused: Vec<(usize, RowConflict)>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RegistryCounts {
    pub branches: i64,
    pub companies: i64,
    pub members: i64,
    pub claims: i64,
}

/// A new claim, created as a draft when the participant's identity matched.
#[derive(Debug, Clone)]
pub struct NewClaim {
    pub id: String,
    pub kpj: Kpj,
    pub created_at: Timestamp,
    /// SHA-256 of the first resume link's secret (the secret itself is never stored); it
    /// counts as e-mailed when the claim is created with a message.
    pub resume_token_hash: Vec<u8>,
}

/// Resume links a claim keeps besides the last one e-mailed: enough for a participant's
/// phones and browsers; someone trying the identity step over and over pushes out only
/// their own links and the oldest others, never the link in the latest e-mail.
pub const LIVE_RESUME_LINKS: i64 = 5;

/// What a guess was at: a person's identity by NIK (the identity step) or a claim number
/// (tracking, and moving or cancelling an appointment). Stored as a keyed hash.
#[derive(Debug, Clone, Copy)]
pub enum Guess<'a> {
    Identity(&'a Nik),
    Tracking(&'a ClaimNumber),
}

/// Failed guesses are counted in fixed windows of this length.
pub const GUESS_WINDOW: std::time::Duration = std::time::Duration::from_secs(60);

/// A claim as stored, personal data unsealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimRecord {
    pub id: String,
    pub number: Option<ClaimNumber>,
    pub kpj: Kpj,
    pub lifecycle: Lifecycle,
    pub application: Application,
    pub created_at: Timestamp,
    pub submitted_at: Option<Timestamp>,
    /// Bumped by every change; writes that build on what was read check it.
    pub version: i64,
    /// Needs documents: the kinds the officer asked for, and by when.
    pub requested_documents: Vec<DocumentKind>,
    pub documents_due: Option<Timestamp>,
    /// The language the participant filed in (`id`, `en`): later messages use it.
    pub lang: String,
}

/// A claim with its member and documents, as one step of the journey needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRecord {
    pub claim: ClaimRecord,
    pub member: lapak_domain::member::Member,
    pub documents: Vec<DocumentMeta>,
}

/// An uploaded document's metadata; the bytes are in the [`DocumentStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentMeta {
    pub id: String,
    pub claim_id: String,
    pub kind: DocumentKind,
    pub object_key: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: Vec<u8>,
    pub created_at: Timestamp,
}

/// What tracking shows of a submitted claim, read in one query without unsealing anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackingRecord {
    pub state: lapak_domain::lifecycle::ClaimState,
    pub cause: Option<lapak_domain::cause::ClaimCause>,
    /// The holder's birth date, to check against what the person typed.
    pub birth_date: jiff::civil::Date,
    /// The branch's IANA zone, when a branch was chosen.
    pub time_zone: Option<String>,
    pub branch_name: Option<String>,
    /// (when, to which state, reason) in order.
    pub events: Vec<(Timestamp, lapak_domain::lifecycle::ClaimState, Option<String>)>,
    pub appointment: Option<AppointmentRecord>,
    /// Needs documents: what was asked for, and by when.
    pub requested_documents: Vec<DocumentKind>,
    pub documents_due: Option<Timestamp>,
    /// Filed by a company's representative (the collective channel).
    pub collective: bool,
}

/// A submitted claim still without an appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingClaim {
    pub claim_id: String,
    pub branch_code: String,
    pub mode: Mode,
    pub anywhere: bool,
    pub submitted_at: Timestamp,
    /// Scheduled before and lost its seat (no-show, officer absent): a new seat, no event.
    pub rebooking: bool,
    /// The end of the last appointment the participant missed: the next one comes after.
    pub missed_until: Option<Timestamp>,
    /// The username of the officer who last asked for documents (their id in the branch's
    /// capacity): the claim goes back to them.
    pub asked_by: Option<String>,
}

/// A page of the waiting line.
#[derive(Debug, Clone, Default)]
pub struct WaitingPage {
    pub claims: Vec<WaitingClaim>,
    /// Where the next page starts (the last claim read, waiting or not); `None` when the
    /// page read nothing: the end of the line.
    pub next: Option<(Timestamp, String)>,
}

/// The outbox kind of an appointment notice: what the scheduler records with a seat, in
/// place of the messages themselves. The relay turns it into the e-mail and the text (and
/// their reminders) with the participant's contact, so booking never unseals it.
pub const NOTICE_KIND: &str = "notice";

/// An appointment notice waiting to become messages, with what they need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingNotice {
    pub id: i64,
    pub claim_id: String,
    pub claim_number: String,
    /// As the scheduler wrote it (unsealed here).
    pub payload: String,
    /// The seat the claim holds now, if any.
    pub seat: Option<AppointmentRecord>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub name: String,
    /// The claim's language (`id`, `en`).
    pub lang: String,
}

/// A notice turned into messages, for [`Store::notices_prepared`].
#[derive(Debug, Clone)]
pub struct PreparedNotice {
    pub id: i64,
    pub claim_id: String,
    pub session_id: String,
    pub messages: Vec<OutboxMessage>,
}

/// A seat to book for a claim, with the event and message that go with it.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub claim_id: String,
    pub session: Session,
    pub seat: u8,
    /// Submitted → Scheduled; `None` when the claim is scheduled already (a new seat).
    pub event: Option<ClaimEvent>,
    /// The messages that tell the participant (and remind them the day before).
    pub outbox: Vec<OutboxMessage>,
    /// Video calls: SHA-256 of the personal link's secret.
    pub video_token_hash: Option<Vec<u8>>,
}

/// A claim's booked appointment, as the participant sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppointmentRecord {
    pub session_id: String,
    pub branch_code: String,
    pub branch_name: String,
    pub time_zone: String,
    pub officer: String,
    pub mode: Mode,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub seat: u8,
    /// The video room's name.
    pub room: String,
}

/// A staff account, its TOTP secret unsealed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffRecord {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: lapak_domain::staff::StaffRole,
    pub branch: Option<String>,
    /// Argon2id, PHC string.
    pub password_hash: String,
    pub totp_secret: Option<Vec<u8>>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
    pub recovery_hashes: Vec<String>,
    pub failed_logins: i64,
    pub locked_until: Option<Timestamp>,
    pub disabled: bool,
}

#[derive(Debug, Clone)]
pub struct NewStaff {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: lapak_domain::staff::StaffRole,
    pub branch: Option<String>,
    pub password_hash: String,
}

/// A signed-in (or half signed-in) staff session.
#[derive(Debug, Clone)]
pub struct StaffSession {
    pub staff: StaffRecord,
    /// `password` (second factor to come) or `full`.
    pub stage: String,
    pub csrf: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
}

/// A session of the branch's day, as the officer's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSummary {
    pub id: String,
    pub officer: String,
    pub mode: Mode,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub seats: u8,
    pub booked: u32,
}

/// A verified claim waiting for a supervisor, with its amount as fixed at submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalItem {
    pub claim_id: String,
    pub number: Option<ClaimNumber>,
    pub kpj: lapak_domain::Kpj,
    pub cause: Option<lapak_domain::cause::ClaimCause>,
    pub gross: i64,
    pub tax: i64,
    pub verified_by: Option<String>,
}

/// A device enrolled as a branch's walk-in kiosk. Its secret stays on the device; the hash
/// names it in the branch admin's forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KioskRecord {
    pub token_hash: Vec<u8>,
    /// What the branch admin called it; empty for kiosks enrolled before kiosks had names.
    pub name: String,
    /// The staff account (its id) that enrolled it.
    pub enrolled_by: String,
    pub created_at: Timestamp,
}

/// A walk-in ticket as its page and the queue board show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketRecord {
    pub id: String,
    pub branch_code: String,
    pub day: jiff::civil::Date,
    pub number: i64,
    pub status: lapak_domain::queue::TicketStatus,
    pub created_at: Timestamp,
    /// Waiting tickets before this one (0 when not waiting).
    pub ahead: u32,
}

/// Everything a submission changes, written in one transaction.
#[derive(Debug, Clone)]
pub struct Submission {
    pub claim_id: String,
    /// The version the answers were read at: the submission is refused if the claim
    /// changed since.
    pub version: i64,
    pub application: Application,
    pub number: ClaimNumber,
    /// Draft → Submitted (or NeedsDocuments → Submitted).
    pub event: ClaimEvent,
    pub benefit: Benefit,
    pub outbox: Option<OutboxMessage>,
    /// API submissions: the Idempotency-Key and a hash of the request body.
    pub idempotency: Option<(String, Vec<u8>)>,
    /// The language of the submission (`id`, `en`), kept for the messages that follow.
    pub lang: String,
}

/// A message to deliver after the transaction that wrote it commits (transactional outbox).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutboxMessage {
    /// Delivering twice for one event is prevented by this key.
    pub dedupe_key: String,
    /// The channel: `email` or `sms` (SMS/WhatsApp).
    pub kind: String,
    /// Sealed at rest: it usually holds an e-mail address.
    pub payload: String,
    /// Not delivered before this (a reminder the day before).
    pub not_before: Option<Timestamp>,
    /// What it is about (a claim id) and what for (`reminder`): a reminder is dropped when
    /// the appointment it reminds of moves or ends.
    pub subject: Option<String>,
    pub purpose: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    pub attempts: i64,
}

/// One line of the audit trail: who did what to which subject, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: Timestamp,
    pub actor_role: String,
    pub actor_id: String,
    pub action: String,
    /// What was touched, by an opaque id (a claim id, a KPJ): never a NIK.
    pub subject: String,
    pub detail: String,
}

/// How many of the newest audit entries a search for part of a word reads (an exact actor
/// or subject is found in the whole trail, through its index).
pub const AUDIT_SEARCH_WINDOW: i64 = 100_000;

/// A point of the audit trail found intact: its last entry's sequence number and hash. A
/// check may start there rather than at the first entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditMark {
    pub seq: i64,
    pub hash: [u8; 32],
}

impl AuditMark {
    /// Before the first entry.
    pub const START: AuditMark = AuditMark { seq: 0, hash: [0; 32] };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditCheck {
    /// Every entry checked follows from its predecessor; `entries` in all, the last `head`.
    Intact { entries: i64, head: AuditMark },
    /// The first sequence number whose hash does not follow from its predecessor.
    BrokenAt { seq: i64 },
}

/// Everything Lapak keeps in its database.
///
/// Durability: the steps of a draft claim (create, answers, documents, resume link) survive
/// a crash of the process but are flushed to disk by the next durable commit; everything
/// else, above all a submission, is durable across power loss when the call returns.
#[async_trait]
pub trait Store: collective::CollectiveStore + Send + Sync {
    fn engine(&self) -> Engine;
    /// Applies pending migrations (also done when the store is opened).
    async fn migrate(&self) -> Result<()>;
    /// The database answers.
    async fn ping(&self) -> Result<()>;

    async fn meta_get(&self, key: &str) -> Result<Option<String>>;
    async fn meta_set(&self, key: &str, value: &str) -> Result<()>;

    /// Inserts or updates by office code, in one transaction.
    async fn upsert_branches(&self, rows: &[Branch]) -> Result<UpsertOutcome>;
    /// Inserts or updates by NPP, in one transaction. Branches must exist.
    async fn upsert_companies(&self, rows: &[Company]) -> Result<UpsertOutcome>;
    /// Inserts or updates by KPJ, in one transaction. Companies must exist. A KPJ already
    /// registered to another NIK is refused (that row only).
    async fn upsert_members(&self, rows: &[Member]) -> Result<UpsertOutcome>;

    async fn branch_codes(&self) -> Result<HashSet<String>>;
    async fn company_npps(&self) -> Result<HashSet<String>>;
    async fn branches(&self) -> Result<Vec<Branch>>;
    async fn branch(&self, code: &str) -> Result<Option<Branch>>;
    async fn counts(&self) -> Result<RegistryCounts>;

    /// Every KPJ registered to this NIK (one person may have several).
    async fn members_by_nik(&self, nik: &Nik) -> Result<Vec<Member>>;
    async fn member_by_kpj(&self, kpj: &Kpj) -> Result<Option<Member>>;
    /// Only the birth date of the KPJ's holder (tracking checks it without unsealing anything).
    async fn member_birth_date(&self, kpj: &Kpj) -> Result<Option<jiff::civil::Date>>;

    /// Creates a draft claim, with the message announcing it. Refused with
    /// [`StorageError::Conflict`] when the KPJ already has an open claim.
    async fn create_claim(&self, claim: &NewClaim, outbox: Option<&OutboxMessage>) -> Result<()>;
    async fn claim(&self, claim_id: &str) -> Result<Option<ClaimRecord>>;
    /// Partial (10%/30%) claims on the KPJ that were not rejected or cancelled.
    async fn partial_claims(&self, kpj: &Kpj) -> Result<i64>;
    /// The KPJ's claim that is not yet finished, if any.
    async fn open_claim(&self, kpj: &Kpj) -> Result<Option<ClaimRecord>>;
    /// The claim a resume secret opens, with its member and documents, in one query (every
    /// step of the participant's journey starts here).
    async fn draft_by_resume_token(&self, token_hash: &[u8]) -> Result<Option<DraftRecord>>;
    async fn claim_by_number(&self, number: &ClaimNumber) -> Result<Option<ClaimRecord>>;
    async fn tracking(&self, number: &ClaimNumber) -> Result<Option<TrackingRecord>>;
    /// Failed guesses at `guess` in the [`GUESS_WINDOW`] that `now` is in, counted by every
    /// process on this database.
    async fn failed_guesses(&self, guess: Guess<'_>, now: Timestamp) -> Result<u32>;
    /// Counts one more failed guess at `guess` in the window `now` is in (a new window
    /// starts again from one) and returns the window's count. Not made durable: a count
    /// lost with the machine's power costs nothing.
    async fn add_failed_guess(&self, guess: Guess<'_>, now: Timestamp) -> Result<u32>;
    /// Removes the counts of windows that started before `before` (at most a bounded
    /// number a call); returns how many went.
    async fn forget_guesses(&self, before: Timestamp) -> Result<u64>;

    /// Makes the device holding the secret behind `token_hash` a walk-in kiosk of `branch`
    /// named `name`, enrolled by the staff account `by`.
    async fn add_kiosk(&self, token_hash: &[u8], branch: &str, name: &str, by: &str) -> Result<()>;
    /// The branch whose kiosk the device behind `token_hash` is.
    async fn kiosk_branch(&self, token_hash: &[u8]) -> Result<Option<String>>;
    /// The kiosks of `branch`, oldest first.
    async fn kiosks(&self, branch: &str) -> Result<Vec<KioskRecord>>;
    /// The device behind `token_hash` is no longer a kiosk of `branch`; returns its name if
    /// it was one.
    async fn remove_kiosk(&self, branch: &str, token_hash: &[u8]) -> Result<Option<String>>;
    /// No device is a kiosk of `branch` any longer; returns how many were.
    async fn remove_kiosks(&self, branch: &str) -> Result<u64>;
    /// Adds a resume link to the claim (a participant who comes back through the identity
    /// step, or is asked for documents, gets one of their own; the links given before keep
    /// working). The claim keeps its [`LIVE_RESUME_LINKS`] newest links and the last one
    /// e-mailed. `outbox` (the e-mail carrying this link) is written with it unless
    /// `quiet_since` is given and a link of the claim was e-mailed after it; returns whether
    /// it was.
    async fn add_resume_link(
        &self,
        claim_id: &str,
        token_hash: &[u8],
        outbox: Option<&OutboxMessage>,
        quiet_since: Option<Timestamp>,
    ) -> Result<bool>;
    /// Saves the answers; only while the participant may still change them (draft, or
    /// documents asked for), else [`StorageError::Conflict`].
    async fn save_application(&self, claim_id: &str, application: &Application) -> Result<()>;
    /// Adds a page to a document of the claim while the participant may still change it
    /// (else [`StorageError::Conflict`]) and returns it; when the claim has that document
    /// with the same content already (the same file sent again), returns that page instead:
    /// a page is kept once.
    async fn add_document(&self, doc: &DocumentMeta) -> Result<DocumentMeta>;
    /// Removes a document's metadata, returning it (the caller deletes the bytes).
    async fn remove_document(&self, claim_id: &str, document_id: &str) -> Result<Option<DocumentMeta>>;
    async fn documents(&self, claim_id: &str) -> Result<Vec<DocumentMeta>>;
    /// Submits: number, amounts, state and event, outbox message and idempotency key in
    /// one transaction. A taken claim number is [`StorageError::Conflict`] (draw another).
    async fn submit_claim(&self, submission: &Submission) -> Result<()>;

    // Appointments.
    /// Saves a branch's capacity (checked by the caller).
    async fn set_capacity(&self, capacity: &Capacity) -> Result<()>;
    async fn capacities(&self) -> Result<Vec<Capacity>>;
    async fn capacity(&self, branch: &str) -> Result<Option<Capacity>>;
    /// A page of the line of submitted claims without an appointment, oldest submission
    /// first: up to `limit` read after the claim `after` (its submission time and id).
    async fn waiting_for_appointment(&self, after: Option<(Timestamp, &str)>, limit: i64) -> Result<WaitingPage>;
    /// (session, seat) of every booked seat in sessions starting at or after `from`, of one
    /// branch or all.
    async fn booked_seats(&self, from: Timestamp, branch: Option<&str>) -> Result<Vec<(String, u8)>>;
    /// Stores the sessions not stored yet (a scheduling pass's plan), booking no seat.
    async fn add_sessions(&self, sessions: &[lapak_domain::schedule::Session]) -> Result<()>;
    /// Stores `sessions` (one stored already is left as it is), books every seat and moves
    /// every claim Submitted → Scheduled, in one transaction, or does nothing: a seat or a
    /// claim someone else booked first is a `Conflict`. A booking's session must be among
    /// `sessions` or stored already ([`Store::add_sessions`]).
    async fn book(&self, sessions: &[lapak_domain::schedule::Session], bookings: &[NewBooking]) -> Result<()>;
    async fn appointment(&self, claim_id: &str) -> Result<Option<AppointmentRecord>>;
    /// Every seat booked, served or missed in sessions starting in [from, to): (branch,
    /// session start, status, claim submitted at), for the capacity report.
    async fn appointments_between(
        &self,
        from: Timestamp,
        to: Timestamp,
    ) -> Result<Vec<(String, Timestamp, String, Timestamp)>>;
    /// Ends a claim's booked appointment with `status` (`no_show`, `moved`) and puts the
    /// claim back in line for a seat; with `session`, only a seat in that session (an
    /// officer's page speaks of its own session, not of a seat given since). False when it
    /// had none.
    async fn release_appointment(&self, claim_id: &str, session: Option<&str>, status: &str) -> Result<bool>;
    /// An officer is away: their booked seats in [from, to) are released and the claims put
    /// back in line. Returns the claims affected.
    async fn release_officer(&self, branch: &str, officer: &str, from: Timestamp, to: Timestamp)
        -> Result<Vec<String>>;
    /// The participant moves to another seat: the old one is released, the new one booked
    /// (a `Conflict` when someone took it first), with the message.
    async fn move_appointment(
        &self,
        claim_id: &str,
        session: &Session,
        seat: u8,
        video_token_hash: Option<&[u8]>,
        outbox: &[OutboxMessage],
    ) -> Result<()>;
    /// The booked appointment a personal video link opens, with its claim id.
    async fn appointment_by_video_token(&self, token_hash: &[u8]) -> Result<Option<(String, AppointmentRecord)>>;
    // Staff accounts.
    /// A `Conflict` when the username is taken.
    async fn create_staff(&self, staff: &NewStaff) -> Result<()>;
    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>>;
    async fn staff_by_id(&self, id: &str) -> Result<Option<StaffRecord>>;
    /// Counts a failed sign-in; `lock_until` locks the account. Returns the new count.
    async fn staff_login_failed(&self, id: &str, lock_until: Option<Timestamp>) -> Result<i64>;
    async fn staff_login_succeeded(&self, id: &str) -> Result<()>;
    async fn set_staff_totp(&self, id: &str, secret: &[u8], enabled: bool, recovery_hashes: &[String]) -> Result<()>;
    /// Accepts a TOTP code's time step once: false when that step (or a later one) was used.
    async fn use_totp_step(&self, id: &str, step: i64) -> Result<bool>;
    /// Uses up a recovery code (by its hash): false when it is not (or no longer) there.
    async fn use_recovery_code(&self, id: &str, hash: &str) -> Result<bool>;
    /// Disabling ends every session of the account at once.
    async fn set_staff_disabled(&self, id: &str, disabled: bool) -> Result<()>;
    async fn create_staff_session(&self, id_hash: &[u8], staff_id: &str, stage: &str, csrf: &str) -> Result<()>;
    async fn staff_session(&self, id_hash: &[u8]) -> Result<Option<StaffSession>>;
    async fn touch_staff_session(&self, id_hash: &[u8], at: Timestamp) -> Result<()>;
    async fn delete_staff_session(&self, id_hash: &[u8]) -> Result<()>;
    /// Records which documents an officer asked for and by when (the claim is NeedsDocuments).
    async fn set_requested_documents(&self, claim_id: &str, kinds: &[DocumentKind], due: Timestamp) -> Result<()>;
    /// Verified claims of a branch, oldest first.
    async fn claims_for_approval(&self, branch: &str) -> Result<Vec<ApprovalItem>>;
    /// The audit trail, newest first: the entries whose actor or subject is `query`, from
    /// the whole trail, and those of the newest [`AUDIT_SEARCH_WINDOW`] whose actor, action
    /// or subject contain it (an empty query: the newest entries).
    async fn search_audit(&self, query: &str, limit: i64) -> Result<Vec<AuditEntry>>;
    /// A session and its branch.
    async fn session(&self, session_id: &str) -> Result<Option<(String, SessionSummary)>>;
    /// The seats of a session: (seat, claim id, appointment status), booked, served or missed.
    async fn session_seats(&self, session_id: &str) -> Result<Vec<(u8, String, String)>>;
    async fn document(&self, document_id: &str) -> Result<Option<DocumentMeta>>;
    /// The sessions of a branch starting in [from, to), with their booked seats.
    async fn sessions_between(&self, branch: &str, from: Timestamp, to: Timestamp) -> Result<Vec<SessionSummary>>;

    // Walk-ins.
    /// Gives the next number of the branch's day; `phone` (sealed) to call the holder, in
    /// `lang` (`id`, `en`). A `token_hash` given already returns that ticket as it is.
    async fn take_ticket(
        &self,
        branch: &str,
        day: jiff::civil::Date,
        token_hash: &[u8],
        phone: Option<&str>,
        lang: &str,
    ) -> Result<TicketRecord>;
    async fn ticket_by_token(&self, token_hash: &[u8]) -> Result<Option<TicketRecord>>;
    /// The day's tickets of a branch, in number order.
    async fn tickets(&self, branch: &str, day: jiff::civil::Date) -> Result<Vec<TicketRecord>>;
    /// People in the room now: walk-ins called or being served today, and participants
    /// booked in the branch's at-branch sessions running at `now`.
    async fn room_occupancy(&self, branch: &str, day: jiff::civil::Date, now: Timestamp) -> Result<u32>;
    /// Calls in up to `n` waiting tickets, oldest first, with a text to those who left a
    /// number (`message` makes it from the number, the phone and the ticket's language).
    /// Returns the numbers called.
    async fn call_tickets(
        &self,
        branch: &str,
        day: jiff::civil::Date,
        n: u32,
        message: &(dyn for<'l> Fn(i64, String, &'l str) -> OutboxMessage + Sync),
    ) -> Result<Vec<i64>>;
    /// Moves a ticket from one of `from` to `to`; false when it was elsewhere.
    async fn set_ticket_status(
        &self,
        branch: &str,
        day: jiff::civil::Date,
        number: i64,
        from: &[lapak_domain::queue::TicketStatus],
        to: lapak_domain::queue::TicketStatus,
    ) -> Result<bool>;
    /// The claim an Idempotency-Key was used for, with the request hash it was used with.
    async fn idempotent_submission(&self, key: &str) -> Result<Option<(Vec<u8>, String)>>;
    /// Records a lifecycle event: the claim must still be in `event.from` (else
    /// [`StorageError::Conflict`]); the state, the event and the optional outbox message
    /// are written in one transaction.
    async fn record_claim_event(
        &self,
        claim_id: &str,
        event: &ClaimEvent,
        outbox: Option<&OutboxMessage>,
    ) -> Result<()>;
    /// The claim's lifecycle rebuilt from its stored events, with the events.
    async fn claim_history(&self, claim_id: &str) -> Result<(Lifecycle, Vec<ClaimEvent>)>;

    /// Leases up to `limit` due messages for `lease_micros`, so that two workers never
    /// deliver the same message at the same time. Appointment notices are not delivered but
    /// prepared ([`Store::pending_notices`]).
    async fn lease_outbox(&self, now: Timestamp, lease_micros: i64, limit: i64) -> Result<Vec<OutboxItem>>;
    /// Appointment notices not yet turned into messages, oldest first.
    async fn pending_notices(&self, limit: i64) -> Result<Vec<PendingNotice>>;
    /// In one transaction: writes each notice's messages if its claim still holds its seat
    /// in that session (checked under lock), and marks every notice done (a stale one as
    /// superseded). Returns the notices whose messages were written.
    async fn notices_prepared(&self, notices: &[PreparedNotice]) -> Result<usize>;
    async fn outbox_delivered(&self, id: i64, at: Timestamp) -> Result<()>;
    async fn outbox_failed(&self, id: i64, error: &str, retry_at: Timestamp) -> Result<()>;

    /// Appends to the hash-chained audit trail; returns the entry's sequence number.
    async fn append_audit(&self, entry: &AuditEntry) -> Result<i64>;
    /// Checks the chain from `from` (an entry found intact before, whose stored hash must
    /// still be the same; [`AuditMark::START`]: from the first entry) to the newest entry.
    async fn verify_audit_chain(&self, from: AuditMark) -> Result<AuditCheck>;

    /// Removes what is kept longer than it serves ([`Retention`]), a short transaction at a
    /// time so that no participant waits on it.
    async fn purge(&self, retention: &Retention) -> Result<Purged>;
}

/// How long what serves a passing purpose is kept: what is older than each bound goes.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    /// Drafts nobody has changed since (no answer saved, no page uploaded, no new link):
    /// the claim's record with its answers, its documents' records (their files go with
    /// the next document sweep) and its idempotency keys. Also the resume links made
    /// before it to claims already sent: such a link opens the receipt, with the bank
    /// account and contacts, for whoever has the e-mail; tracking needs no link.
    pub drafts_before: Timestamp,
    /// Collective batches never filed, created and given no worker list since: the lists
    /// (every worker's NIK and bank account) and the batch (its letter's file goes with the
    /// next document sweep).
    pub batches_before: Timestamp,
    /// Delivered messages (and notices turned into messages): their sealed contents. The
    /// row stays, since its dedupe key is what keeps a message from going twice.
    pub messages_before: Timestamp,
    /// The API's Idempotency-Keys (a submission already made stays one claim without
    /// its key: the claim is no longer a draft).
    pub idempotency_keys_before: Timestamp,
    /// Staff sessions created or last seen before this: long dead by their own timeouts.
    pub staff_sessions_before: Timestamp,
    /// Walk-in tickets of the days before this one: the phone number to call them by.
    pub ticket_phones_before: jiff::civil::Date,
}

/// What a purge removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Purged {
    pub drafts: u64,
    pub documents: u64,
    pub batches: u64,
    pub messages: u64,
    pub idempotency_keys: u64,
    pub staff_sessions: u64,
    pub ticket_phones: u64,
    pub resume_links: u64,
}

impl Purged {
    pub fn is_empty(&self) -> bool {
        *self == Purged::default()
    }
}

/// Opens the store a URL names (`sqlite://PATH` or a bare path, `postgres://…`) and applies
/// migrations.
pub async fn open(url: &str, keys: Arc<KeyRing>) -> Result<Arc<dyn Store>> {
    if is_postgres(url) {
        Ok(Arc::new(PostgresStore::connect(url, keys).await?))
    } else if let Some(path) = sqlite_file(url) {
        Ok(Arc::new(SqliteStore::open(&path, keys).await?))
    } else {
        Err(StorageError::UnsupportedUrl)
    }
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// The SQLite file a database URL names (`sqlite://PATH` or a bare path), if it names one.
pub fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if is_postgres(url) {
        return None;
    }
    url.strip_prefix("sqlite://").or_else(|| (!url.contains("://")).then_some(url)).map(std::path::PathBuf::from)
}

/// A PostgreSQL URL naming another database on the same server (tests and benchmarks make
/// a database of their own next to the configured one).
pub fn postgres_url_for_database(url: &str, database: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, format!("?{q}")),
        None => (url, String::new()),
    };
    let host_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[host_start..].find('/').map_or(base.len(), |i| host_start + i);
    format!("{}/{database}{query}", &base[..host_end])
}

pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn from_micros(v: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(v).map_err(|e| StorageError::Corrupt(e.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sqlite_file_a_url_names() {
        use std::path::PathBuf;
        assert_eq!(super::sqlite_file("sqlite:///srv/lapak/lapak.db"), Some(PathBuf::from("/srv/lapak/lapak.db")));
        assert_eq!(super::sqlite_file("lapak.db"), Some(PathBuf::from("lapak.db")));
        assert_eq!(super::sqlite_file("postgres://lapak@db/lapak"), None);
    }

    #[test]
    fn another_database_on_the_same_server() {
        let f = super::postgres_url_for_database;
        assert_eq!(f("postgres://u:p@h:5432/lapak", "t1"), "postgres://u:p@h:5432/t1");
        assert_eq!(f("postgres://u:p@h/lapak?sslmode=disable", "t1"), "postgres://u:p@h/t1?sslmode=disable");
        assert_eq!(f("postgres://h", "t1"), "postgres://h/t1");
    }

    /// What may succeed when sent again (503) and what is a fault of Lapak's own (500).
    #[test]
    fn the_store_cannot_take_requests_now_or_something_is_wrong() {
        use super::StorageError as E;
        use std::io::{Error, ErrorKind};
        let os = |errno| E::Io(Error::from_raw_os_error(errno));
        // ENOSPC, EROFS, EDQUOT, EIO: a disk full, read-only, over quota or failing.
        for errno in [28, 30, 122, 5] {
            assert!(os(errno).is_unavailable(), "errno {errno}");
        }
        // ENOENT, ENOTDIR, EACCES: a file or folder missing or set up wrong.
        for errno in [2, 20, 13] {
            assert!(!os(errno).is_unavailable(), "errno {errno}");
        }
        // The document store's errors are read down to the operating system's.
        let full =
            object_store::Error::Generic { store: "LocalFileSystem", source: Box::new(Error::from_raw_os_error(28)) };
        assert!(E::Documents(full).is_unavailable());
        let missing =
            object_store::Error::NotFound { path: "x".into(), source: Box::new(Error::from(ErrorKind::NotFound)) };
        assert!(!E::Documents(missing).is_unavailable());
        // No connection to be had.
        for e in [sqlx::Error::PoolTimedOut, sqlx::Error::Io(Error::from(ErrorKind::ConnectionRefused))] {
            assert!(E::Database(e).is_unavailable());
        }
        assert!(E::Unavailable("an fsync failed".into()).is_unavailable());
        for e in
            [E::Conflict("taken".into()), E::Corrupt("x".into()), E::NotFound, E::Database(sqlx::Error::RowNotFound)]
        {
            assert!(!e.is_unavailable(), "{e}");
        }
        // SQLite's own reads: busy past the timeout, or a full disk; not a constraint.
        let sqlite =
            |code| E::Sqlite(rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None)).is_unavailable();
        assert!(sqlite(rusqlite::ffi::SQLITE_BUSY) && sqlite(rusqlite::ffi::SQLITE_FULL));
        assert!(!sqlite(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE));
    }
}
