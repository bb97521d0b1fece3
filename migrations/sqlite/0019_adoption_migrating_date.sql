-- The date an adoption started migrating (issue 15): it was dropped, so the order of an
-- adoption's dates ignored it. Adoptions already migrating or beyond have none recorded.
ALTER TABLE adoptions ADD COLUMN migrating_date TEXT CHECK (migrating_date IS NULL OR length(migrating_date) = 10);
