-- Lapak schema, SQLite flavour. Keep in step with ../postgres/0001_init.sql.
-- Timestamps are UTC microseconds since the Unix epoch; dates are ISO 'YYYY-MM-DD' text.
-- Columns ending in _sealed hold AES-256-GCM ciphertext; _index columns hold HMAC blind indexes.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE branches (
    code          TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('kanwil', 'kc', 'kcp')),
    province_code TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    mode          TEXT NOT NULL CHECK (mode IN ('one_to_many', 'one_to_one')),
    booths        INTEGER NOT NULL CHECK (booths >= 0),
    room_capacity INTEGER NOT NULL CHECK (room_capacity >= 0),
    fingerprint   BLOB NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE companies (
    npp         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    scale       TEXT NOT NULL CHECK (scale IN ('kecil', 'menengah', 'besar')),
    workforce   INTEGER NOT NULL CHECK (workforce >= 0),
    branch_code TEXT NOT NULL REFERENCES branches (code),
    fingerprint BLOB NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX companies_branch ON companies (branch_code);

CREATE TABLE members (
    kpj                 TEXT PRIMARY KEY,
    nik_index           BLOB NOT NULL,
    nik_sealed          BLOB NOT NULL,
    full_name_sealed    BLOB NOT NULL,
    birth_date          TEXT NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    mother_name_sealed  BLOB NOT NULL,
    npp                 TEXT REFERENCES companies (npp),
    membership_start    TEXT NOT NULL,
    stopped_working_on  TEXT,
    jht_balance         INTEGER NOT NULL CHECK (jht_balance >= 0),
    email_sealed        BLOB,
    phone_sealed        BLOB,
    fingerprint         BLOB NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE INDEX members_nik ON members (nik_index);
CREATE INDEX members_npp ON members (npp);

CREATE TABLE claims (
    id                   TEXT PRIMARY KEY,
    claim_number         TEXT UNIQUE,
    kpj                  TEXT NOT NULL REFERENCES members (kpj),
    cause                TEXT,
    state                TEXT NOT NULL,
    verified_by          TEXT,
    branch_code          TEXT REFERENCES branches (code),
    last_working_day     TEXT,
    gross                INTEGER,
    tax                  INTEGER,
    bank_code            TEXT,
    bank_account_sealed  BLOB,
    email_sealed         BLOB,
    phone_sealed         BLOB,
    npwp_sealed          BLOB,
    heirs_sealed         BLOB,
    -- The participant's answers while filling in (sealed JSON), and the resume link's hash.
    application_sealed   BLOB,
    resume_token_hash    BLOB UNIQUE,
    submitted_at         INTEGER,
    version              INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX claims_kpj ON claims (kpj);
CREATE INDEX claims_state ON claims (state);
-- At most one open claim per KPJ (Draft counts: a participant resumes it).
CREATE UNIQUE INDEX claims_one_open_per_kpj ON claims (kpj)
    WHERE state NOT IN ('paid', 'rejected', 'cancelled');

-- Idempotency-Key of API submissions: the same key and body give the same claim.
CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request_hash BLOB NOT NULL,
    claim_id     TEXT NOT NULL REFERENCES claims (id),
    created_at   INTEGER NOT NULL
);

CREATE TABLE claim_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    claim_id   TEXT NOT NULL REFERENCES claims (id),
    at         INTEGER NOT NULL,
    actor_role TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state   TEXT NOT NULL,
    reason     TEXT
);
CREATE INDEX claim_events_claim ON claim_events (claim_id, id);

CREATE TABLE documents (
    id           TEXT PRIMARY KEY,
    claim_id     TEXT NOT NULL REFERENCES claims (id),
    kind         TEXT NOT NULL,
    object_key   TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    sha256       BLOB NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX documents_claim ON documents (claim_id);

CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    payload_sealed  BLOB NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_until     INTEGER,
    delivered_at    INTEGER,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

-- Append-only: each row carries the hash of the previous one, and triggers refuse changes.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_role TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BLOB NOT NULL,
    hash       BLOB NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, X'0000000000000000000000000000000000000000000000000000000000000000');
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
