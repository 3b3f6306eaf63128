-- Lapak schema, PostgreSQL flavour. Keep in step with ../sqlite/0001_init.sql.
-- Timestamps are UTC microseconds since the Unix epoch; dates are ISO 'YYYY-MM-DD' text,
-- so that both engines store and compare them alike.
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
    booths        BIGINT NOT NULL CHECK (booths >= 0),
    room_capacity BIGINT NOT NULL CHECK (room_capacity >= 0),
    fingerprint   BYTEA NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE companies (
    npp         TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    scale       TEXT NOT NULL CHECK (scale IN ('kecil', 'menengah', 'besar')),
    workforce   BIGINT NOT NULL CHECK (workforce >= 0),
    branch_code TEXT NOT NULL REFERENCES branches (code),
    fingerprint BYTEA NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX companies_branch ON companies (branch_code);

CREATE TABLE members (
    kpj                 TEXT PRIMARY KEY,
    nik_index           BYTEA NOT NULL,
    nik_sealed          BYTEA NOT NULL,
    full_name_sealed    BYTEA NOT NULL,
    birth_date          TEXT NOT NULL,
    sex                 TEXT NOT NULL CHECK (sex IN ('L', 'P')),
    mother_name_sealed  BYTEA NOT NULL,
    npp                 TEXT REFERENCES companies (npp),
    membership_start    TEXT NOT NULL,
    stopped_working_on  TEXT,
    jht_balance         BIGINT NOT NULL CHECK (jht_balance >= 0),
    email_sealed        BYTEA,
    phone_sealed        BYTEA,
    fingerprint         BYTEA NOT NULL,
    updated_at          BIGINT NOT NULL
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
    gross                BIGINT,
    tax                  BIGINT,
    bank_code            TEXT,
    bank_account_sealed  BYTEA,
    email_sealed         BYTEA,
    phone_sealed         BYTEA,
    npwp_sealed          BYTEA,
    heirs_sealed         BYTEA,
    -- The participant's answers while filling in (sealed JSON), and the resume link's hash.
    application_sealed   BYTEA,
    resume_token_hash    BYTEA UNIQUE,
    submitted_at         BIGINT,
    version              BIGINT NOT NULL DEFAULT 0,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL
);
CREATE INDEX claims_kpj ON claims (kpj);
CREATE INDEX claims_state ON claims (state);
CREATE UNIQUE INDEX claims_one_open_per_kpj ON claims (kpj)
    WHERE state NOT IN ('paid', 'rejected', 'cancelled');

-- Idempotency-Key of API submissions: the same key and body give the same claim.
CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request_hash BYTEA NOT NULL,
    claim_id     TEXT NOT NULL REFERENCES claims (id),
    created_at   BIGINT NOT NULL
);

CREATE TABLE claim_events (
    id         BIGSERIAL PRIMARY KEY,
    claim_id   TEXT NOT NULL REFERENCES claims (id),
    at         BIGINT NOT NULL,
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
    size_bytes   BIGINT NOT NULL,
    sha256       BYTEA NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX documents_claim ON documents (claim_id);

CREATE TABLE outbox (
    id              BIGSERIAL PRIMARY KEY,
    dedupe_key      TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    payload_sealed  BYTEA NOT NULL,
    created_at      BIGINT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT,
    delivered_at    BIGINT,
    last_error      TEXT
);
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

CREATE TABLE audit_log (
    seq        BIGINT PRIMARY KEY,
    at         BIGINT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_id   TEXT NOT NULL,
    action     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    detail     TEXT NOT NULL,
    prev_hash  BYTEA NOT NULL,
    hash       BYTEA NOT NULL
);
CREATE TABLE audit_head (
    id   BIGINT PRIMARY KEY CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash BYTEA NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'));
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
