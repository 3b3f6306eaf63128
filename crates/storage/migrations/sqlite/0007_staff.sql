-- Staff accounts: a password (Argon2id, PHC string) and a TOTP second factor required for
-- everyone; lockout after failed attempts; sessions kept by the hash of their cookie.
CREATE TABLE staff (
    id                 TEXT PRIMARY KEY,
    username           TEXT NOT NULL UNIQUE,
    display_name       TEXT NOT NULL,
    role               TEXT NOT NULL,
    branch_code        TEXT REFERENCES branches (code),
    password_hash      TEXT NOT NULL,
    totp_secret_sealed BLOB,
    totp_enabled       INTEGER NOT NULL DEFAULT 0,
    -- The last 30-second step a code was accepted for: a code is good once.
    totp_last_step     INTEGER NOT NULL DEFAULT 0,
    -- SHA-256 (hex, comma separated) of the recovery codes not used yet.
    recovery_hashes    TEXT NOT NULL DEFAULT '',
    failed_logins      INTEGER NOT NULL DEFAULT 0,
    locked_until       INTEGER,
    disabled           INTEGER NOT NULL DEFAULT 0,
    created_at         INTEGER NOT NULL
);

CREATE TABLE staff_sessions (
    id_hash    BLOB PRIMARY KEY,
    staff_id   TEXT NOT NULL REFERENCES staff (id),
    -- 'password': the second factor is still to come; 'full': signed in.
    stage      TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);
