//! The programme office's views of accounts and the audit log.

use crate::db::{audit, users, Db};
use crate::error::AppError;
use crate::model::{AuditView, UserSummary};

pub async fn list_users(db: &Db) -> Result<Vec<UserSummary>, AppError> {
    Ok(users::list_all(db.pool()).await?)
}

/// The newest audit entries, optionally only one action (`login`, `login_failed`, …).
pub async fn audit_log(db: &Db, action: Option<&str>) -> Result<Vec<AuditView>, AppError> {
    let action = action.map(str::trim).filter(|a| !a.is_empty());
    if action
        .is_some_and(|a| a.len() > 64 || !a.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    {
        return Err(AppError::validation(
            "action",
            "an action is lower-case letters and underscores, like login_failed",
        ));
    }
    let rows = audit::list(db.pool(), action, 500).await?;
    Ok(rows
        .into_iter()
        .map(|r| AuditView {
            id: r.id,
            at: chrono::DateTime::from_timestamp(r.at, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default(),
            actor: r.actor_email.unwrap_or_else(|| "-".into()),
            action: r.action,
            entity: match r.entity_id {
                Some(id) => format!("{} {id}", r.entity_type),
                None => r.entity_type,
            },
            before: r.before_json,
            after: r.after_json,
            client_addr: r.client_addr.unwrap_or_default(),
        })
        .collect())
}
