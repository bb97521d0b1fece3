//! Server functions for public bodies.

use crate::error::AppError;
use crate::model::{OrganisationDetail, OrganisationList};
use leptos::prelude::*;

/// Bodies filtered by sector code and name search (both optional).
#[server(prefix = "/api", endpoint = "organisations/list", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::organisations::list_organisations", skip_all, fields(?sector)))]
pub async fn list_organisations(
    sector: Option<String>,
    q: Option<String>,
) -> Result<OrganisationList, AppError> {
    let state = crate::state::AppState::current()?;
    crate::services::organisations::list(&state.db, sector.as_deref(), q.as_deref()).await
}

/// One body by its code.
#[server(prefix = "/api", endpoint = "organisations/get", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::organisations::get_organisation", skip_all, fields(%code)))]
pub async fn get_organisation(code: String) -> Result<OrganisationDetail, AppError> {
    super::finish(
        async move {
            let state = crate::state::AppState::current()?;
            crate::services::organisations::get(&state.db, &code).await
        }
        .await,
    )
}
