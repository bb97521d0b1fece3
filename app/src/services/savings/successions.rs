//! Organisation changes (mergers, splits, transfers, renames) and adding a body.

use crate::access::Office;
use crate::db::audit::{self, AuditEntry};
use crate::db::savings::{self as store};
use crate::db::{Db, DbError};
use crate::domain::input::Checker;
use crate::domain::spend_line::MAX_NOTE_CHARS;
use crate::domain::{OrgId, Sector};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::savings::*;
use sqlx::AnyConnection;
use std::collections::HashMap;

use super::engine::Engine;
use super::read_model::{descendants, refresh};

// ---------------------------------------------------------------- organisation changes

/// Every merger, split, transfer and rename, and what keeps a baseline from passing on
/// (programme office).
#[tracing::instrument(skip_all, fields(user = office.user().id))]
pub async fn successions_page(db: &Db, office: &Office<'_>) -> Result<SuccessionsPage, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let engine = Engine::load(&mut conn, None, None).await?;
    Ok(SuccessionsPage {
        successions: store::succession_rows(&mut conn).await?,
        problems: engine.issues.iter().map(|i| engine.issue_text(i)).collect(),
    })
}

/// Records (or corrects) a succession: `predecessor`, `successor`, `effective_date`
/// (YYYY-MM-DD), `kind` and, for a split, `share`. Refused if the shares of the predecessor's
/// successors would pass 100% or the successions would loop; the read model of the successor
/// and every body after it is refreshed in the same transaction.
#[tracing::instrument(skip_all, fields(user = office.user().id))]
pub async fn record_succession(
    db: &Db,
    office: &Office<'_>,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut c = Checker::new();
    let mut tx = db.begin().await?;
    let (predecessor, successor) = bodies_named(&mut tx, form, &mut c).await?;
    let date = chrono::NaiveDate::parse_from_str(field("effective_date"), "%Y-%m-%d").ok();
    if date.is_none() {
        c.error(
            "effective_date",
            "Effective date: a date like 2013-04-01".into(),
        );
    }
    let kind = field("kind");
    if !["merger", "split", "transfer", "rename"].contains(&kind) {
        c.error("kind", "Kind: merger, split, transfer or rename".into());
    }
    let share = share_of(kind, field("share"), &mut c);
    if let (Some(p), Some(s), Some(date), true) = (&predecessor, &successor, date, c.is_clean()) {
        check_graph(&mut tx, (p, s), date, share, &mut c).await?;
    }
    if field("source").chars().count() > MAX_SOURCE_CHARS {
        c.error(
            "source",
            format!("Source: at most {MAX_SOURCE_CHARS} characters"),
        );
    }
    let (Some(p), Some(s), Some(date), true) = (predecessor, successor, date, c.is_clean()) else {
        return Err(AppError::refused_form(c.into_errors(), form));
    };
    let (pc, sc) = (
        p.code
            .parse::<crate::domain::OrgCode>()
            .map_err(|e| AppError::internal(e.to_string()))?,
        s.code
            .parse::<crate::domain::OrgCode>()
            .map_err(|e| AppError::internal(e.to_string()))?,
    );
    let source = Some(field("source").trim()).filter(|t| !t.is_empty());
    crate::db::organisations::upsert_succession(
        &mut tx,
        &crate::db::organisations::NewSuccession {
            predecessor: &pc,
            successor: &sc,
            effective_date: date,
            kind,
            share,
            source,
        },
        true,
    )
    .await?;
    let after = serde_json::json!({ "effective_date": date.to_string(), "kind": kind, "share": share.map(|s| s.to_string()), "source": source });
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            AuditAction::SuccessionRecorded,
            "succession",
            format!("{}>{}", p.code, s.code),
        )
        .after(after),
    )
    .await?;
    // Every successor of the predecessor inherits anew (a share recorded for one successor
    // completes or changes the others' inheritance too), and everything downstream of them.
    refresh(&mut tx, &[p.id, s.id]).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// The predecessor and successor the form names, each refused by name when there is no such
/// body, and a body succeeding itself refused.
async fn bodies_named(
    conn: &mut AnyConnection,
    form: &HashMap<String, String>,
    c: &mut Checker,
) -> Result<(Option<store::BodyRow>, Option<store::BodyRow>), AppError> {
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let predecessor = store::body(&mut *conn, field("predecessor")).await?;
    if predecessor.is_none() {
        c.error(
            "predecessor",
            format!(
                "Predecessor: there is no body with the code {:?}",
                field("predecessor")
            ),
        );
    }
    let successor = store::body(&mut *conn, field("successor")).await?;
    if successor.is_none() {
        c.error(
            "successor",
            format!(
                "Successor: there is no body with the code {:?}",
                field("successor")
            ),
        );
    }
    if predecessor.is_some()
        && predecessor.as_ref().map(|b| b.id) == successor.as_ref().map(|b| b.id)
    {
        c.error(
            "successor",
            "Successor: a body cannot succeed itself".into(),
        );
    }
    Ok((predecessor, successor))
}

/// The share of the baseline a successor takes: needed for a split, optional otherwise.
fn share_of(kind: &str, text: &str, c: &mut Checker) -> Option<crate::domain::savings::Share> {
    match text {
        "" if kind == "split" => {
            c.error(
                "share",
                "Share: a split needs the share of the baseline this successor takes, like 60%"
                    .into(),
            );
            None
        }
        "" => None,
        text => crate::domain::savings::Share::parse(text).or_else(|| {
            c.error(
                "share",
                "Share: a percentage from 0% to 100% with at most four decimal places".into(),
            );
            None
        }),
    }
}

