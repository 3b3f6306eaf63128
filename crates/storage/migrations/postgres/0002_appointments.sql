-- Appointments (verification interviews): each branch's capacity as its admin set it,
-- the sessions planned from it, and the seat each claim holds.

-- The capacity setting (JSON of lapak_domain::schedule::Capacity), checked before saving.
CREATE TABLE branch_capacity (
    branch_code TEXT PRIMARY KEY REFERENCES branches (code),
    config      TEXT NOT NULL,
    updated_at  BIGINT NOT NULL
);

-- One officer, one mode, one slot. The id is deterministic (branch-officer-day-time), so
-- two processes planning the same day write the same rows.
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    officer     TEXT NOT NULL,
    mode        TEXT NOT NULL,
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    seats       INTEGER NOT NULL CHECK (seats BETWEEN 1 AND 6),
    -- The video room's name: random, so a room cannot be guessed from the schedule.
    room        TEXT NOT NULL UNIQUE
);
CREATE INDEX sessions_start ON sessions (starts_at);

CREATE TABLE appointments (
    id          BIGSERIAL PRIMARY KEY,
    claim_id    TEXT NOT NULL REFERENCES claims (id),
    session_id  TEXT NOT NULL REFERENCES sessions (id),
    seat        INTEGER NOT NULL CHECK (seat >= 1),
    status      TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
-- The database itself refuses a double booking: one booked claim per seat, one booked seat
-- per claim, whoever writes.
CREATE UNIQUE INDEX appointments_one_per_seat ON appointments (session_id, seat) WHERE status = 'booked';
CREATE UNIQUE INDEX appointments_one_per_claim ON appointments (claim_id) WHERE status = 'booked';

-- How the participant asked to be served (lapak_domain::schedule::Mode), copied from the
-- answers at submission; "anywhere": any branch's officers may take the video call.
ALTER TABLE claims ADD COLUMN service_mode TEXT;
ALTER TABLE claims ADD COLUMN service_anywhere BOOLEAN NOT NULL DEFAULT FALSE;
