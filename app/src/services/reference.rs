//! The published McClelland baselines, grouped for display.

use crate::db::{reference, Db};
use crate::domain::FinancialYear;
use crate::error::AppError;
use crate::model::BaselineSummary;

/// The 2008-09 baseline as published: national total, by cost group and by sector.
#[tracing::instrument(skip_all)]
pub async fn mcclelland_baseline(db: &Db) -> Result<BaselineSummary, AppError> {
    let year = FinancialYear::mcclelland_baseline();
    let mut conn = db
        .pool()
        .acquire()
        .await
        .map_err(crate::db::DbError::from)?;
    let figures = reference::baselines(&mut conn, i64::from(year.start_year())).await?;
    let mut summary = BaselineSummary {
        financial_year: year.to_string(),
        national: Vec::new(),
        by_cost_group: Vec::new(),
        by_sector: Vec::new(),
    };
    for (scope, figure) in figures {
        match scope.as_str() {
            "national" => summary.national.push(figure),
            "cost-group" => summary.by_cost_group.push(figure),
            "sector" => summary.by_sector.push(figure),
            other => {
                return Err(AppError::internal(format!(
                    "unknown baseline scope {other:?}"
                )))
            }
        }
    }
    Ok(summary)
}
