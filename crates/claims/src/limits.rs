//! Rate limits against guessing: identity checks per NIK and per client, tracking lookups
//! per claim number and per client; and against filling what is open to anyone: walk-in
//! tickets and representatives' appointments per client (in memory, per process, each
//! forgetting its quiet keys: [`lapak_limits::KeyedLimit`]).
//! Per-client limits are generous because mobile carriers put many people behind one
//! address; the per-person limits are the tight ones. Those are also kept in the database
//! as counts of failures (see `Store::add_failed_guess`), so that behind a load balancer
//! they do not multiply by the number of Lapak processes; the service checks both. A
//! tracking lookup reads its number's count only where this process saw a failure at the
//! number lately ([`Limiter::tracking_failed_lately`]): a participant's lookup costs one
//! read, as before.

use lapak_limits::{per_hour, per_minute, KeyedLimit, Recent};
use std::net::IpAddr;

pub struct Limiter {
    limits: RateLimits,
    identity_per_person: KeyedLimit<String>,
    identity_per_client: KeyedLimit<IpAddr>,
    tracking_per_number: KeyedLimit<String>,
    tracking_per_client: KeyedLimit<IpAddr>,
    appointments_per_client: KeyedLimit<IpAddr>,
    tickets_per_client: KeyedLimit<IpAddr>,
    /// Claim numbers this process saw a failed guess at in the last two guess windows.
    failed_numbers: Recent<String>,
}

/// Attempts allowed per minute.
#[derive(Debug, Clone, Copy)]
pub struct RateLimits {
    pub identity_per_person: u32,
    pub identity_per_client: u32,
    pub tracking_per_number: u32,
    pub tracking_per_client: u32,
    /// Representative appointments (two letters uploaded each) per client, per hour.
    pub appointments_per_client_hour: u32,
    /// Walk-in tickets per client, per hour: a branch's kiosk gives a few hundred a day.
    pub tickets_per_client_hour: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        RateLimits {
            identity_per_person: 5,
            identity_per_client: 60,
            tracking_per_number: 10,
            tracking_per_client: 120,
            appointments_per_client_hour: 10,
            tickets_per_client_hour: 120,
        }
    }
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(RateLimits::default())
    }
}

impl Limiter {
    pub fn new(l: RateLimits) -> Limiter {
        Limiter {
            limits: l,
            identity_per_person: KeyedLimit::new(per_minute(l.identity_per_person)),
            identity_per_client: KeyedLimit::new(per_minute(l.identity_per_client)),
            tracking_per_number: KeyedLimit::new(per_minute(l.tracking_per_number)),
            tracking_per_client: KeyedLimit::new(per_minute(l.tracking_per_client)),
            appointments_per_client: KeyedLimit::new(per_hour(l.appointments_per_client_hour)),
            tickets_per_client: KeyedLimit::new(per_hour(l.tickets_per_client_hour)),
            failed_numbers: Recent::new(2 * lapak_storage::GUESS_WINDOW),
        }
    }

    /// Failed identity checks a person may have in a guess window, across every process.
    pub fn identity_failures(&self) -> u32 {
        self.limits.identity_per_person
    }

    /// Failed guesses at a claim number in a guess window, across every process.
    pub fn tracking_failures(&self) -> u32 {
        self.limits.tracking_per_number
    }

    /// Notes a failed guess at a claim number seen by this process.
    pub fn note_tracking_failure(&self, number: &str) {
        self.failed_numbers.note(number.to_string());
    }

    /// Whether this process saw a failed guess at the number in the last two guess windows:
    /// only then is the number's count across processes read before a lookup. With N
    /// processes, a guesser gets at most N guesses a window past the limit: at each
    /// process, the first, until it fails.
    pub fn tracking_failed_lately(&self, number: &str) -> bool {
        self.failed_numbers.contains(number)
    }

    /// Whether one more identity check for this NIK from this client is allowed.
    pub fn identity(&self, nik: &str, client: IpAddr) -> bool {
        self.identity_per_client.check(&client) && self.identity_per_person.check(&nik.to_string())
    }

    /// Gives back an identity check that could not be served (the database out of reach):
    /// the person was told to try again in a moment, and is not then refused for trying.
    /// Only for an answer that says so: a request that ends without one (the client gone,
    /// or timed out) keeps its attempt, so that cutting requests short gains nothing.
    pub fn refund_identity(&self, nik: &str, client: IpAddr) {
        self.identity_per_client.refund(&client);
        self.identity_per_person.refund(&nik.to_string());
    }

    /// Gives back a tracking lookup that could not be served (see [`Limiter::refund_identity`]).
    pub fn refund_tracking(&self, number: &str, client: IpAddr) {
        self.tracking_per_client.refund(&client);
        self.tracking_per_number.refund(&number.to_string());
    }

    /// Whether one more representative appointment (with its uploads) from this client is
    /// allowed: the form is open to anyone, so it must not become a way to fill the disk.
    pub fn appointment(&self, client: IpAddr) -> bool {
        self.appointments_per_client.check(&client)
    }

    /// Whether one more walk-in ticket for this client is allowed: the kiosk page is open
    /// to anyone, and numbers taken for nobody would be called in before real people.
    pub fn ticket(&self, client: IpAddr) -> bool {
        self.tickets_per_client.check(&client)
    }

    pub fn tracking(&self, number: &str, client: IpAddr) -> bool {
        self.tracking_per_client.check(&client) && self.tracking_per_number.check(&number.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_person_is_limited_even_from_many_addresses() {
        let l = Limiter::default();
        let allowed = (0..20u8).filter(|i| l.identity("3273015505900002", IpAddr::from([10, 0, 0, *i]))).count();
        assert_eq!(allowed, 5);
        assert!(l.identity("3273011505900001", IpAddr::from([10, 0, 0, 1])), "another person is not affected");
    }

    #[test]
    fn one_client_is_limited_across_numbers() {
        let l = Limiter::default();
        let ip = IpAddr::from([10, 0, 0, 9]);
        let allowed = (0..200).filter(|i| l.tracking(&format!("N{i}"), ip)).count();
        assert_eq!(allowed, 120);
    }

    #[test]
    fn appointments_are_limited_per_client_per_hour() {
        let l = Limiter::default();
        let ip = IpAddr::from([10, 0, 0, 7]);
        assert_eq!((0..30).filter(|_| l.appointment(ip)).count(), 10);
        assert!(l.appointment(IpAddr::from([10, 0, 0, 8])), "another client is not affected");
    }

    #[test]
    fn tickets_are_limited_per_client_per_hour() {
        let l = Limiter::default();
        let kiosk = IpAddr::from([10, 0, 0, 5]);
        assert_eq!((0..500).filter(|_| l.ticket(kiosk)).count(), 120);
        assert!(l.ticket(IpAddr::from([10, 0, 0, 6])), "another client is not affected");
    }
}
