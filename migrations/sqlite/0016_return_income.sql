-- Income on a return (issue 14, ADR 0010 rule 6): what the body's ICT brought in during the year,
-- recorded in its own line and never netted from spend (income is not a saving, DOMAIN.md §6).
-- No row: not reported. One row per return version; a restatement copies it like the lines.
CREATE TABLE spend_return_income (
    return_id     BIGINT PRIMARY KEY REFERENCES spend_returns (id) ON DELETE CASCADE,
    capital_pence BIGINT NOT NULL CHECK (capital_pence >= 0),
    revenue_pence BIGINT NOT NULL CHECK (revenue_pence >= 0),
    note          TEXT
);
-- The return pages read it: it moves the data version like the lines (ADR 0009).
CREATE TRIGGER data_version_spend_return_income_insert AFTER INSERT ON spend_return_income
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_return_income_update AFTER UPDATE ON spend_return_income
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_return_income_delete AFTER DELETE ON spend_return_income
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
