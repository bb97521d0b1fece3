//! Bodies and their successions, as the engine reads them.

use super::DEMO_REASON;
use crate::db::DbError;
use crate::domain::savings::{Share, Succession};
use crate::domain::{FinancialYear, OrgId};
use chrono::NaiveDate;
use sqlx::AnyConnection;

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
            .bind(DEMO_REASON)
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
