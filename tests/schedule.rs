//! Appointments end to end on the configured engine: every submitted claim gets the
//! earliest seat, in the branch's zone, and two schedulers at once never double-book.

use std::collections::HashSet;
use std::sync::Arc;

use jiff::Timestamp;
use lapak_domain::application::Application;
use lapak_domain::cause::ClaimCause;
use lapak_domain::claim_number::ClaimNumber;
use lapak_domain::lifecycle::{Action, Actor, ClaimState, Lifecycle, Role};
use lapak_domain::member::{BranchCode, Member};
use lapak_domain::schedule::{Capacity, Mode};
use lapak_domain::Rupiah;
use lapak_registry::demo;
use lapak_storage::{NewClaim, Store, Submission};
use lapak_tests::*;
use lapak_workers::scheduler::{self, Settings};

struct Demo {
    t: TestStore,
    members: Vec<Member>,
    capacities: Vec<Capacity>,
}

async fn demo_store(members: u32) -> Demo {
    let t = test_store().await;
    let data = demo::generate(11, members, lapak_claims::today());
    t.store.upsert_branches(&data.branches).await.unwrap();
    t.store.upsert_companies(&data.companies).await.unwrap();
    t.store.upsert_members(&data.members).await.unwrap();
    let capacities = demo::capacities(&data.branches);
    for c in &capacities {
        t.store.set_capacity(c).await.unwrap();
    }
    Demo { t, members: data.members, capacities }
}

/// Files and submits a claim for each member (straight through the store).
async fn submit(
    store: &Arc<dyn Store>,
    members: &[Member],
    branch: &str,
    mode: Mode,
    anywhere: bool,
) -> Vec<ClaimNumber> {
    submit_in(store, members, branch, mode, anywhere, "id").await
}

/// [`submit`], filed in `lang`.
async fn submit_in(
    store: &Arc<dyn Store>,
    members: &[Member],
    branch: &str,
    mode: Mode,
    anywhere: bool,
    lang: &str,
) -> Vec<ClaimNumber> {
    let mut numbers = Vec::new();
    for m in members {
        let id = format!("claim-{}", m.kpj);
        store.create_claim(&NewClaim { kpj: m.kpj.clone(), ..new_claim(&id) }, None).await.unwrap();
        let application = Application {
            branch: Some(BranchCode::parse(branch).unwrap()),
            service: Some(mode),
            anywhere,
            email: m.email.clone(),
            whatsapp: m.phone.clone(),
            ..Default::default()
        };
        let number = ClaimNumber::from_random(rand::random());
        let event = Lifecycle::default()
            .check(Action::Submit, &Actor::new(Role::Participant, m.kpj.as_str()), Timestamp::now(), None)
            .unwrap();
        store
            .submit_claim(&Submission {
                claim_id: id,
                version: 0,
                application,
                number: number.clone(),
                event,
                benefit: lapak_domain::tax::benefit(ClaimCause::Layoff, Rupiah::new(10_000_000).unwrap()),
                outbox: None,
                idempotency: None,
                lang: lang.into(),
            })
            .await
            .unwrap();
        numbers.push(number);
    }
    numbers
}

fn branch_in(d: &Demo, zone: &str) -> String {
    d.capacities
        .iter()
        .find(|c| c.time_zone == zone && c.modes.iter().any(|m| m.mode == Mode::OneToMany))
        .map(|c| c.branch.clone())
        .unwrap_or_else(|| panic!("a demo branch with booths in {zone}"))
}

#[tokio::test]
async fn every_submitted_claim_gets_the_earliest_seat_in_its_branch_zone() {
    let d = demo_store(400).await;
    let store = d.t.store.clone();
    let jayapura = branch_in(&d, "Asia/Jayapura");
    let booths = submit(&store, &d.members[..30], &jayapura, Mode::OneToMany, false).await;
    let calls = submit(&store, &d.members[30..40], &jayapura, Mode::VideoCall, true).await;
    let now = Timestamp::now();
    let outcome = schedule(&store, now).await.unwrap();
    assert_eq!((outcome.booked, outcome.waiting), (40, 0), "{outcome:?}");

    let mut seats = HashSet::new();
    let mut booth_starts = Vec::new();
    for number in booths.iter().chain(&calls) {
        let t = store.tracking(number).await.unwrap().unwrap();
        assert_eq!(t.state, ClaimState::Scheduled);
        assert_eq!(t.events.last().unwrap().1, ClaimState::Scheduled);
        let a = t.appointment.expect("an appointment");
        assert!(seats.insert((a.session_id.clone(), a.seat)), "seat given twice");
        // Not before the next day in the branch's zone.
        assert!(
            a.starts_at >= lapak_domain::schedule::next_day_start(now, &jiff::tz::TimeZone::get(&a.time_zone).unwrap())
        );
        if booths.contains(number) {
            assert_eq!(
                (a.mode, a.branch_code.as_str(), a.time_zone.as_str()),
                (Mode::OneToMany, jayapura.as_str(), "Asia/Jayapura")
            );
            assert!((1..=6).contains(&a.seat));
            booth_starts.push(a.starts_at);
        } else {
            assert_eq!(a.mode, Mode::VideoCall);
        }
    }
    // The earliest One to Many session is full before a later one is used.
    let first = *booth_starts.iter().min().unwrap();
    let seats = d.capacities.iter().find(|c| c.branch == jayapura).unwrap().setting(Mode::OneToMany).unwrap().seats;
    assert_eq!(booth_starts.iter().filter(|&&s| s == first).count(), usize::from(seats));
    // The local time reads right: One to Many starts at 08.00 WIT in the demo.
    let text = lapak_domain::schedule::format_local(first, "Asia/Jayapura", true);
    assert!(text.ends_with("08.00 WIT"), "{text}");

    // A message per claim with the appointment, and nothing more on a second pass.
    let outbox = store.lease_outbox(Timestamp::now(), 60_000_000, 1_000).await.unwrap();
    assert_eq!(outbox.iter().filter(|m| m.kind == "email" && m.payload.contains("\"scheduled\"")).count(), 40);
    assert_eq!(outbox.iter().filter(|m| m.kind == "sms").count(), 40, "and a WhatsApp text each");
    assert!(outbox.iter().all(|m| !m.payload.contains("\"reminder\"")), "reminders wait for the day before");
    let again = schedule(&store, now).await.unwrap();
    assert_eq!(again.booked, 0);
}

