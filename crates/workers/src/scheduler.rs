//! The scheduler: every Submitted claim gets the earliest seat that fits, at once.
//!
//! One pass loads the branches' capacities and the waiting claims, plans the sessions of
//! the coming days (ten at a time, up to the horizon, until every claim has a seat),
//! assigns seats with [`lapak_domain::schedule::assign`], stores the sessions it uses, and
//! books the seats in transactions of [`BATCH`] claims, two at a time, each seat with an
//! appointment notice that the outbox relay turns into the participant's messages (so a
//! pass never unseals a contact). Double bookings are refused by the database itself (one
//! booked claim per seat, one booked seat per claim), so two processes scheduling at the
//! same moment cannot both win a seat: the loser's batch rolls back whole and it plans
//! again from what is booked now.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use lapak_claims::{appointment_notice, AppointmentNote};
use lapak_domain::lifecycle::{Action, Actor, ClaimState, Lifecycle};
use lapak_domain::schedule::{self, Capacity, Mode, Request, Session};
use lapak_storage::{NewBooking, StorageError, Store};

/// Claims booked per transaction, by default.
pub const BATCH: usize = 5_000;

/// Transactions of one pass in flight at once.
const BATCHES_AT_ONCE: usize = 2;

#[derive(Debug, Clone)]
pub struct Settings {
    /// How far ahead sessions are planned, in days, before a claim is left waiting.
    pub horizon_days: i64,
    /// Base URL of the Jitsi Meet server for video calls.
    pub video_base_url: String,
    /// Claims booked per transaction.
    pub batch: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { horizon_days: 90, video_base_url: "https://meet.jit.si".into(), batch: BATCH }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    pub booked: usize,
    /// Claims that found no seat within the horizon (no capacity for their branch/mode).
    pub waiting: usize,
    /// Sessions planned for this pass.
    pub sessions: usize,
    /// Batches that lost a race with another scheduler and were planned again.
    pub retries: usize,
    /// Collective batches seated in their session.
    pub batches: usize,
}

/// One pass. A batch another process got to first is planned again from what is booked
/// now; the pass gives up after [`STALLED_PASSES`] attempts in a row that booked nothing
/// (the next pass, five seconds later in `lapak serve`, goes on).
pub async fn run_once(store: &Arc<dyn Store>, settings: &Settings, now: Timestamp) -> Result<Outcome, StorageError> {
    let mut outcome = Outcome::default();
    let mut stalled = 0;
    loop {
        let before = outcome.booked;
        match pass(store, settings, now, &mut outcome).await {
            Err(e) if e.is_contention() => {
                outcome.retries += 1;
                stalled = if outcome.booked > before { 0 } else { stalled + 1 };
                if stalled >= STALLED_PASSES {
                    return Err(StorageError::Conflict("the schedule kept changing under this scheduler".into()));
                }
            }
            other => return other.map(|()| outcome),
        }
    }
}

/// Attempts in a row without a booking before a pass gives up.
const STALLED_PASSES: usize = 10;

