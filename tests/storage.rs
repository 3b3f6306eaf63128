//! The storage suite: runs on SQLite by default and on PostgreSQL with
//! `LAPAK_TEST_DATABASE_URL` (see `support/mod.rs`).

use futures::future::join_all;
use jiff::civil::date;
use jiff::Timestamp;
use lapak_domain::application::Application;
use lapak_domain::cause::ClaimCause;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::documents::DocumentKind;
use lapak_domain::lifecycle::{Action, Actor, ClaimState, Lifecycle, Role};
use lapak_domain::{Kpj, Nik, Rupiah};
use lapak_storage::{
    AuditCheck, AuditEntry, AuditMark, DocumentMeta, Guess, OutboxMessage, RowConflict, StorageError, Submission,
};
use lapak_tests::*;

#[tokio::test]
async fn members_round_trip_with_personal_data_sealed() {
    let t = seeded().await;
    let found = t.store.members_by_nik(&Nik::parse(NIK_SITI).unwrap()).await.unwrap();
    assert_eq!(found, vec![siti(Some("15070955"))]);
    let by_kpj = t.store.member_by_kpj(&Kpj::parse("12345678901").unwrap()).await.unwrap();
    assert_eq!(by_kpj, Some(siti(Some("15070955"))));
    assert_eq!(t.store.member_by_kpj(&Kpj::parse("99999999999").unwrap()).await.unwrap(), None);
}

#[tokio::test]
async fn reimporting_the_same_rows_changes_nothing_and_a_change_updates() {
    let t = seeded().await;
    let again = t.store.upsert_members(&[siti(Some("15070955"))]).await.unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 1));
    let mut richer = siti(Some("15070955"));
    richer.jht_balance = Rupiah::new(40_000_000).unwrap();
    let changed = t.store.upsert_members(&[richer.clone()]).await.unwrap();
    assert_eq!((changed.inserted, changed.updated, changed.unchanged), (0, 1, 0));
    let stored = t.store.member_by_kpj(&richer.kpj).await.unwrap().unwrap();
    assert_eq!(stored.jht_balance, Rupiah::new(40_000_000).unwrap());
    assert_eq!(t.store.counts().await.unwrap().members, 1);

    let b = t.store.upsert_branches(&[branch("KC001")]).await.unwrap();
    assert_eq!(b.unchanged, 1);
    let c = t.store.upsert_companies(&[company("15070955", "KC001")]).await.unwrap();
    assert_eq!(c.unchanged, 1);
}

#[tokio::test]
async fn one_person_may_hold_several_kpjs_but_a_kpj_belongs_to_one_nik() {
    let t = seeded().await;
    let second_job = member(NIK_SITI, "12345678902", date(1990, 5, 15), None);
    assert_eq!(t.store.upsert_members(&[second_job]).await.unwrap().inserted, 1);
    assert_eq!(t.store.members_by_nik(&Nik::parse(NIK_SITI).unwrap()).await.unwrap().len(), 2);

    let stranger = member("3273011505900001", "12345678901", date(1990, 5, 15), None);
    let out = t.store.upsert_members(&[stranger]).await.unwrap();
    assert_eq!(out.refused, vec![(0, RowConflict::KpjHasOtherNik)]);
    let kept = t.store.member_by_kpj(&Kpj::parse("12345678901").unwrap()).await.unwrap().unwrap();
    assert_eq!(kept.nik.as_str(), NIK_SITI);
}

#[tokio::test]
async fn a_company_needs_an_existing_branch() {
    let t = test_store().await;
    let err = t.store.upsert_companies(&[company("15070955", "NOPE1")]).await;
    assert!(err.is_err(), "foreign key must refuse an unknown branch");
    assert_eq!(t.store.counts().await.unwrap().companies, 0);
}

#[tokio::test]
async fn large_batches_are_written_in_chunks_in_one_transaction() {
    let t = test_store().await;
    t.store.upsert_branches(&[branch("KC001")]).await.unwrap();
    let members: Vec<_> = (1..=2_500u32)
        .map(|i| {
            member(
                &format!("32730115059{:05}", i),
                &format!("{:011}", 10_000_000_000u64 + u64::from(i)),
                date(1990, 5, 15),
                None,
            )
        })
        .collect();
    let out = t.store.upsert_members(&members).await.unwrap();
    assert_eq!(out.inserted, 2_500);
    assert_eq!(t.store.counts().await.unwrap().members, 2_500);
}

/// Nothing readable in the database: neither in the raw SQLite files (including the WAL)
/// nor in any column as the engine returns it.
#[tokio::test]
async fn no_nik_or_phone_in_plaintext_anywhere_in_the_database() {
    let t = seeded().await;
    let nik_local = "81234567890"; // the phone number without +62, as people type it
    let dump = sqlx_dump(&t.url).await;
    for secret in [NIK_SITI, PHONE_SITI, nik_local, "siti.aminah@example.id", "Ratna Sari", "Siti Aminah"] {
        assert!(!dump.contains(secret), "{secret} readable in a column");
    }
    if let Some(path) = &t.sqlite_path {
        let mut raw = Vec::new();
        for suffix in ["", "-wal", "-shm"] {
            let p = format!("{}{suffix}", path.display());
            if let Ok(bytes) = std::fs::read(&p) {
                raw.extend(bytes);
            }
        }
        assert!(raw.len() > 4096, "read the database files");
        assert!(raw.windows(3).any(|w| w == b"KC0"), "the grep can see plaintext that is stored in clear");
        for secret in [NIK_SITI, PHONE_SITI, nik_local] {
            assert!(!raw.windows(secret.len()).any(|w| w == secret.as_bytes()), "{secret} in the raw files");
        }
    }
}