/// Many lookups at once (PostgreSQL sends those that wait together, in one statement) each
/// get their own claim's record, the same as looked up alone: scheduled or not, a number
/// asked for several times at once, and numbers of no claim.
#[tokio::test]
async fn lookups_at_once_each_get_their_own_claim() {
    let d = demo_store(60).await;
    let store = d.t.store.clone();
    let jakarta = branch_in(&d, "Asia/Jakarta");
    let mut numbers = submit(&store, &d.members[..20], &jakarta, Mode::OneToMany, false).await;
    schedule(&store, Timestamp::now()).await.unwrap();
    numbers.extend(submit(&store, &d.members[20..40], &jakarta, Mode::VideoCall, false).await);
    let mut alone = Vec::new();
    for number in &numbers {
        alone.push(store.tracking(number).await.unwrap().expect("a claim"));
    }
    assert!(alone.iter().any(|t| t.appointment.is_some()) && alone.iter().any(|t| t.appointment.is_none()));
    let nobody = lapak_domain::claim_number::ClaimNumber::from_random(0x5eed_1234_abcd);
    // Every number five times, interleaved, with a number of no claim between.
    let asked: Vec<Option<usize>> = (0..5).flat_map(|_| (0..numbers.len()).map(Some).chain([None])).collect();
    let answers = futures::future::join_all(asked.iter().map(|i| {
        let store = store.clone();
        let number = i.map_or(nobody.clone(), |i| numbers[i].clone());
        async move { store.tracking(&number).await.unwrap() }
    }))
    .await;
    for (i, answer) in asked.iter().zip(answers) {
        match i {
            Some(i) => assert_eq!(answer.as_ref(), Some(&alone[*i]), "claim {}", numbers[*i]),
            None => assert_eq!(answer, None),
        }
    }
}

/// Tracking names the claim's branch and the appointment's (a video call taken anywhere may
/// be another branch's), each in its own zone, as the registry has them: also just after an
/// import renamed one, though tracking keeps the branches' names in memory.
#[tokio::test]
async fn tracking_names_the_branches_as_imported() {
    let d = demo_store(50).await;
    let store = d.t.store.clone();
    let jayapura = branch_in(&d, "Asia/Jayapura");
    let numbers = submit(&store, &d.members[..2], &jayapura, Mode::OneToMany, false).await;
    let call = submit(&store, &d.members[2..3], &jayapura, Mode::VideoCall, true).await;
    let before = store.tracking(&numbers[0]).await.unwrap().unwrap();
    let mut branch = store.branch(&jayapura).await.unwrap().unwrap();
    assert_eq!(before.branch_name.as_deref(), Some(branch.name.as_str()));
    assert_eq!(before.time_zone.as_deref(), Some("Asia/Jayapura"));
    assert!(before.appointment.is_none());
    let outcome = schedule(&store, Timestamp::now()).await.unwrap();
    assert_eq!(outcome.booked, 3, "{outcome:?}");
    for number in [&numbers[0], &call[0]] {
        let a = store.tracking(number).await.unwrap().unwrap().appointment.expect("an appointment");
        let seat_branch = store.branch(&a.branch_code).await.unwrap().unwrap();
        assert_eq!(
            (a.branch_name.as_str(), a.time_zone.as_str()),
            (seat_branch.name.as_str(), seat_branch.time_zone.as_str())
        );
    }
    let t = store.tracking(&numbers[0]).await.unwrap().unwrap();
    let states: Vec<ClaimState> = t.events.iter().map(|e| e.1).collect();
    assert_eq!(states.first(), Some(&ClaimState::Submitted));
    assert_eq!(states.last(), Some(&ClaimState::Scheduled));
    assert!(t.events.windows(2).all(|w| w[0].0 <= w[1].0), "events in order: {:?}", t.events);

    branch.name = lapak_domain::member::Name::parse("Kantor Cabang Jayapura Baru").unwrap();
    store.upsert_branches(&[branch]).await.unwrap();
    let renamed = store.tracking(&numbers[1]).await.unwrap().unwrap();
    assert_eq!(renamed.branch_name.as_deref(), Some("Kantor Cabang Jayapura Baru"));
    assert_eq!(renamed.appointment.unwrap().branch_name, "Kantor Cabang Jayapura Baru");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_at_the_same_moment_never_double_book() {
    two_schedulers_at_once(Settings::default()).await;
}

/// The same with transactions of 40 claims: each pass has its batches in flight two at a
/// time, against the other pass's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_in_small_batches_never_double_book() {
    two_schedulers_at_once(Settings { batch: 40, ..Settings::default() }).await;
}

