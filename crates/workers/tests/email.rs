//! E-mail from the outbox to a real SMTP receiver started in this test.

use jiff::{SignedDuration, Timestamp};
use lapak_claims::{ClaimService, IdentityInput};
use lapak_storage::DocumentStore;
use lapak_tests::smtp::SmtpSink;
use lapak_workers::email::Mailer;
use lapak_workers::outbox::{run_once, Pass, RelayConfig};

fn siti() -> IdentityInput {
    IdentityInput {
        nik: lapak_tests::NIK_SITI.into(),
        kpj: "12345678901".into(),
        full_name: "Siti Aminah".into(),
        birth_date: "1990-05-15".into(),
    }
}

#[tokio::test]
async fn the_resume_link_arrives_once_even_after_the_smtp_server_was_down() {
    let t = lapak_tests::seeded().await;
    let docs = DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let claims = ClaimService::new(t.store.clone(), docs, 1 << 20);
    let started = claims.start(&siti(), "127.0.0.1".parse().unwrap(), "id").await.unwrap();

    let sink = SmtpSink::start().await;
    let mailer = Mailer::smtp(&sink.url(), "Lapak <no-reply@lapak.example>", "https://lapak.example/").unwrap();
    let config = RelayConfig::default();

    // The server is down: the message waits and is retried after back-off.
    sink.refuse(true);
    let now = Timestamp::now();
    assert_eq!(
        run_once(t.store.as_ref(), &mailer, &config, now).await.unwrap(),
        Pass { prepared: 0, delivered: 0, failed: 1 }
    );
    sink.refuse(false);
    let later = now + SignedDuration::from_secs(15);
    assert_eq!(
        run_once(t.store.as_ref(), &mailer, &config, later).await.unwrap(),
        Pass { prepared: 0, delivered: 1, failed: 0 }
    );
    assert_eq!(
        run_once(t.store.as_ref(), &mailer, &config, later + SignedDuration::from_hours(3)).await.unwrap(),
        Pass::default()
    );

    let arrived = sink.messages();
    assert_eq!(arrived.len(), 1, "delivered once");
    let mail = &arrived[0];
    assert!(mail.contains("To: siti.aminah@example.id"), "{mail}");
    assert!(mail.contains("Subject: Lanjutkan pengajuan klaim JHT Anda"), "{mail}");
    let unfolded = mail.replace("=\n", "");
    assert!(unfolded.contains(&format!("https://lapak.example/klaim/lanjut/{}", started.resume_token)), "{mail}");
}

#[tokio::test]
async fn without_smtp_mail_is_kept_as_files() {
    let t = lapak_tests::seeded().await;
    let docs = DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let claims = ClaimService::new(t.store.clone(), docs, 1 << 20);
    claims.start(&siti(), "127.0.0.1".parse().unwrap(), "en").await.unwrap();
    let folder = t.dir.path().join("mail");
    let mailer = Mailer::folder(&folder, "lapak@localhost", "http://127.0.0.1:8080").unwrap();
    let pass = run_once(t.store.as_ref(), &mailer, &RelayConfig::default(), Timestamp::now()).await.unwrap();
    assert_eq!(pass.delivered, 1);
    let files: Vec<_> = std::fs::read_dir(&folder).unwrap().collect();
    assert_eq!(files.len(), 1);
    let text = std::fs::read_to_string(files[0].as_ref().unwrap().path()).unwrap();
    assert!(text.contains("Continue your JHT claim"));
    assert!(text.contains("kept for 90 days after your last change"), "the default retention");
}

/// The resume e-mail says how long the agency keeps a draft.
#[test]
fn the_resume_email_says_how_long_a_draft_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::folder(dir.path(), "lapak@localhost", "http://127.0.0.1:8080").unwrap().with_draft_days(45);
    let message = lapak_claims::EmailMessage {
        to: "siti@example.id".into(),
        template: "resume".into(),
        lang: "id".into(),
        name: "Siti".into(),
        resume_token: Some("t".into()),
        claim_number: None,
        appointment: None,
        company: None,
    };
    let (_, body) = mailer.render(&message).unwrap();
    assert!(body.contains("tersimpan selama 45 hari sejak perubahan terakhir"), "{body}");
}

