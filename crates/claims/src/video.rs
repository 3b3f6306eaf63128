//! Video calls on Jitsi Meet (no video stack of our own): one room per session, a personal
//! link per participant, and, when the Jitsi server is set up for token authentication, a
//! JWT per join in the format Jitsi documents (`aud` "jitsi", `iss` the app id, `sub` the
//! domain, `room`, `exp`/`nbf`, `context.user`, `moderator` for the officer).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use jiff::Timestamp;
use rand::RngCore;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Where the rooms are and, optionally, the app credentials for room tokens.
#[derive(Debug, Clone)]
pub struct Jitsi {
    pub base_url: String,
    /// (app id, secret) of the Jitsi server's token authentication.
    pub app: Option<(String, String)>,
}

impl Default for Jitsi {
    fn default() -> Self {
        Jitsi { base_url: "https://meet.jit.si".into(), app: None }
    }
}

impl Jitsi {
    /// The room's plain link.
    pub fn room_url(&self, room: &str) -> String {
        format!("{}/{room}", self.base_url.trim_end_matches('/'))
    }

    /// The link that lets one person into a room from `nbf` until `exp`: with a token when
    /// the app is configured, else the plain room.
    pub fn join_url(
        &self,
        room: &str,
        name: &str,
        user_id: &str,
        nbf: Timestamp,
        exp: Timestamp,
        moderator: bool,
    ) -> String {
        let Some((app_id, secret)) = &self.app else { return self.room_url(room) };
        let domain = self
            .base_url
            .split("://")
            .nth(1)
            .unwrap_or(&self.base_url)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let claims = json!({
            "aud": "jitsi",
            "iss": app_id,
            "sub": domain,
            "room": room,
            "nbf": nbf.as_second(),
            "exp": exp.as_second(),
            "moderator": moderator,
            "context": { "user": { "id": user_id, "name": name, "moderator": moderator } },
        });
        format!("{}?jwt={}", self.room_url(room), jwt_hs256(&claims, secret.as_bytes()))
    }
}

/// A personal link's secret and the SHA-256 kept of it.
pub fn new_video_token() -> (String, Vec<u8>) {
    let mut secret = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut secret);
    let token = URL_SAFE_NO_PAD.encode(secret);
    let hash = Sha256::digest(token.as_bytes()).to_vec();
    (token, hash)
}

pub fn video_token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A JSON Web Token signed with HS256 (RFC 7519/7515), written by hand: three base64url
/// parts and one HMAC-SHA256, which the hmac and sha2 crates already give us.
pub fn jwt_hs256(claims: &serde_json::Value, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let input = format!("{header}.{payload}");
    format!("{input}.{}", sign_hs256(input.as_bytes(), secret))
}

fn sign_hs256(input: &[u8], secret: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(input);
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7515 appendix A.1: the HS256 example's signature.
    #[test]
    fn the_signature_matches_the_rfc_example() {
        let input = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ";
        let key = URL_SAFE_NO_PAD
            .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
            .unwrap();
        assert_eq!(sign_hs256(input.as_bytes(), &key), "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
    }

    #[test]
    fn a_join_link_carries_a_token_for_that_room_only_when_configured() {
        let plain = Jitsi::default();
        let at: Timestamp = "2026-12-07T01:00:00Z".parse().unwrap();
        assert_eq!(plain.join_url("lapak-abc", "Siti", "c-1", at, at, false), "https://meet.jit.si/lapak-abc");
        let jitsi =
            Jitsi { base_url: "https://video.lapak.example/".into(), app: Some(("lapak".into(), "rahasia".into())) };
        let url = jitsi.join_url("lapak-abc", "Siti", "c-1", at, at, true);
        let token = url.strip_prefix("https://video.lapak.example/lapak-abc?jwt=").unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "jitsi");
        assert_eq!(claims["iss"], "lapak");
        assert_eq!(claims["sub"], "video.lapak.example");
        assert_eq!(claims["room"], "lapak-abc");
        assert_eq!(claims["context"]["user"]["name"], "Siti");
        assert_eq!(claims["moderator"], true);
        assert_eq!(sign_hs256(format!("{}.{}", parts[0], parts[1]).as_bytes(), b"rahasia"), parts[2]);
    }
}
