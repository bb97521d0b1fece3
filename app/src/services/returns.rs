//! Spend returns: open a draft, save its lines, and move it through its lifecycle.
//!
//! Policy: officers read and write only their own bodies' returns (`CurrentUser`); the board and
//! admins read all and approve or send back. Every save names the `row_version` it edited, and
//! a stale one is a conflict, never a silent overwrite. Each change writes its audit row (before
//! and after) in the same transaction. A restatement copies the approved lines into a new draft
//! version; the approved version is never changed.

use crate::db::audit::{self, AuditEntry, AuditRow};
use crate::db::returns::{self, ReturnRecord};
use crate::db::{Db, DbError};
use crate::domain::income::{income_changes, parse_income, Income, INCOME_CODE};
use crate::domain::spend_line::{
    change_warning, is_blank, parse_line, FieldError, LineInput, LineWarning, SpendLine,
};
use crate::domain::{FinancialYear, Money, ReturnAction, ReturnStatus, SpendCategory};
use crate::error::AppError;
use crate::model::returns::{
    DeadlineView, Figures, HistoryEntry, ReturnExport, ReturnListRow, ReturnPage,
    ReturnPermissions, StatusBoard, StatusCounts, WarningExplanation, WarningView,
};
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use chrono::NaiveDate;
use sqlx::AnyConnection;

pub use crate::model::returns::ReturnView;

/// Which return: a body and a financial year (the newest version is meant).
#[derive(Clone, Copy, Debug)]
pub struct ReturnRef<'a> {
    pub org_code: &'a str,
    pub fy: FinancialYear,
}

fn conflict() -> AppError {
    AppError::Conflict("Someone changed this return after you opened it. Reload it to see their changes, then make yours again.".into())
}

async fn org_id(conn: &mut AnyConnection, org_code: &str) -> Result<i64, AppError> {
    returns::org_id(conn, org_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {org_code:?}")))
}

/// Why the body does not answer for the year (ADR 0010, rule 1: it did not exist on 1 April),
/// naming its dates and successors; `None` when it does. `NotFound` for an unknown body.
pub async fn year_refusal(
    conn: &mut AnyConnection,
    org_code: &str,
    fy: FinancialYear,
) -> Result<Option<String>, AppError> {
    let body = crate::db::savings::body(&mut *conn, org_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {org_code:?}")))?;
    let successors = crate::db::organisations::successor_names(conn, body.id).await?;
    Ok(body.lifetime().refusal(&body.name, fy, &successors))
}

/// Refuses a change to a return for a year the body does not answer for.
async fn check_year(conn: &mut AnyConnection, key: &ReturnRef<'_>) -> Result<(), AppError> {
    match year_refusal(conn, key.org_code, key.fy).await? {
        Some(text) => Err(AppError::validation("financial-year", text)),
        None => Ok(()),
    }
}

async fn view(
    conn: &mut AnyConnection,
    key: &ReturnRef<'_>,
    r: ReturnRecord,
) -> Result<ReturnView, AppError> {
    Ok(ReturnView {
        lines: returns::lines(conn, r.id).await?,
        income: returns::income(conn, r.id).await?,
        id: r.id,
        org_code: key.org_code.to_owned(),
        financial_year: key.fy,
        version: r.version,
        status: r.status,
        row_version: r.row_version,
        returned_reason: r.returned_reason,
    })
}

/// The newest version, refused as a conflict if anyone changed it since `row_version`.
async fn current_at(
    conn: &mut AnyConnection,
    key: &ReturnRef<'_>,
    row_version: i64,
) -> Result<(i64, ReturnRecord), AppError> {
    let org = org_id(conn, key.org_code).await?;
    let current = returns::latest(conn, org, i64::from(key.fy.start_year()))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("A {} return for {}", key.fy, key.org_code)))?;
    if current.row_version != row_version {
        return Err(conflict());
    }
    Ok((org, current))
}

/// Reads the newest version back inside the transaction, then commits.
async fn read_back_and_commit(
    mut tx: sqlx::Transaction<'_, sqlx::Any>,
    org: i64,
    key: &ReturnRef<'_>,
) -> Result<ReturnView, AppError> {
    let record = returns::latest(&mut tx, org, i64::from(key.fy.start_year()))
        .await?
        .ok_or_else(|| AppError::internal("a return vanished"))?;
    let view = view(&mut tx, key, record).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(view)
}

