//! JSON API v1 over real HTTP: the same journey as the pages, for an app.

use lapak_domain::documents::{required_documents, DocumentKind};
use lapak_tests::*;
use serde_json::{json, Value};

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer\n%%EOF\n";

async fn spawn_app() -> (String, TestStore) {
    let t = seeded().await;
    let addr = serve(&t).await;
    (format!("http://{addr}/api/v1"), t)
}

fn identity() -> Value {
    json!({ "nik": NIK_SITI, "kpj": "12345678901", "full_name": "Siti Aminah", "birth_date": "1990-05-15" })
}

#[tokio::test]
async fn an_app_files_and_tracks_a_claim_with_an_idempotent_submission() {
    let (api, t) = spawn_app().await;
    let c = reqwest::Client::new();

    let res = c.post(format!("{api}/claims")).json(&identity()).send().await.unwrap();
    assert_eq!(res.status(), 201);
    let started: Value = res.json().await.unwrap();
    let token = started["claim_token"].as_str().unwrap().to_string();
    assert_eq!(started["claim"]["state"], "draft");
    let auth = format!("Bearer {token}");

    let res = c
        .put(format!("{api}/claim/cause"))
        .header("authorization", &auth)
        .json(&json!({ "cause": "layoff", "last_working_day": "2026-09-30" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let decision: Value = res.json().await.unwrap();
    assert_eq!(decision["outcome"], "eligible");
    assert_eq!(decision["estimate"]["net"], 35_750_000);

    // Errors: JSON, stable code, message in the asked language, the field at fault.
    let bad = json!({ "bank_code": "014", "account_number": "12", "account_holder": "Siti Aminah", "email": "x", "whatsapp": "0812 3456 7890", "branch": "KC001" });
    let res = c
        .put(format!("{api}/claim/payment"))
        .header("authorization", &auth)
        .header("accept-language", "en")
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["code"], "invalid");
    assert_eq!(err["message"], "Some answers need correcting; see the errors listed per field.");
    assert_eq!(err["field"], "account_number");
    assert_eq!(err["errors"][1]["field"], "email");
    assert!(err["errors"][1]["message"].as_str().unwrap().contains("e-mail address"));
    let good = json!({ "bank_code": "014", "account_number": "1234567890", "account_holder": "Siti Aminah", "email": "siti.aminah@example.id", "whatsapp": "0812 3456 7890", "branch": "KC001" });
    let res = c.put(format!("{api}/claim/payment")).header("authorization", &auth).json(&good).send().await.unwrap();
    assert_eq!(res.status(), 204);

    let upload = |kind: &str, body: Vec<u8>| {
        c.post(format!("{api}/claim/documents/{kind}")).header("authorization", &auth).body(body)
    };
    let res = upload("ektp", b"<script>x</script>".to_vec()).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!((err["field"].as_str(), err["errors"][0]["code"].as_str()), (Some("file"), Some("file-type")));
    // A PDF that would run a script when an officer opens it, its name escaped as readers
    // read it.
    let scripted = b"%PDF-1.7\n1 0 obj << /OpenAction << /S /J#61vaScript /JS (app.alert(1)) >> >> endobj\n%%EOF\n";
    let res = upload("ektp", scripted.to_vec()).header("accept-language", "en").send().await.unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!((err["field"].as_str(), err["errors"][0]["code"].as_str()), (Some("file"), Some("file-active-content")));
    assert!(err["errors"][0]["message"].as_str().unwrap().contains("Save as PDF"), "{err}");
    for (kind, _) in required_documents(lapak_domain::cause::ClaimCause::Layoff) {
        if *kind != DocumentKind::Npwp {
            let res = upload(kind.code(), PDF.to_vec()).send().await.unwrap();
            assert_eq!(res.status(), 201, "{}", kind.code());
        }
    }
    let claim: Value =
        c.get(format!("{api}/claim")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
    assert_eq!(claim["missing_parts"], json!([]));
    // An upload sent again (its answer lost) gets the page it made, and no second page.
    let again = upload("ektp", PDF.to_vec());
    let again: Value = again.send().await.unwrap().json().await.unwrap();
    let kept: Value =
        c.get(format!("{api}/claim")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
    assert_eq!(kept["documents"], claim["documents"], "no second page");
    assert!(claim["documents"].as_array().unwrap().iter().any(|d| d["id"] == again["id"]), "{again}");

    // A file is replaced by removing it (by its kind and id) and uploading another.
    let photo = claim["documents"].as_array().unwrap().iter().find(|d| d["kind"] == "photo").unwrap().clone();
    let id = photo["id"].as_str().unwrap();
    let remove =
        |kind: &str| c.delete(format!("{api}/claim/documents/{kind}/{id}")).header("authorization", &auth).send();
    assert_eq!(remove("ektp").await.unwrap().status(), 404, "a file is removed under its own kind only");
    assert_eq!(remove("photo").await.unwrap().status(), 204);
    assert_eq!(remove("photo").await.unwrap().status(), 404, "and once");
    let after: Value =
        c.get(format!("{api}/claim")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
    assert!(after["documents"].as_array().unwrap().iter().all(|d| d["id"] != photo["id"]), "{after}");
    assert_eq!(after["missing_documents"], json!(["photo"]), "{after}");
    // The photo that replaces it is a phone's: its camera metadata (with where it was taken)
    // and a page hidden in a comment are not kept, and the picture is.
    let mut photo = Vec::new();
    image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([x as u8, y as u8, 90]))
        .write_to(&mut std::io::Cursor::new(&mut photo), image::ImageFormat::Jpeg)
        .unwrap();
    let mut sent = vec![0xFF, 0xD8];
    for (marker, payload) in [
        (0xE1, &b"Exif\0\0GPS -6.9175,107.6191 Jl. Asia Afrika"[..]),
        (0xFE, &b"<html><script>alert(document.cookie)</script></html>"[..]),
    ] {
        sent.extend_from_slice(&[0xFF, marker, 0, payload.len() as u8 + 2]);
        sent.extend_from_slice(payload);
    }
    sent.extend_from_slice(&photo[2..]);
    let res = upload("photo", sent.clone());
    let res = res.send().await.unwrap();
    assert_eq!(res.status(), 201);
    let kept: Value = res.json().await.unwrap();
    assert_eq!(kept["content_type"], "image/jpeg");
    let meta = t.store.document(kept["id"].as_str().unwrap()).await.unwrap().unwrap();
    let documents = lapak_storage::DocumentStore::local(&t.dir.path().join("documents"), t.keys.clone()).unwrap();
    let stored = documents.get(&meta.object_key).await.unwrap();
    let found = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    assert!(!found(b"Exif") && !found(b"Asia Afrika") && !found(b"<script"), "kept as sent");
    assert_eq!(meta.size_bytes, stored.len() as i64);
    let picture = image::load_from_memory(&stored).unwrap();
    assert_eq!((picture.width(), picture.height()), (320, 240));
    // Sent again (its answer lost), the same page.
    let again = upload("photo", sent);
    assert_eq!(again.send().await.unwrap().json::<Value>().await.unwrap()["id"], kept["id"]);

    let submit = |key: &'static str, body: &'static str| {
        c.post(format!("{api}/claim/submit"))
            .header("authorization", &auth)
            .header("idempotency-key", key)
            .body(body)
            .send()
    };
    // A key that cannot be honoured is refused, and nothing is submitted.
    let too_long: &'static str = Box::leak("k".repeat(256).into_boxed_str());
    let refused = submit(too_long, "{}").await.unwrap();
    assert_eq!(refused.status(), 422);
    let err: Value = refused.json().await.unwrap();
    assert_eq!((err["code"].as_str(), err["field"].as_str()), (Some("idempotency-key"), Some("Idempotency-Key")));
    let claim: Value =
        c.get(format!("{api}/claim")).header("authorization", &auth).send().await.unwrap().json().await.unwrap();
    assert_eq!(claim["state"], "draft");
    // Sent many times at once (an app's retries racing each other): one claim, the same answer.
    let at_once = futures::future::join_all((0..16).map(|_| submit("8b0f6c1e-1", "{}"))).await;
    let mut numbers = std::collections::HashSet::new();
    for res in at_once {
        let res = res.unwrap();
        assert_eq!(res.status(), 201);
        numbers.insert(res.json::<Value>().await.unwrap()["claim_number"].as_str().unwrap().to_string());
    }
    assert_eq!(numbers.len(), 1, "{numbers:?}");
    let first = submit("8b0f6c1e-1", "{}").await.unwrap();
    assert_eq!(first.status(), 201);
    let number = first.json::<Value>().await.unwrap()["claim_number"].as_str().unwrap().to_string();
    assert!(numbers.contains(&number));
    let again: Value = submit("8b0f6c1e-1", "{}").await.unwrap().json().await.unwrap();
    assert_eq!(again["claim_number"], number.as_str());
    let other = submit("8b0f6c1e-1", "{\"x\":1}").await.unwrap();
    assert_eq!(other.status(), 422);
    assert_eq!(other.json::<Value>().await.unwrap()["code"], "idempotency-mismatch");
    assert_eq!(t.store.counts().await.unwrap().claims, 1);

    let res = c
        .post(format!("{api}/track"))
        .header("accept-language", "en")
        .json(&json!({ "claim_number": number, "birth_date": "1990-05-15" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let tracked: Value = res.json().await.unwrap();
    assert_eq!(tracked["state"], "submitted");
    assert_eq!(tracked["state_text"], "Submitted");
    assert!(tracked["events"][0]["at"].as_str().unwrap().ends_with("+07:00"));
    let res = c
        .post(format!("{api}/track"))
        .json(&json!({ "claim_number": number, "birth_date": "1990-05-16" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn the_openapi_document_is_served_and_names_the_journey() {
    let (api, _t) = spawn_app().await;
    let base = api.trim_end_matches("/v1");
    let doc: Value = reqwest::get(format!("{base}/openapi.json")).await.unwrap().json().await.unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["paths"]["/api/v1/claim/submit"]["post"]["operationId"], "submitClaim");
}

#[tokio::test]
async fn a_mismatch_is_one_answer_and_a_missing_or_unknown_token_is_401() {
    let (api, _t) = spawn_app().await;
    let c = reqwest::Client::new();
    let mut wrong = identity();
    wrong["kpj"] = json!("12345678999");
    let res = c.post(format!("{api}/claims")).json(&wrong).send().await.unwrap();
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["code"], "identity-mismatch");
    assert!(err["message"].as_str().unwrap().contains("tidak cocok"));
    let res = c.get(format!("{api}/claim")).header("authorization", "Bearer nope").send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], r#"Bearer realm="lapak", error="invalid_token""#);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "token-unknown");
    let res = c.get(format!("{api}/claim")).send().await.unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["www-authenticate"], r#"Bearer realm="lapak""#);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "token-required");
    // The scheme's name in any case (RFC 9110), the token as it was given.
    let res = c.get(format!("{api}/claim")).header("authorization", "bearer nope").send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "token-unknown");
}

/// Whatever goes wrong with a request (not JSON, JSON that does not parse or lacks a field,
/// a field of the wrong type, too large a body, an unknown address or method, an unknown
/// claim token), the answer is the API's JSON error: a stable code, a message in the
/// language asked for, and the field at fault where there is one. Nothing is stored.
#[tokio::test]
async fn every_fault_of_a_request_is_answered_in_json_in_the_language_asked() {
    let (api, t) = spawn_app().await;
    let c = reqwest::Client::new();
    async fn error(res: reqwest::Response, status: u16) -> Value {
        assert_eq!(res.status(), status);
        let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(content_type.starts_with("application/json"), "{content_type}");
        res.json().await.unwrap()
    }
    let claims = format!("{api}/claims");

    let e = error(c.post(&claims).header("content-type", "text/plain").body("{}").send().await.unwrap(), 415).await;
    assert_eq!(e["code"], "json-expected");
    assert!(e["message"].as_str().unwrap().contains("Kirim isi permintaan sebagai JSON"), "{e}");

    let bad = c.post(&claims).header("content-type", "application/json").header("accept-language", "en");
    let e = error(bad.body("{\"nik\": ").send().await.unwrap(), 400).await;
    assert_eq!((e["code"].as_str(), e["message"].as_str()), (Some("bad-json"), Some("The body is not valid JSON.")));
    let trailing = format!("{} []", identity());
    let e = error(c.post(&claims).header("content-type", "application/json").body(trailing).send().await.unwrap(), 400)
        .await;
    assert_eq!(e["code"], "bad-json");

    let mut missing = identity();
    missing.as_object_mut().unwrap().remove("full_name");
    let e = error(c.post(&claims).header("accept-language", "en").json(&missing).send().await.unwrap(), 422).await;
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("required"), Some("full_name")));
    assert_eq!(e["message"], "full_name is required");
    assert_eq!(e["errors"][0]["field"], "full_name");
    // Several left out: every one of them, in the request's order.
    let e =
        error(c.post(&claims).header("accept-language", "en").json(&json!({"kpj": "1"})).send().await.unwrap(), 422)
            .await;
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("required"), Some("nik")));
    assert_eq!(e["message"], "These fields are required: nik, full_name, birth_date.");
    let fields: Vec<&str> = e["errors"].as_array().unwrap().iter().map(|p| p["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["nik", "full_name", "birth_date"]);
    assert_eq!(e["errors"][2]["message"], "birth_date is required");
    assert_eq!(e["errors"][2]["code"], "required");
    let mut wrong_type = identity();
    wrong_type["nik"] = json!(3_201_234_567_890_123_u64);
    let e = error(c.post(&claims).json(&wrong_type).send().await.unwrap(), 422).await;
    assert_eq!((e["code"].as_str(), e["field"].as_str()), (Some("bad-value"), Some("nik")));
    assert_eq!(e["message"], "nik salah jenis atau bentuknya");

    let e = error(c.get(format!("{api}/nowhere")).header("accept-language", "en").send().await.unwrap(), 404).await;
    assert_eq!(e["code"], "not-found");
    assert!(e["message"].as_str().unwrap().contains("/api/openapi.json"));
    let res = c.delete(format!("{api}/track")).send().await.unwrap();
    let allow = res.headers().get("allow").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(error(res, 405).await["code"], "method-not-allowed");
    assert_eq!(allow.as_deref(), Some("POST"));

    let e =
        error(c.get(format!("{api}/claim")).header("authorization", "Bearer nope").send().await.unwrap(), 401).await;
    assert_eq!(e["code"], "token-unknown");
    assert!(e["message"].as_str().unwrap().contains("Token klaim tidak dikenal"), "{e}");

    // A started claim: a file over the upload limit is read to its end and refused at the
    // field `file`; a body over the documents' larger cap is refused before it is read.
    let res = c.post(&claims).json(&identity()).send().await.unwrap();
    let token = res.json::<Value>().await.unwrap()["claim_token"].as_str().unwrap().to_string();
    let upload = |body: Vec<u8>| {
        c.post(format!("{api}/claim/documents/ektp"))
            .header("authorization", format!("Bearer {token}"))
            .header("accept-language", "en")
            .body(body)
            .send()
    };
    let e = error(upload(vec![b'%'; 9 * 1024 * 1024]).await.unwrap(), 422).await;
    assert_eq!((e["field"].as_str(), e["errors"][0]["code"].as_str()), (Some("file"), Some("file-too-large")));
    let huge = vec![b'%'; lapak_web::upload_body_bytes(&lapak_web::Limits::default()) + 1];
    let e = error(upload(huge).await.unwrap(), 413).await;
    assert_eq!(
        (e["code"].as_str(), e["message"].as_str()),
        (Some("too-large"), Some("The request is larger than this service accepts."))
    );
    let res = c.get(format!("{api}/claim")).header("authorization", format!("Bearer {token}")).send().await.unwrap();
    assert_eq!(res.json::<Value>().await.unwrap()["documents"], json!([]));
    drop(t);
}

/// The upload limit is the agency's to set (`max_upload_mb`): the error an app gets and the
/// representative's form state the limit in force, not the default.
#[tokio::test]
async fn a_configured_upload_limit_is_the_one_every_message_states() {
    let t = seeded().await;
    let limits = lapak_web::Limits { max_upload_bytes: 2 * 1024 * 1024, ..lapak_web::Limits::default() };
    let addr = serve_with(&t, limits).await;
    let c = reqwest::Client::new();
    let res = c.post(format!("http://{addr}/api/v1/claims")).json(&identity()).send().await.unwrap();
    let token = res.json::<Value>().await.unwrap()["claim_token"].as_str().unwrap().to_string();
    let mut scan = b"%PDF-1.4\n".to_vec();
    scan.resize(3 * 1024 * 1024, b' ');
    for (lang, expected) in [("id", "Berkas lebih besar dari 2 MB."), ("en", "The file is larger than 2 MB.")] {
        let res = c
            .post(format!("http://{addr}/api/v1/claim/documents/ektp"))
            .header("authorization", format!("Bearer {token}"))
            .header("accept-language", lang)
            .body(scan.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 422);
        let e = res.json::<Value>().await.unwrap();
        assert_eq!(e["errors"][0]["code"], "file-too-large");
        assert!(e["errors"][0]["message"].as_str().unwrap().starts_with(expected), "{e}");
    }
    let page = c.get(format!("http://{addr}/kolektif/daftar")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("paling besar 2 MB") && !page.contains("6 MB"), "{page}");
    drop(t);
}

/// Schema-driven fuzzing of the whole API with Schemathesis, a client this project does not
/// write: thousands of requests made from the OpenAPI document, right and wrong, each
/// answer checked against the document (status, content type, body schema, headers), and
/// no 5xx. With a claim token and the admin token, so that every operation is reached
/// beyond its 401, and a branch with a capacity. Its check that data valid by the schema
/// is accepted is off: a NIK, a KPJ, a date or a bank account has rules a schema cannot
/// state (a checksum, the registry), and those refusals are 422 by design. A fixed seed:
/// the same requests in every run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_as_its_openapi_document_says() {
    let Some(st) = schemathesis() else { return };
    let t = seeded().await;
    let kc001 = t.store.branch("KC001").await.unwrap().unwrap();
    for capacity in lapak_registry::demo::capacities(&[kc001]) {
        t.store.set_capacity(&capacity).await.unwrap();
    }
    let admin = "rahasia-kantor-untuk-uji";
    let addr = serve_with(&t, lapak_web::Limits { admin_token: Some(admin.into()), ..Default::default() }).await;
    let started: Value = reqwest::Client::new()
        .post(format!("http://{addr}/api/v1/claims"))
        .json(&identity())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = started["claim_token"].as_str().unwrap();
    let config = format!(
        r#"color = false
seed = 20200401
[auth.openapi]
claim_token = {{ bearer = "{token}" }}
admin_token = {{ bearer = "{admin}" }}
[checks]
positive_data_acceptance.enabled = false
[generation]
max-examples = 30
[[operations]]
include-path-regex = "^/api/v1/branches/"
parameters = {{ code = "KC001" }}
"#
    );
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("schemathesis.toml"), config).unwrap();
    let out = tokio::process::Command::new(&st)
        .current_dir(work.path())
        .arg("--config-file")
        .arg(work.path().join("schemathesis.toml"))
        .arg("run")
        .arg(format!("http://{addr}/api/openapi.json"))
        .output()
        .await
        .unwrap_or_else(|e| panic!("{} could not be started: {e}", st.display()));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{report}\n{}", String::from_utf8_lossy(&out.stderr));
    // It ran every operation of the document, each many times.
    let doc: Value = reqwest::get(format!("http://{addr}/api/openapi.json")).await.unwrap().json().await.unwrap();
    let operations: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    let tested = report.lines().find(|l| l.trim_start().starts_with("Tested:")).unwrap_or_default();
    assert_eq!(tested.trim(), format!("Tested: {operations}"), "{report}");
    let cases: u32 =
        report.lines().find_map(|l| l.trim().split_once(" generated, ").and_then(|(n, _)| n.parse().ok())).unwrap_or(0);
    assert!(cases > 500, "{report}");
    eprintln!("Schemathesis: {cases} requests over {operations} operations, every answer as documented");
}
