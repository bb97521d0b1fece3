-- Shared services (issue 7): the catalogue the programme office manages, and each body's
-- adoption of a service with its stage, dates, costs before and after, and what it counts.
CREATE TABLE shared_services (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL,
    source      TEXT NOT NULL,
    updated_at  BIGINT,
    updated_by  BIGINT REFERENCES users (id)
);

CREATE TABLE adoptions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id            BIGINT NOT NULL REFERENCES organisations (id),
    service_code      TEXT NOT NULL REFERENCES shared_services (code),
    stage             TEXT NOT NULL CHECK (stage IN ('considering', 'contracted', 'migrating', 'live', 'exited')),
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
    UNIQUE (org_id, service_code)
);
