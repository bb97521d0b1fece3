//! Queries on the data-centre inventory and the GHG conversion factors.

use super::DbError;
use crate::domain::estate::site::{Destination, Energy, Metering, RunningCosts, Site, SiteStatus};
use crate::domain::estate::{Ownership, SiteType};
use crate::domain::Money;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::AnyConnection;

const COLUMNS: &str = "d.id, d.org_id, o.code, o.name, o.sector_code, d.name, d.postcode, d.site_type, d.ownership,
    d.tier, d.floor_area_m2, d.racks, d.physical_servers, d.virtual_hosts, d.virtual_machines, d.it_load_kw,
    d.total_energy_kwh, d.total_energy_metering, d.it_energy_kwh, d.it_energy_metering,
    d.cost_power_pence, d.cost_accommodation_pence, d.cost_maintenance_pence, d.cost_staff_pence,
    d.opened_date, d.status, d.target_date, d.closed_date, d.destination, d.destination_site_id,
    d.costs_moving_pence, d.migration_cost_pence, d.evidence, d.row_version";

/// A stored site with its lifecycle.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRecord {
    pub id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub sector_code: String,
    pub site: Site,
    pub status: SiteStatus,
    pub target_date: Option<NaiveDate>,
    pub closed_date: Option<NaiveDate>,
    pub destination: Option<Destination>,
    pub destination_site_id: Option<i64>,
    pub costs_moving: Money,
    pub migration_cost: Money,
    pub evidence: Option<String>,
    pub row_version: i64,
}

fn date(text: Option<String>) -> Result<Option<NaiveDate>, DbError> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map_err(|_| DbError::Corrupt(format!("date {t:?}")))
    })
    .transpose()
}

fn iso(d: Option<NaiveDate>) -> Option<String> {
    d.map(|d| d.format("%Y-%m-%d").to_string())
}

fn energy(kwh: Option<i64>, metering: Option<String>) -> Result<Option<Energy>, DbError> {
    match (kwh, metering) {
        (Some(kwh), Some(m)) => Ok(Some(Energy {
            kwh,
            metering: Metering::parse(&m)?,
        })),
        _ => Ok(None),
    }
}

fn record(row: &sqlx::any::AnyRow) -> Result<SiteRecord, DbError> {
    use sqlx::Row;
    let it_load: Option<String> = row.try_get(15)?;
    Ok(SiteRecord {
        id: row.try_get(0)?,
        org_id: row.try_get(1)?,
        org_code: row.try_get(2)?,
        org_name: row.try_get(3)?,
        sector_code: row.try_get(4)?,
        site: Site {
            name: row.try_get(5)?,
            postcode: row.try_get(6)?,
            site_type: SiteType::parse(&row.try_get::<String, _>(7)?)?,
            ownership: Ownership::parse(&row.try_get::<String, _>(8)?)?,
            tier: row.try_get(9)?,
            floor_area_m2: row.try_get(10)?,
            racks: row.try_get(11)?,
            physical_servers: row.try_get(12)?,
            virtual_hosts: row.try_get(13)?,
            virtual_machines: row.try_get(14)?,
            it_load_kw: it_load
                .map(|t| {
                    t.parse::<Decimal>()
                        .map_err(|_| DbError::Corrupt(format!("it_load_kw {t:?}")))
                })
                .transpose()?,
            total_energy: energy(row.try_get(16)?, row.try_get(17)?)?,
            it_energy: energy(row.try_get(18)?, row.try_get(19)?)?,
            costs: RunningCosts {
                power: Money::from_pence(row.try_get(20)?),
                accommodation: Money::from_pence(row.try_get(21)?),
                maintenance: Money::from_pence(row.try_get(22)?),
                staff: Money::from_pence(row.try_get(23)?),
            },
            opened: date(row.try_get(24)?)?,
        },
        status: SiteStatus::parse(&row.try_get::<String, _>(25)?)?,
        target_date: date(row.try_get(26)?)?,
        closed_date: date(row.try_get(27)?)?,
        destination: row
            .try_get::<Option<String>, _>(28)?
            .map(|d| Destination::parse(&d))
            .transpose()?,
        destination_site_id: row.try_get(29)?,
        costs_moving: Money::from_pence(row.try_get(30)?),
        migration_cost: Money::from_pence(row.try_get(31)?),
        evidence: row.try_get(32)?,
        row_version: row.try_get(33)?,
    })
}

