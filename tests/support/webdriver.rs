//! A small W3C WebDriver client for the browser tests, driving Debian's chromium through
//! chromedriver on localhost.
//!
//! Written by hand on purpose: the WebDriver crates (fantoccini, thirtyfour) bring a TLS
//! stack whose C build costs minutes on every CI run, for a plain-HTTP loopback
//! connection; the handful of commands used here are plain JSON over HTTP (W3C WebDriver,
//! sections 6–17).

use base64::Engine;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// WebDriver's key codes (W3C WebDriver, "Keyboard actions").
pub const TAB: &str = "\u{E004}";
pub const ENTER: &str = "\u{E007}";
pub const END: &str = "\u{E010}";

/// What a page anyone can open may weigh with everything it loads: a page on a 2G
/// connection (about 50 kbit/s) in under ten seconds. Staff pages (`/staf…`), lists of
/// hundreds of claims among them, are not held to it.
pub const PAGE_BUDGET: u64 = 50 * 1024;

pub struct Browser {
    http: reqwest::Client,
    base: String,
    session: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// Where Debian puts the driver; `LAPAK_CHROMEDRIVER` overrides.
pub fn chromedriver_path() -> Option<String> {
    std::env::var("LAPAK_CHROMEDRIVER").ok().or_else(|| {
        ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .iter()
            .find(|p| std::path::Path::new(p).exists())
            .map(|p| p.to_string())
    })
}

/// The driver for a browser test, or `None` when it is missing: then the test says loudly
/// that it did not run, except under CI (`CI` set, as `.ci/run` does), where it fails.
pub fn required_driver() -> Option<String> {
    let driver = chromedriver_path();
    if driver.is_none() {
        crate::not_run("browser test needs chromium and chromium-driver", "apt-get install chromium chromium-driver");
    }
    driver
}

/// Where browser tests keep their screenshots: `target/screenshots/`.
pub fn screenshots_dir() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session with the given UI language.
    pub async fn start(driver: &str, accept_language: &str) -> Browser {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::new();
        for _ in 0..100 {
            if http.get(format!("{base}/status")).send().await.is_ok() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir().unwrap();
        let binary = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .iter()
            .find(|p| std::path::Path::new(p).exists())
            .copied();
        let mut options = json!({
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--no-first-run",
                format!("--user-data-dir={}", profile.path().display()),
                format!("--lang={accept_language}"),
            ],
            "prefs": { "intl.accept_languages": accept_language },
            // A phone's screen, 360 CSS pixels wide, laid out the way a phone lays it out
            // (device metrics, mobile viewport, touch): headless Chromium keeps its window at
            // least 500 pixels wide whatever --window-size says.
            "mobileEmulation": { "deviceMetrics": { "width": 360, "height": 800, "pixelRatio": 1.0, "touch": true, "mobile": true } },
        });
        if let Some(b) = binary {
            options["binary"] = json!(b);
        }
        let caps = json!({ "capabilities": { "alwaysMatch": { "goog:chromeOptions": options } } });
        let res: Value = http.post(format!("{base}/session")).json(&caps).send().await.unwrap().json().await.unwrap();
        let session =
            res["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no WebDriver session: {res}")).to_string();
        let browser = Browser { http, base, session, driver: child, _profile: profile };
        // Finding an element waits up to 10 s for it (a click's navigation may still be
        // under way on a busy machine), instead of failing at once.
        browser.call(reqwest::Method::POST, "/timeouts", json!({ "implicit": 10_000, "pageLoad": 30_000 })).await;
        browser
    }

    async fn call(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        self.try_call(method, path, body).await.unwrap_or_else(|e| panic!("{e}"))
    }

    async fn try_call(&self, method: reqwest::Method, path: &str, body: Value) -> Result<Value, String> {
        let url = format!("{}/session/{}{path}", self.base, self.session);
        let req = self.http.request(method.clone(), url);
        let req = if method == reqwest::Method::GET { req } else { req.json(&body) };
        let res: Value = req.send().await.unwrap().json().await.unwrap();
        if let Some(err) = res["value"].get("error") {
            return Err(format!("WebDriver {path}: {err} {}", res["value"]["message"]));
        }
        Ok(res["value"].clone())
    }

    pub async fn goto(&self, url: &str) {
        self.call(reqwest::Method::POST, "/url", json!({ "url": url })).await;
    }

    /// Reloads the page. Chromium once answered a reload with "timeout: aborted by
    /// navigation" in a full run of the suite on a busy machine (the same test passed alone
    /// every time); such a reload is tried once more, and anything else fails the test.
    pub async fn refresh(&self) {
        if let Err(e) = self.try_call(reqwest::Method::POST, "/refresh", json!({})).await {
            assert!(e.contains("aborted by navigation"), "{e}");
            self.call(reqwest::Method::POST, "/refresh", json!({})).await;
        }
    }

    pub async fn source(&self) -> String {
        self.call(reqwest::Method::GET, "/source", Value::Null).await.as_str().unwrap_or_default().to_string()
    }

    /// The page source once it contains `needle` (a click's navigation may still be
    /// under way when the command returns); panics with the page after 10 s.
    pub async fn wait_for(&self, needle: &str) -> String {
        let mut page = String::new();
        // The page as read to its end, in one step: a page still being read can show its
        // title and not yet its body.
        let whole = "return document.readyState === 'complete' ? document.documentElement.outerHTML : ''";
        for _ in 0..200 {
            // Between two pages the script may find no page to run in: not yet.
            let read =
                self.try_call(reqwest::Method::POST, "/execute/sync", json!({ "script": whole, "args": [] })).await;
            page = read.ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
            if page.contains(needle) {
                return page;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{needle:?} did not appear; page:\n{page}\nsource:\n{}", self.source().await);
    }

    /// Gives the browser a cookie for the site of the page shown (WebDriver's "Add
    /// Cookie"), as a response of that site would.
    pub async fn add_cookie(&self, name: &str, value: &str, path: &str) {
        let cookie = json!({ "name": name, "value": value, "path": path, "httpOnly": true, "sameSite": "Strict" });
        self.call(reqwest::Method::POST, "/cookie", json!({ "cookie": cookie })).await;
    }

    /// The address of the page shown.
    pub async fn url(&self) -> String {
        self.call(reqwest::Method::GET, "/url", Value::Null).await.as_str().unwrap_or_default().to_string()
    }

    pub async fn title(&self) -> String {
        self.call(reqwest::Method::GET, "/title", Value::Null).await.as_str().unwrap_or_default().to_string()
    }

    async fn element(&self, css: &str) -> String {
        let v = self.call(reqwest::Method::POST, "/element", json!({ "using": "css selector", "value": css })).await;
        v.as_object().and_then(|o| o.values().next()).and_then(|id| id.as_str()).expect("element id").to_string()
    }

    /// Types into the element (for a file input: the path of the file to upload).
    pub async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.call(reqwest::Method::POST, &format!("/element/{id}/clear"), json!({})).await;
        self.call(reqwest::Method::POST, &format!("/element/{id}/value"), json!({ "text": text })).await;
    }

    pub async fn attach(&self, css: &str, path: &std::path::Path) {
        let id = self.element(css).await;
        self.call(
            reqwest::Method::POST,
            &format!("/element/{id}/value"),
            json!({ "text": path.display().to_string() }),
        )
        .await;
    }

    pub async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.call(reqwest::Method::POST, &format!("/element/{id}/click"), json!({})).await;
    }

    pub async fn screenshot(&self, path: &std::path::Path) {
        let b64 = self.call(reqwest::Method::GET, "/screenshot", Value::Null).await;
        let png = base64::engine::general_purpose::STANDARD.decode(b64.as_str().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// Presses and releases one key on the keyboard (W3C WebDriver "Perform Actions"): a
    /// character, or a WebDriver key code such as [`TAB`] or [`ENTER`].
    pub async fn press(&self, key: &str) {
        let actions = json!([{ "type": "key", "id": "keyboard", "actions": [
            { "type": "keyDown", "value": key }, { "type": "keyUp", "value": key },
        ] }]);
        self.call(reqwest::Method::POST, "/actions", json!({ "actions": actions })).await;
    }

    /// Types text with the keyboard into whatever has the focus.
    pub async fn keys(&self, text: &str) {
        for c in text.chars() {
            self.press(&c.to_string()).await;
        }
    }

    /// Runs a script in the page (W3C WebDriver "Execute Script") and returns its value.
    pub async fn execute(&self, script: &str) -> Value {
        self.call(reqwest::Method::POST, "/execute/sync", json!({ "script": script, "args": [] })).await
    }

    /// The checks of `audit.js` (width on a 360-pixel screen, headings, labels, errors tied
    /// to their fields, names of buttons and images, target size, contrast), axe-core's
    /// WCAG rules, on the page shown, and its weight: fails the test with every problem
    /// found, naming the step.
    pub async fn check_page(&self, step: &str) {
        let mut problems = self.audit().await;
        problems.extend(self.axe().await);
        let weight = self.weight().await;
        let url = self.url().await;
        let staff = reqwest::Url::parse(&url).is_ok_and(|u| u.path().starts_with("/staf"));
        if weight > PAGE_BUDGET && !staff {
            problems.push(format!("the page and what it loads weigh {weight} bytes, over {PAGE_BUDGET}"));
        }
        assert!(problems.is_empty(), "{step} ({url}):\n{}", problems.join("\n"));
    }

    /// The problems `audit.js` finds on the page shown.
    pub async fn audit(&self) -> Vec<String> {
        let found = self.execute(include_str!("audit.js")).await;
        found.as_array().expect("a list").iter().map(|p| p.as_str().unwrap_or_default().to_string()).collect()
    }

    /// The violations axe-core (vendored, see `vendor/axe-core/README.md`) finds on the page
    /// shown with the rules of WCAG 2.0, 2.1 and 2.2 at levels A and AA and axe's best
    /// practices (landmarks, heading order, …): a line each, with the rule, what it asks and
    /// where (up to five elements).
    pub async fn axe(&self) -> Vec<String> {
        const RUN: &str = "return axe.run(document, { runOnly: { type: 'tag', values: \
            ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }, resultTypes: ['violations'] })\
            .then(r => r.violations.map(v => `axe ${v.id}: ${v.help} (${v.helpUrl}) at ` + \
            v.nodes.slice(0, 5).map(n => n.target.join(' ')).join(', ')));";
        // The engine is evaluated into the page once (a later check on the same page finds
        // it there), in the same call that runs it: a page that changed between two calls
        // would not have it.
        let script =
            format!("if (typeof axe !== 'object') {{\n{}\n}}\n{RUN}", include_str!("vendor/axe-core/axe.min.js"));
        let found = self.execute(&script).await;
        found.as_array().expect("a list").iter().map(|p| p.as_str().unwrap_or_default().to_string()).collect()
    }

    /// The bytes the page shown and everything it loaded took over the wire (as sent,
    /// before any HTTP compression is undone).
    pub async fn weight(&self) -> u64 {
        let bytes = self
            .execute(
                "return performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))\
                 .reduce((n, e) => n + (e.encodedBodySize || 0), 0);",
            )
            .await;
        bytes.as_u64().expect("a byte count")
    }

    pub async fn quit(mut self) {
        let _ = self.http.delete(format!("{}/session/{}", self.base, self.session)).send().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
