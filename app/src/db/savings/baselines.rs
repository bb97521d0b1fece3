//! Baselines: every version of a body's own baseline, and deciding them.

use super::{fy_start, placeholders, year};
use crate::db::DbError;
use crate::domain::savings::RecordedBaseline;
use crate::domain::{FinancialYear, Money, OrgId, SpendCategory};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

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

pub(super) type VersionTuple = (
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
pub(super) async fn versions_where(
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
