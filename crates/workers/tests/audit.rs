//! The daily check of the whole audit chain against a real store (SQLite, or PostgreSQL
//! with LAPAK_TEST_DATABASE_URL): due a day after the last one recorded, so a restart does
//! not read the whole trail again.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use lapak_storage::audit::{check, last_full};

const DAY: Duration = Duration::from_secs(24 * 3_600);

/// Runs the worker until `done` holds of the last whole check recorded, or `up_to` passed.
async fn worker(t: &lapak_tests::TestStore, up_to: Duration, done: impl Fn(Option<Timestamp>) -> bool) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(lapak_workers::audit::run(t.store.clone(), DAY, async {
        let _ = stopped.await;
    }));
    let started = std::time::Instant::now();
    while started.elapsed() < up_to && !done(last_full(t.store.as_ref()).await.unwrap().map(|f| f.at)) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    task.await.unwrap();
}

#[tokio::test]
async fn the_whole_check_is_due_a_day_after_the_last() {
    let t = lapak_tests::test_store().await;
    // None recorded: at once.
    worker(&t, Duration::from_secs(10), |at| at.is_some()).await;
    let first = last_full(t.store.as_ref()).await.unwrap().expect("checked at start").at;

    // Recorded a moment ago: a restart leaves it (a second's watch).
    worker(&t, Duration::from_secs(1), |at| at != Some(first)).await;
    assert_eq!(last_full(t.store.as_ref()).await.unwrap().unwrap().at, first, "not checked again");

    // Recorded more than a day ago: checked at once.
    let long_ago = Timestamp::now() - SignedDuration::from_hours(25);
    check(t.store.as_ref(), true, long_ago).await.unwrap();
    worker(&t, Duration::from_secs(10), |at| at.is_some_and(|at| at > long_ago)).await;
    let again = last_full(t.store.as_ref()).await.unwrap().unwrap().at;
    assert!(again > first, "{again} after {first}");
}
