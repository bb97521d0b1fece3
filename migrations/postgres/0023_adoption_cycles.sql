-- An adoption can be abandoned before it is live, and a service taken up again after an exit
-- (issue 15). Each take-up is its own row, kept as history when it ends: the one-row-per-body-
-- and-service rule becomes "at most one adoption in progress" (exited and abandoned ones are
-- history), and the stage may be 'abandoned', dated, with its reason.
ALTER TABLE adoptions DROP CONSTRAINT adoptions_org_id_service_code_key;
ALTER TABLE adoptions DROP CONSTRAINT adoptions_stage_check;
ALTER TABLE adoptions ADD CONSTRAINT adoptions_stage_check
    CHECK (stage IN ('considering', 'contracted', 'migrating', 'live', 'exited', 'abandoned'));
ALTER TABLE adoptions ADD COLUMN abandoned_date TEXT
    CHECK (abandoned_date IS NULL OR length(abandoned_date) = 10);
ALTER TABLE adoptions ADD COLUMN abandoned_reason TEXT;
CREATE UNIQUE INDEX adoptions_in_progress ON adoptions (org_id, service_code)
    WHERE stage NOT IN ('exited', 'abandoned');
CREATE INDEX adoptions_org_service ON adoptions (org_id, service_code, id);
