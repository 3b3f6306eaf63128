-- Walk-ins (the offline channel): a numbered ticket per person per branch and day, called
-- in while the waiting room has space under distancing rules.
CREATE TABLE tickets (
    id           TEXT PRIMARY KEY,
    branch_code  TEXT NOT NULL REFERENCES branches (code),
    day          TEXT NOT NULL,
    number       BIGINT NOT NULL,
    -- The ticket page's secret (SHA-256); the page shows the number and the wait.
    token_hash   BYTEA NOT NULL UNIQUE,
    phone_sealed BYTEA,
    status       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    called_at    BIGINT,
    UNIQUE (branch_code, day, number)
);
CREATE INDEX tickets_queue ON tickets (branch_code, day, status, number);
