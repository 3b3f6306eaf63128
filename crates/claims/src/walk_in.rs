//! Walk-ins, the offline channel: a ticket at the branch (kiosk page), the ticket page the
//! holder keeps open, the queue board, and calling people in only while the waiting room
//! has space under distancing rules.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use lapak_domain::queue::{self, TicketStatus};
use lapak_domain::MobileNumber;
use lapak_storage::{OutboxMessage, Store, TicketRecord};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{ClaimError, FieldError, Result, TextMessage};

/// A branch's room and pace, from its capacity (or the registry when none is set).
struct Room {
    name: String,
    zone: TimeZone,
    capacity: u16,
    /// Officers serving at the branch, and minutes per person.
    counters: u32,
    minutes_each: u16,
}

async fn room(store: &dyn Store, branch: &str) -> Result<Room> {
    let b = store.branch(branch).await?.ok_or(ClaimError::NotFound)?;
    let capacity = store.capacity(branch).await?;
    let zone = TimeZone::get(&b.time_zone).map_err(|_| ClaimError::NotFound)?;
    let (counters, minutes_each) = capacity
        .as_ref()
        .map(|c| {
            let at_branch: Vec<_> = c.officers.iter().filter(|o| o.mode.at_branch()).collect();
            let minutes =
                at_branch.iter().filter_map(|o| c.setting(o.mode)).map(|m| m.slot_minutes).min().unwrap_or(20);
            (at_branch.len() as u32, minutes)
        })
        .unwrap_or((1, 20));
    Ok(Room {
        name: b.name.as_str().to_string(),
        zone,
        capacity: capacity.map_or(b.room_capacity, |c| c.room_capacity),
        counters,
        minutes_each,
    })
}

fn today_in(zone: &TimeZone) -> Date {
    Timestamp::now().to_zoned(zone.clone()).date()
}

fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A ticket as its page shows it.
#[derive(Debug, Clone)]
pub struct TicketView {
    pub label: String,
    pub branch_code: String,
    pub branch_name: String,
    pub status: TicketStatus,
    pub ahead: u32,
    /// Expected minutes until served (while waiting).
    pub wait_minutes: u32,
}

/// How long a kiosk page sent again is taken for the same tap (a double tap on the screen,
/// a retry on a slow connection) rather than a new person.
pub const SAME_TAP: jiff::SignedDuration = jiff::SignedDuration::from_secs(60);

/// A new secret for a ticket page (18 random bytes, URL-safe), which a kiosk page carries
/// for the ticket it will give: sent twice, the page gets one ticket. Pages are never cached
/// (`no-store`), so the next person at the kiosk, coming back to it, gets a secret of its own.
pub fn page_secret() -> String {
    let mut secret = [0u8; 18];
    rand::thread_rng().fill_bytes(&mut secret);
    URL_SAFE_NO_PAD.encode(secret)
}

/// Takes the next ticket of the branch's day. `phone` (optional) gets a text when called,
/// in `lang` (the kiosk page's). `page` is the kiosk page's secret ([`page_secret`]): sent
/// again within [`SAME_TAP`], the ticket it gave is given again. Returns the ticket page's
/// secret.
async fn take(
    store: &dyn Store,
    branch: &str,
    phone: &str,
    lang: &str,
    public_url: &str,
    page: Option<&str>,
) -> Result<String> {
    let phone = if phone.trim().is_empty() {
        None
    } else {
        Some(
            MobileNumber::parse(phone)
                .map_err(|_| ClaimError::Fields(vec![FieldError { field: "whatsapp", code: "phone-invalid" }]))?,
        )
    };
    let room = room(store, branch).await?;
    let (day, phone) = (today_in(&room.zone), phone.as_ref().map(|p| p.as_str()));
    // A page's secret as the server made it, or none (then a new one): a client cannot pick
    // a short one.
    let page = page.filter(|p| URL_SAFE_NO_PAD.decode(p).is_ok_and(|b| b.len() == 18));
    let mut token = page.map_or_else(page_secret, str::to_string);
    let lang = crate::message_lang(lang);
    let ticket = store.take_ticket(branch, day, &hash(&token), phone, lang).await?;
    // A page kept from long ago (a browser that restored it after all): a ticket of its own.
    if ticket.created_at.duration_until(Timestamp::now()) > SAME_TAP || ticket.branch_code != branch {
        token = page_secret();
        store.take_ticket(branch, day, &hash(&token), phone, lang).await?;
    }
    admit(store, branch, public_url).await?;
    Ok(token)
}

/// The longest name a kiosk may have, in characters.
pub const KIOSK_NAME_MAX: usize = 60;

/// Makes a device a walk-in kiosk of `branch` named `name` (enrolled by the staff account
/// `by`): returns the secret the device keeps (32 random bytes, URL-safe); the store keeps
/// its hash. The name (surrounding spaces dropped) must have 1 to [`KIOSK_NAME_MAX`]
/// characters and no control characters: field `name`, code `kiosk-name`.
pub async fn enrol_kiosk(store: &dyn Store, branch: &str, name: &str, by: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > KIOSK_NAME_MAX || name.chars().any(char::is_control) {
        return Err(ClaimError::Fields(vec![FieldError { field: "name", code: "kiosk-name" }]));
    }
    store.branch(branch).await?.ok_or(ClaimError::NotFound)?;
    let mut secret = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut secret);
    let secret = URL_SAFE_NO_PAD.encode(secret);
    store.add_kiosk(&hash(&secret), branch, name, by).await?;
    Ok(secret)
}