/// Sites that are not archived, optionally of one body or one sector, by body and name.
pub async fn sites(
    conn: &mut AnyConnection,
    org: Option<i64>,
    sector: Option<&str>,
) -> Result<Vec<SiteRecord>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM data_centres d JOIN organisations o ON o.id = d.org_id
          WHERE ($1 = 0 OR d.org_id = $2) AND ($3 = '' OR o.sector_code = $3)
            AND d.archived_at IS NULL
          ORDER BY o.name, d.name, d.id"
    );
    let rows = sqlx::query(&sql)
        .bind(i64::from(org.is_some()))
        .bind(org.unwrap_or(0))
        .bind(sector.unwrap_or(""))
        .fetch_all(conn)
        .await?;
    rows.iter().map(record).collect()
}

/// A site that is not archived.
pub async fn site(conn: &mut AnyConnection, id: i64) -> Result<Option<SiteRecord>, DbError> {
    let sql = format!(
        "SELECT {COLUMNS} FROM data_centres d JOIN organisations o ON o.id = d.org_id
          WHERE d.id = $1 AND d.archived_at IS NULL"
    );
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(record).transpose()
}

/// Inserts a site (operational); its id.
pub async fn insert_site(
    conn: &mut AnyConnection,
    org: i64,
    site: &Site,
    now: i64,
    user: i64,
) -> Result<i64, DbError> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO data_centres (org_id, name, site_type, ownership, physical_servers, virtual_hosts,
                                   virtual_machines, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, 0, 0, 0, $5, $5, $6) RETURNING id",
    )
    .bind(org)
    .bind(&site.name)
    .bind(site.site_type.code())
    .bind(site.ownership.code())
    .bind(now)
    .bind(user)
    .fetch_one(&mut *conn)
    .await?;
    update_site(conn, id, 1, site, now, user).await?;
    Ok(id)
}

/// Replaces a site's inventory figures if nobody changed it since `row_version`.
pub async fn update_site(
    conn: &mut AnyConnection,
    id: i64,
    row_version: i64,
    s: &Site,
    now: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE data_centres SET name = $3, postcode = $4, site_type = $5, ownership = $6, tier = $7,
                floor_area_m2 = $8, racks = $9, physical_servers = $10, virtual_hosts = $11,
                virtual_machines = $12, it_load_kw = $13, total_energy_kwh = $14,
                total_energy_metering = $15, it_energy_kwh = $16, it_energy_metering = $17,
                cost_power_pence = $18, cost_accommodation_pence = $19, cost_maintenance_pence = $20,
                cost_staff_pence = $21, opened_date = $22, updated_at = $23, updated_by = $24,
                row_version = row_version + 1
          WHERE id = $1 AND row_version = $2",
    )
    .bind(id)
    .bind(row_version)
    .bind(&s.name)
    .bind(s.postcode.as_deref())
    .bind(s.site_type.code())
    .bind(s.ownership.code())
    .bind(s.tier)
    .bind(s.floor_area_m2)
    .bind(s.racks)
    .bind(s.physical_servers)
    .bind(s.virtual_hosts)
    .bind(s.virtual_machines)
    .bind(s.it_load_kw.map(|k| k.to_string()))
    .bind(s.total_energy.map(|e| e.kwh))
    .bind(s.total_energy.map(|e| e.metering.code()))
    .bind(s.it_energy.map(|e| e.kwh))
    .bind(s.it_energy.map(|e| e.metering.code()))
    .bind(s.costs.power.pence())
    .bind(s.costs.accommodation.pence())
    .bind(s.costs.maintenance.pence())
    .bind(s.costs.staff.pence())
    .bind(iso(s.opened))
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A lifecycle step to store.
pub struct Lifecycle<'a> {
    pub status: SiteStatus,
    pub target_date: Option<NaiveDate>,
    pub closed_date: Option<NaiveDate>,
    pub destination: Option<Destination>,
    pub destination_site_id: Option<i64>,
    pub costs_moving: Money,
    pub migration_cost: Money,
    pub evidence: Option<&'a str>,
}

