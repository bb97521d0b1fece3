//! Queries of the savings engine: deflators, trajectory, settings, baselines, successions,
//! counted returns, target explanations and the read model (`savings_facts`,
//! `savings_body_years`).

use super::DbError;
use crate::domain::savings::{FactRole, FactSum, RecordedBaseline, Share, Succession};
use crate::domain::{FinancialYear, Money, OrgId, ReturnStatus, SpendCategory};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use std::collections::BTreeMap;

fn year(start: i64) -> Result<FinancialYear, DbError> {
    i32::try_from(start)
        .ok()
        .and_then(|y| FinancialYear::starting(y).ok())
        .ok_or_else(|| DbError::Corrupt(format!("financial year starting {start}")))
}

fn fy_start(year: FinancialYear) -> i64 {
    i64::from(year.start_year())
}

/// `$from, $from+1, …` for an `IN (…)` list of `count` values.
fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

// ---- deflators, trajectory, settings ----

pub async fn upsert_deflator(
    conn: &mut AnyConnection,
    year: FinancialYear,
    index: Decimal,
    release: &str,
    verified: bool,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO gdp_deflators (fy_start, index_value, release, verified) VALUES ($1, $2, $3, $4)
         ON CONFLICT (fy_start) DO UPDATE SET index_value = excluded.index_value,
             release = excluded.release, verified = excluded.verified",
    )
    .bind(fy_start(year))
    .bind(index.to_string())
    .bind(release)
    .bind(i64::from(verified))
    .execute(conn)
    .await?;
    Ok(())
}

/// A deflator as stored: year, index, release, verified.
pub type DeflatorRow = (FinancialYear, Decimal, String, bool);

pub async fn deflators(conn: &mut AnyConnection) -> Result<Vec<DeflatorRow>, DbError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT fy_start, index_value, release, verified FROM gdp_deflators ORDER BY fy_start",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(y, index, release, verified)| {
            let index: Decimal = index
                .parse()
                .map_err(|_| DbError::Corrupt(format!("deflator index {index:?}")))?;
            Ok((year(y)?, index, release, verified == 1))
        })
        .collect()
}

pub async fn insert_target_if_absent(
    conn: &mut AnyConnection,
    profile: &str,
    year: FinancialYear,
    amount: Money,
    source: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO trajectory_targets (profile, fy_start, amount_pence, source) VALUES ($1, $2, $3, $4)
         ON CONFLICT (profile, fy_start) DO NOTHING",
    )
    .bind(profile)
    .bind(fy_start(year))
    .bind(amount.pence())
    .bind(source)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets a year's national target of a profile (an admin's edit).
pub async fn set_target(
    conn: &mut AnyConnection,
    profile: &str,
    year: FinancialYear,
    amount: Money,
    source: &str,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO trajectory_targets (profile, fy_start, amount_pence, source, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (profile, fy_start) DO UPDATE SET amount_pence = excluded.amount_pence,
             source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(profile)
    .bind(fy_start(year))
    .bind(amount.pence())
    .bind(source)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// A trajectory row: profile, year, amount, source.
pub type TargetRow = (String, FinancialYear, Money, String);

pub async fn trajectory(conn: &mut AnyConnection) -> Result<Vec<TargetRow>, DbError> {
    let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT profile, fy_start, amount_pence, source FROM trajectory_targets
          ORDER BY profile, fy_start",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(p, y, pence, source)| Ok((p, year(y)?, Money::from_pence(pence), source)))
        .collect()
}

pub async fn insert_setting_if_absent(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO savings_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_setting(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO savings_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn setting(conn: &mut AnyConnection, key: &str) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM savings_settings WHERE key = $1")
            .bind(key)
            .fetch_optional(conn)
            .await?,
    )
}

// ---- organisations and successions ----

/// A body as the engine needs it: id, code, name, sector code, start and end dates.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct BodyRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub sector_code: String,
    pub start_date: Option<String>,
    pub end_date: Option<String>,
}

impl BodyRow {
    /// The body's life, from its stored dates.
    pub fn lifetime(&self) -> crate::domain::Lifetime {
        crate::domain::Lifetime::from_iso(self.start_date.as_deref(), self.end_date.as_deref())
    }

    /// Whether the body answers for the year: it existed on 1 April (ADR 0010, rule 2).
    pub fn exists_in(&self, year: FinancialYear) -> bool {
        self.lifetime().answers_for(year)
    }
}

pub async fn bodies(conn: &mut AnyConnection) -> Result<Vec<BodyRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, code, name, sector_code, start_date, end_date FROM organisations ORDER BY id",
    )
    .fetch_all(conn)
    .await?)
}