/// Every text and blob column of the personal-data tables, as text.
async fn sqlx_dump(url: &str) -> String {
    use sqlx::{Connection, Row};
    let mut out = String::new();
    let queries = [
        "SELECT kpj, nik_index, nik_sealed, full_name_sealed, birth_date, mother_name_sealed, email_sealed, phone_sealed FROM members",
        "SELECT key, value FROM meta",
        "SELECT id, claim_number, application_sealed, bank_account_sealed, email_sealed, phone_sealed FROM claims",
        "SELECT kind, payload_sealed FROM outbox",
    ];
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        for q in queries {
            for r in sqlx::query(q).fetch_all(&mut c).await.unwrap() {
                for i in 0..r.len() {
                    let v: Option<Vec<u8>> = r
                        .try_get(i)
                        .or_else(|_| r.try_get::<Option<String>, _>(i).map(|s| s.map(String::into_bytes)))
                        .unwrap();
                    out.push_str(&String::from_utf8_lossy(&v.unwrap_or_default()));
                    out.push('|');
                }
            }
        }
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        for q in queries {
            for r in sqlx::query(q).fetch_all(&mut c).await.unwrap() {
                for i in 0..r.len() {
                    let v: Option<Vec<u8>> = r.try_get(i).unwrap();
                    out.push_str(&String::from_utf8_lossy(&v.unwrap_or_default()));
                    out.push('|');
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn claim_lifecycle_is_stored_event_by_event() {
    let t = seeded().await;
    t.store.create_claim(&new_claim("c-1"), None).await.unwrap();
    let mut lc = Lifecycle::default();
    let steps = [
        (Action::Submit, Actor::new(Role::Participant, "p"), None),
        (Action::Schedule, Actor::system(), None),
        (Action::Verify, Actor::new(Role::Officer, "staff-1"), None),
        (Action::Approve, Actor::new(Role::Supervisor, "staff-2"), None),
    ];
    for (action, actor, reason) in steps {
        let e = lc.apply(action, &actor, Timestamp::now(), reason).unwrap();
        t.store.record_claim_event("c-1", &e, None).await.unwrap();
    }
    let (stored, events) = t.store.claim_history("c-1").await.unwrap();
    assert_eq!(stored, lc);
    assert_eq!(stored.state, ClaimState::Approved);
    assert_eq!(events.len(), 4);
    assert_eq!(events[2].actor.id, "staff-1");
    assert!(matches!(t.store.claim_history("nope").await, Err(StorageError::NotFound)));
}

#[tokio::test]
async fn stale_or_illegal_events_are_refused() {
    let t = seeded().await;
    t.store.create_claim(&new_claim("c-2"), None).await.unwrap();
    let lc = Lifecycle::default();
    let submit = lc.check(Action::Submit, &Actor::new(Role::Participant, "p"), Timestamp::now(), None).unwrap();
    t.store.record_claim_event("c-2", &submit, None).await.unwrap();
    // The same event again: the claim has moved on.
    assert!(matches!(t.store.record_claim_event("c-2", &submit, None).await, Err(StorageError::Conflict(_))));
    // Verifying a claim that was never scheduled.
    let verified = Lifecycle { state: ClaimState::Scheduled, verified_by: None }
        .check(Action::Verify, &Actor::new(Role::Officer, "o"), Timestamp::now(), None)
        .unwrap();
    assert!(matches!(t.store.record_claim_event("c-2", &verified, None).await, Err(StorageError::Conflict(_))));
    let (lc, events) = t.store.claim_history("c-2").await.unwrap();
    assert_eq!((lc.state, events.len()), (ClaimState::Submitted, 1));
}

#[tokio::test]
async fn at_most_one_open_claim_per_kpj() {
    let t = seeded().await;
    let kpj = Kpj::parse("12345678901").unwrap();
    // The open claim as the participant's pages and the collective channel see it.
    let open = async || {
        let claim = t.store.open_claim(&kpj).await.unwrap().map(|c| c.id);
        let flags: Vec<bool> = t
            .store
            .members_with_open_claims(std::slice::from_ref(&kpj))
            .await
            .unwrap()
            .into_iter()
            .map(|(_, o)| o)
            .collect();
        (claim, flags)
    };
    assert_eq!(open().await, (None, vec![false]));
    t.store.create_claim(&new_claim("c-3"), None).await.unwrap();
    assert_eq!(open().await, (Some("c-3".to_string()), vec![true]));
    assert!(matches!(t.store.create_claim(&new_claim("c-4"), None).await, Err(StorageError::Conflict(_))));
    let cancel = Lifecycle::default()
        .check(Action::Cancel, &Actor::new(Role::Participant, "p"), Timestamp::now(), None)
        .unwrap();
    t.store.record_claim_event("c-3", &cancel, None).await.unwrap();
    assert_eq!(open().await, (None, vec![false]));
    t.store.create_claim(&new_claim("c-4"), None).await.unwrap();
    assert_eq!(open().await, (Some("c-4".to_string()), vec![true]));
}

#[tokio::test]
async fn outbox_messages_are_written_with_the_event_once_and_leased_to_one_worker() {
    let t = seeded().await;
    t.store.create_claim(&new_claim("c-5"), None).await.unwrap();
    let submit = Lifecycle::default()
        .check(Action::Submit, &Actor::new(Role::Participant, "p"), Timestamp::now(), None)
        .unwrap();
    let msg = OutboxMessage {
        dedupe_key: "submitted:c-5".into(),
        kind: "email".into(),
        payload: "{\"to\":\"siti.aminah@example.id\"}".into(),
        ..Default::default()
    };
    t.store.record_claim_event("c-5", &submit, Some(&msg)).await.unwrap();

    let now = Timestamp::now();
    let leased = t.store.lease_outbox(now, 60_000_000, 10).await.unwrap();
    assert_eq!(leased.len(), 1);
    assert_eq!(leased[0].payload, msg.payload);
    assert_eq!(leased[0].attempts, 1);
    // Leased: a second worker gets nothing.
    assert!(t.store.lease_outbox(now, 60_000_000, 10).await.unwrap().is_empty());
    t.store.outbox_failed(leased[0].id, "smtp down", now).await.unwrap();
    let retried = t.store.lease_outbox(now, 60_000_000, 10).await.unwrap();
    assert_eq!(retried[0].attempts, 2);
    t.store.outbox_delivered(retried[0].id, now).await.unwrap();
    assert!(t.store.lease_outbox(now + jiff::SignedDuration::from_hours(1), 60_000_000, 10).await.unwrap().is_empty());
}

/// An officer's look at a member's record, by officer `i`.
fn audit_entry(i: i64) -> AuditEntry {
    AuditEntry {
        at: Timestamp::now(),
        actor_role: "officer".into(),
        actor_id: format!("staff-{i}"),
        action: "view_member".into(),
        subject: "kpj:12345678901".into(),
        detail: "verification".into(),
    }
}

#[tokio::test]
async fn audit_trail_is_hash_chained_and_append_only() {
    let t = test_store().await;
    for i in 0..5 {
        assert_eq!(t.store.append_audit(&audit_entry(i)).await.unwrap(), i + 1);
    }
    assert!(matches!(
        t.store.verify_audit_chain(AuditMark::START).await.unwrap(),
        AuditCheck::Intact { entries: 5, .. }
    ));
    let tamper = if t.url.starts_with("postgres") {
        let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&t.url).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor_id = 'x' WHERE seq = 2").execute(&mut c).await.map(|_| ())
    } else {
        let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&t.url).await.unwrap();
        sqlx::query("UPDATE audit_log SET actor_id = 'x' WHERE seq = 2").execute(&mut c).await.map(|_| ())
    };
    assert!(tamper.is_err(), "the audit log refuses updates");
}

/// The auditor's search: a person's or an object's entries by exact match (through their
/// indexes, the whole trail), words in the newest entries, newest first, each entry once.
#[tokio::test]
async fn the_audit_search_finds_a_person_an_object_or_a_word() {
    let t = test_store().await;
    let entries = [
        ("staff-a", "view.claim", "claim-1"),
        ("staff-b", "view.document", "claim-2"),
        ("staff-a", "staff.create", "staff-b"),
        ("staff-c", "audit.search", "audit"),
    ];
    for (actor, action, subject) in entries {
        let e = AuditEntry { actor_id: actor.into(), action: action.into(), subject: subject.into(), ..audit_entry(0) };
        t.store.append_audit(&e).await.unwrap();
    }
    let found = |query: &'static str, limit: i64| {
        let store = t.store.clone();
        async move {
            let rows = store.search_audit(query, limit).await.unwrap();
            rows.into_iter().map(|e| format!("{} {} {}", e.actor_id, e.action, e.subject)).collect::<Vec<_>>()
        }
    };
    assert_eq!(found("staff-a", 200).await, ["staff-a staff.create staff-b", "staff-a view.claim claim-1"]);
    assert_eq!(found(" staff-b ", 200).await, ["staff-a staff.create staff-b", "staff-b view.document claim-2"]);
    assert_eq!(found("view", 200).await, ["staff-b view.document claim-2", "staff-a view.claim claim-1"]);
    assert_eq!(found("", 2).await, ["staff-c audit.search audit", "staff-a staff.create staff-b"]);
    assert_eq!(found("claim_%", 200).await.len(), 2, "wildcards are plain text, dropped");
    assert!(found("nobody", 200).await.is_empty());
}

/// The auditor's page checks the chain from the last point found intact, so it reads only
/// what is new; the daily check reads all of it. Shown by changing entries behind the
/// append-only triggers' back: one before the point (only the whole check sees it) and the
/// point itself (the next look sees it).
#[tokio::test]
async fn the_audit_check_reads_what_is_new_and_the_daily_check_all() {
    use lapak_storage::audit::{check, Found};
    let t = test_store().await;
    let append = |i: i64| {
        let store = t.store.clone();
        async move { store.append_audit(&audit_entry(i)).await.unwrap() }
    };
    for i in 1..=3 {
        append(i).await;
    }
    let status = check(t.store.as_ref(), false, Timestamp::now()).await.unwrap();
    assert!(matches!(status.check, AuditCheck::Intact { entries: 3, .. }), "{status:?}");
    assert_eq!(status.last_full, None);
    for i in 4..=5 {
        append(i).await;
    }
    let status = check(t.store.as_ref(), false, Timestamp::now()).await.unwrap();
    let AuditCheck::Intact { entries: 5, head } = status.check else { panic!("{status:?}") };
    assert_eq!(head.seq, 5);

    let change = |statement: &'static str| {
        let url = t.url.clone();
        async move {
            if url.starts_with("postgres") {
                let mut c = <sqlx::PgConnection as sqlx::Connection>::connect(&url).await.unwrap();
                for s in ["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change", statement] {
                    sqlx::query(s).execute(&mut c).await.unwrap();
                }
            } else {
                let mut c = <sqlx::SqliteConnection as sqlx::Connection>::connect(&url).await.unwrap();
                for s in ["DROP TRIGGER IF EXISTS audit_log_no_update", statement] {
                    sqlx::query(s).execute(&mut c).await.unwrap();
                }
            }
        }
    };
    change("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 2").await;
    let status = check(t.store.as_ref(), false, Timestamp::now()).await.unwrap();
    assert!(matches!(status.check, AuditCheck::Intact { entries: 5, .. }), "before the point: not read again");
    let daily = Timestamp::now();
    let status = check(t.store.as_ref(), true, daily).await.unwrap();
    assert_eq!(status.check, AuditCheck::BrokenAt { seq: 2 });
    let last = status.last_full.unwrap();
    assert_eq!((last.at.as_microsecond(), last.found), (daily.as_microsecond(), Found::BrokenAt { seq: 2 }));

    append(6).await;
    change("UPDATE audit_log SET hash = prev_hash WHERE seq = 5").await;
    let status = check(t.store.as_ref(), false, Timestamp::now()).await.unwrap();
    assert_eq!(status.check, AuditCheck::BrokenAt { seq: 5 }, "the point itself changed");
    assert_eq!(status.last_full.unwrap().found, Found::BrokenAt { seq: 2 }, "the daily check's finding stays shown");
}

