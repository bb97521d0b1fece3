//! Bodies' explanations of missed targets.

use super::{fy_start, year};
use crate::db::DbError;
use crate::domain::FinancialYear;
use sqlx::AnyConnection;

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