/// Pages of 7 claims over booths of 4 to 6 seats: most sessions get seats from two pages,
/// booked in transactions in flight at the same time. Each session is stored once, every
/// claim gets a seat, and every session but the last is full.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_share_a_session_fill_it_in_turn() {
    let d = demo_store(200).await;
    let store = d.t.store.clone();
    let branch = branch_in(&d, "Asia/Makassar");
    let numbers = submit(&store, &d.members[..45], &branch, Mode::OneToMany, false).await;
    let outcome =
        scheduler::run_once(&store, &Settings { batch: 7, ..Settings::default() }, Timestamp::now()).await.unwrap();
    assert_eq!((outcome.booked, outcome.waiting), (45, 0), "{outcome:?}");

    let mut per_session: std::collections::BTreeMap<(Timestamp, String), HashSet<u8>> = Default::default();
    for a in appointments_of(&store, &numbers).await {
        assert_eq!(a.mode, Mode::OneToMany);
        assert!(per_session.entry((a.starts_at, a.session_id)).or_default().insert(a.seat), "a seat given twice");
    }
    let seats = d.capacities.iter().find(|c| c.branch == branch).unwrap().setting(Mode::OneToMany).unwrap().seats;
    assert_eq!(per_session.len(), 45usize.div_ceil(usize::from(seats)), "{per_session:?}");
    let last = per_session.keys().map(|(at, _)| *at).max().unwrap();
    let short: Vec<_> = per_session.iter().filter(|(_, taken)| taken.len() < usize::from(seats)).collect();
    assert!(short.len() <= 1 && short.iter().all(|((at, _), _)| *at == last), "a seat left free: {per_session:?}");
    assert_eq!(store.booked_seats(Timestamp::now(), Some(&branch)).await.unwrap().len(), 45);
}

