-- Failed guesses, counted where every Lapak process on this database sees them: identity
-- checks per person and tracking per claim number. Each process also keeps its own limits
-- in memory, but behind a load balancer those multiply by the number of processes; these
-- counts do not (see `Store::add_failed_guess`).
CREATE TABLE guesses (
    -- A keyed hash of what was guessed at (a NIK, a claim number), never the value itself.
    key          BYTEA PRIMARY KEY,
    -- The start of the window the failures were counted in (microseconds, UTC).
    window_start BIGINT NOT NULL,
    failures     INTEGER NOT NULL
);
CREATE INDEX guesses_window ON guesses (window_start);
