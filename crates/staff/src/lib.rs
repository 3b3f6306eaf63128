//! Staff accounts: who may sign in, and how.
//!
//! - Passwords are hashed with Argon2id (the argon2 crate's defaults: 19 MiB, 2 passes,
//!   one lane, as OWASP recommends) on the blocking pool, never on the async threads.
//! - Every account needs a TOTP second factor (RFC 6238, 30 s, 6 digits, SHA-1 for the
//!   authenticator apps people have); a code is accepted once; ten single-use recovery
//!   codes (120 bits each, stored as SHA-256) stand in for a lost phone.
//! - Guessing is limited per account and per client, and ten failures in a row lock the
//!   account for 15 minutes (ASVS 2.2.1).
//! - A session is a random 256-bit cookie, stored by its SHA-256; it is renewed when the
//!   second factor is given, ends after 30 idle minutes or 12 hours, and ends at once when
//!   the account is disabled (the sessions are deleted).

use std::net::IpAddr;
use std::sync::Arc;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jiff::{SignedDuration, Timestamp};
use lapak_domain::staff::{valid_password, valid_username, StaffRole};
use lapak_limits::{per_minute, KeyedLimit};
use lapak_storage::{NewStaff, StaffRecord, StaffSession, StorageError, Store};
use rand::RngCore;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, TOTP};

pub const IDLE_TIMEOUT: SignedDuration = SignedDuration::from_mins(30);
pub const ABSOLUTE_TIMEOUT: SignedDuration = SignedDuration::from_hours(12);
/// How stale a session's last-seen mark may be: the idle timeout counts from it.
pub const TOUCH_EVERY: SignedDuration = SignedDuration::from_mins(1);
const LOCK_AFTER: i64 = 10;
const LOCK_FOR: SignedDuration = SignedDuration::from_mins(15);
const ISSUER: &str = "Lapak";

#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// One answer for a wrong username, a wrong password or a wrong code.
    #[error("the sign-in details are not right")]
    BadCredentials,
    #[error("too many attempts")]
    RateLimited,
    #[error("the account is locked for a while after too many failed attempts")]
    Locked,
    #[error("the account is disabled")]
    Disabled,
    #[error("{0}")]
    Invalid(&'static str),
    #[error("the session has ended")]
    SessionEnded,
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl StaffError {
    /// The locale key suffix (`err-staff-…`).
    pub fn code(&self) -> &'static str {
        match self {
            StaffError::BadCredentials => "staff-credentials",
            StaffError::RateLimited => "rate-limited",
            StaffError::Locked => "staff-locked",
            StaffError::Disabled => "staff-credentials",
            StaffError::Invalid(code) => code,
            StaffError::SessionEnded => "staff-session-ended",
            StaffError::Storage(e) if e.is_unavailable() => "unavailable",
            StaffError::Storage(_) => "internal",
        }
    }
}

pub type Result<T, E = StaffError> = std::result::Result<T, E>;

fn random(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

fn sha256(s: &str) -> Vec<u8> {
    Sha256::digest(s.as_bytes()).to_vec()
}

/// Hashes a password with Argon2id off the async threads.
pub async fn hash_password(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string())
    })
    .await
    .map_err(|_| StaffError::Invalid("internal"))?
    .map_err(|_| StaffError::Invalid("internal"))
}

async fn verify_password(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
}

fn totp(secret: Vec<u8>, account: &str) -> Option<TOTP> {
    TOTP::new(Algorithm::SHA1, 6, 1, 30, secret, Some(ISSUER.into()), account.into()).ok()
}

/// The 30-second step a code is good for (now, or one step either side), if any.
fn totp_step(secret: &[u8], account: &str, code: &str, now: Timestamp) -> Option<i64> {
    let code = code.trim().replace(' ', "");
    let t = totp(secret.to_vec(), account)?;
    let now = u64::try_from(now.as_second()).ok()?;
    [now.saturating_sub(30), now, now + 30]
        .into_iter()
        .find(|&at| constant_time_eq::constant_time_eq(t.generate(at).as_bytes(), code.as_bytes()))
        .map(|at| (at / 30) as i64)
}

/// A second-factor enrolment in progress: the secret to show as a QR code.
pub struct Enrolment {
    pub secret_base32: String,
    /// `otpauth://totp/…` for the QR code.
    pub url: String,
}

/// A session as a cookie carries it.
pub struct Issued {
    pub cookie: String,
    pub csrf: String,
}

pub struct StaffService {
    store: Arc<dyn Store>,
    per_account: KeyedLimit<String>,
    per_client: KeyedLimit<IpAddr>,
}

