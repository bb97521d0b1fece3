//! The REST export of returns, as JSON rows and CSV.

use super::org_id;
use super::page::year_of;
use crate::access::Actor;
use crate::db::returns::{self};
use crate::db::{Db, DbError};
use crate::domain::income::INCOME_CODE;
use crate::domain::{FinancialYear, Money};
use crate::error::AppError;
use crate::model::returns::{ReturnExport, WarningExplanation};

/// The newest version of each return the user may read, optionally for one year and one body.
#[tracing::instrument(skip_all, fields(user = actor.user.id, ?fy, ?org_code))]
pub async fn export(
    db: &Db,
    actor: &Actor,
    fy: Option<FinancialYear>,
    org_code: Option<&str>,
) -> Result<Vec<ReturnExport>, AppError> {
    if let Some(code) = org_code {
        actor.read_body(code)?;
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    if let Some(code) = org_code {
        org_id(&mut conn, code).await?;
    }
    let rows =
        returns::latest_returns(&mut conn, fy.map(|f| i64::from(f.start_year())), org_code).await?;
    let mut out = Vec::new();
    for r in rows
        .into_iter()
        .filter(|r| actor.can_read_body(&r.org_code))
    {
        out.push(ReturnExport {
            lines: returns::lines(&mut conn, r.id).await?,
            income: returns::income(&mut conn, r.id).await?,
            explanations: returns::explanations(&mut conn, r.id)
                .await?
                .into_iter()
                .map(|(category, explanation)| WarningExplanation {
                    category,
                    explanation,
                })
                .collect(),
            financial_year: year_of(r.fy_start)?,
            status: r.status.parse()?,
            updated_at: chrono::DateTime::from_timestamp(r.updated_at, 0)
                .map(|t| t.to_rfc3339())
                .unwrap_or_default(),
            org_code: r.org_code,
            org_name: r.org_name,
            version: r.version,
        });
    }
    Ok(out)
}

/// The export as CSV: one row per line, with a header naming each column (amounts in pounds).
/// Income has its own row, category `income`, never netted from the spend rows.
pub fn export_csv(returns: &[ReturnExport]) -> String {
    let mut out = String::from(
        "org_code,org_name,financial_year,version,status,updated_at,category,capital_gbp,revenue_gbp,fte,note\r\n",
    );
    for r in returns {
        let mut row = |category: &str, capital: Money, revenue: Money, fte: String, note: &str| {
            let cells = [
                r.org_code.as_str(),
                r.org_name.as_str(),
                &r.financial_year.to_string(),
                &r.version.to_string(),
                r.status.code(),
                r.updated_at.as_str(),
                category,
                &capital.as_decimal().to_string(),
                &revenue.as_decimal().to_string(),
                &fte,
                note,
            ];
            let row: Vec<String> = cells.iter().map(|c| crate::util::csv_cell(c)).collect();
            out.push_str(&row.join(","));
            out.push_str("\r\n");
        };
        for l in &r.lines {
            row(
                l.category.code(),
                l.capital,
                l.revenue,
                l.fte.map(|f| f.normalize().to_string()).unwrap_or_default(),
                l.note.as_deref().unwrap_or_default(),
            );
        }
        if let Some(i) = &r.income {
            let note = i.note.as_deref().unwrap_or_default();
            row(INCOME_CODE, i.capital, i.revenue, String::new(), note);
        }
    }
    out
}
