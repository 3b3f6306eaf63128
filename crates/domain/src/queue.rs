//! The walk-in queue at a branch (the offline channel): numbered tickets, called in while
//! the waiting room has space under distancing rules, served in order.

use serde::Serialize;

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Outside (or at home with the ticket page open), waiting to be called in.
    Waiting,
    /// Called in: there is room inside.
    Called,
    /// At a counter or booth.
    Serving,
    Done,
    /// Did not come in when called.
    Left,
}

impl TicketStatus {
    pub const ALL: [TicketStatus; 5] =
        [TicketStatus::Waiting, TicketStatus::Called, TicketStatus::Serving, TicketStatus::Done, TicketStatus::Left];

    pub fn code(self) -> &'static str {
        match self {
            TicketStatus::Waiting => "waiting",
            TicketStatus::Called => "called",
            TicketStatus::Serving => "serving",
            TicketStatus::Done => "done",
            TicketStatus::Left => "left",
        }
    }

    pub fn parse(s: &str) -> Option<TicketStatus> {
        TicketStatus::ALL.into_iter().find(|t| t.code() == s)
    }

    /// Whether the holder is in the room (and counts against its capacity).
    pub fn inside(self) -> bool {
        matches!(self, TicketStatus::Called | TicketStatus::Serving)
    }
}

/// How many waiting people may be called in now: the room's capacity less everyone inside
/// (walk-ins called or being served, and participants of the sessions running now).
pub fn admissible(room_capacity: u16, inside: u32) -> u32 {
    u32::from(room_capacity).saturating_sub(inside)
}

/// Minutes until a ticket with `ahead` people before it is served, with `counters` serving
/// at once and `minutes_each` per person.
pub fn expected_wait(ahead: u32, counters: u32, minutes_each: u16) -> u32 {
    ahead.div_ceil(counters.max(1)) * u32::from(minutes_each)
}

/// The number as shown and called out: "A-007".
pub fn label(number: i64) -> String {
    format!("A-{number:03}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_room_is_never_overfilled() {
        assert_eq!(admissible(20, 0), 20);
        assert_eq!(admissible(20, 17), 3);
        assert_eq!(admissible(20, 25), 0, "already over: nobody more");
    }

    #[test]
    fn the_wait_grows_with_the_queue_and_shrinks_with_counters() {
        assert_eq!(expected_wait(0, 2, 20), 0);
        assert_eq!(expected_wait(1, 2, 20), 20);
        assert_eq!(expected_wait(4, 2, 20), 40);
        assert_eq!(expected_wait(5, 0, 15), 75, "no counter open counts as one");
        assert_eq!(label(7), "A-007");
        assert!(TicketStatus::Serving.inside() && !TicketStatus::Waiting.inside());
    }
}