/// Whether `seed --demo`'s synthetic baselines are in the database (every page then says so).
pub async fn demo_data_loaded(conn: &mut AnyConnection) -> Result<bool, DbError> {
    let n: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM baselines WHERE reason = $1")
            .bind(crate::services::demo::DEMO_REASON)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

pub async fn body(conn: &mut AnyConnection, code: &str) -> Result<Option<BodyRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, code, name, sector_code, start_date, end_date FROM organisations WHERE code = $1",
    )
    .bind(code)
    .fetch_optional(conn)
    .await?)
}

pub async fn successions(conn: &mut AnyConnection) -> Result<Vec<Succession>, DbError> {
    let rows: Vec<(i64, i64, String, Option<i64>)> = sqlx::query_as(
        "SELECT predecessor_id, successor_id, effective_date, share_ppm FROM organisation_successions
          ORDER BY predecessor_id, successor_id",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(p, s, date, share)| {
            Ok(Succession {
                predecessor: OrgId(p),
                successor: OrgId(s),
                effective: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                    .map_err(|_| DbError::Corrupt(format!("succession date {date:?}")))?,
                share: share
                    .map(|ppm| {
                        u32::try_from(ppm)
                            .ok()
                            .and_then(Share::from_ppm)
                            .ok_or_else(|| DbError::Corrupt(format!("succession share {ppm}")))
                    })
                    .transpose()?,
            })
        })
        .collect()
}

// ---- baselines ----

/// One stored baseline version with who recorded it and why.
#[derive(Clone, Debug)]
pub struct BaselineVersionRow {
    pub id: i64,
    pub org_id: i64,
    pub version: i64,
    pub year: FinancialYear,
    pub reason: String,
    pub created_at: i64,
    pub created_by: Option<String>,
    pub amounts: BTreeMap<SpendCategory, Money>,
    /// "proposed", "approved" or "returned" (ADR 0010, rule 8): only approved versions count.
    pub status: String,
    pub decision_reason: Option<String>,
}

impl BaselineVersionRow {
    pub fn recorded(&self) -> RecordedBaseline {
        RecordedBaseline {
            org: OrgId(self.org_id),
            year: self.year,
            version: self.version,
            amounts: self.amounts.clone(),
        }
    }
}

type VersionTuple = (
    i64,
    i64,
    i64,
    i64,
    String,
    i64,
    Option<String>,
    Option<String>,
    Option<i64>,
    String,
    Option<String>,
);

/// Baseline versions with their lines, in one query (a version's lines are adjacent rows).
async fn versions_where(
    conn: &mut AnyConnection,
    condition: &str,
    orgs: &[i64],
) -> Result<Vec<BaselineVersionRow>, DbError> {
    let sql = format!(
        "SELECT b.id, b.org_id, b.version, b.fy_start, b.reason, b.created_at, u.email,
                l.category, l.amount_pence, b.status, b.decision_reason
           FROM baselines b LEFT JOIN users u ON u.id = b.created_by
                LEFT JOIN baseline_lines l ON l.baseline_id = b.id
          WHERE {condition} ORDER BY b.org_id, b.version, l.category"
    );
    let mut query = sqlx::query_as::<_, VersionTuple>(&sql);
    for org in orgs {
        query = query.bind(*org);
    }
    let rows = query.fetch_all(&mut *conn).await?;
    let mut out: Vec<BaselineVersionRow> = Vec::new();
    for (id, org_id, version, fy, reason, created_at, created_by, category, pence, status, why) in
        rows
    {
        if out.last().is_none_or(|v| v.id != id) {
            out.push(BaselineVersionRow {
                id,
                org_id,
                version,
                year: year(fy)?,
                reason,
                created_at,
                created_by,
                amounts: BTreeMap::new(),
                status,
                decision_reason: why,
            });
        }
        if let (Some(category), Some(pence), Some(current)) = (category, pence, out.last_mut()) {
            current
                .amounts
                .insert(category.parse::<SpendCategory>()?, Money::from_pence(pence));
        }
    }
    Ok(out)
}

