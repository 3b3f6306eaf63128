//! The participant's side of appointments, from the tracking page: see other free seats,
//! move to one, or cancel the claim. Each call proves the claim number and birth date again
//! (rate-limited like tracking), so no account or link is needed.

use std::collections::HashMap;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::lifecycle::{Action, Actor, ClaimState, Role};
use lapak_domain::schedule::{self, Session};
use lapak_storage::{
    AppointmentRecord, ClaimRecord, OutboxMessage, PendingNotice, PreparedNotice, StorageError, NOTICE_KIND,
};

use crate::{parse_date, AppointmentNote, ClaimError, ClaimService, EmailMessage, Result, TextMessage};

/// How many days ahead alternatives are looked for.
const ALTERNATIVE_DAYS: i64 = 14;

/// The free seats of a claim's branch and mode, and the appointment's own.
struct FreeSessions {
    /// Earliest first, each with a free seat.
    sessions: Vec<(Session, u8)>,
    /// The branch's zone, and its name as stored.
    zone: TimeZone,
    zone_name: String,
    branch_name: String,
    /// When the appointment held begins.
    held: Timestamp,
}

/// A free seat the participant may move to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    pub session_id: String,
    pub starts_at: Timestamp,
    pub time_zone: String,
}

impl ClaimService {
    /// The claim behind a number and birth date, with the same answer for a wrong pair as
    /// for an unknown number.
    async fn claim_for(&self, number: &str, birth_date: &str, client: std::net::IpAddr) -> Result<ClaimRecord> {
        let number = ClaimNumber::parse(number).map_err(|_| ClaimError::NotFound)?;
        let birth = parse_date(birth_date).ok_or(ClaimError::NotFound)?;
        if !self.limiter.tracking(number.as_str(), client) {
            return Err(ClaimError::RateLimited);
        }
        // Counted with tracking's guesses, in every process.
        let (guess, allowed) = (lapak_storage::Guess::Tracking(&number), self.limiter.tracking_failures());
        if self.store.failed_guesses(guess, Timestamp::now()).await? >= allowed {
            return Err(ClaimError::RateLimited);
        }
        let claim = self.store.claim_by_number(&number).await?;
        let birth_date = match &claim {
            Some(claim) => self.store.member_birth_date(&claim.kpj).await?,
            None => None,
        };
        match claim {
            Some(claim) if birth_date == Some(birth) => Ok(claim),
            _ => {
                self.limiter.note_tracking_failure(number.as_str());
                Err(self.failed_guess(guess, allowed, ClaimError::NotFound).await)
            }
        }
    }

    /// Up to `limit` times the participant may move to: free seats of the same branch and
    /// mode from the next day on, the earliest of each morning and afternoon
    /// ([`schedule::times_to_offer`]), none at the time already held.
    pub async fn alternatives(
        &self,
        number: &str,
        birth_date: &str,
        client: std::net::IpAddr,
        limit: usize,
    ) -> Result<Vec<Alternative>> {
        let claim = self.claim_for(number, birth_date, client).await?;
        let current = self.store.appointment(&claim.id).await?.ok_or(ClaimError::NotEditable)?;
        let free = self.free_sessions(current).await?;
        let starts = free.sessions.iter().map(|(s, _)| s.starts_at);
        Ok(schedule::times_to_offer(starts, &free.zone, free.held, limit)
            .into_iter()
            .map(|i| {
                let s = &free.sessions[i].0;
                Alternative { session_id: s.id.clone(), starts_at: s.starts_at, time_zone: free.zone_name.clone() }
            })
            .collect())
    }