#[tokio::test]
async fn an_appointment_arrives_with_its_time_in_the_branch_zone_and_a_calendar_invitation() {
    use lapak_claims::{AppointmentNote, EmailMessage};
    use lapak_workers::outbox::Deliver;
    let sink = SmtpSink::start().await;
    let mailer = Mailer::smtp(&sink.url(), "Lapak <no-reply@lapak.example>", "https://lapak.example/").unwrap();
    let message = EmailMessage {
        to: "siti.aminah@example.id".into(),
        template: "scheduled".into(),
        lang: "id".into(),
        name: "Siti Aminah".into(),
        resume_token: None,
        company: None,
        claim_number: Some("K7M29QXDR".into()),
        appointment: Some(AppointmentNote {
            uid: "KC901-m1-20261207-0800@lapak".into(),
            starts_at: "2026-12-06T23:00:00Z".parse().unwrap(),
            ends_at: "2026-12-06T23:30:00Z".parse().unwrap(),
            time_zone: "Asia/Jayapura".into(),
            mode: lapak_domain::schedule::Mode::OneToMany,
            branch_name: "Kantor Cabang Jayapura".into(),
            link: None,
        }),
    };
    let item = lapak_storage::OutboxItem {
        id: 1,
        kind: "email".into(),
        payload: serde_json::to_string(&message).unwrap(),
        attempts: 0,
    };
    mailer.deliver(&item).await.unwrap();
    let arrived = sink.messages();
    assert_eq!(arrived.len(), 1);
    let mail = arrived[0].replace("=\n", "").replace("\r\n ", " ");
    assert!(mail.contains("Senin, 7 Desember 2026, 08.00 WIT"), "{mail}");
    assert!(mail.contains("Kantor Cabang Jayapura"), "{mail}");
    assert!(mail.contains("K7M2-9QXD-R"), "{mail}");
    assert!(mail.contains("text/calendar"), "{mail}");
    // The invitation may be base64-encoded in the message; find and decode it.
    let ics = if mail.contains("BEGIN:VCALENDAR") {
        mail.clone()
    } else {
        use base64::Engine;
        let part = mail.split("undangan.ics").nth(1).expect("the attachment");
        let body: String =
            part.split("\r\n\r\n").nth(1).unwrap().lines().take_while(|l| !l.starts_with("--")).collect();
        String::from_utf8(base64::engine::general_purpose::STANDARD.decode(body.trim()).unwrap()).unwrap()
    };
    assert!(ics.contains("BEGIN:VCALENDAR"), "{ics}");
    assert!(ics.contains("DTSTART:20261206T230000Z"), "{ics}");
    assert!(ics.contains("UID:KC901-m1-20261207-0800@lapak"), "{ics}");
}

/// Sent again (the relay stopped after the server took it and before marking it sent), a
/// message carries the same Message-ID, so that mail systems can show it once; another
/// message has its own.
#[tokio::test]
async fn a_message_sent_again_keeps_its_message_id() {
    use lapak_claims::EmailMessage;
    use lapak_workers::outbox::Deliver;
    let sink = SmtpSink::start().await;
    let mailer = Mailer::smtp(&sink.url(), "Lapak <no-reply@lapak.example>", "https://lapak.example/").unwrap();
    let item = |id: i64, number: &str| lapak_storage::OutboxItem {
        id,
        kind: "email".into(),
        payload: serde_json::to_string(&EmailMessage {
            to: "siti.aminah@example.id".into(),
            template: "submitted".into(),
            lang: "id".into(),
            name: "Siti Aminah".into(),
            resume_token: None,
            claim_number: Some(number.into()),
            appointment: None,
            company: None,
        })
        .unwrap(),
        attempts: 0,
    };
    mailer.deliver(&item(7, "K7M29QXDR")).await.unwrap();
    mailer.deliver(&item(7, "K7M29QXDR")).await.unwrap();
    mailer.deliver(&item(8, "T7DY7PFTP")).await.unwrap();
    // The same row number in another database (a demo loaded again), another message.
    mailer.deliver(&item(7, "T7DY7PFTP")).await.unwrap();
    let ids: Vec<String> = sink
        .messages()
        .iter()
        .map(|m| {
            let line = m.lines().find(|l| l.to_ascii_lowercase().starts_with("message-id:")).expect("a Message-ID");
            line.split_once(':').unwrap().1.trim().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], ids[1], "one message, one id");
    assert!(ids[0].starts_with("<lapak-7.") && ids[0].ends_with("@lapak.example>"), "{}", ids[0]);
    assert_ne!(ids[0], ids[2]);
    assert_ne!(ids[0], ids[3]);
}
