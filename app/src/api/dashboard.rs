//! Server functions of the programme dashboard and board packs (board and programme office).

use crate::error::AppError;
use crate::model::dashboard::{
    BoardPackSummary, BoardPackView, OrgDashboard, ProgrammeDashboardPage,
};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::context;
#[cfg(feature = "ssr")]
use crate::model::dashboard::DashboardQuery;

/// The programme dashboard for the filters, or `None` for those who do not read every body's
/// data (the dashboard page then shows only the public baseline).
#[server(prefix = "/api", endpoint = "dashboard/programme", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::dashboard::get_programme_dashboard", skip_all, fields(?basis, ?sector, ?from, ?to)))]
pub async fn get_programme_dashboard(
    basis: Option<String>,
    sector: Option<String>,
    from: Option<String>,
    to: Option<String>,
    measure: Option<String>,
) -> Result<Option<ProgrammeDashboardPage>, AppError> {
    super::finish(
        async move {
            let Some(user) = crate::auth::current_user() else {
                return Ok(None);
            };
            let actor = super::actor_of(user);
            let Ok(all) = actor.read_all() else {
                return Ok(None);
            };
            let state = crate::state::AppState::current()?;
            let q = DashboardQuery {
                basis,
                sector,
                from,
                to,
                measure,
            };
            crate::services::dashboard::programme(&state.db, &all, &q)
                .await
                .map(|d| Some(ProgrammeDashboardPage::from(&*d)))
        }
        .await,
    )
}

/// One body's dashboard, or `None` for those who may not read the body's data (its page then
/// shows only the public facts).
#[server(prefix = "/api", endpoint = "dashboard/organisation", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::dashboard::get_organisation_dashboard", skip_all, fields(%code, ?basis, ?from, ?to)))]
pub async fn get_organisation_dashboard(
    code: String,
    basis: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<Option<OrgDashboard>, AppError> {
    super::finish(
        async move {
            let Some(user) = crate::auth::current_user() else {
                return Ok(None);
            };
            let actor = super::actor_of(user);
            let Ok(read) = actor.read_body(&code) else {
                return Ok(None);
            };
            let state = crate::state::AppState::current()?;
            let q = DashboardQuery {
                basis,
                sector: None,
                from,
                to,
                measure: None,
            };
            crate::services::dashboard::organisation(&state.db, &read, &q)
                .await
                .map(|d| Some(OrgDashboard::clone(&d)))
        }
        .await,
    )
}

/// Freezes the dashboard, with the filters shown, into a board pack; then shows the pack.
#[server(prefix = "/api", endpoint = "dashboard/freeze")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::dashboard::freeze_board_pack", skip_all, fields(%title, ?basis, ?sector, ?from, ?to)))]
pub async fn freeze_board_pack(
    title: String,
    #[server(default)] basis: Option<String>,
    #[server(default)] sector: Option<String>,
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
    #[server(default)] measure: Option<String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let q = DashboardQuery {
                basis,
                sector,
                from,
                to,
                measure,
            };
            let id =
                crate::services::board_packs::freeze(&state.db, &actor.read_all()?, &title, &q)
                    .await?;
            super::redirect(&format!("/board-packs/{id}"));
            Ok(())
        }
        .await,
    )
}

/// Every board pack, newest first.
#[server(prefix = "/api", endpoint = "board-packs/list", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::dashboard::list_board_packs", skip_all)
)]
pub async fn list_board_packs() -> Result<Vec<BoardPackSummary>, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::board_packs::list(&state.db, &actor.read_all()?).await
        }
        .await,
    )
}

/// One board pack as frozen.
#[server(prefix = "/api", endpoint = "board-packs/get", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::dashboard::get_board_pack", skip_all, fields(%id)))]
pub async fn get_board_pack(id: String) -> Result<BoardPackView, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let id: i64 = id
                .parse()
                .map_err(|_| AppError::NotFound(format!("Board pack {id:?}")))?;
            crate::services::board_packs::get(&state.db, &actor.read_all()?, id).await
        }
        .await,
    )
}
