-- Spend returns, continued (issue 4): deadlines per financial year, set by the programme office,
-- and the explanations officers give for warnings (a line far from last year's), which the
-- board reads. An explanation belongs to one version of a return.
CREATE TABLE return_deadlines (
    fy_start  BIGINT PRIMARY KEY CHECK (fy_start BETWEEN 1990 AND 2098),
    due_date  TEXT NOT NULL CHECK (length(due_date) = 10),
    set_by    BIGINT REFERENCES users (id),
    set_at    BIGINT NOT NULL
);

CREATE TABLE return_explanations (
    return_id   BIGINT NOT NULL REFERENCES spend_returns (id) ON DELETE CASCADE,
    category    TEXT NOT NULL,
    explanation TEXT NOT NULL,
    PRIMARY KEY (return_id, category)
);

CREATE INDEX spend_returns_org ON spend_returns (org_id, fy_start, version);
