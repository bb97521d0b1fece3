//! Downloads of the programme dashboard: each chart's CSV (exactly the plotted figures) and a
//! board pack's self-contained HTML file (byte for byte as frozen). Board and programme office.

use crate::routing::Routes;
use app::auth::RequestAuth;
use app::error::AppError;
use app::model::dashboard::DashboardQuery;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Extension;

pub fn routes() -> Routes {
    Routes::new()
        .get("/dashboard/charts/{file}", chart_csv)
        .get("/board-packs/{id}/pack.html", pack_file)
        .get("/organisations/{code}/charts/{file}", org_chart_csv)
}

/// `GET /dashboard/charts/ID.csv?filters`: one chart's figures.
#[tracing::instrument(skip_all, fields(%file))]
async fn chart_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Path(file): Path<String>,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let actor = auth.actor()?;
        let Query(q) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
        let id = file
            .strip_suffix(".csv")
            .ok_or_else(|| AppError::NotFound(format!("The chart file {file:?}")))?;
        let chart = app::services::dashboard::chart(&state.db, &actor.read_all()?, &q, id).await?;
        Ok::<Response, AppError>(csv_response(&chart))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

fn csv_response(chart: &app::model::chart::Chart) -> Response {
    crate::rest::csv_attachment(&chart.id, app::charts::csv(chart))
}

/// `GET /organisations/CODE/charts/ID.csv?filters`: one chart of a body's dashboard.
#[tracing::instrument(skip_all, fields(%code, %file))]
async fn org_chart_csv(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Path((code, file)): Path<(String, String)>,
    query: Result<Query<DashboardQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let actor = auth.actor()?;
        let Query(q) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
        let id = file
            .strip_suffix(".csv")
            .ok_or_else(|| AppError::NotFound(format!("The chart file {file:?}")))?;
        let chart = app::services::dashboard::organisation_chart(
            &state.db,
            &actor.read_body(&code)?,
            &q,
            id,
        )
        .await?;
        Ok::<Response, AppError>(csv_response(&chart))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// `GET /board-packs/ID/pack.html`: the pack's file, as frozen.
#[tracing::instrument(skip_all, fields(%id))]
async fn pack_file(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Path(id): Path<String>,
) -> Response {
    let result = async {
        let actor = auth.actor()?;
        let id: i64 = id
            .parse()
            .map_err(|_| AppError::NotFound(format!("Board pack {id:?}")))?;
        let (pack, document) =
            app::services::board_packs::file(&state.db, &actor.read_all()?, id).await?;
        Ok::<Response, AppError>(
            (
                [
                    (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!(
                            "attachment; filename=\"board-pack-{}.html\"",
                            pack.summary.id
                        ),
                    ),
                    (
                        header::HeaderName::from_static("x-content-sha256"),
                        pack.summary.sha256.clone(),
                    ),
                ],
                document,
            )
                .into_response(),
        )
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
