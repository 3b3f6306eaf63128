-- The only list of claims by state is a branch's claims waiting for approval. An index on
-- state alone served it by reading every verified claim of every branch, and took an entry
-- out and put one in on every change of state (a scheduling pass moves every claim it
-- books). This one holds the verified claims only, in the list's order.
DROP INDEX claims_state;
CREATE INDEX claims_for_approval ON claims (branch_code, updated_at, id) WHERE state = 'verified';