#[tokio::test]
async fn meta_and_migrations_are_idempotent() {
    let t = test_store().await;
    assert_eq!(t.store.meta_get("demo_seed").await.unwrap(), None);
    t.store.meta_set("demo_seed", "1").await.unwrap();
    t.store.meta_set("demo_seed", "2").await.unwrap();
    assert_eq!(t.store.meta_get("demo_seed").await.unwrap().as_deref(), Some("2"));
    t.store.migrate().await.unwrap();
    t.store.ping().await.unwrap();
}

#[tokio::test]
async fn branches_read_back_whole() {
    let t = test_store().await;
    t.store.upsert_branches(&[branch("KC002"), branch("KC001")]).await.unwrap();
    let all = t.store.branches().await.unwrap();
    assert_eq!(all, vec![branch("KC001"), branch("KC002")]);
    assert_eq!(t.store.branch_codes().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_draft_keeps_its_answers_sealed_and_is_found_by_its_resume_link() {
    let t = seeded().await;
    t.store.create_claim(&new_claim("c-6"), None).await.unwrap();
    let application = Application {
        cause: Some(ClaimCause::Layoff),
        last_working_day: Some(date(2026, 9, 30)),
        bank_account: Some(lapak_domain::BankAccount::parse("014", "9876543210").unwrap()),
        email: Some(lapak_domain::Email::parse("siti.aminah@example.id").unwrap()),
        ..Default::default()
    };
    t.store.save_application("c-6", &application).await.unwrap();
    let found = t.store.draft_by_resume_token(b"c-6").await.unwrap().unwrap();
    assert_eq!(found.claim.application, application);
    assert_eq!(found.member.kpj.as_str(), "12345678901");
    assert!(found.documents.is_empty());
    t.store.add_document(&document("c-6", "d-2", DocumentKind::Ektp)).await.unwrap();
    t.store.add_document(&document("c-6", "d-1", DocumentKind::FamilyCard)).await.unwrap();
    let found = t.store.draft_by_resume_token(b"c-6").await.unwrap().unwrap();
    let ids: Vec<_> = found.documents.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, ["d-2", "d-1"], "in upload order");
    assert_eq!(found.documents[1].kind, DocumentKind::FamilyCard);
    assert_eq!(found.documents[1].object_key, "claims/c-6/d-1");
    assert_eq!(t.store.open_claim(&Kpj::parse("12345678901").unwrap()).await.unwrap().unwrap().id, "c-6");
    assert!(!t.store.add_resume_link("c-6", b"new-token", None, None).await.unwrap(), "no message, none went");
    for token in [&b"c-6"[..], b"new-token"] {
        assert_eq!(t.store.draft_by_resume_token(token).await.unwrap().unwrap().claim.id, "c-6");
    }
    let dump = sqlx_dump(&t.url).await;
    assert!(!dump.contains("9876543210"));
    assert!(!dump.contains("siti.aminah"));
}

/// An e-mail in the outbox, its dedupe key `key` (and its payload naming it).
fn email(key: &str) -> OutboxMessage {
    OutboxMessage {
        dedupe_key: key.into(),
        kind: "email".into(),
        payload: format!("{{\"to\":\"{key}@example.id\"}}"),
        ..Default::default()
    }
}

/// A draft keeps its newest links and the one last e-mailed, all working; a visit within
/// the quiet period gets a link without an e-mail.
#[tokio::test]
async fn a_draft_keeps_several_resume_links_and_e_mails_one_an_hour() {
    let t = seeded().await;
    let opens = |token: &'static str| {
        let store = t.store.clone();
        async move { store.draft_by_resume_token(token.as_bytes()).await.unwrap().is_some() }
    };
    let hour_ago = || Timestamp::now() - jiff::SignedDuration::from_hours(1);
    t.store.create_claim(&new_claim("mailed"), Some(&email("mailed"))).await.unwrap();
    let again = t.store.add_resume_link("mailed", b"phone", Some(&email("phone")), Some(hour_ago())).await.unwrap();
    assert!(!again, "e-mailed a moment ago: the phone's link goes to the phone alone");
    assert!(opens("mailed").await && opens("phone").await);
    let sent: Vec<String> =
        t.store.lease_outbox(Timestamp::now(), 60_000_000, 10).await.unwrap().into_iter().map(|m| m.payload).collect();
    assert_eq!(sent, [email("mailed").payload]);

    // Six visits more: the five newest stay, and the e-mailed one, not the phone's.
    let visits = ["v1", "v2", "v3", "v4", "v5", "v6"];
    for v in visits {
        let emailed = t.store.add_resume_link("mailed", v.as_bytes(), Some(&email(v)), Some(hour_ago())).await.unwrap();
        assert!(!emailed, "{v}");
    }
    assert!(opens("mailed").await, "the link in the last e-mail still works");
    assert!(!opens("phone").await && !opens("v1").await);
    for v in &visits[1..] {
        assert!(opens(v).await, "{v}");
    }

    // An officer's request e-mails at once; that link is now the one kept.
    assert!(t.store.add_resume_link("mailed", b"asked", Some(&email("asked")), None).await.unwrap());
    assert!(opens("asked").await && !opens("mailed").await && !opens("v2").await);
    // Once the quiet period has passed, a visit e-mails again.
    assert!(t.store.add_resume_link("mailed", b"later", Some(&email("later")), Some(Timestamp::now())).await.unwrap());
    let sent: Vec<String> =
        t.store.lease_outbox(Timestamp::now(), 60_000_000, 10).await.unwrap().into_iter().map(|m| m.payload).collect();
    assert_eq!(sent, [email("asked").payload, email("later").payload]);

    let missing = t.store.add_resume_link("no-such-claim", b"x", Some(&email("x")), None).await;
    assert!(matches!(missing, Err(StorageError::NotFound)), "{missing:?}");
}

