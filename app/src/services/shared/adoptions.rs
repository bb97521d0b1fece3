//! A body's adoptions: recording one, changing its terms, moving it on (issue 7), abandoning
//! it (issue 15).

use super::{entry, latest, view};
use crate::access::{ReadBody, WriteBody};
use crate::db::audit::{self};
use crate::db::shared::{self as store, AdoptionRecord, NewAdoption};
use crate::db::{savings as savings_store, Db, DbError};
use crate::domain::estate::adoption::recurring_saving;
use crate::domain::estate::site::parse_date;
use crate::domain::estate::AdoptionStage;
use crate::domain::savings::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Money, OrgId};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::estate::*;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use crate::util::capitalise;
use sqlx::AnyConnection;
use std::collections::HashMap;

/// A body's adoptions, with the services it has not adopted yet.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code()))]
pub async fn adoptions_page(db: &Db, read: &ReadBody<'_>) -> Result<AdoptionsPage, AppError> {
    let actor = read.actor();
    let code = read.code();
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let body = savings_store::body(&mut conn, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {code:?}")))?;
    let all = store::adoptions(&mut conn, Some(body.id)).await?;
    let adoptions = latest(all.clone());
    let history = all
        .iter()
        .filter(|a| !adoptions.iter().any(|l| l.id == a.id))
        .map(view)
        .collect();
    // A service can be recorded unless an adoption of it is in progress (an exited or
    // abandoned one can be taken up again).
    let services = store::services(&mut conn)
        .await?
        .into_iter()
        .filter(|(s, ..)| {
            !adoptions
                .iter()
                .any(|a| &a.service_code == s && !a.stage.ended())
        })
        .map(|(c, n, ..)| (c, n))
        .collect();
    Ok(AdoptionsPage {
        code: body.code,
        name: body.name,
        adoptions: adoptions.iter().map(view).collect(),
        history,
        services,
        may_edit: actor.can_write_body(code),
    })
}

pub(super) fn count(
    form: &HashMap<String, String>,
    name: &str,
    label: &str,
    errors: &mut Vec<FieldError>,
) -> Option<i64> {
    match form
        .get(name)
        .map(|v| v.trim().replace(',', ""))
        .filter(|v| !v.is_empty())
    {
        None => None,
        Some(text) => match text.parse::<i64>() {
            Ok(n) if n >= 0 => Some(n),
            _ => {
                errors.push(FieldError {
                    field: name.into(),
                    message: format!("{label}: a whole number, 0 or more"),
                });
                None
            }
        },
    }
}

/// Records that a body is considering a shared service, with its costs before and after.
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code()))]
pub async fn record_adoption(
    db: &Db,
    write: &WriteBody<'_>,
    form: &HashMap<String, String>,
) -> Result<i64, AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let f = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut errors = Vec::new();
    let mut money = |name: &str, label: &str| -> Money {
        match Money::parse(if f(name).is_empty() { "0" } else { f(name) }) {
            Ok(m) if !m.is_negative() => m,
            Ok(_) => {
                errors.push(FieldError {
                    field: name.into(),
                    message: format!("{label}: cannot be negative"),
                });
                Money::ZERO
            }
            Err(e) => {
                errors.push(FieldError {
                    field: name.into(),
                    message: format!("{label}: {e}"),
                });
                Money::ZERO
            }
        }
    };
    let cost_before = money("cost_before", "Annual cost before");
    let cost_after = money("cost_after", "Annual cost after");
    let one_off = money("one_off", "One-off cost");
    let sites = count(form, "sites", "Sites", &mut errors);
    let users = count(form, "users", "Users", &mut errors);
    let class = SavingClass::parse(f("class"))
        .map_err(|e| {
            errors.push(FieldError {
                field: "class".into(),
                message: format!("Class: {e}"),
            })
        })
        .ok();
    let mut tx = db.begin().await?;
    let body = savings_store::body(&mut tx, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {code:?}")))?;
    let service = f("service");
    let known = store::services(&mut tx)
        .await?
        .into_iter()
        .any(|(c, ..)| c == service);
    if !known {
        errors.push(FieldError {
            field: "service".into(),
            message: format!("Shared service: {service:?} is not in the catalogue"),
        });
    } else if store::adoptions(&mut tx, Some(body.id))
        .await?
        .iter()
        .any(|a| a.service_code == service && !a.stage.ended())
    {
        errors.push(FieldError { field: "service".into(), message: "Shared service: this body's adoption of it is in progress; move that one on, or abandon it, instead".into() });
    }
    let Some(class) = class.filter(|_| errors.is_empty()) else {
        return Err(AppError::refused_form(errors, form));
    };
    let new = NewAdoption {
        org: body.id,
        service,
        cost_before,
        cost_after,
        one_off,
        sites,
        users,
        class,
    };
    let id = insert_adoption_in(&mut tx, user, client, code, &new).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}

