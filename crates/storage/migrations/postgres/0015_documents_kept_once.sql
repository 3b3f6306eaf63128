-- A page is kept once per document of a claim: the same file sent again (an app retrying an
-- upload whose answer it lost, a double click) finds the page already there. Copies kept
-- before this are byte for byte the first one (same digest), so only the first is kept;
-- the copies' files are left in the document store, unreferenced.
DELETE FROM documents WHERE EXISTS (
    SELECT 1 FROM documents first
    WHERE first.claim_id = documents.claim_id AND first.kind = documents.kind AND first.sha256 = documents.sha256
      AND (first.created_at < documents.created_at OR (first.created_at = documents.created_at AND first.id < documents.id))
);
CREATE UNIQUE INDEX documents_kept_once ON documents (claim_id, kind, sha256);
-- Its first column finds a claim's documents.
DROP INDEX documents_claim;
