//! The outbox relay: turn appointment notices into messages, lease due messages, hand each
//! to a [`Deliver`] channel (SMTP, SMS/WhatsApp), mark it delivered or schedule a retry with
//! exponential back-off.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use lapak_storage::{OutboxItem, Store};
use std::sync::Arc;
use std::time::Duration;

/// The name a message goes out under, the same on every attempt to send it: the e-mail's
/// `Message-ID` and the text's `Idempotency-Key`. The relay marks a message sent after the
/// server or provider accepted it; a crash or a lost answer in between means it is sent
/// again, and a provider that keeps one message per key (as SMS gateways and many mail
/// systems do) then delivers it once. The outbox row and a digest of the message, so that
/// another database's rows (a demo loaded again) do not take the names of earlier messages.
pub fn message_key(item: &OutboxItem) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new().chain_update(item.id.to_be_bytes()).chain_update(item.payload.as_bytes()).finalize();
    let tag: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    format!("lapak-{}.{tag}", item.id)
}

/// A delivery channel. `Err` means "try again later"; the text is kept for operators and
/// must not contain personal data.
#[async_trait]
pub trait Deliver: Send + Sync {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String>;
}

#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// How long a leased message is reserved for this worker.
    pub lease: Duration,
    pub batch: i64,
    /// The first retry waits this long; each further retry doubles it, up to `max_backoff`.
    pub first_backoff: Duration,
    pub max_backoff: Duration,
    /// Pause between polls when nothing was due.
    pub idle: Duration,
}

impl Default for RelayConfig {
    fn default() -> Self {
        RelayConfig {
            lease: Duration::from_secs(60),
            batch: 50,
            first_backoff: Duration::from_secs(10),
            max_backoff: Duration::from_secs(3_600),
            idle: Duration::from_millis(500),
        }
    }
}

/// When the `attempts`-th failed attempt is retried: 10 s, 20 s, 40 s, … capped.
pub fn backoff(config: &RelayConfig, attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1).clamp(0, 20)).unwrap_or(20);
    config.first_backoff.saturating_mul(2u32.saturating_pow(exponent)).min(config.max_backoff)
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    /// Appointment notices turned into messages.
    pub prepared: usize,
    pub delivered: usize,
    pub failed: usize,
}

/// Appointment notices turned into messages per pass (one transaction).
pub const NOTICES_PER_PASS: i64 = 2_000;

/// Turns up to `limit` appointment notices into their messages (e-mail and text now, and
/// the reminders), unsealing the participants' contacts here rather than in the scheduler.
/// Two relays doing it at once write each message once (the dedupe key decides); a notice
/// whose seat moved meanwhile gives none. Returns the notices that gave messages.
pub async fn prepare_notices(store: &dyn Store, limit: i64) -> lapak_storage::Result<usize> {
    let pending = store.pending_notices(limit).await?;
    let now = Timestamp::now();
    let prepared: Vec<_> = pending.iter().map(|p| lapak_claims::notice_messages(p, now)).collect();
    store.notices_prepared(&prepared).await
}

/// One pass: lease what is due at `now`, deliver, record the outcome.
pub async fn run_once(
    store: &dyn Store,
    channel: &dyn Deliver,
    config: &RelayConfig,
    now: Timestamp,
) -> lapak_storage::Result<Pass> {
    let mut pass = Pass { prepared: prepare_notices(store, NOTICES_PER_PASS).await?, ..Pass::default() };
    let lease = i64::try_from(config.lease.as_micros()).unwrap_or(i64::MAX);
    let items = store.lease_outbox(now, lease, config.batch).await?;
    for item in items {
        match channel.deliver(&item).await {
            Ok(()) => {
                store.outbox_delivered(item.id, Timestamp::now()).await?;
                pass.delivered += 1;
            }
            Err(error) => {
                let wait = SignedDuration::try_from(backoff(config, item.attempts)).unwrap_or(SignedDuration::MAX);
                let retry_at = now.checked_add(wait).unwrap_or(now);
                tracing::warn!(id = item.id, kind = %item.kind, attempts = item.attempts, %error, "delivery failed, will retry");
                store.outbox_failed(item.id, &error, retry_at).await?;
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

/// Runs passes until `stop` resolves; a pass in progress is finished first, so a message is
/// never left half-recorded (its lease would expire and it would be retried anyway).
pub async fn run(
    store: Arc<dyn Store>,
    channel: Arc<dyn Deliver>,
    config: RelayConfig,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        let idle = match run_once(store.as_ref(), channel.as_ref(), &config, Timestamp::now()).await {
            Ok(pass) => pass.prepared + pass.delivered + pass.failed == 0,
            Err(e) => {
                tracing::error!(error = %e, "outbox pass failed");
                true
            }
        };
        let pause = if idle { config.idle } else { Duration::ZERO };
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(pause) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let c = RelayConfig::default();
        assert_eq!(backoff(&c, 1), Duration::from_secs(10));
        assert_eq!(backoff(&c, 2), Duration::from_secs(20));
        assert_eq!(backoff(&c, 4), Duration::from_secs(80));
        assert_eq!(backoff(&c, 50), Duration::from_secs(3_600));
    }
}
