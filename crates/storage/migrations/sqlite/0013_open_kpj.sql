-- At most one open claim per KPJ (Draft counts: a participant resumes it), kept by a column
-- of its own: the KPJ while the claim is open, NULL once it is paid, rejected or cancelled.
-- The unique index on the KPJ used to carry the state in its condition, so every change of
-- state took its entry out and put it back (a scheduling pass moves every claim it books);
-- now only the changes that open or close a claim touch it. SQLite cannot add a check to a
-- table that has rows; PostgreSQL's copy of this migration has the check that keeps the
-- column and the state in step, and the suite runs the same statements on both.
ALTER TABLE claims ADD COLUMN open_kpj TEXT;
UPDATE claims SET open_kpj = kpj WHERE state NOT IN ('paid', 'rejected', 'cancelled');
DROP INDEX claims_one_open_per_kpj;
CREATE UNIQUE INDEX claims_open_kpj ON claims (open_kpj) WHERE open_kpj IS NOT NULL;
