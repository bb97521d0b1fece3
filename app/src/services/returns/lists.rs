//! Deadlines, an officer's returns and the board's status board.

use super::entry;
use super::page::{due_date, is_overdue, timestamp, today, year_of};
use crate::access::{Actor, Office, ReadAll};
use crate::db::audit::{self};
use crate::db::returns::{self};
use crate::db::{Db, DbError};
use crate::domain::{FinancialYear, ReturnStatus};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::returns::{ReturnListRow, StatusBoard, StatusCounts};
use crate::services::auth::now;
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// Parses a deadline as typed (`YYYY-MM-DD`), naming the field if it is not a real date.
pub fn parse_due_date(text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation("due", "Enter the deadline as a date like 2014-06-30"))
}

/// Sets a year's deadline (programme office only).
#[tracing::instrument(skip_all, fields(user = office.user().id, %fy))]
pub async fn set_deadline(
    db: &Db,
    office: &Office<'_>,
    fy: FinancialYear,
    due: NaiveDate,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
    if due < fy.first_day() {
        return Err(AppError::validation(
            "due",
            format!(
                "The deadline for {fy} must be on or after {}",
                fy.first_day()
            ),
        ));
    }
    let mut tx = db.begin().await?;
    let due_text = due.format("%Y-%m-%d").to_string();
    let before = returns::set_deadline(
        &mut tx,
        i64::from(fy.start_year()),
        &due_text,
        user.id,
        now(),
    )
    .await?;
    let mut e = entry(user, client, AuditAction::DeadlineSet, 0);
    e.entity_type = "deadline".to_owned();
    e.entity_id = Some(fy.to_string());
    e.before = before.map(serde_json::Value::String);
    e.after = Some(serde_json::Value::String(due_text));
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

pub(super) fn list_row(
    r: &returns::LatestRow,
    deadline: Option<NaiveDate>,
) -> Result<ReturnListRow, AppError> {
    let status: ReturnStatus = r.status.parse()?;
    Ok(ReturnListRow {
        org_code: r.org_code.clone(),
        org_name: r.org_name.clone(),
        sector: r.sector_code.clone(),
        financial_year: year_of(r.fy_start)?,
        status: Some(status),
        version: Some(r.version),
        deadline,
        overdue: is_overdue(deadline, Some(status)),
        last_change: Some(timestamp(r.updated_at)),
        last_change_by: r.updated_by.clone(),
    })
}

pub(super) fn not_started(
    org_code: &str,
    org_name: &str,
    sector: &str,
    fy: FinancialYear,
    deadline: Option<NaiveDate>,
) -> ReturnListRow {
    ReturnListRow {
        org_code: org_code.to_owned(),
        org_name: org_name.to_owned(),
        sector: sector.to_owned(),
        financial_year: fy,
        status: None,
        version: None,
        deadline,
        overdue: is_overdue(deadline, None),
        last_change: None,
        last_change_by: None,
    }
}

pub(super) async fn deadline_map(
    conn: &mut AnyConnection,
) -> Result<std::collections::BTreeMap<i64, NaiveDate>, AppError> {
    returns::deadlines(conn)
        .await?
        .into_iter()
        .map(|(y, d)| Ok((y, due_date(Some(d))?.unwrap_or_default())))
        .collect()
}

pub(super) fn current_year() -> FinancialYear {
    FinancialYear::containing(today()).unwrap_or_else(|_| FinancialYear::mcclelland_baseline())
}

/// An officer's returns: each of their bodies for every year with a deadline or a return, and
/// the current year, newest year first. Board and admin have none of their own.
#[tracing::instrument(skip_all, fields(user = actor.user.id))]
pub async fn my_returns(db: &Db, actor: &Actor) -> Result<Vec<ReturnListRow>, AppError> {
    let user = &actor.user;
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let deadlines = deadline_map(&mut conn).await?;
    let mut rows = Vec::new();
    for org in &user.organisations {
        let existing = returns::latest_returns(&mut conn, None, Some(&org.code)).await?;
        let sector = crate::db::organisations::name_and_sector(&mut conn, org.id)
            .await?
            .map(|(_, sector)| sector)
            .unwrap_or_default();
        let mut years: Vec<i64> = deadlines.keys().copied().collect();
        years.extend(existing.iter().map(|r| r.fy_start));
        years.push(i64::from(current_year().start_year()));
        years.sort_unstable();
        years.dedup();
        for year in years.into_iter().rev() {
            let deadline = deadlines.get(&year).copied();
            rows.push(match existing.iter().find(|r| r.fy_start == year) {
                Some(r) => list_row(r, deadline)?,
                None => not_started(&org.code, &org.name, &sector, year_of(year)?, deadline),
            });
        }
    }
    rows.sort_by(|a, b| {
        b.financial_year
            .cmp(&a.financial_year)
            .then_with(|| a.org_name.cmp(&b.org_name))
    });
    Ok(rows)
}

/// Which years the status board shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoardYears {
    /// The latest year with a deadline (or the current year).
    Default,
    One(FinancialYear),
    /// Every year with a deadline or a return, and the current one.
    All,
}

/// The submission status board (board and programme office): every body that existed in the
/// year, optionally of one sector, with its return's status and last change, and the counts.
#[tracing::instrument(skip_all, fields(user = all.user().id, ?choice, ?sector))]
pub async fn status_board(
    db: &Db,
    all: &ReadAll<'_>,
    choice: BoardYears,
    sector: Option<crate::domain::Sector>,
) -> Result<StatusBoard, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let deadlines = deadline_map(&mut conn).await?;
    let mut years: Vec<FinancialYear> = deadlines
        .keys()
        .map(|y| year_of(*y))
        .collect::<Result<_, _>>()?;
    for y in returns::years_with_returns(&mut conn).await? {
        years.push(year_of(y)?);
    }
    years.push(current_year());
    let chosen = match choice {
        BoardYears::One(fy) => Some(fy),
        BoardYears::All => None,
        BoardYears::Default => Some(
            deadlines
                .keys()
                .next_back()
                .and_then(|y| year_of(*y).ok())
                .unwrap_or_else(current_year),
        ),
    };
    years.extend(chosen);
    years.sort_unstable();
    years.dedup();
    years.reverse();
    let shown: Vec<FinancialYear> = chosen.map_or_else(|| years.clone(), |fy| vec![fy]);
    let existing =
        returns::latest_returns(&mut conn, chosen.map(|fy| i64::from(fy.start_year())), None)
            .await?;
    drop(conn);
    let bodies = crate::db::organisations::list(
        db.pool(),
        &crate::db::organisations::OrgFilter {
            sector,
            name_contains: None,
        },
    )
    .await?;
    let mut rows = Vec::new();
    for fy in &shown {
        let deadline = deadlines.get(&i64::from(fy.start_year())).copied();
        for body in &bodies {
            let existed = crate::domain::Lifetime {
                start: body.start_date,
                end: body.end_date,
            }
            .answers_for(*fy);
            let found = existing
                .iter()
                .find(|r| r.org_code == body.code && r.fy_start == i64::from(fy.start_year()));
            if !existed && found.is_none() {
                continue;
            }
            rows.push(match found {
                Some(r) => list_row(r, deadline)?,
                None => not_started(&body.code, &body.name, body.sector.code(), *fy, deadline),
            });
        }
    }
    let counts = StatusCounts::of(rows.iter());
    Ok(StatusBoard {
        deadline: chosen.and_then(|fy| deadlines.get(&i64::from(fy.start_year())).copied()),
        financial_year: chosen,
        years,
        sector: sector.map(|s| s.code().to_owned()),
        rows,
        counts,
    })
}