/// Every version of one body's baseline, oldest first.
pub async fn baseline_versions(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Vec<BaselineVersionRow>, DbError> {
    versions_where(conn, "b.org_id = $1", &[org]).await
}

/// The latest baseline version of each of `orgs` (of every body, for `None`).
pub async fn latest_baselines(
    conn: &mut AnyConnection,
    orgs: Option<&[i64]>,
) -> Result<Vec<RecordedBaseline>, DbError> {
    // Only approved versions count (ADR 0010, rule 8): the latest approved one.
    const LATEST: &str = "b.status = 'approved' AND b.version = (SELECT MAX(l2.version)
        FROM baselines l2 WHERE l2.org_id = b.org_id AND l2.status = 'approved')";
    let (condition, binds) = match orgs {
        Some([]) => return Ok(Vec::new()),
        Some(orgs) => (
            format!("b.org_id IN ({}) AND {LATEST}", placeholders(1, orgs.len())),
            orgs,
        ),
        None => (LATEST.to_owned(), &[][..]),
    };
    Ok(versions_where(conn, &condition, binds)
        .await?
        .iter()
        .map(BaselineVersionRow::recorded)
        .collect())
}

/// A baseline version to store.
pub struct NewBaseline<'a> {
    pub org: i64,
    pub version: i64,
    pub year: FinancialYear,
    pub reason: &'a str,
    pub amounts: &'a BTreeMap<SpendCategory, Money>,
    pub at: i64,
    pub user: i64,
    /// "proposed" (an officer's) or "approved" (demo and synthetic data, seeded as counted).
    pub status: &'a str,
}

pub async fn insert_baseline(
    conn: &mut AnyConnection,
    b: &NewBaseline<'_>,
) -> Result<i64, DbError> {
    let NewBaseline {
        org,
        version,
        year,
        reason,
        amounts,
        at: now,
        user,
        status,
    } = *b;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO baselines (org_id, version, fy_start, reason, created_at, created_by, status,
                                decided_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 = 'approved' THEN $5 END) RETURNING id",
    )
    .bind(org)
    .bind(version)
    .bind(fy_start(year))
    .bind(reason)
    .bind(now)
    .bind(user)
    .bind(status)
    .fetch_one(&mut *conn)
    .await?;
    for (category, amount) in amounts {
        sqlx::query(
            "INSERT INTO baseline_lines (baseline_id, category, amount_pence) VALUES ($1, $2, $3)",
        )
        .bind(id)
        .bind(category.code())
        .bind(amount.pence())
        .execute(&mut *conn)
        .await?;
    }
    Ok(id)
}

/// Approves or returns a proposed version; false when it is no longer proposed.
pub async fn decide_baseline(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    reason: Option<&str>,
    at: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE baselines SET status = $2, decision_reason = $3, decided_at = $4, decided_by = $5
          WHERE id = $1 AND status = 'proposed'",
    )
    .bind(id)
    .bind(status)
    .bind(reason)
    .bind(at)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

// ---- counted returns ----

/// A return that may count: id, year, version, status.
#[derive(Clone, Debug)]
pub struct CountableReturn {
    pub id: i64,
    pub year: FinancialYear,
    pub version: i64,
    pub status: ReturnStatus,
}

/// The submitted and approved versions of a body's returns, every year.
pub async fn countable_returns(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Vec<CountableReturn>, DbError> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, fy_start, version, status FROM spend_returns
          WHERE org_id = $1 AND status IN ('submitted', 'approved') ORDER BY fy_start, version",
    )
    .bind(org)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, fy, version, status)| {
            Ok(CountableReturn {
                id,
                year: year(fy)?,
                version,
                status: status.parse()?,
            })
        })
        .collect()
}

// ---- read model ----

pub async fn clear_read_model(conn: &mut AnyConnection, org: i64) -> Result<(), DbError> {
    sqlx::query("DELETE FROM savings_facts WHERE org_id = $1")
        .bind(org)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM savings_body_years WHERE org_id = $1")
        .bind(org)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A row of `savings_body_years`.
#[derive(Clone, Debug)]
pub struct BodyYearRow {
    pub org_id: i64,
    pub year: FinancialYear,
    pub return_id: i64,
    pub return_version: i64,
    pub provisional: bool,
    /// Why the body-year adds nothing to any total; `None` when it counts (ADR 0010).
    pub not_counted: Option<crate::domain::savings::NotCounted>,
    pub baseline: Money,
    pub actual: Money,
}

impl BodyYearRow {
    pub fn counted(&self) -> bool {
        self.not_counted.is_none()
    }
}

pub async fn insert_body_year(conn: &mut AnyConnection, row: &BodyYearRow) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO savings_body_years
             (org_id, fy_start, return_id, return_version, provisional, counted, baseline_pence,
              actual_pence, not_counted, missing)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(row.org_id)
    .bind(fy_start(row.year))
    .bind(row.return_id)
    .bind(row.return_version)
    .bind(i64::from(row.provisional))
    .bind(i64::from(row.counted()))
    .bind(row.baseline.pence())
    .bind(row.actual.pence())
    .bind(row.not_counted.as_ref().map(|n| n.code()))
    .bind(row.not_counted.as_ref().and_then(|n| n.missing_codes()))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn insert_fact(
    conn: &mut AnyConnection,
    fact: &crate::domain::savings::Fact,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO savings_facts (org_id, fy_start, category, role, prices_fy, amount_pence)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(fact.org.0)
    .bind(fy_start(fact.year))
    .bind(fact.category.code())
    .bind(fact.role.code())
    .bind(fy_start(fact.prices))
    .bind(fact.amount.pence())
    .execute(conn)
    .await?;
    Ok(())
}

/// Which bodies a read-model query covers.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub sector: Option<String>,
    pub org: Option<i64>,
}

