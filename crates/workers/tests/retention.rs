//! The daily retention run against a real store (SQLite, or PostgreSQL with
//! LAPAK_TEST_DATABASE_URL) and a real document folder: a draft left alone past its time
//! goes, its scanned pages' files with it; one still within its time is not touched.

use jiff::{SignedDuration, Timestamp};
use lapak_storage::DocumentStore;
use lapak_workers::retention::{run_once, DRAFT_DAYS};

#[tokio::test]
async fn an_abandoned_draft_goes_with_its_files_and_a_recent_one_stays() {
    let t = lapak_tests::seeded().await;
    let docs = DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let page = lapak_tests::draft_with_page(&t, &docs, "c-1").await;

    let kept = SignedDuration::from_hours(24 * i64::from(DRAFT_DAYS));
    // A day short of the limit: nothing goes.
    let day = SignedDuration::from_hours(24);
    let (purged, files) = run_once(t.store.as_ref(), &docs, DRAFT_DAYS, Timestamp::now() + kept - day).await.unwrap();
    assert_eq!((purged.drafts, files), (0, 0));
    assert_eq!(docs.get(&page.object_key).await.unwrap(), b"%PDF-1.4");
    assert!(t.store.claim("c-1").await.unwrap().is_some());

    // A day past it: the draft, its page's record and its file.
    let (purged, files) = run_once(t.store.as_ref(), &docs, DRAFT_DAYS, Timestamp::now() + kept + day).await.unwrap();
    assert_eq!((purged.drafts, purged.documents, files), (1, 1, 1));
    assert!(t.store.claim("c-1").await.unwrap().is_none());
    assert!(docs.get(&page.object_key).await.is_err(), "the scanned page is deleted");
}

/// `lapak serve`'s minute worker forgets the failed guesses of ended windows at once, and
/// keeps the current window's.
#[tokio::test]
async fn failed_guesses_of_ended_windows_are_forgotten() {
    use lapak_domain::claim_number::ClaimNumber;
    use lapak_storage::Guess;
    let t = lapak_tests::test_store().await;
    let (old, new) = (ClaimNumber::from_random(1), ClaimNumber::from_random(2));
    let long_ago = Timestamp::now() - SignedDuration::from_mins(5);
    t.store.add_failed_guess(Guess::Tracking(&old), long_ago).await.unwrap();
    // Half a minute ahead: its window is still running when the worker looks.
    let soon = Timestamp::now() + SignedDuration::from_secs(30);
    t.store.add_failed_guess(Guess::Tracking(&new), soon).await.unwrap();

    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(lapak_workers::retention::forget_guesses(t.store.clone(), async {
        let _ = stopped.await;
    }));
    let started = std::time::Instant::now();
    while t.store.failed_guesses(Guess::Tracking(&old), long_ago).await.unwrap() > 0 {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "not forgotten");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let _ = stop.send(());
    task.await.unwrap();
    assert_eq!(t.store.failed_guesses(Guess::Tracking(&new), soon).await.unwrap(), 1, "kept");
}
