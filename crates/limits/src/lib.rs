//! Keyed rate limits that forget their quiet keys.
//!
//! governor keeps the state of every key it has seen until told otherwise, so a limit per
//! NIK, per claim number or per address would hold every one ever tried for the life of
//! the process: on a morning a million people apply, a hundred megabytes that never come
//! back, and an attacker cycling through made-up numbers could grow it at will. Each
//! [`KeyedLimit`] drops, at most once a [`SWEEP_EVERY`], the keys whose state is again
//! that of a key never seen (governor's `retain_recent`): nothing a limit decides changes.
//! The sweep runs on the check that finds it due, so it needs no task of its own.
//! An attempt the service could not serve (its database out of reach) can be given back
//! ([`KeyedLimit::refund`]), so that people told to try again are not then refused for
//! having tried.
//! [`Recent`] remembers keys for a while, without limiting them.

use std::collections::HashMap;
use std::hash::Hash;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use governor::clock::{Clock, DefaultClock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

/// How often a limit forgets its quiet keys.
pub const SWEEP_EVERY: Duration = Duration::from_secs(60);

/// `n` attempts a minute (`n` > 0).
pub fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).expect("a limit allows at least one attempt"))
}

/// `n` attempts an hour (`n` > 0).
pub fn per_hour(n: u32) -> Quota {
    Quota::per_hour(NonZeroU32::new(n).expect("a limit allows at least one attempt"))
}

/// One limit per key.
pub struct KeyedLimit<K: Hash + Eq + Clone, C: Clock = DefaultClock> {
    limiter: RateLimiter<K, DefaultKeyedStateStore<K>, C, NoOpMiddleware<C::Instant>>,
    clock: C,
    start: C::Instant,
    /// When the next sweep is due, in nanoseconds from `start`.
    next_sweep: AtomicU64,
    /// Attempts given back, per key. Written by hand: governor's state for a key cannot be
    /// wound back, so an attempt given back is one more allowed past the limit, within
    /// `period` of the last given back.
    refunds: Mutex<HashMap<K, Refunds>>,
    /// The time a spent key takes to have its whole quota back, in nanoseconds.
    period: u64,
    /// The quota's burst: no key holds more attempts given back than this.
    burst: u32,
}

struct Refunds {
    left: u32,
    /// When the last was given back, in nanoseconds from `start`.
    at: u64,
}

impl<K: Hash + Eq + Clone> KeyedLimit<K> {
    pub fn new(quota: Quota) -> Self {
        KeyedLimit::with_clock(quota, DefaultClock::default())
    }
}

impl<K: Hash + Eq + Clone, C: Clock + Clone> KeyedLimit<K, C> {
    pub fn with_clock(quota: Quota, clock: C) -> Self {
        let start = clock.now();
        let burst = quota.burst_size().get();
        KeyedLimit {
            limiter: RateLimiter::new(quota, DefaultKeyedStateStore::default(), clock.clone()),
            clock,
            start,
            next_sweep: AtomicU64::new(nanos(SWEEP_EVERY)),
            refunds: Mutex::new(HashMap::new()),
            period: nanos(quota.replenish_interval()).saturating_mul(u64::from(burst)),
            burst,
        }
    }

    /// Whether one more attempt for `key` is allowed now (and counts it).
    pub fn check(&self, key: &K) -> bool {
        let allowed = self.limiter.check_key(key).is_ok() || self.use_refund(key);
        self.sweep_if_due();
        allowed
    }

    /// Gives back an attempt `check` allowed for `key` that could not be served: the next
    /// attempt past the limit is allowed in its place, if made within the time the key
    /// takes to have its whole quota back.
    pub fn refund(&self, key: &K) {
        let now = self.now();
        let mut refunds = self.refunds.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let r = refunds.entry(key.clone()).or_insert(Refunds { left: 0, at: now });
        if now.saturating_sub(r.at) >= self.period {
            r.left = 0;
        }
        r.left = (r.left + 1).min(self.burst);
        r.at = now;
    }

    /// An attempt past the limit, allowed by one given back.
    fn use_refund(&self, key: &K) -> bool {
        let now = self.now();
        let mut refunds = self.refunds.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let Some(r) = refunds.get_mut(key) else { return false };
        let fresh = now.saturating_sub(r.at) < self.period;
        if fresh {
            r.left -= 1;
        }
        if !fresh || r.left == 0 {
            refunds.remove(key);
        }
        fresh
    }

    fn now(&self) -> u64 {
        self.clock.now().duration_since(self.start).as_u64()
    }

    /// Keys held (for tests and figures).
    pub fn keys(&self) -> usize {
        self.limiter.len()
    }

    fn sweep_if_due(&self) {
        // A check that finds no sweep due reads one number; of the checks that find one
        // due, the one that moves the due time on sweeps and the others go on.
        let now = self.now();
        let due = self.next_sweep.load(Ordering::Relaxed);
        if now < due
            || self
                .next_sweep
                .compare_exchange(due, now + nanos(SWEEP_EVERY), Ordering::Relaxed, Ordering::Relaxed)
                .is_err()
        {
            return;
        }
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
        let mut refunds = self.refunds.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        refunds.retain(|_, r| now.saturating_sub(r.at) < self.period);
        refunds.shrink_to_fit();
    }
}

/// Keys noted within the last `period`. Written by hand: a governor limit cannot be asked
/// about a key without counting an attempt. Keys older than the period are dropped at most
/// once a period, on the call that finds it due, so the map holds about two periods' keys.
pub struct Recent<K: Hash + Eq> {
    period: Duration,
    inner: Mutex<RecentInner<K>>,
}

