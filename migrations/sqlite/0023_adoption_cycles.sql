-- An adoption can be abandoned before it is live, and a service taken up again after an exit
-- (issue 15). Each take-up is its own row, kept as history when it ends: the one-row-per-body-
-- and-service rule becomes "at most one adoption in progress" (exited and abandoned ones are
-- history), and the stage may be 'abandoned', dated, with its reason. SQLite cannot change a
-- table's constraints, so the table is rebuilt (ids kept) with its data-version triggers.
CREATE TABLE adoptions_cycles (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id            BIGINT NOT NULL REFERENCES organisations (id),
    service_code      TEXT NOT NULL REFERENCES shared_services (code),
    stage             TEXT NOT NULL CHECK (stage IN ('considering', 'contracted', 'migrating', 'live', 'exited', 'abandoned')),
    contracted_date   TEXT CHECK (contracted_date IS NULL OR length(contracted_date) = 10),
    live_date         TEXT CHECK (live_date IS NULL OR length(live_date) = 10),
    exited_date       TEXT CHECK (exited_date IS NULL OR length(exited_date) = 10),
    cost_before_pence BIGINT NOT NULL CHECK (cost_before_pence >= 0),
    cost_after_pence  BIGINT NOT NULL CHECK (cost_after_pence >= 0),
    one_off_pence     BIGINT NOT NULL CHECK (one_off_pence >= 0),
    sites             BIGINT CHECK (sites IS NULL OR sites >= 0),
    users             BIGINT CHECK (users IS NULL OR users >= 0),
    class             TEXT NOT NULL CHECK (class IN ('cash-releasing', 'non-cash', 'cost-avoidance')),
    row_version       BIGINT NOT NULL DEFAULT 1,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    updated_by        BIGINT REFERENCES users (id),
    migrating_date    TEXT CHECK (migrating_date IS NULL OR length(migrating_date) = 10),
    abandoned_date    TEXT CHECK (abandoned_date IS NULL OR length(abandoned_date) = 10),
    abandoned_reason  TEXT
);
INSERT INTO adoptions_cycles (id, org_id, service_code, stage, contracted_date, live_date,
                              exited_date, cost_before_pence, cost_after_pence, one_off_pence,
                              sites, users, class, row_version, created_at, updated_at,
                              updated_by, migrating_date)
SELECT id, org_id, service_code, stage, contracted_date, live_date, exited_date,
       cost_before_pence, cost_after_pence, one_off_pence, sites, users, class, row_version,
       created_at, updated_at, updated_by, migrating_date
  FROM adoptions;
DROP TABLE adoptions;
ALTER TABLE adoptions_cycles RENAME TO adoptions;
CREATE UNIQUE INDEX adoptions_in_progress ON adoptions (org_id, service_code)
    WHERE stage NOT IN ('exited', 'abandoned');
CREATE INDEX adoptions_org_service ON adoptions (org_id, service_code, id);
CREATE TRIGGER data_version_adoptions_insert AFTER INSERT ON adoptions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_adoptions_update AFTER UPDATE ON adoptions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_adoptions_delete AFTER DELETE ON adoptions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
