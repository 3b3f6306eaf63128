//! The claim journey through the service layer, on a real store and document folder.

use jiff::ToSpan;
use lapak_claims::*;
use lapak_domain::documents::{required_documents, DocumentKind};
use lapak_domain::eligibility::Decision;
use lapak_domain::lifecycle::ClaimState;
use lapak_storage::DocumentStore;
use std::net::IpAddr;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n";

fn client(n: u8) -> IpAddr {
    IpAddr::from([127, 0, 0, n])
}

async fn service() -> (ClaimService, lapak_tests::TestStore) {
    let t = lapak_tests::seeded().await;
    let docs = DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    (ClaimService::new(t.store.clone(), docs, 6 * 1024 * 1024), t)
}

fn siti() -> IdentityInput {
    IdentityInput {
        nik: lapak_tests::NIK_SITI.into(),
        kpj: "12345678901".into(),
        full_name: "siti  AMINAH".into(),
        birth_date: "15/05/1990".into(),
    }
}

fn payment() -> PaymentInput {
    PaymentInput {
        bank_code: "014".into(),
        account_number: "1234567890".into(),
        account_holder: "Siti Aminah".into(),
        email: "siti.aminah@example.id".into(),
        whatsapp: "0812 3456 7890".into(),
        npwp: String::new(),
        branch: "KC001".into(),
        service: String::new(),
    }
}

#[tokio::test]
async fn a_mismatch_never_says_which_part_was_wrong() {
    let (s, _t) = service().await;
    for wrong in [
        IdentityInput { kpj: "12345678999".into(), ..siti() },
        IdentityInput { full_name: "Siti Rahma".into(), ..siti() },
        IdentityInput { birth_date: "1990-05-16".into(), ..siti() },
        IdentityInput { nik: "3273011505900001".into(), birth_date: "1990-05-15".into(), ..siti() },
    ] {
        assert!(matches!(s.start(&wrong, client(1), "id").await, Err(ClaimError::IdentityMismatch)));
    }
}

#[tokio::test]
async fn malformed_identity_is_explained_field_by_field() {
    let (s, _t) = service().await;
    let bad = IdentityInput {
        nik: "12345".into(),
        kpj: "".into(),
        full_name: "a".repeat(10_000),
        birth_date: "31/02/1990".into(),
    };
    let Err(ClaimError::Fields(errors)) = s.start(&bad, client(1), "id").await else { panic!("field errors expected") };
    let got: Vec<(&str, &str)> = errors.iter().map(|e| (e.field, e.code)).collect();
    assert_eq!(
        got,
        vec![("nik", "nik-length"), ("kpj", "required"), ("full_name", "name-too-long"), ("birth_date", "date-format")]
    );
}

#[tokio::test]
async fn identity_attempts_are_rate_limited_per_person() {
    let (s, _t) = service().await;
    let wrong = IdentityInput { kpj: "12345678999".into(), ..siti() };
    for i in 0..5 {
        assert!(matches!(s.start(&wrong, client(i), "id").await, Err(ClaimError::IdentityMismatch)));
    }
    assert!(matches!(s.start(&siti(), client(99), "id").await, Err(ClaimError::RateLimited)));
}

