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
    let mut numbers = Vec::new();
    for m in members {
        let id = format!("claim-{}", m.kpj);
        store
            .create_claim(
                &NewClaim {
                    id: id.clone(),
                    kpj: m.kpj.clone(),
                    created_at: Timestamp::now(),
                    resume_token_hash: id.clone().into_bytes(),
                },
                None,
            )
            .await
            .unwrap();
        let application = Application {
            branch: Some(BranchCode::parse(branch).unwrap()),
            service: Some(mode),
            anywhere,
            email: m.email.clone(),
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
    let outcome = scheduler::run_once(&store, &Settings::default(), now).await.unwrap();
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
    assert_eq!(outbox.iter().filter(|m| m.payload.contains("\"scheduled\"")).count(), 40);
    let again = scheduler::run_once(&store, &Settings::default(), now).await.unwrap();
    assert_eq!(again.booked, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_schedulers_at_the_same_moment_never_double_book() {
    let d = demo_store(600).await;
    let branch = branch_in(&d, "Asia/Jakarta");
    let numbers = submit(&d.t.store, &d.members[..300], &branch, Mode::OneToMany, false).await;
    // A second, independent connection to the same database: another Lapak process.
    let other = lapak_storage::open(&d.t.url, d.t.keys.clone()).await.unwrap();
    let now = Timestamp::now();
    let settings = Settings::default();
    let (a, b) =
        tokio::join!(scheduler::run_once(&d.t.store, &settings, now), scheduler::run_once(&other, &settings, now));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.booked + b.booked, 300, "each claim booked exactly once: {a:?} {b:?}");

    let booked = d.t.store.booked_seats(now).await.unwrap();
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
