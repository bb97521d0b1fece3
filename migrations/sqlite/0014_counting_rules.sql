-- The counting rules (issue 14, ADR 0010): a body-year that does not count keeps its reason in
-- the read model — outside the body's life, no baseline, an incomplete inherited baseline, or a
-- return that leaves out categories in which the baseline has an amount (their codes in
-- `missing`, comma-separated) — so pages can say what each total covers.
ALTER TABLE savings_body_years ADD COLUMN not_counted TEXT
    CHECK (not_counted IS NULL OR not_counted IN
           ('outside-life', 'no-baseline', 'incomplete-baseline', 'incomplete-return'));
ALTER TABLE savings_body_years ADD COLUMN missing TEXT;
UPDATE savings_body_years SET not_counted = 'no-baseline' WHERE counted = 0;

-- Where each succession comes from (a citation: an Act, an order, the body's own history).
ALTER TABLE organisation_successions ADD COLUMN source TEXT;
