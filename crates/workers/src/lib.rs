//! Background workers. The outbox relay delivers messages that a transaction wrote next to
//! the change they announce (transactional outbox): at least once, retried with back-off,
//! and never by two workers at the same time (leases). The scheduler books appointments;
//! retention removes, once a day, what is kept longer than it serves, and the document
//! sweep after it the stored files no record refers to; and once a day the audit trail's
//! whole hash chain is checked.

use std::future::Future;
use std::time::Duration;

/// How often `lapak serve` runs retention and checks the audit trail.
pub const DAILY: Duration = Duration::from_secs(24 * 3_600);

pub mod audit;
pub mod documents;
pub mod email;
pub mod outbox;
pub mod retention;
pub mod scheduler;
pub mod text;

/// Runs `pass` at once and then every `every`, until `stop` resolves (a pass in progress
/// is finished first).
pub(crate) async fn repeat<F: Future<Output = ()>>(
    every: Duration,
    stop: impl Future<Output = ()>,
    mut pass: impl FnMut() -> F,
) {
    tokio::pin!(stop);
    loop {
        pass().await;
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}
