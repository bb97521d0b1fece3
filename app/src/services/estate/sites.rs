//! Adding and changing a site, and moving it along its lifecycle (plan, migrate, close, cancel).

use super::{conflict, entry, org_id, own_site, site_input};
use crate::access::WriteBody;
use crate::db::audit::{self};
use crate::db::estate::{self as store, Lifecycle};
use crate::db::{savings as savings_store, Db, DbError};
use crate::domain::estate::site::{
    apply, closure_saving, parse_date, parse_site, Destination, LifecycleError, Site, SiteAction,
};
use crate::domain::estate::SiteStatus;
use crate::domain::savings::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Money, OrgId};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use crate::util::capitalise;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// Adds a site (`id` None) or saves its inventory figures (`id` and the `row_version` edited).
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code(), ?id, ?row_version))]
pub async fn save_site(
    db: &Db,
    write: &WriteBody<'_>,
    id: Option<i64>,
    row_version: Option<i64>,
    form: &HashMap<String, String>,
) -> Result<i64, AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let site =
        parse_site(&site_input(form)).map_err(|errors| AppError::refused_form(errors, form))?;
    let mut tx = db.begin().await?;
    let (org, _) = org_id(&mut tx, code).await?;
    let saved = SiteSave {
        code,
        org,
        id,
        row_version,
        site: &site,
    };
    let id = save_site_in(&mut tx, user, client, &saved)
        .await
        .map_err(|e| match e {
            AppError::Form { errors, .. } => AppError::refused_form(errors, form),
            other => other,
        })?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}

/// A checked site to add (`id` None) or to save over the stored one.
pub(crate) struct SiteSave<'a> {
    pub code: &'a str,
    pub org: i64,
    pub id: Option<i64>,
    pub row_version: Option<i64>,
    pub site: &'a Site,
}

/// Adds or saves a checked site inside the caller's transaction, with its audit row. The caller
/// has checked that the user may write the body.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub(crate) async fn save_site_in(
    tx: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    s: &SiteSave<'_>,
) -> Result<i64, AppError> {
    let (code, site) = (s.code, s.site);
    let at = now();
    Ok(match s.id {
        None => {
            let id = store::insert_site(tx, s.org, site, at, user.id).await?;
            let mut e = entry(user, client, AuditAction::DataCentreAdded, id);
            e.after = serde_json::to_value(site).ok();
            audit::record(tx, &e).await?;
            id
        }
        Some(id) => {
            let before = own_site(tx, code, id).await?;
            let expected = s.row_version.ok_or_else(|| {
                AppError::validation(
                    "row_version",
                    "The form is incomplete: reload the site and try again",
                )
            })?;
            if before.status == SiteStatus::Closed {
                return Err(AppError::Conflict(
                    "A closed site's figures are kept as they were when it closed.".into(),
                ));
            }
            if let (Some(closed), Some(opened)) = (before.closed_date, site.opened) {
                if closed < opened {
                    return Err(AppError::Form {
                        errors: vec![FieldError {
                            field: "opened".into(),
                            message: "Opened: after the date the site closed".into(),
                        }],
                        values: Vec::new(),
                    });
                }
            }
            if !store::update_site(tx, id, expected, site, at, user.id).await? {
                return Err(conflict());
            }
            let mut e = entry(user, client, AuditAction::DataCentreChanged, id);
            e.before = serde_json::to_value(&before.site).ok();
            e.after = serde_json::to_value(site).ok();
            audit::record(tx, &e).await?;
            id
        }
    })
}

