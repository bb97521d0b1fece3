//! One initiative and its corrections: edit, regrade, withdraw, each a new version (issue 15).

use super::body_row;
use super::{check_form, initiative_json, initiative_views};
use crate::access::{Actor, ReadBody};
use crate::db::audit::{self, AuditEntry};
use crate::db::savings::{self as store, InitiativeChange};
use crate::db::{Db, DbError};
use crate::domain::input::Checker;
use crate::domain::savings::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Money, OrgId};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::savings::{InitiativePage, InitiativeVersionView};
use crate::services::auth::now;
use sqlx::AnyConnection;
use std::collections::HashMap;

// ---------------------------------------------------------------- one initiative, corrected

/// A stored row as the domain's initiative.
pub(super) fn from_row(r: &store::InitiativeRow) -> Result<Initiative, AppError> {
    let year = |start: i64| {
        i32::try_from(start)
            .ok()
            .and_then(|y| FinancialYear::starting(y).ok())
            .ok_or_else(|| AppError::internal(format!("initiative {}: year {start}", r.id)))
    };
    let bad =
        |e: crate::domain::ParseError| AppError::internal(format!("initiative {}: {e}", r.id));
    Ok(Initiative {
        id: r.id,
        org: OrgId(r.org_id),
        kind: InitiativeKind::parse(&r.kind).map_err(bad)?,
        title: r.title.clone(),
        class: SavingClass::parse(&r.class).map_err(bad)?,
        evidence: Evidence::parse(&r.evidence).map_err(bad)?,
        recurring: Money::from_pence(r.recurring_pence),
        one_off: Money::from_pence(r.one_off_pence),
        first_year: year(r.first_fy)?,
        last_year: r.last_fy.map(year).transpose()?,
        service: r.service_code.clone(),
        party: Party::parse(&r.party).map_err(bad)?,
        counterparty: r.counterparty_id.map(OrgId),
    })
}

/// Where an initiative the tracker recorded itself came from, and the page to correct it on.
pub(super) fn source_of(code: &str, source_ref: Option<&str>) -> Option<(String, String)> {
    let (what, id) = source_ref?.split_once(':')?;
    Some(match what {
        "data-centre" => (
            "the site's closure: reverse the closure on the site's page".to_owned(),
            format!("/data-centres/{code}/{id}"),
        ),
        "adoption" => (
            "the body's adoption of a shared service: change the adoption on the body's shared-services page".to_owned(),
            format!("/shared-services/{code}"),
        ),
        _ => ("another record".to_owned(), format!("/savings/{code}/initiatives")),
    })
}

pub(super) async fn initiative_row(
    conn: &mut AnyConnection,
    org: i64,
    id: i64,
) -> Result<store::InitiativeRow, AppError> {
    store::initiative_row(conn, org, id)
        .await?
        .ok_or_else(|| AppError::NotFound("The initiative".to_owned()))
}

/// A financial year stored as its starting year, as people write it ("2014-15").
fn fy_text(start: i64) -> String {
    i32::try_from(start)
        .ok()
        .and_then(|y| FinancialYear::starting(y).ok())
        .map(|y| y.to_string())
        .unwrap_or_default()
}

