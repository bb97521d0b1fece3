//! Spend returns: open a draft, save its lines, and move it through its lifecycle.
//!
//! Policy: officers read and write only their own bodies' returns (`CurrentUser`); the board and
//! admins read all and approve or send back. Every save names the `row_version` it edited, and
//! a stale one is a conflict, never a silent overwrite. Each change writes its audit row (before
//! and after) in the same transaction. A restatement copies the approved lines into a new draft
//! version; the approved version is never changed.

use crate::db::audit::{self, AuditEntry};
use crate::db::returns::{self, ReturnRecord};
use crate::db::{Db, DbError};
use crate::domain::spend_line::{parse_line, LineInput, SpendLine};
use crate::domain::{FinancialYear, ReturnAction, ReturnStatus, SpendCategory};
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

/// A return as its pages show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnView {
    pub id: i64,
    pub org_code: String,
    pub financial_year: FinancialYear,
    pub version: i64,
    pub status: ReturnStatus,
    pub row_version: i64,
    pub returned_reason: Option<String>,
    pub lines: Vec<SpendLine>,
}

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

async fn view(
    conn: &mut AnyConnection,
    key: &ReturnRef<'_>,
    r: ReturnRecord,
) -> Result<ReturnView, AppError> {
    Ok(ReturnView {
        lines: returns::lines(conn, r.id).await?,
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

/// The body's return for the year, creating an empty draft (version 1) if there is none.
pub async fn open(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    key: &ReturnRef<'_>,
) -> Result<ReturnView, AppError> {
    let (org_code, fy) = (key.org_code, key.fy);
    if !user.may_write_org(org_code) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.pool().begin().await.map_err(DbError::from)?;
    let org = org_id(&mut tx, org_code).await?;
    let year = i64::from(fy.start_year());
    let record = match returns::latest(&mut tx, org, year).await? {
        Some(existing) => existing,
        None => {
            let id = returns::insert(&mut tx, org, year, 1, now(), user.id).await?;
            let mut entry = entry(user, client, "return_created", id);
            entry.after =
                Some(serde_json::json!({ "org": org_code, "fy": fy.to_string(), "version": 1 }));
            audit::record(&mut tx, &entry).await?;
            returns::latest(&mut tx, org, year)
                .await?
                .ok_or_else(|| AppError::internal("a new return vanished"))?
        }
    };
    let view = view(&mut tx, key, record).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(view)
}

fn entry(user: &CurrentUser, client: &Client, action: &str, return_id: i64) -> AuditEntry {
    AuditEntry {
        at: now(),
        actor_user_id: Some(user.id),
        actor_email: Some(user.email.clone()),
        action: action.to_owned(),
        entity_type: "return".to_owned(),
        entity_id: Some(return_id.to_string()),
        client_addr: Some(client.addr.clone()),
        ..AuditEntry::default()
    }
}

/// Checks every line as typed; all problems at once, each naming its field.
pub fn parse_lines(inputs: &[(SpendCategory, LineInput<'_>)]) -> Result<Vec<SpendLine>, AppError> {
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (category, input) in inputs {
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

/// Saves the lines of an editable return that nobody changed since `row_version`.
pub async fn save_lines(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    key: &ReturnRef<'_>,
    row_version: i64,
    lines: &[SpendLine],
) -> Result<ReturnView, AppError> {
    if !user.may_write_org(key.org_code) {
        return Err(AppError::Forbidden);
    }
    let mut tx = db.pool().begin().await.map_err(DbError::from)?;
    let (org, current) = current_at(&mut tx, key, row_version).await?;
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
    let mut e = entry(user, client, "return_lines_saved", current.id);
    e.before = Some(serde_json::to_value(&before).map_err(AppError::internal)?);
    e.after = Some(serde_json::to_value(lines).map_err(AppError::internal)?);
    audit::record(&mut tx, &e).await?;
    read_back_and_commit(tx, org, key).await
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
    let mut tx = db.pool().begin().await.map_err(DbError::from)?;
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
    let (target, label) = if action == ReturnAction::Restate {
        let lines = returns::lines(&mut tx, current.id).await?;
        let id = returns::insert(&mut tx, org, year, current.version + 1, now(), user.id).await?;
        returns::replace_lines(&mut tx, id, &lines).await?;
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
            _ => "return_sent_back",
        };
        (current.id, label)
    };
    let mut e = entry(user, client, label, target);
    e.before =
        Some(serde_json::json!({ "status": current.status.code(), "version": current.version }));
    e.after = Some(serde_json::json!({ "status": next.code(), "reason": reason }));
    audit::record(&mut tx, &e).await?;
    read_back_and_commit(tx, org, key).await
}