async fn two_schedulers_at_once(settings: Settings) {
    let d = demo_store(600).await;
    let branch = branch_in(&d, "Asia/Jakarta");
    let numbers = submit(&d.t.store, &d.members[..300], &branch, Mode::OneToMany, false).await;
    // A second, independent connection to the same database: another Lapak process.
    let other = lapak_storage::open(&d.t.url, d.t.keys.clone()).await.unwrap();
    let now = Timestamp::now();
    let (a, b) =
        tokio::join!(scheduler::run_once(&d.t.store, &settings, now), scheduler::run_once(&other, &settings, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.booked + b.booked, 300, "each claim booked exactly once: {a:?} {b:?}");

    let booked = d.t.store.booked_seats(now, None).await.unwrap();
    assert_eq!(booked.len(), 300);
    let distinct: HashSet<_> = booked.iter().collect();
    assert_eq!(distinct.len(), 300, "no seat holds two claims");
    let mut per_session = std::collections::HashMap::new();
    for (session, _) in &booked {
        *per_session.entry(session.clone()).or_insert(0u32) += 1;
    }
    let seats = d.capacities.iter().find(|c| c.branch == branch).unwrap().setting(Mode::OneToMany).unwrap().seats;
    assert!(per_session.values().all(|&n| n <= u32::from(seats)), "a session over its booths");
    for n in &numbers {
        assert_eq!(d.t.store.tracking(n).await.unwrap().unwrap().state, ClaimState::Scheduled);
    }
}

#[tokio::test]
async fn a_no_show_or_an_absent_officer_gets_the_claim_a_new_seat() {
    let d = demo_store(300).await;
    let store = d.t.store.clone();
    let branch = branch_in(&d, "Asia/Makassar");
    let numbers = submit(&store, &d.members[..12], &branch, Mode::OneToMany, false).await;
    let now = Timestamp::now();
    schedule(&store, now).await.unwrap();
    let before: Vec<_> = appointments_of(&store, &numbers).await;

    // The first participant did not come: a new seat, still Scheduled, no second event.
    let first = store.claim_by_number(&numbers[0]).await.unwrap().unwrap();
    assert!(scheduler::no_show(&store, &first.id).await.unwrap());
    assert!(store.appointment(&first.id).await.unwrap().is_none(), "the seat is released at once");
    // The officer's session still shows the missed seat with the booked ones, and counts it.
    let session = &before[0].session_id;
    let together = before.iter().filter(|a| a.session_id == *session).count();
    assert!(together > 1, "One to Many seats share the session");
    let seats = store.session_seats(session).await.unwrap();
    assert_eq!(seats.len(), together);
    assert_eq!(seats.iter().filter(|(_, _, status)| status == "no_show").count(), 1);
    assert!(seats
        .iter()
        .any(|(seat, claim, status)| *seat == before[0].seat && *claim == first.id && status == "no_show"));
    assert_eq!(store.session(session).await.unwrap().unwrap().1.booked as usize, together);
    let hour = jiff::SignedDuration::from_hours(1);
    let day = store.sessions_between(&branch, before[0].starts_at - hour, before[0].starts_at + hour).await.unwrap();
    assert_eq!(day.iter().find(|s| s.id == *session).unwrap().booked as usize, together);
    // And the capacity report counts the day's seats given, the missed one among them.
    let local = |a: &lapak_storage::AppointmentRecord| {
        a.starts_at.to_zoned(jiff::tz::TimeZone::get(&a.time_zone).unwrap()).date()
    };
    let report = lapak_claims::capacity_report(store.as_ref(), local(&before[0]), 1).await.unwrap();
    let row = report.iter().find(|r| r.branch == branch).unwrap();
    let given = before.iter().filter(|a| local(a) == local(&before[0])).count();
    assert_eq!((row.booked as usize, row.served, row.no_shows), (given, 0, 1), "{row:?}");
    let pass = schedule(&store, now).await.unwrap();
    assert_eq!(pass.booked, 1);
    let again = store.tracking(&numbers[0]).await.unwrap().unwrap();
    assert_eq!(again.state, ClaimState::Scheduled);
    assert_eq!(again.events.iter().filter(|e| e.1 == ClaimState::Scheduled).count(), 1);
    assert_ne!(again.appointment.unwrap().session_id, before[0].session_id);

    // The officer of the second participant is away that day: everyone in their sessions
    // that day moves, and nobody is booked with them that day again.
    let victim = &before[1];
    let day = victim.starts_at.to_zoned(jiff::tz::TimeZone::get(&victim.time_zone).unwrap()).date();
    let moved = scheduler::officer_absent(&store, &branch, &victim.officer, day).await.unwrap();
    assert!(!moved.is_empty());
    let pass = schedule(&store, now).await.unwrap();
    assert_eq!(pass.booked, moved.len());
    for a in appointments_of(&store, &numbers).await {
        let a_day = a.starts_at.to_zoned(jiff::tz::TimeZone::get(&a.time_zone).unwrap()).date();
        assert!(!(a.officer == victim.officer && a_day == day), "booked with an absent officer");
    }
    let outbox = store.lease_outbox(Timestamp::now(), 60_000_000, 1_000).await.unwrap();
    let emails = outbox.iter().filter(|m| m.kind == "email" && m.payload.contains("\"scheduled\"")).count();
    assert_eq!(emails, 12 + 1 + moved.len(), "an e-mail for every seat given");
}

/// A moment to schedule from two days on, so that every seat is more than a day away (a
/// reminder is written only then), whatever the time of day the test runs.
fn two_days_on() -> Timestamp {
    Timestamp::now() + jiff::SignedDuration::from_hours(48)
}

/// A scheduler pass, then what the relay does first: its notices become messages.
async fn schedule(store: &Arc<dyn Store>, now: Timestamp) -> Result<scheduler::Outcome, lapak_storage::StorageError> {
    let outcome = scheduler::run_once(store, &Settings::default(), now).await?;
    lapak_workers::outbox::prepare_notices(store.as_ref(), 100_000).await?;
    Ok(outcome)
}

async fn appointments_of(store: &Arc<dyn Store>, numbers: &[ClaimNumber]) -> Vec<lapak_storage::AppointmentRecord> {
    let mut out = Vec::new();
    for n in numbers {
        out.push(store.tracking(n).await.unwrap().unwrap().appointment.expect("an appointment"));
    }
    out
}

/// Messages written to the outbox so far.
async fn outbox_rows(url: &str) -> i64 {
    use sqlx::Connection;
    let q = "SELECT COUNT(*) FROM outbox";
    if url.starts_with("postgres") {
        sqlx::query_scalar(q).fetch_one(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap()
    } else {
        sqlx::query_scalar(q).fetch_one(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap()
    }
}

#[tokio::test]
async fn the_participant_moves_or_cancels_from_the_tracking_page() {
    let d = demo_store(200).await;
    let store = d.t.store.clone();
    let branch = branch_in(&d, "Asia/Jakarta");
    let numbers = submit(&store, &d.members[..1], &branch, Mode::OneToMany, false).await;
    schedule(&store, Timestamp::now()).await.unwrap();
    let first = store.tracking(&numbers[0]).await.unwrap().unwrap().appointment.unwrap();
    let addr = serve(&d.t).await;
    let http = reqwest::Client::new();
    let birth = d.members[0].birth_date.strftime("%d/%m/%Y").to_string();
    let number = numbers[0].as_str().to_string();
    let post = |path: &str, form: Vec<(&str, String)>| {
        http.post(format!("http://{addr}{path}")).header("accept-language", "id").form(&form).send()
    };

    let page = post("/lacak", vec![("claim_number", number.clone()), ("birth_date", birth.clone())]).await.unwrap();
    let html = page.text().await.unwrap();
    assert!(html.contains("Jadwal verifikasi") && html.contains("Pindahkan jadwal"), "{html}");

    let choose = post("/lacak/jadwal", vec![("claim_number", number.clone()), ("birth_date", birth.clone())])
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let option = choose
        .split("name=\"session_id\" value=\"")
        .nth(2)
        .expect("at least two free times")
        .split('"')
        .next()
        .unwrap()
        .to_string();
    assert_ne!(option, first.session_id);
    let move_to_option = || {
        post(
            "/lacak/jadwal",
            vec![("claim_number", number.clone()), ("birth_date", birth.clone()), ("session_id", option.clone())],
        )
    };
    let done = move_to_option().await.unwrap();
    assert_eq!(done.status(), 200);
    assert!(done.text().await.unwrap().contains("Jadwal dipindahkan"));
    assert_eq!(store.tracking(&numbers[0]).await.unwrap().unwrap().appointment.unwrap().session_id, option);
    // The same form sent again (a double click): the seat asked for is held, nothing moves.
    let messages = outbox_rows(&d.t.url).await;
    let again = move_to_option().await.unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("Jadwal dipindahkan"));
    assert_eq!(store.tracking(&numbers[0]).await.unwrap().unwrap().appointment.unwrap().session_id, option);
    assert_eq!(outbox_rows(&d.t.url).await, messages, "no second message");

    // A wrong birth date moves nothing.
    let wrong = post(
        "/lacak/jadwal",
        vec![
            ("claim_number", number.clone()),
            ("birth_date", "01/01/1970".into()),
            ("session_id", first.session_id.clone()),
        ],
    )
    .await
    .unwrap();
    assert_eq!(wrong.status(), 404);
    assert_eq!(store.tracking(&numbers[0]).await.unwrap().unwrap().appointment.unwrap().session_id, option);

    let ask =
        post("/lacak/batal", vec![("claim_number", number.clone()), ("birth_date", birth.clone())]).await.unwrap();
    assert!(ask.text().await.unwrap().contains("Ya, batalkan klaim"));
    let cancelled = post(
        "/lacak/batal",
        vec![("claim_number", number.clone()), ("birth_date", birth.clone()), ("confirm", "ya".into())],
    )
    .await
    .unwrap();
    assert!(cancelled.text().await.unwrap().contains("Klaim dibatalkan"));
    let t = store.tracking(&numbers[0]).await.unwrap().unwrap();
    assert_eq!(t.state, ClaimState::Cancelled);
    assert!(t.appointment.is_none(), "the seat is free again");
    assert!(store.booked_seats(Timestamp::now(), None).await.unwrap().is_empty());
    // Confirmed again (a double click): it is cancelled, not an error.
    let again = post(
        "/lacak/batal",
        vec![("claim_number", number.clone()), ("birth_date", birth.clone()), ("confirm", "ya".into())],
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 200);
    assert!(again.text().await.unwrap().contains("Klaim dibatalkan"));
}

#[tokio::test]
async fn reminders_go_the_day_before_and_are_dropped_when_the_seat_changes() {
    let d = demo_store(200).await;
    let store = d.t.store.clone();
    let branch = branch_in(&d, "Asia/Jakarta");
    let numbers = submit(&store, &d.members[..1], &branch, Mode::OneToMany, false).await;
    let now = two_days_on();
    schedule(&store, now).await.unwrap();
    let first = store.tracking(&numbers[0]).await.unwrap().unwrap().appointment.unwrap();
    let sent = store.lease_outbox(Timestamp::now(), 1, 100).await.unwrap();
    assert_eq!(sent.len(), 2, "e-mail and text now");
    let day_before = |t: Timestamp| t.checked_sub(jiff::SignedDuration::from_hours(23)).unwrap();
    // The participant misses it: the old reminders must not go; the new seat brings its own.
    let claim = store.claim_by_number(&numbers[0]).await.unwrap().unwrap();
    assert!(scheduler::no_show(&store, &claim.id).await.unwrap());
    schedule(&store, now).await.unwrap();
    let second = store.tracking(&numbers[0]).await.unwrap().unwrap().appointment.unwrap();
    assert!(second.starts_at > first.starts_at);
    let due = store.lease_outbox(day_before(second.starts_at), 1, 100).await.unwrap();
    let reminders: Vec<_> = due.iter().filter(|m| m.payload.contains("\"reminder\"")).collect();
    assert_eq!(reminders.len(), 2, "e-mail and text reminders for the new seat only");
    assert!(reminders.iter().all(|m| m.payload.contains(&second.starts_at.to_string())));
}

/// The scheduler writes a notice per seat; the relay turns it into messages. A seat that
/// moved before that gives no messages for the old session, and two relays preparing the
/// same notices at once write every message once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn appointment_notices_become_messages_once_and_only_for_the_seat_held() {
    let d = demo_store(200).await;
    let store = d.t.store.clone();
    let branch = branch_in(&d, "Asia/Jakarta");
    let numbers = submit(&store, &d.members[..20], &branch, Mode::OneToMany, false).await;
    let now = two_days_on();
    scheduler::run_once(&store, &Settings::default(), now).await.unwrap();
    assert!(
        store.lease_outbox(Timestamp::now(), 1, 100).await.unwrap().is_empty(),
        "notices are not delivered as such"
    );
    assert_eq!(store.pending_notices(100).await.unwrap().len(), 20);

    // One participant misses their seat before the notices were prepared: they get a new one.
    let claim = store.claim_by_number(&numbers[0]).await.unwrap().unwrap();
    assert!(scheduler::no_show(&store, &claim.id).await.unwrap());
    scheduler::run_once(&store, &Settings::default(), now).await.unwrap();
    let seat = store.tracking(&numbers[0]).await.unwrap().unwrap().appointment.unwrap();

    let other = lapak_storage::open(&d.t.url, d.t.keys.clone()).await.unwrap();
    let (a, b) = tokio::join!(
        lapak_workers::outbox::prepare_notices(store.as_ref(), 1_000),
        lapak_workers::outbox::prepare_notices(other.as_ref(), 1_000)
    );
    assert!(a.unwrap() + b.unwrap() >= 20, "every current notice gave its messages");
    assert!(store.pending_notices(100).await.unwrap().is_empty());
    let sent = store.lease_outbox(Timestamp::now(), 60_000_000, 1_000).await.unwrap();
    let emails: Vec<_> = sent.iter().filter(|m| m.kind == "email").collect();
    assert_eq!(emails.len(), 20, "one e-mail per participant, none for the missed seat");
    assert_eq!(sent.iter().filter(|m| m.kind == "sms").count(), 20);
    let theirs: Vec<_> = emails.iter().filter(|m| m.payload.contains(numbers[0].as_str())).collect();
    assert_eq!(theirs.len(), 1);
    assert!(theirs[0].payload.contains(&seat.starts_at.to_string()), "the e-mail tells of the seat held");
    // Their reminders are for the new seat only.
    let day_before = seat.starts_at.checked_sub(jiff::SignedDuration::from_hours(23)).unwrap();
    let due = store.lease_outbox(day_before, 60_000_000, 1_000).await.unwrap();
    let reminders: Vec<_> =
        due.iter().filter(|m| m.payload.contains("\"reminder\"") && m.payload.contains(numbers[0].as_str())).collect();
    assert_eq!(reminders.len(), 2);
    assert!(reminders.iter().all(|m| m.payload.contains(&seat.starts_at.to_string())));
}

/// As `lapak serve` runs it: the scheduler books, the relay prepares the notice and
/// delivers the e-mail (with its calendar invitation) over SMTP and the text, once, in the
/// language the participant filed in.
#[tokio::test]
async fn the_relay_delivers_a_booked_seat_by_e_mail_and_text_once() {
    let d = demo_store(100).await;
    let store = d.t.store.clone();
    let branch = branch_in(&d, "Asia/Makassar");
    let mut numbers = submit(&store, &d.members[..1], &branch, Mode::OneToMany, false).await;
    numbers.extend(submit_in(&store, &d.members[1..2], &branch, Mode::OneToMany, false, "en").await);
    scheduler::run_once(&store, &Settings::default(), Timestamp::now()).await.unwrap();
    let sink = lapak_tests::smtp::SmtpSink::start().await;
    let texts = d.t.dir.path().join("texts");
    let channels = lapak_workers::text::Channels {
        email: Box::new(
            lapak_workers::email::Mailer::smtp(&sink.url(), "lapak@lapak.example", "https://lapak.example").unwrap(),
        ),
        text: Box::new(lapak_workers::text::TextSender::folder(&texts, "https://lapak.example").unwrap()),
    };
    let config = lapak_workers::outbox::RelayConfig::default();
    // The first pass prepares the notice; its messages are due from then on (the relay's
    // loop runs the next pass at once after a busy one).
    let mut total = lapak_workers::outbox::Pass::default();
    for _ in 0..2 {
        let pass = lapak_workers::outbox::run_once(store.as_ref(), &channels, &config, Timestamp::now()).await.unwrap();
        total.prepared += pass.prepared;
        total.delivered += pass.delivered;
        total.failed += pass.failed;
    }
    assert_eq!((total.prepared, total.delivered, total.failed), (2, 4, 0), "{total:?}");
    let mail = sink.messages();
    assert_eq!(mail.len(), 2);
    let to = |number: &ClaimNumber| mail.iter().find(|m| m.contains(number.as_str())).expect("an e-mail per claim");
    for number in &numbers {
        assert!(to(number).contains("text/calendar"), "{}", to(number));
        assert!(to(number).contains("WITA"), "the time in the branch's zone");
    }
    assert!(to(&numbers[0]).contains("Jadwal verifikasi klaim JHT Anda"), "{}", to(&numbers[0]));
    assert!(to(&numbers[1]).contains("Your JHT claim verification appointment"), "{}", to(&numbers[1]));
    assert_eq!(std::fs::read_dir(&texts).unwrap().count(), 2, "and one text each");
    let again = lapak_workers::outbox::run_once(store.as_ref(), &channels, &config, Timestamp::now()).await.unwrap();
    assert_eq!(again, lapak_workers::outbox::Pass::default(), "nothing twice");
    assert_eq!(sink.messages().len(), 2);
}

#[tokio::test]
async fn a_branch_admin_sets_capacity_and_reads_the_report_over_the_api() {
    let d = demo_store(100).await;
    let branch = branch_in(&d, "Asia/Jayapura");
    let addr =
        serve_with(&d.t, lapak_web::Limits { admin_token: Some("rahasia-kantor".into()), ..Default::default() }).await;
    let http = reqwest::Client::new();
    let url = format!("http://{addr}/api/v1/branches/{branch}/capacity");

    let anonymous = http.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert_eq!(anonymous.headers()["www-authenticate"], r#"Bearer realm="lapak""#);
    let current: serde_json::Value =
        http.get(&url).bearer_auth("rahasia-kantor").send().await.unwrap().json().await.unwrap();
    assert_eq!(current["time_zone"], "Asia/Jayapura");

    let mut broken = current.clone();
    broken["officers"] = serde_json::json!([]);
    broken["time_zone"] = "Asia/Tokyo".into();
    let refused = http
        .put(&url)
        .bearer_auth("rahasia-kantor")
        .header("accept-language", "en")
        .json(&broken)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    let codes: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["capacity-zone", "capacity-no-officers"]);
    assert!(body["errors"][1]["message"].as_str().unwrap().contains("no officers"));
    // A value of the wrong type is named by its path; a report's bad date is JSON too.
    let mut mistyped = current.clone();
    mistyped["officers"][0]["id"] = 7.into();
    let refused = http.put(&url).bearer_auth("rahasia-kantor").json(&mistyped).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("bad-value"), Some("officers[0].id")));
    // Also where serde_json calls it a fault of the text (an object for a mode): the JSON
    // is good, the value is not.
    let mut mistyped = current.clone();
    mistyped["modes"][0]["mode"] = serde_json::json!({});
    let refused = http.put(&url).bearer_auth("rahasia-kantor").json(&mistyped).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("bad-value"), Some("modes[0].mode")));
    // Fields left out are named all at once, in the capacity's order, whatever their kind.
    let mut partial = current.clone();
    for left_out in ["time_zone", "officers", "room_capacity"] {
        partial.as_object_mut().unwrap().remove(left_out);
    }
    let refused = http.put(&url).bearer_auth("rahasia-kantor").json(&partial).send().await.unwrap();
    assert_eq!(refused.status(), 422);
    let body: serde_json::Value = refused.json().await.unwrap();
    let fields: Vec<&str> = body["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!((body["code"].as_str(), fields), (Some("required"), vec!["time_zone", "officers", "room_capacity"]));
    let refused = http
        .get(format!("http://{addr}/api/v1/reports/capacity?from=2026-13-40"))
        .bearer_auth("rahasia-kantor")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(refused.json::<serde_json::Value>().await.unwrap()["code"], "bad-request");
    for (query, field) in [("days=400", "days"), ("days=0", "days"), ("from=9999-12-30&days=7", "from")] {
        let url = format!("http://{addr}/api/v1/reports/capacity?{query}");
        let refused = http.get(url).bearer_auth("rahasia-kantor").send().await.unwrap();
        assert_eq!(refused.status(), 422, "{query}");
        let body: serde_json::Value = refused.json().await.unwrap();
        assert_eq!((body["code"].as_str(), body["field"].as_str()), (Some("bad-value"), Some(field)), "{query}");
    }

    let mut fewer = current.clone();
    fewer["officers"] = serde_json::json!([current["officers"][0]]);
    let saved = http.put(&url).bearer_auth("rahasia-kantor").json(&fewer).send().await.unwrap();
    assert_eq!(saved.status(), 204);
    assert_eq!(d.t.store.capacity(&branch).await.unwrap().unwrap().officers.len(), 1);

    let csv = http
        .get(format!("http://{addr}/api/v1/reports/capacity?from=2026-12-07&days=2&format=csv"))
        .bearer_auth("rahasia-kantor")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let text = csv.text().await.unwrap();
    assert!(text.starts_with("branch,date,offered,booked,served,no_shows,lead_time_hours\n"));
    assert!(text.lines().any(|l| l.starts_with(&format!("{branch},2026-12-07,"))), "{text}");
    assert!(matches!(
        d.t.store.verify_audit_chain(lapak_storage::AuditMark::START).await.unwrap(),
        lapak_storage::AuditCheck::Intact { .. }
    ));
}

