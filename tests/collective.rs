//! The collective channel over real HTTP, a real SMTP receiver and the chosen engine: a
//! company appoints its representative, the branch confirms, the representative files for
//! 300 laid-off workers (fixing the rows the report flags), attends one collective session,
//! the officer decides the batch with exceptions, and each worker sees their own claim; a
//! company under 30% is refused with the computation shown.

use jiff::Timestamp;
use lapak_domain::lifecycle::ClaimState;
use lapak_domain::member::BranchCode;
use lapak_domain::staff::StaffRole;
use lapak_registry::demo::{self, CollectiveDemo};
use lapak_tests::smtp::SmtpSink;
use lapak_tests::web::{field, signed_in, Client};
use lapak_tests::*;
use lapak_workers::outbox::{run_once, RelayConfig};
use reqwest::header::{COOKIE, LOCATION};

const PASSWORD: &str = "kuda laut biru tujuh";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";

fn today() -> jiff::civil::Date {
    lapak_claims::today()
}

/// KC001 with the demo capacity (a collective session on weekday afternoons) and the two
/// demo companies: 300 of 750 laid off, and 200 of 1,000.
async fn registry(t: &TestStore) -> Vec<CollectiveDemo> {
    let kc = branch("KC001");
    t.store.upsert_branches(std::slice::from_ref(&kc)).await.unwrap();
    for c in demo::capacities(std::slice::from_ref(&kc)) {
        t.store.set_capacity(&c).await.unwrap();
    }
    let companies = demo::collective(&BranchCode::parse("KC001").unwrap(), today());
    for c in &companies {
        t.store.upsert_companies(std::slice::from_ref(&c.company)).await.unwrap();
        t.store.upsert_members(&c.workers).await.unwrap();
    }
    companies
}

fn list(c: &CollectiveDemo, faults: usize) -> Vec<u8> {
    lapak_claims::worker_list::xlsx(
        "Pekerja",
        &lapak_claims::worker_list::template_header(),
        &demo::worker_list(c, faults),
    )
    .unwrap()
}

async fn upload(c: &Client, cookies: &str, path: &str, csrf: &str, name: &str, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()));
    c.http
        .post(format!("{}{path}", c.base))
        .header(COOKIE, cookies)
        .header("accept-language", "id")
        .multipart(form)
        .send()
        .await
        .unwrap()
}

async fn deliver(t: &TestStore, sink: &SmtpSink) {
    let channels = lapak_workers::text::Channels {
        email: Box::new(
            lapak_workers::email::Mailer::smtp(&sink.url(), "lapak@lapak.example", "https://lapak.example").unwrap(),
        ),
        text: Box::new(
            lapak_workers::text::TextSender::folder(&t.dir.path().join("sms"), "https://lapak.example").unwrap(),
        ),
    };
    let config = RelayConfig { batch: 1_000, ..RelayConfig::default() };
    loop {
        let pass = run_once(t.store.as_ref(), &channels, &config, Timestamp::now()).await.unwrap();
        assert_eq!(pass.failed, 0);
        if pass.delivered == 0 {
            break;
        }
    }
}

fn batch_id(res: &reqwest::Response) -> String {
    res.headers()[LOCATION].to_str().unwrap().trim_start_matches("/staf/kolektif/").to_string()
}

/// The representative signed in (second factor enrolled) with a new batch: their cookie,
/// the form token and the batch id.
async fn new_batch(c: &Client, username: &str) -> (String, String, String) {
    let pic = signed_in(c, username, PASSWORD).await;
    let home = c.get("/staf/kolektif", &pic).await.text().await.unwrap();
    let csrf = field(&home, "csrf");
    let batch = batch_id(&c.post("/staf/kolektif/baru", &pic, &[("csrf", &csrf)]).await);
    (pic, csrf, batch)
}