/// Moves a site along its lifecycle: `action` is plan, migrate, close or cancel.
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code(), id, row_version))]
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn site_action(
    db: &Db,
    write: &WriteBody<'_>,
    id: i64,
    row_version: i64,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let f = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut tx = db.begin().await?;
    let current = own_site(&mut tx, code, id).await?;
    if current.row_version != row_version {
        return Err(conflict());
    }
    let mut errors = Vec::new();
    let mut error = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        })
    };
    let mut money = |name: &str, label: &str| -> Money {
        match f(name) {
            "" => Money::ZERO,
            text => match Money::parse(text) {
                Ok(m) if !m.is_negative() => m,
                Ok(_) => {
                    error(name, format!("{label}: cannot be negative"));
                    Money::ZERO
                }
                Err(e) => {
                    error(name, format!("{label}: {e}"));
                    Money::ZERO
                }
            },
        }
    };
    let mut next = Lifecycle {
        status: current.status,
        target_date: current.target_date,
        closed_date: current.closed_date,
        destination: current.destination,
        destination_site_id: current.destination_site_id,
        costs_moving: current.costs_moving,
        migration_cost: current.migration_cost,
        evidence: current.evidence.as_deref(),
    };
    let evidence = f("evidence");
    if !evidence.is_empty() {
        next.evidence = Some(evidence);
    }
    let action = match f("action") {
        "plan" => {
            next.costs_moving = money("costs_moving", "Running costs that move");
            next.migration_cost = money("migration_cost", "One-off migration cost");
            let target = parse_date(f("target_date"));
            if target.is_none() {
                error("target_date", "Target date: a date like 2015-03-31".into());
            }
            let destination = Destination::parse(f("destination"))
                .map_err(|e| error("destination", format!("Destination: {e}")))
                .ok();
            next.destination = destination;
            next.destination_site_id = None;
            if let Some(text) = Some(f("destination_site")).filter(|t| !t.is_empty()) {
                match text.parse::<i64>().ok().map(|i| (i, i != id)) {
                    // Only the body's own sites and shared ones are offered (`sites_page`); any
                    // other site is answered as if it did not exist, so nothing is learned of
                    // another body's sites (issue 15).
                    Some((dest, true)) => match store::site(&mut tx, dest).await?.filter(|d| {
                        d.org_id == current.org_id
                            || d.site.ownership == crate::domain::estate::Ownership::SharedPublic
                    }) {
                        Some(d) if d.status == SiteStatus::Closed => error("destination_site", format!("Destination site: {} is closed", d.site.name)),
                        Some(d) if destination == Some(Destination::SameBodySite) && d.org_id != current.org_id => {
                            error("destination_site", "Destination site: another site of the same body was chosen as the destination, but this one is a shared site: choose \"a shared data centre\" as the destination".into())
                        }
                        Some(d) => next.destination_site_id = Some(d.id),
                        None => error("destination_site", "Destination site: choose one of the body's own sites or a shared site from the list".into()),
                    },
                    Some((_, false)) => error("destination_site", "Destination site: a site cannot move to itself".into()),
                    None => error("destination_site", "Destination site: choose one from the list".into()),
                }
            } else if destination == Some(Destination::SameBodySite) {
                error(
                    "destination_site",
                    "Destination site: choose which of the body's sites the services move to"
                        .into(),
                );
            }
            next.target_date = target;
            target
                .zip(destination)
                .map(|(target, destination)| SiteAction::PlanClosure {
                    target,
                    destination,
                })
        }
        "migrate" => Some(SiteAction::StartMigration),
        "close" => {
            let on = parse_date(f("closed_date"));
            if on.is_none() {
                error("closed_date", "Closed on: a date like 2015-03-31".into());
            }
            if on.is_some_and(|d| d > chrono::Utc::now().date_naive()) {
                error(
                    "closed_date",
                    "Closed on: a date in the future (plan the closure instead)".into(),
                );
            }
            next.closed_date = on;
            on.map(|on| SiteAction::Close { on })
        }
        "cancel" => {
            next.target_date = None;
            next.destination = None;
            next.destination_site_id = None;
            Some(SiteAction::Cancel)
        }
        other => {
            error(
                "action",
                format!("Action: {other:?} is not one of plan, migrate, close or cancel"),
            );
            None
        }
    };
    let status = match action.map(|a| apply(current.status, current.site.opened, a)) {
        Some(Ok(status)) if errors.is_empty() => status,
        Some(Err(LifecycleError::Field { field, message })) => {
            errors.push(FieldError {
                field: field.into(),
                message,
            });
            return Err(AppError::refused_form(errors, form));
        }
        Some(Err(other @ LifecycleError::NotNow(..))) if errors.is_empty() => {
            return Err(AppError::Conflict(capitalise(&other.to_string())))
        }
        _ => return Err(AppError::refused_form(errors, form)),
    };
    next.status = status;
    if !store::set_lifecycle(&mut tx, id, row_version, &next, now(), user.id).await? {
        return Err(conflict());
    }
    let mut e = entry(
        user,
        client,
        match status {
            SiteStatus::Operational => AuditAction::DataCentreOperational,
            SiteStatus::ClosurePlanned => AuditAction::DataCentreClosurePlanned,
            SiteStatus::Migrating => AuditAction::DataCentreMigrating,
            SiteStatus::Closed => AuditAction::DataCentreClosed,
        },
        id,
    );
    e.before = Some(serde_json::json!({ "status": current.status.code() }));
    e.after = Some(serde_json::json!({
        "status": status.code(),
        "target_date": next.target_date.map(|d| d.to_string()),
        "closed_date": next.closed_date.map(|d| d.to_string()),
        "destination": next.destination.map(|d| d.code()),
        "destination_site": next.destination_site_id,
        "costs_moving": next.costs_moving.to_string(),
        "migration_cost": next.migration_cost.to_string(),
        "evidence": next.evidence,
    }));
    audit::record(&mut tx, &e).await?;
    if status == SiteStatus::Closed {
        // The closure's saving goes to the savings engine as an initiative.
        let saving = closure_saving(&current.site.costs, next.costs_moving, next.migration_cost);
        let first_year = next
            .closed_date
            .and_then(|d| FinancialYear::containing(d).ok())
            .ok_or_else(|| AppError::internal("a closure without a date"))?;
        let initiative = Initiative {
            id: 0,
            org: OrgId(current.org_id),
            kind: InitiativeKind::DataCentre,
            title: format!("Closure of {}", current.site.name),
            class: SavingClass::CashReleasing,
            evidence: if next.evidence.is_some() {
                Evidence::Partial
            } else {
                Evidence::Insufficient
            },
            recurring: saving.recurring,
            one_off: saving.one_off,
            first_year,
            last_year: None,
            service: None,
            party: Party::Own,
            counterparty: None,
        };
        let note = next
            .evidence
            .unwrap_or("Recorded when the site closed; no evidence note was given.");
        let source = format!("data-centre:{id}");
        savings_store::insert_initiative(
            &mut tx,
            &savings_store::NewInitiative {
                org: current.org_id,
                initiative: &initiative,
                quality_note: note,
                source_ref: Some(&source),
                at: now(),
                user: user.id,
            },
        )
        .await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