#[tokio::test]
async fn walk_ins_wait_outside_until_the_room_has_space() {
    let d = demo_store(50).await;
    let branch = branch_in(&d, "Asia/Makassar");
    // A small office: one counter, a room for three.
    let mut c = d.t.store.capacity(&branch).await.unwrap().unwrap();
    c.modes = vec![lapak_domain::schedule::ModeSetting { mode: Mode::Counter, slot_minutes: 15, seats: 1 }];
    c.officers.retain(|o| o.id == "m1");
    c.officers[0].mode = Mode::Counter;
    c.room_capacity = 3;
    assert!(c.check().is_ok());
    d.t.store.set_capacity(&c).await.unwrap();
    let addr = serve_with(&d.t, lapak_web::Limits { admin_token: Some("kantor".into()), ..Default::default() }).await;
    let http = kiosk_client(&kiosk_cookie(&d.t, &branch).await);

    let mut pages = Vec::new();
    for i in 0..5 {
        // The fourth leaves a number, at the kiosk page in English.
        let (phone, lang) = if i == 3 { ("0812 3456 7890", "en") } else { ("", "id") };
        let res = http
            .post(format!("http://{addr}/cabang/{branch}/tiket"))
            .header("accept-language", lang)
            .form(&[("whatsapp", phone)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        pages.push(res.url().to_string());
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("A-00{}", i + 1)), "{html}");
    }
    let status = |url: String| {
        let http = http.clone();
        async move { http.get(url).header("accept-language", "id").send().await.unwrap().text().await.unwrap() }
    };
    for url in &pages[..3] {
        assert!(status(url.clone()).await.contains("Silakan masuk"));
    }
    let fourth = status(pages[3].clone()).await;
    assert!(fourth.contains("Menunggu di luar") && fourth.contains("0 orang sebelum Anda"), "{fourth}");
    assert!(status(pages[4].clone()).await.contains("1 orang sebelum Anda"));
    let board = http.get(format!("http://{addr}/cabang/{branch}/antrean")).send().await.unwrap().text().await.unwrap();
    assert!(board.contains("3/3"), "{board}");

    // A bad number is refused at its field, and no ticket is taken.
    let bad =
        http.post(format!("http://{addr}/cabang/{branch}/tiket")).form(&[("whatsapp", "12")]).send().await.unwrap();
    assert_eq!(bad.status(), 422);

    // The first is served and leaves: the fourth is called in, and texted.
    let step = |n: i64, action: &str| {
        http.post(format!("http://{addr}/api/v1/branches/{branch}/queue/{n}/{action}")).bearer_auth("kantor").send()
    };
    assert_eq!(step(1, "jump").await.unwrap().status(), 404, "no such step");
    assert_eq!(step(1, "serve").await.unwrap().status(), 204);
    assert_eq!(step(1, "serve").await.unwrap().status(), 409, "already at a counter");
    assert!(status(pages[3].clone()).await.contains("Menunggu di luar"), "serving still fills the room");
    assert_eq!(step(1, "done").await.unwrap().status(), 204);
    assert!(status(pages[3].clone()).await.contains("Silakan masuk"));
    assert!(status(pages[4].clone()).await.contains("Menunggu di luar"));
    let day = Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Makassar").unwrap()).date();
    assert_eq!(d.t.store.room_occupancy(&branch, day, Timestamp::now()).await.unwrap(), 3, "never over the cap");
    let texts = d.t.store.lease_outbox(Timestamp::now(), 1, 100).await.unwrap();
    let called: Vec<_> = texts.iter().filter(|m| m.payload.contains("ticket-called")).collect();
    assert_eq!(called.len(), 1);
    assert!(called[0].payload.contains("A-004") && called[0].payload.contains("+6281234567890"));
    let text: serde_json::Value = serde_json::from_str(&called[0].payload).unwrap();
    assert_eq!(text["lang"], "en", "in the kiosk page's language");
}

