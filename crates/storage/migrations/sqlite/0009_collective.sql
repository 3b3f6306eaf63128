-- The collective channel: a company's representative (PIC), appointed by a power of attorney
-- that branch staff confirm; the batches of laid-off workers the PIC files, each upload of
-- the worker list kept as a version; claims filed through a batch.

CREATE TABLE representatives (
    id              TEXT PRIMARY KEY,
    npp             TEXT NOT NULL REFERENCES companies (npp),
    name_sealed     BLOB NOT NULL,
    email_sealed    BLOB NOT NULL,
    phone_sealed    BLOB,
    -- The sign-in name (the e-mail, lower case) and the password the PIC chose (Argon2id).
    username        TEXT NOT NULL,
    password_hash   TEXT NOT NULL,
    -- Object keys of the power of attorney and the PIC's signed statement (encrypted files).
    attorney_key    TEXT NOT NULL,
    statement_key   TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'refused')),
    decided_by      TEXT,
    decided_at      INTEGER,
    -- The account made on confirmation.
    staff_id        TEXT REFERENCES staff (id),
    created_at      INTEGER NOT NULL
);
CREATE INDEX representatives_npp ON representatives (npp);
CREATE UNIQUE INDEX representatives_staff ON representatives (staff_id) WHERE staff_id IS NOT NULL;

CREATE TABLE collective_batches (
    id               TEXT PRIMARY KEY,
    npp              TEXT NOT NULL REFERENCES companies (npp),
    created_by       TEXT NOT NULL REFERENCES staff (id),
    created_at       INTEGER NOT NULL,
    -- The mass termination letter (PDF), an encrypted object.
    letter_key       TEXT,
    -- Set once, by the submission: which version was filed, when, for how many workers.
    submitted_version INTEGER,
    submitted_at     INTEGER,
    workers          INTEGER NOT NULL DEFAULT 0,
    -- The collective session the PIC attends for all the batch's workers.
    session_id       TEXT REFERENCES sessions (id),
    seat             INTEGER
);
CREATE INDEX collective_batches_npp ON collective_batches (npp);
-- One batch per seat of a collective session, whoever books.
CREATE UNIQUE INDEX collective_batches_one_per_seat ON collective_batches (session_id, seat) WHERE session_id IS NOT NULL;

-- Every upload of the worker list: what was found, row by row. The rows themselves hold
-- personal data and are sealed; the problems name only line, column and reason.
CREATE TABLE collective_versions (
    batch_id      TEXT NOT NULL REFERENCES collective_batches (id),
    version       INTEGER NOT NULL,
    file_name     TEXT NOT NULL,
    uploaded_at   INTEGER NOT NULL,
    rows_total    INTEGER NOT NULL,
    rows_valid    INTEGER NOT NULL,
    problems      TEXT NOT NULL,
    workers_sealed BLOB NOT NULL,
    PRIMARY KEY (batch_id, version)
);

ALTER TABLE claims ADD COLUMN channel TEXT NOT NULL DEFAULT 'individual';
ALTER TABLE claims ADD COLUMN batch_id TEXT REFERENCES collective_batches (id);
CREATE INDEX claims_batch ON claims (batch_id) WHERE batch_id IS NOT NULL;
