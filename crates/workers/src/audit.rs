//! The audit trail's whole hash chain, checked by `lapak serve` once a day (the auditor's
//! page checks only what was added since; see `lapak_storage::audit`). The check is due a
//! day after the last one, kept in the database: a restart, or a second process, does not
//! read the whole trail again. A broken chain is logged as an error at every check until it
//! is dealt with.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use lapak_storage::{AuditCheck, Store};

/// Checks the whole chain whenever the last check is `every` old (at once when there was
/// none), until `stop` resolves (a check in progress is finished first).
pub async fn run(store: Arc<dyn Store>, every: Duration, stop: impl std::future::Future<Output = ()>) {
    tokio::pin!(stop);
    loop {
        let wait = match due_in(store.as_ref(), every).await {
            Duration::ZERO => {
                match lapak_storage::audit::check(store.as_ref(), true, Timestamp::now()).await {
                    Ok(status) => match status.check {
                        AuditCheck::Intact { entries, .. } => tracing::info!(entries, "audit trail intact"),
                        AuditCheck::BrokenAt { seq } => tracing::error!(seq, "audit trail BROKEN from this record"),
                    },
                    Err(e) => tracing::warn!(error = %e, "audit trail check failed"),
                }
                // After a failure, as after a check: the next in `every`.
                every
            }
            wait => wait,
        };
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(wait) => {}
        }
    }
}

/// How long until the next whole check: `every` after the last one recorded.
async fn due_in(store: &dyn Store, every: Duration) -> Duration {
    match lapak_storage::audit::last_full(store).await {
        Ok(Some(last)) => {
            let since = Duration::try_from(Timestamp::now().duration_since(last.at)).unwrap_or(Duration::ZERO);
            every.saturating_sub(since)
        }
        _ => Duration::ZERO,
    }
}