/// Records a checked new adoption (at "considering") with its audit row, inside the caller's
/// transaction.
#[tracing::instrument(skip_all, fields(user = user.id, %code))]
pub(crate) async fn insert_adoption_in(
    tx: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    a: &NewAdoption<'_>,
) -> Result<i64, AppError> {
    let id = store::insert_adoption(tx, a, now(), user.id).await?;
    let mut e = entry(
        user,
        client,
        AuditAction::AdoptionRecorded,
        "adoption",
        id.to_string(),
    );
    e.after = Some(
        serde_json::json!({ "org": code, "service": a.service, "stage": "considering", "cost_before": a.cost_before.to_string(), "cost_after": a.cost_after.to_string(), "one_off": a.one_off.to_string(), "sites": a.sites, "users": a.users, "class": a.class.code() }),
    );
    audit::record(tx, &e).await?;
    Ok(id)
}

/// Replaces a stored adoption's costs, counts and class (before it is live), with its audit
/// row, inside the caller's transaction.
#[tracing::instrument(skip_all, fields(user = user.id))]
pub(crate) async fn update_terms_in(
    tx: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    before: &AdoptionRecord,
    a: &NewAdoption<'_>,
) -> Result<(), AppError> {
    if matches!(
        before.stage,
        AdoptionStage::Live | AdoptionStage::Exited | AdoptionStage::Abandoned
    ) {
        return Err(AppError::Conflict(format!(
            "The adoption of {} is {}: its costs are what its saving was recorded from.",
            before.service_name,
            before.stage.code()
        )));
    }
    if !store::update_terms(tx, before.id, before.row_version, a, now(), user.id).await? {
        return Err(AppError::Conflict(
            "Someone changed this adoption after you opened it. Reload the page and try again."
                .into(),
        ));
    }
    let mut e = entry(
        user,
        client,
        AuditAction::AdoptionChanged,
        "adoption",
        before.id.to_string(),
    );
    e.before = Some(
        serde_json::json!({ "cost_before": before.cost_before.to_string(), "cost_after": before.cost_after.to_string(), "one_off": before.one_off.to_string(), "sites": before.sites, "users": before.users, "class": before.class.code() }),
    );
    e.after = Some(
        serde_json::json!({ "cost_before": a.cost_before.to_string(), "cost_after": a.cost_after.to_string(), "one_off": a.one_off.to_string(), "sites": a.sites, "users": a.users, "class": a.class.code() }),
    );
    audit::record(tx, &e).await?;
    Ok(())
}

/// A step an officer asks for: which adoption, the version they saw, the stage and its date.
pub struct Step<'a> {
    pub id: i64,
    pub row_version: i64,
    pub stage: &'a str,
    pub date: &'a str,
    /// Why: needed to abandon an adoption (issue 15), otherwise not asked for.
    pub reason: &'a str,
}

