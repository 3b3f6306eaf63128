//! Keeping data no longer than it serves (UU PDP: processing stops at the end of the
//! retention period, Pasal 42–44). Once a day `lapak serve` removes:
//! - drafts nobody has changed for the agency's period (`draft_retention_days`, by default
//!   [`DRAFT_DAYS`]; no answer saved, no page uploaded, no new link): the claim's answers,
//!   bank account and contacts, and its documents, whose files the document sweep that
//!   follows deletes; likewise a collective batch never filed and given no worker list for
//!   as long (the lists hold every worker's NIK and bank account);
//! - the contents of messages delivered more than [`MESSAGES`] ago (e-mail addresses, names,
//!   links; the row stays, its dedupe key keeping the message from going twice);
//! - the API's Idempotency-Keys after [`IDEMPOTENCY_KEYS`];
//! - staff sessions after [`STAFF_SESSIONS`], long past their own timeouts;
//! - walk-in tickets' phone numbers once their day is over (kept through the day after,
//!   whatever the branch's zone);
//! - resume links to claims already sent, once as old as the draft period: such a link
//!   opens the receipt (bank account, contacts) for whoever has the e-mail, and tracking
//!   needs none.
//!
//! Every minute it also forgets the counts of failed identity checks and tracking guesses
//! whose window is over ([`forget_guesses`]).
//!
//! Submitted claims, their events and documents, appointments and the audit trail are the
//! agency's records and are not touched here.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use lapak_storage::{DocumentStore, Purged, Retention, StorageError, Store};

pub use lapak_domain::retention::DRAFT_DAYS;

/// A delivered message's contents are kept this long, for questions about it.
pub const MESSAGES: SignedDuration = SignedDuration::from_hours(30 * 24);
/// An Idempotency-Key serves a client's retries of one request.
pub const IDEMPOTENCY_KEYS: SignedDuration = SignedDuration::from_hours(24);
/// Staff sessions end after 12 hours at most.
pub const STAFF_SESSIONS: SignedDuration = SignedDuration::from_hours(24);

/// The bounds of a purge at `now`, drafts (and unfiled batches) kept `draft_days`.
pub fn retention(now: Timestamp, draft_days: u32) -> Retention {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let drafts = SignedDuration::from_hours(24 * i64::from(draft_days));
    Retention {
        drafts_before: now - drafts,
        batches_before: now - drafts,
        messages_before: now - MESSAGES,
        idempotency_keys_before: now - IDEMPOTENCY_KEYS,
        staff_sessions_before: now - STAFF_SESSIONS,
        ticket_phones_before: today.yesterday().unwrap_or(today),
    }
}

/// One purge at `now`, then the document sweep (which deletes the purged drafts' files;
/// it runs even when the purge failed). Returns what the purge removed and how many files
/// went.
pub async fn run_once(
    store: &dyn Store,
    documents: &DocumentStore,
    draft_days: u32,
    now: Timestamp,
) -> Result<(Purged, usize), StorageError> {
    let purged = store.purge(&retention(now, draft_days)).await;
    let before = now - SignedDuration::try_from(crate::documents::GRACE).unwrap_or(SignedDuration::from_hours(1));
    let files = crate::documents::sweep(store, documents, before).await;
    Ok((purged?, files?))
}

/// Purges and sweeps now and then every `every`, until `stop` resolves.
pub async fn run(
    store: Arc<dyn Store>,
    documents: DocumentStore,
    draft_days: u32,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    crate::repeat(every, stop, || async {
        match run_once(store.as_ref(), &documents, draft_days, Timestamp::now()).await {
            Ok((purged, files)) if !purged.is_empty() || files > 0 => tracing::info!(
                drafts = purged.drafts,
                documents = purged.documents,
                batches = purged.batches,
                messages = purged.messages,
                idempotency_keys = purged.idempotency_keys,
                staff_sessions = purged.staff_sessions,
                ticket_phones = purged.ticket_phones,
                resume_links = purged.resume_links,
                files,
                "retention: data past its time removed"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention run failed"),
        }
    })
    .await
}

/// Forgets, every [`lapak_storage::GUESS_WINDOW`] until `stop` resolves, the counts of failed
/// guesses whose window is over: someone trying made-up claim numbers from many addresses
/// adds a row for each, and the table then holds about a minute of them, not a day's.
pub async fn forget_guesses(store: Arc<dyn Store>, stop: impl std::future::Future<Output = ()>) {
    let window = lapak_storage::GUESS_WINDOW;
    crate::repeat(window, stop, || async {
        let before = Timestamp::now() - SignedDuration::try_from(window).unwrap_or(SignedDuration::ZERO);
        match store.forget_guesses(before).await {
            Ok(n) if n > 0 => tracing::debug!(counts = n, "failed guesses of ended windows forgotten"),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "forgetting failed guesses failed; the next run retries"),
        }
    })
    .await
}
