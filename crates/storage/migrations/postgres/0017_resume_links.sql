-- A draft keeps several resume links. Before, each time the participant came back through
-- the identity step a new link replaced the old one and was e-mailed: the link in the
-- earlier e-mail stopped working, a second phone lost its place, and anyone who knew the
-- four facts could have an e-mail sent at every try. Now each visit adds a link of its own,
-- and at most one e-mail goes per draft an hour (see `Store::add_resume_link`).
CREATE TABLE resume_links (
    -- SHA-256 of the link's secret (the secret itself is never stored).
    token_hash BYTEA PRIMARY KEY,
    claim_id   TEXT NOT NULL REFERENCES claims (id),
    created_at BIGINT NOT NULL,
    -- When the link was e-mailed; NULL: it went to a browser (cookie) or an app only.
    emailed_at BIGINT
);
CREATE INDEX resume_links_claim ON resume_links (claim_id, created_at);

-- Each draft's current link, counted as e-mailed (it usually was).
INSERT INTO resume_links (token_hash, claim_id, created_at, emailed_at)
    SELECT resume_token_hash, id, updated_at, updated_at FROM claims
    WHERE resume_token_hash IS NOT NULL AND channel <> 'collective';
UPDATE claims SET resume_token_hash = NULL WHERE channel <> 'collective';
-- What the column still holds: a collective claim's own link for its worker. Indexed only
-- where set: an individual claim's every update no longer adds an entry for its NULL.
ALTER TABLE claims RENAME COLUMN resume_token_hash TO worker_token_hash;
ALTER TABLE claims DROP CONSTRAINT claims_resume_token_hash_key;
CREATE UNIQUE INDEX claims_worker_token ON claims (worker_token_hash) WHERE worker_token_hash IS NOT NULL;