struct RecentInner<K> {
    noted: HashMap<K, Instant>,
    next_sweep: Instant,
}

impl<K: Hash + Eq> Recent<K> {
    pub fn new(period: Duration) -> Self {
        Recent { period, inner: Mutex::new(RecentInner { noted: HashMap::new(), next_sweep: Instant::now() + period }) }
    }

    /// Notes `key` now.
    pub fn note(&self, key: K) {
        self.note_at(key, Instant::now());
    }

    /// Whether `key` was noted within the period (looked up by a borrowed form, e.g. a
    /// `&str` for `String` keys).
    pub fn contains<Q: Hash + Eq + ?Sized>(&self, key: &Q) -> bool
    where
        K: std::borrow::Borrow<Q>,
    {
        self.contains_at(key, Instant::now())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.lock().expect("recent keys' lock").noted.len()
    }

    fn note_at(&self, key: K, now: Instant) {
        let mut inner = self.inner.lock().expect("recent keys' lock");
        if now >= inner.next_sweep {
            let period = self.period;
            inner.noted.retain(|_, at| now.saturating_duration_since(*at) < period);
            inner.noted.shrink_to_fit();
            inner.next_sweep = now + period;
        }
        inner.noted.insert(key, now);
    }

    fn contains_at<Q: Hash + Eq + ?Sized>(&self, key: &Q, now: Instant) -> bool
    where
        K: std::borrow::Borrow<Q>,
    {
        let inner = self.inner.lock().expect("recent keys' lock");
        inner.noted.get(key).is_some_and(|at| now.saturating_duration_since(*at) < self.period)
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use governor::clock::FakeRelativeClock;

    #[test]
    fn quiet_keys_are_forgotten_and_start_afresh() {
        let clock = FakeRelativeClock::default();
        let limit = KeyedLimit::with_clock(per_minute(5), clock.clone());
        for n in 0..1_000 {
            assert!(limit.check(&format!("nik-{n}")));
        }
        let busy = "nik-busy".to_string();
        assert_eq!((0..10).filter(|_| limit.check(&busy)).count(), 5);
        assert_eq!(limit.keys(), 1_001);

        // Half a minute on the busy key has two attempts back and uses them; nothing is
        // swept before a minute has passed.
        clock.advance(Duration::from_secs(30));
        assert_eq!((0..10).filter(|_| limit.check(&busy)).count(), 2);
        assert_eq!(limit.keys(), 1_001, "not swept before a minute");

        // A minute after the thousand they are as good as new, and go. The busy key still
        // has a limit running: it stays, with fewer attempts than a new key would get.
        clock.advance(Duration::from_secs(31));
        assert!(limit.check(&"nik-0".to_string()), "a forgotten key starts afresh");
        assert_eq!(limit.keys(), 2, "the busy key and the one just checked");
        assert!((0..10).filter(|_| limit.check(&busy)).count() < 5, "the busy key's limit was kept");
    }

    #[test]
    fn a_forgotten_key_gets_no_more_than_a_new_one() {
        let clock = FakeRelativeClock::default();
        let limit = KeyedLimit::with_clock(per_minute(5), clock.clone());
        let key = 7u32;
        assert_eq!((0..10).filter(|_| limit.check(&key)).count(), 5);
        clock.advance(Duration::from_secs(120));
        limit.check(&8);
        assert_eq!(limit.keys(), 1, "the quiet key was dropped");
        assert_eq!((0..10).filter(|_| limit.check(&key)).count(), 5, "the full quota, not more");
    }

    #[test]
    fn an_attempt_given_back_is_allowed_again_within_the_period() {
        let clock = FakeRelativeClock::default();
        let limit = KeyedLimit::with_clock(per_minute(5), clock.clone());
        let key = "3273015505900002".to_string();
        assert_eq!((0..10).filter(|_| limit.check(&key)).count(), 5);
        // Two of the five could not be served: two more, and no more.
        limit.refund(&key);
        limit.refund(&key);
        assert_eq!((0..10).filter(|_| limit.check(&key)).count(), 2);
        assert!(limit.check(&"another".to_string()), "other keys as ever");
        // No key holds more than its quota given back.
        for _ in 0..20 {
            limit.refund(&key);
        }
        assert_eq!((0..30).filter(|_| limit.check(&key)).count(), 5);
        // One given back and not used within the period is gone (the quota has come back
        // by then: five, not six).
        limit.refund(&key);
        clock.advance(Duration::from_secs(61));
        assert_eq!((0..10).filter(|_| limit.check(&key)).count(), 5);
    }

    #[test]
    fn recent_keys_are_known_for_their_period_then_forgotten() {
        let recent = Recent::new(Duration::from_secs(60));
        let t0 = Instant::now();
        recent.note_at("a", t0);
        assert!(recent.contains_at(&"a", t0 + Duration::from_secs(59)));
        assert!(!recent.contains_at(&"b", t0), "never noted");
        assert!(!recent.contains_at(&"a", t0 + Duration::from_secs(60)), "past its period");
        // Noted again, it is known again; the quiet key goes at the next sweep.
        recent.note_at("b", t0 + Duration::from_secs(30));
        recent.note_at("c", t0 + Duration::from_secs(61));
        assert_eq!(recent.len(), 2, "a went with the sweep; b is within its period");
        assert!(recent.contains_at(&"b", t0 + Duration::from_secs(61)));
    }
}
