//! Verification appointments: what a branch can offer (its capacity), the sessions that
//! follow from it day by day, and the assignment of every submitted claim to the earliest
//! seat that fits. Pure: the storage boundary loads and saves, this decides.
//!
//! A *session* is one officer serving one mode for one slot: a one-to-one video call or
//! counter (one seat), a One to Many session (one seat per booth, 4–6), or a collective
//! session (one seat: the company's representative on behalf of all its workers).

use std::collections::{BTreeSet, HashMap};

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use crate::region::IndonesianZone;

/// How a participant is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// An officer video-calls a participant who stays at home.
    VideoCall,
    /// One officer serves one participant per booth, 4–6 booths at once, at the branch.
    OneToMany,
    /// One to one at a counter with distancing, for offices without room for booths.
    Counter,
    /// A company's representative for all its laid-off workers (collective channel).
    Collective,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::VideoCall, Mode::OneToMany, Mode::Counter, Mode::Collective];

    pub fn code(self) -> &'static str {
        match self {
            Mode::VideoCall => "video_call",
            Mode::OneToMany => "one_to_many",
            Mode::Counter => "counter",
            Mode::Collective => "collective",
        }
    }

    pub fn parse(s: &str) -> Option<Mode> {
        Mode::ALL.into_iter().find(|m| m.code() == s.trim())
    }

    /// Whether the participant comes to the branch (and counts against its room).
    pub fn at_branch(self) -> bool {
        !matches!(self, Mode::VideoCall)
    }
}

/// What a participant can choose on the payment step: a mode, and for video calls
/// whether any branch's officers may take it. Codes as the form and the API send them.
pub fn parse_service(code: &str) -> Option<(Mode, bool)> {
    match code.trim() {
        "" | "video_call" => Some((Mode::VideoCall, false)),
        "video_call_anywhere" => Some((Mode::VideoCall, true)),
        "one_to_many" => Some((Mode::OneToMany, false)),
        "counter" => Some((Mode::Counter, false)),
        _ => None,
    }
}

/// The codes of [`parse_service`], in the order the form offers them.
pub const SERVICES: [&str; 4] = ["video_call", "video_call_anywhere", "one_to_many", "counter"];

/// A mode a branch offers, with its slot length and seats per session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModeSetting {
    pub mode: Mode,
    /// Minutes, 5 to 240.
    #[cfg_attr(feature = "openapi", schema(minimum = 5, maximum = 240))]
    pub slot_minutes: u16,
    /// Booths for One to Many (4–6); 1 for the others.
    #[serde(default = "one")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 6))]
    pub seats: u8,
}

fn one() -> u8 {
    1
}

/// An officer's working pattern at a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerHours {
    /// The officer's staff username (letters, digits, `.`, `-`, `_`): a claim sent back for
    /// documents returns to the officer who asked through it.
    pub id: String,
    pub name: String,
    pub mode: Mode,
    /// ISO weekdays, 1 = Monday … 7 = Sunday.
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<u8>))]
    pub weekdays: Vec<i8>,
    /// "HH:MM" in the branch's time zone.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-2][0-9]:[0-5][0-9]$"))]
    pub start: String,
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-2][0-9]:[0-5][0-9]$"))]
    pub end: String,
    /// Days the officer is away (leave, sickness), YYYY-MM-DD.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub absent: Vec<Date>,
}

/// What a branch can offer, as its branch admin sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Capacity {
    pub branch: String,
    /// IANA name of an Indonesian zone (Asia/Jakarta, Asia/Pontianak, Asia/Makassar,
    /// Asia/Jayapura).
    pub time_zone: String,
    pub modes: Vec<ModeSetting>,
    pub officers: Vec<OfficerHours>,
    /// People the waiting room holds under distancing rules (booths and counters included).
    pub room_capacity: u16,
    /// Days the branch is closed besides the national holidays, YYYY-MM-DD.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub closed: Vec<Date>,
}