impl Scope {
    fn condition(&self, alias: &str) -> (String, Vec<String>, Vec<i64>) {
        let mut parts = Vec::new();
        let mut texts = Vec::new();
        let mut ids = Vec::new();
        if let Some(sector) = &self.sector {
            parts.push(format!("o.sector_code = ${}", 1));
            texts.push(sector.clone());
        }
        if let Some(org) = self.org {
            parts.push(format!("{alias}.org_id = ${}", texts.len() + 1));
            ids.push(org);
        }
        let condition = if parts.is_empty() {
            "1 = 1".to_owned()
        } else {
            parts.join(" AND ")
        };
        (condition, texts, ids)
    }
}

/// Moves one body's facts into (`sign` 1) or out of (`sign` -1) the sector sums
/// (`savings_sector_facts`), in the caller's transaction; `prune_sector_sums` then deletes the
/// rows no fact is behind any more.
pub async fn move_sector_sums(
    conn: &mut AnyConnection,
    org: i64,
    sign: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO savings_sector_facts
                (sector_code, fy_start, category, role, prices_fy, amount_pence, facts)
         SELECT o.sector_code, f.fy_start, f.category, f.role, f.prices_fy,
                CAST(SUM(f.amount_pence) AS BIGINT) * $2, COUNT(*) * $2
           FROM savings_facts f JOIN organisations o ON o.id = f.org_id
          WHERE f.org_id = $1
          GROUP BY o.sector_code, f.fy_start, f.category, f.role, f.prices_fy
         ON CONFLICT (sector_code, fy_start, category, role, prices_fy) DO UPDATE
            SET amount_pence = savings_sector_facts.amount_pence + excluded.amount_pence,
                facts = savings_sector_facts.facts + excluded.facts",
    )
    .bind(org)
    .bind(sign)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes the sector sums no fact is behind any more.
pub async fn prune_sector_sums(conn: &mut AnyConnection) -> Result<(), DbError> {
    sqlx::query("DELETE FROM savings_sector_facts WHERE facts = 0")
        .execute(conn)
        .await?;
    Ok(())
}

/// Every fact summed by sector, year, category, role and price year, with how many facts are
/// behind each sum: what `savings_sector_facts` holds.
const FACTS_BY_SECTOR: &str = "SELECT o.sector_code, f.fy_start, f.category, f.role, f.prices_fy,
            CAST(SUM(f.amount_pence) AS BIGINT), CAST(COUNT(*) AS BIGINT)
       FROM savings_facts f JOIN organisations o ON o.id = f.org_id
      GROUP BY o.sector_code, f.fy_start, f.category, f.role, f.prices_fy";

/// Rebuilds the sector sums from every fact (after the whole read model is rebuilt).
pub async fn rebuild_sector_sums(conn: &mut AnyConnection) -> Result<(), DbError> {
    sqlx::query("DELETE FROM savings_sector_facts")
        .execute(&mut *conn)
        .await?;
    sqlx::query(&format!(
        "INSERT INTO savings_sector_facts
                (sector_code, fy_start, category, role, prices_fy, amount_pence, facts)
         {FACTS_BY_SECTOR}"
    ))
    .execute(conn)
    .await?;
    Ok(())
}

/// The sector sums as (sector, year, category, role, price year, pence, facts), for the test
/// that they equal the facts grouped by sector.
pub type SectorSumRow = (String, i64, String, String, i64, i64, i64);

pub async fn sector_sums(
    conn: &mut AnyConnection,
    from_facts: bool,
) -> Result<Vec<SectorSumRow>, DbError> {
    let sql = if from_facts {
        format!("{FACTS_BY_SECTOR} ORDER BY 1, 2, 3, 4, 5")
    } else {
        "SELECT sector_code, fy_start, category, role, prices_fy, amount_pence, facts
           FROM savings_sector_facts ORDER BY 1, 2, 3, 4, 5"
            .to_owned()
    };
    Ok(sqlx::query_as(&sql).fetch_all(conn).await?)
}

