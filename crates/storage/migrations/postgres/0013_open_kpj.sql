-- At most one open claim per KPJ (Draft counts: a participant resumes it), kept by a column
-- of its own: the KPJ while the claim is open, NULL once it is paid, rejected or cancelled.
-- The unique index on the KPJ used to carry the state in its condition; now only the
-- changes that open or close a claim touch the column (on SQLite, where an update leaves
-- alone the indexes whose columns it does not change, a scheduling pass no longer takes an
-- entry out and puts it back per claim). The check keeps the column and the state from ever
-- disagreeing.
ALTER TABLE claims ADD COLUMN open_kpj TEXT;
UPDATE claims SET open_kpj = kpj WHERE state NOT IN ('paid', 'rejected', 'cancelled');
ALTER TABLE claims ADD CONSTRAINT claims_open_kpj_follows_state
    CHECK (open_kpj IS NOT DISTINCT FROM (CASE WHEN state IN ('paid', 'rejected', 'cancelled') THEN NULL ELSE kpj END));
DROP INDEX claims_one_open_per_kpj;
CREATE UNIQUE INDEX claims_open_kpj ON claims (open_kpj) WHERE open_kpj IS NOT NULL;
