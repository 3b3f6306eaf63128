//! Staff sign-in over HTTP: password, second factor enrolled by QR code, recovery codes,
//! single-use codes, CSRF, lockout, renewed and ended sessions.

use lapak_domain::staff::StaffRole;
use lapak_tests::web::{cookie, field, Client};
use lapak_tests::*;
use reqwest::header::{COOKIE, LOCATION};

const PASSWORD: &str = "kuda laut biru tujuh";

#[tokio::test]
async fn an_officer_signs_in_with_a_second_factor_enrolled_at_the_first_sign_in() {
    let t = seeded().await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("siti.petugas", "Siti Petugas", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;

    // A wrong password and an unknown user get the same answer.
    let wrong = c.password("siti.petugas", "bukan kata sandinya").await;
    assert_eq!(wrong.status(), 401);
    let unknown = c.password("tidak.ada", PASSWORD).await;
    assert_eq!(unknown.status(), 401);
    assert_eq!(
        wrong.text().await.unwrap().contains("tidak sesuai"),
        unknown.text().await.unwrap().contains("tidak sesuai")
    );

    // No CSRF token, no sign-in.
    let forged = c.post("/staf/masuk", "", &[("username", "siti.petugas"), ("password", PASSWORD)]).await;
    assert_eq!(forged.status(), 403);

    let ok = c.password("siti.petugas", PASSWORD).await;
    assert_eq!(ok.status(), 303);
    let (half, attrs) = cookie(&ok, "lapak_staf").unwrap();
    assert!(attrs.contains("HttpOnly") && attrs.contains("SameSite=Strict") && attrs.contains("Path=/staf"), "{attrs}");
    let half = format!("lapak_staf={half}");
    // Not signed in yet: the staff home sends to the second factor, which needs enrolling.
    assert_eq!(c.get("/staf", &half).await.headers()[LOCATION], "/staf/aktifkan");
    let enrol = c.get("/staf/aktifkan", &half).await.text().await.unwrap();
    assert!(enrol.contains("data:image/svg+xml;base64,"), "a QR code");
    let secret = enrol.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_string();
    let csrf = field(&enrol, "csrf");
    let code = lapak_staff::current_code_base32(&secret, "siti.petugas").unwrap();
    let enrolled = c.post("/staf/aktifkan", &half, &[("csrf", &csrf), ("code", &code)]).await;
    assert_eq!(enrolled.status(), 200);
    let (full, _) = cookie(&enrolled, "lapak_staf").expect("a renewed session");
    let recovery: Vec<String> = enrolled
        .text()
        .await
        .unwrap()
        .split("<li><code>")
        .skip(1)
        .map(|s| s.split("</code>").next().unwrap().to_string())
        .collect();
    assert_eq!(recovery.len(), 10);
    let full = format!("lapak_staf={full}");
    assert_eq!(c.get("/staf", &half).await.headers()[LOCATION], "/staf/masuk", "the old cookie ended");
    let home = c.get("/staf", &full).await;
    assert_eq!(home.status(), 200);
    let home = home.text().await.unwrap();
    assert!(home.contains("Siti Petugas") && home.contains("Sesi hari ini"), "{home}");

    // Sign out ends it.
    let out = c.post("/staf/keluar", &full, &[("csrf", &field(&home, "csrf"))]).await;
    assert_eq!(out.headers()[LOCATION], "/staf/masuk");
    assert_eq!(c.get("/staf", &full).await.headers()[LOCATION], "/staf/masuk");

    // Next time: the code used at enrolment is not accepted again; a recovery code is, once.
    let again = c.password("siti.petugas", PASSWORD).await;
    let (half2, _) = cookie(&again, "lapak_staf").unwrap();
    let half2 = format!("lapak_staf={half2}");
    let page = c.get("/staf/kode", &half2).await.text().await.unwrap();
    let csrf = field(&page, "csrf");
    assert_eq!(c.post("/staf/kode", &half2, &[("code", &code)]).await.status(), 403, "no CSRF token");
    assert_eq!(c.post("/staf/kode", &half2, &[("csrf", &csrf), ("code", &code)]).await.status(), 401, "single use");
    let signed = c.post("/staf/kode", &half2, &[("csrf", &csrf), ("code", &recovery[3])]).await;
    assert_eq!(signed.status(), 303);
    let account = t.store.staff_by_username("siti.petugas").await.unwrap().unwrap();
    assert_eq!(account.recovery_hashes.len(), 9, "the recovery code is used up");
    let (full2, _) = cookie(&signed, "lapak_staf").unwrap();

    // Disabling the account ends its session at once.
    staff.disable(&account.id).await.unwrap();
    assert_eq!(c.get("/staf", &format!("lapak_staf={full2}")).await.headers()[LOCATION], "/staf/masuk");
    assert!(matches!(
        t.store.verify_audit_chain(lapak_storage::AuditMark::START).await.unwrap(),
        lapak_storage::AuditCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn ten_wrong_passwords_lock_the_account() {
    let t = seeded().await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("budi.supervisor", "Budi", StaffRole::Supervisor, Some("KC001"), PASSWORD).await.unwrap();
    let client: std::net::IpAddr = "10.0.0.9".parse().unwrap();
    for _ in 0..10 {
        assert!(matches!(
            staff.sign_in("budi.supervisor", "salah salah salah", client).await,
            Err(lapak_staff::StaffError::BadCredentials)
        ));
    }
    let account = t.store.staff_by_username("budi.supervisor").await.unwrap().unwrap();
    assert!(account.locked_until.is_some());
    let other: std::net::IpAddr = "10.0.0.10".parse().unwrap();
    let res = staff.sign_in("budi.supervisor", PASSWORD, other).await;
    assert!(
        matches!(res, Err(lapak_staff::StaffError::Locked) | Err(lapak_staff::StaffError::RateLimited)),
        "the right password does not open a locked account"
    );
    // Bad accounts are refused before they exist.
    assert!(staff.add("Budi", "Budi", StaffRole::Officer, Some("KC001"), PASSWORD).await.is_err());
    assert!(staff.add("budi2", "Budi", StaffRole::Officer, Some("KC001"), "pendek").await.is_err());
    assert!(staff.add("budi3", "Budi", StaffRole::Officer, None, PASSWORD).await.is_err(), "officers need a branch");
}

/// Signs `username` in fully (password, enrolment) and returns the session cookie header.
async fn signed_in(c: &Client, username: &str) -> String {
    lapak_tests::web::signed_in(c, username, PASSWORD).await
}

async fn audit_actions(url: &str) -> Vec<(String, String)> {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        let mut c = sqlx::PgConnection::connect(url).await.unwrap();
        sqlx::query_as("SELECT action, subject FROM audit_log ORDER BY seq").fetch_all(&mut c).await.unwrap()
    } else {
        let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
        sqlx::query_as("SELECT action, subject FROM audit_log ORDER BY seq").fetch_all(&mut c).await.unwrap()
    }
}

#[tokio::test]
async fn an_officer_opens_a_session_sees_identity_and_documents_and_decides_and_others_are_refused() {
    use lapak_domain::lifecycle::ClaimState;
    let t = seeded().await;
    let (claim_id, pdf) = ("c-officer", b"%PDF-1.4 surat keterangan PHK".to_vec());
    let session_id = scheduled_claim(&t).await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("petugas.satu", "Petugas Satu", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("petugas.lain", "Petugas Lain", StaffRole::Officer, Some("KC002"), PASSWORD).await.unwrap();
    staff.add("supervisor.satu", "Supervisor Satu", StaffRole::Supervisor, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;
    let officer = signed_in(&c, "petugas.satu").await;

    let page = c.get(&format!("/staf/sesi/{session_id}"), &officer).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(NIK_SITI) && html.contains("Ratna Sari") && html.contains("/staf/dokumen/d-1"), "{html}");
    let doc = c.get("/staf/dokumen/d-1", &officer).await;
    assert_eq!(doc.status(), 200);
    assert!(doc.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
    assert_eq!(doc.bytes().await.unwrap().as_ref(), pdf.as_slice());

    // Another branch's officer and a supervisor are refused, and the attempts recorded.
    let other = signed_in(&c, "petugas.lain").await;
    let refused = c.get(&format!("/staf/sesi/{session_id}"), &other).await;
    assert_eq!(refused.status(), 403);
    let page = refused.text().await.unwrap();
    assert!(page.contains("<h1>Tidak berwenang</h1>") && page.contains("Percobaan ini dicatat"), "{page}");
    assert_eq!(c.get("/staf/dokumen/d-1", &other).await.status(), 403);
    let supervisor = signed_in(&c, "supervisor.satu").await;
    let sup_home = c.get("/staf", &supervisor).await.text().await.unwrap();
    let refused = c
        .post(
            &format!("/staf/sesi/{session_id}/keputusan"),
            &supervisor,
            &[("csrf", &field(&sup_home, "csrf")), ("claim_id", claim_id), ("decision", "verify")],
        )
        .await;
    assert_eq!(refused.status(), 403);

    // A rejection needs a reason from the list; verifying does not.
    let csrf = field(&html, "csrf");
    let no_reason = c
        .post(
            &format!("/staf/sesi/{session_id}/keputusan"),
            &officer,
            &[("csrf", &csrf), ("claim_id", claim_id), ("decision", "reject")],
        )
        .await;
    assert_eq!(no_reason.status(), 422);
    let page = no_reason.text().await.unwrap();
    assert!(page.contains("<h1>Keputusan tidak disimpan</h1>") && page.contains("Pilih alasan dari daftar"), "{page}");
    let verified = c
        .post(
            &format!("/staf/sesi/{session_id}/keputusan"),
            &officer,
            &[("csrf", &csrf), ("claim_id", claim_id), ("decision", "verify")],
        )
        .await;
    assert_eq!(verified.status(), 303);
    let (lifecycle, _) = t.store.claim_history(claim_id).await.unwrap();
    assert_eq!(lifecycle.state, ClaimState::Verified);
    let officer_id = t.store.staff_by_username("petugas.satu").await.unwrap().unwrap().id;
    assert_eq!(lifecycle.verified_by.as_deref(), Some(officer_id.as_str()));
    // The same decision sent again (a double click): saved, not a second event.
    let path = format!("/staf/sesi/{session_id}/keputusan");
    let decide = |decision: &'static str| {
        [
            ("csrf", csrf.clone()),
            ("claim_id", claim_id.to_string()),
            ("decision", decision.into()),
            ("reason", "document-unreadable".into()),
        ]
    };
    let form = decide("verify");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(c.post(&path, &officer, &form).await.status(), 303);
    let (_, events) = t.store.claim_history(claim_id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.to == ClaimState::Verified).count(), 1);
    // Another decision after it: refused with a page that says why.
    let form = decide("reject");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let late = c.post(&path, &officer, &form).await;
    assert_eq!(late.status(), 409);
    assert!(late.text().await.unwrap().contains("sudah diputuskan atau berubah sejak halaman dibuka"));

    // The supervisor sees the amount fixed at submission and approves.
    let queue = c.get("/staf/persetujuan", &supervisor).await.text().await.unwrap();
    assert!(queue.contains("Siti Aminah") && queue.contains("Petugas Satu"), "{queue}");
    let approved = c
        .post(
            "/staf/persetujuan",
            &supervisor,
            &[("csrf", &field(&queue, "csrf")), ("claim_id", claim_id), ("decision", "approve")],
        )
        .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(t.store.claim_history(claim_id).await.unwrap().0.state, ClaimState::Approved);
    let again = c
        .post(
            "/staf/persetujuan",
            &supervisor,
            &[("csrf", &field(&queue, "csrf")), ("claim_id", claim_id), ("decision", "approve")],
        )
        .await;
    assert_eq!(again.status(), 303, "the same approval sent again is saved, not 'not found'");
    // An officer may not open the supervisor's queue; the auditor reads the trail.
    assert_eq!(c.get("/staf/persetujuan", &officer).await.status(), 403);
    staff.add("audit.satu", "Auditor Satu", StaffRole::Auditor, None, PASSWORD).await.unwrap();
    let auditor = signed_in(&c, "audit.satu").await;
    let trail = c.get("/staf/audit?q=claim.", &auditor).await.text().await.unwrap();
    assert!(trail.contains("utuh") && trail.contains("claim.verify") && trail.contains("claim.approve"), "{trail}");
    assert_eq!(c.get("/staf/audit", &officer).await.status(), 403);

    let actions = audit_actions(&t.url).await;
    let has = |a: &str, s: &str| actions.iter().any(|(x, y)| x == a && y == s);
    assert!(has("view.identity", claim_id) && has("view.document", "d-1") && has("claim.verify", claim_id));
    assert_eq!(actions.iter().filter(|(a, _)| a == "access.refused").count(), 5);
    assert!(actions.iter().all(|(_, s)| !s.contains(NIK_SITI)), "no personal data in the trail");
    assert!(matches!(
        t.store.verify_audit_chain(lapak_storage::AuditMark::START).await.unwrap(),
        lapak_storage::AuditCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn documents_asked_for_come_back_through_the_participants_link_and_the_claim_keeps_its_place() {
    use jiff::Timestamp;
    use lapak_domain::lifecycle::ClaimState;
    let t = seeded().await;
    let session_id = scheduled_claim(&t).await;
    let claim_id = "c-officer";
    let submitted_at = t.store.claim(claim_id).await.unwrap().unwrap().submitted_at;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("petugas.satu", "Petugas Satu", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;
    let officer = signed_in(&c, "petugas.satu").await;
    let page = c.get(&format!("/staf/sesi/{session_id}"), &officer).await.text().await.unwrap();
    let asked = c
        .post(
            &format!("/staf/sesi/{session_id}/keputusan"),
            &officer,
            &[
                ("csrf", &field(&page, "csrf")),
                ("claim_id", claim_id),
                ("decision", "needs_documents"),
                ("reason", "document-unreadable"),
                ("note", "Foto buku tabungan buram"),
                ("documents", "passbook"),
                ("documents", "ektp"),
            ],
        )
        .await;
    assert_eq!(asked.status(), 303);
    let claim = t.store.claim(claim_id).await.unwrap().unwrap();
    use lapak_domain::documents::DocumentKind;
    assert_eq!(claim.requested_documents, [DocumentKind::Passbook, DocumentKind::Ektp]);
    let due = claim.documents_due.expect("a date to send them by");
    assert!(due > Timestamp::now() + jiff::SignedDuration::from_hours(24 * 29));
    let number = claim.number.unwrap().to_string();
    let tracking = c
        .post("/lacak", "", &[("claim_number", number.as_str()), ("birth_date", "15/05/1990")])
        .await
        .text()
        .await
        .unwrap();
    assert!(tracking.contains("Dokumen yang diminta") && tracking.contains("Kirim paling lambat"), "{tracking}");
    let (lifecycle, events) = t.store.claim_history(claim_id).await.unwrap();
    assert_eq!(lifecycle.state, ClaimState::NeedsDocuments);
    assert_eq!(events.last().unwrap().reason.as_deref(), Some("document-unreadable: Foto buku tabungan buram"));

    // The participant's e-mail carries a fresh link back to the claim.
    let mail = t.store.lease_outbox(Timestamp::now(), 1, 10).await.unwrap();
    let message: serde_json::Value =
        serde_json::from_str(&mail.iter().find(|m| m.payload.contains("needs-documents")).unwrap().payload).unwrap();
    assert_eq!(message["lang"], "en", "in the language she filed in");
    let token = message["resume_token"].as_str().unwrap();
    let docs = lapak_storage::DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let claims = lapak_claims::ClaimService::new(t.store.clone(), docs, 1 << 20);
    let draft = claims.resume(token).await.unwrap();
    assert_eq!(draft.claim.lifecycle.state, ClaimState::NeedsDocuments);
    claims.upload(&draft, "passbook", b"%PDF-1.4\nbuku tabungan, terbaca\n%%EOF\n").await.unwrap();
    let draft = claims.resume(token).await.unwrap();
    let number = claims.submit(&draft, "id", None).await;
    assert!(number.is_ok(), "{number:?}");

    // The officer who asked also serves sessions (their username is their id in the
    // branch's capacity): the claim goes back to them.
    let mut capacity = t.store.capacity("KC001").await.unwrap().unwrap();
    let mut own = capacity.officers[0].clone();
    own.id = "petugas.satu".into();
    capacity.officers.push(own);
    t.store.set_capacity(&capacity).await.unwrap();

    // Back in line at its original place, and given a seat again.
    let again = t.store.claim(claim_id).await.unwrap().unwrap();
    assert_eq!(again.lifecycle.state, ClaimState::Submitted);
    assert!(again.requested_documents.is_empty() && again.documents_due.is_none(), "cleared on resubmission");
    assert_eq!(again.submitted_at, submitted_at, "the claim keeps its place");
    lapak_workers::scheduler::run_once(&t.store, &Default::default(), Timestamp::now()).await.unwrap();
    assert_eq!(t.store.claim(claim_id).await.unwrap().unwrap().lifecycle.state, ClaimState::Scheduled);
    assert_eq!(t.store.appointment(claim_id).await.unwrap().unwrap().officer, "petugas.satu");
}

/// Every role, from another branch (or national), against every staff action on an object
/// of KC001: refused, and each refusal is in the audit trail.
#[tokio::test]
async fn every_role_is_refused_an_object_of_another_branch_and_the_attempt_is_recorded() {
    let t = seeded().await;
    let session_id = scheduled_claim(&t).await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    let c = Client::serving(&t).await;
    let mut expected_refusals = 0;
    // Representatives are made by confirming a company's power of attorney (tests/collective.rs
    // runs them against these pages); `add` refuses to make one.
    assert!(staff.add("lain.pic", "PIC", StaffRole::Representative, Some("KC002"), PASSWORD).await.is_err());
    for role in StaffRole::ALL.into_iter().filter(|r| *r != StaffRole::Representative) {
        let username = format!("lain.{}", role.code().replace('_', "-"));
        staff.add(&username, "Petugas Lain", role, Some("KC002"), PASSWORD).await.unwrap();
        let cookie = signed_in(&c, &username).await;
        let home = c.get("/staf", &cookie).await.text().await.unwrap();
        let csrf = field(&home, "csrf");
        let decision = [("csrf", csrf.as_str()), ("claim_id", "c-officer"), ("decision", "verify")];
        let approval = [("csrf", csrf.as_str()), ("claim_id", "c-officer"), ("decision", "approve")];
        let answers = [
            ("session", c.get(&format!("/staf/sesi/{session_id}"), &cookie).await.status()),
            ("decision", c.post(&format!("/staf/sesi/{session_id}/keputusan"), &cookie, &decision).await.status()),
            ("document", c.get("/staf/dokumen/d-1", &cookie).await.status()),
            ("approval", c.post("/staf/persetujuan", &cookie, &approval).await.status()),
        ];
        for (what, status) in answers {
            assert_eq!(status, 403, "{} {what}", role.code());
            expected_refusals += 1;
        }
    }
    let actions = audit_actions(&t.url).await;
    assert_eq!(actions.iter().filter(|(a, _)| a == "access.refused").count(), expected_refusals);
    assert_eq!(
        t.store.claim("c-officer").await.unwrap().unwrap().lifecycle.state,
        lapak_domain::lifecycle::ClaimState::Scheduled
    );
}

#[tokio::test]
async fn a_branch_admin_sees_the_effect_of_a_capacity_change_before_saving_it() {
    let t = seeded().await;
    scheduled_claim(&t).await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("admin.satu", "Admin Satu", StaffRole::BranchAdmin, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("petugas.satu", "Petugas Satu", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;
    let admin = signed_in(&c, "admin.satu").await;
    let page = c.get("/staf/kapasitas", &admin).await.text().await.unwrap();
    assert!(
        page.contains("name=\"officer_id_0\" value=\"m1\"") && page.contains("name=\"room_capacity\" value=\"20\""),
        "{page}"
    );
    let csrf = field(&page, "csrf");
    let form = |end: &str, step: &str| -> Vec<(String, String)> {
        let mut f: Vec<(String, String)> = [
            ("csrf", csrf.as_str()),
            ("offer_one_to_many", "1"),
            ("slot_one_to_many", "30"),
            ("seats_one_to_many", "6"),
            ("slot_video_call", ""),
            ("room_capacity", "20"),
            ("closed", ""),
            ("officer_id_0", "m1"),
            ("officer_name_0", "Petugas 1"),
            ("officer_mode_0", "one_to_many"),
            ("officer_start_0", "08:00"),
            ("officer_end_0", end),
            ("officer_absent_0", ""),
            ("officer_id_1", ""),
            ("step", step),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for d in 1..=7 {
            f.push(("officer_days_0".into(), d.to_string()));
        }
        f
    };
    let post = |f: Vec<(String, String)>| {
        c.http
            .post(format!("{}/staf/kapasitas", c.base))
            .header(COOKIE, admin.as_str())
            .header("accept-language", "id")
            .form(&f)
            .send()
    };
    let checked = post(form("12:00", "check")).await.unwrap();
    assert_eq!(checked.status(), 200);
    let html = checked.text().await.unwrap();
    // 08.00–16.00 is 16 sessions of 6 booths; 08.00–12.00 is 8.
    assert!(html.contains("<td>96</td><td>48</td>"), "{html}");
    assert_eq!(t.store.capacity("KC001").await.unwrap().unwrap().officers[0].end, "16:00", "not saved by a check");
    let saved = post(form("12:00", "save")).await.unwrap();
    assert!(saved.text().await.unwrap().contains("Kapasitas disimpan"));
    assert_eq!(t.store.capacity("KC001").await.unwrap().unwrap().officers[0].end, "12:00");
    let broken = post(form("25:00", "check")).await.unwrap();
    assert_eq!(broken.status(), 422);
    assert!(broken.text().await.unwrap().contains("JJ:MM"));
    let officer = signed_in(&c, "petugas.satu").await;
    assert_eq!(c.get("/staf/kapasitas", &officer).await.status(), 403);
}

/// A staff session ends after 30 idle minutes (ASVS 7.3.1). Using it marks it seen at most
/// once a minute: not a write for every page an officer opens.
#[tokio::test]
async fn a_staff_session_ends_when_idle_and_is_marked_seen_at_most_once_a_minute() {
    use sha2::{Digest, Sha256};
    let t = seeded().await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("petugas.satu", "Petugas Satu", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;
    let cookie = signed_in(&c, "petugas.satu").await;
    let secret = cookie.trim_start_matches("lapak_staf=");
    let hash = Sha256::digest(secret.as_bytes()).to_vec();
    let last_seen = || async { t.store.staff_session(&hash).await.unwrap().map(|s| s.last_seen) };
    let now = jiff::Timestamp::now();

    let seen = last_seen().await.unwrap();
    for _ in 0..3 {
        staff.session(secret).await.unwrap();
    }
    assert_eq!(last_seen().await.unwrap(), seen, "seen within the minute: not written again");
    let earlier = now - jiff::SignedDuration::from_mins(2);
    t.store.touch_staff_session(&hash, earlier).await.unwrap();
    staff.session(secret).await.unwrap();
    assert!(last_seen().await.unwrap() >= now, "seen two minutes ago: marked again");

    t.store.touch_staff_session(&hash, now - jiff::SignedDuration::from_mins(31)).await.unwrap();
    assert!(matches!(staff.session(secret).await, Err(lapak_staff::StaffError::SessionEnded)));
    assert_eq!(last_seen().await, None, "the ended session is gone");
    let page = c.get("/staf", &cookie).await;
    assert_eq!(page.headers()[LOCATION], "/staf/masuk");
}

/// Only a branch's own kiosks give tickets. The branch admin, signed in on the device,
/// names it and makes it a kiosk: the device gets a cookie of its own and the staff session
/// on it ends. Another device, or a kiosk of another branch, gets a page saying where
/// tickets are given; withdrawn, alone or with the rest, a kiosk gives no more.
#[tokio::test]
async fn a_branch_admin_makes_a_device_the_kiosk_and_only_it_gives_tickets() {
    let t = seeded().await;
    scheduled_claim(&t).await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("admin.satu", "Admin Satu", StaffRole::BranchAdmin, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("admin.dua", "Admin Dua", StaffRole::BranchAdmin, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("petugas.satu", "Petugas Satu", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;
    let day = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date();
    let take = |cookie: String| {
        c.http.post(format!("{}/cabang/KC001/tiket", c.base)).header(COOKIE, cookie).form(&[("whatsapp", "")]).send()
    };

    // Any other device: no form, and a ticket asked for anyway is refused.
    let page = c.get("/cabang/KC001/tiket", "").await.text().await.unwrap();
    assert!(page.contains("Nomor antrean diberikan di kios") && !page.contains("name=\"halaman\""), "{page}");
    assert_eq!(take(String::new()).await.unwrap().status(), 403);
    assert_eq!(take("lapak_kios=dibuat-buat".into()).await.unwrap().status(), 403);
    assert!(t.store.tickets("KC001", day).await.unwrap().is_empty());

    // An officer may not make a kiosk.
    let officer = signed_in(&c, "petugas.satu").await;
    let home = c.get("/staf", &officer).await.text().await.unwrap();
    let officer_csrf = field(&home, "csrf");
    let officer_form = [("csrf", officer_csrf.as_str()), ("nama", "Kios")];
    assert_eq!(c.post("/staf/kios", &officer, &officer_form).await.status(), 403);

    let admin = signed_in(&c, "admin.satu").await;
    let form = c.get("/staf/kapasitas", &admin).await.text().await.unwrap();
    assert!(form.contains("Kantor ini belum memiliki kios."), "{form}");
    assert_eq!(field(&form, "nama"), "Kios 1", "a name to start from");
    let csrf = field(&form, "csrf");
    assert_eq!(
        c.post("/staf/kios", &admin, &[("csrf", "salah"), ("nama", "Kios")]).await.status(),
        403,
        "a forged form"
    );
    // A name that will not do comes back at its field, as typed, and enrols nothing.
    for bad in ["   ", &"K".repeat(61), "Kios\u{7}"] {
        let refused = c.post("/staf/kios", &admin, &[("csrf", csrf.as_str()), ("nama", bad)]).await;
        assert_eq!(refused.status(), 422, "{bad:?}");
        assert!(cookie(&refused, "lapak_kios").is_none());
        let page = refused.text().await.unwrap();
        assert!(page.contains("<title>Galat:"), "{page}");
        assert!(page.contains("href=\"#field-kiosk-name\">Beri nama perangkat ini, paling banyak 60 karakter."));
        assert!(page.contains("aria-describedby=\"hint-kiosk-name error-kiosk-name\" aria-invalid=\"true\""));
        assert_eq!(field(&page, "nama"), bad);
    }
    assert!(t.store.kiosks("KC001").await.unwrap().is_empty());
    let enrolled = c.post("/staf/kios", &admin, &[("csrf", csrf.as_str()), ("nama", " Kios pintu masuk ")]).await;
    assert_eq!(enrolled.status(), 303);
    assert_eq!(enrolled.headers()[LOCATION], "/cabang/KC001/tiket");
    let (secret, attrs) = cookie(&enrolled, "lapak_kios").expect("the kiosk's cookie");
    assert!(
        attrs.contains("Path=/cabang") && attrs.contains("HttpOnly") && attrs.contains("SameSite=Strict"),
        "{attrs}"
    );
    assert_eq!(cookie(&enrolled, "lapak_staf").unwrap().0, "", "the staff cookie is cleared");
    let signed_out = c.get("/staf/kapasitas", &admin).await;
    assert_eq!(signed_out.status(), 303, "the staff session on the kiosk ended");
    let kiosk = format!("lapak_kios={secret}");
    let page = c.get("/cabang/KC001/tiket", &kiosk).await.text().await.unwrap();
    assert!(page.contains("name=\"halaman\""), "{page}");
    assert_eq!(take(kiosk.clone()).await.unwrap().status(), 303);
    assert_eq!(t.store.tickets("KC001", day).await.unwrap().len(), 1);
    // Not another branch's kiosk.
    let elsewhere = c.http.post(format!("{}/cabang/KC002/tiket", c.base)).header(COOKIE, &kiosk);
    let elsewhere = elsewhere.form(&[("whatsapp", "")]).send().await.unwrap();
    assert_eq!(elsewhere.status(), 403);

    // A second kiosk at the branch, and one at another branch.
    let store = t.store.as_ref();
    let counter = lapak_claims::walk_in::enrol_kiosk(store, "KC001", "Kios loket", "test").await.unwrap();
    let other = lapak_claims::walk_in::enrol_kiosk(store, "KC002", "Kios KC002", "test").await.unwrap();
    let other_id = lapak_claims::walk_in::kiosk_id(&store.kiosks("KC002").await.unwrap()[0]);

    // The other admin, at the office, sees both by name and who enrolled them.
    let admin = signed_in(&c, "admin.dua").await;
    let form = c.get("/staf/kapasitas", &admin).await.text().await.unwrap();
    assert!(form.contains("<strong>Kios pintu masuk</strong>: didaftarkan oleh admin.satu, "), "{form}");
    assert!(form.contains("<strong>Kios loket</strong>"), "{form}");
    assert!(form.contains("Cabut semua kios kantor ini"), "with two kiosks, both at once too");
    assert_eq!(field(&form, "nama"), "Kios 3");
    let csrf = field(&form, "csrf");
    // Withdrawing another branch's kiosk from here does nothing.
    let foreign = [("csrf", csrf.as_str()), ("kios", other_id.as_str())];
    assert_eq!(c.post("/staf/kios/cabut", &admin, &foreign).await.status(), 303);
    assert_eq!(store.kiosks("KC002").await.unwrap().len(), 1);
    // The entrance kiosk (lost, say) withdrawn alone: it gives no more, the counter's does.
    let entrance = field(&form, "kios");
    assert_eq!(c.post("/staf/kios/cabut", &admin, &[("csrf", csrf.as_str()), ("kios", &entrance)]).await.status(), 303);
    assert_eq!(take(kiosk).await.unwrap().status(), 403);
    assert_eq!(take(format!("lapak_kios={counter}")).await.unwrap().status(), 303);
    assert_eq!(t.store.tickets("KC001", day).await.unwrap().len(), 2);
    let form = c.get("/staf/kapasitas", &admin).await.text().await.unwrap();
    assert!(
        !form.contains("<strong>Kios pintu masuk</strong>") && form.contains("<strong>Kios loket</strong>"),
        "{form}"
    );
    assert!(!form.contains("Cabut semua"), "one kiosk: its own button");
    // Then all of them.
    assert_eq!(c.post("/staf/kios/cabut", &admin, &[("csrf", csrf.as_str())]).await.status(), 303);
    assert_eq!(take(format!("lapak_kios={counter}")).await.unwrap().status(), 403);
    assert_eq!(t.store.tickets("KC001", day).await.unwrap().len(), 2);
    assert!(is_kiosk(store, &other, "KC002").await, "the other branch's kiosk stays");
    let actions = audit_actions(&t.url).await;
    for (action, subject) in [
        ("kiosk.enrolled", "KC001: Kios pintu masuk"),
        ("kiosk.revoked", "KC001: Kios pintu masuk"),
        ("kiosk.revoked", "KC001"),
    ] {
        assert!(actions.iter().any(|(a, s)| a == action && s == subject), "{action} {subject}: {actions:?}");
    }
}

async fn is_kiosk(store: &dyn lapak_storage::Store, secret: &str, branch: &str) -> bool {
    lapak_claims::walk_in::is_kiosk_of(store, Some(secret), branch).await.unwrap()
}

/// Signs in through the browser: password, enrolment by the key under the QR code, the
/// recovery codes, then the staff home.
async fn browser_sign_in(b: &lapak_tests::webdriver::Browser, base: &str, username: &str) {
    b.goto(&format!("{base}/staf/masuk?lang=id")).await;
    b.type_into("#field-username", username).await;
    b.type_into("#field-password", PASSWORD).await;
    b.click("button[type=submit]").await;
    let enrol = b.wait_for("Aktifkan verifikasi dua langkah").await;
    b.check_page("staf/aktifkan").await;
    let secret = enrol.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_string();
    b.type_into("#field-code", &lapak_staff::current_code_base32(&secret, username).unwrap()).await;
    b.click("button[type=submit]").await;
    b.wait_for("Simpan kode pemulihan").await;
    b.check_page("kode pemulihan").await;
    b.click("a.button").await;
    b.wait_for("Beranda petugas").await;
}

#[tokio::test]
async fn an_officer_verifies_and_a_supervisor_approves_in_a_browser() {
    let Some(driver) = lapak_tests::webdriver::required_driver() else { return };
    let t = seeded().await;
    let (session_id, ids) = scheduled_claims(&t, 6).await;
    let number = t.store.claim("c-officer").await.unwrap().unwrap().number.unwrap().to_string();
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("petugas.satu", "Petugas Satu", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("supervisor.satu", "Supervisor Satu", StaffRole::Supervisor, Some("KC001"), PASSWORD).await.unwrap();
    let base = format!("http://{}", serve(&t).await);
    let b = lapak_tests::webdriver::Browser::start(&driver, "id-ID").await;

    // The officer opens the six-seat session and decides every seat: four verified, one
    // asked for a document, one rejected. Clicks and time are counted for the record.
    browser_sign_in(&b, &base, "petugas.satu").await;
    b.goto(&format!("{base}/staf/sesi/{session_id}")).await;
    let page = b.wait_for("Sesi verifikasi").await;
    assert!(page.contains(NIK_SITI) && page.contains("Ratna Sari") && page.contains("Peserta Ke 6"));
    b.check_page("staf/sesi").await;
    let started = std::time::Instant::now();
    let mut clicks = 0;
    for seat in 1..=6 {
        let (choice, reason) = match seat {
            5 => ("#n-5", Some("document-unreadable")),
            6 => ("#r-6", Some("identity-mismatch")),
            n => (["#v-1", "#v-2", "#v-3", "#v-4"][n - 1], None),
        };
        b.click(choice).await;
        clicks += 1;
        if let Some(reason) = reason {
            b.click(&format!("#reason-{seat} option[value='{reason}']")).await;
            clicks += 2; // open the list, pick
        }
        if seat == 5 {
            b.click("#ask-5-passbook").await;
            clicks += 1;
        }
        b.click(&format!("#kursi-{seat} button[type=submit]")).await;
        clicks += 1;
        // Saved when the page comes back without this seat's form.
        let gone = format!("id=\"v-{seat}\"");
        let mut waited = 0;
        while b.source().await.contains(&gone) || !b.source().await.contains("Keputusan disimpan") {
            waited += 1;
            assert!(waited < 200, "seat {seat} not saved");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    eprintln!(
        "six-seat session decided in {clicks} clicks and {:.1} s (headless, loopback)",
        started.elapsed().as_secs_f64()
    );
    assert!(!b.url().await.contains("saved=1"), "decisions saved in place, without reloading the page");
    let states: Vec<_> = {
        let mut v = Vec::new();
        for id in &ids {
            v.push(t.store.claim(id).await.unwrap().unwrap().lifecycle.state);
        }
        v
    };
    use lapak_domain::lifecycle::ClaimState as S;
    assert_eq!(states, [S::Verified, S::Verified, S::Verified, S::Verified, S::NeedsDocuments, S::Rejected]);
    // The fifth participant follows the link in their e-mail, uploads the passbook again and
    // sends the claim back; it gets a seat and the officer verifies it.
    let mail = t.store.lease_outbox(jiff::Timestamp::now(), 1, 100).await.unwrap();
    let asked = mail.iter().find(|m| m.payload.contains("needs-documents")).expect("the e-mail to the participant");
    let token = serde_json::from_str::<serde_json::Value>(&asked.payload).unwrap()["resume_token"]
        .as_str()
        .unwrap()
        .to_string();
    let scan = std::env::temp_dir().join(format!("lapak-buku-tabungan-{}.pdf", std::process::id()));
    std::fs::write(&scan, b"%PDF-1.4\nbuku tabungan, jelas\n%%EOF\n").unwrap();
    b.goto(&format!("{base}/klaim/lanjut/{token}")).await;
    b.goto(&format!("{base}/klaim/dokumen?lang=id")).await;
    let documents = b.wait_for("Unggah dokumen").await;
    assert!(
        documents.contains("Petugas meminta dokumen") && !documents.contains("id=\"field-file-ektp\""),
        "only what was asked"
    );
    let before = documents.matches("Terunggah").count();
    b.attach("#field-file-passbook", &scan).await;
    b.click("section[aria-labelledby=doc-passbook] form[enctype] button").await;
    for _ in 0..200 {
        if b.source().await.matches("Terunggah").count() == before + 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    b.goto(&format!("{base}/klaim/periksa")).await;
    b.wait_for("/klaim/kirim").await;
    b.click("form[action='/klaim/kirim'] button").await;
    b.wait_for("Klaim Anda telah diajukan").await;
    let _ = std::fs::remove_file(&scan);
    lapak_workers::scheduler::run_once(&t.store, &Default::default(), jiff::Timestamp::now()).await.unwrap();
    let again = t.store.appointment(&ids[4]).await.unwrap().expect("a seat again").session_id;
    b.goto(&format!("{base}/staf/sesi/{again}")).await;
    let page = b.wait_for("Sesi verifikasi").await;
    let seat = page.split("id=\"v-").nth(1).unwrap().split('"').next().unwrap().to_string();
    b.click(&format!("#v-{seat}")).await;
    b.click(&format!("#kursi-{seat} button[type=submit]")).await;
    for _ in 0..200 {
        if t.store.claim(&ids[4]).await.unwrap().unwrap().lifecycle.state == S::Verified {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(t.store.claim(&ids[4]).await.unwrap().unwrap().lifecycle.state, S::Verified);
    b.goto(&format!("{base}/staf")).await;
    b.check_page("staf").await;
    b.click("form[action='/staf/keluar'] button").await;
    b.wait_for("Masuk petugas").await;

    // The supervisor approves the amount shown.
    browser_sign_in(&b, &base, "supervisor.satu").await;
    b.click("a[href='/staf/persetujuan']").await;
    let queue = b.wait_for("Persetujuan klaim").await;
    assert!(queue.contains("Petugas Satu") && queue.contains("Dibayarkan"));
    b.check_page("staf/persetujuan").await;
    b.click("#ok-1").await;
    b.click("#klaim-1 button[type=submit]").await;
    b.wait_for("Keputusan disimpan").await;

    // The participant's tracking page shows each step.
    b.goto(&format!("{base}/lacak?lang=id")).await;
    b.type_into("#field-claim_number", &number).await;
    b.type_into("#field-birth_date", "15/05/1990").await;
    b.click("button[type=submit]").await;
    let tracking = b.wait_for("Disetujui").await;
    for step in ["Diajukan", "Dijadwalkan", "Diverifikasi", "Disetujui"] {
        assert!(tracking.contains(step), "{step} missing from tracking");
    }
    b.quit().await;
}

/// The pages the browser tests had not opened: the branch admin's capacity form (with an
/// error) and the representatives waiting for confirmation, and the auditor's trail. Each
/// passes the page checks and axe-core.
#[tokio::test]
async fn the_admin_and_auditor_pages_pass_the_page_checks_in_a_browser() {
    let Some(driver) = lapak_tests::webdriver::required_driver() else { return };
    let t = seeded().await;
    scheduled_claim(&t).await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("admin.satu", "Admin Satu", StaffRole::BranchAdmin, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("auditor.satu", "Auditor Satu", StaffRole::Auditor, None, PASSWORD).await.unwrap();
    let npp = lapak_domain::Npp::parse("15070955").unwrap();
    pending_representative(&t, "rep-1", npp, "Budi Santoso", "budi.hr@example.id").await;
    let base = format!("http://{}", serve(&t).await);
    let b = lapak_tests::webdriver::Browser::start(&driver, "id-ID").await;

    browser_sign_in(&b, &base, "admin.satu").await;
    b.goto(&format!("{base}/staf/kapasitas")).await;
    b.wait_for("oend-0").await;
    b.check_page("staf/kapasitas").await;
    b.type_into("#oend-0", "25:00").await;
    b.click("button[name=step][value=check]").await;
    b.wait_for("<title>Galat:").await;
    b.check_page("staf/kapasitas, galat").await;
    b.goto(&format!("{base}/staf/perwakilan")).await;
    b.wait_for("Budi Santoso").await;
    b.check_page("staf/perwakilan").await;
    // This browser made the branch's kiosk, next to one already there: a name left out
    // comes back at its field; named, it gives a ticket and is no longer signed in.
    lapak_claims::walk_in::enrol_kiosk(t.store.as_ref(), "KC001", "Kios loket", "test").await.unwrap();
    b.goto(&format!("{base}/staf/kapasitas")).await;
    b.wait_for("<strong>Kios loket</strong>").await;
    b.check_page("staf/kapasitas, kios").await;
    b.type_into("#field-kiosk-name", " ").await;
    b.click("form[action='/staf/kios'] button").await;
    b.wait_for("error-kiosk-name").await;
    b.check_page("staf/kapasitas, nama kios").await;
    b.type_into("#field-kiosk-name", "Kios pintu masuk").await;
    b.click("form[action='/staf/kios'] button").await;
    b.wait_for("name=\"halaman\"").await;
    b.check_page("kios").await;
    b.click("form[action='/cabang/KC001/tiket'] button").await;
    b.wait_for("A-001").await;
    b.goto(&format!("{base}/staf")).await;
    b.wait_for("Masuk petugas").await;

    // The daily check of the whole chain, as `lapak serve` runs it; the page checks what
    // came after and says both.
    lapak_storage::audit::check(t.store.as_ref(), true, jiff::Timestamp::now()).await.unwrap();
    browser_sign_in(&b, &base, "auditor.satu").await;
    // A username finds that person's entries (the trail keeps their id), named.
    b.goto(&format!("{base}/staf/audit?q=admin.satu")).await;
    let page = b.wait_for("admin.satu (").await;
    assert!(page.contains("Rantai jejak audit utuh") && page.contains("Pemeriksaan seluruh rantai terakhir"), "{page}");
    b.check_page("staf/audit").await;
    b.quit().await;
}

#[tokio::test]
async fn an_officer_marks_a_participant_absent_and_the_next_slot_is_given() {
    use jiff::Timestamp;
    let t = seeded().await;
    let (session_id, ids) = scheduled_claims(&t, 2).await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("petugas.satu", "Petugas Satu", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;
    let officer = signed_in(&c, "petugas.satu").await;
    let page = c.get(&format!("/staf/sesi/{session_id}"), &officer).await.text().await.unwrap();
    let absent = c
        .post(
            &format!("/staf/sesi/{session_id}/keputusan"),
            &officer,
            &[("csrf", &field(&page, "csrf")), ("claim_id", &ids[1]), ("decision", "no_show")],
        )
        .await;
    assert_eq!(absent.status(), 303);
    let page = c.get(&format!("/staf/sesi/{session_id}"), &officer).await.text().await.unwrap();
    assert!(page.contains("Tidak hadir") && !page.contains("id=\"v-2\""), "the seat is closed");
    lapak_workers::scheduler::run_once(&t.store, &Default::default(), Timestamp::now()).await.unwrap();
    let next = t.store.appointment(&ids[1]).await.unwrap().expect("a new seat");
    assert_ne!(next.session_id, session_id);
    assert!(audit_actions(&t.url).await.iter().any(|(a, s)| a == "appointment.no_show" && *s == ids[1]));
    // Marked again (a double click, after the new seat was given): saved, and the new seat stays.
    let again = c
        .post(
            &format!("/staf/sesi/{session_id}/keputusan"),
            &officer,
            &[("csrf", &field(&page, "csrf")), ("claim_id", &ids[1]), ("decision", "no_show")],
        )
        .await;
    assert_eq!(again.status(), 303);
    assert_eq!(t.store.appointment(&ids[1]).await.unwrap().expect("the new seat").session_id, next.session_id);
    // Nor is the claim decided from the seat it missed: its new seat is another session's.
    let verify = c
        .post(
            &format!("/staf/sesi/{session_id}/keputusan"),
            &officer,
            &[("csrf", &field(&page, "csrf")), ("claim_id", &ids[1]), ("decision", "verify")],
        )
        .await;
    assert_eq!(verify.status(), 409);
    assert_eq!(
        t.store.claim(&ids[1]).await.unwrap().unwrap().lifecycle.state,
        lapak_domain::lifecycle::ClaimState::Scheduled
    );
}