fn fact_sum(
    fy: i64,
    category: String,
    role: String,
    prices: i64,
    pence: i64,
) -> Result<FactSum, DbError> {
    Ok(FactSum {
        year: year(fy)?,
        category: category.parse()?,
        role: FactRole::parse(&role)
            .ok_or_else(|| DbError::Corrupt(format!("fact role {role:?}")))?,
        prices: year(prices)?,
        pence,
    })
}

/// The facts of the scope summed by year, category, role and price year: from the sector sums
/// for the nation or a sector, from the body's facts for one body.
pub async fn fact_sums(conn: &mut AnyConnection, scope: &Scope) -> Result<Vec<FactSum>, DbError> {
    if scope.org.is_none() {
        let sql = format!(
            "SELECT fy_start, category, role, prices_fy, CAST(SUM(amount_pence) AS BIGINT)
               FROM savings_sector_facts
              WHERE {}
              GROUP BY fy_start, category, role, prices_fy",
            if scope.sector.is_some() {
                "sector_code = $1"
            } else {
                "1 = 1"
            }
        );
        let mut query = sqlx::query_as::<_, (i64, String, String, i64, i64)>(&sql);
        if let Some(sector) = &scope.sector {
            query = query.bind(sector.clone());
        }
        return query
            .fetch_all(conn)
            .await?
            .into_iter()
            .map(|(fy, category, role, prices, pence)| fact_sum(fy, category, role, prices, pence))
            .collect();
    }
    let (condition, texts, ids) = scope.condition("f");
    let sql = format!(
        "SELECT f.fy_start, f.category, f.role, f.prices_fy, CAST(SUM(f.amount_pence) AS BIGINT)
           FROM savings_facts f JOIN organisations o ON o.id = f.org_id
          WHERE {condition}
          GROUP BY f.fy_start, f.category, f.role, f.prices_fy"
    );
    let mut query = sqlx::query_as::<_, (i64, String, String, i64, i64)>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter()
        .map(|(fy, category, role, prices, pence)| fact_sum(fy, category, role, prices, pence))
        .collect()
}

/// One year's facts of the scope summed per body, by category, role and price year.
pub async fn fact_sums_by_org(
    conn: &mut AnyConnection,
    scope: &Scope,
    fy: FinancialYear,
) -> Result<Vec<(i64, FactSum)>, DbError> {
    let (condition, texts, ids) = scope.condition("f");
    let year_param = texts.len() + ids.len() + 1;
    let sql = format!(
        "SELECT f.org_id, f.fy_start, f.category, f.role, f.prices_fy, f.amount_pence
           FROM savings_facts f JOIN organisations o ON o.id = f.org_id
          WHERE {condition} AND f.fy_start = ${year_param}"
    );
    let mut query = sqlx::query_as::<_, (i64, i64, String, String, i64, i64)>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.bind(fy_start(fy)).fetch_all(conn).await?;
    rows.into_iter()
        .map(|(org, fy, category, role, prices, pence)| {
            Ok((org, fact_sum(fy, category, role, prices, pence)?))
        })
        .collect()
}

