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

CREATE TRIGGER data_version_sectors_insert AFTER INSERT ON sectors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_sectors_update AFTER UPDATE ON sectors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_sectors_delete AFTER DELETE ON sectors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisations_insert AFTER INSERT ON organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisations_update AFTER UPDATE ON organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisations_delete AFTER DELETE ON organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisation_successions_insert AFTER INSERT ON organisation_successions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisation_successions_update AFTER UPDATE ON organisation_successions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_organisation_successions_delete AFTER DELETE ON organisation_successions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_reference_baselines_insert AFTER INSERT ON reference_baselines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_reference_baselines_update AFTER UPDATE ON reference_baselines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_reference_baselines_delete AFTER DELETE ON reference_baselines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_users_insert AFTER INSERT ON users
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_users_update AFTER UPDATE ON users
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_users_delete AFTER DELETE ON users
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_user_organisations_insert AFTER INSERT ON user_organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_user_organisations_update AFTER UPDATE ON user_organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_user_organisations_delete AFTER DELETE ON user_organisations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_returns_insert AFTER INSERT ON spend_returns
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_returns_update AFTER UPDATE ON spend_returns
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_returns_delete AFTER DELETE ON spend_returns
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_return_lines_insert AFTER INSERT ON spend_return_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_return_lines_update AFTER UPDATE ON spend_return_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_spend_return_lines_delete AFTER DELETE ON spend_return_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_return_deadlines_insert AFTER INSERT ON return_deadlines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_return_deadlines_update AFTER UPDATE ON return_deadlines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_return_deadlines_delete AFTER DELETE ON return_deadlines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_return_explanations_insert AFTER INSERT ON return_explanations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_return_explanations_update AFTER UPDATE ON return_explanations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_return_explanations_delete AFTER DELETE ON return_explanations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_baselines_insert AFTER INSERT ON baselines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_baselines_update AFTER UPDATE ON baselines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_baselines_delete AFTER DELETE ON baselines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_baseline_lines_insert AFTER INSERT ON baseline_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_baseline_lines_update AFTER UPDATE ON baseline_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_baseline_lines_delete AFTER DELETE ON baseline_lines
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_gdp_deflators_insert AFTER INSERT ON gdp_deflators
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_gdp_deflators_update AFTER UPDATE ON gdp_deflators
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_gdp_deflators_delete AFTER DELETE ON gdp_deflators
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_trajectory_targets_insert AFTER INSERT ON trajectory_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_trajectory_targets_update AFTER UPDATE ON trajectory_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_trajectory_targets_delete AFTER DELETE ON trajectory_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_savings_settings_insert AFTER INSERT ON savings_settings
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_savings_settings_update AFTER UPDATE ON savings_settings
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_savings_settings_delete AFTER DELETE ON savings_settings
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_target_explanations_insert AFTER INSERT ON target_explanations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_target_explanations_update AFTER UPDATE ON target_explanations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_target_explanations_delete AFTER DELETE ON target_explanations
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_initiatives_insert AFTER INSERT ON initiatives
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_initiatives_update AFTER UPDATE ON initiatives
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_initiatives_delete AFTER DELETE ON initiatives
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_data_centres_insert AFTER INSERT ON data_centres
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_data_centres_update AFTER UPDATE ON data_centres
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_data_centres_delete AFTER DELETE ON data_centres
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_ghg_factors_insert AFTER INSERT ON ghg_factors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_ghg_factors_update AFTER UPDATE ON ghg_factors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_ghg_factors_delete AFTER DELETE ON ghg_factors
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_shared_services_insert AFTER INSERT ON shared_services
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_shared_services_update AFTER UPDATE ON shared_services
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_shared_services_delete AFTER DELETE ON shared_services
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_adoptions_insert AFTER INSERT ON adoptions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_adoptions_update AFTER UPDATE ON adoptions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_adoptions_delete AFTER DELETE ON adoptions
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_consolidation_targets_insert AFTER INSERT ON consolidation_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_consolidation_targets_update AFTER UPDATE ON consolidation_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER data_version_consolidation_targets_delete AFTER DELETE ON consolidation_targets
BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END;
