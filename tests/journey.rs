//! The participant's journey over real HTTP: plain forms, cookies and redirects, as a
//! browser without JavaScript would do it.

use lapak_domain::documents::{required_documents, DocumentKind};
use lapak_tests::*;
use reqwest::multipart;
use std::net::SocketAddr;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n";

/// Behind a TLS proxy: links in pages use the configured public address.
const PUBLIC_URL: &str = "https://lapak.example";

async fn spawn_app() -> (SocketAddr, TestStore) {
    let t = seeded().await;
    let addr = serve_with(&t, lapak_web::Limits { public_url: Some(PUBLIC_URL.into()), ..Default::default() }).await;
    (addr, t)
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder().cookie_store(true).build().unwrap()
}

async fn post_form(c: &reqwest::Client, url: String, form: &[(&str, &str)]) -> (u16, String, String) {
    let res = c.post(url).form(form).send().await.unwrap();
    let status = res.status().as_u16();
    let final_url = res.url().path().to_string();
    (status, final_url, res.text().await.unwrap())
}

/// The task list says how long the agency keeps a draft nobody changes.
#[tokio::test]
async fn the_task_list_says_how_long_a_draft_is_kept() {
    let t = seeded().await;
    let addr = serve_with(&t, lapak_web::Limits { draft_days: 45, ..Default::default() }).await;
    let right = [("nik", NIK_SITI), ("kpj", "12345678901"), ("full_name", "Siti Aminah"), ("birth_date", "15/05/1990")];
    let (status, path, body) = post_form(&browser(), format!("http://{addr}/klaim/identitas"), &right).await;
    assert_eq!((status, path.as_str()), (200, "/klaim"));
    assert!(body.contains("tidak diubah selama 45 hari akan dihapus"), "{body}");
}