/// Refuses a succession that would give a predecessor's successors more than all of its
/// baseline, or make the successions loop.
async fn check_graph(
    conn: &mut AnyConnection,
    (p, s): (&store::BodyRow, &store::BodyRow),
    date: chrono::NaiveDate,
    share: Option<crate::domain::savings::Share>,
    c: &mut Checker,
) -> Result<(), AppError> {
    use crate::domain::savings::{Share, Succession};
    let mut all = store::successions(conn).await?;
    all.retain(|x| !(x.predecessor.0 == p.id && x.successor.0 == s.id));
    all.push(Succession {
        predecessor: OrgId(p.id),
        successor: OrgId(s.id),
        effective: date,
        share,
    });
    let total: u64 = all
        .iter()
        .filter(|x| x.predecessor.0 == p.id)
        .filter_map(|x| x.share)
        .map(|x| u64::from(x.ppm()))
        .sum();
    if total > u64::from(Share::WHOLE.ppm()) {
        c.error(
            "share",
            format!(
                "Share: {}'s successors would take more than 100% of its baseline",
                p.name
            ),
        );
    }
    if descendants(&[s.id], &all).contains(&p.id) {
        c.error(
            "successor",
            format!(
                "Successor: {} already comes before {}; the successions would loop",
                s.name, p.name
            ),
        );
    }
    Ok(())
}

/// A free-text note as typed, trimmed: refused when `required` (its message) and empty, or
/// longer than a note may be; the error names `field`.
pub(super) fn checked_note<'a>(
    field: &str,
    label: &str,
    text: &'a str,
    required: Option<&str>,
) -> Result<&'a str, AppError> {
    let text = text.trim();
    if let (Some(message), true) = (required, text.is_empty()) {
        return Err(AppError::validation(field, message));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::validation(
            field,
            format!("{label}: at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// The longest citation a succession or a body may carry.
pub(super) const MAX_SOURCE_CHARS: usize = 500;

/// Adds a body the fixtures do not hold (a new public body, or a 2008-09 predecessor): `code`,
/// `name`, `sector`, `kind`, optional `start_date` and `end_date` (YYYY-MM-DD) and `notes` (its
/// source, and any date not found). Programme office only; audited. Every problem is named at
/// its field and nothing is written (ADR 0010, rule 9).
#[tracing::instrument(skip_all, fields(user = office.user().id))]
pub async fn add_body(
    db: &Db,
    office: &Office<'_>,
    form: &HashMap<String, String>,
) -> Result<String, AppError> {
    let user = office.user();
    let client = office.client();
    let mut c = Checker::new();
    let org = parse_new_body_form(form, &mut c);
    let mut tx = db.begin().await?;
    let code = form
        .get("code")
        .and_then(|v| v.trim().parse::<crate::domain::OrgCode>().ok());
    if let Some(code) = &code {
        if crate::db::organisations::code_exists(&mut tx, code).await? {
            c.error(
                "code",
                format!("Code: there is already a body with the code {code}"),
            );
        }
    }
    let Some(org) = org.filter(|_| c.is_clean()) else {
        return Err(AppError::refused_form(c.into_errors(), form));
    };
    crate::db::organisations::upsert(&mut tx, &org).await?;
    let code = org.code.clone();
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            AuditAction::OrganisationAdded,
            "organisation",
            &code,
        )
        .after(serde_json::json!({
            "name": org.name, "sector": org.sector.code(), "kind": org.kind,
            "start_date": org.start_date.map(|d| d.to_string()),
            "end_date": org.end_date.map(|d| d.to_string()),
            "notes": org.notes,
        })),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(code.to_string())
}

/// A body the office adds, as its form gives it (pure): code, name, sector, kind, its dates
/// (either may be blank) and notes; each problem added to `c`.
pub fn parse_new_body_form(
    form: &HashMap<String, String>,
    c: &mut Checker,
) -> Option<crate::db::organisations::NewOrganisation> {
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let code = field("code").parse::<crate::domain::OrgCode>().ok();
    if code.is_none() {
        c.error(
            "code",
            "Code: 2 to 64 lower-case letters, digits and single hyphens, like college-ayr".into(),
        );
    }
    let name = field("name");
    if name.is_empty() || name.chars().count() > 200 {
        c.error(
            "name",
            "Name: the body's name, at most 200 characters".into(),
        );
    }
    let sector = field("sector").parse::<Sector>().ok();
    if sector.is_none() {
        c.error("sector", "Sector: choose the body's sector".into());
    }
    let kind = field("kind");
    if kind.is_empty() || kind.chars().count() > 100 {
        c.error(
            "kind",
            "Kind: what sort of body it is, like College or NDPB (at most 100 characters)".into(),
        );
    }
    let mut date = |name: &str, label: &str| -> Option<chrono::NaiveDate> {
        let text = field(name);
        if text.is_empty() {
            return None;
        }
        let parsed = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        if parsed.is_none() {
            c.error(
                name,
                format!("{label}: a date like 2013-04-01, or leave it blank if it is not known"),
            );
        }
        parsed
    };
    let start = date("start_date", "Start date");
    let end = date("end_date", "End date");
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            c.error(
                "end_date",
                format!("End date: {end} is before the start date {start}; a body cannot end before it starts"),
            );
        }
    }
    let notes = field("notes");
    if notes.chars().count() > MAX_NOTE_CHARS {
        c.error(
            "notes",
            format!("Notes: at most {MAX_NOTE_CHARS} characters"),
        );
    }
    Some(crate::db::organisations::NewOrganisation {
        code: code?,
        name: name.to_owned(),
        sector: sector?,
        kind: kind.to_owned(),
        start_date: start,
        end_date: end,
        notes: Some(notes.to_owned()).filter(|n| !n.is_empty()),
    })
}
