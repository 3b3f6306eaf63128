-- The auditor's search finds a person's or an object's entries in the whole trail through
-- these (the newest first), rather than by reading every entry: the trail grows by
-- millions of entries a year. A search for part of a name reads the newest entries only
-- (see `Store::search_audit`).
CREATE INDEX audit_log_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