#[tokio::test]
async fn a_representative_files_for_three_hundred_workers_and_each_worker_sees_their_claim() {
    let t = test_store().await;
    let companies = registry(&t).await;
    let textile = &companies[0];
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("admin.kc001", "Admin KC001", StaffRole::BranchAdmin, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("petugas.kc001", "Petugas KC001", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let sink = SmtpSink::start().await;
    let c = Client::serving(&t).await;

    // 1. The company appoints its representative. A "PDF" that is a web page is refused at
    // its field and nothing is kept; then the real letters go through.
    let appoint = |attorney: Vec<u8>, statement: Vec<u8>| {
        reqwest::multipart::Form::new()
            .text("npp", "90000001")
            .text("name", "Rina Wulandari")
            .text("email", "Rina.HR@tekstil.example")
            .text("phone", "0812 7777 1234")
            .text("password", PASSWORD)
            .text("password2", PASSWORD)
            .part("attorney", reqwest::multipart::Part::bytes(attorney).file_name("kuasa.pdf"))
            .part("statement", reqwest::multipart::Part::bytes(statement).file_name("pernyataan.pdf"))
    };
    let post = |form| {
        c.http.post(format!("{}/kolektif/daftar", c.base)).header("accept-language", "id").multipart(form).send()
    };
    let bad = post(appoint(PDF.to_vec(), b"<html><script>alert(1)</script></html>".to_vec())).await.unwrap();
    assert_eq!(bad.status(), 422);
    let page = bad.text().await.unwrap();
    assert!(
        page.contains("id=\"error-statement\"") && page.contains("value=\"Rina Wulandari\""),
        "kept what was typed"
    );
    assert!(t.store.pending_representatives(None).await.unwrap().is_empty());
    // A short password with good letters: refused at its field, nothing kept either.
    let short = appoint(PDF.to_vec(), PDF.to_vec()).text("password", "pendek").text("password2", "pendek");
    let short = post(short).await.unwrap();
    assert_eq!(short.status(), 422);
    assert!(short.text().await.unwrap().contains("id=\"error-password\""));
    assert!(t.store.pending_representatives(None).await.unwrap().is_empty());
    // Scans as offices make them: each under the limit of 6 MB, together over it, and one
    // over it, refused at its own field.
    let scan = |mb: usize| {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.resize(mb * 1024 * 1024 - 6, b' ');
        pdf.extend_from_slice(b"%%EOF\n");
        pdf
    };
    let big = post(appoint(PDF.to_vec(), scan(9))).await.unwrap();
    assert_eq!(big.status(), 422);
    let page = big.text().await.unwrap();
    assert!(page.contains("id=\"error-statement\"") && !page.contains("id=\"error-attorney\""), "{page}");
    assert!(page.contains("Berkas lebih besar dari 6 MB.") && page.contains("value=\"Rina Wulandari\""));
    assert!(t.store.pending_representatives(None).await.unwrap().is_empty());
    let ok = post(appoint(scan(4), scan(4))).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.text().await.unwrap().contains("Penunjukan diterima"));
    // Sent again (a reload), and twice at once (a double click): the one request waits.
    let (a, b) = futures::future::join(post(appoint(scan(4), scan(4))), post(appoint(scan(4), scan(4)))).await;
    for again in [post(appoint(scan(4), scan(4))).await.unwrap(), a.unwrap(), b.unwrap()] {
        assert_eq!(again.status(), 200);
        assert!(again.text().await.unwrap().contains("Penunjukan diterima"));
    }
    assert_eq!(t.store.pending_representatives(None).await.unwrap().len(), 1, "one request");

    // 2. The branch admin reads the letters (audited) and confirms.
    let admin = signed_in(&c, "admin.kc001", PASSWORD).await;
    let requests = c.get("/staf/perwakilan", &admin).await.text().await.unwrap();
    assert!(requests.contains("PT Tekstil Nusantara Demo") && requests.contains("rina.hr@tekstil.example"));
    let id = field(&requests, "id");
    let letter = c.get(&format!("/staf/perwakilan/{id}/kuasa"), &admin).await;
    assert_eq!(letter.headers()["content-type"], "application/pdf");
    assert_eq!(letter.bytes().await.unwrap().as_ref(), scan(4));
    let confirmed = c
        .post("/staf/perwakilan", &admin, &[("csrf", &field(&requests, "csrf")), ("id", &id), ("decision", "confirm")])
        .await;
    assert_eq!(confirmed.status(), 303);
    deliver(&t, &sink).await;
    let mail = sink.messages().join("\n").replace("=\n", "");
    assert!(
        mail.contains("To: rina.hr@tekstil.example") && mail.contains("https://lapak.example/staf/masuk"),
        "{mail}"
    );

    // 3. The representative signs in (second factor enrolled) and lands on the company page.
    let pic = signed_in(&c, "rina.hr@tekstil.example", PASSWORD).await;
    assert_eq!(c.get("/staf", &pic).await.headers()[LOCATION], "/staf/kolektif");
    let home = c.get("/staf/kolektif", &pic).await.text().await.unwrap();
    assert!(home.contains("PT Tekstil Nusantara Demo") && home.contains("750"), "{home}");
    let created = c.post("/staf/kolektif/baru", &pic, &[("csrf", &field(&home, "csrf"))]).await;
    let batch = batch_id(&created);
    let path = format!("/staf/kolektif/{batch}");
    let csrf = field(&home, "csrf");

    // 4. The list with three rows spoiled: the report names each cell at fault.
    let first = upload(&c, &pic, &format!("{path}/daftar"), &csrf, "pekerja.xlsx", list(textile, 3)).await;
    assert_eq!(first.status(), 303);
    let page = c.get(&path, &pic).await.text().await.unwrap();
    assert!(page.contains("<strong>297</strong> dari 300"), "{page}");
    assert!(page.contains("297 dari 750 tenaga kerja = 39%: memenuhi syarat minimal 30%"), "{page}");
    for (line, column) in [(2, "pemilik_rekening"), (3, "tanggal_lahir"), (4, "nomor_rekening")] {
        assert!(page.contains(&format!("<tr><td>{line}</td><td>{column}</td>")), "line {line} {column}: {page}");
    }
    let report = c.get(&format!("{path}/laporan.xlsx?versi=1"), &pic).await.bytes().await.unwrap();
    let rows = sheet_rows(&report);
    assert_eq!(rows.len(), 4, "a header and the three problems");
    assert_eq!(rows[1][..2], ["2".to_string(), "pemilik_rekening".to_string()]);

    // Filing needs the termination letter.
    let early = c.post(&format!("{path}/ajukan"), &pic, &[("csrf", &csrf), ("version", "1")]).await;
    assert_eq!(early.status(), 422);
    assert!(early.text().await.unwrap().contains("surat PHK"));
    assert_eq!(upload(&c, &pic, &format!("{path}/surat"), &csrf, "phk.pdf", PDF.to_vec()).await.status(), 303);

    // 5. The fixed list is version 2; both versions are kept.
    assert_eq!(
        upload(&c, &pic, &format!("{path}/daftar"), &csrf, "pekerja-v2.xlsx", list(textile, 0)).await.status(),
        303
    );
    let page = c.get(&path, &pic).await.text().await.unwrap();
    assert!(
        page.contains("<strong>300</strong> dari 300") && page.contains("Versi 2") && page.contains("pekerja.xlsx")
    );
    assert!(page.contains("300 dari 750 tenaga kerja = 40%"), "{page}");

    // 6. Filing: 300 claims at once; filing again changes nothing.
    for _ in 0..2 {
        let filed = c.post(&format!("{path}/ajukan"), &pic, &[("csrf", &csrf), ("version", "2")]).await;
        assert_eq!(filed.status(), 303);
    }
    let workers = t.store.batch_workers(&batch).await.unwrap();
    assert_eq!(workers.len(), 300);
    let record = t.store.batch(&batch).await.unwrap().unwrap();
    assert!(record.session_id.is_some(), "seated in a collective session at once");
    assert!(workers.iter().all(|w| w.state == ClaimState::Scheduled));
    let page = c.get(&path, &pic).await.text().await.unwrap();
    assert!(page.contains("Sesi kolektif:") && page.contains("Dijadwalkan: <strong>300</strong>"), "{page}");

    // Workers' documents as one ZIP, a folder per NIK: what is safe and recognised is
    // attached to the worker's claim, the rest is listed with the reason.
    let holder = textile.workers.iter().find(|m| m.kpj == workers[3].kpj).unwrap();
    let nik = holder.nik.as_str();
    // Kept as a participant's own upload would be: a PDF with a script is refused, a phone
    // photo written anew without its camera metadata.
    let scripted = b"%PDF-1.7\n1 0 obj << /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n";
    let mut photo = Vec::new();
    image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([x as u8, y as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut photo), image::ImageFormat::Jpeg)
        .unwrap();
    let exif = b"Exif\0\0GPS -6.9175,107.6191";
    let mut phone_photo = vec![0xFF, 0xD8, 0xFF, 0xE1, 0, exif.len() as u8 + 2];
    phone_photo.extend_from_slice(exif);
    phone_photo.extend_from_slice(&photo[2..]);
    let zip = {
        use std::io::Write;
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        for (name, bytes) in [
            (format!("{nik}/ktp.pdf"), PDF.to_vec()),
            (format!("dokumen/{nik}/KK.pdf"), PDF.to_vec()),
            (format!("../{nik}/kartu-peserta.pdf"), PDF.to_vec()),
            ("3273019999999999/ktp.pdf".to_string(), PDF.to_vec()),
            (format!("{nik}/buku-tabungan.pdf"), vec![0u8; 3 << 20]),
            (format!("{nik}/kartu-peserta.pdf"), scripted.to_vec()),
            (format!("{nik}/foto.jpg"), phone_photo),
        ] {
            w.start_file(name, options).unwrap();
            w.write_all(&bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    };
    let sent = upload(&c, &pic, &format!("{path}/dokumen"), &csrf, "dokumen.zip", zip.clone()).await;
    let status = sent.status();
    let page = sent.text().await.unwrap();
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("3 dokumen dilampirkan"), "{page}");
    assert!(page.contains("PDF ini memuat skrip"), "{page}");
    // The same archive sent again attaches nothing twice.
    let again = upload(&c, &pic, &format!("{path}/dokumen"), &csrf, "dokumen.zip", zip).await.text().await.unwrap();
    assert!(again.contains("0 dokumen dilampirkan"), "{again}");
    let attached = t.store.documents(&workers[3].claim_id).await.unwrap();
    assert_eq!(attached.len(), 3);
    let kept_photo = attached.iter().find(|d| d.kind == lapak_domain::documents::DocumentKind::Photo).unwrap();
    let documents = lapak_storage::DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let stored = documents.get(&kept_photo.object_key).await.unwrap();
    assert!(!stored.windows(4).any(|w| w == b"Exif") && !stored.windows(3).any(|w| w == b"GPS"), "kept as sent");
    assert_eq!(image::load_from_memory(&stored).unwrap().width(), 64);
    assert!(
        page.contains("tidak aman") && page.contains("NIK ini tidak ada di batch ini") && page.contains("mencurigakan"),
        "{page}"
    );
    let row = page
        .split(&format!("<td>{}</td>", holder.kpj.as_str()))
        .nth(1)
        .unwrap()
        .split("</tr>")
        .next()
        .unwrap()
        .to_string();
    assert!(!row.contains("e-KTP") && !row.contains("Kartu Keluarga") && row.contains("Buku tabungan"), "{row}");

    // 7. Every worker gets their own message; one objects through their own link.
    deliver(&t, &sink).await;
    let mails = sink.messages();
    let worker = &textile.workers[0];
    let session_mail = mails
        .iter()
        .map(|m| m.replace("=\n", ""))
        .find(|m| m.contains("To: rina.hr@tekstil.example") && m.contains("Sesi kolektif"))
        .expect("the representative is told of the session");
    assert!(session_mail.contains("BEGIN:VCALENDAR") || session_mail.contains("text/calendar"), "with an invitation");
    let own = mails
        .iter()
        .map(|m| m.replace("=\n", ""))
        .find(|m| m.contains(&format!("To: {}", worker.email.as_ref().unwrap().as_str())))
        .expect("the worker's message");
    assert!(own.contains("PT Tekstil Nusantara Demo"), "{own}");
    let token = own
        .split("/kolektif/klaim/")
        .nth(1)
        .unwrap()
        .split(|ch: char| !ch.is_ascii_alphanumeric() && ch != '-' && ch != '_')
        .next()
        .unwrap()
        .to_string();
    // Tracking says the company's representative attends, and when.
    let filed_for = workers.iter().find(|w| w.kpj == textile.workers[5].kpj).unwrap();
    let birth = textile.workers[5].birth_date.strftime("%d/%m/%Y").to_string();
    let tracked = c.post("/lacak", "", &[("claim_number", filed_for.number.as_str()), ("birth_date", &birth)]).await;
    let tracked = tracked.text().await.unwrap();
    assert!(tracked.contains("Perwakilan perusahaan Anda menghadiri sesi verifikasi kolektif"), "{tracked}");
    assert!(tracked.contains("Sesi kolektif perusahaan") && !tracked.contains("action=\"/lacak/jadwal\""), "{tracked}");
    let mine = c.get(&format!("/kolektif/klaim/{token}"), "").await.text().await.unwrap();
    assert!(mine.contains("Dijadwalkan"), "{mine}");
    assert_eq!(c.post(&format!("/kolektif/klaim/{token}"), "", &[("choice", "object")]).await.status(), 303);
    let objected = workers.iter().find(|w| w.kpj == worker.kpj).unwrap();
    assert_eq!(t.store.claim(&objected.claim_id).await.unwrap().unwrap().lifecycle.state, ClaimState::Cancelled);

    // 8. The officer decides the batch at once, with two exceptions.
    let officer = signed_in(&c, "petugas.kc001", PASSWORD).await;
    let session = c.get(&format!("/staf/sesi/{}", record.session_id.unwrap()), &officer).await.text().await.unwrap();
    assert!(session.contains(&format!("/staf/kolektif/{batch}/sesi")), "{session}");
    let decide = c.get(&format!("{path}/sesi"), &officer).await.text().await.unwrap();
    assert_eq!(decide.matches("href=\"/staf/dokumen/").count(), 3, "the three documents, one click away");
    let (docs, rejected) = (&workers[1].claim_id, &workers[2].claim_id);
    let form = [
        ("csrf".to_string(), field(&decide, "csrf")),
        (format!("d-{docs}"), "needs_documents".into()),
        (format!("r-{docs}"), "document-missing".into()),
        (format!("k-{docs}"), "passbook".into()),
        (format!("d-{rejected}"), "rejected".into()),
        (format!("r-{rejected}"), "identity-mismatch".into()),
    ];
    let decided =
        c.http.post(format!("{}{path}/sesi", c.base)).header(COOKIE, &officer).form(&form).send().await.unwrap();
    assert_eq!(decided.status(), 303);
    let states: Vec<ClaimState> = t.store.batch_workers(&batch).await.unwrap().iter().map(|w| w.state).collect();
    let count = |s| states.iter().filter(|x| **x == s).count();
    assert_eq!(
        [
            count(ClaimState::Verified),
            count(ClaimState::NeedsDocuments),
            count(ClaimState::Rejected),
            count(ClaimState::Cancelled)
        ],
        [297, 1, 1, 1]
    );
    let asked = t.store.claim(docs).await.unwrap().unwrap();
    assert_eq!(asked.requested_documents, [lapak_domain::documents::DocumentKind::Passbook]);

    // 9. The representative's page counts them; the export lists every worker.
    let page = c.get(&path, &pic).await.text().await.unwrap();
    assert!(
        page.contains("Diverifikasi: <strong>297</strong>")
            && page.contains("Perlu perbaikan dokumen: <strong>1</strong>")
    );
    let export = sheet_rows(&c.get(&format!("{path}/pekerja.xlsx"), &pic).await.bytes().await.unwrap());
    assert_eq!(export.len(), 301);

    // 10. A worker tracks their claim with its number and their birth date.
    let verified =
        t.store.batch_workers(&batch).await.unwrap().into_iter().find(|w| w.state == ClaimState::Verified).unwrap();
    let who = textile.workers.iter().find(|m| m.kpj == verified.kpj).unwrap();
    let tracked = c
        .post(
            "/lacak",
            "",
            &[
                ("claim_number", verified.number.as_str()),
                ("birth_date", &who.birth_date.strftime("%d/%m/%Y").to_string()),
            ],
        )
        .await
        .text()
        .await
        .unwrap();
    assert!(tracked.contains("Diverifikasi") && tracked.contains("Diajukan"), "{tracked}");

    // 11. The sweep of files no record refers to keeps every one a record does: the
    // representative's letters, the termination letter, the workers' pages.
    let docs = lapak_storage::DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(1);
    lapak_workers::documents::sweep(t.store.as_ref(), &docs, later).await.unwrap();
    let representative = t.store.representative(&id).await.unwrap().unwrap();
    let mut kept = vec![representative.attorney_key, representative.statement_key];
    kept.extend(t.store.batch(&batch).await.unwrap().unwrap().letter_key);
    kept.extend(t.store.documents(&workers[3].claim_id).await.unwrap().into_iter().map(|d| d.object_key));
    assert_eq!(kept.len(), 6);
    for key in kept {
        assert!(docs.get(&key).await.is_ok(), "{key} kept");
    }
}

fn sheet_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let name = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&name).unwrap();
    range.rows().map(|r| r.iter().map(|d| d.to_string()).collect()).collect()
}

