//! Spreadsheet files over HTTP: the return template (blank, or pre-filled for a body and year)
//! and the upload that starts an import.
//!
//! Policy: an upload is read as a stream and refused as soon as it passes the configured size,
//! before it is stored; it is then kept in the database for its preview (`/import/TOKEN`). A
//! browser's form post is answered with a redirect (the error travels in the query string, so
//! the form works without JavaScript); other clients get JSON.

use crate::routing::Routes;
use app::auth::RequestAuth;
use app::error::AppError;
use app::state::AppState;
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Json};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The template and upload routes.
pub fn routes(max_upload_bytes: usize) -> Routes {
    // Room for the form's other fields and the multipart framing around the file.
    let body_limit = max_upload_bytes.saturating_add(64 * 1024);
    Routes::new()
        .get("/returns/template.xlsx", blank_template)
        .get("/returns/{org}/{fy}/template.xlsx", prefilled_template)
        .post_limited("/import/upload", upload, body_limit)
}

fn xlsx(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, XLSX.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /returns/template.xlsx`: the blank template (public).
#[tracing::instrument(skip_all)]
async fn blank_template(State(state): State<AppState>) -> Response {
    let services = match app::services::estate_import::service_codes(&state.db).await {
        Ok(codes) => codes,
        Err(e) => return e.into_response(),
    };
    match app::import::template::build(None, &services) {
        Ok(bytes) => xlsx(bytes, "ict-spend-return-template.xlsx"),
        Err(e) => AppError::internal(format!("building the template: {e}")).into_response(),
    }
}

/// `GET /returns/ORG/FY/template.xlsx`: the template for one body and year, with last year's
/// figures (for those who may read that body's data).
#[tracing::instrument(skip_all, fields(%org, %fy))]
async fn prefilled_template(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    Path((org, fy)): Path<(String, String)>,
) -> Response {
    let result = async {
        auth.actor()?.read_body(&org)?;
        let fy: app::domain::FinancialYear = fy.parse().map_err(|_| {
            AppError::validation("fy", format!("{fy:?} is not a financial year like 2013-14"))
        })?;
        let body = app::services::organisations::get(&state.db, &org).await?;
        let key = app::services::returns::ReturnRef { org_code: &org, fy };
        let (_, _, last_year) = app::services::returns::stored_for_import(&state.db, &key).await?;
        let services = app::services::estate_import::service_codes(&state.db).await?;
        let (sites, adoptions) =
            app::services::estate_import::template_rows(&state.db, &org).await?;
        let bytes = app::import::template::build(
            Some(&app::import::template::Prefill {
                org_code: &org,
                org_name: &body.summary.name,
                fy,
                last_year: &last_year,
                sites: &sites,
                adoptions: &adoptions,
            }),
            &services,
        )
        .map_err(|e| AppError::internal(format!("building a template: {e}")))?;
        Ok::<Response, AppError>(xlsx(bytes, &format!("ict-spend-return-{org}-{fy}.xlsx")))
    }
    .await;
    result.unwrap_or_else(IntoResponse::into_response)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// What the upload form sent.
#[derive(Default)]
struct UploadForm {
    org: String,
    fy: String,
    file_name: String,
    bytes: Vec<u8>,
}

async fn read_form(
    multipart: &mut Multipart,
    limit: usize,
    form: &mut UploadForm,
) -> Result<(), AppError> {
    let too_large = || {
        AppError::validation(
            "file",
            format!(
                "The file is larger than {} MB, the most the tracker accepts. Remove unused sheets, or split it.",
                limit / (1024 * 1024)
            ),
        )
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(()),
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large()),
            Err(e) => {
                return Err(AppError::validation(
                    "file",
                    format!(
                        "The upload could not be read ({}); try again",
                        e.body_text()
                    ),
                ))
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" => {
                form.file_name = field.file_name().unwrap_or_default().to_owned();
                let mut field = field;
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if form.bytes.len() + chunk.len() > limit {
                                return Err(too_large());
                            }
                            form.bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return Err(too_large())
                        }
                        Err(e) => {
                            return Err(AppError::validation(
                                "file",
                                format!(
                                    "The upload could not be read ({}); try again",
                                    e.body_text()
                                ),
                            ))
                        }
                    }
                }
            }
            "org" | "fy" => {
                let text = field.text().await.map_err(|_| {
                    AppError::validation(name.as_str(), "The form could not be read; try again")
                })?;
                let text: String = text.trim().chars().take(100).collect();
                if name == "org" {
                    form.org = text;
                } else {
                    form.fy = text;
                }
            }
            _ => {}
        }
    }
}

/// `POST /import/upload` (multipart: `org`, `fy`, `file`): stores the file for its preview.
/// Only finance officers import; the body is checked once the form is read.
#[tracing::instrument(skip_all)]
async fn upload(
    State(state): State<AppState>,
    Extension(auth): Extension<RequestAuth>,
    request: Request,
) -> Response {
    let html = wants_html(request.headers());
    let mut form = UploadForm::default();
    let result = async {
        let actor = auth.actor()?;
        // Only finance officers import: others are refused before the file is read.
        if actor.user.role != app::domain::Role::Officer {
            return Err(AppError::Forbidden);
        }
        let mut multipart = Multipart::from_request(request, &state)
            .await
            .map_err(|_| {
                AppError::validation(
                    "file",
                    "Send the form as multipart/form-data, with the file in the field \"file\"",
                )
            })?;
        read_form(&mut multipart, state.max_upload_bytes, &mut form).await?;
        if form.org.is_empty() {
            return Err(AppError::validation(
                "org",
                "Choose the organisation the return is for",
            ));
        }
        let fy: app::domain::FinancialYear = form.fy.parse().map_err(|_| {
            AppError::validation(
                "fy",
                format!(
                    "Enter the financial year like 2013-14 (found {:?})",
                    form.fy
                ),
            )
        })?;
        app::services::import::upload(
            &state.db,
            &actor.write_body(&form.org)?,
            fy,
            &form.file_name,
            &form.bytes,
        )
        .await
    }
    .await;
    match (result, html) {
        (Ok(token), true) => Redirect::to(&format!("/import/{token}")).into_response(),
        (Ok(token), false) => (
            StatusCode::CREATED,
            Json(serde_json::json!({ "token": token, "preview": format!("/import/{token}") })),
        )
            .into_response(),
        (Err(AppError::Unauthorized), true) => Redirect::to("/login?next=/import").into_response(),
        (Err(error), true) => {
            let field = error
                .field_errors()
                .first()
                .map(|e| e.field.clone())
                .unwrap_or_else(|| "file".into());
            let message = match &error {
                AppError::Validation { message, .. } => message.clone(),
                other => other.to_string(),
            };
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("org", &form.org)
                .append_pair("fy", &form.fy)
                .append_pair("field", &field)
                .append_pair("error", &message)
                .finish();
            Redirect::to(&format!("/import?{query}")).into_response()
        }
        (Err(error), false) => error.into_response(),
    }
}