/// A kiosk's screen tapped twice, or its form sent again on a slow connection, gives one
/// ticket, not a second number called later for nobody; a page kept past the moment of the
/// tap (or another person's next page) gives a ticket of its own.
#[tokio::test]
async fn a_kiosk_page_sent_twice_gives_one_ticket() {
    let d = demo_store(50).await;
    let branch = branch_in(&d, "Asia/Jakarta");
    let addr = serve(&d.t).await;
    let http = kiosk_client(&kiosk_cookie(&d.t, &branch).await);
    let kiosk = format!("http://{addr}/cabang/{branch}/tiket");
    let secret =
        |html: String| html.split("name=\"halaman\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let take = |page: String| {
        let (http, kiosk) = (http.clone(), kiosk.clone());
        async move {
            let res = http.post(kiosk).form(&[("whatsapp", ""), ("halaman", page.as_str())]).send().await.unwrap();
            assert_eq!(res.status(), 200);
            let url = res.url().to_string();
            (url, res.text().await.unwrap())
        }
    };

    let first_page = secret(http.get(&kiosk).send().await.unwrap().text().await.unwrap());
    let (first, html) = take(first_page.clone()).await;
    assert!(first.contains("/tiket/") && html.contains("A-001"), "{html}");
    let (again, html) = take(first_page.clone()).await;
    assert_eq!(again, first, "the same page sent again: the same ticket page");
    assert!(html.contains("A-001"), "{html}");

    // The next person's page has a secret of its own; tapped twice at once, one ticket.
    let second_page = secret(http.get(&kiosk).send().await.unwrap().text().await.unwrap());
    assert_ne!(second_page, first_page);
    let ((a, a_html), (b, _)) = tokio::join!(take(second_page.clone()), take(second_page.clone()));
    assert_eq!(a, b);
    assert!(a_html.contains("A-002"), "{a_html}");

    // The first page sent once more, after the moment of the tap: a new ticket, and the
    // first holder keeps theirs.
    let q = "UPDATE tickets SET created_at = created_at - 120000000 WHERE number = 1";
    run_sql(&d.t.url, q).await;
    let (late, html) = take(first_page).await;
    assert_ne!(late, first);
    assert!(html.contains("A-003"), "{html}");
    let kept = http.get(&first).send().await.unwrap().text().await.unwrap();
    assert!(kept.contains("A-001"), "{kept}");

    // A secret the server did not make (too short to be one) is not used: a new ticket.
    let (made_up, html) = take("abc".into()).await;
    assert!(!made_up.contains("/tiket/abc") && html.contains("A-004"), "{made_up} {html}");
    let day = Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date();
    assert_eq!(d.t.store.tickets(&branch, day).await.unwrap().len(), 4);
}

