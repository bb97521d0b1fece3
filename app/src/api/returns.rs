//! Server functions for spend returns. Each authorises through the returns service, which checks
//! the organisation scope on every read and write.

use crate::error::AppError;
use crate::model::returns::{DeadlineView, ReturnListRow, ReturnPage, StatusBoard};
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use super::{context, year};

/// The path of a return's page.
pub fn return_path(org_code: &str, fy: &str) -> String {
    format!("/returns/{org_code}/{fy}")
}

#[server(prefix = "/api", endpoint = "returns/page", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::returns::get_return_page", skip_all, fields(%org, %fy)))]
pub async fn get_return_page(org: String, fy: String) -> Result<ReturnPage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let fy = year(&fy)?;
            crate::services::returns::page(&state.db, &actor.read_body(&org)?, fy).await
        }
        .await,
    )
}

/// Starts the body's return for the year (an empty draft, version 1).
#[server(prefix = "/api", endpoint = "returns/start")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::returns::start_return", skip_all, fields(%org, %fy)))]
pub async fn start_return(org: String, fy: String) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let fy = year(&fy)?;
            crate::services::returns::open(&state.db, &actor.write_body(&org)?, fy).await?;
            super::redirect(&return_path(&org, &fy.to_string()));
            Ok(())
        }
        .await,
    )
}

/// Saves the figures of a draft. The form's fields: `org`, `fy`, `row_version`, and for each
/// category `CODE-capital`, `CODE-revenue`, `CODE-note`, `CODE-explanation` (and `staff-fte`);
/// the income line's `income-capital`, `income-revenue`, `income-note`.
#[server(prefix = "/api", endpoint = "returns/save")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::returns::save_return", skip_all)
)]
pub async fn save_return(#[server(flatten)] form: HashMap<String, String>) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
            let org = field("org").to_owned();
            let fy = year(field("fy"))?;
            let row_version: i64 = field("row_version").trim().parse().map_err(|_| {
                AppError::validation(
                    "row_version",
                    "The form is incomplete: reload the return and try again",
                )
            })?;
            let write = actor.write_body(&org)?;
            let result = match crate::services::returns::parse_return_form(&form) {
                Ok(parsed) => crate::services::returns::save_lines(
                    &state.db,
                    &write,
                    fy,
                    row_version,
                    &parsed.figures,
                    &parsed.explanations,
                )
                .await
                .map(|_| ()),
                Err(e) => Err(e),
            };
            result.map_err(|e| crate::services::returns::refused_return_form(&form, e))
        }
        .await,
    )
}

/// Submits, approves, sends back (with a reason), restates or withdraws a return: `action` is
/// `submit`, `approve`, `send-back`, `restate` or `withdraw`.
#[server(prefix = "/api", endpoint = "returns/act")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::returns::return_action", skip_all, fields(%org, %fy, %action)))]
pub async fn return_action(
    org: String,
    fy: String,
    row_version: String,
    action: String,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    super::finish(
        async move {
            use crate::domain::ReturnAction;
            let (actor, state) = context()?;
            let fy = year(&fy)?;
            let row_version: i64 = row_version.trim().parse().map_err(|_| {
                AppError::validation(
                    "row_version",
                    "The form is incomplete: reload the return and try again",
                )
            })?;
            let action = match action.as_str() {
                "submit" => ReturnAction::Submit,
                "approve" => ReturnAction::Approve,
                "send-back" => ReturnAction::SendBack,
                "restate" => ReturnAction::Restate,
                "withdraw" => ReturnAction::Withdraw,
                other => {
                    return Err(AppError::validation(
                        "action",
                        format!("{other:?} is not something that can be done to a return"),
                    ))
                }
            };
            let key = crate::services::returns::ReturnRef { org_code: &org, fy };
            let reason = reason.trim();
            crate::services::returns::act(
                &state.db,
                &actor,
                &key,
                row_version,
                action,
                (!reason.is_empty()).then_some(reason),
            )
            .await?;
            Ok(())
        }
        .await,
    )
}

/// The signed-in officer's returns (none for board and admin).
#[server(prefix = "/api", endpoint = "returns/mine", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::returns::my_returns", skip_all)
)]
pub async fn my_returns() -> Result<Vec<ReturnListRow>, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::returns::my_returns(&state.db, &actor).await
        }
        .await,
    )
}

/// The submission status board (board and programme office); `fy` is a year, `all`, or empty
/// for the latest year with a deadline.
#[server(prefix = "/api", endpoint = "returns/status", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::returns::get_status_board", skip_all, fields(?fy, ?sector)))]
pub async fn get_status_board(
    fy: Option<String>,
    sector: Option<String>,
) -> Result<StatusBoard, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            use crate::services::returns::BoardYears;
            let years = match fy.as_deref().map(str::trim) {
                None | Some("") => BoardYears::Default,
                Some("all") => BoardYears::All,
                Some(text) => BoardYears::One(year(text)?),
            };
            let sector = sector
                .as_deref()
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse::<crate::domain::Sector>().map_err(|_| {
                        AppError::validation("sector", format!("{s:?} is not a sector"))
                    })
                })
                .transpose()?;
            crate::services::returns::status_board(&state.db, &actor.read_all()?, years, sector)
                .await
        }
        .await,
    )
}

/// The deadlines set for each financial year (anyone signed in).
#[server(prefix = "/api", endpoint = "returns/deadlines", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::returns::list_deadlines", skip_all)
)]
pub async fn list_deadlines() -> Result<Vec<DeadlineView>, AppError> {
    super::finish(
        async move {
            let (_, state) = context()?;
            crate::services::returns::deadlines(&state.db).await
        }
        .await,
    )
}

/// Sets a financial year's deadline (programme office only).
#[server(prefix = "/api", endpoint = "returns/set-deadline")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::returns::set_deadline", skip_all, fields(%fy)))]
pub async fn set_deadline(fy: String, due: String) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let office = actor.office()?;
            let fy = year(&fy)?;
            let due = crate::services::returns::parse_due_date(&due)?;
            crate::services::returns::set_deadline(&state.db, &office, fy, due).await
        }
        .await,
    )
}