/// The read model's body-years in the scope (counted or not).
pub async fn body_years(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<BodyYearRow>, DbError> {
    select_body_years(conn, scope, "").await
}

/// The scope's body-years with a return that are not counted (ADR 0010).
pub async fn not_counted(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<BodyYearRow>, DbError> {
    select_body_years(conn, scope, "AND b.not_counted IS NOT NULL").await
}

async fn select_body_years(
    conn: &mut AnyConnection,
    scope: &Scope,
    and: &str,
) -> Result<Vec<BodyYearRow>, DbError> {
    let (condition, texts, ids) = scope.condition("b");
    let sql = format!(
        "SELECT b.org_id, b.fy_start, b.return_id, b.return_version, b.provisional, b.not_counted,
                b.missing, b.baseline_pence, b.actual_pence
           FROM savings_body_years b JOIN organisations o ON o.id = b.org_id
          WHERE {condition} {and} ORDER BY b.fy_start, b.org_id"
    );
    type Row = (
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<String>,
        Option<String>,
        i64,
        i64,
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter()
        .map(
            |(org, fy, rid, rv, prov, not_counted, missing, base, actual)| {
                let not_counted = match not_counted {
                    None => None,
                    Some(code) => Some(
                        crate::domain::savings::NotCounted::parse(&code, missing.as_deref())
                            .ok_or_else(|| {
                                DbError::Corrupt(format!("savings_body_years.not_counted {code:?}"))
                            })?,
                    ),
                };
                Ok(BodyYearRow {
                    org_id: org,
                    year: year(fy)?,
                    return_id: rid,
                    return_version: rv,
                    provisional: prov == 1,
                    not_counted,
                    baseline: Money::from_pence(base),
                    actual: Money::from_pence(actual),
                })
            },
        )
        .collect()
}

/// Per year, how many of the scope's bodies have a counted return and how many of those are
/// provisional: (year, counted, provisional).
pub async fn counted_by_year(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<(FinancialYear, usize, usize)>, DbError> {
    let (condition, texts, ids) = scope.condition("b");
    let sql = format!(
        "SELECT b.fy_start, CAST(COUNT(*) AS BIGINT), CAST(SUM(b.provisional) AS BIGINT)
           FROM savings_body_years b JOIN organisations o ON o.id = b.org_id
          WHERE {condition} AND b.counted = 1
          GROUP BY b.fy_start ORDER BY b.fy_start"
    );
    let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for id in ids {
        query = query.bind(id);
    }
    query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|(fy, counted, provisional)| {
            Ok((
                year(fy)?,
                usize::try_from(counted).unwrap_or(0),
                usize::try_from(provisional).unwrap_or(0),
            ))
        })
        .collect()
}

/// The scope's bodies whose return counted in a year is provisional.
pub async fn provisional_in_year(
    conn: &mut AnyConnection,
    scope: &Scope,
    fy: FinancialYear,
) -> Result<std::collections::HashSet<i64>, DbError> {
    let (condition, texts, ids) = scope.condition("b");
    let year_param = texts.len() + ids.len() + 1;
    let sql = format!(
        "SELECT b.org_id FROM savings_body_years b JOIN organisations o ON o.id = b.org_id
          WHERE {condition} AND b.provisional = 1 AND b.fy_start = ${year_param}"
    );
    let mut query = sqlx::query_as::<_, (i64,)>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for id in ids {
        query = query.bind(id);
    }
    Ok(query
        .bind(fy_start(fy))
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|r| r.0)
        .collect())
}

/// The facts of one body-year (for its trace).
pub async fn body_year(
    conn: &mut AnyConnection,
    org: i64,
    fy: FinancialYear,
) -> Result<Option<BodyYearRow>, DbError> {
    let rows = body_years(
        conn,
        &Scope {
            sector: None,
            org: Some(org),
        },
    )
    .await?;
    Ok(rows.into_iter().find(|r| r.year == fy))
}

// ---- target explanations ----

/// A body's explanation of a missed target: year, text, when, by whom.
pub type ExplanationRow = (FinancialYear, String, i64, Option<String>);

pub async fn target_explanations(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Vec<ExplanationRow>, DbError> {
    let rows: Vec<(i64, String, i64, Option<String>)> = sqlx::query_as(
        "SELECT t.fy_start, t.explanation, t.updated_at, u.email
           FROM target_explanations t LEFT JOIN users u ON u.id = t.updated_by
          WHERE t.org_id = $1 ORDER BY t.fy_start",
    )
    .bind(org)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(fy, text, at, by)| Ok((year(fy)?, text, at, by)))
        .collect()
}

pub async fn set_target_explanation(
    conn: &mut AnyConnection,
    org: i64,
    fy: FinancialYear,
    explanation: &str,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO target_explanations (org_id, fy_start, explanation, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (org_id, fy_start) DO UPDATE SET explanation = excluded.explanation,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(org)
    .bind(fy_start(fy))
    .bind(explanation)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// Every body's explanation of a missed target in a year, by body id.
pub async fn target_explanations_in_year(
    conn: &mut AnyConnection,
    fy: FinancialYear,
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT org_id, explanation FROM target_explanations WHERE fy_start = $1")
            .bind(fy_start(fy))
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

// ---- initiatives ----

type InitiativeTuple = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
    Option<i64>,
);

/// The initiatives of the bodies in the scope that are in force (not withdrawn).
pub async fn initiatives(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<crate::domain::savings::Initiative>, DbError> {
    use crate::domain::savings::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
    let (condition, texts, ids) = scope.condition("i");
    let sql = format!(
        "SELECT i.id, i.org_id, i.kind, i.title, i.class, i.evidence, i.recurring_pence,
                i.one_off_pence, i.first_fy, i.last_fy, i.service_code, i.party, i.counterparty_id
           FROM initiatives i JOIN organisations o ON o.id = i.org_id
          WHERE {condition} AND i.withdrawn_at IS NULL ORDER BY i.id"
    );
    let mut query = sqlx::query_as::<_, InitiativeTuple>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter()
        .map(
            |(
                id,
                org,
                kind,
                title,
                class,
                evidence,
                recurring,
                one_off,
                first,
                last,
                service,
                party,
                counterparty,
            )| {
                Ok(Initiative {
                    id,
                    org: OrgId(org),
                    kind: InitiativeKind::parse(&kind)?,
                    title,
                    class: SavingClass::parse(&class)?,
                    evidence: Evidence::parse(&evidence)?,
                    recurring: Money::from_pence(recurring),
                    one_off: Money::from_pence(one_off),
                    first_year: year(first)?,
                    last_year: last.map(year).transpose()?,
                    service,
                    party: Party::parse(&party)?,
                    counterparty: counterparty.map(OrgId),
                })
            },
        )
        .collect()
}

/// An initiative to store.
pub struct NewInitiative<'a> {
    pub org: i64,
    pub initiative: &'a crate::domain::savings::Initiative,
    pub quality_note: &'a str,
    pub source_ref: Option<&'a str>,
    pub at: i64,
    pub user: i64,
}

pub async fn insert_initiative(
    conn: &mut AnyConnection,
    n: &NewInitiative<'_>,
) -> Result<i64, DbError> {
    let i = n.initiative;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO initiatives (org_id, kind, title, class, evidence, recurring_pence, one_off_pence,
                                  first_fy, last_fy, service_code, party, counterparty_id, quality_note,
                                  source_ref, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id",
    )
    .bind(n.org)
    .bind(i.kind.code())
    .bind(&i.title)
    .bind(i.class.code())
    .bind(i.evidence.code())
    .bind(i.recurring.pence())
    .bind(i.one_off.pence())
    .bind(fy_start(i.first_year))
    .bind(i.last_year.map(fy_start))
    .bind(i.service.as_deref())
    .bind(i.party.code())
    .bind(i.counterparty.map(|o| o.0))
    .bind(n.quality_note)
    .bind(n.source_ref)
    .bind(n.at)
    .bind(n.user)
    .fetch_one(&mut *conn)
    .await?;
    keep_version(conn, id, "recorded", None).await?;
    Ok(id)
}

/// Keeps the initiative's current row as its version `version` (issue 15): called in the
/// transaction of every insert or change, after it.
pub async fn keep_version(
    conn: &mut AnyConnection,
    id: i64,
    change: &str,
    reason: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO initiative_versions (initiative_id, version, change, reason, title, class,
                                         evidence, recurring_pence, one_off_pence, first_fy,
                                         last_fy, service_code, party, counterparty_id,
                                         quality_note, withdrawn, changed_at, changed_by)
         SELECT id, version, $2, $3, title, class, evidence, recurring_pence, one_off_pence,
                first_fy, last_fy, service_code, party, counterparty_id, quality_note,
                CASE WHEN withdrawn_at IS NULL THEN 0 ELSE 1 END, updated_at, updated_by
           FROM initiatives WHERE id = $1",
    )
    .bind(id)
    .bind(change)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// One initiative as stored, whether or not it is withdrawn.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InitiativeRow {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    pub title: String,
    pub class: String,
    pub evidence: String,
    pub recurring_pence: i64,
    pub one_off_pence: i64,
    pub first_fy: i64,
    pub last_fy: Option<i64>,
    pub service_code: Option<String>,
    pub party: String,
    pub counterparty_id: Option<i64>,
    pub quality_note: String,
    pub source_ref: Option<String>,
    pub version: i64,
    pub row_version: i64,
    pub withdrawn_at: Option<i64>,
}

const INITIATIVE_COLUMNS: &str = "id, org_id, kind, title, class, evidence, recurring_pence,
    one_off_pence, first_fy, last_fy, service_code, party, counterparty_id, quality_note,
    source_ref, version, row_version, withdrawn_at";

/// An initiative of the body `org`, withdrawn or not.
pub async fn initiative_row(
    conn: &mut AnyConnection,
    org: i64,
    id: i64,
) -> Result<Option<InitiativeRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(conn)
    .await?)
}

/// The body's withdrawn initiatives, newest first.
pub async fn withdrawn_initiatives(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Vec<InitiativeRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {INITIATIVE_COLUMNS} FROM initiatives
          WHERE org_id = $1 AND withdrawn_at IS NOT NULL ORDER BY withdrawn_at DESC, id DESC"
    ))
    .bind(org)
    .fetch_all(conn)
    .await?)
}