    /// Every free seat of the branch and mode of the claim's `current` appointment over the
    /// next [`ALTERNATIVE_DAYS`] days, earliest first, other than the one held.
    async fn free_sessions(&self, current: AppointmentRecord) -> Result<FreeSessions> {
        let capacity = self.store.capacity(&current.branch_code).await?.ok_or(ClaimError::NotEditable)?;
        let tz = TimeZone::get(&capacity.time_zone).map_err(|_| ClaimError::NotEditable)?;
        let now = Timestamp::now();
        let not_before = schedule::next_day_start(now, &tz);
        let mut taken: std::collections::HashMap<String, Vec<u8>> = std::collections::HashMap::new();
        for (session, seat) in self.store.booked_seats(now, Some(&current.branch_code)).await? {
            taken.entry(session).or_default().push(seat);
        }
        let today = now.to_zoned(tz.clone()).date();
        let mut sessions = Vec::new();
        for offset in 1..=ALTERNATIVE_DAYS {
            let Ok(day) = today.checked_add(offset.days()) else { break };
            for s in capacity.sessions(day, schedule::national_holiday) {
                if s.mode != current.mode || s.id == current.session_id || s.starts_at < not_before {
                    continue;
                }
                let held = taken.get(&s.id).map_or(&[][..], |v| v.as_slice());
                if let Some(seat) = (1..=s.seats).find(|n| !held.contains(n)) {
                    sessions.push((s, seat));
                }
            }
        }
        sessions.sort_by_key(|(s, _)| s.starts_at);
        Ok(FreeSessions {
            sessions,
            zone: tz,
            zone_name: capacity.time_zone,
            branch_name: current.branch_name,
            held: current.starts_at,
        })
    }

    /// Moves the claim's appointment to `session_id`, one of its alternatives.
    pub async fn reschedule(
        &self,
        number: &str,
        birth_date: &str,
        session_id: &str,
        client: std::net::IpAddr,
        lang: &str,
    ) -> Result<Alternative> {
        let claim = self.claim_for(number, birth_date, client).await?;
        let current = self.store.appointment(&claim.id).await?.ok_or(ClaimError::NotEditable)?;
        // Asked again (a double click, a reload that posts the form again): the seat asked
        // for is the one held already.
        if current.session_id == session_id {
            let (session_id, starts_at, time_zone) = (current.session_id, current.starts_at, current.time_zone);
            return Ok(Alternative { session_id, starts_at, time_zone });
        }
        let free = self.free_sessions(current).await?;
        let (session, seat) =
            free.sessions.into_iter().find(|(s, _)| s.id == session_id).ok_or(ClaimError::SlotTaken)?;
        let tz = free.zone_name;
        let (note, video_hash) = AppointmentNote::for_seat(&claim.id, &session, tz.clone(), free.branch_name);
        let app = &claim.application;
        let name = self.store.member_by_kpj(&claim.kpj).await?.map(|m| m.full_name.as_str().to_string());
        let to = Recipient {
            email: app.email.as_ref().map(|e| e.as_str()),
            phone: app.whatsapp.as_ref().map(|p| p.as_str()),
            name: name.as_deref().unwrap_or_default(),
            lang,
        };
        let number = claim.number.as_ref().map_or("", |n| n.as_str());
        let outbox = appointment_messages(&claim.id, &session.id, number, &to, note, Timestamp::now());
        match self.store.move_appointment(&claim.id, &session, seat, video_hash.as_deref(), &outbox).await {
            Ok(()) => Ok(Alternative { session_id: session.id, starts_at: session.starts_at, time_zone: tz }),
            Err(StorageError::Conflict(_)) => Err(ClaimError::SlotTaken),
            Err(StorageError::NotFound) => Err(ClaimError::NotEditable),
            Err(e) => Err(e.into()),
        }
    }

    /// Cancels the claim (while it is not yet verified); its seat goes back to the pool.
    pub async fn cancel(&self, number: &str, birth_date: &str, client: std::net::IpAddr) -> Result<()> {
        let claim = self.claim_for(number, birth_date, client).await?;
        // Asked again (a double click): it is cancelled already.
        if claim.lifecycle.state == ClaimState::Cancelled {
            return Ok(());
        }
        let event = claim
            .lifecycle
            .check(Action::Cancel, &Actor::new(Role::Participant, claim.kpj.as_str()), Timestamp::now(), None)
            .map_err(|_| ClaimError::NotEditable)?;
        match self.store.record_claim_event(&claim.id, &event, None).await {
            Ok(()) => Ok(()),
            Err(StorageError::Conflict(_)) => Err(ClaimError::NotEditable),
            Err(e) => Err(e.into()),
        }
    }
}

/// Who is told of an appointment, and in which language.
pub struct Recipient<'a> {
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    pub name: &'a str,
    pub lang: &'a str,
}

