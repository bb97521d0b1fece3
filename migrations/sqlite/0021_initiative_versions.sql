-- Initiatives are corrected, never overwritten (issue 15): an officer edits or withdraws their
-- body's initiative and the programme office regrades one, each with a reason, and every version
-- is kept. `initiatives` holds the current version (a withdrawn one is not counted by the savings
-- engine); `initiative_versions` holds them all, from the one first recorded. Versions are only
-- written in the transaction that changes `initiatives`, whose data-version trigger covers both.
ALTER TABLE initiatives ADD COLUMN version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE initiatives ADD COLUMN withdrawn_at BIGINT;

CREATE TABLE initiative_versions (
    initiative_id   BIGINT NOT NULL REFERENCES initiatives (id),
    version         BIGINT NOT NULL CHECK (version >= 1),
    change          TEXT NOT NULL CHECK (change IN ('recorded', 'edited', 'regraded', 'withdrawn', 'ended')),
    reason          TEXT,
    title           TEXT NOT NULL,
    class           TEXT NOT NULL,
    evidence        TEXT NOT NULL,
    recurring_pence BIGINT NOT NULL,
    one_off_pence   BIGINT NOT NULL,
    first_fy        BIGINT NOT NULL,
    last_fy         BIGINT,
    service_code    TEXT,
    party           TEXT NOT NULL,
    counterparty_id BIGINT,
    quality_note    TEXT NOT NULL,
    withdrawn       BIGINT NOT NULL CHECK (withdrawn IN (0, 1)),
    changed_at      BIGINT NOT NULL,
    changed_by      BIGINT REFERENCES users (id),
    PRIMARY KEY (initiative_id, version)
);

INSERT INTO initiative_versions (initiative_id, version, change, reason, title, class, evidence,
                                 recurring_pence, one_off_pence, first_fy, last_fy, service_code,
                                 party, counterparty_id, quality_note, withdrawn, changed_at,
                                 changed_by)
SELECT id, 1, 'recorded', NULL, title, class, evidence, recurring_pence, one_off_pence, first_fy,
       last_fy, service_code, party, counterparty_id, quality_note, 0, created_at, updated_by
  FROM initiatives;