/// Numbers taken for nobody would be called in before real people: only the branch's own
/// kiosks give tickets, and even a kiosk gets a few hundred an hour (far above a busy
/// morning's), then a page that says to wait.
#[tokio::test]
async fn tickets_are_limited_per_client() {
    let d = demo_store(50).await;
    let branch = branch_in(&d, "Asia/Jakarta");
    let rate_limits = lapak_claims::RateLimits { tickets_per_client_hour: 2, ..Default::default() };
    let addr = serve_with(&d.t, lapak_web::Limits { rate_limits, ..Default::default() }).await;
    let http = kiosk_client(&kiosk_cookie(&d.t, &branch).await);
    let take = || http.post(format!("http://{addr}/cabang/{branch}/tiket")).form(&[("whatsapp", "")]).send();
    for _ in 0..2 {
        assert_eq!(take().await.unwrap().status(), 200);
    }
    let refused = take().await.unwrap();
    assert_eq!(refused.status(), 429);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Terlalu banyak percobaan") && page.contains("error-summary"), "{page}");
    assert!(!page.contains("aria-invalid"), "not the phone number's fault: {page}");
    let day = Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Jakarta").unwrap()).date();
    assert_eq!(d.t.store.tickets(&branch, day).await.unwrap().len(), 2);
}