/// The initiative with `source_ref` (a closure's or an adoption's), if in force.
pub async fn initiative_by_source(
    conn: &mut AnyConnection,
    source_ref: &str,
) -> Result<Option<i64>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM initiatives WHERE source_ref = $1 AND withdrawn_at IS NULL",
    )
    .bind(source_ref)
    .fetch_optional(conn)
    .await?)
}

/// The changeable figures of an initiative.
pub struct InitiativeChange<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub class: &'a str,
    pub evidence: &'a str,
    pub recurring_pence: i64,
    pub one_off_pence: i64,
    pub first_fy: i64,
    pub last_fy: Option<i64>,
    pub service_code: Option<&'a str>,
    pub party: &'a str,
    pub counterparty_id: Option<i64>,
    pub quality_note: &'a str,
}

/// Replaces an in-force initiative's figures as its next version, if nobody changed it since
/// `row_version`; returns whether it did.
pub async fn change_initiative(
    conn: &mut AnyConnection,
    id: i64,
    row_version: i64,
    c: &InitiativeChange<'_>,
    at: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE initiatives
            SET title = $3, class = $4, evidence = $5, recurring_pence = $6, one_off_pence = $7,
                first_fy = $8, last_fy = $9, service_code = $10, party = $11,
                counterparty_id = $12, quality_note = $13, updated_at = $14, updated_by = $15,
                kind = $16,
                version = version + 1, row_version = row_version + 1
          WHERE id = $1 AND row_version = $2 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .bind(row_version)
    .bind(c.title)
    .bind(c.class)
    .bind(c.evidence)
    .bind(c.recurring_pence)
    .bind(c.one_off_pence)
    .bind(c.first_fy)
    .bind(c.last_fy)
    .bind(c.service_code)
    .bind(c.party)
    .bind(c.counterparty_id)
    .bind(c.quality_note)
    .bind(at)
    .bind(user)
    .bind(c.kind)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Withdraws an in-force initiative as its next version (the savings engine stops counting it),
/// if nobody changed it since `row_version` (`None`: whatever its version); returns whether it
/// did.
pub async fn withdraw_initiative(
    conn: &mut AnyConnection,
    id: i64,
    row_version: Option<i64>,
    at: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE initiatives
            SET withdrawn_at = $3, updated_at = $3, updated_by = $4,
                version = version + 1, row_version = row_version + 1
          WHERE id = $1 AND withdrawn_at IS NULL AND row_version = COALESCE($2, row_version)",
    )
    .bind(id)
    .bind(row_version)
    .bind(at)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One version of an initiative, with who made it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub change: String,
    pub reason: Option<String>,
    pub title: String,
    pub class: String,
    pub evidence: String,
    pub recurring_pence: i64,
    pub one_off_pence: i64,
    pub first_fy: i64,
    pub last_fy: Option<i64>,
    pub withdrawn: i64,
    pub changed_at: i64,
    pub changed_by: Option<String>,
}

