-- Data centres (issue 7): the inventory of sites with their lifecycle and closure figures, and
-- the GHG conversion factors their carbon is computed with.

CREATE TABLE data_centres (
    id                      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id                  BIGINT NOT NULL REFERENCES organisations (id),
    name                    TEXT NOT NULL,
    postcode                TEXT,
    site_type               TEXT NOT NULL CHECK (site_type IN ('data-centre', 'server-room', 'comms-room', 'colocation', 'cloud')),
    ownership               TEXT NOT NULL CHECK (ownership IN ('owned', 'leased', 'colocation', 'cloud', 'shared-public')),
    tier                    BIGINT CHECK (tier IS NULL OR tier BETWEEN 1 AND 4),
    floor_area_m2           BIGINT CHECK (floor_area_m2 IS NULL OR floor_area_m2 >= 0),
    racks                   BIGINT CHECK (racks IS NULL OR racks >= 0),
    physical_servers        BIGINT NOT NULL CHECK (physical_servers >= 0),
    virtual_hosts           BIGINT NOT NULL CHECK (virtual_hosts >= 0),
    virtual_machines        BIGINT NOT NULL CHECK (virtual_machines >= 0),
    it_load_kw              TEXT,
    total_energy_kwh        BIGINT CHECK (total_energy_kwh IS NULL OR total_energy_kwh >= 0),
    total_energy_metering   TEXT CHECK (total_energy_metering IS NULL OR total_energy_metering IN ('metered', 'estimated')),
    it_energy_kwh           BIGINT CHECK (it_energy_kwh IS NULL OR it_energy_kwh >= 0),
    it_energy_metering      TEXT CHECK (it_energy_metering IS NULL OR it_energy_metering IN ('metered', 'estimated')),
    cost_power_pence        BIGINT NOT NULL DEFAULT 0,
    cost_accommodation_pence BIGINT NOT NULL DEFAULT 0,
    cost_maintenance_pence  BIGINT NOT NULL DEFAULT 0,
    cost_staff_pence        BIGINT NOT NULL DEFAULT 0,
    opened_date             TEXT CHECK (opened_date IS NULL OR length(opened_date) = 10),
    status                  TEXT NOT NULL DEFAULT 'operational' CHECK (status IN ('operational', 'closure-planned', 'migrating', 'closed')),
    target_date             TEXT CHECK (target_date IS NULL OR length(target_date) = 10),
    closed_date             TEXT CHECK (closed_date IS NULL OR length(closed_date) = 10),
    destination             TEXT CHECK (destination IS NULL OR destination IN ('same-body-site', 'shared-public', 'commercial-colocation', 'cloud')),
    destination_site_id     BIGINT REFERENCES data_centres (id),
    costs_moving_pence      BIGINT NOT NULL DEFAULT 0,
    migration_cost_pence    BIGINT NOT NULL DEFAULT 0,
    evidence                TEXT,
    row_version             BIGINT NOT NULL DEFAULT 1,
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL,
    updated_by              BIGINT REFERENCES users (id),
    CHECK (it_energy_kwh IS NULL OR total_energy_kwh IS NULL OR it_energy_kwh <= total_energy_kwh),
    CHECK (closed_date IS NULL OR opened_date IS NULL OR closed_date >= opened_date)
);
CREATE INDEX data_centres_org ON data_centres (org_id, status);

-- UK Government GHG conversion factors for UK electricity, kgCO2e per kWh, by calendar year.
CREATE TABLE ghg_factors (
    year        BIGINT PRIMARY KEY,
    kg_per_kwh  TEXT NOT NULL,
    verified    BIGINT NOT NULL CHECK (verified IN (0, 1))
);
