-- Appointment notices (outbox kind 'notice') are turned into messages by the relay; this
-- finds the ones still waiting without reading the rest of the outbox.
CREATE INDEX outbox_notices ON outbox (id) WHERE kind = 'notice' AND delivered_at IS NULL;