/// One version of an initiative as its history lists it.
fn version_view(v: store::VersionRow) -> InitiativeVersionView {
    InitiativeVersionView {
        version: v.version,
        change: v.change,
        reason: v.reason,
        title: v.title,
        class: SavingClass::parse(&v.class).map_or(v.class.clone(), |c| c.name().to_owned()),
        evidence: Evidence::parse(&v.evidence).map_or(v.evidence.clone(), |e| e.name().to_owned()),
        recurring: Money::from_pence(v.recurring_pence),
        one_off: Money::from_pence(v.one_off_pence),
        years: match v.last_fy {
            Some(last) => format!("{} to {}", fy_text(v.first_fy), fy_text(last)),
            None => format!("from {}", fy_text(v.first_fy)),
        },
        withdrawn: v.withdrawn == 1,
        changed_at: chrono::DateTime::from_timestamp(v.changed_at, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        changed_by: v.changed_by,
    }
}

/// One initiative of a body, its history, and the corrections this person may make.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code(), id))]
pub async fn initiative_page(
    db: &Db,
    read: &ReadBody<'_>,
    id: i64,
) -> Result<InitiativePage, AppError> {
    let actor = read.actor();
    let code = read.code();
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = body_row(&mut conn, code).await?;
    let row = initiative_row(&mut conn, org.id, id).await?;
    let bodies = store::bodies(&mut conn).await?;
    let names: HashMap<i64, String> = bodies.iter().map(|b| (b.id, b.name.clone())).collect();
    let codes: HashMap<i64, String> = bodies.into_iter().map(|b| (b.id, b.code)).collect();
    let year = FinancialYear::containing(chrono::Utc::now().date_naive()).ok();
    let view = initiative_views(&mut conn, &names, org.id, year)
        .await?
        .into_iter()
        .find(|v| v.id == id);
    let withdrawn = row.withdrawn_at.is_some();
    let fy = fy_text;
    let history = store::initiative_versions(&mut conn, id)
        .await?
        .into_iter()
        .map(version_view)
        .collect();
    let money_text = |pence: i64| Money::from_pence(pence).as_decimal().to_string();
    let values = vec![
        ("title".to_owned(), row.title.clone()),
        ("kind".to_owned(), row.kind.clone()),
        ("class".to_owned(), row.class.clone()),
        ("evidence".to_owned(), row.evidence.clone()),
        ("recurring".to_owned(), money_text(row.recurring_pence)),
        ("one_off".to_owned(), money_text(row.one_off_pence)),
        ("first_year".to_owned(), fy(row.first_fy)),
        (
            "last_year".to_owned(),
            row.last_fy.map(fy).unwrap_or_default(),
        ),
        ("party".to_owned(), row.party.clone()),
        (
            "service".to_owned(),
            row.service_code.clone().unwrap_or_default(),
        ),
        (
            "counterparty".to_owned(),
            row.counterparty_id
                .and_then(|c| codes.get(&c).cloned())
                .unwrap_or_default(),
        ),
        ("quality_note".to_owned(), row.quality_note.clone()),
    ];
    let source = source_of(code, row.source_ref.as_deref());
    Ok(InitiativePage {
        code: org.code.clone(),
        name: org.name.clone(),
        id,
        title: row.title.clone(),
        row_version: row.row_version,
        withdrawn,
        view,
        may_edit: !withdrawn && source.is_none() && actor.can_write_body(code),
        may_regrade: !withdrawn && actor.is_office(),
        source,
        values,
        history,
    })
}

/// A refused correction: the problems (and the reason's, if it has one), with what was typed.
fn refused_correction(
    form: &HashMap<String, String>,
    mut errors: Vec<FieldError>,
    reason_error: Option<String>,
) -> AppError {
    if let Some(message) = reason_error {
        errors.push(FieldError {
            field: "reason".into(),
            message,
        });
    }
    AppError::refused_form(errors, form)
}

/// The initiative as the correction leaves it, and its quality note: edited from the form,
/// regraded (class and evidence), or as it was (a withdrawal). Every problem, the reason's
/// too, is refused at once.
async fn next_version(
    conn: &mut AnyConnection,
    org: i64,
    form: &HashMap<String, String>,
    correction: Correction,
    (current, quality_note): (&Initiative, &str),
    reason_error: Option<String>,
) -> Result<(Initiative, String), AppError> {
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    match correction {
        Correction::Edit => match check_form(conn, org, form).await {
            Ok(checked) if reason_error.is_none() => Ok(checked),
            Ok(_) => Err(refused_correction(form, Vec::new(), reason_error)),
            Err(AppError::Form { errors, .. }) => {
                Err(refused_correction(form, errors, reason_error))
            }
            Err(other) => Err(other),
        },
        Correction::Regrade => {
            let mut c = Checker::new();
            let class = SavingClass::parse(field("class"))
                .map_err(|e| c.error("class", format!("Class: {e}")))
                .ok();
            let evidence = Evidence::parse(field("evidence"))
                .map_err(|e| c.error("evidence", format!("Evidence: {e}")))
                .ok();
            match (class, evidence) {
                (Some(class), Some(evidence)) if c.is_clean() && reason_error.is_none() => Ok((
                    Initiative {
                        class,
                        evidence,
                        ..current.clone()
                    },
                    quality_note.to_owned(),
                )),
                _ => Err(refused_correction(form, c.into_errors(), reason_error)),
            }
        }
        // A refused form, with what was typed (the action), so the page shows the error at
        // the withdrawal form.
        Correction::Withdraw => match reason_error {
            Some(_) => Err(refused_correction(form, Vec::new(), reason_error)),
            None => Ok((current.clone(), quality_note.to_owned())),
        },
    }
}

/// The stored change for an initiative's next version.
fn change_of<'a>(next: &'a Initiative, note: &'a str) -> InitiativeChange<'a> {
    InitiativeChange {
        kind: next.kind.code(),
        title: &next.title,
        class: next.class.code(),
        evidence: next.evidence.code(),
        recurring_pence: next.recurring.pence(),
        one_off_pence: next.one_off.pence(),
        first_fy: i64::from(next.first_year.start_year()),
        last_fy: next.last_year.map(|y| i64::from(y.start_year())),
        service_code: next.service.as_deref(),
        party: next.party.code(),
        counterparty_id: next.counterparty.map(|o| o.0),
        quality_note: note,
    }
}

/// A correction of an initiative, as its form names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Correction {
    Edit,
    Regrade,
    Withdraw,
}

