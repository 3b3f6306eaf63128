//! The scheduler: every Submitted claim gets the earliest seat that fits, at once.
//!
//! One pass loads the branches' capacities and reads the waiting line a page of
//! [`Settings::batch`] claims at a time, oldest first. A [`Planner`] places each page (it
//! plans the sessions of the coming days ten at a time, up to the horizon, as the line needs
//! them); the pass stores the page's sessions and books its seats in one transaction (on
//! PostgreSQL the page's new sessions go first, in a transaction of their own, so that two
//! pages' bookings can run side by side), each seat with an appointment notice that the
//! outbox relay turns into the participant's messages (so a pass never unseals a contact).
//! While a page is booked the next one is read and placed; two bookings are in flight at
//! once. Double bookings are refused by the database itself (one booked claim per seat, one
//! booked seat per claim), so two processes scheduling at the same moment cannot both win a
//! seat: the loser's transaction rolls back whole and it plans again from what is booked
//! now.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use jiff::tz::TimeZone;
use jiff::Timestamp;
use lapak_claims::{appointment_notice, personal_link};
use lapak_domain::lifecycle::{Action, Actor, ClaimState, Lifecycle};
use lapak_domain::schedule::{self, Capacity, Mode, Planner, Request, Session};
use lapak_storage::{NewBooking, StorageError, Store, WaitingPage};

/// Claims read, placed and booked per transaction, by default.
pub const BATCH: usize = 5_000;

/// Transactions of one pass in flight at once.
const BATCHES_AT_ONCE: usize = 2;

