-- Staff accounts: a password (Argon2id, PHC string) and a TOTP second factor required for
-- everyone; lockout after failed attempts; sessions kept by the hash of their cookie.
CREATE TABLE staff (
    id                 TEXT PRIMARY KEY,
    username           TEXT NOT NULL UNIQUE,
    display_name       TEXT NOT NULL,
    role               TEXT NOT NULL,
    branch_code        TEXT REFERENCES branches (code),
    password_hash      TEXT NOT NULL,
    totp_secret_sealed BYTEA,
    totp_enabled       BOOLEAN NOT NULL DEFAULT FALSE,
    -- The last 30-second step a code was accepted for: a code is good once.
    totp_last_step     BIGINT NOT NULL DEFAULT 0,
    -- SHA-256 (hex, comma separated) of the recovery codes not used yet.
    recovery_hashes    TEXT NOT NULL DEFAULT '',
    failed_logins      INTEGER NOT NULL DEFAULT 0,
    locked_until       BIGINT,
    disabled           BOOLEAN NOT NULL DEFAULT FALSE,
    created_at         BIGINT NOT NULL
);

CREATE TABLE staff_sessions (
    id_hash    BYTEA PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    -- 'password': the second factor is still to come; 'full': signed in.
    stage      TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