#[tokio::test]
async fn a_participant_files_a_claim_and_tracks_it_in_indonesian() {
    let (addr, t) = spawn_app().await;
    let base = format!("http://{addr}");
    let c = browser();

    let start = c.get(format!("{base}/klaim")).send().await.unwrap().text().await.unwrap();
    assert!(start.contains("Siapa Anda?"));
    assert!(start.contains("for=\"field-nik\""), "every field has a label");

    // A mismatch: one message, the form keeps what was typed, the title starts with Galat.
    let wrong = [("nik", NIK_SITI), ("kpj", "12345678999"), ("full_name", "Siti Aminah"), ("birth_date", "15/05/1990")];
    let (status, _, body) = post_form(&c, format!("{base}/klaim/identitas"), &wrong).await;
    assert_eq!(status, 422);
    assert!(body.contains("<title>Galat:"));
    assert!(body.contains("tidak cocok dengan data kepesertaan"));
    assert!(body.contains("value=\"12345678999\""), "nothing typed is lost");

    // A malformed NIK: the error is tied to its field.
    let bad = [("nik", "12345"), ("kpj", "12345678901"), ("full_name", "Siti Aminah"), ("birth_date", "15/05/1990")];
    let (_, _, body) = post_form(&c, format!("{base}/klaim/identitas"), &bad).await;
    assert!(body.contains("href=\"#field-nik\""));
    assert!(body.contains("aria-describedby=\"hint-nik error-nik\""));

    let right = [("nik", NIK_SITI), ("kpj", "12345678901"), ("full_name", "siti aminah"), ("birth_date", "15/05/1990")];
    let (status, path, body) = post_form(&c, format!("{base}/klaim/identitas"), &right).await;
    assert_eq!((status, path.as_str()), (200, "/klaim"));
    assert!(body.contains("Pengajuan klaim JHT Anda"));

    let (status, path, _) =
        post_form(&c, format!("{base}/klaim/sebab"), &[("cause", "layoff"), ("last_working_day", "30/09/2026")]).await;
    assert_eq!((status, path.as_str()), (200, "/klaim/sebab/hasil"));
    let result = c.get(format!("{base}/klaim/sebab/hasil")).send().await.unwrap().text().await.unwrap();
    assert!(result.contains("Anda dapat mengajukan klaim sekarang"));
    assert!(result.contains("Rp35.750.000"), "estimated payment shown");

    let bad_payment = [
        ("bank_code", "014"),
        ("account_number", "123"),
        ("account_holder", "Siti Aminah"),
        ("email", "siti.aminah@example.id"),
        ("whatsapp", "081234567890"),
        ("npwp", ""),
        ("branch", "KC001"),
    ];
    let (status, _, body) = post_form(&c, format!("{base}/klaim/pembayaran"), &bad_payment).await;
    assert_eq!(status, 422);
    assert!(body.contains("Jumlah digit nomor rekening tidak sesuai"));
    assert!(body.contains("value=\"siti.aminah@example.id\""));
    let mut payment = bad_payment;
    payment[1] = ("account_number", "1234567890");
    let (status, _, _) = post_form(&c, format!("{base}/klaim/pembayaran"), &payment).await;
    assert_eq!(status, 200);

    // A file named .jpg that is HTML is refused at its field.
    let fake = multipart::Form::new().text("kind", "ektp").part(
        "file",
        multipart::Part::bytes(b"<html><script>alert(1)</script></html>".to_vec())
            .file_name("ktp.jpg")
            .mime_str("image/jpeg")
            .unwrap(),
    );
    let res = c.post(format!("{base}/klaim/dokumen")).multipart(fake).send().await.unwrap();
    assert_eq!(res.status(), 422);
    assert!(res.text().await.unwrap().contains("Berkas harus JPG, PNG, atau PDF"));
    // A phone photo over the upload limit (here 9 MB against 6) is read to its end and
    // refused at its field, the page whole; one over the larger cap of a request is refused
    // unread, with a page that says what to do.
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.resize(9 * 1024 * 1024, 0);
    let form = multipart::Form::new()
        .text("kind", "ektp")
        .part("file", multipart::Part::bytes(photo).file_name("IMG_2041.jpg"));
    let res = c.post(format!("{base}/klaim/dokumen")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("id=\"error-file-ektp\"") && page.contains("Berkas lebih besar dari 6 MB."), "{page}");
    assert!(page.contains("<title>Galat:"), "{page}");
    let huge = vec![0u8; lapak_web::upload_body_bytes(&lapak_web::Limits::default()) + 1];
    let form =
        multipart::Form::new().text("kind", "ektp").part("file", multipart::Part::bytes(huge).file_name("video.jpg"));
    let res = c.post(format!("{base}/klaim/dokumen")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), 413);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = res.text().await.unwrap();
    assert!(page.contains("<h1>Berkas terlalu besar</h1>") && page.contains("paling besar 6 MB"), "{page}");

    for (kind, _) in required_documents(lapak_domain::cause::ClaimCause::Layoff) {
        if *kind == DocumentKind::Npwp {
            continue;
        }
        let form = multipart::Form::new()
            .text("kind", kind.code())
            .part("file", multipart::Part::bytes(PDF.to_vec()).file_name("scan.pdf"));
        let res = c.post(format!("{base}/klaim/dokumen")).multipart(form).send().await.unwrap();
        assert_eq!(res.status(), 200, "{}", kind.code());
    }

    // A reload, and even a new browser with the same cookie, loses nothing.
    let review = c.get(format!("{base}/klaim/periksa")).send().await.unwrap().text().await.unwrap();
    assert!(review.contains("Periksa jawaban Anda"));
    assert!(review.contains("siti.aminah@example.id"));
    assert!(review.contains("action=\"/klaim/kirim\""), "ready to submit");
    assert!(!review.contains(NIK_SITI), "the NIK is shown masked");

    let (status, path, body) = post_form(&c, format!("{base}/klaim/kirim"), &[]).await;
    assert_eq!((status, path.as_str()), (200, "/klaim/selesai"));
    assert!(body.contains("Klaim Anda telah diajukan"));
    let number = body.split("class=\"claim-number\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    // A second click on the stale page: the same claim.
    let (_, _, again) = post_form(&c, format!("{base}/klaim/kirim"), &[]).await;
    assert!(again.contains(&number));
    assert_eq!(t.store.counts().await.unwrap().claims, 1);

    let receipt = c.get(format!("{base}/klaim/tanda-terima")).send().await.unwrap().text().await.unwrap();
    assert!(receipt.contains(&number));
    assert!(receipt.contains("data:image/svg+xml;base64,"), "QR code to tracking");
    assert!(receipt.contains(&format!("{PUBLIC_URL}/lacak</span>")), "the public address, not the request's host");

    // Tracking needs no account: number plus birth date, in another browser.
    let other = browser();
    let (status, _, body) =
        post_form(&other, format!("{base}/lacak"), &[("claim_number", &number), ("birth_date", "15/05/1990")]).await;
    assert_eq!(status, 200);
    assert!(body.contains("Diajukan"));
    assert!(body.contains("WIB"));
    let (status, _, body) =
        post_form(&other, format!("{base}/lacak"), &[("claim_number", &number), ("birth_date", "16/05/1990")]).await;
    assert_eq!(status, 404);
    assert!(body.contains("Tidak ada klaim dengan nomor dan tanggal lahir tersebut"));
}