/// The newest version of the body's return for the year, or `NotFound`.
pub async fn get(db: &Db, user: &CurrentUser, key: &ReturnRef<'_>) -> Result<ReturnView, AppError> {
    let (org_code, fy) = (key.org_code, key.fy);
    if !user.may_read_org(org_code) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = org_id(&mut conn, org_code).await?;
    let record = returns::latest(&mut conn, org, i64::from(fy.start_year()))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("A {fy} return for {org_code}")))?;
    view(&mut conn, key, record).await
}

/// The newest version of the body's return for the year, or a new empty draft (version 1) with
/// its audit row, inside the caller's transaction.
async fn latest_or_new(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    org: i64,
    key: &ReturnRef<'_>,
) -> Result<ReturnRecord, AppError> {
    let year = i64::from(key.fy.start_year());
    check_year(&mut *conn, key).await?;
    if let Some(existing) = returns::latest(&mut *conn, org, year).await? {
        return Ok(existing);
    }
    let id = returns::insert(&mut *conn, org, year, 1, now(), user.id).await?;
    let mut e = entry(user, client, "return_created", id);
    e.after =
        Some(serde_json::json!({ "org": key.org_code, "fy": key.fy.to_string(), "version": 1 }));
    audit::record(&mut *conn, &e).await?;
    returns::latest(conn, org, year)
        .await?
        .ok_or_else(|| AppError::internal("a new return vanished"))
}

/// The body's return for the year, creating an empty draft (version 1) if there is none.
pub async fn open(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    key: &ReturnRef<'_>,
) -> Result<ReturnView, AppError> {
    let org_code = key.org_code;
    if !user.may_write_org(org_code) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let org = org_id(&mut tx, org_code).await?;
    let record = latest_or_new(&mut tx, user, client, org, key).await?;
    let view = view(&mut tx, key, record).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(view)
}

fn entry(user: &CurrentUser, client: &Client, action: &str, return_id: i64) -> AuditEntry {
    AuditEntry::by(user, &client.addr, action, "return", return_id)
}

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
pub async fn save_lines(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    key: &ReturnRef<'_>,
    row_version: i64,
    figures: &Figures,
    explanations: &[(SpendCategory, String)],
) -> Result<ReturnView, AppError> {
    let lines = figures.lines.as_slice();
    if !user.may_write_org(key.org_code) {
        return Err(AppError::Forbidden);
    }
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
        let mut e = entry(user, client, "return_lines_saved", current.id);
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
        let mut e = entry(user, client, "return_explanations_saved", current.id);
        e.before = Some(explanations_json(&old));
        e.after = Some(explanations_json(&kept));
        audit::record(&mut tx, &e).await?;
    }
    read_back_and_commit(tx, org, key).await
}

/// Replaces a version's income line, with an audit row when it changed.
async fn save_income(
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
    let mut e = entry(user, client, "return_income_saved", return_id);
    e.before = Some(serde_json::to_value(&before).map_err(AppError::internal)?);
    e.after = Some(serde_json::to_value(income).map_err(AppError::internal)?);
    audit::record(conn, &e).await?;
    Ok(())
}

fn explanations_json(list: &[(SpendCategory, String)]) -> serde_json::Value {
    serde_json::Value::Object(
        list.iter()
            .map(|(c, t)| (c.code().to_owned(), serde_json::Value::String(t.clone())))
            .collect(),
    )
}

/// The longest explanation accepted for a warning.
pub const MAX_EXPLANATION_CHARS: usize = 2000;