/// The device named by `id` (its secret's hash in hex, as [`kiosk_id`] gives it) is no
/// longer a kiosk of `branch`; returns its name if it was one.
pub async fn withdraw_kiosk(store: &dyn Store, branch: &str, id: &str) -> Result<Option<String>> {
    let Ok(token_hash) = hex::decode(id) else { return Ok(None) };
    Ok(store.remove_kiosk(branch, &token_hash).await?)
}

/// How the branch admin's forms name a kiosk: its secret's hash in hex (not the secret).
pub fn kiosk_id(kiosk: &lapak_storage::KioskRecord) -> String {
    hex::encode(&kiosk.token_hash)
}

/// Whether the device holding `secret` is a kiosk of `branch`.
pub async fn is_kiosk_of(store: &dyn Store, secret: Option<&str>, branch: &str) -> Result<bool> {
    let Some(secret) = secret.filter(|s| !s.is_empty() && s.len() <= 64) else { return Ok(false) };
    Ok(store.kiosk_branch(&hash(secret)).await?.as_deref() == Some(branch))
}

impl crate::ClaimService {
    /// [`take`], within the client's allowance of tickets an hour.
    pub async fn take_ticket(
        &self,
        branch: &str,
        phone: &str,
        lang: &str,
        public_url: &str,
        page: Option<&str>,
        client: std::net::IpAddr,
    ) -> Result<String> {
        if !self.limiter.ticket(client) {
            return Err(ClaimError::RateLimited);
        }
        take(self.store.as_ref(), branch, phone, lang, public_url, page).await
    }
}

/// The ticket behind a page's secret.
pub async fn view(store: &dyn Store, token: &str) -> Result<TicketView> {
    let t = store.ticket_by_token(&hash(token)).await?.ok_or(ClaimError::NotFound)?;
    let room = room(store, &t.branch_code).await?;
    Ok(TicketView {
        label: queue::label(t.number),
        wait_minutes: if t.status == TicketStatus::Waiting {
            queue::expected_wait(t.ahead + 1, room.counters, room.minutes_each)
        } else {
            0
        },
        branch_code: t.branch_code,
        branch_name: room.name,
        status: t.status,
        ahead: t.ahead,
    })
}

/// The queue board of a branch today.
#[derive(Debug, Clone)]
pub struct Board {
    pub branch_name: String,
    pub serving: Vec<String>,
    pub called: Vec<String>,
    pub waiting: Vec<String>,
    pub inside: u32,
    pub capacity: u16,
}

pub async fn board(store: &dyn Store, branch: &str) -> Result<Board> {
    let room = room(store, branch).await?;
    let day = today_in(&room.zone);
    let tickets = store.tickets(branch, day).await?;
    let pick = |s: TicketStatus| -> Vec<String> {
        tickets.iter().filter(|t| t.status == s).map(|t| queue::label(t.number)).collect()
    };
    Ok(Board {
        branch_name: room.name.clone(),
        serving: pick(TicketStatus::Serving),
        called: pick(TicketStatus::Called),
        waiting: pick(TicketStatus::Waiting).into_iter().take(12).collect(),
        inside: store.room_occupancy(branch, day, Timestamp::now()).await?,
        capacity: room.capacity,
    })
}

/// Calls in as many waiting people as the room has space for; each who left a number gets
/// a text. Returns the tickets called.
pub async fn admit(store: &dyn Store, branch: &str, public_url: &str) -> Result<Vec<i64>> {
    let room = room(store, branch).await?;
    let day = today_in(&room.zone);
    let inside = store.room_occupancy(branch, day, Timestamp::now()).await?;
    let free = queue::admissible(room.capacity, inside);
    let place = room.name.clone();
    let link = format!("{}/cabang/{branch}/antrean", public_url.trim_end_matches('/'));
    let message = move |number: i64, phone: String, lang: &str| OutboxMessage {
        dedupe_key: format!("ticket-called:{branch}:{day}:{number}"),
        kind: "sms".into(),
        payload: serde_json::to_string(&TextMessage {
            to: phone,
            template: "ticket-called".into(),
            lang: lang.into(),
            claim_number: queue::label(number),
            appointment: None,
            place: Some(place.clone()),
            link: Some(link.clone()),
        })
        .expect("serialisable"),
        ..Default::default()
    };
    Ok(store.call_tickets(branch, day, free, &message).await?)
}

/// Staff moves a ticket on: `serving` (at a counter), `done`, or `left` (did not come in).
/// Room freed by `done`/`left` is given to the next in line at once.
pub async fn advance(store: &dyn Store, branch: &str, number: i64, to: TicketStatus, public_url: &str) -> Result<()> {
    let room = room(store, branch).await?;
    let day = today_in(&room.zone);
    let from: &[TicketStatus] = match to {
        TicketStatus::Serving => &[TicketStatus::Called],
        TicketStatus::Done => &[TicketStatus::Serving, TicketStatus::Called],
        TicketStatus::Left => &[TicketStatus::Called, TicketStatus::Waiting],
        _ => &[],
    };
    if !store.set_ticket_status(branch, day, number, from, to).await? {
        return Err(ClaimError::NotEditable);
    }
    admit(store, branch, public_url).await?;
    Ok(())
}

/// The day's tickets of a branch, for staff.
pub async fn tickets(store: &dyn Store, branch: &str) -> Result<Vec<TicketRecord>> {
    let room = room(store, branch).await?;
    Ok(store.tickets(branch, today_in(&room.zone)).await?)
}