fn document(claim: &str, id: &str, kind: DocumentKind) -> DocumentMeta {
    DocumentMeta {
        id: id.into(),
        claim_id: claim.into(),
        kind,
        object_key: format!("claims/{claim}/{id}"),
        content_type: "application/pdf".into(),
        size_bytes: 1234,
        sha256: vec![7; 32],
        created_at: Timestamp::now(),
    }
}

#[tokio::test]
async fn documents_can_be_replaced_until_submission_then_the_claim_is_frozen() {
    let t = seeded().await;
    t.store.create_claim(&new_claim("c-7"), None).await.unwrap();
    t.store.add_document(&document("c-7", "d1", DocumentKind::Ektp)).await.unwrap();
    t.store.add_document(&document("c-7", "d2", DocumentKind::KpjCard)).await.unwrap();
    // The same file sent again for the same document: the page kept is the first.
    let mut again = document("c-7", "d3", DocumentKind::Ektp);
    assert_eq!(t.store.add_document(&again).await.unwrap().id, "d1");
    again.sha256 = vec![8; 32];
    assert_eq!(t.store.add_document(&again).await.unwrap().id, "d3", "another page of it");
    let removed = t.store.remove_document("c-7", "d1").await.unwrap().unwrap();
    assert_eq!(removed.kind, DocumentKind::Ektp);
    let left: Vec<String> = t.store.documents("c-7").await.unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(left, vec!["d2".to_string(), "d3".to_string()]);

    let submit = Lifecycle::default()
        .check(Action::Submit, &Actor::new(Role::Participant, "p"), Timestamp::now(), None)
        .unwrap();
    let number = ClaimNumber::from_random(12345);
    let s = Submission {
        claim_id: "c-7".into(),
        version: 0,
        application: Application::default(),
        number: number.clone(),
        event: submit,
        benefit: lapak_domain::tax::benefit(ClaimCause::Layoff, Rupiah::new(60_000_000).unwrap()),
        outbox: None,
        idempotency: Some(("key-1".into(), vec![1, 2, 3])),
        lang: "en".into(),
    };
    assert_eq!(t.store.claim("c-7").await.unwrap().unwrap().lang, "id", "Bahasa Indonesia until submitted");
    t.store.submit_claim(&s).await.unwrap();
    let claim = t.store.claim_by_number(&number).await.unwrap().unwrap();
    assert_eq!(claim.lifecycle.state, ClaimState::Submitted);
    assert_eq!(claim.lang, "en", "the language of the submission is kept");
    assert!(claim.submitted_at.is_some());
    assert_eq!(t.store.idempotent_submission("key-1").await.unwrap(), Some((vec![1, 2, 3], "c-7".to_string())));
    assert!(matches!(
        t.store.add_document(&document("c-7", "d4", DocumentKind::Photo)).await,
        Err(StorageError::Conflict(_))
    ));
    assert!(
        matches!(
            t.store.add_document(&document("c-7", "d5", DocumentKind::KpjCard)).await,
            Err(StorageError::Conflict(_))
        ),
        "a page it has already is no way past the freeze"
    );
    assert!(t.store.remove_document("c-7", "d2").await.unwrap().is_none());
    assert!(matches!(t.store.save_application("c-7", &Application::default()).await, Err(StorageError::Conflict(_))));
    // Submitting again is refused: the claim moved on.
    assert!(matches!(t.store.submit_claim(&s).await, Err(StorageError::Conflict(_))));
}