/// What tells a participant of a seat: an e-mail (with the calendar invitation) and a
/// WhatsApp/SMS text at once, and both again the day before. The reminders carry the claim
/// as their subject, so they are dropped when the seat changes.
pub fn appointment_messages(
    claim_id: &str,
    session_id: &str,
    claim_number: &str,
    to: &Recipient<'_>,
    note: AppointmentNote,
    now: Timestamp,
) -> Vec<OutboxMessage> {
    let reminder_at = note.starts_at.checked_sub(jiff::SignedDuration::from_hours(24)).ok().filter(|t| *t > now);
    let mut out = Vec::new();
    for (purpose, not_before) in [("scheduled", None), ("reminder", reminder_at)] {
        if purpose == "reminder" && not_before.is_none() {
            continue;
        }
        let message = |kind: &str, payload: String| OutboxMessage {
            dedupe_key: format!("{purpose}:{kind}:{claim_id}:{session_id}"),
            kind: kind.into(),
            payload,
            not_before,
            subject: Some(claim_id.to_string()),
            purpose: Some(purpose.into()),
        };
        if let Some(email) = to.email {
            let m = EmailMessage {
                to: email.into(),
                template: purpose.into(),
                lang: to.lang.into(),
                name: to.name.into(),
                resume_token: None,
                claim_number: Some(claim_number.into()),
                appointment: Some(note.clone()),
                company: None,
            };
            out.push(message("email", serde_json::to_string(&m).expect("serialisable")));
        }
        if let Some(phone) = to.phone {
            let m = TextMessage {
                to: phone.into(),
                template: purpose.into(),
                lang: to.lang.into(),
                claim_number: claim_number.into(),
                appointment: Some(note.clone()),
                place: None,
                link: None,
            };
            out.push(message("sms", serde_json::to_string(&m).expect("serialisable")));
        }
    }
    out
}

/// What an appointment notice holds: the seat's session, the zone its time is written in,
/// and the participant's personal video link (whose secret is stored nowhere else). The
/// rest of the note (the session's times and mode, the branch's name, the claim number) is
/// read with the contact when the notice becomes messages ([`notice_messages`]): a
/// scheduling pass writes a notice per claim, and the smaller each is, the fewer pages its
/// transaction writes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Notice {
    session_id: String,
    time_zone: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    link: Option<String>,
}

/// A notice as written before 27 November 2026, with the whole note; one still waiting
/// after an upgrade becomes messages as before.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
struct FullNotice {
    claim_number: String,
    session_id: String,
    note: AppointmentNote,
}

/// The notice the scheduler writes with a seat, in place of its messages: booking many
/// claims then neither unseals their contacts nor writes four messages each. `time_zone`
/// is the zone the branch's capacity plans in, `link` the seat's personal link
/// ([`crate::personal_link`]).
pub fn appointment_notice(claim_id: &str, session_id: &str, time_zone: String, link: Option<String>) -> OutboxMessage {
    let notice = Notice { session_id: session_id.into(), time_zone, link };
    OutboxMessage {
        dedupe_key: format!("notice:{claim_id}:{session_id}"),
        kind: NOTICE_KIND.into(),
        payload: serde_json::to_string(&notice).expect("serialisable"),
        not_before: None,
        subject: Some(claim_id.into()),
        purpose: Some(NOTICE_KIND.into()),
    }
}

/// A pending notice as its messages ([`appointment_messages`], in the claim's language), for
/// `Store::notices_prepared`. A notice whose seat the claim no longer holds gives none (it
/// is superseded there), nor does an unreadable one (marked done).
pub fn notice_messages(pending: &PendingNotice, now: Timestamp) -> PreparedNotice {
    let to = Recipient {
        email: pending.email.as_deref(),
        phone: pending.phone.as_deref(),
        name: &pending.name,
        lang: &pending.lang,
    };
    let read = match serde_json::from_str::<Notice>(&pending.payload) {
        Ok(notice) => Some(match &pending.seat {
            Some(seat) if seat.session_id == notice.session_id => {
                let note = AppointmentNote {
                    uid: AppointmentNote::uid(&pending.claim_id),
                    starts_at: seat.starts_at,
                    ends_at: seat.ends_at,
                    time_zone: notice.time_zone,
                    mode: seat.mode,
                    branch_name: seat.branch_name.clone(),
                    link: notice.link,
                };
                (notice.session_id, Some((pending.claim_number.clone(), note)))
            }
            // Moved or released since: nothing to tell of this seat.
            _ => (notice.session_id, None),
        }),
        Err(_) => serde_json::from_str::<FullNotice>(&pending.payload)
            .ok()
            .map(|old| (old.session_id, Some((old.claim_number, old.note)))),
    };
    let Some((session_id, seat)) = read else {
        tracing::error!(id = pending.id, "unreadable appointment notice");
        return PreparedNotice {
            id: pending.id,
            claim_id: pending.claim_id.clone(),
            session_id: String::new(),
            messages: Vec::new(),
        };
    };
    // Whether the claim still holds this seat is checked where it counts: under lock, in
    // the transaction that writes the messages.
    let messages = seat.map_or_else(Vec::new, |(number, note)| {
        appointment_messages(&pending.claim_id, &session_id, &number, &to, note, now)
    });
    PreparedNotice { id: pending.id, claim_id: pending.claim_id.clone(), session_id, messages }
}

