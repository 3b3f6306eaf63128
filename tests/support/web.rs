//! A client for the staff pages over real HTTP: shows redirects, carries cookies by hand,
//! signs in with the password and enrols the second factor.

use reqwest::header::{COOKIE, SET_COOKIE};
use reqwest::redirect::Policy;

use crate::{serve, TestStore};

pub fn cookie(res: &reqwest::Response, name: &str) -> Option<(String, String)> {
    res.headers().get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).find_map(|v| {
        let (pair, attrs) = v.split_once(';').unwrap_or((v, ""));
        let (k, val) = pair.split_once('=')?;
        (k == name).then(|| (val.to_string(), attrs.to_string()))
    })
}

pub fn field(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    html.split(&marker).nth(1).unwrap().split('"').next().unwrap().to_string()
}

pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
}

impl Client {
    /// Lapak served over `t` on a loopback port, and a client that shows redirects.
    pub async fn serving(t: &TestStore) -> Client {
        let addr = serve(t).await;
        Client {
            http: reqwest::Client::builder().redirect(Policy::none()).build().unwrap(),
            base: format!("http://{addr}"),
        }
    }

    pub async fn get(&self, path: &str, cookies: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .header(COOKIE, cookies)
            .header("accept-language", "id")
            .send()
            .await
            .unwrap()
    }
    pub async fn post(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> reqwest::Response {
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
    pub async fn password(&self, username: &str, password: &str) -> reqwest::Response {
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

/// Signs in with `password` and enrols the second factor; returns the full session cookie.
pub async fn signed_in(c: &Client, username: &str, password: &str) -> String {
    let res = c.password(username, password).await;
    let (half, _) = cookie(&res, "lapak_staf").expect("password accepted");
    let half = format!("lapak_staf={half}");
    let enrol = c.get("/staf/aktifkan", &half).await.text().await.unwrap();
    let secret = enrol.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_string();
    let code = lapak_staff::current_code_base32(&secret, username).unwrap();
    let done = c.post("/staf/aktifkan", &half, &[("csrf", &field(&enrol, "csrf")), ("code", &code)]).await;
    let (full, _) = cookie(&done, "lapak_staf").expect("enrolled");
    format!("lapak_staf={full}")
}
