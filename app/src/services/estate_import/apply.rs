//! Doing what the plan says inside the import's transaction, and the template's rows.

use super::{Action, EstatePlan, Terms};
use crate::db::estate::{self as estate_store};
use crate::db::shared::{self as shared_store, AdoptionRecord, NewAdoption};
use crate::domain::estate::adoption::AdoptionStage;
use crate::domain::estate::site::Site;
use crate::domain::estate::SiteStatus;
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::services::auth::Client;
use crate::services::{estate, shared};
use sqlx::AnyConnection;

/// Applies a plan made inside the same transaction. The caller has checked that the user may
/// write the body and that the plan has no errors.
#[tracing::instrument(skip_all, fields(user = user.id, %code, org))]
pub async fn apply(
    tx: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    org: i64,
    plan: &EstatePlan,
) -> Result<(), AppError> {
    for action in &plan.actions {
        match action {
            Action::Site { stored, site } => {
                estate::save_site_in(
                    tx,
                    user,
                    client,
                    &estate::SiteSave {
                        code,
                        org,
                        id: stored.map(|(id, _)| id),
                        row_version: stored.map(|(_, v)| v),
                        site,
                    },
                )
                .await?;
            }
            Action::Adoption {
                stored,
                service,
                terms,
                step,
            } => {
                let new = |t: &Terms| NewAdoption {
                    org,
                    service,
                    cost_before: t.cost_before,
                    cost_after: t.cost_after,
                    one_off: t.one_off,
                    sites: t.sites,
                    users: t.users,
                    class: t.class,
                };
                let id = match (stored, terms) {
                    (None, Some(t)) => {
                        shared::insert_adoption_in(tx, user, client, code, &new(t)).await?
                    }
                    (None, None) => {
                        return Err(AppError::internal("a new adoption without its terms"))
                    }
                    (Some(id), Some(t)) => {
                        let before = reload(tx, org, *id).await?;
                        shared::update_terms_in(tx, user, client, &before, &new(t)).await?;
                        *id
                    }
                    (Some(id), None) => *id,
                };
                if let Some((to, on)) = step {
                    let current = reload(tx, org, id).await?;
                    shared::move_adoption_in(
                        tx,
                        user,
                        client,
                        org,
                        &current,
                        (*to, *on),
                        if *to == AdoptionStage::Abandoned {
                            "Recorded as abandoned in a spreadsheet import"
                        } else {
                            ""
                        },
                    )
                    .await?;
                }
            }
        }
    }
    Ok(())
}

pub(super) async fn reload(
    tx: &mut AnyConnection,
    org: i64,
    id: i64,
) -> Result<AdoptionRecord, AppError> {
    shared_store::adoptions(tx, Some(org))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| {
            AppError::Conflict(
                "An adoption in the file was removed meanwhile. Upload the file again.".into(),
            )
        })
}

/// The catalogue's service codes, for the template's drop-down.
#[tracing::instrument(skip_all)]
pub async fn service_codes(db: &crate::db::Db) -> Result<Vec<String>, AppError> {
    let mut conn = db
        .pool()
        .acquire()
        .await
        .map_err(crate::db::DbError::from)?;
    Ok(shared_store::services(&mut conn)
        .await?
        .into_iter()
        .map(|s| s.0)
        .collect())
}

/// A body's sites that are not closed and its adoptions, as a pre-filled template shows them.
/// The caller has checked that the user may read the body.
#[tracing::instrument(skip_all, fields(%code))]
pub async fn template_rows(
    db: &crate::db::Db,
    code: &str,
) -> Result<(Vec<Site>, Vec<crate::import::template::AdoptionLine>), AppError> {
    let mut conn = db
        .pool()
        .acquire()
        .await
        .map_err(crate::db::DbError::from)?;
    let Some(body) = crate::db::savings::body(&mut conn, code).await? else {
        return Err(AppError::NotFound(format!("The organisation {code:?}")));
    };
    let sites = estate_store::sites(&mut conn, Some(body.id), None)
        .await?
        .into_iter()
        .filter(|s| s.status != SiteStatus::Closed)
        .map(|s| s.site)
        .collect();
    // The latest adoption of each service: earlier, ended ones are history (issue 15).
    let adoptions = shared::latest(shared_store::adoptions(&mut conn, Some(body.id)).await?)
        .into_iter()
        .map(|a| crate::import::template::AdoptionLine {
            date: match a.stage {
                AdoptionStage::Contracted => a.contracted,
                AdoptionStage::Migrating => a.migrating.or(a.contracted),
                AdoptionStage::Live => a.live,
                AdoptionStage::Exited => a.exited,
                AdoptionStage::Abandoned => a.abandoned,
                AdoptionStage::Considering => None,
            },
            service: a.service_code,
            stage: a.stage,
            cost_before: a.cost_before,
            cost_after: a.cost_after,
            one_off: a.one_off,
            sites: a.sites,
            users: a.users,
            class: a.class,
        })
        .collect();
    Ok((sites, adoptions))
}