#[tokio::test]
async fn the_first_page_in_english() {
    let (addr, _t) = spawn_app().await;
    let body =
        browser().get(format!("http://{addr}/klaim/identitas?lang=en")).send().await.unwrap().text().await.unwrap();
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("Who are you?"));
    assert!(body.contains("Date of birth"));
}

#[tokio::test]
async fn the_resume_cookie_is_secure_when_served_over_https() {
    let t = seeded().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let documents = lapak_storage::DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let limits = lapak_web::Limits { secure_cookies: true, ..Default::default() };
    tokio::spawn(lapak_web::serve(
        listener,
        lapak_web::router(t.store.clone(), documents, &limits),
        std::future::pending(),
    ));
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let right = [("nik", NIK_SITI), ("kpj", "12345678901"), ("full_name", "Siti Aminah"), ("birth_date", "15/05/1990")];
    let res = c.post(format!("http://{addr}/klaim/identitas")).form(&right).send().await.unwrap();
    assert_eq!(res.status(), 303);
    let cookie = res.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("lapak_klaim=") && cookie.contains("HttpOnly") && cookie.ends_with("; Secure"),
        "{cookie}"
    );
}

/// Coming back through the identity step (another phone, a cleared browser) gives that
/// browser a link of its own and leaves the e-mailed one working; the resume e-mail goes
/// once, not at every visit. A link that opens nothing says so above the identity step
/// (410) instead of dropping the participant there without a word.
#[tokio::test]
async fn coming_back_keeps_the_e_mailed_link_and_sends_no_second_e_mail() {
    let (addr, t) = spawn_app().await;
    let base = format!("http://{addr}");
    let c = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let identity =
        [("nik", NIK_SITI), ("kpj", "12345678901"), ("full_name", "Siti Aminah"), ("birth_date", "15/05/1990")];
    let token = || async {
        let res = c.post(format!("{base}/klaim/identitas")).form(&identity).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
        cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_string()
    };
    let tokens = [token().await, token().await, token().await];
    assert!(tokens[0] != tokens[1] && tokens[1] != tokens[2]);
    for t in &tokens {
        let res = c.get(format!("{base}/klaim/lanjut/{t}")).send().await.unwrap();
        assert_eq!((res.status().as_u16(), res.headers()["location"].to_str().unwrap()), (303, "/klaim"));
    }
    let due = t.store.lease_outbox(jiff::Timestamp::now(), 60_000_000, 10).await.unwrap();
    let resumes: Vec<serde_json::Value> = due
        .iter()
        .map(|m| serde_json::from_str::<serde_json::Value>(&m.payload).unwrap())
        .filter(|m| m["template"] == "resume")
        .collect();
    assert_eq!(resumes.len(), 1, "{resumes:?}");
    assert_eq!(resumes[0]["resume_token"], tokens[0].as_str(), "the e-mailed link is the first visit's");

    let res = c.get(format!("{base}/klaim/lanjut/{}x", tokens[0])).send().await.unwrap();
    assert_eq!(res.status(), 410);
    let page = res.text().await.unwrap();
    assert!(page.contains("Tautan ini sudah tidak berlaku") && page.contains("id=\"field-nik\""), "{page}");
}

