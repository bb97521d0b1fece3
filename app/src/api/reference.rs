//! Server functions for published reference figures.

use crate::error::AppError;
use crate::model::BaselineSummary;
use leptos::prelude::*;

/// The McClelland review's 2008-09 baseline, as published.
#[server(prefix = "/api", endpoint = "reference/mcclelland-baseline", input = server_fn::codec::GetUrl)]
pub async fn get_mcclelland_baseline() -> Result<BaselineSummary, AppError> {
    super::finish(
        async move {
            let state = crate::state::AppState::current()?;
            crate::services::reference::mcclelland_baseline(&state.db).await
        }
        .await,
    )
}
