-- Reference data: sectors, public bodies, their mergers, and the McClelland baselines.
-- Dates are ISO-8601 text (YYYY-MM-DD); money is whole pence in 64-bit integers.
CREATE TABLE sectors (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    sort_order  BIGINT NOT NULL
);

CREATE TABLE organisations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    code        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    sector_code TEXT NOT NULL REFERENCES sectors (code),
    kind        TEXT NOT NULL,
    start_date  TEXT CHECK (start_date IS NULL OR length(start_date) = 10),
    end_date    TEXT CHECK (end_date IS NULL OR length(end_date) = 10),
    notes       TEXT,
    CHECK (start_date IS NULL OR end_date IS NULL OR start_date <= end_date)
);
CREATE INDEX organisations_sector ON organisations (sector_code, name);

CREATE TABLE organisation_successions (
    predecessor_id BIGINT NOT NULL REFERENCES organisations (id),
    successor_id   BIGINT NOT NULL REFERENCES organisations (id),
    effective_date TEXT NOT NULL CHECK (length(effective_date) = 10),
    kind           TEXT NOT NULL CHECK (kind IN ('merger', 'split', 'transfer', 'rename')),
    PRIMARY KEY (predecessor_id, successor_id),
    CHECK (predecessor_id <> successor_id)
);
CREATE INDEX organisation_successions_successor ON organisation_successions (successor_id);

CREATE TABLE reference_baselines (
    dataset      TEXT NOT NULL,
    scope        TEXT NOT NULL CHECK (scope IN ('national', 'cost-group', 'sector')),
    key          TEXT NOT NULL,
    label        TEXT NOT NULL,
    fy_start     BIGINT NOT NULL,
    amount_pence BIGINT NOT NULL,
    qualifier    TEXT NOT NULL,
    source       TEXT NOT NULL,
    sort_order   BIGINT NOT NULL,
    PRIMARY KEY (dataset, scope, key)
);
