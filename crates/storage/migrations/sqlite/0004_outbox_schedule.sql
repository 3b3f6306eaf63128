-- Messages that wait for their time (a reminder the day before) and that a later change
-- makes moot (the appointment moved): what they are about and what for.
ALTER TABLE outbox ADD COLUMN subject TEXT;
ALTER TABLE outbox ADD COLUMN purpose TEXT;
CREATE INDEX outbox_pending_subject ON outbox (subject) WHERE delivered_at IS NULL;