#[derive(Debug, Clone)]
pub struct Settings {
    /// How far ahead sessions are planned, in days, before a claim is left waiting.
    pub horizon_days: i64,
    /// Base URL of the Jitsi Meet server for video calls.
    pub video_base_url: String,
    /// Claims read from the waiting line, placed and booked at a time (one transaction).
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
pub const STALLED_PASSES: usize = 10;

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
    let page_size = settings.batch.max(1);
    let mut page = next_page(store, None, page_size).await?;
    if page.next.is_none() {
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
    let mut taken: HashMap<String, Vec<u8>> = HashMap::new();
    for (session, seat) in store.booked_seats(now, None).await? {
        taken.entry(session).or_default().push(seat);
    }
    let mut planner = Planner::new(&capacities, now, settings.horizon_days, taken);
    let event = Lifecycle { state: ClaimState::Submitted, verified_by: None }
        .check(Action::Schedule, &Actor::system(), Timestamp::now(), None)
        .map_err(|e| StorageError::Conflict(e.to_string()))?;
    let one_writer = store.engine().one_writer();
    let mut stored: HashSet<String> = HashSet::new();
    // The line is read, placed and booked a page at a time: while one page's transaction
    // runs, the next page is read and placed. Booking tasks are spawned so that they run
    // to their end whatever happens to the pass: one dropped while committing could be
    // booked without being counted.
    let mut in_flight: VecDeque<tokio::task::JoinHandle<Result<usize, StorageError>>> = VecDeque::new();
    let mut failed: Option<StorageError> = None;
    let mut waiting = 0;
    loop {
        // After a failed batch no new one starts.
        while in_flight.front().is_some_and(|t| t.is_finished()) || in_flight.len() >= BATCHES_AT_ONCE {
            let Some(task) = in_flight.pop_front() else { break };
            count(task.await, outcome, &mut failed);
        }
        if failed.is_some() {
            break;
        }
        let Some((after_at, after_id)) = page.next.take() else { break };
        let requests: Vec<Request> = page
            .claims
            .iter()
            .map(|w| {
                let tz = zones.get(w.branch_code.as_str()).copied().unwrap_or(&JAKARTA);
                Request {
                    claim_id: w.claim_id.clone(),
                    branch: w.branch_code.clone(),
                    mode: w.mode,
                    anywhere: w.anywhere && w.mode == Mode::VideoCall,
                    not_before: schedule::next_day_start(w.submitted_at.max(now), tz)
                        .max(w.missed_until.unwrap_or(now)),
                    preferred_officer: w.asked_by.clone(),
                }
            })
            .collect();
        let (placed, unplaced) = planner.place(&requests);
        waiting += unplaced.len();
        let bookings: Vec<NewBooking> = placed
            .into_iter()
            .map(|(request, session, seat)| {
                let w = &page.claims[request];
                let time_zone =
                    zones.get(session.branch.as_str()).and_then(|tz| tz.iana_name()).unwrap_or("Asia/Jakarta");
                let (link, video_token_hash) = personal_link(session.mode);
                let outbox = vec![appointment_notice(&w.claim_id, &session.id, time_zone.to_string(), link)];
                NewBooking {
                    claim_id: w.claim_id.clone(),
                    session,
                    seat,
                    event: (!w.rebooking).then(|| event.clone()),
                    outbox,
                    video_token_hash,
                }
            })
            .collect();
        if !bookings.is_empty() {
            let sessions = if one_writer {
                // One writer: each page's transaction stores every session it uses (one
                // stored already is left as it is), so two pages never wait on each other
                // and either may commit first.
                let mut seen = HashSet::new();
                bookings.iter().filter(|b| seen.insert(b.session.id.as_str())).map(|b| b.session.clone()).collect()
            } else {
                // Writers side by side (PostgreSQL): the page's new sessions first, in a
                // transaction of their own. Its booking (and any later one) then only
                // finds them, so two bookings run at once by two server processes; storing
                // a session in both would make the second wait for the first to end.
                let new: Vec<Session> =
                    bookings.iter().filter(|b| !stored.contains(&b.session.id)).map(|b| b.session.clone()).collect();
                if let Err(e) = store.add_sessions(&new).await {
                    failed = Some(e);
                    break;
                }
                stored.extend(new.into_iter().map(|s| s.id));
                Vec::new()
            };
            let booking = store.clone();
            in_flight.push_back(tokio::spawn(async move {
                booking.book(&sessions, &bookings).await.map(|()| bookings.len())
            }));
        }
        match next_page(store, Some((after_at, after_id.as_str())), page_size).await {
            Ok(next) => page = next,
            Err(e) => failed = Some(e),
        }
    }
    for task in in_flight {
        count(task.await, outcome, &mut failed);
    }
    outcome.sessions = planner.planned();
    outcome.waiting = waiting;
    failed.map_or(Ok(()), Err)
}

static JAKARTA: std::sync::LazyLock<TimeZone> =
    std::sync::LazyLock::new(|| TimeZone::get("Asia/Jakarta").expect("bundled zone"));

/// The next page of the waiting line after `after`.
async fn next_page(
    store: &Arc<dyn Store>,
    after: Option<(Timestamp, &str)>,
    size: usize,
) -> Result<WaitingPage, StorageError> {
    store.waiting_for_appointment(after, i64::try_from(size).unwrap_or(i64::MAX)).await
}

/// Counts a finished booking task, or keeps the first failure.
fn count(
    done: Result<Result<usize, StorageError>, tokio::task::JoinError>,
    outcome: &mut Outcome,
    failed: &mut Option<StorageError>,
) {
    match done {
        Ok(Ok(booked)) => outcome.booked += booked,
        Ok(Err(e)) => {
            failed.get_or_insert(e);
        }
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => {
            failed.get_or_insert(StorageError::Conflict(format!("a booking task ended: {e}")));
        }
    }
}

/// Runs passes until `stop` resolves: at once, then every `every`.
pub async fn run(
    store: Arc<dyn Store>,
    settings: Settings,
    every: Duration,
    stop: impl std::future::Future<Output = ()>,
) {
    crate::repeat(every, stop, || async {
        match run_once(&store, &settings, Timestamp::now()).await {
            Ok(o) if o.booked > 0 || o.waiting > 0 => {
                tracing::info!(booked = o.booked, waiting = o.waiting, retries = o.retries, "scheduler pass")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "scheduler pass failed"),
        }
    })
    .await
}

/// An officer marked a participant absent: the seat is released and the next pass gives
/// the claim the next free seat (and the participant a message). Returns whether the claim
/// had a booked appointment.
pub async fn no_show(store: &Arc<dyn Store>, claim_id: &str) -> Result<bool, StorageError> {
    store.release_appointment(claim_id, None, "no_show").await
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
