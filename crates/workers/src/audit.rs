//! The audit trail's whole hash chain, checked at start and once a day by `lapak serve`
//! (the auditor's page checks only what was added since; see `lapak_storage::audit`). A
//! broken chain is logged as an error every day until it is dealt with.

use std::sync::Arc;
use std::time::Duration;

use lapak_storage::{AuditCheck, Store};

/// How often `lapak serve` checks the whole chain.
pub const EVERY: Duration = Duration::from_secs(24 * 3_600);

pub async fn run(store: Arc<dyn Store>, every: Duration, stop: impl std::future::Future<Output = ()>) {
    crate::repeat(every, stop, || async {
        match lapak_storage::audit::check(store.as_ref(), true, jiff::Timestamp::now()).await {
            Ok(status) => match status.check {
                AuditCheck::Intact { entries, .. } => tracing::info!(entries, "audit trail intact"),
                AuditCheck::BrokenAt { seq } => tracing::error!(seq, "audit trail BROKEN from this record"),
            },
            Err(e) => tracing::warn!(error = %e, "audit trail check failed"),
        }
    })
    .await
}
