-- A claim that needs a seat: set at submission, cleared by a booking, set again when its
-- appointment is lost (no-show, officer absent, moved). The scheduler reads only these.
ALTER TABLE claims ADD COLUMN needs_appointment INTEGER NOT NULL DEFAULT 0;
UPDATE claims SET needs_appointment = 1 WHERE state = 'submitted';
CREATE INDEX claims_needing_appointment ON claims (submitted_at) WHERE needs_appointment;
CREATE INDEX appointments_claim ON appointments (claim_id);
CREATE INDEX sessions_officer ON sessions (branch_code, officer, starts_at);