/// Moves a site along its lifecycle if nobody changed it since `row_version`.
pub async fn set_lifecycle(
    conn: &mut AnyConnection,
    id: i64,
    row_version: i64,
    l: &Lifecycle<'_>,
    now: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE data_centres SET status = $3, target_date = $4, closed_date = $5, destination = $6,
                destination_site_id = $7, costs_moving_pence = $8, migration_cost_pence = $9,
                evidence = $10, updated_at = $11, updated_by = $12, row_version = row_version + 1
          WHERE id = $1 AND row_version = $2",
    )
    .bind(id)
    .bind(row_version)
    .bind(l.status.code())
    .bind(iso(l.target_date))
    .bind(iso(l.closed_date))
    .bind(l.destination.map(|d| d.code()))
    .bind(l.destination_site_id)
    .bind(l.costs_moving.pence())
    .bind(l.migration_cost.pence())
    .bind(l.evidence)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn upsert_ghg_factor(
    conn: &mut AnyConnection,
    year: i32,
    factor: Decimal,
    verified: bool,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO ghg_factors (year, kg_per_kwh, verified) VALUES ($1, $2, $3)
         ON CONFLICT (year) DO UPDATE SET kg_per_kwh = excluded.kg_per_kwh, verified = excluded.verified",
    )
    .bind(i64::from(year))
    .bind(factor.to_string())
    .bind(i64::from(verified))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn ghg_factors(
    conn: &mut AnyConnection,
) -> Result<crate::domain::estate::CarbonFactors, DbError> {
    let rows: Vec<(i64, String, i64)> =
        sqlx::query_as("SELECT year, kg_per_kwh, verified FROM ghg_factors ORDER BY year")
            .fetch_all(conn)
            .await?;
    let verified = !rows.is_empty() && rows.iter().all(|r| r.2 == 1);
    let values = rows
        .into_iter()
        .map(|(year, value, _)| {
            let year =
                i32::try_from(year).map_err(|_| DbError::Corrupt(format!("GHG year {year}")))?;
            let value = value
                .parse::<Decimal>()
                .map_err(|_| DbError::Corrupt(format!("GHG factor {value:?}")))?;
            Ok((year, value))
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    Ok(crate::domain::estate::CarbonFactors::new(values, verified))
}

/// A consolidation target point: sector ('' all), site type ('' all), year start, most sites,
/// note.
pub type TargetRow = (String, String, i64, i64, String);

/// Every consolidation target point, by scope and year.
pub async fn consolidation_targets(conn: &mut AnyConnection) -> Result<Vec<TargetRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT sector_code, site_type, fy_start, max_sites, note FROM consolidation_targets
          ORDER BY sector_code, site_type, fy_start",
    )
    .fetch_all(conn)
    .await?)
}

/// Adds a target point from the fixtures unless the programme office has set that point.
pub async fn insert_target_if_absent(
    conn: &mut AnyConnection,
    t: &TargetRow,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO consolidation_targets (sector_code, site_type, fy_start, max_sites, note)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (sector_code, site_type, fy_start) DO NOTHING",
    )
    .bind(&t.0)
    .bind(&t.1)
    .bind(t.2)
    .bind(t.3)
    .bind(&t.4)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets a target point (the programme office).
pub async fn set_target(
    conn: &mut AnyConnection,
    t: &TargetRow,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO consolidation_targets (sector_code, site_type, fy_start, max_sites, note, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (sector_code, site_type, fy_start)
         DO UPDATE SET max_sites = excluded.max_sites, note = excluded.note,
                       updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(&t.0)
    .bind(&t.1)
    .bind(t.2)
    .bind(t.3)
    .bind(&t.4)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes a target point; false if there was none.
pub async fn delete_target(
    conn: &mut AnyConnection,
    sector: &str,
    site_type: &str,
    fy_start: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "DELETE FROM consolidation_targets WHERE sector_code = $1 AND site_type = $2 AND fy_start = $3",
    )
    .bind(sector)
    .bind(site_type)
    .bind(fy_start)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How many sites' names end with `suffix` (the demo data's marker).
pub async fn count_named_ending(conn: &mut AnyConnection, suffix: &str) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM data_centres WHERE name LIKE $1 ESCAPE '\\'",
    )
    .bind(format!("%{}", super::like_escape(suffix)))
    .fetch_one(conn)
    .await?)
}

/// Archives a site entered in error if nobody changed it since `row_version` and it is neither
/// closed nor archived already; returns whether it did.
pub async fn archive_site(
    conn: &mut AnyConnection,
    id: i64,
    row_version: i64,
    reason: &str,
    now: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE data_centres SET archived_at = $3, archived_reason = $4, updated_at = $3,
                updated_by = $5, row_version = row_version + 1
          WHERE id = $1 AND row_version = $2 AND archived_at IS NULL AND status <> 'closed'",
    )
    .bind(id)
    .bind(row_version)
    .bind(now)
    .bind(reason)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A body's archived sites: id, name, when and why, newest first.
pub async fn archived_sites(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Vec<(i64, String, i64, String)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, name, archived_at, COALESCE(archived_reason, '') FROM data_centres
          WHERE org_id = $1 AND archived_at IS NOT NULL ORDER BY archived_at DESC, id DESC",
    )
    .bind(org)
    .fetch_all(conn)
    .await?)
}

/// How many sites (of any body) name `id` as the destination of their closure.
pub async fn destination_of(conn: &mut AnyConnection, id: i64) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM data_centres
          WHERE destination_site_id = $1 AND archived_at IS NULL",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}