/// A database that cannot take requests (its server out of reach; on SQLite, another
/// process holding the write lock past the busy timeout): a step is answered 503 with
/// `Retry-After` and says why in the visitor's language, with what was typed kept; the API
/// answers `unavailable`; a draft is not taken for gone; attempts so answered do not count
/// against the guessing limits. Once the database is back the same step goes through.
#[tokio::test]
async fn while_the_database_cannot_take_requests_people_are_told_to_try_again_and_lose_nothing() {
    use lapak_storage::Engine;
    use sqlx::Connection;
    let t = seeded().await;
    // PostgreSQL: Lapak reaches its server through a relay the test cuts. SQLite: another
    // connection holds the write lock, as a backup tool or a second process might.
    let (store, relay) = match t.store.engine() {
        Engine::Postgres => {
            let (relay, url) = relay::Relay::for_postgres(&t.url).await;
            (lapak_storage::open(&url, t.keys.clone()).await.unwrap(), Some(relay))
        }
        Engine::Sqlite => (t.store.clone(), None),
    };
    // Tight guessing limits: three identity checks a minute for Siti, one lookup per number.
    let rate_limits = lapak_claims::RateLimits { identity_per_person: 3, tracking_per_number: 1, ..Default::default() };
    let addr = serve_another(&t, store, lapak_web::Limits { rate_limits, ..Default::default() }).await;
    let base = format!("http://{addr}");
    let siti = [("nik", NIK_SITI), ("kpj", "12345678901"), ("full_name", "Siti Aminah"), ("birth_date", "15/05/1990")];
    let app = serde_json::json!({ "nik": NIK_SITI, "kpj": "12345678901", "full_name": "Siti Aminah", "birth_date": "1990-05-15" });
    // Siti starts her claim while all is well.
    let c = browser();
    let (status, path, _) = post_form(&c, format!("{base}/klaim/identitas"), &siti).await;
    assert_eq!((status, path.as_str()), (200, "/klaim"));

    let mut lock = None;
    match &relay {
        Some(relay) => relay.cut(),
        None => {
            let mut conn = sqlx::SqliteConnection::connect(&t.url).await.unwrap();
            sqlx::query("BEGIN IMMEDIATE").execute(&mut conn).await.unwrap();
            lock = Some(conn);
        }
    }
    // On another phone she starts again: the form comes back with what she typed and why.
    let res = browser().post(format!("{base}/klaim/identitas")).form(&siti).send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "30");
    let page = res.text().await.unwrap();
    assert!(page.contains("<title>Galat:") && page.contains("Penyimpanan data sedang terganggu"), "{page}");
    assert!(page.contains("value=\"12345678901\"") && page.contains("value=\"Siti Aminah\""), "{page}");
    // An app is told the same in JSON, in its language.
    let http = reqwest::Client::new();
    let res =
        http.post(format!("{base}/api/v1/claims")).header("accept-language", "en").json(&app).send().await.unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["retry-after"], "30");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "unavailable");
    assert!(body["message"].as_str().unwrap().contains("cannot reach its data storage"), "{body}");
    // The app's retry, past the limit (Siti's fourth identity check in the minute), is not
    // refused: attempts that could not be served are given back, so people told to try
    // again are not refused for trying, now or once the database is back.
    let res = http.post(format!("{base}/api/v1/claims")).json(&app).send().await.unwrap();
    assert_eq!(res.status(), 503);
    // Nor is a second lookup of a number refreshed while the server is out of reach (one
    // lookup per number allowed; on SQLite, tracking reads go on while another process
    // writes).
    let track = serde_json::json!({ "claim_number": "K7M2-9QXD-R", "birth_date": "1990-05-15" });
    if relay.is_some() {
        for _ in 0..2 {
            let res = http.post(format!("{base}/api/v1/track")).json(&track).send().await.unwrap();
            assert_eq!(res.status(), 503);
        }
    }
    // The operator's metrics count such answers.
    let metrics = reqwest::get(format!("{base}/metrics")).await.unwrap().text().await.unwrap();
    assert!(metrics.contains("lapak_http_store_unavailable_total"), "{metrics}");
    // Her draft is not taken for gone: no new start. With the server out of reach the page
    // says so; SQLite's reads go on while another process writes.
    let res = c.get(format!("{base}/klaim")).send().await.unwrap();
    assert_eq!(res.url().path(), "/klaim", "not sent back to the start");
    match &relay {
        Some(relay) => {
            assert_eq!(res.status(), 503);
            assert_eq!(res.headers()["retry-after"], "30");
            let page = res.text().await.unwrap();
            assert!(page.contains("<h1>Layanan sementara tidak tersedia</h1>"), "{page}");
            assert_eq!(reqwest::get(format!("{base}/readyz")).await.unwrap().status(), 503);
            // Back for a moment, then a server that does not answer at all: the call is told
            // so once a connection has taken too long, not held until the request's own
            // time runs out.
            relay.mend();
            ready_again(&base).await;
            relay.silence();
            let res = reqwest::Client::new()
                .post(format!("{base}/api/v1/track"))
                .json(&serde_json::json!({ "claim_number": "K7M2-9QXD-R", "birth_date": "1990-05-15" }))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 503);
            assert_eq!(res.json::<serde_json::Value>().await.unwrap()["code"], "unavailable");
            // Found out once: twenty people at once are told at once, with at most one
            // connection tried at a time (not one per request, each held five seconds).
            let before = relay.unanswered();
            let asks = (0..20).map(|_| c.get(format!("{base}/klaim")).send());
            for res in futures::future::join_all(asks).await {
                assert_eq!(res.unwrap().status(), 503);
            }
            assert!(relay.unanswered() - before <= 1, "{} tries", relay.unanswered() - before);
        }
        None => assert_eq!(res.status(), 200),
    }

    // The database is back: the same step and the same call go through.
    match &relay {
        Some(relay) => relay.mend(),
        None => {
            let mut conn = lock.take().unwrap();
            sqlx::query("ROLLBACK").execute(&mut conn).await.unwrap();
        }
    }
    if relay.is_some() {
        ready_again(&base).await;
    }
    let (status, path, _) = post_form(&browser(), format!("{base}/klaim/identitas"), &siti).await;
    assert_eq!((status, path.as_str()), (200, "/klaim"));
    let res = reqwest::Client::new().post(format!("{base}/api/v1/claims")).json(&app).send().await.unwrap();
    assert_eq!(res.status(), 201);
    assert_eq!(c.get(format!("{base}/klaim")).send().await.unwrap().status(), 200);
    let res = reqwest::Client::new().post(format!("{base}/api/v1/track")).json(&track).send().await.unwrap();
    assert_eq!(res.status(), 404, "an unknown number, not a refusal");
}

/// Waits until Lapak finds its database again: a server found out of reach is tried again
/// once a second.
async fn ready_again(base: &str) {
    for _ in 0..50 {
        if reqwest::get(format!("{base}/readyz")).await.unwrap().status() == 200 {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("not ready five seconds after the database came back");
}