/// What is wrong with a capacity setting; each has a message key in the locales.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapacityError {
    #[error("{0} is not an Indonesian time zone")]
    Zone(String),
    #[error("the branch has no officers")]
    NoOfficers,
    #[error("the branch offers no service mode")]
    NoModes,
    #[error("{0:?} is listed twice")]
    DuplicateMode(Mode),
    #[error("{mode:?}: {seats} seats (One to Many needs 4 to 6 booths, the others 1)")]
    Seats { mode: Mode, seats: u8 },
    #[error("{mode:?}: a slot of {minutes} minutes (5 to 240)")]
    SlotLength { mode: Mode, minutes: u16 },
    #[error("officer {0:?}: the identifier must be 1–32 letters, digits, ., - or _ (a staff username)")]
    OfficerId(String),
    #[error("officer {0:?} is listed twice")]
    DuplicateOfficer(String),
    #[error("officer {id}: {value:?} is not a time of day (HH:MM, 00:00–24:00)")]
    Time { id: String, value: String },
    #[error("officer {0}: the working hours end before they start or hold no slot")]
    Hours(String),
    #[error("officer {0}: no working days (1 = Monday … 7 = Sunday)")]
    Weekdays(String),
    #[error("officer {id}: the branch does not offer {mode:?}")]
    ModeNotOffered { id: String, mode: Mode },
    #[error("the room holds {room} people but the sessions at the branch seat {needed} at once")]
    Room { room: u16, needed: u32 },
}

impl CapacityError {
    /// The locale key of the message.
    pub fn code(&self) -> &'static str {
        match self {
            CapacityError::Zone(_) => "capacity-zone",
            CapacityError::NoOfficers => "capacity-no-officers",
            CapacityError::NoModes => "capacity-no-modes",
            CapacityError::DuplicateMode(_) => "capacity-duplicate-mode",
            CapacityError::Seats { .. } => "capacity-seats",
            CapacityError::SlotLength { .. } => "capacity-slot-length",
            CapacityError::OfficerId(_) => "capacity-officer-id",
            CapacityError::DuplicateOfficer(_) => "capacity-duplicate-officer",
            CapacityError::Time { .. } => "capacity-time",
            CapacityError::Hours(_) => "capacity-hours",
            CapacityError::Weekdays(_) => "capacity-weekdays",
            CapacityError::ModeNotOffered { .. } => "capacity-mode-not-offered",
            CapacityError::Room { .. } => "capacity-room",
        }
    }
}

/// "HH:MM" → minutes after midnight, 0..=1440.
fn minutes(s: &str) -> Option<u16> {
    let (h, m) = s.trim().split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u16, u16) = (h.parse().ok()?, m.parse().ok()?);
    (m < 60 && (h < 24 || (h == 24 && m == 0))).then_some(h * 60 + m)
}

/// One officer's session on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Deterministic: the same branch, officer, day and time give the same id, so two
    /// processes planning the same day agree on it.
    pub id: String,
    pub branch: String,
    pub officer: String,
    pub mode: Mode,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    pub seats: u8,
}