/// One line of the capacity report: a branch on a day (in its zone).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    pub branch: String,
    /// YYYY-MM-DD.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: jiff::civil::Date,
    /// Seats in the sessions the capacity gives that day.
    pub offered: u32,
    /// Seats given (booked, attended or missed; not those moved elsewhere or cancelled).
    pub booked: u32,
    pub served: u32,
    pub no_shows: u32,
    /// Median hours from submission to the appointment, for the seats given.
    pub lead_time_hours: Option<f64>,
}

/// Slots offered, booked, served and missed per branch and day from `from` for `days`
/// days, with the lead time from submission to appointment.
pub async fn capacity_report(
    store: &dyn lapak_storage::Store,
    from: jiff::civil::Date,
    days: i64,
) -> std::result::Result<Vec<ReportRow>, StorageError> {
    let capacities = store.capacities().await?;
    let day_range = |d: jiff::civil::Date| -> Option<(Timestamp, Timestamp)> {
        let start = d.to_datetime(jiff::civil::Time::midnight()).to_zoned(TimeZone::UTC).ok()?.timestamp();
        Some((start, start.checked_add(jiff::SignedDuration::from_hours(24)).ok()?))
    };
    let last = from.checked_add(days.days()).map_err(|_| StorageError::Corrupt("date".into()))?;
    // A day either side in UTC covers every Indonesian zone's local day.
    let (lo, _) = day_range(from.yesterday().unwrap_or(from)).ok_or(StorageError::Corrupt("date".into()))?;
    let (_, hi) = day_range(last).ok_or(StorageError::Corrupt("date".into()))?;
    let zones: HashMap<&str, TimeZone> =
        capacities.iter().filter_map(|c| TimeZone::get(&c.time_zone).ok().map(|tz| (c.branch.as_str(), tz))).collect();
    // (branch, day) → seats given, served, missed, lead times in hours.
    type Given = (u32, u32, u32, Vec<f64>);
    let mut given: HashMap<(String, jiff::civil::Date), Given> = HashMap::new();
    for (branch, starts, status, submitted) in store.appointments_between(lo, hi).await? {
        let Some(tz) = zones.get(branch.as_str()) else { continue };
        let date = starts.to_zoned(tz.clone()).date();
        let e = given.entry((branch, date)).or_default();
        e.0 += 1;
        match status.as_str() {
            "served" => e.1 += 1,
            "no_show" => e.2 += 1,
            _ => {}
        }
        e.3.push(starts.duration_since(submitted).as_secs_f64() / 3600.0);
    }
    let mut rows = Vec::new();
    for c in &capacities {
        for offset in 0..days {
            let Ok(date) = from.checked_add(offset.days()) else { continue };
            let offered: u32 = c.sessions(date, schedule::national_holiday).iter().map(|s| u32::from(s.seats)).sum();
            let (booked, served, no_shows, mut lead) = given.remove(&(c.branch.clone(), date)).unwrap_or_default();
            lead.sort_by(f64::total_cmp);
            rows.push(ReportRow {
                branch: c.branch.clone(),
                date,
                offered,
                booked,
                served,
                no_shows,
                lead_time_hours: lead.get(lead.len() / 2).copied(),
            });
        }
    }
    Ok(rows)
}