impl Correction {
    /// The form's `action`: edit, regrade or withdraw.
    fn parse(action: &str) -> Result<Correction, AppError> {
        match action {
            "edit" => Ok(Correction::Edit),
            "regrade" => Ok(Correction::Regrade),
            "withdraw" => Ok(Correction::Withdraw),
            other => Err(AppError::validation(
                "action",
                format!("Correction: edit, regrade or withdraw, not {other:?}"),
            )),
        }
    }
}

/// Corrects an initiative (`form["action"]`: edit, regrade or withdraw) as its next version,
/// with the reason in `form["reason"]`; refused with 409 if it changed since `form["row_version"]`.
#[tracing::instrument(skip_all, fields(user = actor.user.id, %code))]
pub async fn correct_initiative(
    db: &Db,
    actor: &Actor,
    code: &str,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let user = &actor.user;
    let client = &actor.client;
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let correction = Correction::parse(field("action"))?;
    // Officers edit or withdraw their body's initiatives; the office regrades any.
    match correction {
        Correction::Edit | Correction::Withdraw => actor.write_body(code).map(drop)?,
        Correction::Regrade => actor.office().map(drop)?,
    }
    let id: i64 = field("id")
        .parse()
        .map_err(|_| AppError::validation("id", "Initiative: not a number"))?;
    let row_version: i64 = field("row_version")
        .parse()
        .map_err(|_| AppError::validation("row_version", "Version: not a number"))?;
    let reason = field("reason");
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let row = initiative_row(&mut tx, org.id, id).await?;
    if row.withdrawn_at.is_some() {
        return Err(AppError::Conflict(
            "This initiative was withdrawn; record a new one instead".to_owned(),
        ));
    }
    if row.source_ref.is_some() && correction != Correction::Regrade {
        let (what, _) = source_of(code, row.source_ref.as_deref()).unwrap_or_default();
        return Err(AppError::Conflict(format!(
            "This initiative was recorded from {what}"
        )));
    }
    let current = from_row(&row)?;
    let reason_error = crate::domain::input::reason(reason, "the initiative is corrected").err();
    let (next, note) = next_version(
        &mut tx,
        org.id,
        form,
        correction,
        (&current, &row.quality_note),
        reason_error,
    )
    .await?;
    let at = now();
    let done = if correction == Correction::Withdraw {
        store::withdraw_initiative(&mut tx, id, Some(row_version), at, user.id).await?
    } else {
        let change = change_of(&next, &note);
        store::change_initiative(&mut tx, id, row_version, &change, at, user.id).await?
    };
    if !done {
        return Err(AppError::Conflict(
            "Someone changed this initiative since you opened it: reload the page to see their change, then correct it again".to_owned(),
        ));
    }
    let (change, action) = match correction {
        Correction::Edit => ("edited", AuditAction::InitiativeEdited),
        Correction::Regrade => ("regraded", AuditAction::InitiativeRegraded),
        Correction::Withdraw => ("withdrawn", AuditAction::InitiativeWithdrawn),
    };
    store::keep_version(&mut tx, id, change, Some(reason)).await?;
    let mut after = initiative_json(code, &next, &note);
    after["reason"] = serde_json::Value::String(reason.to_owned());
    after["withdrawn"] = serde_json::Value::Bool(correction == Correction::Withdraw);
    audit::record(
        &mut tx,
        &AuditEntry::by(user, &client.addr, action, "initiative", id)
            .at(at)
            .before(initiative_json(code, &current, &row.quality_note))
            .after(after),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