impl Capacity {
    /// Every problem at once, so a branch admin can fix them in one go.
    pub fn check(&self) -> Result<(), Vec<CapacityError>> {
        let mut errors = Vec::new();
        if IndonesianZone::from_iana(&self.time_zone).is_none() {
            errors.push(CapacityError::Zone(self.time_zone.clone()));
        }
        if self.modes.is_empty() {
            errors.push(CapacityError::NoModes);
        }
        let mut seen = BTreeSet::new();
        for m in &self.modes {
            if !seen.insert(m.mode) {
                errors.push(CapacityError::DuplicateMode(m.mode));
            }
            let seats_ok = match m.mode {
                Mode::OneToMany => (4..=6).contains(&m.seats),
                _ => m.seats == 1,
            };
            if !seats_ok {
                errors.push(CapacityError::Seats { mode: m.mode, seats: m.seats });
            }
            if !(5..=240).contains(&m.slot_minutes) {
                errors.push(CapacityError::SlotLength { mode: m.mode, minutes: m.slot_minutes });
            }
        }
        if self.officers.is_empty() {
            errors.push(CapacityError::NoOfficers);
        }
        let mut ids = BTreeSet::new();
        let mut at_branch_seats = 0u32;
        for o in &self.officers {
            let id_ok =
                (1..=32).contains(&o.id.len()) && o.id.chars().all(|c| c.is_ascii_alphanumeric() || ".-_".contains(c));
            if !id_ok {
                errors.push(CapacityError::OfficerId(o.id.clone()));
            }
            if !ids.insert(o.id.as_str()) {
                errors.push(CapacityError::DuplicateOfficer(o.id.clone()));
            }
            let (start, end) = (minutes(&o.start), minutes(&o.end));
            for (value, parsed) in [(&o.start, start), (&o.end, end)] {
                if parsed.is_none() {
                    errors.push(CapacityError::Time { id: o.id.clone(), value: value.clone() });
                }
            }
            let setting = self.setting(o.mode);
            if setting.is_none() {
                errors.push(CapacityError::ModeNotOffered { id: o.id.clone(), mode: o.mode });
            }
            if let (Some(s), Some(e)) = (start, end) {
                let slot = setting.map_or(1, |m| m.slot_minutes.max(1));
                if e <= s || e - s < slot {
                    errors.push(CapacityError::Hours(o.id.clone()));
                }
            }
            if o.weekdays.is_empty() || o.weekdays.iter().any(|d| !(1..=7).contains(d)) {
                errors.push(CapacityError::Weekdays(o.id.clone()));
            }
            if o.mode.at_branch() {
                at_branch_seats += u32::from(setting.map_or(1, |m| m.seats));
            }
        }
        // Worst case: every officer at the branch holds a full session at the same time.
        if at_branch_seats > u32::from(self.room_capacity) {
            errors.push(CapacityError::Room { room: self.room_capacity, needed: at_branch_seats });
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    pub fn setting(&self, mode: Mode) -> Option<&ModeSetting> {
        self.modes.iter().find(|m| m.mode == mode)
    }

    /// The sessions of `day` (in the branch's zone), in order of start. Nothing on national
    /// holidays (and `cuti bersama`, when offices close), closed days, or an officer's
    /// absence. Assumes a checked capacity; what does not parse yields no session.
    pub fn sessions(&self, day: Date, is_holiday: impl Fn(Date) -> bool) -> Vec<Session> {
        let Ok(tz) = TimeZone::get(&self.time_zone) else { return Vec::new() };
        if is_holiday(day) || self.closed.contains(&day) {
            return Vec::new();
        }
        let weekday = day.weekday().to_monday_one_offset();
        let mut out = Vec::new();
        for o in &self.officers {
            if !o.weekdays.contains(&weekday) || o.absent.contains(&day) {
                continue;
            }
            let (Some(setting), Some(start), Some(end)) = (self.setting(o.mode), minutes(&o.start), minutes(&o.end))
            else {
                continue;
            };
            let slot = setting.slot_minutes.max(1);
            let mut at = start;
            while at + slot <= end {
                let local = |m: u16| -> Option<Timestamp> {
                    let base = day.to_datetime(Time::midnight());
                    let dt = base.checked_add(i64::from(m).minutes()).ok()?;
                    dt.to_zoned(tz.clone()).ok().map(|z| z.timestamp())
                };
                if let (Some(s), Some(e)) = (local(at), local(at + slot)) {
                    out.push(Session {
                        id: format!("{}-{}-{}-{:02}{:02}", self.branch, o.id, day.strftime("%Y%m%d"), at / 60, at % 60),
                        branch: self.branch.clone(),
                        officer: o.id.clone(),
                        mode: o.mode,
                        starts_at: s,
                        ends_at: e,
                        seats: setting.seats,
                    });
                }
                at += slot;
            }
        }
        out.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)));
        out
    }
}

/// Whether `day` is a national holiday or `cuti bersama` in the reference calendar.
pub fn national_holiday(day: Date) -> bool {
    let s = day.to_string();
    crate::reference::HOLIDAYS.iter().any(|(d, _, _)| *d == s)
}

/// A claim waiting for an appointment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub claim_id: String,
    /// The branch chosen for the interview.
    pub branch: String,
    pub mode: Mode,
    /// Video calls only: any branch's officers may take it.
    pub anywhere: bool,
    /// No appointment before this instant (the start of the next day in the branch's zone,
    /// so documents can be checked the day before).
    pub not_before: Timestamp,
    /// A claim coming back with documents an officer asked for goes back to that officer
    /// when they have a free seat within [`PREFERRED_WITHIN`] of the earliest one.
    pub preferred_officer: Option<String>,
}

/// How much later than the earliest free seat a claim may wait for its own officer.
pub const PREFERRED_WITHIN: jiff::SignedDuration = jiff::SignedDuration::from_hours(24 * 7);

/// An assigned seat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    /// Index of the request in the order given to [`Seats::assign`].
    pub request: usize,
    /// Index of the session in [`Seats::sessions`].
    pub session: usize,
    pub seat: u8,
}

