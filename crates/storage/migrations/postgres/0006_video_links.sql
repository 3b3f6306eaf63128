-- A video appointment's personal link: its secret's SHA-256. The link opens the session's
-- room for this seat only (with a Jitsi token when one is configured).
ALTER TABLE appointments ADD COLUMN video_token_hash BYTEA;
CREATE UNIQUE INDEX appointments_video_token ON appointments (video_token_hash) WHERE video_token_hash IS NOT NULL;
