//! The sweep of stored files no record refers to, against a real store (SQLite, or
//! PostgreSQL with LAPAK_TEST_DATABASE_URL) and a real document folder.

use jiff::{SignedDuration, Timestamp};
use lapak_storage::DocumentStore;
use lapak_workers::documents::sweep;

#[tokio::test]
async fn files_no_record_refers_to_go_once_past_the_grace_and_no_other() {
    let t = lapak_tests::seeded().await;
    let docs = DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let page = lapak_tests::draft_with_page(&t, &docs, "c-1").await;
    // Files whose records were never written: a page of that claim, one of a claim that was
    // never stored, a representative's letter, a batch's letter.
    let orphans = ["claims/c-1/d-2.pdf", "claims/c-9/d-1.pdf", "kuasa/r-1/attorney", "kolektif/b-1/letter-1"];
    for key in orphans {
        docs.put(key, b"%PDF-1.4").await.unwrap();
    }
    // And a write cut off before its file was renamed into place.
    let staging = t.dir.path().join("documents/claims/c-1/d-3.pdf#7");
    std::fs::write(&staging, b"sealed bytes").unwrap();

    // Within the grace (an upload may still be writing its record): nothing goes.
    let an_hour_ago = Timestamp::now() - SignedDuration::from_hours(1);
    assert_eq!(sweep(t.store.as_ref(), &docs, an_hour_ago).await.unwrap(), 0);
    for key in orphans {
        assert!(docs.get(key).await.is_ok(), "{key} kept within the grace");
    }
    let later = Timestamp::now() + SignedDuration::from_secs(1);
    assert!(staging.exists(), "kept within the grace");
    assert_eq!(sweep(t.store.as_ref(), &docs, later).await.unwrap(), orphans.len() + 1);
    for key in orphans {
        assert!(docs.get(key).await.is_err(), "{key} deleted");
    }
    assert!(!staging.exists(), "the cut-off write deleted");
    assert_eq!(docs.get(&page.object_key).await.unwrap(), b"%PDF-1.4", "the page with a record stays");
    assert_eq!(sweep(t.store.as_ref(), &docs, later).await.unwrap(), 0, "nothing more");
}
