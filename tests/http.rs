//! The web skeleton over real HTTP on a real port.

use lapak_tests::*;
use std::net::SocketAddr;

async fn spawn_app() -> (SocketAddr, TestStore) {
    let t = test_store().await;
    let addr = serve(&t).await;
    (addr, t)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
async fn home_page_is_indonesian_by_default_light_and_protected() {
    let (addr, _t) = spawn_app().await;
    let res = client().get(format!("http://{addr}/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let h = res.headers().clone();
    assert!(h["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["referrer-policy"], "no-referrer");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain HTTP");
    let body = res.text().await.unwrap();
    assert!(body.contains("<html lang=\"id\">"));
    assert!(body.contains("Klaim JHT tanpa antre"));
    assert!(body.contains("href=\"?lang=en\""));
    let css = client().get(format!("http://{addr}/static/lapak.css")).send().await.unwrap().text().await.unwrap();
    assert!(body.len() + css.len() < 50 * 1024, "first page under 50 KB");
}

#[tokio::test]
async fn english_is_one_switch_away_and_remembered() {
    let (addr, _t) = spawn_app().await;
    let res = client().get(format!("http://{addr}/?lang=en")).send().await.unwrap();
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("lang=en"), "{cookie}");
    let body = res.text().await.unwrap();
    assert!(body.contains("<html lang=\"en\">"));
    assert!(body.contains("Claim your JHT"));
    let remembered =
        client().get(format!("http://{addr}/")).header("cookie", "lang=en").send().await.unwrap().text().await.unwrap();
    assert!(remembered.contains("<html lang=\"en\">"));
    let browser = client()
        .get(format!("http://{addr}/"))
        .header("accept-language", "en-GB,en;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(browser.contains("Claim your JHT"));
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let (addr, _t) = spawn_app().await;
    let c = client();
    assert_eq!(c.get(format!("http://{addr}/healthz")).send().await.unwrap().status(), 200);
    assert_eq!(c.get(format!("http://{addr}/readyz")).send().await.unwrap().status(), 200);
    c.get(format!("http://{addr}/")).send().await.unwrap();
    let metrics = c.get(format!("http://{addr}/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("lapak_http_requests_total"), "{metrics}");
    assert!(metrics.contains("route=\"/\""));
}

#[tokio::test]
async fn unknown_pages_get_a_helpful_404_in_the_visitor_language() {
    let (addr, _t) = spawn_app().await;
    let res = client().get(format!("http://{addr}/tidak-ada")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let body = res.text().await.unwrap();
    assert!(body.contains("Halaman tidak ditemukan"));
    let en = client()
        .get(format!("http://{addr}/nope"))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(en.contains("Page not found"));
}

#[tokio::test]
async fn oversized_bodies_are_refused_before_they_are_read() {
    let (addr, _t) = spawn_app().await;
    let res = client()
        .post(format!("http://{addr}/klaim/identitas"))
        .header("accept-language", "en")
        .body(vec![b'x'; 9 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    // Said in a page, in the visitor's language, with what to do.
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = res.text().await.unwrap();
    assert!(page.contains("<h1>The file is too large</h1>") && page.contains("Go back"), "{page}");
}

/// A request the extractors cannot read (an address that is not UTF-8, a form that is not
/// one, a method the address does not take) gets a page, not the framework's plain text.
#[tokio::test]
async fn unreadable_requests_get_a_page_that_says_what_to_do() {
    let (addr, _t) = spawn_app().await;
    let c = client();
    let res = c.get(format!("http://{addr}/cabang/%FF/antrean")).send().await.unwrap();
    assert_eq!(res.status(), 400);
    let page = res.text().await.unwrap();
    assert!(page.contains("<h1>Permintaan ini tidak dapat dibaca</h1>"), "{page}");
    let res = c.post(format!("http://{addr}/lacak")).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(res.status(), 415);
    assert!(res.text().await.unwrap().contains("<h1>Permintaan ini tidak dapat dibaca</h1>"));
    // A NUL is no character anyone types (and PostgreSQL refuses it in text): in a path, a
    // query or a form, the request is unreadable, on every engine.
    for res in [
        c.get(format!("http://{addr}/cabang/KC%00/antrean")).send().await.unwrap(),
        c.get(format!("http://{addr}/lacak?lang=%00")).send().await.unwrap(),
        c.post(format!("http://{addr}/lacak"))
            .form(&[("claim_number", "\0"), ("birth_date", "")])
            .send()
            .await
            .unwrap(),
        // Some handlers read a form's fields from its bytes, however it is labelled.
        c.post(format!("http://{addr}/staf/kapasitas"))
            .header("content-type", "Text/Plain")
            .body("csrf=x&name=%00")
            .send()
            .await
            .unwrap(),
    ] {
        assert_eq!(res.status(), 400);
        assert!(res.text().await.unwrap().contains("<h1>Permintaan ini tidak dapat dibaca</h1>"));
    }
    let res = c.get(format!("http://{addr}/klaim/kirim")).header("accept-language", "en").send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["allow"].to_str().unwrap()), (405, "POST"));
    assert!(res.text().await.unwrap().contains("<h1>Page not found</h1>"));
    let res = c.get(format!("http://{addr}/kolektif/tidak-ada.xlsx")).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert!(res.text().await.unwrap().contains("<h1>Halaman tidak ditemukan</h1>"));
}

/// Tracking lookups from one address through a reverse proxy, with a limit of three a minute
/// per client: `(status of each lookup)` for clients named in `X-Forwarded-For`.
async fn lookups_through_proxy(trusted_proxies: Vec<ipnet::IpNet>, clients: &[&str]) -> Vec<u16> {
    let t = test_store().await;
    let limits = lapak_web::Limits {
        trusted_proxies,
        rate_limits: lapak_claims::RateLimits { tracking_per_client: 3, ..Default::default() },
        ..Default::default()
    };
    let addr = serve_with(&t, limits).await;
    let c = client();
    let mut statuses = Vec::new();
    for (i, forwarded_for) in clients.iter().enumerate() {
        // A different unknown claim number each time: only the per-client limit counts.
        let number = lapak_domain::claim_number::ClaimNumber::from_random(1_000 + i as u64);
        let res = c
            .post(format!("http://{addr}/api/v1/track"))
            .header("x-forwarded-for", *forwarded_for)
            .json(&serde_json::json!({ "claim_number": number.as_str(), "birth_date": "1990-05-15" }))
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_client_has_its_own_limit() {
    let a = "198.51.100.4";
    // Client a's fourth lookup is refused; client b, behind the same proxy, is not held back.
    let proxy: ipnet::IpNet = "127.0.0.1/32".parse().unwrap();
    assert_eq!(lookups_through_proxy(vec![proxy], &[a, a, a, a, "198.51.100.5"]).await, [404, 404, 404, 429, 404]);
    // A client that writes the header itself, the proxy then appending the address it
    // heard from: the written part is not believed.
    let forged = [
        "203.0.113.1, 198.51.100.4",
        "203.0.113.2, 198.51.100.4",
        "203.0.113.3, 198.51.100.4",
        "203.0.113.4, 198.51.100.4",
    ];
    assert_eq!(lookups_through_proxy(vec![proxy], &forged).await, [404, 404, 404, 429]);
}

/// Two Lapak processes on one database, as behind a load balancer: the limits per person
/// and per claim number are counted once between them, not once in each. Twelve tracking
/// guesses at a number, alternating between the processes: ten get "not found", then the
/// number is held (each process alone had counted only six). A real claim answers the
/// same way, even to its right birth date once held, but in a process that has seen no
/// failure at it yet only from its first failure on; and six identity checks with a wrong
/// name get five mismatches and a refusal, after which the right name is refused too.
#[tokio::test]
async fn the_limits_per_person_and_per_number_hold_across_processes() {
    use lapak_domain::lifecycle::{Action, Actor, Lifecycle, Role};
    let t = seeded().await;
    early_in_a_guess_window().await;
    t.store.create_claim(&new_claim("held"), None).await.unwrap();
    let number = lapak_domain::claim_number::ClaimNumber::from_random(5_151);
    let event = Lifecycle::default()
        .check(Action::Submit, &Actor::new(Role::Participant, "p"), jiff::Timestamp::now(), None)
        .unwrap();
    t.store
        .submit_claim(&lapak_storage::Submission {
            claim_id: "held".into(),
            version: 0,
            application: Default::default(),
            number: number.clone(),
            event,
            benefit: lapak_domain::tax::benefit(
                lapak_domain::cause::ClaimCause::Layoff,
                lapak_domain::Rupiah::new(60_000_000).unwrap(),
            ),
            outbox: None,
            idempotency: None,
            lang: "id".into(),
        })
        .await
        .unwrap();
    let other = lapak_storage::open(&t.url, t.keys.clone()).await.unwrap();
    let processes = [serve_with(&t, Default::default()).await, serve_another(&t, other, Default::default()).await];
    let c = client();
    let track = |i: usize, number: String, birth: &'static str| {
        let c = c.clone();
        let addr = processes[i % 2];
        async move {
            let body = serde_json::json!({ "claim_number": number, "birth_date": birth });
            c.post(format!("http://{addr}/api/v1/track")).json(&body).send().await.unwrap().status().as_u16()
        }
    };

    let unknown = lapak_domain::claim_number::ClaimNumber::from_random(6_262).as_str().to_string();
    let mut statuses = Vec::new();
    for i in 0..12 {
        statuses.push(track(i, unknown.clone(), "1990-05-15").await);
    }
    assert_eq!(statuses, [vec![404; 10], vec![429; 2]].concat(), "an unknown number");
    let mut statuses = Vec::new();
    for i in 0..12 {
        statuses.push(track(i, number.as_str().to_string(), "1991-01-01").await);
    }
    assert_eq!(statuses, [vec![404; 10], vec![429; 2]].concat(), "a real one answers alike");
    assert_eq!(track(0, number.as_str().to_string(), "1990-05-15").await, 429, "held, even to the right date");
    assert_eq!(track(1, number.as_str().to_string(), "1990-05-15").await, 429, "in both processes");

    // A process that has seen no failure at the number asks the database only once it has:
    // its first guess is the one a guesser gets past the limit.
    let third = serve_another(&t, lapak_storage::open(&t.url, t.keys.clone()).await.unwrap(), Default::default()).await;
    let at_third = |birth: &'static str| {
        let body = serde_json::json!({ "claim_number": number.as_str(), "birth_date": birth });
        c.post(format!("http://{third}/api/v1/track")).json(&body).send()
    };
    assert_eq!(at_third("1990-05-15").await.unwrap().status(), 200, "its first lookup");
    assert_eq!(at_third("1991-01-01").await.unwrap().status(), 429, "a failure there is counted with the others");
    assert_eq!(at_third("1990-05-15").await.unwrap().status(), 429, "and from then on it asks");

    let identity = |i: usize, name: &'static str| {
        // Siti's NIK and KPJ; with her name the check would pass.
        let c = c.clone();
        let addr = processes[i % 2];
        async move {
            let body = serde_json::json!({
                "nik": NIK_SITI, "kpj": "12345678901", "full_name": name, "birth_date": "1990-05-15"
            });
            c.post(format!("http://{addr}/api/v1/claims")).json(&body).send().await.unwrap().status().as_u16()
        }
    };
    let mut statuses = Vec::new();
    for i in 0..6 {
        statuses.push(identity(i, "Siapa Saja").await);
    }
    assert!(statuses[..5].iter().all(|s| *s != 429), "{statuses:?}");
    assert_eq!(statuses[5], 429, "{statuses:?}");
    assert_eq!(identity(6, "Siti Aminah").await, 429, "the person is held in both processes");
}

#[tokio::test]
async fn without_trusted_proxies_the_forwarded_header_is_ignored() {
    let anyone = ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"];
    assert_eq!(lookups_through_proxy(Vec::new(), &anyone).await, [404, 404, 404, 429]);
    // Nor is it from a peer that is not one of the trusted proxies.
    let elsewhere: ipnet::IpNet = "10.0.0.0/8".parse().unwrap();
    assert_eq!(lookups_through_proxy(vec![elsewhere], &anyone).await, [404, 404, 404, 429]);
}

#[tokio::test]
async fn forms_from_other_sites_are_refused() {
    let (addr, _t) = spawn_app().await;
    let c = client();
    let identity =
        [("nik", "3171234567890123"), ("kpj", "12345678901"), ("full_name", "Siti"), ("birth_date", "15/05/1990")];
    let post = |headers: &[(&'static str, String)]| {
        let mut req = c.post(format!("http://{addr}/klaim/identitas")).form(&identity);
        for (name, value) in headers {
            req = req.header(*name, value);
        }
        req.send()
    };
    for refused in [
        vec![("sec-fetch-site", "cross-site".to_string())],
        // A sibling subdomain is the same site, not the same origin.
        vec![("sec-fetch-site", "same-site".to_string())],
        vec![("origin", "https://evil.example".to_string())],
        vec![("origin", "null".to_string())],
    ] {
        let res = post(&refused).await.unwrap();
        assert_eq!(res.status().as_u16(), 403, "{refused:?}");
        let body = res.text().await.unwrap();
        assert!(
            body.contains("<h1>Formulir tidak diterima</h1>") && body.contains("dikirim dari situs lain"),
            "{body}"
        );
    }
    // A page in the visitor's language.
    let res =
        post(&[("sec-fetch-site", "cross-site".to_string()), ("accept-language", "en".to_string())]).await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(res.text().await.unwrap().contains("sent from another site"));
    // From Lapak's own page, or from a client that says nothing: the form is handled.
    for accepted in
        [vec![("sec-fetch-site", "same-origin".to_string())], vec![("origin", format!("http://{addr}"))], vec![]]
    {
        let res = post(&accepted).await.unwrap();
        assert_ne!(res.status().as_u16(), 403, "{accepted:?}");
    }
    // Reading is never refused, and the JSON API (bearer tokens, no cookies) is left alone.
    let res = c.get(format!("http://{addr}/klaim")).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = c
        .post(format!("http://{addr}/api/v1/track"))
        .header("origin", "https://partner.example")
        .json(&serde_json::json!({ "claim_number": "", "birth_date": "" }))
        .send()
        .await
        .unwrap();
    assert_ne!(res.status().as_u16(), 403);

    // Behind a proxy the browser's origin is the public address, whatever Host Lapak sees.
    let t = test_store().await;
    let limits = lapak_web::Limits { public_url: Some("https://lapak.example".into()), ..Default::default() };
    let behind = serve_with(&t, limits).await;
    let send = |origin: &'static str| {
        c.post(format!("http://{behind}/klaim/identitas")).header("origin", origin).form(&identity).send()
    };
    assert_ne!(send("https://lapak.example").await.unwrap().status().as_u16(), 403);
    assert_eq!(send("https://lapak.example.evil.example").await.unwrap().status().as_u16(), 403);
    // Served as https://, every answer tells the browser to keep to HTTPS (HSTS).
    let home = c.get(format!("http://{behind}/")).send().await.unwrap();
    assert_eq!(home.headers()["strict-transport-security"], "max-age=31536000");
}

/// Beyond the requests it may have in flight, Lapak answers at once with 503 and
/// `Retry-After` (a page in the visitor's language, JSON under `/api/`) rather than letting
/// requests queue until they time out; when the load has passed it serves again.
#[tokio::test]
async fn beyond_its_capacity_lapak_refuses_at_once_and_says_when_to_retry() {
    use tokio::io::AsyncWriteExt;
    let t = test_store().await;
    let addr = serve_with(&t, lapak_web::Limits { max_in_flight: 1, ..Default::default() }).await;
    let c = client();
    // The one request it may have in flight: a slow client still sending its body.
    let mut slow = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head =
        "POST /api/v1/track HTTP/1.1\r\nHost: lapak\r\nContent-Type: application/json\r\nContent-Length: 64\r\n\r\n{";
    slow.write_all(head.as_bytes()).await.unwrap();
    let mut page = None;
    for _ in 0..200 {
        let res = c.get(format!("http://{addr}/klaim")).header("accept-language", "en").send().await.unwrap();
        if res.status() == 503 {
            page = Some(res);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let page = page.expect("a second request is refused while one is in flight");
    assert!(page.headers().contains_key("retry-after"));
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let body = page.text().await.unwrap();
    assert!(body.contains("<h1>The service is busy</h1>") && body.contains("what you have entered is kept"), "{body}");
    let api = c.get(format!("http://{addr}/api/v1/claim")).send().await.unwrap();
    assert_eq!(api.status(), 503);
    assert!(api.headers().contains_key("retry-after"));
    assert_eq!(api.json::<serde_json::Value>().await.unwrap()["code"], "overloaded");

    // The slow request ends; Lapak serves again.
    slow.write_all(format!("{:<62}}}", "").as_bytes()).await.unwrap();
    drop(slow);
    let mut status = 0;
    for _ in 0..200 {
        status = c.get(format!("http://{addr}/klaim")).send().await.unwrap().status().as_u16();
        if status == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(status, 200);
}

/// A form as a page shows it: where it posts, how, and the fields with the values the page
/// put in them (a hidden CSRF token, a selected option, a radio button's first value).
#[derive(Debug, Clone)]
struct PageForm {
    action: String,
    multipart: bool,
    fields: Vec<(String, String)>,
    files: Vec<String>,
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// An attribute of a tag's text, as Lapak's templates write them (`name="value"`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let marker = format!(" {name}=\"");
    let start = tag.find(&marker)? + marker.len();
    Some(unescape(&tag[start..start + tag[start..].find('"')?]))
}

/// The POST forms of a page, read from its HTML (written by hand: Lapak's templates are
/// regular, and the test needs only names, values and actions).
fn page_forms(html: &str, page: &str) -> Vec<PageForm> {
    let mut forms = Vec::new();
    for chunk in html.split("<form").skip(1) {
        let body = chunk.split("</form>").next().unwrap_or("");
        let open = &body[..body.find('>').unwrap_or(0)];
        if attribute(open, "method").is_none_or(|m| !m.eq_ignore_ascii_case("post")) {
            continue;
        }
        let action = attribute(open, "action").unwrap_or_else(|| page.to_string());
        let multipart = attribute(open, "enctype").is_some_and(|e| e.contains("multipart"));
        let (mut fields, mut files) = (Vec::<(String, String)>::new(), Vec::new());
        for tag in body.split('<').skip(1) {
            let tag = tag.split('>').next().unwrap_or("");
            let (Some(kind), Some(name)) = (tag.split_whitespace().next(), attribute(tag, "name")) else { continue };
            if !matches!(kind, "input" | "select" | "textarea" | "button") || fields.iter().any(|(n, _)| *n == name) {
                continue;
            }
            if attribute(tag, "type").as_deref() == Some("file") {
                files.push(name);
                continue;
            }
            let value = match kind {
                "select" => body
                    .split(&format!("name=\"{name}\""))
                    .nth(1)
                    .and_then(|rest| rest.split("<option").nth(1))
                    .and_then(|option| attribute(option, "value"))
                    .unwrap_or_default(),
                _ => attribute(tag, "value").unwrap_or_default(),
            };
            fields.push((name, value));
        }
        forms.push(PageForm { action, multipart, fields, files });
    }
    forms
}

/// Links to Lapak's own pages, to crawl.
fn page_links(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(unescape)
        .filter(|href| href.starts_with('/') && !href.starts_with("//") && !href.starts_with("/static/"))
        .map(|href| href.split('#').next().unwrap_or_default().to_string())
        .collect()
}

/// Values no form should choke on: empty, huge, control and invisible characters, wrong
/// scripts and digits, impossible dates and numbers, injections of every kind.
const HOSTILE: &[&str] = &[
    "",
    " ",
    "\u{0}",
    "\u{1}\u{8}\u{1b}[2J\u{7f}",
    "\r\nSet-Cookie: lapak_klaim=x",
    "\u{202e}gnp.exe",
    "\u{feff}\u{200b}",
    "😀👨‍👩‍👧",
    "３１７１２３４５６７８９０１２３",
    "٣١٧١٢٣٤٥٦٧٨٩٠١٢٣",
    "31/02/2026",
    "0000-00-00",
    "99/99/99999",
    "-1",
    "18446744073709551616",
    "1e309",
    "NaN",
    "' OR 1=1 --",
    "\"><script>alert(1)</script>",
    "../../../../etc/passwd",
    "%00%ff%fe",
    "{{7*7}}${7*7}",
    "true",
    "KC001",
];

/// What a form is sent as: its fields as the page had them with a few changed, dropped,
/// doubled or added.
fn mutated(form: &PageForm, rng: &mut impl rand::Rng) -> Vec<(String, String)> {
    let mut fields = form.fields.clone();
    let hostile = |rng: &mut dyn rand::RngCore| -> String {
        match rng.next_u32() % 12 {
            0 => "a".repeat(10_000),
            1 => "9".repeat(300),
            _ => HOSTILE[rng.next_u32() as usize % HOSTILE.len()].to_string(),
        }
    };
    for _ in 0..=rng.gen_range(0..3) {
        if fields.is_empty() {
            break;
        }
        let i = rng.gen_range(0..fields.len());
        match rng.gen_range(0..8) {
            0 => {
                fields.remove(i);
            }
            1 => {
                let doubled = (fields[i].0.clone(), hostile(rng));
                fields.push(doubled);
            }
            // The CSRF token is kept in most, so that the form's own checks are reached.
            _ if fields[i].0 == "csrf" && rng.gen_range(0..4) != 0 => {}
            _ => fields[i].1 = hostile(rng),
        }
    }
    if rng.gen_range(0..10) == 0 {
        fields.push((hostile(rng), hostile(rng)));
    }
    fields
}

/// Every POST form that the pages show anyone (a visitor, a participant with a draft, a
/// branch admin with a representative to confirm, a supervisor with a claim to approve, an
/// officer, a company's representative with a batch whose list is read, a kiosk), found by
/// crawling them, is sent its fields with hostile values, fields dropped, doubled and added,
/// bodies that are not forms at all, and files that are not what they say: each answer is a
/// page (or a redirect), and never a server error. The pages' schema-driven check, as
/// Schemathesis is the API's.
#[tokio::test]
async fn every_form_answers_malformed_input_with_a_page_never_a_server_error() {
    use lapak_domain::staff::StaffRole;
    use rand::{Rng, SeedableRng};
    use reqwest::header::{CONTENT_TYPE, COOKIE};
    // Two claims seated in a One to Many session (the officer's page has its decision form,
    // Siti's tracking page its forms to move or cancel), and someone else with a draft.
    let t = seeded().await;
    let (session, claims) = scheduled_claims(&t, 2).await;
    let mut nine = member("3273011505900009", "12345678909", jiff::civil::date(1990, 5, 15), Some("15070955"));
    nine.full_name = lapak_domain::member::Name::parse("Peserta Ke Sembilan").unwrap();
    t.store.upsert_members(&[nine]).await.unwrap();
    let c = lapak_tests::web::Client::serving(&t).await;
    let base = c.base.clone();

    // Who looks: a visitor; Siti with a draft; staff of every role that has forms; a
    // representative; a kiosk.
    let mut roles: Vec<(&str, String)> = vec![("visitor", String::new())];
    let identity = c
        .post(
            "/klaim/identitas",
            "",
            &[
                ("nik", "3273011505900009"),
                ("kpj", "12345678909"),
                ("full_name", "Peserta Ke Sembilan"),
                ("birth_date", "15/05/1990"),
            ],
        )
        .await;
    let (draft, _) = lapak_tests::web::cookie(&identity, "lapak_klaim").expect("a draft");
    let draft = format!("lapak_klaim={draft}");
    // Answers far enough for the documents' checklist.
    let cause = c.post("/klaim/sebab", &draft, &[("cause", "layoff"), ("last_working_day", "30/09/2026")]).await;
    assert_eq!(cause.status(), 303);
    let payment = [
        ("bank_code", "014"),
        ("account_number", "1234567890"),
        ("account_holder", "Peserta Ke Sembilan"),
        ("email", "siti.aminah@example.id"),
        ("whatsapp", "081234567890"),
        ("npwp", ""),
        ("branch", "KC001"),
    ];
    assert_eq!(c.post("/klaim/pembayaran", &draft, &payment).await.status(), 303);
    roles.push(("participant", draft));
    let staff = lapak_staff::StaffService::new(t.store.clone());
    const PASSWORD: &str = "kuda laut biru tujuh";
    for (username, role) in [
        ("admin.kc001", StaffRole::BranchAdmin),
        ("spv.kc001", StaffRole::Supervisor),
        ("petugas.kc001", StaffRole::Officer),
    ] {
        staff.add(username, username, role, Some("KC001"), PASSWORD).await.unwrap();
        roles.push((username, lapak_tests::web::signed_in(&c, username, PASSWORD).await));
    }
    roles.push(("kiosk", kiosk_cookie(&t, "KC001").await));
    // The officer verifies the second claim: the supervisor's approvals then have a form.
    let (_, officer) = roles.iter().find(|(r, _)| *r == "petugas.kc001").unwrap();
    let session_page = c.get(&format!("/staf/sesi/{session}"), officer).await.text().await.unwrap();
    let verify = [
        ("csrf", lapak_tests::web::field(&session_page, "csrf")),
        ("claim_id", claims[1].clone()),
        ("decision", "verify".into()),
    ];
    let verify: Vec<(&str, &str)> = verify.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(c.post(&format!("/staf/sesi/{session}/keputusan"), officer, &verify).await.status(), 303);
    // A company's representative with a batch whose worker list is read (its page has the
    // forms for the layoff letter and for filing), and another company's waiting for
    // the branch admin (whose page then has the decision forms).
    let mut companies = lapak_registry::demo::collective(
        &lapak_domain::member::BranchCode::parse("KC001").unwrap(),
        lapak_claims::today(),
    );
    for demo in &companies {
        t.store.upsert_companies(std::slice::from_ref(&demo.company)).await.unwrap();
    }
    let textile = companies.remove(0);
    t.store.upsert_members(&textile.workers).await.unwrap();
    representative(&t, textile.company.npp.as_str(), "pic@tekstil.example", PASSWORD).await;
    let pic = lapak_tests::web::signed_in(&c, "pic@tekstil.example", PASSWORD).await;
    let home = c.get("/staf/kolektif", &pic).await.text().await.unwrap();
    let csrf = lapak_tests::web::field(&home, "csrf");
    let batch = c.post("/staf/kolektif/baru", &pic, &[("csrf", &csrf)]).await;
    let batch = batch.headers()[reqwest::header::LOCATION].to_str().unwrap().to_string();
    let list = lapak_claims::worker_list::xlsx(
        "Pekerja",
        &lapak_claims::worker_list::template_header(),
        &lapak_registry::demo::worker_list(&textile, 0),
    )
    .unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf)
        .part("file", reqwest::multipart::Part::bytes(list).file_name("pekerja.xlsx"));
    let read = c.http.post(format!("{base}{batch}/daftar")).header(COOKIE, &pic).multipart(form).send().await.unwrap();
    assert_eq!(read.status(), 303, "{}", read.text().await.unwrap());
    roles.push(("representative", pic));
    pending_representative(&t, "rep-pending", companies[0].company.npp.clone(), "Rina Wati", "rina.hr@example.id")
        .await;

    // Crawl each role's pages from its start, and gather the forms.
    let officer_page = format!("/staf/sesi/{session}");
    let starts = [
        "/",
        "/klaim",
        "/klaim/sebab",
        "/klaim/pembayaran",
        "/klaim/dokumen",
        "/klaim/periksa",
        "/lacak",
        "/kolektif/daftar",
        "/staf",
        "/staf/masuk",
        "/staf/persetujuan",
        "/staf/perwakilan",
        "/staf/kolektif",
        "/cabang/KC001/tiket",
        &officer_page,
    ];
    // Each form once, as the first role to see it sends it: the kiosk and staff first, whose
    // pages have forms that others' have not (the kiosk's ticket form, shown to a visitor
    // too, takes a ticket only from a kiosk).
    roles.reverse();
    let mut forms: Vec<(&str, String, PageForm)> = Vec::new();
    for (role, cookies) in &roles {
        let mut seen = std::collections::HashSet::new();
        let mut queue: std::collections::VecDeque<String> = starts.iter().map(|s| s.to_string()).collect();
        while let Some(path) = queue.pop_front() {
            if seen.len() >= 60 || !seen.insert(path.clone()) || path.contains("keluar") {
                continue;
            }
            // The page's address with a NUL in its path and in its query first.
            for hostile in [format!("{path}%00"), format!("{path}?lang=%00&q=%00")] {
                let status = c.get(&hostile, cookies).await.status();
                assert!(status.as_u16() < 500, "GET {hostile} as {role}: {status}");
            }
            let res = c.get(&path, cookies).await;
            assert!(res.status().as_u16() < 500, "GET {path} as {role}: {}", res.status());
            // Cookies a page sets for its form (the staff sign-in's) go with that form.
            let mut cookies = cookies.clone();
            for set in res.headers().get_all(reqwest::header::SET_COOKIE) {
                let pair = set.to_str().unwrap().split(';').next().unwrap();
                cookies = if cookies.is_empty() { pair.to_string() } else { format!("{cookies}; {pair}") };
            }
            let is_html =
                res.headers().get(CONTENT_TYPE).is_some_and(|v| v.to_str().unwrap_or("").starts_with("text/html"));
            if !is_html {
                continue;
            }
            let html = res.text().await.unwrap();
            queue.extend(page_links(&html));
            for form in page_forms(&html, &path) {
                if !form.action.contains("keluar") && !forms.iter().any(|(_, _, f)| f.action == form.action) {
                    forms.push((role, cookies.clone(), form));
                }
            }
        }
    }
    // A device made a kiosk is signed out as staff (by design): that form goes last.
    forms.sort_by_key(|(_, _, f)| f.action == "/staf/kios");
    // Siti's tracking page is the answer to a form, not a page to crawl.
    let siti = lapak_domain::claim_number::ClaimNumber::from_random(99);
    let tracked = c.post("/lacak", "", &[("claim_number", siti.as_str()), ("birth_date", "15/05/1990")]).await;
    assert_eq!(tracked.status(), 200);
    for form in page_forms(&tracked.text().await.unwrap(), "/lacak") {
        if !forms.iter().any(|(_, _, f)| f.action == form.action) {
            forms.push(("visitor", String::new(), form));
        }
    }
    let actions: std::collections::BTreeSet<&str> = forms.iter().map(|(_, _, f)| f.action.as_str()).collect();
    for expected in [
        "/klaim/identitas",
        "/klaim/sebab",
        "/klaim/pembayaran",
        "/klaim/dokumen",
        "/lacak",
        "/lacak/jadwal",
        "/lacak/batal",
        "/staf/kapasitas",
        "/cabang/KC001/tiket",
        &format!("{officer_page}/keputusan"),
        "/staf/persetujuan",
        "/staf/kolektif/baru",
        &format!("{batch}/daftar"),
        &format!("{batch}/ajukan"),
        &format!("{batch}/surat"),
        "/staf/perwakilan",
    ] {
        assert!(actions.contains(expected), "the crawl found no form posting to {expected}: {actions:?}");
    }

    let mut rng = rand::rngs::StdRng::seed_from_u64(20200401);
    let mut failures = Vec::new();
    let mut sent = 0;
    let mut statuses = std::collections::BTreeMap::new();
    for (role, cookies, form) in &forms {
        let url = format!("{base}{}", form.action);
        for round in 0..60 {
            let req = c.http.post(&url).header(COOKIE, cookies.as_str()).header("accept-language", "id");
            let fields = mutated(form, &mut rng);
            let req = if form.multipart {
                let mut body = reqwest::multipart::Form::new();
                for (name, value) in fields.clone() {
                    body = body.text(name, value);
                }
                for name in &form.files {
                    let bytes: Vec<u8> = match round % 5 {
                        0 => Vec::new(),
                        1 => b"<html><script>alert(1)</script></html>".to_vec(),
                        2 => vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0xFF, 0xD9],
                        3 => b"%PDF-1.7\n1 0 obj << /S /JavaScript >> endobj\n%%EOF\n".to_vec(),
                        _ => (0..4096).map(|_| rng.gen::<u8>()).collect(),
                    };
                    let file_name = HOSTILE[rng.gen_range(0..HOSTILE.len())].to_string() + ".jpg";
                    body = body.part(name.clone(), reqwest::multipart::Part::bytes(bytes).file_name(file_name));
                }
                req.multipart(body)
            } else {
                match round {
                    // Bodies that are not a form, or not what they say they are.
                    0 => req.header(CONTENT_TYPE, "application/x-www-form-urlencoded").body("%FF%FE=%C0%AF&&=&a=%"),
                    1 => req.header(CONTENT_TYPE, "application/json").body("{\"nik\": [1, 2]}"),
                    2 => req.header(CONTENT_TYPE, "multipart/form-data; boundary=x").body("--x\r\nbroken"),
                    3 => req.header(CONTENT_TYPE, "text/plain").body(vec![0u8, 159, 146, 150]),
                    _ => req.form(&fields),
                }
            };
            let res = req.send().await.unwrap();
            sent += 1;
            let status = res.status().as_u16();
            *statuses.entry((form.action.clone(), status)).or_insert(0) += 1;
            if status >= 500 {
                let shown: Vec<String> =
                    fields.iter().map(|(k, v)| format!("{:.40}={:.40}", format!("{k:?}"), format!("{v:?}"))).collect();
                failures.push(format!(
                    "{status} from POST {} as {role} (round {round}): {}",
                    form.action,
                    shown.join("&")
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {sent} answers were server errors:\n{}", failures.len(), failures.join("\n"));
    assert!(sent >= 600, "only {sent} requests");
    println!(
        "{sent} malformed posts to {} forms ({} actions), no server error: {statuses:?}",
        forms.len(),
        actions.len()
    );
}
