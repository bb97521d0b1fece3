-- The data version (issue 8): one number that every change to the data the pages compute from
-- moves on, in the same transaction as the change, so that every server instance can keep what
-- it computed (the dashboards) for as long as the number stands still, and check it with one
-- cheap query per request. Triggers move it, so no write path can forget to.
--
-- Tracked: every table the dashboards, savings, estate and returns pages read. Not tracked:
-- sessions, login throttling, the audit log, import uploads, board packs, open-data
-- publications (no page computes from them) and the savings read model (savings_facts,
-- savings_body_years: derived, and rewritten only in the transaction of a tracked change).
-- A new table is tracked unless it is added to the test's list of untracked tables
-- (tests/tests/data_version.rs), which fails otherwise.

CREATE TABLE data_version (
    id      BIGINT PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 1);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER data_version_sectors AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON sectors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_organisations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_organisation_successions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisation_successions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_reference_baselines AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON reference_baselines
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_users AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_user_organisations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON user_organisations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_spend_returns AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spend_returns
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_spend_return_lines AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON spend_return_lines
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_return_deadlines AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON return_deadlines
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_return_explanations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON return_explanations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_baselines AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON baselines
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_baseline_lines AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON baseline_lines
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_gdp_deflators AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON gdp_deflators
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_trajectory_targets AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON trajectory_targets
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_savings_settings AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON savings_settings
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_target_explanations AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_explanations
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_initiatives AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON initiatives
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_data_centres AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON data_centres
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_ghg_factors AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ghg_factors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_shared_services AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON shared_services
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_adoptions AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON adoptions
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE TRIGGER data_version_consolidation_targets AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON consolidation_targets
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