/// On PostgreSQL in both passes of the suite (a server that can end sessions): the server
/// ends every session of the store, as a restart or a dropped network does; the store's
/// next reads, draft steps and durable writes all succeed, each set of connections
/// replacing its dead ones instead of failing a request per connection.
#[tokio::test]
async fn sessions_the_server_ended_cost_no_request() {
    let Some((store, database, mut conn)) = postgres_store("sessions_the_server_ended_cost_no_request").await else {
        return;
    };

    // Several connections in each set: reads, draft steps, durable writes.
    let store = &store;
    store.meta_set("k", "1").await.unwrap();
    let reads = (0..4).map(|_| async move { store.meta_get("k").await });
    let drafts = (0..3).map(|_| async move { store.save_application("no-such-claim", &Application::default()).await });
    let writes = (0..3).map(|i| async move { store.meta_set(&format!("w{i}"), "1").await });
    let (reads, drafts, writes) = tokio::join!(join_all(reads), join_all(drafts), join_all(writes));
    assert!(reads.iter().all(|r| r.as_ref().unwrap().as_deref() == Some("1")));
    assert!(drafts.iter().all(|r| matches!(r, Err(StorageError::Conflict(_)))), "the statement ran: {drafts:?}");
    assert!(writes.iter().all(Result::is_ok));
    let before = sessions(&mut conn, &database).await;
    assert!(before >= 3, "the store holds connections: {before}");

    end_sessions(&mut conn, &database).await;

    // Straight away, before any idle connection is old enough to be tested for its age.
    assert_eq!(store.meta_get("k").await.unwrap().as_deref(), Some("1"), "a read");
    assert!(matches!(
        store.save_application("no-such-claim", &Application::default()).await,
        Err(StorageError::Conflict(_))
    ));
    store.meta_set("k", "2").await.unwrap();
    let reads = join_all((0..4).map(|_| async move { store.meta_get("k").await })).await;
    assert!(reads.iter().all(|r| r.as_ref().unwrap().as_deref() == Some("2")), "{reads:?}");
    let writes = join_all((0..3).map(|i| async move { store.meta_set(&format!("w{i}"), "2").await })).await;
    assert!(writes.iter().all(Result::is_ok), "{writes:?}");
}

