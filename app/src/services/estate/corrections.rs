//! Corrections (issue 15): reversing a closure recorded in error, archiving a site entered
//! in error.

use super::{conflict, entry, own_site};
use crate::access::{Office, WriteBody};
use crate::db::audit::{self};
use crate::db::estate::{self as store, Lifecycle};
use crate::db::{savings as savings_store, Db, DbError};
use crate::domain::estate::SiteStatus;
use crate::domain::spend_line::FieldError;
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::services::auth::now;
use std::collections::HashMap;

/// The reason a correction needs (`why`, as in "say why the site is archived"), or the refused
/// form naming it.
pub(super) fn reason_of<'a>(
    form: &'a HashMap<String, String>,
    why: &str,
) -> Result<&'a str, AppError> {
    let text = form.get("reason").map(String::as_str).unwrap_or_default();
    crate::domain::input::reason(text, why).map_err(|message| {
        AppError::refused_form(
            vec![FieldError {
                field: "reason".into(),
                message,
            }],
            form,
        )
    })
}

/// Reverses a closure recorded in error (the programme office, with a reason; issue 15): the
/// site is open again — closure planned if it had a target date and destination, otherwise
/// operational — and the saving its closure recorded is withdrawn from the savings engine.
#[tracing::instrument(skip_all, fields(user = office.user().id, %code, id, row_version))]
pub async fn reverse_closure(
    db: &Db,
    office: &Office<'_>,
    code: &str,
    id: i64,
    row_version: i64,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let (user, client) = (office.user(), office.client());
    let reason = reason_of(form, "the closure is reversed")?;
    let mut tx = db.begin().await?;
    let current = own_site(&mut tx, code, id).await?;
    if current.row_version != row_version {
        return Err(conflict());
    }
    if current.status != SiteStatus::Closed {
        return Err(AppError::Conflict(
            "This site is not closed: there is no closure to reverse".into(),
        ));
    }
    let status = if current.target_date.is_some() && current.destination.is_some() {
        SiteStatus::ClosurePlanned
    } else {
        SiteStatus::Operational
    };
    let next = Lifecycle {
        status,
        target_date: current.target_date,
        closed_date: None,
        destination: current.destination,
        destination_site_id: current.destination_site_id,
        costs_moving: current.costs_moving,
        migration_cost: current.migration_cost,
        evidence: current.evidence.as_deref(),
    };
    let at = now();
    if !store::set_lifecycle(&mut tx, id, row_version, &next, at, user.id).await? {
        return Err(conflict());
    }
    let source = format!("data-centre:{id}");
    let withdrawn = match savings_store::initiative_by_source(&mut tx, &source).await? {
        Some(initiative) => {
            savings_store::withdraw_initiative(&mut tx, initiative, None, at, user.id).await?;
            savings_store::keep_version(
                &mut tx,
                initiative,
                "withdrawn",
                Some(&format!("The site's closure was reversed: {reason}")),
            )
            .await?;
            Some(initiative)
        }
        None => None,
    };
    let mut e = entry(user, client, AuditAction::DataCentreClosureReversed, id);
    e.before = Some(serde_json::json!({
        "status": "closed",
        "closed_date": current.closed_date.map(|d| d.to_string()),
    }));
    e.after = Some(serde_json::json!({
        "status": status.code(),
        "reason": reason,
        "initiative_withdrawn": withdrawn,
    }));
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Archives a site entered in error (officers of the body, with a reason; issue 15): it leaves
/// every list, count and figure. A closed site is refused (its saving is counted: the office
/// reverses the closure first), and so is a site other closures name as their destination.
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code(), id, row_version))]
pub async fn archive_site(
    db: &Db,
    write: &WriteBody<'_>,
    id: i64,
    row_version: i64,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let reason = reason_of(form, "the site is archived")?;
    let mut tx = db.begin().await?;
    let current = own_site(&mut tx, code, id).await?;
    if current.row_version != row_version {
        return Err(conflict());
    }
    if current.status == SiteStatus::Closed {
        return Err(AppError::Conflict(
            "This site is closed and its saving is counted: ask the programme office to reverse the closure before archiving it".into(),
        ));
    }
    if store::destination_of(&mut tx, id).await? > 0 {
        return Err(AppError::Conflict(
            "Other sites' closures name this site as where their services go: change those closures first".into(),
        ));
    }
    if !store::archive_site(&mut tx, id, row_version, reason, now(), user.id).await? {
        return Err(conflict());
    }
    let mut e = entry(user, client, AuditAction::DataCentreArchived, id);
    e.before = Some(serde_json::json!({
        "name": current.site.name,
        "status": current.status.code(),
    }));
    e.after = Some(serde_json::json!({ "archived": true, "reason": reason }));
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
