//! The REST API (`/api/v1/...`): plain axum handlers for scripts and other systems.
//!
//! Policy: each handler takes the `RequestAuth` the authentication layer put on the request and
//! goes through the same services, with the same organisation scope, as the pages. Errors are
//! JSON `{"error": code, "message": text}` with their HTTP status.

use crate::routing::Routes;
use app::auth::RequestAuth;
use app::domain::FinancialYear;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::Deserialize;

/// A CSV download named `NAME.csv`.
pub(crate) fn csv_attachment(name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// An error as every REST endpoint reports it.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code: `unauthorized`, `forbidden`, `not_found`, `validation`, `conflict`…
    pub error: String,
    /// What went wrong, in words, naming the field or parameter.
    pub message: String,
}

/// The REST routes.
pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/returns", returns)
        .get("/api/v1/savings", savings_summary)
        .get("/api/v1/data-centres", data_centres)
        .get("/api/v1/adoptions", adoptions)
        .get(
            "/api/v1/savings/{org}/{fy}/calculation",
            savings_calculation,
        )
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReturnsQuery {
    pub fy: Option<String>,
    pub org: Option<String>,
    /// `json` (the default) or `csv`; an `Accept: text/csv` header also asks for CSV.
    pub format: Option<String>,
}

/// `GET /api/v1/returns?fy=2013-14&org=council-fife[&format=csv]`: the newest version of each
/// return the caller may read, with its lines.
#[utoipa::path(get, path = "/api/v1/returns", tag = "returns",
    summary = "The newest version of each return the caller may read, with its lines",
    params(ReturnsQuery),
    responses(
        (status = 200, description = "`{\"returns\": [...]}` as JSON, or CSV (one row per line) with `format=csv` or `Accept: text/csv`"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The body is not the caller's", body = ErrorBody),
        (status = 422, description = "A bad parameter, named", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn returns(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    query: Result<Query<ReturnsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    match returns_inner(&state, &auth, &headers, query).await {
        Ok(response) => response,
        Err(error) => error.into_response(),
    }
}

async fn returns_inner(
    state: &AppState,
    auth: &RequestAuth,
    headers: &HeaderMap,
    query: Result<Query<ReturnsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, AppError> {
    let actor = auth.actor()?;
    let Query(query) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
    let fy = query
        .fy
        .as_deref()
        .filter(|f| !f.trim().is_empty())
        .map(|f| {
            f.trim().parse::<FinancialYear>().map_err(|_| {
                AppError::validation(
                    "fy",
                    format!("{f:?} is not a financial year: write it like 2013-14"),
                )
            })
        })
        .transpose()?;
    let org = query.org.as_deref().filter(|o| !o.trim().is_empty());
    let wants_csv = wants_csv(query.format.as_deref(), headers)?;
    let list = app::services::returns::export(&state.db, &actor, fy, org).await?;
    if wants_csv {
        Ok(csv_attachment(
            "returns",
            app::services::returns::export_csv(&list),
        ))
    } else {
        Ok(Json(serde_json::json!({ "returns": list })).into_response())
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SavingsQuery {
    /// `nominal` (the default) or `real-2024-25`.
    pub basis: Option<String>,
    /// A sector's code, like `nhs`.
    pub sector: Option<String>,
    /// The year of the bodies' table, like `2013-14`.
    pub year: Option<String>,
    /// The trajectory's profile (`low` or `high`).
    pub profile: Option<String>,
    /// How the target is apportioned.
    pub method: Option<String>,
    /// `json` (the default) or `csv`: the years, one row each.
    pub format: Option<String>,
}

/// `GET /api/v1/savings?basis=real-2024-25&sector=nhs`: the savings summary (board and office).
#[utoipa::path(get, path = "/api/v1/savings", tag = "savings",
    summary = "Savings against the trajectory, by year, category and body (board and office)",
    params(SavingsQuery),
    responses(
        (status = 200, description = "The summary as JSON, or its years as CSV with `format=csv` or `Accept: text/csv`"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "Not the board or the programme office", body = ErrorBody),
        (status = 422, description = "A bad parameter, named", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn savings_summary(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    query: Result<Query<SavingsQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let mut csv = false;
    let result = async {
        let actor = auth.actor()?;
        let Query(q) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
        csv = wants_csv(q.format.as_deref(), &headers)?;
        let query = app::services::savings::SummaryQuery {
            basis: q.basis,
            sector: q.sector,
            year: q.year,
            profile: q.profile,
            method: q.method,
        };
        app::services::savings::summary(&state.db, &actor.read_all()?, &query).await
    }
    .await;
    match result {
        Ok(summary) if csv => csv_attachment(
            "savings",
            app::services::open_data::savings_table(&summary).to_csv(),
        ),
        Ok(summary) => Json(summary).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BasisQuery {
    pub basis: Option<String>,
}

/// `GET /api/v1/savings/{org}/{fy}/calculation?basis=…`: how a body's saving for a year was
/// calculated — every input and step — for anyone who may read the body.
#[utoipa::path(get, path = "/api/v1/savings/{org}/{fy}/calculation", tag = "savings",
    summary = "How a body's saving for a year was calculated: every input and step",
    params(
        ("org" = String, Path, description = "The body's code, like council-fife"),
        ("fy" = String, Path, description = "The financial year, like 2013-14"),
        BasisQuery,
    ),
    responses(
        (status = 200, description = "The calculation as JSON"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The body is not the caller's", body = ErrorBody),
        (status = 404, description = "No such body", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(%org, %fy))]
pub(crate) async fn savings_calculation(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Path((org, fy)): Path<(String, String)>,
    query: Result<Query<BasisQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let actor = auth.actor()?;
        let Query(q) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
        let fy: FinancialYear = fy.trim().parse().map_err(|_| {
            AppError::validation(
                "fy",
                format!("{fy:?} is not a financial year: write it like 2013-14"),
            )
        })?;
        app::services::savings::trace(&state.db, &actor.read_body(&org)?, fy, q.basis.as_deref())
            .await
    }
    .await;
    match result {
        Ok(trace) => Json(trace).into_response(),
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SitesQuery {
    pub org: Option<String>,
    pub sector: Option<String>,
    /// `json` (the default) or `csv`; an `Accept: text/csv` header also asks for CSV.
    pub format: Option<String>,
}

/// `GET /api/v1/data-centres?org=council-fife[&sector=…][&format=csv]`: the sites the caller may
/// read, with their computed figures, closure savings and closure-to-cash checks.
#[utoipa::path(get, path = "/api/v1/data-centres", tag = "estate",
    summary = "The sites the caller may read, with computed PUE, closure savings and closure-to-cash checks",
    params(SitesQuery),
    responses(
        (status = 200, description = "`{\"sites\": [...]}` as JSON, or CSV with `format=csv`"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The body is not the caller's", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn data_centres(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    query: Result<Query<SitesQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let actor = auth.actor()?;
        let Query(q) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
        let wants_csv = wants_csv(q.format.as_deref(), &headers)?;
        let org = q.org.as_deref().filter(|o| !o.trim().is_empty());
        let sites =
            app::services::estate::export(&state.db, &actor, org, q.sector.as_deref()).await?;
        Ok::<Response, AppError>(if wants_csv {
            csv_attachment("data-centres", app::services::estate::export_csv(&sites))
        } else {
            Json(serde_json::json!({ "data_centres": sites })).into_response()
        })
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Whether the caller asked for CSV (`format=csv` or `Accept: text/csv`); JSON otherwise.
pub(crate) fn wants_csv(format: Option<&str>, headers: &HeaderMap) -> Result<bool, AppError> {
    match format {
        Some("csv") => Ok(true),
        Some("json") | None | Some("") => Ok(headers
            .get(header::ACCEPT)
            .and_then(|a| a.to_str().ok())
            .is_some_and(|a| a.contains("text/csv"))),
        Some(other) => Err(AppError::validation(
            "format",
            format!("{other:?} is not a format: use json or csv"),
        )),
    }
}

/// `GET /api/v1/adoptions?org=council-fife[&format=csv]`: the shared-service adoptions the caller
/// may read.
#[utoipa::path(get, path = "/api/v1/adoptions", tag = "shared services",
    summary = "The shared-service adoptions the caller may read",
    params(SitesQuery),
    responses(
        (status = 200, description = "`{\"adoptions\": [...]}` as JSON, or CSV with `format=csv`"),
        (status = 401, description = "Not signed in", body = ErrorBody),
        (status = 403, description = "The body is not the caller's", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all)]
pub(crate) async fn adoptions(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    headers: HeaderMap,
    query: Result<Query<SitesQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let actor = auth.actor()?;
        let Query(q) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
        let wants_csv = wants_csv(q.format.as_deref(), &headers)?;
        let org = q.org.as_deref().filter(|o| !o.trim().is_empty());
        let list = app::services::shared::export(&state.db, &actor, org).await?;
        Ok::<Response, AppError>(if wants_csv {
            csv_attachment("adoptions", app::services::shared::export_csv(&list))
        } else {
            Json(serde_json::json!({ "adoptions": list })).into_response()
        })
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}
