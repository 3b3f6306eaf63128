//! Staff sign-in over HTTP: password, second factor enrolled by QR code, recovery codes,
//! single-use codes, CSRF, lockout, renewed and ended sessions.

use lapak_domain::staff::StaffRole;
use lapak_tests::*;
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::redirect::Policy;

const PASSWORD: &str = "kuda laut biru tujuh";

fn cookie(res: &reqwest::Response, name: &str) -> Option<(String, String)> {
    res.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
        let (k, val) = pair.split_once('=')?;
        (k == name).then(|| (val.to_string(), attrs.to_string()))
    })
}

fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker).nth(1).unwrap().split('"').next().unwrap().to_string()
}

struct Client {
    http: reqwest::Client,
    base: String,
}

impl Client {
    async fn get(&self, path: &str, cookies: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, cookies)
            .header("accept-language", "id")
            .send()
            .await
            .unwrap()
    }
    async fn post(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .header(COOKIE, cookies)
            .header("accept-language", "id")
            .form(form)
            .send()
            .await
            .unwrap()
    }

    /// Username and password; returns the half-signed-in session cookie.
    async fn password(&self, username: &str, password: &str) -> reqwest::Response {
        let page = self.get("/staf/masuk", "").await;
        let (pre, _) = cookie(&page, "lapak_staf_pre").unwrap();
        let csrf = field(&page.text().await.unwrap(), "csrf");
        self.post(
            "/staf/masuk",
            &format!("lapak_staf_pre={pre}"),
            &[("csrf", &csrf), ("username", username), ("password", password)],
        )
        .await
    }
}

#[tokio::test]
async fn an_officer_signs_in_with_a_second_factor_enrolled_at_the_first_sign_in() {
    let t = seeded().await;
    let staff = lapak_staff::StaffService::new(t.store.clone());
    staff.add("siti.petugas", "Siti Petugas", StaffRole::Officer, Some("KC001"), PASSWORD).await.unwrap();
    let addr = serve(&t).await;
    let c = Client {
        http: reqwest::Client::builder().redirect(Policy::none()).build().unwrap(),
        base: format!("http://{addr}"),
    };

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
    assert!(t.store.verify_audit_chain().await.is_ok());
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
