//! Queries on spend returns and their lines.

use super::DbError;
use crate::domain::spend_line::SpendLine;
use crate::domain::{Money, ReturnStatus, SpendCategory};
use rust_decimal::Decimal;
use sqlx::AnyConnection;

/// A return's header as stored.
#[derive(Clone, Debug)]
pub struct ReturnRecord {
    pub id: i64,
    pub version: i64,
    pub status: ReturnStatus,
    pub row_version: i64,
    pub returned_reason: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ReturnRow {
    id: i64,
    version: i64,
    status: String,
    row_version: i64,
    returned_reason: Option<String>,
}

/// The organisation's id for a code, if the body exists.
pub async fn org_id(conn: &mut AnyConnection, code: &str) -> Result<Option<i64>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1")
            .bind(code)
            .fetch_optional(conn)
            .await?,
    )
}

/// The newest version of the body's return for the year.
pub async fn latest(
    conn: &mut AnyConnection,
    org_id: i64,
    fy_start: i64,
) -> Result<Option<ReturnRecord>, DbError> {
    let row: Option<ReturnRow> = sqlx::query_as(
        "SELECT id, version, status, row_version, returned_reason FROM spend_returns
          WHERE org_id = $1 AND fy_start = $2 ORDER BY version DESC LIMIT 1",
    )
    .bind(org_id)
    .bind(fy_start)
    .fetch_optional(conn)
    .await?;
    row.map(|r| {
        Ok(ReturnRecord {
            status: r.status.parse()?,
            id: r.id,
            version: r.version,
            row_version: r.row_version,
            returned_reason: r.returned_reason,
        })
    })
    .transpose()
}

pub async fn insert(
    conn: &mut AnyConnection,
    org_id: i64,
    fy_start: i64,
    version: i64,
    now: i64,
    user_id: i64,
) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO spend_returns (org_id, fy_start, version, status, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, 'draft', $4, $4, $5) RETURNING id",
    )
    .bind(org_id)
    .bind(fy_start)
    .bind(version)
    .bind(now)
    .bind(user_id)
    .fetch_one(conn)
    .await?)
}

/// Moves a return on if nobody changed it since `expected_row_version`; false if someone did.
pub async fn update_status(
    conn: &mut AnyConnection,
    id: i64,
    expected_row_version: i64,
    status: ReturnStatus,
    returned_reason: Option<&str>,
    now: i64,
    user_id: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE spend_returns
            SET status = $3, returned_reason = $4, row_version = row_version + 1, updated_at = $5, updated_by = $6
          WHERE id = $1 AND row_version = $2",
    )
    .bind(id)
    .bind(expected_row_version)
    .bind(status.code())
    .bind(returned_reason)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[derive(sqlx::FromRow)]
struct LineRow {
    category: String,
    capital_pence: i64,
    revenue_pence: i64,
    fte_hundredths: Option<i64>,
    note: Option<String>,
}

/// The yearly lines of a return, in category order.
pub async fn lines(conn: &mut AnyConnection, return_id: i64) -> Result<Vec<SpendLine>, DbError> {
    let rows: Vec<LineRow> = sqlx::query_as(
        "SELECT category, capital_pence, revenue_pence, fte_hundredths, note
           FROM spend_return_lines WHERE return_id = $1 AND period = 'year'",
    )
    .bind(return_id)
    .fetch_all(conn)
    .await?;
    let mut lines = rows
        .into_iter()
        .map(|r| {
            Ok(SpendLine {
                category: r.category.parse::<SpendCategory>()?,
                capital: Money::from_pence(r.capital_pence),
                revenue: Money::from_pence(r.revenue_pence),
                fte: r.fte_hundredths.map(|h| Decimal::new(h, 2)),
                note: r.note,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    lines.sort_by_key(|l| SpendCategory::ALL.iter().position(|c| *c == l.category));
    Ok(lines)
}

/// Replaces the yearly lines of a return.
pub async fn replace_lines(
    conn: &mut AnyConnection,
    return_id: i64,
    lines: &[SpendLine],
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM spend_return_lines WHERE return_id = $1 AND period = 'year'")
        .bind(return_id)
        .execute(&mut *conn)
        .await?;
    for line in lines {
        // FTE has at most two decimal places (checked when parsed): hundredths are exact.
        let fte = line
            .fte
            .map(|f| {
                rust_decimal::prelude::ToPrimitive::to_i64(&(f * Decimal::ONE_HUNDRED))
                    .ok_or_else(|| DbError::Corrupt("FTE out of range".into()))
            })
            .transpose()?;
        sqlx::query(
            "INSERT INTO spend_return_lines (return_id, period, category, capital_pence, revenue_pence, fte_hundredths, note)
             VALUES ($1, 'year', $2, $3, $4, $5, $6)",
        )
        .bind(return_id)
        .bind(line.category.code())
        .bind(line.capital.pence())
        .bind(line.revenue.pence())
        .bind(fte)
        .bind(line.note.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