impl StaffService {
    pub fn new(store: Arc<dyn Store>) -> StaffService {
        StaffService {
            store,
            per_account: KeyedLimit::new(per_minute(10)),
            per_client: KeyedLimit::new(per_minute(30)),
        }
    }

    /// Creates an account (the first national admin from the CLI, the others later from
    /// the admin pages). It signs in with its password, then enrols its second factor.
    pub async fn add(
        &self,
        username: &str,
        display_name: &str,
        role: StaffRole,
        branch: Option<&str>,
        password: &str,
    ) -> Result<String> {
        if role == StaffRole::Representative {
            // A representative's account is made when the branch confirms the company's
            // power of attorney, never directly.
            return Err(StaffError::Invalid("staff-representative"));
        }
        if !valid_username(username) {
            return Err(StaffError::Invalid("staff-username"));
        }
        if !valid_password(password) {
            return Err(StaffError::Invalid("staff-password"));
        }
        if display_name.trim().is_empty() {
            return Err(StaffError::Invalid("staff-name"));
        }
        let branch = match (role.national(), branch) {
            (true, _) => None,
            (false, Some(b)) if self.store.branch(b).await?.is_some() => Some(b.to_string()),
            (false, _) => return Err(StaffError::Invalid("staff-branch")),
        };
        let id = random(12);
        let staff = NewStaff {
            id: id.clone(),
            username: username.into(),
            display_name: display_name.trim().into(),
            role,
            branch,
            password_hash: hash_password(password.into()).await?,
        };
        match self.store.create_staff(&staff).await {
            Err(StorageError::Conflict(_)) => Err(StaffError::Invalid("staff-username-taken")),
            other => other.map(|()| id).map_err(StaffError::from),
        }
    }

    fn limited(&self, username: &str, client: IpAddr) -> bool {
        !self.per_client.check(&client) || !self.per_account.check(&username.to_string())
    }

    async fn failed(&self, staff: &StaffRecord) -> StaffError {
        let count = staff.failed_logins + 1;
        let lock = (count >= LOCK_AFTER).then(|| Timestamp::now() + LOCK_FOR);
        if let Err(e) = self.store.staff_login_failed(&staff.id, lock).await {
            return e.into();
        }
        StaffError::BadCredentials
    }

    fn usable(staff: &StaffRecord) -> Result<()> {
        if staff.disabled {
            return Err(StaffError::Disabled);
        }
        if staff.locked_until.is_some_and(|t| t > Timestamp::now()) {
            return Err(StaffError::Locked);
        }
        Ok(())
    }

    /// First step: username and password. Gives a session that can only give the second
    /// factor (or enrol one).
    pub async fn sign_in(&self, username: &str, password: &str, client: IpAddr) -> Result<Issued> {
        if self.limited(username, client) {
            return Err(StaffError::RateLimited);
        }
        let Some(staff) = self.store.staff_by_username(&username.trim().to_lowercase()).await? else {
            // Spend the same time as for a real account, so timing tells nothing.
            let _ = verify_password(password.into(), tokio::task::spawn_blocking(dummy_hash).await.unwrap_or_default())
                .await;
            return Err(StaffError::BadCredentials);
        };
        Self::usable(&staff)?;
        if !verify_password(password.into(), staff.password_hash.clone()).await {
            return Err(self.failed(&staff).await);
        }
        self.issue(&staff.id, "password").await
    }

    async fn issue(&self, staff_id: &str, stage: &str) -> Result<Issued> {
        let cookie = random(32);
        let csrf = random(24);
        self.store.create_staff_session(&sha256(&cookie), staff_id, stage, &csrf).await?;
        Ok(Issued { cookie, csrf })
    }

    /// The session behind a cookie, if it is still alive (idle and absolute timeouts; a
    /// disabled account has none). Refreshes its idle clock.
    pub async fn session(&self, cookie: &str) -> Result<StaffSession> {
        let hash = sha256(cookie);
        let s = self.store.staff_session(&hash).await?.ok_or(StaffError::SessionEnded)?;
        let now = Timestamp::now();
        if s.staff.disabled || now > s.last_seen + IDLE_TIMEOUT || now > s.created_at + ABSOLUTE_TIMEOUT {
            self.store.delete_staff_session(&hash).await?;
            return Err(StaffError::SessionEnded);
        }
        // Noted at most once a minute: a write for every page an officer opens would queue
        // behind every other write (SQLite has one writer), and the idle timeout needs no
        // finer mark.
        if now >= s.last_seen + TOUCH_EVERY {
            self.store.touch_staff_session(&hash, now).await?;
        }
        Ok(s)
    }

