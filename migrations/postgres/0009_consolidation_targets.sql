-- Consolidation targets (issue 7): the most sites the programme aims for, for all bodies or one
-- sector ('' = all sectors) and all site types or one ('' = all types), by financial year. The
-- target for a year between two points lies on the straight line between them.
CREATE TABLE consolidation_targets (
    sector_code TEXT NOT NULL DEFAULT '',
    site_type   TEXT NOT NULL DEFAULT '',
    fy_start    BIGINT NOT NULL CHECK (fy_start BETWEEN 2000 AND 2100),
    max_sites   BIGINT NOT NULL CHECK (max_sites >= 0),
    note        TEXT NOT NULL,
    updated_at  BIGINT,
    updated_by  BIGINT REFERENCES users (id),
    PRIMARY KEY (sector_code, site_type, fy_start)
);