/// The start of the day after `at` in zone `tz`: the earliest an appointment may begin.
pub fn next_day_start(at: Timestamp, tz: &TimeZone) -> Timestamp {
    let local = at.to_zoned(tz.clone());
    let tomorrow = local.date().tomorrow().unwrap_or(local.date());
    tomorrow.to_datetime(Time::midnight()).to_zoned(tz.clone()).map(|z| z.timestamp()).unwrap_or(at)
}

/// The times offered to a participant who wants to move their appointment, from the start
/// times of the free sessions (earliest first): the earliest free time of each morning and
/// of each afternoon (from 12.00 in zone `tz`), so that a handful of choices spans several
/// days and both parts of the day; never two at the same time (two officers' sessions look
/// alike to the participant) nor at `held`, the time already held. Returns the positions of
/// the times offered.
pub fn times_to_offer(
    starts: impl IntoIterator<Item = Timestamp>,
    tz: &TimeZone,
    held: Timestamp,
    limit: usize,
) -> Vec<usize> {
    let mut offered: Vec<usize> = Vec::new();
    let mut parts: Vec<(Date, bool)> = Vec::new();
    for (i, starts_at) in starts.into_iter().enumerate() {
        if offered.len() >= limit {
            break;
        }
        let local = starts_at.to_zoned(tz.clone());
        let part = (local.date(), local.hour() >= 12);
        if starts_at == held || parts.contains(&part) {
            continue;
        }
        parts.push(part);
        offered.push(i);
    }
    offered
}

/// The sessions of a stretch of days with the seats taken in them, handing seats out to
/// requests that may come in several parts (pages of the waiting line): requests given in
/// parts, in order, get the same seats as the same requests given at once.
#[derive(Debug, Clone)]
pub struct Seats {
    sessions: Vec<Session>,
    taken: Vec<Vec<u8>>,
    /// One queue of session indexes per branch and mode, and one of every video session
    /// for "anywhere"; each with a cursor past the sessions known to be full.
    queues: HashMap<String, Vec<(Mode, Queue)>>,
    anywhere: Queue,
}

#[derive(Debug, Clone, Default)]
struct Queue {
    sessions: Vec<usize>,
    cursor: usize,
}

impl Seats {
    /// `sessions` sorted by start; `taken[i]` lists the seats already booked in
    /// `sessions[i]`.
    pub fn new(sessions: Vec<Session>, taken: Vec<Vec<u8>>) -> Seats {
        debug_assert_eq!(sessions.len(), taken.len());
        let mut queues: HashMap<String, Vec<(Mode, Queue)>> = HashMap::new();
        let mut anywhere = Queue::default();
        for (i, s) in sessions.iter().enumerate() {
            let modes = queues.entry(s.branch.clone()).or_default();
            match modes.iter_mut().find(|(m, _)| *m == s.mode) {
                Some((_, q)) => q.sessions.push(i),
                None => modes.push((s.mode, Queue { sessions: vec![i], cursor: 0 })),
            }
            if s.mode == Mode::VideoCall {
                anywhere.sessions.push(i);
            }
        }
        Seats { sessions, taken, queues, anywhere }
    }

    pub fn sessions(&self) -> &[Session] {
        &self.sessions
    }

