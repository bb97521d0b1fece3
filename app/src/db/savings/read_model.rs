//! The returns that can count, and the read model (`savings_body_years`, `savings_facts`,
//! the sector sums) kept from them.

use super::{fy_start, year};
use crate::db::DbError;
use crate::domain::savings::{FactRole, FactSum};
use crate::domain::{FinancialYear, Money, ReturnStatus};
use sqlx::AnyConnection;

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
    pub(super) fn condition(&self, alias: &str) -> (String, Vec<String>, Vec<i64>) {
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
pub(super) const FACTS_BY_SECTOR: &str =
    "SELECT o.sector_code, f.fy_start, f.category, f.role, f.prices_fy,
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

pub(super) fn fact_sum(
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

pub(super) async fn select_body_years(
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
