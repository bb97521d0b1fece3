//! Server functions for the programme office (admin role only).

use crate::error::AppError;
use crate::model::{AuditView, UserSummary};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "admin/users", input = server_fn::codec::GetUrl)]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    super::finish(
        async move {
            crate::auth::require_role(&[crate::domain::Role::Admin])?;
            let state = crate::state::AppState::current()?;
            crate::services::admin::list_users(&state.db).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/audit", input = server_fn::codec::GetUrl)]
pub async fn list_audit(action: Option<String>) -> Result<Vec<AuditView>, AppError> {
    super::finish(
        async move {
            crate::auth::require_role(&[crate::domain::Role::Admin])?;
            let state = crate::state::AppState::current()?;
            crate::services::admin::audit_log(&state.db, action.as_deref()).await
        }
        .await,
    )
}
