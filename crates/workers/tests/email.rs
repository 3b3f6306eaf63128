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
    assert_eq!(run_once(t.store.as_ref(), &mailer, &config, now).await.unwrap(), Pass { delivered: 0, failed: 1 });
    sink.refuse(false);
    let later = now + SignedDuration::from_secs(15);
    assert_eq!(run_once(t.store.as_ref(), &mailer, &config, later).await.unwrap(), Pass { delivered: 1, failed: 0 });
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
}
