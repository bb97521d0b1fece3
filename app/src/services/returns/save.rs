//! Saving a return's lines and income: parsing as typed, the changes, stale forms, and the
//! warnings on big changes from last year.

use super::{check_year, conflict, entry, org_id, read_back_and_commit, ReturnRef};
use crate::access::WriteBody;
use crate::db::audit::{self};
use crate::db::returns::{self, ReturnRecord};
use crate::db::Db;
use crate::domain::income::{income_changes, parse_income, Income};
use crate::domain::spend_line::{
    change_warning, is_blank, parse_line, FieldError, LineInput, LineWarning, SpendLine,
};
use crate::domain::{FinancialYear, Money, ReturnAction, SpendCategory};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::returns::Figures;
use crate::model::returns::ReturnView;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use sqlx::AnyConnection;

/// Checks every line as typed; all problems at once, each naming its field.
pub fn parse_lines(inputs: &[(SpendCategory, LineInput<'_>)]) -> Result<Vec<SpendLine>, AppError> {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (category, input) in inputs.iter().filter(|(_, input)| !is_blank(input)) {
        match parse_line(*category, input) {
            Ok(line) => lines.push(line),
            Err(mut errors) => problems.append(&mut errors),
        }
    }
    if problems.is_empty() {
        Ok(lines)
    } else {
        Err(AppError::Fields(problems))
    }
}

/// Checks every spend line and the income line as typed; all problems at once, each naming its
/// field.
pub fn parse_figures(
    inputs: &[(SpendCategory, LineInput<'_>)],
    income: &LineInput<'_>,
) -> Result<Figures, AppError> {
    let (lines, mut problems) = match parse_lines(inputs) {
        Ok(lines) => (lines, Vec::new()),
        Err(AppError::Fields(problems)) => (Vec::new(), problems),
        Err(other) => return Err(other),
    };
    match parse_income(income) {
        Ok(income) if problems.is_empty() => Ok(Figures { lines, income }),
        Ok(_) => Err(AppError::Fields(problems)),
        Err(mut more) => {
            problems.append(&mut more);
            Err(AppError::Fields(problems))
        }
    }
}

/// Saves the figures (lines and income) of an editable return that nobody changed since
/// `row_version`, with the officer's explanations of its warnings (explanations for lines that
/// no longer warn are dropped).
#[tracing::instrument(skip_all, fields(user = write.user().id, org = write.code(), %fy, row_version))]
pub async fn save_lines(
    db: &Db,
    write: &WriteBody<'_>,
    fy: FinancialYear,
    row_version: i64,
    figures: &Figures,
    explanations: &[(SpendCategory, String)],
) -> Result<ReturnView, AppError> {
    let key = &ReturnRef {
        org_code: write.code(),
        fy,
    };
    let user = write.user();
    let client = write.client();
    let lines = figures.lines.as_slice();
    check_explanations(explanations)?;
    let mut tx = db.begin().await?;
    let org = org_id(&mut tx, key.org_code).await?;
    check_year(&mut tx, key).await?;
    let current = returns::latest(&mut tx, org, i64::from(key.fy.start_year()))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("A {} return for {}", key.fy, key.org_code)))?;
    if current.row_version != row_version {
        return Err(stale_save(&mut tx, &current, figures).await?);
    }
    let next = current
        .status
        .apply(ReturnAction::Edit, user.role, None)
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let before = returns::lines(&mut tx, current.id).await?;
    if !returns::update_status(&mut tx, current.id, row_version, next, None, now(), user.id).await?
    {
        return Err(conflict());
    }
    returns::replace_lines(&mut tx, current.id, lines).await?;
    if before.as_slice() != lines {
        let mut e = entry(user, client, AuditAction::ReturnLinesSaved, current.id);
        e.before = Some(serde_json::to_value(&before).map_err(AppError::internal)?);
        e.after = Some(serde_json::to_value(lines).map_err(AppError::internal)?);
        audit::record(&mut tx, &e).await?;
    }
    save_income(&mut tx, user, client, current.id, figures.income.as_ref()).await?;
    let warned: Vec<SpendCategory> = warnings_for(&mut tx, org, key.fy, lines)
        .await?
        .into_iter()
        .map(|w| w.category)
        .collect();
    let kept: Vec<(SpendCategory, String)> = explanations
        .iter()
        .filter(|(c, text)| warned.contains(c) && !text.trim().is_empty())
        .map(|(c, text)| (*c, text.trim().to_owned()))
        .collect();
    let old = returns::explanations(&mut tx, current.id).await?;
    if old != kept {
        returns::replace_explanations(&mut tx, current.id, &kept).await?;
        let mut e = entry(
            user,
            client,
            AuditAction::ReturnExplanationsSaved,
            current.id,
        );
        e.before = Some(explanations_json(&old));
        e.after = Some(explanations_json(&kept));
        audit::record(&mut tx, &e).await?;
    }
    read_back_and_commit(tx, org, key).await
}

/// Replaces a version's income line, with an audit row when it changed.
pub(super) async fn save_income(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    return_id: i64,
    income: Option<&Income>,
) -> Result<(), AppError> {
    let before = returns::income(conn, return_id).await?;
    if before.as_ref() == income {
        return Ok(());
    }
    returns::replace_income(conn, return_id, income).await?;
    let mut e = entry(user, client, AuditAction::ReturnIncomeSaved, return_id);
    e.before = Some(serde_json::to_value(&before).map_err(AppError::internal)?);
    e.after = Some(serde_json::to_value(income).map_err(AppError::internal)?);
    audit::record(conn, &e).await?;
    Ok(())
}

pub(super) fn explanations_json(list: &[(SpendCategory, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        list.iter()
            .map(|(c, t)| (c.code().to_owned(), serde_json::Value::String(t.clone())))
            .collect(),
    )
}

/// The longest explanation accepted for a warning.
pub const MAX_EXPLANATION_CHARS: usize = 2000;

pub(super) fn check_explanations(explanations: &[(SpendCategory, String)]) -> Result<(), AppError> {
    let problems: Vec<FieldError> = explanations
        .iter()
        .filter(|(_, text)| text.trim().chars().count() > MAX_EXPLANATION_CHARS)
        .map(|(c, _)| FieldError {
            field: format!("{}-explanation", c.code()),
            message: format!(
                "The explanation for {} must be at most {MAX_EXPLANATION_CHARS} characters",
                c.name()
            ),
        })
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AppError::Fields(problems))
    }
}