fn check_explanations(explanations: &[(SpendCategory, String)]) -> Result<(), AppError> {
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
async fn stale_save(
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
async fn last_year_lines(
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
async fn warnings_for(
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

/// What an import is compared with: the newest version's status and lines, and last year's
/// lines (no permission check: callers check first).
pub async fn stored_for_import(
    db: &Db,
    key: &ReturnRef<'_>,
) -> Result<(Option<ReturnStatus>, Figures, Vec<SpendLine>), AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = org_id(&mut conn, key.org_code).await?;
    let (status, figures) =
        match returns::latest(&mut conn, org, i64::from(key.fy.start_year())).await? {
            Some(r) => (
                Some(r.status),
                Figures {
                    lines: returns::lines(&mut conn, r.id).await?,
                    income: returns::income(&mut conn, r.id).await?,
                },
            ),
            None => (None, Figures::default()),
        };
    let last = last_year_lines(&mut conn, org, key.fy).await?;
    Ok((status, figures, last))
}

/// A file whose figures are imported, as the audit log records it.
#[derive(Clone, Debug)]
pub struct ImportedFile<'a> {
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub size_bytes: i64,
    /// The stored upload it came from (marked committed in the same transaction).
    pub upload_id: Option<i64>,
}

/// Replaces the figures (lines and income) of the body's return for the year with `figures`
/// from an imported file, in one transaction: the return is created (version 1, draft) if there
/// is none; a submitted or approved one is refused. Returns the stored return and whether
/// anything changed (the same figures again change nothing and write nothing).
pub async fn import_lines(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    key: &ReturnRef<'_>,
    figures: &Figures,
    file: &ImportedFile<'_>,
) -> Result<(ReturnView, bool), AppError> {
    if !user.may_write_org(key.org_code) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let org = org_id(&mut tx, key.org_code).await?;
    let changed = import_lines_in(&mut tx, user, client, org, key, figures, file).await?;
    if changed {
        if let Some(upload) = file.upload_id {
            if !crate::db::imports::mark_committed(&mut tx, upload, now()).await? {
                return Err(AppError::Conflict(
                    "This upload was committed already; upload the file again to import it again."
                        .into(),
                ));
            }
        }
    }
    let view = read_back_and_commit(tx, org, key).await?;
    Ok((view, changed))
}

/// Replaces the newest editable version's figures with `figures` inside the caller's
/// transaction, with the audit row naming the file; false (and nothing written but a new empty
/// draft) when they are the stored figures already. The caller has checked that the user may
/// write the body.
pub(crate) async fn import_lines_in(
    tx: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    org: i64,
    key: &ReturnRef<'_>,
    figures: &Figures,
    file: &ImportedFile<'_>,
) -> Result<bool, AppError> {
    let lines = figures.lines.as_slice();
    let current = latest_or_new(tx, user, client, org, key).await?;
    let next = current
        .status
        .apply(ReturnAction::Edit, user.role, None)
        .map_err(|_| AppError::Conflict(import_blocked(current.status)))?;
    let before = returns::lines(tx, current.id).await?;
    let income_before = returns::income(tx, current.id).await?;
    if before.as_slice() == lines && income_before == figures.income {
        return Ok(false);
    }
    if !returns::update_status(
        tx,
        current.id,
        current.row_version,
        next,
        None,
        now(),
        user.id,
    )
    .await?
    {
        return Err(conflict());
    }
    returns::replace_lines(tx, current.id, lines).await?;
    returns::replace_income(tx, current.id, figures.income.as_ref()).await?;
    let mut e = entry(user, client, "return_imported", current.id);
    e.before = Some(serde_json::json!({ "lines": before, "income": income_before }));
    e.after = Some(serde_json::json!({
        "lines": lines,
        "income": figures.income,
        "file_name": file.file_name,
        "sha256": file.sha256,
        "size_bytes": file.size_bytes,
    }));
    audit::record(tx, &e).await?;
    Ok(true)
}

/// Why a return in this state cannot take an import.
pub fn import_blocked(status: ReturnStatus) -> String {
    match status {
        ReturnStatus::Submitted => "The return is with the programme board. Ask them to send it back before you import new figures.".into(),
        ReturnStatus::Approved => "The return is approved and locked. Start a restatement on the return's page, then import into the new version.".into(),
        _ => "The return cannot be changed now.".into(),
    }
}

/// Submits, approves, sends back (with a reason) or restates the newest version.
pub async fn act(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    key: &ReturnRef<'_>,
    row_version: i64,
    action: ReturnAction,
    reason: Option<&str>,
) -> Result<ReturnView, AppError> {
    let (org_code, fy) = (key.org_code, key.fy);
    let allowed = match action {
        ReturnAction::Approve | ReturnAction::SendBack => user.may_read_org(org_code),
        _ => user.may_write_org(org_code),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.begin().await?;
    // A return stored for a year its body does not answer for can still be sent back.
    if action != ReturnAction::SendBack {
        check_year(&mut tx, key).await?;
    }
    let (org, current) = current_at(&mut tx, key, row_version).await?;
    let year = i64::from(fy.start_year());
    let next = current
        .status
        .apply(action, user.role, reason)
        .map_err(|e| match e {
            crate::domain::TransitionError::ReasonRequired => {
                AppError::validation("reason", e.to_string())
            }
            crate::domain::TransitionError::NotYourRole { .. } => AppError::Forbidden,
            other => AppError::Conflict(other.to_string()),
        })?;
    if action == ReturnAction::Submit {
        let lines = returns::lines(&mut tx, current.id).await?;
        let explained = returns::explanations(&mut tx, current.id).await?;
        let mut missing = blank_categories(&mut tx, org, fy, &lines).await?;
        missing.extend(
            warnings_for(&mut tx, org, fy, &lines)
                .await?
                .into_iter()
                .filter(|w| !explained.iter().any(|(c, _)| *c == w.category))
                .map(|w| FieldError {
                    field: format!("{}-explanation", w.category.code()),
                    message: format!("{} Save an explanation before you submit.", w.message),
                }),
        );
        if !missing.is_empty() {
            return Err(AppError::Fields(missing));
        }
    }
    let (target, label) = if action == ReturnAction::Restate {
        let lines = returns::lines(&mut tx, current.id).await?;
        let id = returns::insert(&mut tx, org, year, current.version + 1, now(), user.id).await?;
        returns::replace_lines(&mut tx, id, &lines).await?;
        let income = returns::income(&mut tx, current.id).await?;
        returns::replace_income(&mut tx, id, income.as_ref()).await?;
        let explained = returns::explanations(&mut tx, current.id).await?;
        returns::replace_explanations(&mut tx, id, &explained).await?;
        (id, "return_restated")
    } else {
        let reason = (action == ReturnAction::SendBack)
            .then_some(reason)
            .flatten();
        if !returns::update_status(
            &mut tx,
            current.id,
            row_version,
            next,
            reason,
            now(),
            user.id,
        )
        .await?
        {
            return Err(conflict());
        }
        let label = match action {
            ReturnAction::Submit => "return_submitted",
            ReturnAction::Approve => "return_approved",
            ReturnAction::Withdraw => "return_withdrawn",
            _ => "return_sent_back",
        };
        (current.id, label)
    };
    // The counted return may have changed: keep the savings read model in step.
    crate::services::savings::refresh(&mut tx, &[org]).await?;
    let mut e = entry(user, client, label, target);
    e.before =
        Some(serde_json::json!({ "status": current.status.code(), "version": current.version }));
    e.after = Some(serde_json::json!({ "status": next.code(), "reason": reason }));
    audit::record(&mut tx, &e).await?;
    read_back_and_commit(tx, org, key).await
}

/// The categories the body's baseline has an amount in but the return leaves blank: each
/// needs a figure, £0 allowed, before the return is submitted (ADR 0010, rule 3).
async fn blank_categories(
    conn: &mut AnyConnection,
    org: i64,
    fy: FinancialYear,
    lines: &[SpendLine],
) -> Result<Vec<FieldError>, AppError> {
    let Some(baseline) = crate::services::savings::effective_baseline_of(conn, org).await? else {
        return Ok(Vec::new());
    };
    Ok(crate::domain::savings::counting::missing_categories(&baseline, |c| {
        lines.iter().any(|l| l.category == c)
    })
    .into_iter()
    .map(|c| FieldError {
        field: format!("{}-capital", c.code()),
        message: format!(
            "Enter {} for {fy}, £0 if there was none: the body's baseline has {} for it, and a blank is not counted as zero.",
            c.name().to_lowercase(),
            baseline.amount(c)
        ),
    })
    .collect())
}

fn today() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

fn timestamp(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn due_date(text: Option<String>) -> Result<Option<NaiveDate>, AppError> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map_err(|_| AppError::internal(format!("a stored deadline {t:?} is not a date")))
    })
    .transpose()
}

fn is_overdue(deadline: Option<NaiveDate>, status: Option<ReturnStatus>) -> bool {
    deadline.is_some_and(|d| d < today())
        && !matches!(
            status,
            Some(ReturnStatus::Submitted | ReturnStatus::Approved)
        )
}

fn history_entry(row: AuditRow) -> HistoryEntry {
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
    let (action, details) = match row.action.as_str() {
        "return_created" => ("Started".to_owned(), Vec::new()),
        "return_lines_saved" => (
            "Figures saved".to_owned(),
            line_changes(
                &parse_lines(&row.before_json),
                &parse_lines(&row.after_json),
                ("", ""),
            ),
        ),
        "return_income_saved" => {
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
        "return_explanations_saved" => (
            "Explanations saved".to_owned(),
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
                .unwrap_or_default(),
        ),
        "return_imported" => {
            let lines_of = |side: &Option<String>| -> Vec<SpendLine> {
                side.as_deref()
                    .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                    .and_then(|v| serde_json::from_value(v["lines"].clone()).ok())
                    .unwrap_or_default()
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
            let income_of = |side: &Option<String>| -> Option<Income> {
                side.as_deref()
                    .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
                    .and_then(|v| serde_json::from_value(v["income"].clone()).ok())
                    .flatten()
            };
            details.extend(income_changes(
                income_of(&row.before_json).as_ref(),
                income_of(&row.after_json).as_ref(),
                ("", ""),
            ));
            ("Imported from a spreadsheet".to_owned(), details)
        }
        "return_submitted" => ("Submitted".to_owned(), Vec::new()),
        "return_approved" => ("Approved".to_owned(), Vec::new()),
        "return_sent_back" => (
            "Sent back".to_owned(),
            after["reason"]
                .as_str()
                .map(|r| vec![format!("Reason: {r}")])
                .unwrap_or_default(),
        ),
        "return_restated" => ("Restatement started (a new version)".to_owned(), Vec::new()),
        "return_withdrawn" => (
            "Withdrawn from the board by its officers (a draft again)".to_owned(),
            Vec::new(),
        ),
        other => (other.to_owned(), Vec::new()),
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
pub async fn page(
    db: &Db,
    user: &CurrentUser,
    key: &ReturnRef<'_>,
) -> Result<ReturnPage, AppError> {
    let (org_code, fy) = (key.org_code, key.fy);
    if !user.may_read_org(org_code) {
        return Err(AppError::Forbidden);
    }
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
    let writer = user.may_write_org(org_code) && outside_life.is_none();
    let reviewer = user.role.reads_all_organisations();
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

fn year_of(start: i64) -> Result<FinancialYear, AppError> {
    i32::try_from(start)
        .ok()
        .and_then(|y| FinancialYear::starting(y).ok())
        .ok_or_else(|| {
            AppError::internal(format!("a stored financial year {start} is out of range"))
        })
}

/// Parses a deadline as typed (`YYYY-MM-DD`), naming the field if it is not a real date.
pub fn parse_due_date(text: &str) -> Result<NaiveDate, AppError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::validation("due", "Enter the deadline as a date like 2014-06-30"))
}

/// Sets a year's deadline (programme office only).
pub async fn set_deadline(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    fy: FinancialYear,
    due: NaiveDate,
) -> Result<(), AppError> {
    if user.role != crate::domain::Role::Admin {
        return Err(AppError::Forbidden);
    }
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
    let mut e = entry(user, client, "deadline_set", 0);
    e.entity_type = "deadline".to_owned();
    e.entity_id = Some(fy.to_string());
    e.before = before.map(serde_json::Value::String);
    e.after = Some(serde_json::Value::String(due_text));
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

fn list_row(
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

fn not_started(
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

async fn deadline_map(
    conn: &mut AnyConnection,
) -> Result<std::collections::BTreeMap<i64, NaiveDate>, AppError> {
    returns::deadlines(conn)
        .await?
        .into_iter()
        .map(|(y, d)| Ok((y, due_date(Some(d))?.unwrap_or_default())))
        .collect()
}

fn current_year() -> FinancialYear {
    FinancialYear::containing(today()).unwrap_or_else(|_| FinancialYear::mcclelland_baseline())
}

/// An officer's returns: each of their bodies for every year with a deadline or a return, and
/// the current year, newest year first. Board and admin have none of their own.
pub async fn my_returns(db: &Db, user: &CurrentUser) -> Result<Vec<ReturnListRow>, AppError> {
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
pub async fn status_board(
    db: &Db,
    user: &CurrentUser,
    choice: BoardYears,
    sector: Option<crate::domain::Sector>,
) -> Result<StatusBoard, AppError> {
    if !user.role.reads_all_organisations() {
        return Err(AppError::Forbidden);
    }
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

/// The newest version of each return the user may read, optionally for one year and one body.
pub async fn export(
    db: &Db,
    user: &CurrentUser,
    fy: Option<FinancialYear>,
    org_code: Option<&str>,
) -> Result<Vec<ReturnExport>, AppError> {
    if let Some(code) = org_code {
        if !user.may_read_org(code) {
            return Err(AppError::Forbidden);
        }
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    if let Some(code) = org_code {
        org_id(&mut conn, code).await?;
    }
    let rows =
        returns::latest_returns(&mut conn, fy.map(|f| i64::from(f.start_year())), org_code).await?;
    let mut out = Vec::new();
    for r in rows.into_iter().filter(|r| user.may_read_org(&r.org_code)) {
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