/// Every version of an initiative, newest first.
pub async fn initiative_versions(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<VersionRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT v.version, v.change, v.reason, v.title, v.class, v.evidence, v.recurring_pence,
                v.one_off_pence, v.first_fy, v.last_fy, v.withdrawn, v.changed_at,
                u.display_name AS changed_by
           FROM initiative_versions v LEFT JOIN users u ON u.id = v.changed_by
          WHERE v.initiative_id = $1 ORDER BY v.version DESC",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// The quality notes of initiatives, by id.
pub async fn initiative_notes(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, quality_note FROM initiatives WHERE org_id = $1")
            .bind(org)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Every succession with the bodies' codes and names, in date order.
pub async fn succession_rows(
    conn: &mut AnyConnection,
) -> Result<Vec<crate::model::savings::SuccessionView>, DbError> {
    type Row = (
        String,
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
    );
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT p.code, p.name, s.code, s.name, x.effective_date, x.kind, x.share_ppm, x.source
           FROM organisation_successions x
           JOIN organisations p ON p.id = x.predecessor_id
           JOIN organisations s ON s.id = x.successor_id
          ORDER BY x.effective_date, s.name, p.name",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(pc, pn, sc, sn, date, kind, share, source)| crate::model::savings::SuccessionView {
                source,
                predecessor_code: pc,
                predecessor: pn,
                successor_code: sc,
                successor: sn,
                effective_date: date,
                kind,
                share: share
                    .and_then(|ppm| u32::try_from(ppm).ok())
                    .and_then(Share::from_ppm)
                    .map(|s| s.to_string()),
            },
        )
        .collect())
}
