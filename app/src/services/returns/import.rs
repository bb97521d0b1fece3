//! A spreadsheet's lines written into a return (issue 5), inside the import's transaction.

use super::save::last_year_lines;
use super::{conflict, entry, latest_or_new, org_id, read_back_and_commit, ReturnRef};
use crate::access::WriteBody;
use crate::db::audit::{self};
use crate::db::returns::{self};
use crate::db::{Db, DbError};
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, ReturnAction, ReturnStatus};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::returns::Figures;
use crate::model::returns::ReturnView;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use sqlx::AnyConnection;

/// What an import is compared with: the newest version's status and lines, and last year's
/// lines (no permission check: callers check first).
#[tracing::instrument(skip_all, fields(org = %key.org_code, fy = %key.fy))]
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
#[tracing::instrument(skip_all, fields(user = write.user().id, org = write.code(), %fy))]
pub async fn import_lines(
    db: &Db,
    write: &WriteBody<'_>,
    fy: FinancialYear,
    figures: &Figures,
    file: &ImportedFile<'_>,
) -> Result<(ReturnView, bool), AppError> {
    let key = &ReturnRef {
        org_code: write.code(),
        fy,
    };
    let user = write.user();
    let client = write.client();
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
#[tracing::instrument(skip_all, fields(user = user.id, org, org = %key.org_code, fy = %key.fy))]
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
    let mut e = entry(user, client, AuditAction::ReturnImported, current.id);
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