/// Runs a statement on the test's database.
async fn run_sql(url: &str, q: &str) {
    use sqlx::Connection;
    if url.starts_with("postgres") {
        sqlx::query(q).execute(&mut sqlx::PgConnection::connect(url).await.unwrap()).await.unwrap();
    } else {
        sqlx::query(q).execute(&mut sqlx::SqliteConnection::connect(url).await.unwrap()).await.unwrap();
    }
}

#[tokio::test]
async fn a_personal_video_link_opens_the_room_with_a_token_at_its_time() {
    let d = demo_store(60).await;
    let store = d.t.store.clone();
    let branch = branch_in(&d, "Asia/Jakarta");
    let numbers = submit(&store, &d.members[..1], &branch, Mode::VideoCall, false).await;
    schedule(&store, Timestamp::now()).await.unwrap();
    let sent = store.lease_outbox(Timestamp::now(), 1, 10).await.unwrap();
    let email = sent.iter().find(|m| m.kind == "email").unwrap();
    let token = email.payload.split("/video/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let video = lapak_claims::video::Jitsi {
        base_url: "https://video.lapak.example".into(),
        app: Some(("lapak".into(), "rahasia".into())),
    };
    let addr = serve_with(&d.t, lapak_web::Limits { video, ..Default::default() }).await;
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    let early = http.get(format!("http://{addr}/video/{token}")).header("accept-language", "id").send().await.unwrap();
    assert_eq!(early.status(), 200);
    assert!(early.text().await.unwrap().contains("dapat dibuka mulai 15 menit sebelum"));

    // The same participant in a session running now: the link goes to the room, with a token.
    let claim = store.claim_by_number(&numbers[0]).await.unwrap().unwrap();
    let now = Timestamp::now();
    let session = lapak_domain::schedule::Session {
        id: format!("{branch}-v1-now"),
        branch: branch.clone(),
        officer: "v1".into(),
        mode: Mode::VideoCall,
        starts_at: now - jiff::SignedDuration::from_mins(5),
        ends_at: now + jiff::SignedDuration::from_mins(15),
        seats: 1,
    };
    let (fresh, hash) = lapak_claims::video::new_video_token();
    store.move_appointment(&claim.id, &session, 1, Some(&hash), &[]).await.unwrap();
    let open = http.get(format!("http://{addr}/video/{fresh}")).send().await.unwrap();
    assert_eq!(open.status(), 303);
    let location = open.headers()["location"].to_str().unwrap().to_string();
    assert!(location.starts_with("https://video.lapak.example/lapak-") && location.contains("?jwt="), "{location}");
    // The old link no longer opens anything; the tracking page does not show the bare room.
    assert_eq!(http.get(format!("http://{addr}/video/{token}")).send().await.unwrap().status(), 404);
}
