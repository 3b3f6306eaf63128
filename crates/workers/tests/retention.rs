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
