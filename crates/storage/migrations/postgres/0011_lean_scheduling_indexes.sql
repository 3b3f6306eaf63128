-- Booking a seat writes an appointment notice per claim, and a scheduling pass writes tens
-- of thousands of them at once; every index they enter is work in that transaction.
-- Notices are never leased for delivery (the relay turns them into messages) nor superseded
-- (only reminders are), so the indexes for those leave them out.
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL AND kind <> 'notice';
DROP INDEX outbox_pending_subject;
CREATE INDEX outbox_pending_reminders ON outbox (subject) WHERE delivered_at IS NULL AND purpose = 'reminder';

-- Appointments are found by claim through the one booked seat per claim
-- (appointments_one_per_claim); the only other lookup by claim is the last missed one.
DROP INDEX appointments_claim;
CREATE INDEX appointments_missed ON appointments (claim_id) WHERE status = 'no_show';
-- A session's seats served or missed, next to its booked ones (appointments_one_per_seat):
-- an officer's day and a session's booths read them by session. Without it, each session
-- on an officer's page read every appointment.
CREATE INDEX appointments_done ON appointments (session_id, seat) WHERE status IN ('served', 'no_show');

-- The scheduler reads the waiting line a page at a time, oldest first, from this index
-- alone (SQLite counts the predicate's column as read, so it is in the index too).
DROP INDEX claims_needing_appointment;
CREATE INDEX claims_waiting
    ON claims (submitted_at, id, state, claim_number, branch_code, service_mode, service_anywhere, needs_appointment)
    WHERE needs_appointment;