/// The representative hears of the batch's session in the language they filed it in, as its
/// workers do.
#[tokio::test]
async fn a_batch_filed_in_english_is_announced_in_english() {
    let t = test_store().await;
    let companies = registry(&t).await;
    representative(&t, "90000001", "pic@tekstil.example", PASSWORD).await;
    let sink = SmtpSink::start().await;
    let c = Client::serving(&t).await;
    let (pic, csrf, batch) = new_batch(&c, "pic@tekstil.example").await;
    let path = format!("/staf/kolektif/{batch}");
    upload(&c, &pic, &format!("{path}/daftar"), &csrf, "workers.xlsx", list(&companies[0], 0)).await;
    upload(&c, &pic, &format!("{path}/surat"), &csrf, "layoff.pdf", PDF.to_vec()).await;
    let english = pic.split("; ").filter(|c| !c.starts_with("lang=")).chain(["lang=en"]).collect::<Vec<_>>().join("; ");
    let filed = c.post(&format!("{path}/ajukan"), &english, &[("csrf", &csrf), ("version", "1")]).await;
    assert_eq!(filed.status(), 303);
    assert!(t.store.batch(&batch).await.unwrap().unwrap().session_id.is_some(), "seated at once");
    // Its claims keep the language for every later message (verified, paid, moved).
    let workers = t.store.batch_workers(&batch).await.unwrap();
    assert!(workers.len() == 300 && workers.iter().all(|w| w.lang == "en"));
    deliver(&t, &sink).await;
    let mails: Vec<String> = sink.messages().iter().map(|m| m.replace("=\n", "")).collect();
    let session = mails.iter().find(|m| m.contains("To: pic@tekstil.example")).expect("the representative is told");
    assert!(session.contains("Collective session of") && !session.contains("Sesi kolektif"), "{session}");
    let worker = companies[0].workers[0].email.as_ref().unwrap().as_str();
    let own = mails.iter().find(|m| m.contains(&format!("To: {worker}"))).expect("the worker's message");
    assert!(own.contains("on your behalf") && !own.contains("Halo"), "{own}");
}

