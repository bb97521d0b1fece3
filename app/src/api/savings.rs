//! Server functions of the savings engine. Each authorises through the savings service: the
//! national summary and the trajectory for the board and the programme office, a body's
//! savings, trace and baselines for those who may read that body, changes for its officers
//! (trajectory and settings: admins).

use crate::error::AppError;
use crate::model::savings::{BaselinePage, BodySavings, SavingsSummary, TargetsPage, TraceView};
use leptos::prelude::*;
use std::collections::HashMap;

#[cfg(feature = "ssr")]
use super::{context, year};

/// The national savings summary (or one sector's), on a basis, against a profile.
#[server(prefix = "/api", endpoint = "savings/summary", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::get_savings_summary", skip_all, fields(?basis, ?sector, ?year)))]
pub async fn get_savings_summary(
    basis: Option<String>,
    sector: Option<String>,
    year: Option<String>,
    profile: Option<String>,
    method: Option<String>,
) -> Result<SavingsSummary, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let query = crate::services::savings::SummaryQuery {
                basis,
                sector,
                year,
                profile,
                method,
            };
            crate::services::savings::summary(&state.db, &actor.read_all()?, &query).await
        }
        .await,
    )
}

/// One body's savings year by year.
#[server(prefix = "/api", endpoint = "savings/body", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::get_body_savings", skip_all, fields(%org, ?basis)))]
pub async fn get_body_savings(org: String, basis: Option<String>) -> Result<BodySavings, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::savings::body(&state.db, &actor.read_body(&org)?, basis.as_deref())
                .await
        }
        .await,
    )
}

/// How a body's saving for a year was calculated.
#[server(prefix = "/api", endpoint = "savings/trace", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::get_savings_trace", skip_all, fields(%org, %fy, ?basis)))]
pub async fn get_savings_trace(
    org: String,
    fy: String,
    basis: Option<String>,
) -> Result<TraceView, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let fy = year(&fy)?;
            crate::services::savings::trace(
                &state.db,
                &actor.read_body(&org)?,
                fy,
                basis.as_deref(),
            )
            .await
        }
        .await,
    )
}

/// A body's baseline versions and the form for a new one.
#[server(prefix = "/api", endpoint = "savings/baseline", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::get_baseline_page", skip_all, fields(%org, ?from)))]
pub async fn get_baseline_page(
    org: String,
    from: Option<String>,
) -> Result<BaselinePage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::savings::baseline_page(
                &state.db,
                &actor.read_body(&org)?,
                from.as_deref(),
            )
            .await
        }
        .await,
    )
}

/// The programme office approves (`decision=approve`) or returns (`decision=return`, with a
/// `reason`) a proposed version of a body's baseline, then shows the baseline page.
#[server(prefix = "/api", endpoint = "savings/decide-baseline")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::decide_baseline", skip_all, fields(%org, version)))]
pub async fn decide_baseline(
    org: String,
    version: i64,
    decision: String,
    reason: Option<String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let approve = match decision.as_str() {
                "approve" => true,
                "return" => false,
                _ => {
                    return Err(AppError::validation(
                        "decision",
                        "Decision: approve or return",
                    ))
                }
            };
            crate::services::savings::decide_baseline(
                &state.db,
                &actor.office()?,
                &org,
                version,
                approve,
                reason.as_deref().unwrap_or_default(),
            )
            .await?;
            super::redirect(&format!("/savings/{org}/baseline"));
            Ok(())
        }
        .await,
    )
}

/// Records a new version of a body's baseline (`org`, `year`, an amount per category code,
/// `reason`), then shows the baseline page.
#[server(prefix = "/api", endpoint = "savings/record-baseline")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::record_baseline", skip_all)
)]
pub async fn record_baseline(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let org = form.get("org").cloned().unwrap_or_default();
            crate::services::savings::record_baseline(&state.db, &actor.write_body(&org)?, &form)
                .await?;
            super::redirect(&format!("/savings/{org}/baseline"));
            Ok(())
        }
        .await,
    )
}