    /// Gives every request, in the order given (oldest first), the earliest free seat of a
    /// session that fits, and returns the bookings plus the requests that found none (the
    /// caller plans more days and tries again).
    ///
    /// Fairness and no waste: a request never gets a later seat than one left free before it
    /// in its queue, so while requests remain every session before the last one used is full.
    pub fn assign<'r>(&mut self, requests: impl IntoIterator<Item = &'r Request>) -> (Vec<Booking>, Vec<usize>) {
        let Seats { sessions, taken, queues, anywhere } = self;
        let mut bookings = Vec::new();
        let mut unplaced = Vec::new();
        for (r_index, r) in requests.into_iter().enumerate() {
            let queue = if r.anywhere && r.mode == Mode::VideoCall {
                Some(&mut *anywhere)
            } else {
                queues
                    .get_mut(r.branch.as_str())
                    .and_then(|modes| modes.iter_mut().find(|(m, _)| *m == r.mode))
                    .map(|(_, q)| q)
            };
            let Some(Queue { sessions: list, cursor }) = queue else {
                unplaced.push(r_index);
                continue;
            };
            // Skip the full sessions at the front for good; look past early ones for this
            // request only (a later request may have an earlier limit in another zone).
            while *cursor < list.len() && taken[list[*cursor]].len() >= usize::from(sessions[list[*cursor]].seats) {
                *cursor += 1;
            }
            let fits = |i: usize, taken: &[Vec<u8>]| {
                sessions[i].starts_at >= r.not_before && taken[i].len() < usize::from(sessions[i].seats)
            };
            let earliest = list[*cursor..].iter().copied().find(|&i| fits(i, taken));
            let found = match (&r.preferred_officer, earliest) {
                (Some(officer), Some(e)) => {
                    let limit = sessions[e].starts_at + PREFERRED_WITHIN;
                    list[*cursor..]
                        .iter()
                        .copied()
                        .take_while(|&i| sessions[i].starts_at <= limit)
                        .find(|&i| sessions[i].officer == *officer && fits(i, taken))
                        .or(earliest)
                }
                (_, earliest) => earliest,
            };
            match found {
                Some(i) => {
                    let seat =
                        (1..=sessions[i].seats).find(|s| !taken[i].contains(s)).expect("a free seat was counted");
                    taken[i].push(seat);
                    bookings.push(Booking { request: r_index, session: i, seat });
                }
                None => unplaced.push(r_index),
            }
        }
        (bookings, unplaced)
    }
}

/// Days planned at a time by [`Planner`].
pub const PLANNED_DAYS: i64 = 10;

/// The branches' sessions from tomorrow on, planned [`PLANNED_DAYS`] at a time as the
/// waiting line needs them, up to a horizon; it places requests given in parts (pages of
/// the waiting line, oldest first) exactly as it would place them given at once: every
/// request tries the first stretch of days, then the next, and a stretch's seats are all
/// earlier than the next stretch's.
pub struct Planner<'a> {
    capacities: &'a [(Capacity, TimeZone)],
    now: Timestamp,
    horizon_days: i64,
    /// Seats booked before planning, by session id, until their session is planned.
    taken: HashMap<String, Vec<u8>>,
    stretches: Vec<Seats>,
    next_day: i64,
}

impl<'a> Planner<'a> {
    /// `capacities` with their zones (checked); `taken` lists the seats already booked, by
    /// session id.
    pub fn new(
        capacities: &'a [(Capacity, TimeZone)],
        now: Timestamp,
        horizon_days: i64,
        taken: HashMap<String, Vec<u8>>,
    ) -> Planner<'a> {
        Planner { capacities, now, horizon_days, taken, stretches: Vec::new(), next_day: 1 }
    }

    /// Sessions planned so far.
    pub fn planned(&self) -> usize {
        self.stretches.iter().map(|s| s.sessions().len()).sum()
    }

    /// The `i`th stretch of days, planned when first needed; `None` past the horizon.
    fn stretch(&mut self, i: usize) -> Option<&mut Seats> {
        while self.stretches.len() <= i {
            if self.next_day > self.horizon_days {
                return None;
            }
            let to_day = (self.next_day + PLANNED_DAYS).min(self.horizon_days + 1);
            let mut sessions = Vec::new();
            for (c, tz) in self.capacities {
                let today = self.now.to_zoned(tz.clone()).date();
                for offset in self.next_day..to_day {
                    if let Ok(day) = today.checked_add(offset.days()) {
                        sessions.extend(c.sessions(day, national_holiday));
                    }
                }
            }
            sessions.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)));
            let taken = sessions.iter().map(|s| self.taken.remove(&s.id).unwrap_or_default()).collect();
            self.stretches.push(Seats::new(sessions, taken));
            self.next_day = to_day;
        }
        self.stretches.get_mut(i)
    }

    /// Seats for `requests`, in order: (index of the request, its session, its seat), and
    /// the indexes of the requests that found none within the horizon.
    pub fn place(&mut self, requests: &[Request]) -> (Vec<(usize, Session, u8)>, Vec<usize>) {
        let mut placed = Vec::with_capacity(requests.len());
        let mut pending: Vec<usize> = (0..requests.len()).collect();
        let mut i = 0;
        while !pending.is_empty() {
            let Some(stretch) = self.stretch(i) else { break };
            let (made, unplaced) = stretch.assign(pending.iter().map(|&r| &requests[r]));
            placed.extend(made.into_iter().map(|b| (pending[b.request], stretch.sessions[b.session].clone(), b.seat)));
            pending = unplaced.into_iter().map(|r| pending[r]).collect();
            i += 1;
        }
        placed.sort_by_key(|(r, _, _)| *r);
        (placed, pending)
    }
}

