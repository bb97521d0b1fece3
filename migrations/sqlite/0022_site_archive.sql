-- A site entered in error is archived, not deleted (issue 15): it leaves every list, count,
-- figure and export, and the body's sites page lists it as archived with the reason given.
ALTER TABLE data_centres ADD COLUMN archived_at BIGINT;
ALTER TABLE data_centres ADD COLUMN archived_reason TEXT;
