//! Server functions for the programme office (admin role only).

use crate::error::AppError;
use crate::model::{AuditView, UserSummary};
use leptos::prelude::*;

/// The programme office's context: others are refused before anything is read.
#[cfg(feature = "ssr")]
fn admin() -> Result<(crate::access::Actor, crate::state::AppState), AppError> {
    let (actor, state) = super::context()?;
    actor.office()?;
    Ok((actor, state))
}

/// Succeeds for an admin: lets a page with no data of its own (a blank form) refuse others.
#[server(prefix = "/api", endpoint = "admin/check", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::check_admin", skip_all)
)]
pub async fn check_admin() -> Result<(), AppError> {
    super::finish(admin().map(|_| ()))
}

#[server(prefix = "/api", endpoint = "admin/users", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::list_users", skip_all)
)]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    super::finish(
        async move {
            let (_, state) = admin()?;
            crate::services::admin::list_users(&state.db).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/user", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::get_user", skip_all, fields(id))
)]
pub async fn get_user(id: i64) -> Result<UserSummary, AppError> {
    super::finish(
        async move {
            let (_, state) = admin()?;
            crate::services::admin::get_user(&state.db, id).await
        }
        .await,
    )
}

/// Creates an account with the initial password the admin chose (to be passed on in person).
#[server(prefix = "/api", endpoint = "admin/create-user")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::admin::create_account", skip_all, fields(%name)))]
pub async fn create_account(
    email: String,
    name: String,
    role: String,
    organisations: String,
    password: String,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = admin()?;
            let role: crate::domain::Role = role.parse()?;
            let orgs = crate::services::admin::parse_org_codes(&organisations)?;
            let new = crate::services::auth::CreateUser {
                email,
                display_name: name,
                role,
                organisations: orgs.iter().map(|o| o.as_str().to_owned()).collect(),
                password,
            };
            let id = crate::services::auth::create_user(
                &state.db,
                new,
                Some(&actor.user),
                &actor.client,
            )
            .await?;
            super::redirect(&format!("/admin/users/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/update-access")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::update_access", skip_all, fields(id))
)]
pub async fn update_access(id: i64, role: String, organisations: String) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = admin()?;
            let role: crate::domain::Role = role.parse()?;
            let orgs = crate::services::admin::parse_org_codes(&organisations)?;
            crate::services::admin::update_access(&state.db, &actor.office()?, id, role, &orgs)
                .await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/set-disabled")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::set_disabled", skip_all, fields(id, disabled))
)]
pub async fn set_disabled(id: i64, disabled: bool) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = admin()?;
            crate::services::admin::set_disabled(&state.db, &actor.office()?, id, disabled).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/reset-password")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::reset_password", skip_all, fields(id))
)]
pub async fn reset_password(id: i64, password: String) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = admin()?;
            crate::services::admin::reset_password(&state.db, &actor.office()?, id, password).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "admin/audit", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::admin::list_audit", skip_all, fields(?action, ?actor)))]
pub async fn list_audit(
    action: Option<String>,
    actor: Option<String>,
    entity: Option<String>,
) -> Result<Vec<AuditView>, AppError> {
    super::finish(
        async move {
            let (_, state) = admin()?;
            crate::services::admin::audit_log(
                &state.db,
                action.as_deref(),
                actor.as_deref(),
                entity.as_deref(),
            )
            .await
        }
        .await,
    )
}

/// The open datasets and whether each is published.
#[server(prefix = "/api", endpoint = "admin/open-data", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::list_open_data", skip_all)
)]
pub async fn list_open_data() -> Result<Vec<crate::model::dashboard::Publication>, AppError> {
    super::finish(
        async move {
            let (actor, state) = admin()?;
            crate::services::open_data::publications(&state.db, Some(&actor.user)).await
        }
        .await,
    )
}

/// Publishes (`publish` = "yes") or withdraws an open dataset.
#[server(prefix = "/api", endpoint = "admin/publish")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::admin::set_open_data", skip_all)
)]
pub async fn set_open_data(dataset: String, publish: String) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = admin()?;
            crate::services::open_data::set_published(
                &state.db,
                &actor.office()?,
                &dataset,
                publish == "yes",
            )
            .await
        }
        .await,
    )
}