    /// Starts enrolling the second factor of a half-signed-in account without one.
    pub async fn start_enrolment(&self, session: &StaffSession) -> Result<Enrolment> {
        if session.staff.totp_enabled {
            return Err(StaffError::Invalid("staff-enrolled"));
        }
        let mut secret = vec![0u8; 20];
        rand::thread_rng().fill_bytes(&mut secret);
        self.store.set_staff_totp(&session.staff.id, &secret, false, &[]).await?;
        let t = totp(secret, &session.staff.username).ok_or(StaffError::Invalid("internal"))?;
        Ok(Enrolment { secret_base32: t.get_secret_base32(), url: t.get_url() })
    }

    /// Finishes enrolment with a first code; returns the recovery codes (shown once) and a
    /// renewed, fully signed-in session.
    pub async fn confirm_enrolment(
        &self,
        cookie: &str,
        session: &StaffSession,
        code: &str,
    ) -> Result<(Vec<String>, Issued)> {
        let staff = &session.staff;
        let secret = staff.totp_secret.clone().ok_or(StaffError::Invalid("staff-enrol-first"))?;
        let step = totp_step(&secret, &staff.username, code, Timestamp::now()).ok_or(StaffError::BadCredentials)?;
        if !self.store.use_totp_step(&staff.id, step).await? {
            return Err(StaffError::BadCredentials);
        }
        let codes: Vec<String> = (0..10).map(|_| random(15)).collect();
        let hashes: Vec<String> = codes.iter().map(|c| hex::encode(sha256(c))).collect();
        self.store.set_staff_totp(&staff.id, &secret, true, &hashes).await?;
        self.store.staff_login_succeeded(&staff.id).await?;
        Ok((codes, self.renew(cookie, &staff.id).await?))
    }

    /// Second step: a TOTP code or a recovery code. Renews the session (a new cookie).
    pub async fn second_factor(
        &self,
        cookie: &str,
        session: &StaffSession,
        code: &str,
        client: IpAddr,
    ) -> Result<Issued> {
        let staff = &session.staff;
        if self.limited(&staff.username, client) {
            return Err(StaffError::RateLimited);
        }
        Self::usable(staff)?;
        let ok = match (&staff.totp_secret, staff.totp_enabled) {
            (Some(secret), true) => match totp_step(secret, &staff.username, code, Timestamp::now()) {
                Some(step) => self.store.use_totp_step(&staff.id, step).await?,
                None => self.store.use_recovery_code(&staff.id, &hex::encode(sha256(code.trim()))).await?,
            },
            _ => return Err(StaffError::Invalid("staff-enrol-first")),
        };
        if !ok {
            return Err(self.failed(staff).await);
        }
        self.store.staff_login_succeeded(&staff.id).await?;
        self.renew(cookie, &staff.id).await
    }

    /// A new cookie for the signed-in stage; the old one ends (ASVS 3.2.1).
    async fn renew(&self, old_cookie: &str, staff_id: &str) -> Result<Issued> {
        self.store.delete_staff_session(&sha256(old_cookie)).await?;
        self.issue(staff_id, "full").await
    }

    pub async fn sign_out(&self, cookie: &str) -> Result<()> {
        Ok(self.store.delete_staff_session(&sha256(cookie)).await?)
    }

    pub async fn disable(&self, staff_id: &str) -> Result<()> {
        Ok(self.store.set_staff_disabled(staff_id, true).await?)
    }
}

/// An Argon2id hash (made once) verified against when the username does not exist.
fn dummy_hash() -> String {
    static HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        Argon2::default().hash_password(b"no such account", &salt).map(|h| h.to_string()).unwrap_or_default()
    });
    HASH.clone()
}

/// The current code of a secret, for tests and the demo.
pub fn current_code(secret: &[u8], account: &str) -> Option<String> {
    totp(secret.to_vec(), account).map(|t| t.generate(u64::try_from(Timestamp::now().as_second()).unwrap_or(0)))
}

/// The enrolment QR code's content and the secret in base32 for typing, of an account whose
/// enrolment has started.
pub fn otpauth_url(staff: &StaffRecord) -> Option<(String, String)> {
    let t = totp(staff.totp_secret.clone()?, &staff.username)?;
    Some((t.get_url(), t.get_secret_base32()))
}

/// The current code for a base32 secret as the enrolment page shows it (tests, the demo).
pub fn current_code_base32(secret_base32: &str, account: &str) -> Option<String> {
    let secret = totp_rs::Secret::Encoded(secret_base32.to_string()).to_bytes().ok()?;
    current_code(&secret, account)
}
