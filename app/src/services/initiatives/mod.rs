//! Initiative-based savings: a body's list, recording one, and correcting one (issue 15).
//!
//! Policy: an initiative is corrected, never overwritten. Officers of the body edit or withdraw
//! the initiatives they recorded; the programme office regrades any initiative's class and
//! evidence; each correction needs a reason, is audited, and becomes the initiative's next
//! version (`initiative_versions` keeps them all). A withdrawn initiative is kept and shown but
//! the savings engine no longer counts it. Initiatives the tracker recorded itself (a site's
//! closure, a shared-service adoption) are corrected where they came from (reversing the
//! closure, exiting the adoption), so they can be regraded here but not edited or withdrawn.
//! A correction made on a version someone else has since changed is refused (409).

use super::body_row;
use crate::access::{ReadBody, WriteBody};
use crate::db::audit::{self, AuditEntry};
use crate::db::savings::{self as store, Scope};
use crate::db::{Db, DbError};
use crate::domain::input::Checker;
use crate::domain::savings::{
    initiative, Evidence, Initiative, InitiativeKind, Party, SavingClass,
};
use crate::domain::spend_line::{MAX_LINE_POUNDS, MAX_NOTE_CHARS};
use crate::domain::{FinancialYear, Money, OrgId};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::savings::{InitiativeView, InitiativesPage, WithdrawnInitiative};
use crate::services::auth::now;
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use std::collections::HashMap;

mod corrections;

pub use corrections::*;

