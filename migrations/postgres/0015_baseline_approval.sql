-- Baseline approval (issue 14, ADR 0010 rule 8): an officer proposes a baseline or a
-- restatement; the programme office approves it or returns it with a reason; only approved
-- versions count. Every version recorded before this rule counted, so it migrates as approved,
-- with an audit row saying so.
ALTER TABLE baselines ADD COLUMN status TEXT NOT NULL DEFAULT 'approved'
    CHECK (status IN ('proposed', 'approved', 'returned'));
ALTER TABLE baselines ADD COLUMN decided_at BIGINT;
ALTER TABLE baselines ADD COLUMN decided_by BIGINT REFERENCES users (id);
ALTER TABLE baselines ADD COLUMN decision_reason TEXT;
UPDATE baselines SET decided_at = created_at;
INSERT INTO audit_log (at, action, entity_type, entity_id, after_json, client_addr)
SELECT b.created_at, 'baseline_approved_on_migration', 'baseline',
       o.code || '/v' || CAST(b.version AS TEXT),
       '{"status":"approved","reason":"recorded before baselines needed approval (migration 0015)"}',
       'migration'
  FROM baselines b JOIN organisations o ON o.id = b.org_id;
