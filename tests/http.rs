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
    let res = client().post(format!("http://{addr}/")).body(vec![b'x'; 9 * 1024 * 1024]).send().await.unwrap();
    assert_eq!(res.status(), 413);
}
