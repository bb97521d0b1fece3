-- The savings engine (issue 6): baselines per body (versioned), GDP deflators, the national
-- trajectory and its settings, target explanations, initiatives, and the read model the
-- savings pages query (refreshed in the same transaction as the change that affects it).

-- A split passes each successor a share of the predecessor's baseline (parts per million).
ALTER TABLE organisation_successions ADD COLUMN share_ppm BIGINT
    CHECK (share_ppm IS NULL OR share_ppm BETWEEN 0 AND 1000000);

-- One version of a body's own baseline; a restatement is a new version with its reason.
CREATE TABLE baselines (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES organisations (id),
    version     BIGINT NOT NULL CHECK (version >= 1),
    fy_start    BIGINT NOT NULL CHECK (fy_start BETWEEN 1990 AND 2098),
    reason      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  BIGINT REFERENCES users (id),
    UNIQUE (org_id, version)
);

CREATE TABLE baseline_lines (
    baseline_id  BIGINT NOT NULL REFERENCES baselines (id) ON DELETE CASCADE,
    category     TEXT NOT NULL,
    amount_pence BIGINT NOT NULL,
    PRIMARY KEY (baseline_id, category)
);

-- HM Treasury GDP deflators at market prices; index values as decimal text.
CREATE TABLE gdp_deflators (
    fy_start    BIGINT PRIMARY KEY CHECK (fy_start BETWEEN 1990 AND 2098),
    index_value TEXT NOT NULL,
    release     TEXT NOT NULL,
    verified    BIGINT NOT NULL CHECK (verified IN (0, 1))
);

-- National annual savings targets by profile (editable by an admin).
CREATE TABLE trajectory_targets (
    profile      TEXT NOT NULL,
    fy_start     BIGINT NOT NULL CHECK (fy_start BETWEEN 1990 AND 2098),
    amount_pence BIGINT NOT NULL CHECK (amount_pence >= 0),
    source       TEXT NOT NULL,
    updated_at   BIGINT,
    updated_by   BIGINT REFERENCES users (id),
    PRIMARY KEY (profile, fy_start)
);

-- Settings of the engine: the profile targets are measured against, the apportionment method.
CREATE TABLE savings_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  BIGINT,
    updated_by  BIGINT REFERENCES users (id)
);

-- A body's explanation of a missed target for a year (its history is in the audit log).
CREATE TABLE target_explanations (
    org_id      BIGINT NOT NULL REFERENCES organisations (id),
    fy_start    BIGINT NOT NULL CHECK (fy_start BETWEEN 1990 AND 2098),
    explanation TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    PRIMARY KEY (org_id, fy_start)
);

-- Initiative-based savings: shared-service adoptions, data-centre closures, others.
CREATE TABLE initiatives (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id          BIGINT NOT NULL REFERENCES organisations (id),
    kind            TEXT NOT NULL CHECK (kind IN ('shared-service', 'data-centre', 'other')),
    title           TEXT NOT NULL,
    class           TEXT NOT NULL CHECK (class IN ('cash-releasing', 'non-cash', 'cost-avoidance')),
    evidence        TEXT NOT NULL CHECK (evidence IN ('sufficient', 'partial', 'insufficient')),
    recurring_pence BIGINT NOT NULL,
    one_off_pence   BIGINT NOT NULL CHECK (one_off_pence >= 0),
    first_fy        BIGINT NOT NULL CHECK (first_fy BETWEEN 1990 AND 2098),
    last_fy         BIGINT CHECK (last_fy IS NULL OR last_fy >= first_fy),
    service_code    TEXT,
    party           TEXT NOT NULL CHECK (party IN ('own', 'provider', 'consumer')),
    counterparty_id BIGINT REFERENCES organisations (id),
    quality_note    TEXT NOT NULL,
    source_ref      TEXT,
    row_version     BIGINT NOT NULL DEFAULT 1,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    updated_by      BIGINT REFERENCES users (id)
);
CREATE INDEX initiatives_org ON initiatives (org_id, first_fy);

-- Read model: which return counts for each body-year, and whether it has a baseline.
CREATE TABLE savings_body_years (
    org_id         BIGINT NOT NULL REFERENCES organisations (id),
    fy_start       BIGINT NOT NULL,
    return_id      BIGINT NOT NULL REFERENCES spend_returns (id),
    return_version BIGINT NOT NULL,
    provisional    BIGINT NOT NULL CHECK (provisional IN (0, 1)),
    counted        BIGINT NOT NULL CHECK (counted IN (0, 1)),
    baseline_pence BIGINT NOT NULL,
    actual_pence   BIGINT NOT NULL,
    PRIMARY KEY (org_id, fy_start)
);
CREATE INDEX savings_body_years_year ON savings_body_years (fy_start, org_id);

-- Read model: the facts of every counted body-year (amounts at one year's prices).
CREATE TABLE savings_facts (
    org_id       BIGINT NOT NULL REFERENCES organisations (id),
    fy_start     BIGINT NOT NULL,
    category     TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('baseline', 'actual')),
    prices_fy    BIGINT NOT NULL,
    amount_pence BIGINT NOT NULL,
    PRIMARY KEY (org_id, fy_start, category, role, prices_fy)
);
CREATE INDEX savings_facts_year ON savings_facts (fy_start, category);
