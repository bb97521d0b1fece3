//! A return's page: its figures, warnings, explanations and history.

use super::save::{last_year_lines, line_changes, warnings_for};
use super::{org_id, view, year_refusal, ReturnRef};
use crate::access::ReadBody;
use crate::db::audit::AuditRow;
use crate::db::returns::{self};
use crate::db::{Db, DbError};
use crate::domain::income::{income_changes, Income};
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, ReturnStatus, SpendCategory};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::returns::{
    DeadlineView, HistoryEntry, ReturnPage, ReturnPermissions, WarningView,
};
use chrono::NaiveDate;

pub(super) fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

pub(super) fn timestamp(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

pub(super) fn due_date(text: Option<String>) -> Result<Option<NaiveDate>, AppError> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map_err(|_| AppError::internal(format!("a stored deadline {t:?} is not a date")))
    })
    .transpose()
}

pub(super) fn is_overdue(deadline: Option<NaiveDate>, status: Option<ReturnStatus>) -> bool {
    deadline.is_some_and(|d| d < today())
        && !matches!(
            status,
            Some(ReturnStatus::Submitted | ReturnStatus::Approved)
        )
}

/// The explanations an entry saved, each with its category's name.
fn explanation_details(after: &serde_json::Value) -> Vec<String> {
    after
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(code, text)| {
                    let name = code
                        .parse::<SpendCategory>()
                        .map_or(code.as_str(), |c| c.name());
                    format!("{name}: {}", text.as_str().unwrap_or_default())
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What an import changed: the file it came from, then each line and the income that moved.
fn import_details(row: &AuditRow, after: &serde_json::Value) -> Vec<String> {
    let side = |json: &Option<String>, key: &str| -> serde_json::Value {
        json.as_deref()
            .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
            .map(|v| v[key].clone())
            .unwrap_or_default()
    };
    let lines_of = |json: &Option<String>| -> Vec<SpendLine> {
        serde_json::from_value(side(json, "lines")).unwrap_or_default()
    };
    let income_of = |json: &Option<String>| -> Option<Income> {
        serde_json::from_value(side(json, "income")).ok().flatten()
    };
    let file = after["file_name"].as_str().unwrap_or_default();
    let sha = after["sha256"].as_str().unwrap_or_default();
    let mut details = vec![format!(
        "From {file} (SHA-256 {})",
        sha.get(..12).unwrap_or(sha)
    )];
    details.extend(line_changes(
        &lines_of(&row.before_json),
        &lines_of(&row.after_json),
        ("", ""),
    ));
    details.extend(income_changes(
        income_of(&row.before_json).as_ref(),
        income_of(&row.after_json).as_ref(),
        ("", ""),
    ));
    details
}

pub(super) fn history_entry(row: AuditRow) -> HistoryEntry {
    let parse_lines = |json: &Option<String>| -> Vec<SpendLine> {
        json.as_deref()
            .and_then(|j| serde_json::from_str(j).ok())
            .unwrap_or_default()
    };
    let after: serde_json::Value = row
        .after_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let (action, details) = match AuditAction::parse(&row.action) {
        Some(AuditAction::ReturnCreated) => ("Started".to_owned(), Vec::new()),
        Some(AuditAction::ReturnLinesSaved) => (
            "Figures saved".to_owned(),
            line_changes(
                &parse_lines(&row.before_json),
                &parse_lines(&row.after_json),
                ("", ""),
            ),
        ),
        Some(AuditAction::ReturnIncomeSaved) => {
            let income_of = |side: &Option<String>| -> Option<Income> {
                side.as_deref().and_then(|j| serde_json::from_str(j).ok())
            };
            (
                "Income saved".to_owned(),
                income_changes(
                    income_of(&row.before_json).as_ref(),
                    income_of(&row.after_json).as_ref(),
                    ("", ""),
                ),
            )
        }
        Some(AuditAction::ReturnExplanationsSaved) => {
            ("Explanations saved".to_owned(), explanation_details(&after))
        }
        Some(AuditAction::ReturnImported) => (
            "Imported from a spreadsheet".to_owned(),
            import_details(&row, &after),
        ),
        Some(AuditAction::ReturnSubmitted) => ("Submitted".to_owned(), Vec::new()),
        Some(AuditAction::ReturnApproved) => ("Approved".to_owned(), Vec::new()),
        Some(AuditAction::ReturnSentBack) => (
            "Sent back".to_owned(),
            after["reason"]
                .as_str()
                .map(|r| vec![format!("Reason: {r}")])
                .unwrap_or_default(),
        ),
        Some(AuditAction::ReturnRestated) => {
            ("Restatement started (a new version)".to_owned(), Vec::new())
        }
        Some(AuditAction::ReturnWithdrawn) => (
            "Withdrawn from the board by its officers (a draft again)".to_owned(),
            Vec::new(),
        ),
        _ => (row.action.clone(), Vec::new()),
    };
    HistoryEntry {
        at: timestamp(row.at),
        actor: row.actor_email.unwrap_or_else(|| "-".into()),
        action,
        details,
    }
}

/// Everything the return page shows: the newest version, last year's lines, the warnings with
/// their explanations, the revision history and what this person may do.
#[tracing::instrument(skip_all, fields(user = read.user().id, org = read.code(), %fy))]
pub async fn page(db: &Db, read: &ReadBody<'_>, fy: FinancialYear) -> Result<ReturnPage, AppError> {
    let actor = read.actor();
    let key = &ReturnRef {
        org_code: read.code(),
        fy,
    };
    let (org_code, fy) = (key.org_code, key.fy);
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = org_id(&mut conn, org_code).await?;
    let (org_name, _) = crate::db::organisations::name_and_sector(&mut conn, org)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {org_code:?}")))?;
    let year = i64::from(fy.start_year());
    let current = match returns::latest(&mut conn, org, year).await? {
        Some(record) => Some(view(&mut conn, key, record).await?),
        None => None,
    };
    let last_year = last_year_lines(&mut conn, org, fy).await?;
    let warnings = match &current {
        Some(current) => {
            let explained = returns::explanations(&mut conn, current.id).await?;
            warnings_for(&mut conn, org, fy, &current.lines)
                .await?
                .into_iter()
                .map(|w| WarningView {
                    explanation: explained
                        .iter()
                        .find(|(c, _)| *c == w.category)
                        .map(|(_, e)| e.clone()),
                    category: w.category,
                    message: w.message,
                })
                .collect()
        }
        None => Vec::new(),
    };
    let deadline = due_date(returns::deadline(&mut conn, year).await?)?;
    let status = current.as_ref().map(|c| c.status);
    let outside_life = year_refusal(&mut conn, org_code, fy).await?;
    let writer = actor.can_write_body(org_code) && outside_life.is_none();
    let reviewer = actor.reads_all();
    let may = ReturnPermissions {
        start: writer && current.is_none(),
        edit: writer && status.is_some_and(ReturnStatus::is_editable),
        submit: writer && status.is_some_and(ReturnStatus::is_editable),
        review: reviewer && status == Some(ReturnStatus::Submitted),
        restate: writer && status == Some(ReturnStatus::Approved),
        withdraw: writer && status == Some(ReturnStatus::Submitted),
    };
    Ok(ReturnPage {
        org_code: org_code.to_owned(),
        org_name,
        financial_year: fy,
        deadline,
        overdue: is_overdue(deadline, status),
        versions: returns::versions(&mut conn, org, year)
            .await?
            .into_iter()
            .map(|(_, v, s)| (v, s))
            .collect(),
        history: returns::history(&mut conn, org, year)
            .await?
            .into_iter()
            .map(history_entry)
            .collect(),
        current,
        last_year,
        warnings,
        may,
        outside_life,
    })
}

/// The deadlines set, newest year first.
#[tracing::instrument(skip_all)]
pub async fn deadlines(db: &Db) -> Result<Vec<DeadlineView>, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    returns::deadlines(&mut conn)
        .await?
        .into_iter()
        .map(|(year, due)| {
            Ok(DeadlineView {
                financial_year: year_of(year)?,
                due: due_date(Some(due))?.unwrap_or_default(),
            })
        })
        .collect()
}

pub(super) fn year_of(start: i64) -> Result<FinancialYear, AppError> {
    i32::try_from(start)
        .ok()
        .and_then(|y| FinancialYear::starting(y).ok())
        .ok_or_else(|| {
            AppError::internal(format!("a stored financial year {start} is out of range"))
        })
}