/// The report as CSV (written with the csv crate).
pub fn report_csv(rows: &[ReportRow]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(["branch", "date", "offered", "booked", "served", "no_shows", "lead_time_hours"]);
    for r in rows {
        let _ = w.write_record([
            r.branch.clone(),
            r.date.to_string(),
            r.offered.to_string(),
            r.booked.to_string(),
            r.served.to_string(),
            r.no_shows.to_string(),
            r.lead_time_hours.map(|h| format!("{h:.1}")).unwrap_or_default(),
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lapak_domain::schedule::Mode;

    fn seat(session_id: &str) -> AppointmentRecord {
        AppointmentRecord {
            session_id: session_id.into(),
            branch_code: "KC001".into(),
            branch_name: "Kantor Cabang Jayapura".into(),
            time_zone: "Asia/Jayapura".into(),
            officer: "v1".into(),
            mode: Mode::VideoCall,
            starts_at: "2026-12-07T00:30:00Z".parse().unwrap(),
            ends_at: "2026-12-07T00:50:00Z".parse().unwrap(),
            seat: 1,
            room: "lapak-room".into(),
        }
    }

    fn pending(payload: String, seat: Option<AppointmentRecord>) -> PendingNotice {
        PendingNotice {
            id: 7,
            claim_id: "claim-1".into(),
            claim_number: "JHT-ABCD-EFGH".into(),
            payload,
            seat,
            email: Some("peserta@example.com".into()),
            phone: Some("+6281234567890".into()),
            name: "Siti".into(),
            lang: "id".into(),
        }
    }

    /// What the scheduler writes is the session, the zone and the personal link; the rest of
    /// the messages comes from the seat held when they are made.
    #[test]
    fn a_notice_becomes_messages_of_the_seat_it_names() {
        let held = seat("KC001-v1-20261207-0930");
        let note = AppointmentNote {
            uid: "claim-1@lapak".into(),
            starts_at: held.starts_at,
            ends_at: held.ends_at,
            time_zone: "Asia/Jayapura".into(),
            mode: Mode::VideoCall,
            branch_name: held.branch_name.clone(),
            link: Some("/video/secret-token".into()),
        };
        let notice = appointment_notice("claim-1", &held.session_id, note.time_zone.clone(), note.link.clone());
        assert!(!notice.payload.contains("Kantor Cabang"), "the branch's name is not kept: {}", notice.payload);
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();

        let prepared = notice_messages(&pending(notice.payload.clone(), Some(held.clone())), now);
        assert_eq!(prepared.session_id, held.session_id);
        // Made from a notice of the note itself: the same messages as before notices were small.
        let whole = appointment_messages(
            "claim-1",
            &held.session_id,
            "JHT-ABCD-EFGH",
            &Recipient { email: Some("peserta@example.com"), phone: Some("+6281234567890"), name: "Siti", lang: "id" },
            note,
            now,
        );
        assert_eq!(prepared.messages.len(), 4, "e-mail and text, now and the day before");
        assert_eq!(
            prepared.messages.iter().map(|m| (&m.dedupe_key, &m.payload)).collect::<Vec<_>>(),
            whole.iter().map(|m| (&m.dedupe_key, &m.payload)).collect::<Vec<_>>()
        );

        // The claim holds another seat now (or none): nothing is told of this one.
        for other in [Some(seat("KC001-v1-20261208-0930")), None] {
            let prepared = notice_messages(&pending(notice.payload.clone(), other), now);
            assert!(prepared.messages.is_empty());
            assert_eq!(prepared.session_id, held.session_id, "so that it is marked superseded");
        }
    }

    /// A notice written before they were small, still waiting after an upgrade.
    #[test]
    fn a_notice_with_the_whole_note_still_becomes_messages() {
        let old = r#"{"claim_number":"JHT-ABCD-EFGH","session_id":"KC001-m1-20261207-0930",
            "note":{"uid":"claim-1@lapak","starts_at":"2026-12-07T02:30:00Z","ends_at":"2026-12-07T03:00:00Z",
            "time_zone":"Asia/Jakarta","mode":"one_to_many","branch_name":"Kantor Cabang Bekasi","link":null}}"#;
        let now: Timestamp = "2026-12-01T00:00:00Z".parse().unwrap();
        let prepared = notice_messages(&pending(old.into(), None), now);
        assert_eq!(prepared.session_id, "KC001-m1-20261207-0930");
        assert_eq!(prepared.messages.len(), 4);
        assert!(prepared.messages.iter().all(|m| m.payload.contains("Kantor Cabang Bekasi")));

        let unreadable = notice_messages(&pending("{".into(), None), now);
        assert!(unreadable.messages.is_empty() && unreadable.session_id.is_empty());
    }
}
