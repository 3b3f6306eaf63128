//! Keeping data no longer than it serves (UU PDP: processing stops at the end of the
//! retention period, Pasal 42–44). Once a day `lapak serve` removes:
//! - drafts nobody has changed for [`DRAFTS`] (no answer saved, no page uploaded, no new
//!   link): the claim's answers, bank account and contacts, and its documents, whose files
//!   the document sweep that follows deletes;
//! - the contents of messages delivered more than [`MESSAGES`] ago (e-mail addresses, names,
//!   links; the row stays, its dedupe key keeping the message from going twice);
//! - the API's Idempotency-Keys after [`IDEMPOTENCY_KEYS`];
//! - staff sessions after [`STAFF_SESSIONS`], long past their own timeouts;
//! - walk-in tickets' phone numbers once their day is over (kept through the day after,
//!   whatever the branch's zone).
//!
//! Submitted claims, their events and documents, appointments and the audit trail are the
//! agency's records and are not touched here.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use lapak_storage::{DocumentStore, Purged, Retention, StorageError, Store};

/// A draft (or an unfiled collective batch) left unchanged this long goes. The participant
/// is told so on the task list and in the resume e-mail, the representative on the batch
/// page (`tasks-lead`, `email-resume-body`, `collective-list-lead`): keep them in step.
pub const DRAFTS: SignedDuration = SignedDuration::from_hours(90 * 24);
/// A delivered message's contents are kept this long, for questions about it.
pub const MESSAGES: SignedDuration = SignedDuration::from_hours(30 * 24);
/// An Idempotency-Key serves a client's retries of one request.
pub const IDEMPOTENCY_KEYS: SignedDuration = SignedDuration::from_hours(24);
/// Staff sessions end after 12 hours at most.
pub const STAFF_SESSIONS: SignedDuration = SignedDuration::from_hours(24);

/// How often `lapak serve` purges and sweeps.
pub const EVERY: Duration = Duration::from_secs(24 * 3_600);

/// The bounds of a purge at `now`.
pub fn retention(now: Timestamp) -> Retention {
    let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
    Retention {
        drafts_before: now - DRAFTS,
        batches_before: now - DRAFTS,
        messages_before: now - MESSAGES,
        idempotency_keys_before: now - IDEMPOTENCY_KEYS,
        staff_sessions_before: now - STAFF_SESSIONS,
        ticket_phones_before: today.yesterday().unwrap_or(today),
    }
}

/// One purge at `now`, then the document sweep (which deletes the purged drafts' files).
/// Returns what the purge removed and how many files went.
pub async fn run_once(
    store: &dyn Store,
    documents: &DocumentStore,
    now: Timestamp,
) -> Result<(Purged, usize), StorageError> {
    let purged = store.purge(&retention(now)).await?;
    let before = now - SignedDuration::try_from(crate::documents::GRACE).unwrap_or(SignedDuration::from_hours(1));
    let files = crate::documents::sweep(store, documents, before).await?;
    Ok((purged, files))
}

/// Purges and sweeps now and then every `every`, until `stop` resolves.
pub async fn run(
    store: Arc<dyn Store>,
    documents: DocumentStore,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    crate::repeat(every, stop, || async {
        match run_once(store.as_ref(), &documents, Timestamp::now()).await {
            Ok((purged, files)) if !purged.is_empty() || files > 0 => tracing::info!(
                drafts = purged.drafts,
                documents = purged.documents,
                batches = purged.batches,
                messages = purged.messages,
                idempotency_keys = purged.idempotency_keys,
                staff_sessions = purged.staff_sessions,
                ticket_phones = purged.ticket_phones,
                files,
                "retention: data past its time removed"
            ),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "retention run failed"),
        }
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapak_i18n::{I18n, Lang};

    /// The texts that tell how long a draft or a batch is kept say what [`DRAFTS`] is.
    #[test]
    fn participants_are_told_how_long_a_draft_is_kept() {
        let days = format!("{} ", DRAFTS.as_hours() / 24);
        let i18n = I18n::load();
        for lang in [Lang::Id, Lang::En] {
            assert!(i18n.t(lang, "tasks-lead").contains(&days), "{lang:?} task list");
            assert!(i18n.t(lang, "collective-list-lead").contains(&days), "{lang:?} batch page");
            let mail = i18n.t_args(lang, "email-resume-body", &[("name", "Siti"), ("link", "https://x")]);
            assert!(mail.contains(&days), "{lang:?} e-mail: {mail}");
        }
    }
}