/// The date of a timestamp (YYYY-MM-DD, UTC).
pub(super) fn date_of(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// An initiative as the audit log records it.
pub(super) fn initiative_json(code: &str, i: &Initiative, note: &str) -> serde_json::Value {
    serde_json::json!({
        "org": code, "title": i.title, "kind": i.kind.code(), "class": i.class.code(),
        "evidence": i.evidence.code(), "recurring": i.recurring.to_string(),
        "one_off": i.one_off.to_string(), "first_year": i.first_year.to_string(),
        "last_year": i.last_year.map(|y| y.to_string()), "service": i.service,
        "party": i.party.code(), "quality_note": note,
    })
}

/// The views of a body's initiatives, with payback, net to `year` and double counts.
pub(super) async fn initiative_views(
    conn: &mut AnyConnection,
    engine_names: &HashMap<i64, String>,
    org: i64,
    year: Option<FinancialYear>,
) -> Result<Vec<InitiativeView>, AppError> {
    let all = store::initiatives(&mut *conn, &Scope::default()).await?;
    let pairs = initiative::double_counts(&all);
    let notes = store::initiative_notes(&mut *conn, org).await?;
    let name = |id: OrgId| {
        engine_names
            .get(&id.0)
            .cloned()
            .unwrap_or_else(|| format!("body {}", id.0))
    };
    Ok(all
        .iter()
        .filter(|i| i.org.0 == org)
        .map(|i| {
            let others: Vec<String> = pairs
                .iter()
                .filter_map(|(a, b)| {
                    let other = if *a == i.id {
                        *b
                    } else if *b == i.id {
                        *a
                    } else {
                        return None;
                    };
                    all.iter().find(|x| x.id == other).map(|x| name(x.org))
                })
                .collect();
            InitiativeView {
                id: i.id,
                title: i.title.clone(),
                kind: i.kind.name().to_owned(),
                class: i.class.name().to_owned(),
                evidence: i.evidence.name().to_owned(),
                recurring: i.recurring,
                one_off: i.one_off,
                first_year: i.first_year,
                last_year: i.last_year,
                service: i.service.clone(),
                party: i.party.name().to_owned(),
                counterparty: i.counterparty.map(name),
                quality_note: notes.get(&i.id).cloned().unwrap_or_default(),
                payback_year: i.payback_year(),
                net_to: year.map(|y| (y, i.cumulative_net_to(y))),
                double_count_with: others,
            }
        })
        .collect())
}

/// A body's initiatives, and for its officers the form to record one.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code()))]
pub async fn initiatives_page(db: &Db, read: &ReadBody<'_>) -> Result<InitiativesPage, AppError> {
    let actor = read.actor();
    let code = read.code();
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = body_row(&mut conn, code).await?;
    let names: HashMap<i64, String> = store::bodies(&mut conn)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let year = FinancialYear::containing(chrono::Utc::now().date_naive()).ok();
    Ok(InitiativesPage {
        code: org.code.clone(),
        name: org.name.clone(),
        initiatives: initiative_views(&mut conn, &names, org.id, year).await?,
        withdrawn: store::withdrawn_initiatives(&mut conn, org.id)
            .await?
            .into_iter()
            .map(|r| WithdrawnInitiative {
                id: r.id,
                title: r.title,
                recurring: Money::from_pence(r.recurring_pence),
                withdrawn_on: date_of(r.withdrawn_at.unwrap_or_default()),
            })
            .collect(),
        may_record: actor.can_write_body(code),
    })
}

/// Checks an initiative's form (recording or editing): every problem at once, each naming its
/// field, with what was typed kept. Returns the initiative (id 0) and its quality note.
pub(super) async fn check_form(
    conn: &mut AnyConnection,
    org: i64,
    form: &HashMap<String, String>,
) -> Result<(Initiative, String), AppError> {
    let mut c = Checker::new();
    let fields = initiative_fields(form, &mut c);
    let counterparty = match form.get("counterparty").map_or("", |v| v.trim()) {
        "" => None,
        text => match store::body(&mut *conn, text).await? {
            Some(b) if b.id != org => Some(OrgId(b.id)),
            Some(_) => {
                c.error(
                    "counterparty",
                    "Other body: name another body, not this one".into(),
                );
                None
            }
            None => {
                c.error(
                    "counterparty",
                    format!("Other body: there is no body with the code {text:?}"),
                );
                None
            }
        },
    };
    let Some(f) = fields.filter(|_| c.is_clean()) else {
        return Err(AppError::refused_form(c.into_errors(), form));
    };
    let initiative = Initiative {
        id: 0,
        org: OrgId(org),
        kind: f.kind,
        title: f.title,
        class: f.class,
        evidence: f.evidence,
        recurring: f.recurring,
        one_off: f.one_off,
        first_year: f.first_year,
        last_year: f.last_year,
        service: f.service,
        party: f.party,
        counterparty,
    };
    Ok((initiative, f.quality_note))
}

/// An initiative's fields as typed, checked (all but the other body, which needs the list of
/// bodies).
pub struct InitiativeFields {
    pub title: String,
    pub kind: InitiativeKind,
    pub class: SavingClass,
    pub evidence: Evidence,
    pub party: Party,
    pub recurring: Money,
    pub one_off: Money,
    pub first_year: FinancialYear,
    pub last_year: Option<FinancialYear>,
    pub service: Option<String>,
    pub quality_note: String,
}

/// Checks an initiative form's fields (pure), adding each problem to `c`; the fields when every
/// one of them parsed.
pub fn initiative_fields(
    form: &HashMap<String, String>,
    c: &mut Checker,
) -> Option<InitiativeFields> {
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let title = field("title");
    if title.is_empty() {
        c.error("title", "Title: say what the initiative is".into());
    } else if title.chars().count() > 200 {
        c.error("title", "Title: at most 200 characters".into());
    }
    let kind = InitiativeKind::parse(field("kind"))
        .map_err(|e| c.error("kind", format!("Kind: {e}")))
        .ok();
    let class = SavingClass::parse(field("class"))
        .map_err(|e| c.error("class", format!("Class: {e}")))
        .ok();
    let evidence = Evidence::parse(field("evidence"))
        .map_err(|e| c.error("evidence", format!("Evidence: {e}")))
        .ok();
    let party = Party::parse(field("party"))
        .map_err(|e| c.error("party", format!("Party: {e}")))
        .ok();
    let recurring = amount(
        c,
        "recurring",
        "Recurring annual saving",
        field("recurring"),
    );
    let one_off = amount(c, "one_off", "One-off cost", field("one_off"));
    let (first_year, last_year) = years(c, field("first_year"), field("last_year"));
    let service = match field("service") {
        "" => None,
        // Service codes follow the same rule as body codes: lower case, digits, hyphens.
        text => text
            .parse::<crate::domain::OrgCode>()
            .map(|code| code.to_string())
            .map_err(|_| {
                c.error(
                    "service",
                    "Shared service: a code like swan (letters, digits and hyphens)".into(),
                )
            })
            .ok(),
    };
    if matches!(party, Some(Party::Provider | Party::Consumer))
        && service.is_none()
        && field("service").is_empty()
    {
        c.error(
            "service",
            "Shared service: a provider or consumer must name the shared service".into(),
        );
    }
    let note = field("quality_note");
    if note.is_empty() {
        c.error(
            "quality_note",
            "Quality note: show that the saving is not a service cut or extra income".into(),
        );
    } else if note.chars().count() > MAX_NOTE_CHARS {
        c.error(
            "quality_note",
            format!("Quality note: at most {MAX_NOTE_CHARS} characters"),
        );
    }
    Some(InitiativeFields {
        title: title.to_owned(),
        kind: kind?,
        class: class?,
        evidence: evidence?,
        party: party?,
        recurring: recurring?,
        one_off: one_off?,
        first_year: first_year?,
        last_year,
        service,
        quality_note: note.to_owned(),
    })
}

/// An amount in pounds, blank meaning £0: never negative, at most £1bn.
fn amount(c: &mut Checker, name: &str, label: &str, text: &str) -> Option<Money> {
    let text = if text.is_empty() { "0" } else { text };
    match Money::parse(text) {
        Ok(m) if m.is_negative() => {
            c.error(name, format!("{label}: cannot be negative"));
            None
        }
        Ok(m) if m.as_decimal() > Decimal::from(MAX_LINE_POUNDS) => {
            c.error(
                name,
                format!("{label}: more than £1bn is not plausible for one initiative"),
            );
            None
        }
        Ok(m) => Some(m),
        Err(e) => {
            c.error(name, format!("{label}: {e}"));
            None
        }
    }
}

/// The first year (needed) and the last (optional, not before the first).
fn years(
    c: &mut Checker,
    first: &str,
    last: &str,
) -> (Option<FinancialYear>, Option<FinancialYear>) {
    let first_year = first
        .parse::<FinancialYear>()
        .map_err(|_| {
            c.error(
                "first_year",
                "First year: enter a financial year like 2014-15".into(),
            )
        })
        .ok();
    let last_year = match last {
        "" => None,
        text => match text.parse::<FinancialYear>() {
            Ok(y) if first_year.is_some_and(|f| y < f) => {
                c.error(
                    "last_year",
                    "Last year: cannot be before the first year".into(),
                );
                None
            }
            Ok(y) => Some(y),
            Err(_) => {
                c.error(
                    "last_year",
                    "Last year: enter a financial year like 2018-19, or leave it empty".into(),
                );
                None
            }
        },
    };
    (first_year, last_year)
}

/// Records an initiative's claimed saving (officers of the body). Every field is checked and
/// all problems are reported together; a provider or consumer must name the shared service.
#[tracing::instrument(skip_all, fields(user = write.user().id, code = write.code()))]
pub async fn record_initiative(
    db: &Db,
    write: &WriteBody<'_>,
    form: &HashMap<String, String>,
) -> Result<i64, AppError> {
    let code = write.code();
    let user = write.user();
    let client = write.client();
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let (initiative, note) = check_form(&mut tx, org.id, form).await?;
    let note = note.as_str();
    let id = store::insert_initiative(
        &mut tx,
        &store::NewInitiative {
            org: org.id,
            initiative: &initiative,
            quality_note: note,
            source_ref: None,
            at: now(),
            user: user.id,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            AuditAction::InitiativeRecorded,
            "initiative",
            id,
        )
        .after(initiative_json(code, &initiative, note)),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::initiative_fields;
    use crate::domain::input::Checker;
    use crate::util::test_form as form;

    #[test]
    fn a_provider_names_its_service_and_every_problem_is_named() {
        let mut c = Checker::new();
        let fields = initiative_fields(
            &form(&[
                ("title", "Shared e-mail"),
                ("kind", "shared-service"),
                ("class", "cash-releasing"),
                ("evidence", "partial"),
                ("party", "provider"),
                ("recurring", "-1"),
                ("first_year", "2015-16"),
                ("last_year", "2014-15"),
                ("quality_note", ""),
            ]),
            &mut c,
        );
        assert!(fields.is_none());
        let errors = c.into_errors();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["recurring", "last_year", "service", "quality_note"],
            "{errors:?}"
        );
    }
}
