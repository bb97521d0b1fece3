//! Moving a return through its lifecycle: submit, withdraw, approve, send back, restate.

use super::save::warnings_for;
use super::{check_year, conflict, current_at, entry, read_back_and_commit, ReturnRef};
use crate::access::Actor;
use crate::db::audit::{self};
use crate::db::returns::{self};
use crate::db::Db;
use crate::domain::spend_line::{FieldError, SpendLine};
use crate::domain::{FinancialYear, ReturnAction};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::returns::ReturnView;
use crate::services::auth::now;
use sqlx::AnyConnection;

/// Submits, approves, sends back (with a reason) or restates the newest version.
#[tracing::instrument(skip_all, fields(user = actor.user.id, org = %key.org_code, fy = %key.fy, row_version, ?action))]
pub async fn act(
    db: &Db,
    actor: &Actor,
    key: &ReturnRef<'_>,
    row_version: i64,
    action: ReturnAction,
    reason: Option<&str>,
) -> Result<ReturnView, AppError> {
    let user = &actor.user;
    let client = &actor.client;
    let (org_code, fy) = (key.org_code, key.fy);
    // Officers move their own returns; the board and office approve or send back any.
    match action {
        ReturnAction::Approve | ReturnAction::SendBack => actor.read_body(org_code).map(drop)?,
        _ => actor.write_body(org_code).map(drop)?,
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
        check_submittable(&mut tx, org, fy, current.id).await?;
    }
    let (target, label) = if action == ReturnAction::Restate {
        let id = restate(&mut tx, org, year, &current, user.id).await?;
        (id, AuditAction::ReturnRestated)
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
            ReturnAction::Submit => AuditAction::ReturnSubmitted,
            ReturnAction::Approve => AuditAction::ReturnApproved,
            ReturnAction::Withdraw => AuditAction::ReturnWithdrawn,
            _ => AuditAction::ReturnSentBack,
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

/// Refuses to submit a return with a blank where the baseline has an amount, or a warning
/// without its explanation: every such field named at once.
async fn check_submittable(
    conn: &mut AnyConnection,
    org: i64,
    fy: FinancialYear,
    return_id: i64,
) -> Result<(), AppError> {
    let lines = returns::lines(conn, return_id).await?;
    let explained = returns::explanations(conn, return_id).await?;
    let mut missing = blank_categories(conn, org, fy, &lines).await?;
    missing.extend(
        warnings_for(conn, org, fy, &lines)
            .await?
            .into_iter()
            .filter(|w| !explained.iter().any(|(c, _)| *c == w.category))
            .map(|w| FieldError {
                field: format!("{}-explanation", w.category.code()),
                message: format!("{} Save an explanation before you submit.", w.message),
            }),
    );
    if missing.is_empty() {
        Ok(())
    } else {
        Err(AppError::Fields(missing))
    }
}

/// Starts the next version of an approved return as a draft holding the same lines, income
/// and explanations; returns its id.
async fn restate(
    conn: &mut AnyConnection,
    org: i64,
    year: i64,
    current: &returns::ReturnRecord,
    user_id: i64,
) -> Result<i64, AppError> {
    let lines = returns::lines(conn, current.id).await?;
    let id = returns::insert(conn, org, year, current.version + 1, now(), user_id).await?;
    returns::replace_lines(conn, id, &lines).await?;
    let income = returns::income(conn, current.id).await?;
    returns::replace_income(conn, id, income.as_ref()).await?;
    let explained = returns::explanations(conn, current.id).await?;
    returns::replace_explanations(conn, id, &explained).await?;
    Ok(id)
}

/// The categories the body's baseline has an amount in but the return leaves blank: each
/// needs a figure, £0 allowed, before the return is submitted (ADR 0010, rule 3).
pub(super) async fn blank_categories(
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