#[tokio::test]
async fn a_company_under_thirty_percent_is_refused_with_the_computation_and_sees_no_other_company() {
    let t = test_store().await;
    let companies = registry(&t).await;
    representative(&t, "90000002", "pic@sepatu.example", PASSWORD).await;
    representative(&t, "90000001", "pic@tekstil.example", PASSWORD).await;
    let c = Client::serving(&t).await;

    let (pic, csrf, batch) = new_batch(&c, "pic@sepatu.example").await;
    let path = format!("/staf/kolektif/{batch}");
    upload(&c, &pic, &format!("{path}/daftar"), &csrf, "pekerja.xlsx", list(&companies[1], 0)).await;
    upload(&c, &pic, &format!("{path}/surat"), &csrf, "phk.pdf", PDF.to_vec()).await;
    let page = c.get(&path, &pic).await.text().await.unwrap();
    assert!(page.contains("200 dari 1.000 tenaga kerja = 20%: di bawah 30%"), "{page}");
    assert!(page.contains("href=\"/klaim\""), "points workers to the individual channel");
    let refused = c.post(&format!("{path}/ajukan"), &pic, &[("csrf", &csrf), ("version", "1")]).await;
    assert_eq!(refused.status(), 422);
    assert!(t.store.batch_workers(&batch).await.unwrap().is_empty(), "nothing filed");

    // The other company's representative cannot see this batch; staff pages are not theirs.
    let other = signed_in(&c, "pic@tekstil.example", PASSWORD).await;
    assert_eq!(c.get(&path, &other).await.status(), 403);
    assert_eq!(c.get(&format!("{path}/laporan.xlsx?versi=1"), &other).await.status(), 403);
    assert_eq!(c.get("/staf/persetujuan", &other).await.status(), 403);
    assert_eq!(c.get("/staf/perwakilan", &other).await.status(), 403);
    assert_eq!(c.get("/staf/kapasitas", &other).await.status(), 403);
    assert_eq!(c.get("/staf/audit", &other).await.status(), 403);
    // Nor can an officer act as a representative.
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("petugas.kc001", "Petugas", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let officer = signed_in(&c, "petugas.kc001", PASSWORD).await;
    assert_eq!(c.get(&path, &officer).await.status(), 403);
}

#[tokio::test]
async fn unreadable_lists_are_explained_and_nothing_is_kept() {
    let t = test_store().await;
    let companies = registry(&t).await;
    representative(&t, "90000001", "pic@tekstil.example", PASSWORD).await;
    let c = Client::serving(&t).await;
    let (pic, csrf, batch) = new_batch(&c, "pic@tekstil.example").await;
    let path = format!("/staf/kolektif/{batch}/daftar");

    let wrong_header = upload(&c, &pic, &path, &csrf, "data.csv", b"nama;umur\nSiti;30\n".to_vec()).await;
    assert_eq!(wrong_header.status(), 422);
    let text = wrong_header.text().await.unwrap();
    assert!(text.contains("Kolom yang belum ada: nik, kpj") && text.contains("tanggal_phk"), "{text}");
    assert!(!text.contains("Lembar yang dibaca"), "a CSV file has no sheets: {text}");
    let header = vec!["nama".to_string(), "umur".to_string()];
    let book = lapak_claims::worker_list::xlsx("Karyawan", &header, &[vec!["Siti".into(), "30".into()]]).unwrap();
    let wrong_sheet = upload(&c, &pic, &path, &csrf, "data.xlsx", book).await;
    assert_eq!(wrong_sheet.status(), 422);
    let text = wrong_sheet.text().await.unwrap();
    assert!(
        text.contains("Kolom yang belum ada: nik, kpj") && text.contains("Lembar yang dibaca: Karyawan."),
        "{text}"
    );
    let old_excel =
        upload(&c, &pic, &path, &csrf, "data.xls", vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]).await;
    assert_eq!(old_excel.status(), 422);
    assert!(old_excel.text().await.unwrap().contains("XLSX atau CSV"));
    // A list larger than other forms may be (8 MB) still reaches the reader, which refuses
    // it for its rows (60,000 by default), not for its size.
    let mut big =
        String::from("nik;kpj;nama;tanggal_lahir;tanggal_phk;bank;nomor_rekening;pemilik_rekening;email;no_hp\n");
    while big.len() < 8 << 20 {
        big.push_str("3273015505900002;12345678901;Siti Aminah;15/05/1990;30/09/2026;014;1234567890;Siti Aminah;siti@example.id;081234567890\n");
    }
    let huge = upload(&c, &pic, &path, &csrf, "besar.csv", big.into_bytes()).await;
    assert_eq!(huge.status(), 422);
    assert!(huge.text().await.unwrap().contains("lebih dari 60.000 baris"));
    // A list over the row limit is refused before the rest is read.
    let collective = lapak_claims::collective::CollectiveSettings { max_rows: 100, ..Default::default() };
    let limits = lapak_web::Limits { collective, ..Default::default() };
    let small = Client { base: format!("http://{}", serve_with(&t, limits).await), http: c.http.clone() };
    let big = upload(&small, &pic, &path, &csrf, "pekerja.xlsx", list(&companies[0], 0)).await;
    assert_eq!(big.status(), 422);
    assert!(big.text().await.unwrap().contains("lebih dari 100 baris"));
    // Over the lists' size limit, and a letter over the documents': each message states
    // its own limit, as configured.
    let collective = lapak_claims::collective::CollectiveSettings { max_list_bytes: 1 << 20, ..Default::default() };
    let limits = lapak_web::Limits { collective, max_upload_bytes: 2 << 20, ..Default::default() };
    let small = Client { base: format!("http://{}", serve_with(&t, limits).await), http: c.http.clone() };
    let pdf = |half_mb: usize| {
        let mut pdf = b"%PDF-1.4\n".to_vec();
        pdf.resize((half_mb << 19) - 6, b' ');
        pdf.extend_from_slice(b"%%EOF\n");
        pdf
    };
    let list = upload(&small, &pic, &path, &csrf, "pekerja.csv", pdf(3)).await;
    assert_eq!(list.status(), 422);
    let text = list.text().await.unwrap();
    assert!(text.contains("Berkas lebih besar dari 1 MB. Bagi daftar") && text.contains("id=\"error-list\""), "{text}");
    let letter_path = format!("/staf/kolektif/{batch}/surat");
    let letter = upload(&small, &pic, &letter_path, &csrf, "surat.pdf", pdf(3)).await;
    assert_eq!(letter.status(), 303, "1.5 MB is within the letter's 2 MB");
    let letter = upload(&small, &pic, &letter_path, &csrf, "surat.pdf", pdf(5)).await;
    assert_eq!(letter.status(), 422);
    let text = letter.text().await.unwrap();
    assert!(text.contains("Berkas lebih besar dari 2 MB.") && text.contains("id=\"error-letter\""), "{text}");
    assert_eq!(t.store.batch(&batch).await.unwrap().unwrap().latest_version, 0, "no version kept");
}