#[tokio::test]
async fn the_whole_journey_gives_one_claim_number_and_tracks_it() {
    let (s, t) = service().await;
    let started = s.start(&siti(), client(1), "id").await.unwrap();
    // Starting again reopens the same draft with a new link; the first still works.
    let again = s.start(&siti(), client(1), "id").await.unwrap();
    assert_eq!(
        (&again.claim_id, &s.resume(&started.resume_token).await.unwrap().claim.id),
        (&started.claim_id, &started.claim_id)
    );
    assert_ne!(again.resume_token, started.resume_token);
    assert!(matches!(s.resume("no-such-link").await, Err(ClaimError::NotFound)));
    let draft = s.resume(&again.resume_token).await.unwrap();

    let decision = s.save_cause(&draft, "layoff", "2026-09-30").await.unwrap();
    assert!(matches!(decision, Decision::Eligible { .. }));
    let draft = s.resume(&again.resume_token).await.unwrap();

    let bad = PaymentInput {
        account_number: "12345".into(),
        account_holder: "Orang Lain".into(),
        email: "bukan-email".into(),
        whatsapp: "0215551234".into(),
        branch: "KC999".into(),
        service: "teleport".into(),
        ..payment()
    };
    let Err(ClaimError::Fields(errors)) = s.save_payment(&draft, &bad).await else { panic!() };
    let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
    assert_eq!(fields, vec!["account_number", "account_holder", "email", "whatsapp", "branch", "service"]);
    // One to Many only where the branch offers it (KC001 has no capacity set here).
    let otm = PaymentInput { service: "one_to_many".into(), ..payment() };
    let Err(ClaimError::Fields(errors)) = s.save_payment(&draft, &otm).await else { panic!() };
    assert_eq!((errors[0].field, errors[0].code), ("service", "service-not-offered"));
    s.save_payment(&draft, &payment()).await.unwrap();
    let draft = s.resume(&again.resume_token).await.unwrap();

    // A page named .jpg that is HTML, an empty file: refused, nothing stored.
    assert_eq!(s.upload(&draft, "ektp", b"<html><script>x</script>").await.unwrap_err().code(), "invalid");
    assert!(matches!(s.upload(&draft, "ektp", b"").await, Err(ClaimError::Fields(e)) if e[0].code == "file-empty"));
    assert!(
        matches!(s.upload(&draft, "housing_documents", PDF).await, Err(ClaimError::Fields(e)) if e[0].code == "document-kind")
    );
    // Submitting before the documents are there says what is missing.
    let Err(ClaimError::Incomplete(missing)) = s.submit(&draft, "id", None).await else { panic!() };
    assert!(missing.documents.contains(&DocumentKind::Ektp));

    let first = s.upload(&draft, "ektp", PDF).await.unwrap();
    s.remove_document(&draft, &first.id).await.unwrap();
    for (kind, _) in required_documents(lapak_domain::cause::ClaimCause::Layoff) {
        if *kind != DocumentKind::Npwp {
            s.upload(&draft, kind.code(), PDF).await.unwrap();
        }
    }
    let draft = s.resume(&again.resume_token).await.unwrap();
    assert!(draft.missing().is_none(), "{:?}", draft.missing());
    let number = s.submit(&draft, "id", None).await.unwrap();
    // A double click: the stale page submits again and gets the same number.
    assert_eq!(s.submit(&draft, "id", None).await.unwrap(), number);
    assert_eq!(t.store.counts().await.unwrap().claims, 1);

    let tracking = s.track(&number.to_string(), "1990-05-15", client(2)).await.unwrap();
    assert_eq!(tracking.state, ClaimState::Submitted);
    assert_eq!(tracking.events.len(), 1);
    assert_eq!(tracking.time_zone, "Asia/Jakarta");
    assert!(matches!(s.track(&number.to_string(), "1990-05-16", client(2)).await, Err(ClaimError::NotFound)));
    let mut typo = number.as_str().to_string();
    typo.replace_range(0..1, if typo.starts_with('A') { "B" } else { "A" });
    assert!(
        matches!(s.track(&typo, "1990-05-15", client(2)).await, Err(ClaimError::Fields(e)) if e[0].code == "claim-number-typo")
    );

    // The resume e-mail (once: the second start came within the hour) and the receipt
    // e-mail are in the outbox.
    let leased = t.store.lease_outbox(jiff::Timestamp::now(), 60_000_000, 10).await.unwrap();
    let templates: Vec<String> =
        leased.iter().map(|i| serde_json::from_str::<EmailMessage>(&i.payload).unwrap().template).collect();
    assert_eq!(templates, vec!["resume", "submitted"]);
}

#[tokio::test]
async fn a_recent_layoff_is_told_from_which_date_and_can_still_be_prepared() {
    let (s, _t) = service().await;
    let started = s.start(&siti(), client(1), "id").await.unwrap();
    let draft = s.resume(&started.resume_token).await.unwrap();
    let lwd = today().saturating_sub(5.days());
    let decision = s.save_cause(&draft, "layoff", &lwd.to_string()).await.unwrap();
    match decision {
        Decision::NotYet { from, .. } => assert_eq!(from, lwd.saturating_add(1.month())),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn idempotency_key_with_another_body_is_refused() {
    let (s, _t) = service().await;
    let started = s.start(&siti(), client(1), "en").await.unwrap();
    let draft = s.resume(&started.resume_token).await.unwrap();
    s.save_cause(&draft, "resignation", "2026-09-30").await.unwrap();
    let draft = s.resume(&started.resume_token).await.unwrap();
    s.save_payment(&draft, &payment()).await.unwrap();
    for (kind, _) in required_documents(lapak_domain::cause::ClaimCause::Resignation) {
        if *kind != DocumentKind::Npwp {
            s.upload(&draft, kind.code(), PDF).await.unwrap();
        }
    }
    let draft = s.resume(&started.resume_token).await.unwrap();
    let n1 = s.submit(&draft, "en", Some(("key-1", b"{\"a\":1}"))).await.unwrap();
    let draft = s.resume(&started.resume_token).await.unwrap();
    assert_eq!(s.submit(&draft, "en", Some(("key-1", b"{\"a\":1}"))).await.unwrap(), n1);
    assert!(matches!(
        s.submit(&draft, "en", Some(("key-1", b"{\"a\":2}"))).await,
        Err(ClaimError::IdempotencyMismatch)
    ));
}
