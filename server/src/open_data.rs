//! Open data (`/api/v1/open/...`) and the OpenAPI document of the REST API
//! (`/api/v1/openapi.json`), generated from the handlers' annotations.
//!
//! Policy: a dataset the programme office has published is readable by anyone, signed in or
//! not; an unpublished one only by the board and office (404 for everyone else, so its
//! existence says nothing). Data-centre fields the deployment suppresses never leave the server.

use crate::rest::{__path_adoptions, __path_data_centres, __path_returns, ErrorBody};
use crate::rest::{__path_savings_calculation, __path_savings_summary};
use crate::routing::Routes;
use app::auth::RequestAuth;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;

pub fn routes() -> Routes {
    Routes::new()
        .get("/api/v1/open", list)
        .get("/api/v1/open/{dataset}", dataset)
        .get("/api/v1/openapi.json", openapi)
}

/// A dataset as listed.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DatasetEntry {
    /// The name in the dataset's address, like `savings`.
    pub name: String,
    pub title: String,
    pub description: String,
    /// Whether anyone may read it (otherwise the board and office only).
    pub published: bool,
    /// Where to read it as JSON; add `?format=csv` for CSV.
    pub href: String,
}

/// A dataset: its rows as objects whose values are text (amounts are exact decimal pounds).
#[derive(Serialize, utoipa::ToSchema)]
pub struct Dataset {
    pub dataset: String,
    pub title: String,
    pub description: String,
    pub published: bool,
    /// Columns this deployment leaves out (data centres).
    pub suppressed: Vec<String>,
    /// What a reader must know to quote the figures (illustrative targets, synthetic demo data,
    /// unverified factors, what each year covers).
    pub notes: Vec<String>,
    /// The data's licence: the Open Government Licence v3.0 (`name`, `url`, `attribution`).
    pub licence: std::collections::BTreeMap<String, String>,
    /// One object per row, the same columns as the CSV.
    pub rows: Vec<std::collections::BTreeMap<String, String>>,
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// `json` (the default) or `csv`; an `Accept: text/csv` header also asks for CSV.
    pub format: Option<String>,
}

/// The datasets: the published ones for everyone, all of them for the board and office.
#[utoipa::path(get, path = "/api/v1/open", tag = "open data",
    summary = "The open datasets (anonymous callers see the published ones)",
    responses((status = 200, description = "`{\"datasets\": [...]}`", body = Vec<DatasetEntry>)))]
#[tracing::instrument(skip_all)]
async fn list(State(state): State<AppState>, Extension(auth): Extension<RequestAuth>) -> Response {
    match app::services::open_data::publications(&state.db, auth.user.as_ref()).await {
        Ok(list) => {
            let entries: Vec<DatasetEntry> = list
                .into_iter()
                .map(|p| DatasetEntry {
                    href: format!("/api/v1/open/{}", p.name),
                    name: p.name,
                    title: p.title,
                    description: p.description,
                    published: p.published,
                })
                .collect();
            Json(serde_json::json!({ "datasets": entries })).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// One dataset as JSON or CSV.
#[utoipa::path(get, path = "/api/v1/open/{dataset}", tag = "open data",
    summary = "An open dataset: savings, savings-by-sector, spend, data-centres or adoption",
    params(
        ("dataset" = String, Path, description = "savings, savings-by-sector, spend, data-centres or adoption"),
        FormatQuery,
    ),
    responses(
        (status = 200, description = "The dataset as JSON, or CSV with `format=csv`", body = Dataset),
        (status = 404, description = "No such dataset, or not published", body = ErrorBody),
        (status = 422, description = "A bad parameter, named", body = ErrorBody),
    ))]
#[tracing::instrument(skip_all, fields(%name))]
async fn dataset(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Path(name): Path<String>,
    headers: HeaderMap,
    query: Result<Query<FormatQuery>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let result = async {
        let Query(q) = query.map_err(|e| AppError::validation("query", e.body_text()))?;
        let csv = crate::rest::wants_csv(q.format.as_deref(), &headers)?;
        let table = app::services::open_data::dataset(
            &state.db,
            auth.user.as_ref(),
            &name,
            &state.open_data_suppress,
        )
        .await?;
        let mut response = if csv {
            crate::rest::csv_attachment(&table.name, table.to_csv())
        } else {
            Json(table.to_json()).into_response()
        };
        // The data's licence travels with it, whichever format (RFC 8288 `license` link).
        if let Ok(link) = header::HeaderValue::from_str(&format!(
            "<{}>; rel=\"license\"",
            app::services::open_data::LICENCE_URL
        )) {
            response.headers_mut().insert(header::LINK, link);
        }
        Ok::<Response, AppError>(response)
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

/// The REST API's description, generated from the handlers' annotations.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "ICT Savings Tracker API",
        description = "Returns, savings, data centres, shared services and open data. Sign in at /login; the session cookie authorises the other endpoints. Open datasets an administrator has published need no sign-in. Licences: this software (and this API's description) is MIT; the open datasets under /api/v1/open are published under the Open Government Licence v3.0 (https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/), said in each dataset's `licence` field and its `Link: rel=\"license\"` header.",
        license(name = "MIT"),
    ),
    paths(
        returns,
        savings_summary,
        savings_calculation,
        data_centres,
        adoptions,
        list,
        dataset,
        openapi
    ),
    components(schemas(ErrorBody, DatasetEntry, Dataset))
)]
pub struct ApiDoc;

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "open data",
    summary = "The OpenAPI description of this API",
    responses((status = 200, description = "OpenAPI 3.1 JSON")))]
#[tracing::instrument(skip_all)]
async fn openapi() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => AppError::internal(format!("the OpenAPI document: {e}")).into_response(),
    }
}