/// "Senin, 7 Desember 2026, 09.30 WIT" / "Monday, 7 December 2026, 09:30 WIT".
pub fn format_local(at: Timestamp, time_zone: &str, indonesian: bool) -> String {
    let Ok(tz) = TimeZone::get(time_zone) else { return at.to_string() };
    let z = at.to_zoned(tz);
    let zone = IndonesianZone::from_iana(time_zone).map_or("", |z| z.abbreviation());
    let sep = if indonesian { '.' } else { ':' };
    format!(
        "{}, {}, {:02}{sep}{:02} {zone}",
        crate::dates::weekday_name(z.weekday(), indonesian),
        crate::dates::long_date(z.date(), indonesian),
        z.hour(),
        z.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn times_offered_span_mornings_and_afternoons_and_never_repeat() {
        let mut c = capacity("Asia/Jayapura");
        c.officers.push(officer("v2", Mode::VideoCall, "08:00", "16:00"));
        let tz = TimeZone::get("Asia/Jayapura").unwrap();
        let monday = date(2026, 12, 7);
        let mut free: Vec<Session> = [monday, date(2026, 12, 8), date(2026, 12, 9)]
            .into_iter()
            .flat_map(|d| c.sessions(d, |_| false))
            .filter(|s| s.mode == Mode::VideoCall)
            .collect();
        free.sort_by_key(|s| s.starts_at);
        let held = free[0].starts_at;
        let starts = || free.iter().map(|s| s.starts_at);
        let offered: Vec<&Session> = times_to_offer(starts(), &tz, held, 5).into_iter().map(|i| &free[i]).collect();
        let local: Vec<String> =
            offered.iter().map(|s| s.starts_at.to_zoned(tz.clone()).strftime("%a %H:%M").to_string()).collect();
        // Two officers start at 08.00: the other one's 08.00 is the held time too.
        assert_eq!(local, ["Mon 08:20", "Mon 12:00", "Tue 08:00", "Tue 12:00", "Wed 08:00"]);
        assert!(times_to_offer(starts(), &tz, held, 0).is_empty());
        assert!(times_to_offer([], &tz, held, 8).is_empty());
    }

    fn officer(id: &str, mode: Mode, start: &str, end: &str) -> OfficerHours {
        OfficerHours {
            id: id.into(),
            name: format!("Petugas {id}"),
            mode,
            weekdays: vec![1, 2, 3, 4, 5],
            start: start.into(),
            end: end.into(),
            absent: vec![],
        }
    }

    fn capacity(zone: &str) -> Capacity {
        Capacity {
            branch: "KC001".into(),
            time_zone: zone.into(),
            modes: vec![
                ModeSetting { mode: Mode::VideoCall, slot_minutes: 20, seats: 1 },
                ModeSetting { mode: Mode::OneToMany, slot_minutes: 30, seats: 5 },
            ],
            officers: vec![
                officer("o1", Mode::VideoCall, "08:00", "09:00"),
                officer("o2", Mode::OneToMany, "08:00", "09:00"),
            ],
            room_capacity: 10,
            closed: vec![],
        }
    }

    #[test]
    fn impossible_settings_are_refused_with_every_reason() {
        let mut c = capacity("Europe/Berlin");
        c.officers.push(officer("o1", Mode::Counter, "17:00", "08:00"));
        c.officers.push(officer("bad id!", Mode::VideoCall, "25:00", "08:00"));
        c.modes[1].seats = 0;
        c.room_capacity = 0;
        let errors = c.check().unwrap_err();
        let codes: Vec<_> = errors.iter().map(CapacityError::code).collect();
        for expected in [
            "capacity-zone",
            "capacity-seats",
            "capacity-duplicate-officer",
            "capacity-mode-not-offered",
            "capacity-hours",
            "capacity-officer-id",
            "capacity-time",
            "capacity-room",
        ] {
            assert!(codes.contains(&expected), "{expected} missing from {codes:?}");
        }
        let mut none = capacity("Asia/Jakarta");
        none.officers.clear();
        assert_eq!(none.check().unwrap_err(), vec![CapacityError::NoOfficers]);
        assert!(capacity("Asia/Jayapura").check().is_ok());
    }

    #[test]
    fn sessions_follow_the_branch_zone_and_skip_holidays_and_weekends() {
        // Monday 7 December 2026, 08.00 WIT in Jayapura is 06.00 WIB and 23.00 UTC the day before.
        let c = capacity("Asia/Jayapura");
        let day = date(2026, 12, 7);
        let s = c.sessions(day, national_holiday);
        assert_eq!(s.len(), 3 + 2, "three 20-minute calls and two 30-minute One to Many sessions");
        assert_eq!(s[0].starts_at.to_string(), "2026-12-06T23:00:00Z");
        assert_eq!(format_local(s[0].starts_at, "Asia/Jakarta", true), "Senin, 7 Desember 2026, 06.00 WIB");
        assert_eq!(format_local(s[0].starts_at, "Asia/Jayapura", true), "Senin, 7 Desember 2026, 08.00 WIT");
        assert_eq!(format_local(s[0].starts_at, "Asia/Jayapura", false), "Monday, 7 December 2026, 08:00 WIT");
        assert_eq!(s[0].id, "KC001-o1-20261207-0800");
        assert!(c.sessions(date(2026, 12, 5), national_holiday).is_empty(), "Saturday");
        assert!(c.sessions(date(2026, 12, 25), national_holiday).is_empty(), "Christmas");
        let mut away = c.clone();
        away.officers[0].absent.push(day);
        assert_eq!(away.sessions(day, national_holiday).len(), 2);
    }

    fn request(id: usize, mode: Mode, not_before: Timestamp) -> Request {
        Request {
            claim_id: format!("c{id}"),
            branch: "KC001".into(),
            mode,
            anywhere: false,
            not_before,
            preferred_officer: None,
        }
    }

    #[test]
    fn the_earliest_seat_goes_first_and_no_seat_is_left_while_demand_remains() {
        let c = capacity("Asia/Jakarta");
        let mut sessions = c.sessions(date(2026, 12, 7), |_| false);
        sessions.extend(c.sessions(date(2026, 12, 8), |_| false));
        let mut seats = Seats::new(sessions.clone(), vec![Vec::new(); sessions.len()]);
        let start: Timestamp = "2026-12-06T17:00:00Z".parse().unwrap();
        let requests: Vec<_> = (0..12).map(|i| request(i, Mode::OneToMany, start)).collect();
        let (bookings, unplaced) = seats.assign(&requests);
        assert_eq!(bookings.len(), 12);
        assert!(unplaced.is_empty());
        let first = &sessions[bookings[0].session];
        assert_eq!((first.mode, bookings[0].seat), (Mode::OneToMany, 1));
        // 5 seats in the 08.00 session, 5 at 08.30, then the next day's first.
        let per_session: Vec<usize> = bookings.iter().map(|b| b.session).collect();
        assert!(per_session.windows(2).all(|w| sessions[w[0]].starts_at <= sessions[w[1]].starts_at));
        assert_eq!(per_session.iter().filter(|&&s| s == per_session[0]).count(), 5);
        // No double booking: every (session, seat) once, seats within the session's size.
        let mut seen = BTreeSet::new();
        for b in &bookings {
            assert!(seen.insert((b.session, b.seat)));
            assert!(b.seat >= 1 && b.seat <= sessions[b.session].seats);
        }
        // More demand than two days hold: the rest is returned, not double-booked.
        let more: Vec<_> = (12..40).map(|i| request(i, Mode::VideoCall, start)).collect();
        let (b2, left) = seats.assign(&more);
        assert_eq!(b2.len(), 6, "three calls a day for two days");
        assert_eq!(left.len(), 22);
    }

    #[test]
    fn a_claim_coming_back_goes_to_the_officer_who_asked_when_they_have_a_seat_soon() {
        let mut c = capacity("Asia/Jakarta");
        c.officers =
            vec![officer("m1", Mode::OneToMany, "08:00", "09:00"), officer("m2", Mode::OneToMany, "09:00", "10:00")];
        let sessions = c.sessions(date(2026, 12, 7), |_| false);
        let mut seats = Seats::new(sessions.clone(), vec![Vec::new(); sessions.len()]);
        let start: Timestamp = "2026-12-06T17:00:00Z".parse().unwrap();
        let back = Request { preferred_officer: Some("m2".into()), ..request(1, Mode::OneToMany, start) };
        let (b, _) = seats.assign(&[request(0, Mode::OneToMany, start), back]);
        assert_eq!(sessions[b[0].session].officer, "m1", "the earliest seat for everyone else");
        assert_eq!(sessions[b[1].session].officer, "m2", "the officer who asked");
        let nobody = Request { preferred_officer: Some("m9".into()), ..request(2, Mode::OneToMany, start) };
        let (b, _) = seats.assign(&[nobody]);
        assert_eq!(sessions[b[0].session].officer, "m1", "an unknown officer: the earliest seat");
    }

    #[test]
    fn not_before_the_next_day_and_anywhere_takes_another_branch() {
        let mut c = capacity("Asia/Jakarta");
        c.officers.retain(|o| o.mode == Mode::VideoCall);
        let mut quiet = c.clone();
        quiet.branch = "KC002".into();
        let day = date(2026, 12, 7);
        let mut sessions = c.sessions(day, |_| false);
        sessions.extend(quiet.sessions(day, |_| false));
        sessions.sort_by_key(|s| s.starts_at);
        let mut seats = Seats::new(sessions.clone(), vec![Vec::new(); sessions.len()]);
        let tz = TimeZone::get("Asia/Jakarta").unwrap();
        // Submitted on Monday at 07.00 WIB: Monday's sessions are too early.
        let monday_morning: Timestamp = "2026-12-07T00:00:00Z".parse().unwrap();
        let r = request(1, Mode::VideoCall, next_day_start(monday_morning, &tz));
        let (b, left) = seats.assign(&[r]);
        assert!(b.is_empty() && left == vec![0]);
        // Submitted the Sunday before: four busy-branch requests, the fourth goes to KC002.
        let sunday: Timestamp = "2026-12-06T03:00:00Z".parse().unwrap();
        let rs: Vec<_> = (0..4)
            .map(|i| Request { anywhere: true, ..request(i, Mode::VideoCall, next_day_start(sunday, &tz)) })
            .collect();
        let (b, _) = seats.assign(&rs);
        assert_eq!(b.len(), 4);
        assert!(b.iter().any(|b| sessions[b.session].branch == "KC002"));
        assert_eq!(sessions[b[0].session].starts_at.to_string(), "2026-12-07T01:00:00Z");
    }

    #[test]
    fn a_waiting_line_placed_in_pages_gets_the_seats_it_would_get_at_once() {
        // Two branches in two zones, little capacity: the line spills over several stretches
        // of days, with every kind of request mixed in.
        let mut jakarta = capacity("Asia/Jakarta");
        jakarta.officers.push(officer("m2", Mode::OneToMany, "09:00", "10:00"));
        let mut jayapura = capacity("Asia/Jayapura");
        jayapura.branch = "KC002".into();
        let zones = |c: Capacity| {
            let tz = TimeZone::get(&c.time_zone).unwrap();
            (c, tz)
        };
        let capacities = vec![zones(jakarta), zones(jayapura)];
        let now: Timestamp = "2026-12-03T03:00:00Z".parse().unwrap();
        let tz = TimeZone::get("Asia/Jakarta").unwrap();
        let requests: Vec<Request> = (0..700)
            .map(|i| Request {
                claim_id: format!("c{i}"),
                branch: if i % 3 == 0 { "KC002" } else { "KC001" }.into(),
                mode: if i % 4 == 0 { Mode::OneToMany } else { Mode::VideoCall },
                anywhere: i % 5 == 0,
                not_before: next_day_start(now + (i as i64 % 9 * 24).hours(), &tz),
                preferred_officer: (i % 7 == 0).then(|| "m2".to_string()),
            })
            .collect();
        let at_once = Planner::new(&capacities, now, 60, HashMap::new()).place(&requests);
        assert!(!at_once.1.is_empty(), "more demand than the horizon holds");
        let mut planner = Planner::new(&capacities, now, 60, HashMap::new());
        let (mut placed, mut left) = (Vec::new(), Vec::new());
        for (page, part) in requests.chunks(37).enumerate() {
            let (p, l) = planner.place(part);
            placed.extend(p.into_iter().map(|(r, s, seat)| (page * 37 + r, s, seat)));
            left.extend(l.into_iter().map(|r| page * 37 + r));
        }
        assert!(planner.stretches.len() > 2, "the line spilled over several stretches");
        assert_eq!(placed, at_once.0);
        assert_eq!(left, at_once.1);
    }
}