/// The conflict a stale save gets: who changed the return, and how its figures now differ from
/// what this person entered (so nothing they typed is lost).
pub(super) async fn stale_save(
    conn: &mut AnyConnection,
    current: &ReturnRecord,
    mine: &Figures,
) -> Result<AppError, AppError> {
    let theirs = returns::lines(&mut *conn, current.id).await?;
    let their_income = returns::income(&mut *conn, current.id).await?;
    let who = returns::last_editor(&mut *conn, current.id)
        .await?
        .unwrap_or_else(|| "someone".to_owned());
    let mut differences = line_changes(&mine.lines, &theirs, ("you entered", "now"));
    differences.extend(income_changes(
        mine.income.as_ref(),
        their_income.as_ref(),
        ("you entered", "now"),
    ));
    let mut message = format!(
        "{who} changed this return after you opened it, so your changes were not saved. The form now shows the return as it is."
    );
    if differences.is_empty() {
        message.push_str(" Its figures are the same as the ones you entered.");
    } else {
        message.push_str(" What differs from what you entered: ");
        message.push_str(&differences.join("; "));
        message.push('.');
    }
    Ok(AppError::Conflict(message))
}

/// The differences between two sets of lines, one phrase per changed field. `labels` name the
/// two sides when both values are shown ("before", "after").
pub fn line_changes(
    before: &[SpendLine],
    after: &[SpendLine],
    labels: (&str, &str),
) -> Vec<String> {
    let mut out = Vec::new();
    for category in SpendCategory::ALL {
        let b = before.iter().find(|l| l.category == category);
        let a = after.iter().find(|l| l.category == category);
        if b.is_none() && a.is_none() {
            continue;
        }
        let money = |l: Option<&SpendLine>, f: fn(&SpendLine) -> Money| l.map_or(Money::ZERO, f);
        let mut field = |part: &str, old: String, new: String| {
            if old != new {
                let side = |value: &str, label: &str| {
                    if label.is_empty() {
                        value.to_owned()
                    } else {
                        format!("{value} ({label})")
                    }
                };
                out.push(format!(
                    "{} {part}: {} → {}",
                    category.name(),
                    side(&old, labels.0),
                    side(&new, labels.1)
                ));
            }
        };
        field(
            "capital",
            money(b, |l| l.capital).to_string(),
            money(a, |l| l.capital).to_string(),
        );
        field(
            "revenue",
            money(b, |l| l.revenue).to_string(),
            money(a, |l| l.revenue).to_string(),
        );
        let fte = |l: Option<&SpendLine>| {
            l.and_then(|l| l.fte)
                .map_or_else(|| "none".to_owned(), |f| format!("{} FTE", f.normalize()))
        };
        field("staff", fte(b), fte(a));
        let note = |l: Option<&SpendLine>| {
            l.and_then(|l| l.note.clone())
                .map_or_else(|| "no note".to_owned(), |n| format!("\"{n}\""))
        };
        field("note", note(b), note(a));
    }
    out
}

/// Last year's lines: the newest version of the body's return for the year before.
pub(super) async fn last_year_lines(
    conn: &mut AnyConnection,
    org: i64,
    fy: FinancialYear,
) -> Result<Vec<SpendLine>, AppError> {
    let Some(previous) = fy.previous() else {
        return Ok(Vec::new());
    };
    match returns::latest(&mut *conn, org, i64::from(previous.start_year())).await? {
        Some(record) => Ok(returns::lines(conn, record.id).await?),
        None => Ok(Vec::new()),
    }
}

/// The warnings the lines raise against last year's.
pub(super) async fn warnings_for(
    conn: &mut AnyConnection,
    org: i64,
    fy: FinancialYear,
    lines: &[SpendLine],
) -> Result<Vec<LineWarning>, AppError> {
    let last = last_year_lines(conn, org, fy).await?;
    let label = fy.previous().map(|p| p.to_string()).unwrap_or_default();
    Ok(lines
        .iter()
        .filter_map(|l| change_warning(l, last.iter().find(|x| x.category == l.category), &label))
        .collect())
}
