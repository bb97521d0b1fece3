//! Server functions for published reference figures.

use crate::error::AppError;
use crate::model::BaselineSummary;
use leptos::prelude::*;

/// The McClelland review's 2008-09 baseline, as published.
#[server(prefix = "/api", endpoint = "reference/mcclelland-baseline", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::reference::get_mcclelland_baseline", skip_all)
)]
pub async fn get_mcclelland_baseline() -> Result<BaselineSummary, AppError> {
    super::finish(
        async move {
            let state = crate::state::AppState::current()?;
            crate::services::reference::mcclelland_baseline(&state.db).await
        }
        .await,
    )
}

/// Whether the database holds `seed --demo`'s synthetic data (every page then says so).
#[server(prefix = "/api", endpoint = "reference/demo-data", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::reference::get_demo_data", skip_all)
)]
pub async fn get_demo_data() -> Result<bool, AppError> {
    super::finish(
        async move {
            let state = crate::state::AppState::current()?;
            let mut conn = state
                .db
                .pool()
                .acquire()
                .await
                .map_err(crate::db::DbError::from)?;
            Ok(crate::db::savings::demo_data_loaded(&mut conn).await?)
        }
        .await,
    )
}
