//! The relay against a real store (SQLite, or PostgreSQL with LAPAK_TEST_DATABASE_URL).
//! The channel here records what it is handed: the SMTP channel and its real receiver come
//! with e-mail delivery.

use async_trait::async_trait;
use jiff::{SignedDuration, Timestamp};
use lapak_domain::lifecycle::{Action, Actor, Lifecycle, Role};
use lapak_storage::{OutboxItem, OutboxMessage};
use lapak_workers::outbox::{run_once, Deliver, Pass, RelayConfig};
use std::sync::Mutex;

/// Fails the first `failures` attempts, then records each delivered payload.
struct Flaky {
    failures: Mutex<u32>,
    delivered: Mutex<Vec<String>>,
}

#[async_trait]
impl Deliver for Flaky {
    async fn deliver(&self, item: &OutboxItem) -> Result<(), String> {
        let mut f = self.failures.lock().unwrap();
        if *f > 0 {
            *f -= 1;
            return Err("connection refused".into());
        }
        self.delivered.lock().unwrap().push(item.payload.clone());
        Ok(())
    }
}

#[tokio::test]
async fn a_failed_delivery_is_retried_after_back_off_and_delivered_once() {
    let t = lapak_tests::seeded().await;
    t.store.create_claim(&lapak_tests::new_claim("c-1"), None).await.unwrap();
    let event = Lifecycle::default()
        .check(Action::Submit, &Actor::new(Role::Participant, "p"), Timestamp::now(), None)
        .unwrap();
    let msg = OutboxMessage {
        dedupe_key: "submitted:c-1".into(),
        kind: "email".into(),
        payload: "receipt".into(),
        ..Default::default()
    };
    t.store.record_claim_event("c-1", &event, Some(&msg)).await.unwrap();

    let channel = Flaky { failures: Mutex::new(1), delivered: Mutex::new(Vec::new()) };
    let config = RelayConfig::default();
    let now = Timestamp::now();
    assert_eq!(
        run_once(t.store.as_ref(), &channel, &config, now).await.unwrap(),
        Pass { prepared: 0, delivered: 0, failed: 1 }
    );
    // Not due again before the back-off has passed.
    let soon = now + SignedDuration::from_secs(5);
    assert_eq!(run_once(t.store.as_ref(), &channel, &config, soon).await.unwrap(), Pass::default());
    let later = now + SignedDuration::from_secs(11);
    assert_eq!(
        run_once(t.store.as_ref(), &channel, &config, later).await.unwrap(),
        Pass { prepared: 0, delivered: 1, failed: 0 }
    );
    let much_later = now + SignedDuration::from_hours(2);
    assert_eq!(run_once(t.store.as_ref(), &channel, &config, much_later).await.unwrap(), Pass::default());
    assert_eq!(*channel.delivered.lock().unwrap(), vec!["receipt".to_string()]);
}
