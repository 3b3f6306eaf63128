-- Devices a branch admin made the branch's walk-in kiosk. Only such a device gives tickets:
-- the kiosk page is public, and numbers taken for nobody would be called before real
-- people. The device keeps a secret in a cookie; the table keeps its hash.
CREATE TABLE kiosks (
    token_hash  BYTEA PRIMARY KEY,
    branch_code TEXT NOT NULL REFERENCES branches (code),
    -- The staff account that enrolled the device.
    enrolled_by TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX kiosks_branch ON kiosks (branch_code);
