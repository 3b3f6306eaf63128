//! Ids of records that are written in bulk later in the order they were made: claims,
//! documents, video rooms.

use jiff::Timestamp;

/// The creation time in milliseconds (12 hex digits), then 80 random bits (20 hex
/// digits). Ids made close in time sort close together, so rows keyed by them and written
/// in about the order they were made (a scheduling page's appointments, events and notices,
/// keyed by claim; a page's new video rooms) land on a few pages of each index instead of a
/// page each; the random part keeps an id unguessable.
pub fn record_id(created_at: Timestamp, random: u128) -> String {
    let millis = u64::try_from(created_at.as_millisecond()).unwrap_or(0) & 0xffff_ffff_ffff;
    format!("{millis:012x}{:020x}", random & ((1 << 80) - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_ids_sort_by_creation_time_and_differ_within_a_millisecond() {
        let t = Timestamp::from_millisecond(1_764_000_000_123).unwrap();
        let id = record_id(t, u128::MAX);
        assert_eq!(id, format!("{:012x}{}", 1_764_000_000_123u64, "f".repeat(20)));
        let later = record_id(t + jiff::SignedDuration::from_millis(1), 0);
        assert!(id < later, "a later id sorts after: {id} {later}");
        assert_ne!(record_id(t, 1), record_id(t, 2));
        assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}
