//! Server functions for data centres. Each authorises through the estate service: a body's
//! sites for those who may read it, changes for its officers, the estate for the board and office.

use crate::error::AppError;
use crate::model::estate::{EstateOverview, SitesPage};
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use super::context;

/// The data-centres front page.
#[server(prefix = "/api", endpoint = "estate/overview", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::estate::get_estate_overview", skip_all, fields(?sector, ?site_type)))]
pub async fn get_estate_overview(
    sector: Option<String>,
    site_type: Option<String>,
) -> Result<EstateOverview, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::estate::overview(
                &state.db,
                &actor,
                sector.as_deref(),
                site_type.as_deref(),
            )
            .await
        }
        .await,
    )
}

/// Sets or removes a consolidation target point (the programme office); then shows the estate
/// for that scope.
#[server(prefix = "/api", endpoint = "estate/set-target")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::estate::set_consolidation_target", skip_all)
)]
pub async fn set_consolidation_target(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::estate::set_consolidation_target(&state.db, &actor.office()?, &form)
                .await?;
            let f = |k: &str| {
                crate::model::dashboard::percent_encode(form.get(k).map_or("", String::as_str))
            };
            super::redirect(&format!(
                "/data-centres?sector={}&type={}#targets",
                f("sector"),
                f("type")
            ));
            Ok(())
        }
        .await,
    )
}

/// A body's sites.
#[server(prefix = "/api", endpoint = "estate/sites", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::estate::get_sites_page", skip_all, fields(%org)))]
pub async fn get_sites_page(org: String) -> Result<SitesPage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::estate::sites_page(&state.db, &actor.read_body(&org)?).await
        }
        .await,
    )
}

#[cfg(feature = "ssr")]
fn number(form: &HashMap<String, String>, name: &str) -> Result<Option<i64>, AppError> {
    match form.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            AppError::validation(
                name,
                "The form is incomplete: reload the page and try again",
            )
        }),
    }
}

/// Adds a site (no `id`) or saves its figures (`id`, `row_version`); then shows the site.
#[server(prefix = "/api", endpoint = "estate/save-site")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::estate::save_site", skip_all)
)]
pub async fn save_site(#[server(flatten)] form: HashMap<String, String>) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let org = form.get("org").cloned().unwrap_or_default();
            let id = number(&form, "id")?;
            let row_version = number(&form, "row_version")?;
            let id = crate::services::estate::save_site(
                &state.db,
                &actor.write_body(&org)?,
                id,
                row_version,
                &form,
            )
            .await?;
            super::redirect(&format!("/data-centres/{org}/{id}"));
            Ok(())
        }
        .await,
    )
}

/// Plans, starts, records or cancels a site's closure; then shows the site.
#[server(prefix = "/api", endpoint = "estate/site-action")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::estate::site_action", skip_all)
)]
pub async fn site_action(#[server(flatten)] form: HashMap<String, String>) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let org = form.get("org").cloned().unwrap_or_default();
            let id = number(&form, "id")?.ok_or_else(|| {
                AppError::validation(
                    "id",
                    "The form is incomplete: reload the page and try again",
                )
            })?;
            let row_version = number(&form, "row_version")?.ok_or_else(|| {
                AppError::validation(
                    "row_version",
                    "The form is incomplete: reload the page and try again",
                )
            })?;
            let (db, action) = (&state.db, form.get("action").map(String::as_str));
            use crate::services::estate::{archive_site, reverse_closure, site_action};
            match action {
                Some("reverse") => {
                    reverse_closure(db, &actor.office()?, &org, id, row_version, &form).await?;
                }
                Some("archive") => {
                    archive_site(db, &actor.write_body(&org)?, id, row_version, &form).await?;
                }
                _ => site_action(db, &actor.write_body(&org)?, id, row_version, &form).await?,
            }
            if action == Some("archive") {
                super::redirect(&format!("/data-centres/{org}?archived=1"));
                return Ok(());
            }
            super::redirect(&format!("/data-centres/{org}/{id}"));
            Ok(())
        }
        .await,
    )
}