/// Tracking lookups (on PostgreSQL sent together while one is at the server) after the
/// server ended every session: each is answered, none fails.
#[tokio::test]
async fn tracking_after_the_server_ended_its_sessions() {
    let Some((store, database, mut conn)) = postgres_store("tracking_after_the_server_ended_its_sessions").await else {
        return;
    };
    let number = lapak_domain::claim_number::ClaimNumber::from_random(0x0123_4567_89ab);
    let (store, number) = (&store, &number);
    let lookups = || join_all((0..20).map(|_| async move { store.tracking(number).await }));
    assert!(lookups().await.iter().all(|r| matches!(r, Ok(None))));
    end_sessions(&mut conn, &database).await;
    let after = lookups().await;
    assert!(after.iter().all(|r| matches!(r, Ok(None))), "{after:?}");
}

/// A store on a fresh database of the suite's PostgreSQL server (see `postgres_server`),
/// the database's name, and a connection of the server's administrator.
async fn postgres_store(test: &str) -> Option<(std::sync::Arc<dyn lapak_storage::Store>, String, sqlx::PgConnection)> {
    let admin = postgres_server(test)?;
    let url = fresh_postgres_database(&admin).await;
    let store = lapak_storage::open(&url, std::sync::Arc::new(lapak_storage::KeyRing::generate())).await.unwrap();
    let database = url.rsplit('/').next().unwrap().split('?').next().unwrap().to_string();
    let conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin).await.unwrap();
    Some((store, database, conn))
}

/// How many sessions the server has open on `database`.
async fn sessions(conn: &mut sqlx::PgConnection, database: &str) -> i64 {
    let count = sqlx::query_scalar("SELECT count(*) FROM pg_stat_activity WHERE datname = $1").bind(database);
    count.fetch_one(conn).await.unwrap()
}

