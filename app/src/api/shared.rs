//! Server functions for shared services. Each authorises through the shared-services service:
//! the catalogue for anyone signed in (edited by admins), a body's adoptions for its readers,
//! changes for its officers.

use crate::error::AppError;
use crate::model::estate::{AdoptionsPage, SharedServicesPage};
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use super::context;

/// The catalogue, and the adoption matrix for the board and office.
#[server(prefix = "/api", endpoint = "shared/front", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::shared::get_shared_services_page", skip_all)
)]
pub async fn get_shared_services_page() -> Result<SharedServicesPage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::shared::front_page(&state.db, &actor).await
        }
        .await,
    )
}

/// Adds or renames a catalogue entry (admins).
#[server(prefix = "/api", endpoint = "shared/save-service")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::shared::save_service", skip_all)
)]
pub async fn save_service(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::shared::save_service(&state.db, &actor.office()?, &form).await?;
            super::redirect("/shared-services");
            Ok(())
        }
        .await,
    )
}

/// A body's adoptions.
#[server(prefix = "/api", endpoint = "shared/adoptions", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::shared::get_adoptions_page", skip_all, fields(%org)))]
pub async fn get_adoptions_page(org: String) -> Result<AdoptionsPage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::shared::adoptions_page(&state.db, &actor.read_body(&org)?).await
        }
        .await,
    )
}

/// Records that a body is considering a shared service.
#[server(prefix = "/api", endpoint = "shared/record-adoption")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::shared::record_adoption", skip_all)
)]
pub async fn record_adoption(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let org = form.get("org").cloned().unwrap_or_default();
            crate::services::shared::record_adoption(&state.db, &actor.write_body(&org)?, &form)
                .await?;
            super::redirect(&format!("/shared-services/{org}"));
            Ok(())
        }
        .await,
    )
}

/// Moves an adoption to its next stage.
#[server(prefix = "/api", endpoint = "shared/move-adoption")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::shared::move_adoption", skip_all, fields(%org, %id)))]
pub async fn move_adoption(
    org: String,
    id: String,
    row_version: String,
    stage: String,
    date: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let number = |field: &str, text: &str| {
                text.trim().parse::<i64>().map_err(|_| {
                    AppError::validation(
                        field,
                        "The form is incomplete: reload the page and try again",
                    )
                })
            };
            let (id, row_version) = (number("id", &id)?, number("row_version", &row_version)?);
            let step = crate::services::shared::Step {
                id,
                row_version,
                stage: &stage,
                date: &date,
                reason: reason.as_deref().unwrap_or_default(),
            };
            crate::services::shared::move_adoption(&state.db, &actor.write_body(&org)?, &step)
                .await?;
            super::redirect(&format!("/shared-services/{org}"));
            Ok(())
        }
        .await,
    )
}
