-- Spend returns (issue 4): one per organisation, financial year and version, with a line per
-- spend category. A restatement of an approved return is a new version; the approved one is
-- kept unchanged. `row_version` is the optimistic lock: a save names the version it edited.
-- `period` makes room for quarterly figures later ('year' only today).
CREATE TABLE spend_returns (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id             BIGINT NOT NULL REFERENCES organisations (id),
    fy_start           BIGINT NOT NULL CHECK (fy_start BETWEEN 1990 AND 2098),
    version            BIGINT NOT NULL CHECK (version >= 1),
    status             TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'approved')),
    row_version        BIGINT NOT NULL DEFAULT 1,
    returned_reason    TEXT,
    created_at         BIGINT NOT NULL,
    updated_at         BIGINT NOT NULL,
    updated_by         BIGINT REFERENCES users (id),
    UNIQUE (org_id, fy_start, version)
);
CREATE INDEX spend_returns_year ON spend_returns (fy_start, org_id);

CREATE TABLE spend_return_lines (
    return_id      BIGINT NOT NULL REFERENCES spend_returns (id) ON DELETE CASCADE,
    period         TEXT NOT NULL DEFAULT 'year' CHECK (period IN ('year', 'q1', 'q2', 'q3', 'q4')),
    category       TEXT NOT NULL,
    capital_pence  BIGINT NOT NULL,
    revenue_pence  BIGINT NOT NULL,
    fte_hundredths BIGINT,
    note           TEXT,
    PRIMARY KEY (return_id, period, category)
);