/// The server ends every session on `database`, as a restart or a dropped network does,
/// and they are gone.
async fn end_sessions(conn: &mut sqlx::PgConnection, database: &str) {
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
        .bind(database)
        .execute(&mut *conn)
        .await
        .unwrap();
    for _ in 0..200 {
        if sessions(conn, database).await == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(sessions(conn, database).await, 0, "every session ended");
}

/// Retention: an untouched draft goes with its documents' records; a draft with a page
/// uploaded since, a newer draft and a submitted claim stay; so with a collective batch
/// never filed, by its last worker list. A delivered message keeps its
/// row (the same message is not written twice) without its contents, one still due keeps
/// both, and is erased on a later run once delivered. The API's old Idempotency-Keys, dead
/// staff sessions and past days' walk-in phone numbers go. A second run finds nothing.
#[tokio::test]
async fn a_purge_removes_what_is_past_its_time_and_nothing_else() {
    use lapak_storage::{NewClaim, NewStaff, Purged, Retention};
    let t = seeded().await;
    let kpjs = ["12345678902", "12345678903", "12345678904"];
    let members: Vec<_> = kpjs.iter().map(|k| member(NIK_SITI, k, date(1990, 5, 15), None)).collect();
    t.store.upsert_members(&members).await.unwrap();
    let draft = |id: &str, kpj: &str| NewClaim {
        id: id.into(),
        kpj: Kpj::parse(kpj).unwrap(),
        created_at: Timestamp::now(),
        resume_token_hash: id.as_bytes().to_vec(),
    };

    // Before the bound: an untouched draft with a page, a draft that gets a page after the
    // bound, a submitted claim (its Idempotency-Key), two messages, a staff session, and a
    // walk-in ticket of two days ago with a phone number.
    t.store.create_claim(&draft("old", "12345678902"), Some(&email("old-resume"))).await.unwrap();
    t.store.add_document(&document("old", "d-old", DocumentKind::Ektp)).await.unwrap();
    t.store.create_claim(&draft("paged", "12345678903"), Some(&email("paged-resume"))).await.unwrap();
    t.store.create_claim(&new_claim("filed"), None).await.unwrap();
    let submit = Lifecycle::default()
        .check(Action::Submit, &Actor::new(Role::Participant, "p"), Timestamp::now(), None)
        .unwrap();
    let filed = Submission {
        claim_id: "filed".into(),
        version: 0,
        application: Application::default(),
        number: ClaimNumber::from_random(777),
        event: submit,
        benefit: lapak_domain::tax::benefit(ClaimCause::Layoff, Rupiah::new(60_000_000).unwrap()),
        outbox: None,
        idempotency: Some(("key-old".into(), vec![1])),
        lang: "id".into(),
    };
    t.store.submit_claim(&filed).await.unwrap();
    let leased = t.store.lease_outbox(Timestamp::now(), 60_000_000, 10).await.unwrap();
    assert_eq!(leased.len(), 2);
    t.store.outbox_delivered(leased[0].id, Timestamp::now()).await.unwrap();
    t.store
        .create_staff(&NewStaff {
            id: "s-1".into(),
            username: "siti.petugas".into(),
            display_name: "Siti".into(),
            role: lapak_domain::staff::StaffRole::Officer,
            branch: Some("KC001".into()),
            password_hash: "x".into(),
        })
        .await
        .unwrap();
    t.store.create_staff_session(b"session", "s-1", "full", "csrf").await.unwrap();
    // Two collective batches never filed, each with a worker list; one gets another list later.
    let npp = lapak_domain::Npp::parse("15070955").unwrap();
    let list = |batch: &str| lapak_storage::BatchVersion {
        batch_id: batch.into(),
        version: 0,
        file_name: "pekerja.csv".into(),
        uploaded_at: Timestamp::now(),
        rows_total: 1,
        rows_valid: 1,
        problems: "[]".into(),
        workers: "[]".into(),
    };
    for batch in ["b-old", "b-busy"] {
        t.store.create_batch(batch, &npp, "s-1").await.unwrap();
        t.store.add_batch_version(&list(batch)).await.unwrap();
    }
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let past = today.yesterday().unwrap().yesterday().unwrap();
    t.store.take_ticket("KC001", past, b"ticket-past", Some("081234567890"), "id").await.unwrap();
    t.store.take_ticket("KC001", today, b"ticket-today", Some("081234567891"), "id").await.unwrap();

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    let bound = Timestamp::now();
    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    t.store.add_document(&document("paged", "d-paged", DocumentKind::Ektp)).await.unwrap();
    t.store.create_claim(&draft("fresh", "12345678904"), None).await.unwrap();
    t.store.add_batch_version(&list("b-busy")).await.unwrap();

    let retention = Retention {
        drafts_before: bound,
        batches_before: bound,
        messages_before: bound,
        idempotency_keys_before: bound,
        staff_sessions_before: bound,
        ticket_phones_before: today,
    };
    let purged = t.store.purge(&retention).await.unwrap();
    let expected = Purged {
        drafts: 1,
        documents: 1,
        batches: 1,
        messages: 1,
        idempotency_keys: 1,
        staff_sessions: 1,
        ticket_phones: 1,
        resume_links: 1,
    };
    assert_eq!(purged, expected);
    // The submitted claim's old link no longer opens its receipt; the drafts' links do.
    assert!(t.store.draft_by_resume_token(b"filed").await.unwrap().is_none());
    for id in ["paged", "fresh"] {
        assert!(t.store.draft_by_resume_token(id.as_bytes()).await.unwrap().is_some(), "{id}");
    }

    assert!(t.store.claim("old").await.unwrap().is_none());
    assert!(t.store.documents("old").await.unwrap().is_empty());
    assert!(t.store.draft_by_resume_token(b"old").await.unwrap().is_none());
    for id in ["paged", "fresh"] {
        assert_eq!(t.store.claim(id).await.unwrap().unwrap().lifecycle.state, ClaimState::Draft, "{id}");
    }
    assert_eq!(t.store.documents("paged").await.unwrap().len(), 1);
    assert_eq!(t.store.claim("filed").await.unwrap().unwrap().lifecycle.state, ClaimState::Submitted);
    assert_eq!(t.store.idempotent_submission("key-old").await.unwrap(), None);
    assert!(t.store.staff_session(b"session").await.unwrap().is_none());
    assert!(t.store.batch("b-old").await.unwrap().is_none());
    assert!(t.store.batch_versions("b-old").await.unwrap().is_empty());
    assert_eq!(t.store.batch_versions("b-busy").await.unwrap().len(), 2);
    // The KPJ whose draft went may start again.
    t.store.create_claim(&draft("again", "12345678902"), None).await.unwrap();

    // The delivered message, written again, is still known and does not go again; the one
    // still due goes with its contents.
    assert_eq!(leased[0].payload, email("old-resume").payload, "the first written");
    t.store.add_resume_link("fresh", b"fresh-2", Some(&email("old-resume")), None).await.unwrap();
    let later = Timestamp::now() + jiff::SignedDuration::from_hours(1);
    let due = t.store.lease_outbox(later, 60_000_000, 10).await.unwrap();
    assert_eq!(due.len(), 1, "{due:?}");
    assert_eq!(due[0].id, leased[1].id);
    assert_eq!(due[0].payload, leased[1].payload);

    // Walk-ins: only today's ticket can still be called by phone.
    let called = std::sync::Mutex::new(Vec::new());
    let text = |number: i64, phone: String, _: &str| {
        called.lock().unwrap().push(phone);
        OutboxMessage { dedupe_key: format!("call-{number}"), kind: "text".into(), ..Default::default() }
    };
    t.store.call_tickets("KC001", past, 1, &text).await.unwrap();
    t.store.call_tickets("KC001", today, 1, &text).await.unwrap();
    assert_eq!(*called.lock().unwrap(), vec!["081234567891".to_string()]);

    assert_eq!(t.store.purge(&retention).await.unwrap(), Purged::default(), "nothing more");
    t.store.outbox_delivered(due[0].id, Timestamp::now()).await.unwrap();
    let next = Retention { messages_before: Timestamp::now() + jiff::SignedDuration::from_secs(1), ..retention };
    assert_eq!(t.store.purge(&next).await.unwrap().messages, 1, "the walk came back for the one left");
}

/// Failed guesses are counted per thing guessed at and per window, in one count however
/// many callers add at once (each gets its own number back), identity and tracking apart;
/// a new window starts from one, a caller whose clock is behind adds to the newer window;
/// ended windows' counts are forgotten.
#[tokio::test]
async fn failed_guesses_are_counted_per_key_and_window_exactly() {
    let t = seeded().await;
    let number = ClaimNumber::from_random(4242);
    let nik = Nik::parse(NIK_SITI).unwrap();
    let now = Timestamp::now();
    let counts = join_all((0..20).map(|_| t.store.add_failed_guess(Guess::Tracking(&number), now))).await;
    let mut counts: Vec<u32> = counts.into_iter().map(Result::unwrap).collect();
    counts.sort_unstable();
    assert_eq!(counts, (1..=20).collect::<Vec<u32>>(), "each caller counted once");
    assert_eq!(t.store.failed_guesses(Guess::Tracking(&number), now).await.unwrap(), 20);
    assert_eq!(t.store.failed_guesses(Guess::Identity(&nik), now).await.unwrap(), 0, "another kind, another count");
    assert_eq!(t.store.add_failed_guess(Guess::Identity(&nik), now).await.unwrap(), 1);

    let window = jiff::SignedDuration::try_from(lapak_storage::GUESS_WINDOW).unwrap();
    let later = now + window;
    assert_eq!(t.store.failed_guesses(Guess::Tracking(&number), later).await.unwrap(), 0, "a new window");
    assert_eq!(t.store.add_failed_guess(Guess::Tracking(&number), later).await.unwrap(), 1);
    assert_eq!(
        t.store.add_failed_guess(Guess::Tracking(&number), now).await.unwrap(),
        2,
        "a clock behind adds to the newer window"
    );

    // An ended window's count is forgotten; this window's and later ones' are kept.
    let old = ClaimNumber::from_random(4244);
    let long_ago = now - jiff::SignedDuration::from_mins(5);
    t.store.add_failed_guess(Guess::Tracking(&old), long_ago).await.unwrap();
    assert_eq!(t.store.failed_guesses(Guess::Tracking(&old), long_ago).await.unwrap(), 1);
    assert_eq!(t.store.forget_guesses(now - window).await.unwrap(), 1);
    assert_eq!(t.store.failed_guesses(Guess::Tracking(&old), long_ago).await.unwrap(), 0, "forgotten");
    assert_eq!(t.store.failed_guesses(Guess::Tracking(&number), later).await.unwrap(), 2, "kept");
    assert_eq!(t.store.failed_guesses(Guess::Identity(&nik), now).await.unwrap(), 1, "kept");
}
