-- One request waits for the branch's confirmation per e-mail address: the same form sent
-- again (a double click while two letters upload, a reload that posts it again) finds the
-- request already made. Requests made twice before this are one request: the later copies
-- are marked refused, and their letters are left for the document sweep.
UPDATE representatives SET status = 'refused' WHERE status = 'pending' AND EXISTS (
    SELECT 1 FROM representatives first
    WHERE first.username = representatives.username AND first.status = 'pending'
      AND (first.created_at < representatives.created_at
           OR (first.created_at = representatives.created_at AND first.id < representatives.id))
);
CREATE UNIQUE INDEX representatives_pending_once ON representatives (username) WHERE status = 'pending';