/// Moves an adoption to its next stage, dated.
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code()))]
pub async fn move_adoption(
    db: &Db,
    write: &WriteBody<'_>,
    step: &Step<'_>,
) -> Result<(), AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let Step {
        id,
        row_version,
        stage,
        date: on,
        reason,
    } = *step;
    let to =
        AdoptionStage::parse(stage).map_err(|e| AppError::validation("stage", e.to_string()))?;
    let reason = reason.trim();
    let reason_error = if to == AdoptionStage::Abandoned {
        crate::domain::input::reason(reason, "the adoption is abandoned").err()
    } else {
        crate::domain::input::optional_reason(reason).err()
    };
    if let Some(message) = reason_error {
        // The adoption's id is kept with what was typed, so the page shows the error at its form.
        return Err(AppError::Form {
            errors: vec![FieldError {
                field: "reason".into(),
                message,
            }],
            values: vec![
                ("id".into(), id.to_string()),
                ("stage".into(), stage.to_owned()),
                ("date".into(), on.to_owned()),
                ("reason".into(), reason.to_owned()),
            ],
        });
    }
    let on = parse_date(on)
        .ok_or_else(|| AppError::validation("date", "Date: a date like 2015-04-01"))?;
    let mut tx = db.begin().await?;
    let body = savings_store::body(&mut tx, code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {code:?}")))?;
    let current = store::adoptions(&mut tx, Some(body.id))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or_else(|| AppError::NotFound(format!("Adoption {id} of {code}")))?;
    if current.row_version != row_version {
        return Err(AppError::Conflict(
            "Someone changed this adoption after you opened it. Reload the page and try again."
                .into(),
        ));
    }
    move_adoption_in(&mut tx, user, client, body.id, &current, (to, on), reason).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Moves a stored adoption one step, dated, with its initiative and audit row, inside the
/// caller's transaction. The caller has checked the user may write the body.
#[tracing::instrument(skip_all, fields(user = user.id, org))]
pub(crate) async fn move_adoption_in(
    tx: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    org: i64,
    current: &AdoptionRecord,
    (to, on): (AdoptionStage, chrono::NaiveDate),
    reason: &str,
) -> Result<(), AppError> {
    let (id, row_version) = (current.id, current.row_version);
    current
        .stage
        .move_to(to)
        .map_err(|e| AppError::validation("stage", capitalise(&e.to_string())))?;
    let earlier = current.latest_step();
    if earlier.is_some_and(|d| on < d) {
        return Err(AppError::validation(
            "date",
            format!(
                "Date: {on} is before the adoption's previous step ({})",
                earlier.map(|d| d.to_string()).unwrap_or_default()
            ),
        ));
    }
    if !store::set_stage(tx, id, row_version, to, on, now(), user.id).await? {
        return Err(AppError::Conflict(
            "Someone changed this adoption after you opened it. Reload the page and try again."
                .into(),
        ));
    }
    let source = format!("adoption:{id}");
    let year =
        FinancialYear::containing(on).map_err(|e| AppError::validation("date", e.to_string()))?;
    match to {
        AdoptionStage::Live => {
            let initiative = Initiative {
                id: 0,
                org: OrgId(org),
                kind: InitiativeKind::SharedService,
                title: current.service_name.clone(),
                class: current.class,
                evidence: Evidence::Partial,
                recurring: recurring_saving(current.cost_before, current.cost_after),
                one_off: current.one_off,
                first_year: year,
                last_year: None,
                service: Some(current.service_code.clone()),
                party: Party::Consumer,
                counterparty: None,
            };
            let note = format!(
                "Annual cost {} before and {} after moving to the shared service.",
                current.cost_before, current.cost_after
            );
            savings_store::insert_initiative(
                tx,
                &savings_store::NewInitiative {
                    org,
                    initiative: &initiative,
                    quality_note: &note,
                    source_ref: Some(&source),
                    at: now(),
                    user: user.id,
                },
            )
            .await?;
        }
        AdoptionStage::Exited => {
            store::end_initiative(tx, &source, i64::from(year.start_year()), now(), user.id)
                .await?;
        }
        // Never live, so no saving was recorded: the adoption is kept as history.
        AdoptionStage::Abandoned => store::set_abandoned_reason(tx, id, reason).await?,
        _ => {}
    }
    let action = if to == AdoptionStage::Abandoned {
        AuditAction::AdoptionAbandoned
    } else {
        AuditAction::AdoptionMoved
    };
    let mut e = entry(user, client, action, "adoption", id.to_string());
    e.before = Some(serde_json::json!({ "stage": current.stage.code() }));
    e.after = Some(
        serde_json::json!({ "stage": to.code(), "on": on.to_string(), "reason": (!reason.is_empty()).then_some(reason) }),
    );
    audit::record(tx, &e).await?;
    Ok(())
}