/// A body's explanation of a missed target.
#[server(prefix = "/api", endpoint = "savings/explain")]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::explain_target", skip_all, fields(%org, %fy)))]
pub async fn explain_target(org: String, fy: String, explanation: String) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let fy = year(&fy)?;
            crate::services::savings::explain_target(
                &state.db,
                &actor.write_body(&org)?,
                fy,
                &explanation,
            )
            .await?;
            super::redirect(&format!("/savings/{org}#year-{fy}"));
            Ok(())
        }
        .await,
    )
}

/// The trajectory and the engine's settings.
#[server(prefix = "/api", endpoint = "savings/targets", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::get_targets_page", skip_all)
)]
pub async fn get_targets_page() -> Result<TargetsPage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::savings::targets_page(&state.db, &actor.read_all()?).await
        }
        .await,
    )
}

/// Saves the trajectory and the settings (admins).
#[server(prefix = "/api", endpoint = "savings/save-targets")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::save_targets", skip_all)
)]
pub async fn save_targets(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::savings::save_targets(&state.db, &actor.office()?, &form).await?;
            super::redirect("/savings/targets");
            Ok(())
        }
        .await,
    )
}

/// A body's initiatives and the form to record one.
#[server(prefix = "/api", endpoint = "savings/initiatives", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::get_initiatives_page", skip_all, fields(%org)))]
pub async fn get_initiatives_page(
    org: String,
) -> Result<crate::model::savings::InitiativesPage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::initiatives::initiatives_page(&state.db, &actor.read_body(&org)?).await
        }
        .await,
    )
}

/// Records an initiative's claimed saving, then shows the body's initiatives.
#[server(prefix = "/api", endpoint = "savings/record-initiative")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::record_initiative", skip_all)
)]
pub async fn record_initiative(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let org = form.get("org").cloned().unwrap_or_default();
            crate::services::initiatives::record_initiative(
                &state.db,
                &actor.write_body(&org)?,
                &form,
            )
            .await?;
            super::redirect(&format!("/savings/{org}/initiatives"));
            Ok(())
        }
        .await,
    )
}

/// One initiative, its history and the corrections this person may make.
#[server(prefix = "/api", endpoint = "savings/initiative", input = server_fn::codec::GetUrl)]
#[cfg_attr(feature = "ssr", tracing::instrument(name = "api::savings::get_initiative_page", skip_all, fields(%org, id)))]
pub async fn get_initiative_page(
    org: String,
    id: i64,
) -> Result<crate::model::savings::InitiativePage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::initiatives::initiative_page(&state.db, &actor.read_body(&org)?, id)
                .await
        }
        .await,
    )
}

/// Edits, regrades or withdraws an initiative (its next version), then shows it again.
#[server(prefix = "/api", endpoint = "savings/correct-initiative")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::correct_initiative", skip_all)
)]
pub async fn correct_initiative(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let org = form.get("org").cloned().unwrap_or_default();
            crate::services::initiatives::correct_initiative(&state.db, &actor, &org, &form)
                .await?;
            let id = form.get("id").cloned().unwrap_or_default();
            super::redirect(&format!("/savings/{org}/initiatives/{id}?corrected=1"));
            Ok(())
        }
        .await,
    )
}

/// Every organisation change and the problems they cause (programme office).
#[server(prefix = "/api", endpoint = "savings/successions", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::get_successions_page", skip_all)
)]
pub async fn get_successions_page() -> Result<crate::model::savings::SuccessionsPage, AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::savings::successions_page(&state.db, &actor.office()?).await
        }
        .await,
    )
}

/// Adds a public body the tracker does not hold yet (programme office).
#[server(prefix = "/api", endpoint = "savings/add-organisation")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::add_organisation", skip_all)
)]
pub async fn add_organisation(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            let code =
                crate::services::savings::add_body(&state.db, &actor.office()?, &form).await?;
            super::redirect(&format!("/admin/organisation-changes?added={code}"));
            Ok(())
        }
        .await,
    )
}

/// Records or corrects a merger, split, transfer or rename (programme office).
#[server(prefix = "/api", endpoint = "savings/record-succession")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::savings::record_succession", skip_all)
)]
pub async fn record_succession(
    #[server(flatten)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    super::finish(
        async move {
            let (actor, state) = context()?;
            crate::services::savings::record_succession(&state.db, &actor.office()?, &form).await?;
            super::redirect("/admin/organisation-changes");
            Ok(())
        }
        .await,
    )
}