/// The representative's side in a real browser (headless Chromium over WebDriver): the
/// appointment, the first sign-in with the second factor, a list with three rows to fix,
/// the fixed list, the termination letter, filing; the officer decides the batch; a worker
/// tracks their claim in the browser. Screenshots go to `target/screenshots/`.
#[tokio::test]
async fn a_representative_files_for_a_company_in_a_browser() {
    let Some(driver) = lapak_tests::webdriver::required_driver() else { return };
    let shots = lapak_tests::webdriver::screenshots_dir();
    let t = test_store().await;
    let companies = registry(&t).await;
    let textile = &companies[0];
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("admin.kc001", "Admin KC001", StaffRole::BranchAdmin, Some("KC001"), PASSWORD).await.unwrap();
    staff.add("petugas.kc001", "Petugas KC001", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let c = Client::serving(&t).await;
    let base = c.base.clone();
    let files = t.dir.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = files.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    let letter = write("surat.pdf", PDF);
    let first = write("pekerja.xlsx", &list(textile, 3));
    let fixed = write("pekerja-perbaikan.xlsx", &list(textile, 0));
    let b = lapak_tests::webdriver::Browser::start(&driver, "id-ID").await;

    // The company appoints its representative.
    b.goto(&format!("{base}/kolektif/daftar?lang=id")).await;
    for (field, value) in [
        ("npp", "90000001"),
        ("name", "Rina Wulandari"),
        ("email", "rina@tekstil.example"),
        ("phone", "081277771234"),
        ("password", PASSWORD),
        ("password2", PASSWORD),
    ] {
        b.type_into(&format!("#field-{field}"), value).await;
    }
    b.attach("#field-attorney", &letter).await;
    b.attach("#field-statement", &letter).await;
    b.screenshot(&shots.join("collective-1-appointment.png")).await;
    b.check_page("collective-1-appointment.png").await;
    b.click("button[type=submit]").await;
    b.wait_for("Penunjukan diterima").await;

    // The branch confirms (over HTTP: the staff pages have their own browser test).
    let admin = signed_in(&c, "admin.kc001", PASSWORD).await;
    let requests = c.get("/staf/perwakilan", &admin).await.text().await.unwrap();
    let confirm = [("csrf", field(&requests, "csrf")), ("id", field(&requests, "id")), ("decision", "confirm".into())];
    assert_eq!(
        c.http
            .post(format!("{base}/staf/perwakilan"))
            .header(COOKIE, &admin)
            .form(&confirm)
            .send()
            .await
            .unwrap()
            .status(),
        303
    );

    // First sign-in: password, second factor enrolled, recovery codes, the company page.
    b.goto(&format!("{base}/staf/masuk?lang=id")).await;
    b.type_into("#field-username", "rina@tekstil.example").await;
    b.type_into("#field-password", PASSWORD).await;
    b.click("button[type=submit]").await;
    let enrol = b.wait_for("Aktifkan verifikasi dua langkah").await;
    let secret = enrol.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_string();
    b.type_into("#field-code", &lapak_staff::current_code_base32(&secret, "rina@tekstil.example").unwrap()).await;
    b.click("button[type=submit]").await;
    b.wait_for("Simpan kode pemulihan").await;
    b.click("a.button").await;
    b.wait_for("Buat batch baru").await;
    b.check_page("staf/kolektif").await;
    b.click("form[action='/staf/kolektif/baru'] button").await;
    b.wait_for("Daftar pekerja").await;
    b.check_page("staf/kolektif/{batch}").await;

    // A PDF sent as the list: refused at its field, which says why.
    b.attach("#field-list", &letter).await;
    b.click("form[action$='/daftar'] button").await;
    b.wait_for("Berkas harus XLSX atau CSV").await;
    b.check_page("staf/kolektif/{batch}, a list refused").await;

    // The list with three rows to fix: the report says which cells.
    b.attach("#field-list", &first).await;
    b.click("form[action$='/daftar'] button").await;
    let report = b.wait_for("Hasil pemeriksaan").await;
    assert!(report.contains("<strong>297</strong> dari 300") && report.contains("pemilik_rekening"), "{report}");
    b.screenshot(&shots.join("collective-2-report.png")).await;
    b.check_page("collective-2-report.png").await;
    b.attach("#field-letter", &letter).await;
    b.click("form[action$='/surat'] button").await;
    b.wait_for("Surat PHK disimpan").await;
    b.attach("#field-list", &fixed).await;
    b.click("form[action$='/daftar'] button").await;
    let fixed_page = b.wait_for("Versi 2").await;
    assert!(
        fixed_page.contains("<strong>300</strong> dari 300") && fixed_page.contains("300 dari 750 tenaga kerja = 40%")
    );
    b.click("#submit-batch").await;
    let filed = b.wait_for("Klaim diajukan").await;
    assert!(filed.contains("Sesi kolektif:") && filed.contains("Dijadwalkan: <strong>300</strong>"), "{filed}");
    b.screenshot(&shots.join("collective-3-filed.png")).await;
    b.check_page("collective-3-filed.png").await;

    // The officer verifies the whole batch in its session.
    let batch = b.url().await.split("/staf/kolektif/").nth(1).unwrap().split('?').next().unwrap().to_string();
    let officer = signed_in(&c, "petugas.kc001", PASSWORD).await;
    let decide = c.get(&format!("/staf/kolektif/{batch}/sesi"), &officer).await.text().await.unwrap();
    let form = [("csrf", field(&decide, "csrf"))];
    let decided = c
        .http
        .post(format!("{base}/staf/kolektif/{batch}/sesi"))
        .header(COOKIE, &officer)
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(decided.status(), 303);
    b.refresh().await;
    b.wait_for("Diverifikasi: <strong>300</strong>").await;
    b.check_page("batch, verified").await;

    // A worker follows their own claim.
    let w = t.store.batch_workers(&batch).await.unwrap().remove(0);
    let who = textile.workers.iter().find(|m| m.kpj == w.kpj).unwrap();
    b.goto(&format!("{base}/lacak?lang=id")).await;
    b.type_into("#field-claim_number", w.number.as_str()).await;
    b.type_into("#field-birth_date", &who.birth_date.strftime("%d/%m/%Y").to_string()).await;
    b.click("button[type=submit]").await;
    let tracked = b.wait_for("Diverifikasi").await;
    assert!(tracked.contains("Dijadwalkan") && tracked.contains("Diajukan"));
    b.screenshot(&shots.join("collective-4-worker-tracks.png")).await;
    b.check_page("collective-4-worker-tracks.png").await;
    b.quit().await;
}
