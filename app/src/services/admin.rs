//! The programme office's work on accounts, and its view of the audit log.
//!
//! Policy: every change to an account runs in one transaction with its audit row (before and
//! after, never a password); disabling an account or resetting its password ends its sessions;
//! an admin cannot disable their own account (the service must keep one way in).

use crate::access::Office;
use crate::db::audit::{self, AuditEntry};
use crate::db::{sessions, users, Db, DbError};
use crate::domain::account::check_new_password;
use crate::domain::{OrgCode, Role};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::{AuditView, CurrentUser, UserSummary};
use crate::services::auth::{self, Client};

#[tracing::instrument(skip_all)]
pub async fn list_users(db: &Db) -> Result<Vec<UserSummary>, AppError> {
    Ok(users::list_all(db.pool()).await?)
}

#[tracing::instrument(skip_all, fields(id))]
pub async fn get_user(db: &Db, id: i64) -> Result<UserSummary, AppError> {
    users::find_summary(db.pool(), id)
        .await?
        .ok_or_else(|| AppError::NotFound("The account".into()))
}

/// Organisation codes as typed: separated by commas, spaces or new lines.
pub fn parse_org_codes(text: &str) -> Result<Vec<OrgCode>, AppError> {
    let mut codes = Vec::new();
    for part in text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        let code: OrgCode = part.parse().map_err(|_| {
            AppError::validation(
                "organisations",
                format!("{part:?} is not an organisation code"),
            )
        })?;
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

fn account_entry(actor: &CurrentUser, client: &Client, action: AuditAction, id: i64) -> AuditEntry {
    AuditEntry::by(actor, &client.addr, action, "user", id)
}

fn access_json(u: &UserSummary) -> serde_json::Value {
    serde_json::json!({ "role": u.role.code(), "organisations": u.organisations, "disabled": u.disabled })
}

fn org_error(e: DbError) -> AppError {
    match e {
        DbError::Corrupt(message) => AppError::validation(
            "organisations",
            message.replace("no organisation", "No organisation"),
        ),
        other => other.into(),
    }
}

/// Changes an account's role and organisations; an officer needs at least one organisation.
#[tracing::instrument(skip_all, fields(user = office.user().id, id, ?role))]
pub async fn update_access(
    db: &Db,
    office: &Office<'_>,
    id: i64,
    role: Role,
    orgs: &[OrgCode],
) -> Result<(), AppError> {
    let actor = office.user();
    let client = office.client();
    if role == Role::Officer && orgs.is_empty() {
        return Err(AppError::validation(
            "organisations",
            "An officer must belong to at least one organisation",
        ));
    }
    let before = get_user(db, id).await?;
    let mut tx = db.begin().await?;
    // The programme office must keep someone who can manage accounts (issue 15).
    if before.role == Role::Admin
        && role != Role::Admin
        && users::other_enabled_admins(&mut tx, id).await? == 0
    {
        return Err(AppError::validation(
            "role",
            "This is the only enabled admin account: make another account an admin first",
        ));
    }
    users::set_role(&mut tx, id, role).await?;
    users::replace_memberships(&mut tx, id, orgs)
        .await
        .map_err(org_error)?;
    let mut entry = account_entry(actor, client, AuditAction::UserAccessChanged, id);
    entry.before = Some(access_json(&before));
    let after = UserSummary {
        role,
        organisations: orgs.iter().map(|o| o.as_str().to_owned()).collect(),
        ..before
    };
    entry.after = Some(access_json(&after));
    audit::record(&mut tx, &entry).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Disables (ending its sessions) or re-enables an account.
#[tracing::instrument(skip_all, fields(user = office.user().id, id, disabled))]
pub async fn set_disabled(
    db: &Db,
    office: &Office<'_>,
    id: i64,
    disabled: bool,
) -> Result<(), AppError> {
    let actor = office.user();
    let client = office.client();
    if disabled && id == actor.id {
        return Err(AppError::validation(
            "disabled",
            "You cannot disable your own account",
        ));
    }
    let before = get_user(db, id).await?;
    let mut tx = db.begin().await?;
    users::set_disabled_at(&mut tx, id, disabled.then(auth::now)).await?;
    if disabled {
        sessions::delete_for_user(&mut tx, id).await?;
    }
    let action = if disabled {
        AuditAction::UserDisabled
    } else {
        AuditAction::UserEnabled
    };
    let mut entry = account_entry(actor, client, action, id);
    entry.before = Some(access_json(&before));
    entry.after = Some(access_json(&UserSummary { disabled, ..before }));
    audit::record(&mut tx, &entry).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Sets a new password chosen by the admin and ends the account's sessions.
#[tracing::instrument(skip_all, fields(user = office.user().id, id))]
pub async fn reset_password(
    db: &Db,
    office: &Office<'_>,
    id: i64,
    password: String,
) -> Result<(), AppError> {
    let actor = office.user();
    let client = office.client();
    check_new_password(&password)?;
    get_user(db, id).await?;
    let hash = auth::hash_password(password).await?;
    let mut tx = db.begin().await?;
    users::set_password_hash(&mut tx, id, &hash).await?;
    let ended = sessions::delete_for_user(&mut tx, id).await?;
    let mut entry = account_entry(actor, client, AuditAction::PasswordReset, id);
    entry.after = Some(serde_json::json!({ "sessions_ended": ended }));
    audit::record(&mut tx, &entry).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// A filter word: lower-case letters and underscores (an action or an entity type).
fn filter_word(field: &str, text: Option<&str>) -> Result<Option<String>, AppError> {
    let word = text.map(str::trim).filter(|a| !a.is_empty());
    if word.is_some_and(|a| a.len() > 64 || !a.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
    {
        return Err(AppError::validation(
            field,
            "use lower-case letters and underscores, like login_failed",
        ));
    }
    Ok(word.map(str::to_owned))
}

/// The newest 500 audit entries matching the filters: an action (`login`, `user_created`…),
/// part of the actor's e-mail, an entity type (`user`, `session`…).
#[tracing::instrument(skip_all, fields(?action, ?actor, ?entity_type))]
pub async fn audit_log(
    db: &Db,
    action: Option<&str>,
    actor: Option<&str>,
    entity_type: Option<&str>,
) -> Result<Vec<AuditView>, AppError> {
    let actor = actor.map(str::trim).filter(|a| !a.is_empty());
    if actor.is_some_and(|a| a.chars().count() > 254) {
        return Err(AppError::validation(
            "actor",
            "enter at most 254 characters",
        ));
    }
    let filter = audit::AuditFilter {
        action: filter_word("action", action)?,
        actor_pattern: actor.map(crate::db::like_pattern),
        entity_type: filter_word("entity", entity_type)?,
    };
    let rows = audit::list(db.pool(), &filter, 500).await?;
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

#[cfg(test)]
mod tests {
    use super::parse_org_codes;

    #[test]
    fn organisation_codes_are_split_and_deduplicated() {
        let codes = parse_org_codes("council-fife, nhs-fife\ncouncil-fife").unwrap();
        assert_eq!(
            codes.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
            vec!["council-fife", "nhs-fife"]
        );
        assert!(parse_org_codes("").unwrap().is_empty());
        assert!(
            parse_org_codes("NHS/Fife").is_err(),
            "a slash is in no code"
        );
    }
}
