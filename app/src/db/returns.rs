//! Queries on spend returns and their lines.

use super::DbError;
use crate::domain::income::Income;
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

/// The income line of a return, if one was reported (ADR 0010, rule 6).
pub async fn income(conn: &mut AnyConnection, return_id: i64) -> Result<Option<Income>, DbError> {
    let row: Option<(i64, i64, Option<String>)> = sqlx::query_as(
        "SELECT capital_pence, revenue_pence, note FROM spend_return_income WHERE return_id = $1",
    )
    .bind(return_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(capital, revenue, note)| Income {
        capital: Money::from_pence(capital),
        revenue: Money::from_pence(revenue),
        note,
    }))
}

/// Replaces the income line of a return (`None`: not reported).
pub async fn replace_income(
    conn: &mut AnyConnection,
    return_id: i64,
    income: Option<&Income>,
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM spend_return_income WHERE return_id = $1")
        .bind(return_id)
        .execute(&mut *conn)
        .await?;
    if let Some(income) = income {
        sqlx::query(
            "INSERT INTO spend_return_income (return_id, capital_pence, revenue_pence, note)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(return_id)
        .bind(income.capital.pence())
        .bind(income.revenue.pence())
        .bind(income.note.as_deref())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The explanations given for a version's warnings, by category.
pub async fn explanations(
    conn: &mut AnyConnection,
    return_id: i64,
) -> Result<Vec<(SpendCategory, String)>, DbError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT category, explanation FROM return_explanations WHERE return_id = $1",
    )
    .bind(return_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(c, e)| Ok((c.parse::<SpendCategory>()?, e)))
        .collect()
}

/// Replaces the explanations of a version.
pub async fn replace_explanations(
    conn: &mut AnyConnection,
    return_id: i64,
    explanations: &[(SpendCategory, String)],
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM return_explanations WHERE return_id = $1")
        .bind(return_id)
        .execute(&mut *conn)
        .await?;
    for (category, text) in explanations {
        sqlx::query(
            "INSERT INTO return_explanations (return_id, category, explanation) VALUES ($1, $2, $3)",
        )
        .bind(return_id)
        .bind(category.code())
        .bind(text.as_str())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every version of the body's return for the year, oldest first: (id, version, status).
pub async fn versions(
    conn: &mut AnyConnection,
    org_id: i64,
    fy_start: i64,
) -> Result<Vec<(i64, i64, ReturnStatus)>, DbError> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, version, status FROM spend_returns WHERE org_id = $1 AND fy_start = $2 ORDER BY version",
    )
    .bind(org_id)
    .bind(fy_start)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, v, s)| Ok((id, v, s.parse()?)))
        .collect()
}

/// The audit rows of every version of the body's return for the year, newest first.
pub async fn history(
    conn: &mut AnyConnection,
    org_id: i64,
    fy_start: i64,
) -> Result<Vec<super::audit::AuditRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT a.id, a.at, a.actor_email, a.action, a.entity_type, a.entity_id, a.before_json, a.after_json, a.client_addr
           FROM audit_log a JOIN spend_returns r ON a.entity_id = CAST(r.id AS TEXT)
          WHERE a.entity_type = 'return' AND r.org_id = $1 AND r.fy_start = $2
          ORDER BY a.id DESC",
    )
    .bind(org_id)
    .bind(fy_start)
    .fetch_all(conn)
    .await?)
}

/// The deadline of a financial year (`YYYY-MM-DD`), if one is set.
pub async fn deadline(conn: &mut AnyConnection, fy_start: i64) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT due_date FROM return_deadlines WHERE fy_start = $1")
            .bind(fy_start)
            .fetch_optional(conn)
            .await?,
    )
}

/// Every deadline set, by year: (fy_start, due date).
pub async fn deadlines(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>, DbError> {
    Ok(
        sqlx::query_as("SELECT fy_start, due_date FROM return_deadlines ORDER BY fy_start DESC")
            .fetch_all(conn)
            .await?,
    )
}

/// Sets (or moves) a year's deadline; the previous date, if any.
pub async fn set_deadline(
    conn: &mut AnyConnection,
    fy_start: i64,
    due_date: &str,
    user_id: i64,
    now: i64,
) -> Result<Option<String>, DbError> {
    let before = deadline(&mut *conn, fy_start).await?;
    sqlx::query(
        "INSERT INTO return_deadlines (fy_start, due_date, set_by, set_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (fy_start) DO UPDATE SET due_date = excluded.due_date, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(fy_start)
    .bind(due_date)
    .bind(user_id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(before)
}

/// The newest version of a return, listed with its body.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LatestRow {
    pub id: i64,
    pub org_code: String,
    pub org_name: String,
    pub sector_code: String,
    pub fy_start: i64,
    pub version: i64,
    pub status: String,
    pub updated_at: i64,
    pub updated_by: Option<String>,
}

/// The newest version of every return, optionally for one year and one body, by body then year.
pub async fn latest_returns(
    conn: &mut AnyConnection,
    fy_start: Option<i64>,
    org_code: Option<&str>,
) -> Result<Vec<LatestRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT r.id, o.code AS org_code, o.name AS org_name, o.sector_code, r.fy_start, r.version,
                r.status, r.updated_at, u.email AS updated_by
           FROM spend_returns r
           JOIN organisations o ON o.id = r.org_id
           LEFT JOIN users u ON u.id = r.updated_by
          WHERE r.version = (SELECT MAX(r2.version) FROM spend_returns r2
                              WHERE r2.org_id = r.org_id AND r2.fy_start = r.fy_start)
            AND ($1 IS NULL OR r.fy_start = $1)
            AND ($2 IS NULL OR o.code = $2)
          ORDER BY o.name, r.fy_start",
    )
    .bind(fy_start)
    .bind(org_code)
    .fetch_all(conn)
    .await?)
}

/// The e-mail of whoever last changed a return.
pub async fn last_editor(
    conn: &mut AnyConnection,
    return_id: i64,
) -> Result<Option<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT u.email FROM spend_returns r JOIN users u ON u.id = r.updated_by WHERE r.id = $1",
    )
    .bind(return_id)
    .fetch_optional(conn)
    .await?)
}

/// The financial years (start years) that have at least one return.
pub async fn years_with_returns(conn: &mut AnyConnection) -> Result<Vec<i64>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT fy_start FROM spend_returns ORDER BY fy_start")
            .fetch_all(conn)
            .await?,
    )
}
