-- The savings read model summed by sector (issue 8): the national and sector figures of the
-- dashboard and the savings summary read these few thousand rows instead of every body's facts
-- (half a million at ten times Scotland's size). Kept in the same transaction as
-- savings_facts: each body's refresh takes its old facts out and puts its new ones in;
-- `facts` counts the facts behind a row, and a row whose count falls to zero is deleted, so
-- the table always equals savings_facts grouped by sector (a test checks this). Rebuilt whole
-- by `refresh-savings` and `seed`.
CREATE TABLE savings_sector_facts (
    sector_code  TEXT NOT NULL,
    fy_start     BIGINT NOT NULL,
    category     TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('baseline', 'actual')),
    prices_fy    BIGINT NOT NULL,
    amount_pence BIGINT NOT NULL,
    facts        BIGINT NOT NULL,
    PRIMARY KEY (sector_code, fy_start, category, role, prices_fy)
);

INSERT INTO savings_sector_facts
       (sector_code, fy_start, category, role, prices_fy, amount_pence, facts)
SELECT o.sector_code, f.fy_start, f.category, f.role, f.prices_fy,
       CAST(SUM(f.amount_pence) AS BIGINT), COUNT(*)
  FROM savings_facts f JOIN organisations o ON o.id = f.org_id
 GROUP BY o.sector_code, f.fy_start, f.category, f.role, f.prices_fy;
