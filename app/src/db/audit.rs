//! The audit log: who did what, when, to which entity, with the values before and after.

use super::DbError;
use crate::model::audit::AuditAction;
use sqlx::{AnyConnection, AnyPool};

/// One thing that happened, to be recorded.
#[derive(Clone, Debug)]
pub struct AuditEntry {
    pub at: i64,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<String>,
    pub action: AuditAction,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
    pub client_addr: Option<String>,
}

impl AuditEntry {
    /// What `user` did, from `client_addr`, now: `action` on the `entity_type` with `entity_id`
    /// (the one way an entry is made; `before`, `after` and `at` add the rest).
    pub fn by(
        user: &crate::model::CurrentUser,
        client_addr: &str,
        action: AuditAction,
        entity_type: &str,
        entity_id: impl std::fmt::Display,
    ) -> Self {
        AuditEntry {
            at: chrono::Utc::now().timestamp(),
            actor_user_id: Some(user.id),
            actor_email: Some(user.email.clone()),
            action,
            entity_type: entity_type.to_owned(),
            entity_id: Some(entity_id.to_string()),
            before: None,
            after: None,
            client_addr: Some(client_addr.to_owned()),
        }
    }

    /// What happened with no signed-in user behind it (a sign-in attempt, the command line),
    /// from `client_addr`, now: `action` on an `entity_type`, with no id until `id` names one.
    pub fn unattributed(client_addr: &str, action: AuditAction, entity_type: &str) -> Self {
        AuditEntry {
            at: chrono::Utc::now().timestamp(),
            actor_user_id: None,
            actor_email: None,
            action,
            entity_type: entity_type.to_owned(),
            entity_id: None,
            before: None,
            after: None,
            client_addr: Some(client_addr.to_owned()),
        }
    }

    /// The time of the change, when the caller stamped the change itself with it.
    pub fn at(mut self, at: i64) -> Self {
        self.at = at;
        self
    }

    pub fn before(mut self, before: serde_json::Value) -> Self {
        self.before = Some(before);
        self
    }

    pub fn after(mut self, after: serde_json::Value) -> Self {
        self.after = Some(after);
        self
    }
}

pub async fn record(conn: &mut AnyConnection, e: &AuditEntry) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor_email, action, entity_type, entity_id,
                                before_json, after_json, client_addr)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(e.at)
    .bind(e.actor_user_id)
    .bind(e.actor_email.as_deref())
    .bind(e.action.code())
    .bind(&e.entity_type)
    .bind(e.entity_id.as_deref())
    .bind(e.before.as_ref().map(serde_json::Value::to_string))
    .bind(e.after.as_ref().map(serde_json::Value::to_string))
    .bind(e.client_addr.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Records an entry on its own connection from the pool.
pub async fn record_now(pool: &AnyPool, e: &AuditEntry) -> Result<(), DbError> {
    let mut conn = pool.acquire().await?;
    record(&mut conn, e).await
}

/// A recorded entry, as listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub actor_email: Option<String>,
    pub action: String,
    pub entity_type: String,
    pub entity_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
    pub client_addr: Option<String>,
}

/// What the audit log page filters on; `None` means any.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    pub action: Option<String>,
    /// A lower-case LIKE pattern (escaped) matched against the actor's e-mail.
    pub actor_pattern: Option<String>,
    pub entity_type: Option<String>,
}

/// The newest entries first, filtered.
pub async fn list(
    pool: &AnyPool,
    filter: &AuditFilter,
    limit: i64,
) -> Result<Vec<AuditRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, at, actor_email, action, entity_type, entity_id, before_json, after_json, client_addr
           FROM audit_log
          WHERE ($1 IS NULL OR action = $1)
            AND ($2 IS NULL OR LOWER(actor_email) LIKE $2 ESCAPE '\\')
            AND ($3 IS NULL OR entity_type = $3)
          ORDER BY id DESC LIMIT $4",
    )
    .bind(filter.action.as_deref())
    .bind(filter.actor_pattern.as_deref())
    .bind(filter.entity_type.as_deref())
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