async fn pass(
    store: &Arc<dyn Store>,
    settings: &Settings,
    now: Timestamp,
    outcome: &mut Outcome,
) -> Result<(), StorageError> {
    // Collective batches: one seat per batch, for the representative.
    for batch in store.unseated_batches().await? {
        if lapak_claims::collective::seat_batch(store.as_ref(), &batch).await?.is_some() {
            outcome.batches += 1;
        }
    }
    let waiting = store.waiting_for_appointment(i64::MAX).await?;
    if waiting.is_empty() {
        return Ok(());
    }
    let capacities: Vec<(Capacity, TimeZone)> = store
        .capacities()
        .await?
        .into_iter()
        .filter(|c| c.check().is_ok())
        .filter_map(|c| TimeZone::get(&c.time_zone).ok().map(|tz| (c, tz)))
        .collect();
    let zones: HashMap<&str, &TimeZone> = capacities.iter().map(|(c, tz)| (c.branch.as_str(), tz)).collect();
    let names: HashMap<String, String> = store
        .branches()
        .await?
        .into_iter()
        .map(|b| (b.code.as_str().to_string(), b.name.as_str().to_string()))
        .collect();
    let mut taken_by_id: HashMap<String, Vec<u8>> = HashMap::new();
    for (session, seat) in store.booked_seats(now, None).await? {
        taken_by_id.entry(session).or_default().push(seat);
    }

    let jakarta = TimeZone::get("Asia/Jakarta").expect("bundled zone");
    let requests: Vec<Request> = waiting
        .iter()
        .map(|w| {
            let tz = zones.get(w.branch_code.as_str()).copied().unwrap_or(&jakarta);
            Request {
                claim_id: w.claim_id.clone(),
                branch: w.branch_code.clone(),
                mode: w.mode,
                anywhere: w.anywhere && w.mode == Mode::VideoCall,
                not_before: schedule::next_day_start(w.submitted_at.max(now), tz).max(w.missed_until.unwrap_or(now)),
                preferred_officer: w.asked_by.clone(),
            }
        })
        .collect();

    // Plan ten days at a time until every request has a seat or the horizon is reached.
    let mut sessions: Vec<Session> = Vec::new();
    let mut bookings = Vec::new();
    let mut pending: Vec<usize> = (0..requests.len()).collect();
    let mut from_day = 1;
    while !pending.is_empty() && from_day <= settings.horizon_days {
        let to_day = (from_day + 10).min(settings.horizon_days + 1);
        let mut window = Vec::new();
        for (c, tz) in &capacities {
            let today = now.to_zoned(tz.clone()).date();
            for offset in from_day..to_day {
                if let Ok(day) = today.checked_add(offset.days()) {
                    window.extend(c.sessions(day, schedule::national_holiday));
                }
            }
        }
        window.sort_by(|a, b| a.starts_at.cmp(&b.starts_at).then_with(|| a.id.cmp(&b.id)));
        let mut taken: Vec<Vec<u8>> = window.iter().map(|s| taken_by_id.remove(&s.id).unwrap_or_default()).collect();
        let asked: Vec<Request> = pending.iter().map(|&i| requests[i].clone()).collect();
        let (made, unplaced) = schedule::assign(&window, &mut taken, &asked);
        let offset = sessions.len();
        for b in made {
            bookings.push((pending[b.request], offset + b.session, b.seat));
        }
        pending = unplaced.into_iter().map(|i| pending[i]).collect();
        sessions.extend(window);
        from_day = to_day;
    }
    outcome.sessions = sessions.len();
    outcome.waiting = pending.len();

    let at = Timestamp::now();
    let submitted = Lifecycle { state: ClaimState::Submitted, verified_by: None };
    let event = submitted
        .check(Action::Schedule, &Actor::system(), at, None)
        .map_err(|e| StorageError::Conflict(e.to_string()))?;
    let by_id: HashMap<&str, &lapak_storage::WaitingClaim> = waiting.iter().map(|w| (w.claim_id.as_str(), w)).collect();
    let new: Vec<NewBooking> = bookings
        .into_iter()
        .map(|(request, session, seat)| {
            let claim_id = requests[request].claim_id.clone();
            let session = sessions[session].clone();
            let w = by_id[claim_id.as_str()];
            let time_zone = zones
                .get(session.branch.as_str())
                .map_or("Asia/Jakarta".to_string(), |tz| tz.iana_name().unwrap_or("Asia/Jakarta").to_string());
            let branch_name = names.get(&session.branch).cloned().unwrap_or_default();
            let (note, video_token_hash) = AppointmentNote::for_seat(&claim_id, &session, time_zone, branch_name);
            let outbox = vec![appointment_notice(&claim_id, &session.id, w.number.as_str(), note)];
            NewBooking {
                claim_id,
                session,
                seat,
                event: (!w.rebooking).then(|| event.clone()),
                outbox,
                video_token_hash,
            }
        })
        .collect();
    // The sessions first, in a transaction of their own: the batches then only find them,
    // so two batches can be booked at once (on PostgreSQL, by two server processes; SQLite's
    // one writer takes them in turn).
    let mut seen = std::collections::HashSet::new();
    let planned: Vec<Session> =
        new.iter().filter(|b| seen.insert(b.session.id.as_str())).map(|b| b.session.clone()).collect();
    store.add_sessions(&planned).await?;
    let mut chunks = Vec::new();
    let mut rest = new.into_iter().peekable();
    while rest.peek().is_some() {
        chunks.push(rest.by_ref().take(settings.batch.max(1)).collect::<Vec<NewBooking>>());
    }
    let mut books = chunks.into_iter().map(|chunk| {
        let store = store.clone();
        async move { store.book(&chunk).await.map(|()| chunk.len()) }
    });
    // After a failed batch no new one starts, but those in flight run to their end: one
    // dropped while committing could be booked without being counted.
    let mut in_flight = futures::stream::FuturesUnordered::new();
    in_flight.extend(books.by_ref().take(BATCHES_AT_ONCE));
    let mut failed = None;
    while let Some(done) = in_flight.next().await {
        match done {
            Ok(booked) => outcome.booked += booked,
            Err(e) => {
                failed.get_or_insert(e);
            }
        }
        if failed.is_none() {
            in_flight.extend(books.next());
        }
    }
    failed.map_or(Ok(()), Err)
}

/// Runs passes until `stop` resolves: at once, then every `every`.
pub async fn run(
    store: Arc<dyn Store>,
    settings: Settings,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stop);
    loop {
        match run_once(&store, &settings, Timestamp::now()).await {
            Ok(o) if o.booked > 0 || o.waiting > 0 => {
                tracing::info!(booked = o.booked, waiting = o.waiting, retries = o.retries, "scheduler pass")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "scheduler pass failed"),
        }
        tokio::select! {
            _ = &mut stop => return,
            _ = tokio::time::sleep(every) => {}
        }
    }
}

/// An officer marked a participant absent: the seat is released and the next pass gives
/// the claim the next free seat (and the participant a message). Returns whether the claim
/// had a booked appointment.
pub async fn no_show(store: &Arc<dyn Store>, claim_id: &str) -> Result<bool, StorageError> {
    store.release_appointment(claim_id, "no_show").await
}

/// An officer is away on `day`: recorded in the branch's capacity (no more sessions planned
/// for them that day) and their booked seats released, so the next pass moves everyone
/// affected and tells them. Returns the claims moved.
pub async fn officer_absent(
    store: &Arc<dyn Store>,
    branch: &str,
    officer: &str,
    day: jiff::civil::Date,
) -> Result<Vec<String>, StorageError> {
    let mut capacity = store.capacity(branch).await?.ok_or(StorageError::NotFound)?;
    let o = capacity.officers.iter_mut().find(|o| o.id == officer).ok_or(StorageError::NotFound)?;
    if !o.absent.contains(&day) {
        o.absent.push(day);
    }
    store.set_capacity(&capacity).await?;
    let tz = TimeZone::get(&capacity.time_zone).map_err(|_| StorageError::Corrupt("time zone".into()))?;
    let start = |d: jiff::civil::Date| {
        d.to_datetime(jiff::civil::Time::midnight())
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|_| StorageError::Corrupt("date".into()))
    };
    let next = day.tomorrow().map_err(|_| StorageError::Corrupt("date".into()))?;
    store.release_officer(branch, officer, start(day)?, start(next)?).await
}
