//! Shared services: the catalogue (programme office) and each body's adoption.
//!
//! Policy (issue 7): adoption moves one step at a time (`domain::estate::adoption`), each step
//! dated, locked by `row_version` and audited. When an adoption goes live its saving (annual cost
//! before minus after, with the one-off cost) is written as an initiative for the savings engine
//! (`source_ref adoption:ID`, the body as consumer of the service); when it is exited, that
//! initiative ends in the exit year.

use crate::db::audit::{self, AuditEntry};
use crate::db::shared::{self as store, AdoptionRecord, NewAdoption};
use crate::db::{savings as savings_store, Db, DbError};
use crate::domain::estate::adoption::recurring_saving;
use crate::domain::estate::site::parse_date;
use crate::domain::estate::AdoptionStage;
use crate::domain::savings::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Money, OrgCode, OrgId, Role};
use crate::error::AppError;
use crate::model::estate::*;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use crate::util::capitalise;
use sqlx::AnyConnection;
use std::collections::HashMap;

fn view(a: &AdoptionRecord) -> AdoptionView {
    AdoptionView {
        id: a.id,
        org_code: a.org_code.clone(),
        org_name: a.org_name.clone(),
        service_code: a.service_code.clone(),
        service_name: a.service_name.clone(),
        stage: a.stage.code().into(),
        stage_name: a.stage.name().into(),
        next: a
            .stage
            .next()
            .iter()
            .map(|s| (s.code().to_owned(), s.name().to_owned()))
            .collect(),
        contracted: a.contracted.map(|d| d.to_string()),
        migrating: a.migrating.map(|d| d.to_string()),
        live: a.live.map(|d| d.to_string()),
        exited: a.exited.map(|d| d.to_string()),
        abandoned: a.abandoned.map(|d| d.to_string()),
        abandoned_reason: a.abandoned_reason.clone(),
        cost_before: a.cost_before,
        cost_after: a.cost_after,
        recurring_saving: recurring_saving(a.cost_before, a.cost_after),
        one_off: a.one_off,
        sites: a.sites,
        users: a.users,
        class: a.class.name().into(),
        row_version: a.row_version,
    }
}

/// The latest adoption of each body and service (earlier ones, ended, are history): the state
/// the matrix, the counts and the forms go by.
pub(crate) fn latest(adoptions: Vec<AdoptionRecord>) -> Vec<AdoptionRecord> {
    let newest: HashMap<(i64, &str), i64> =
        adoptions.iter().fold(HashMap::new(), |mut newest, a| {
            let id = newest
                .entry((a.org_id, a.service_code.as_str()))
                .or_insert(a.id);
            *id = (*id).max(a.id);
            newest
        });
    let keep: std::collections::HashSet<i64> = newest.into_values().collect();
    adoptions
        .into_iter()
        .filter(|a| keep.contains(&a.id))
        .collect()
}

fn entry(
    user: &CurrentUser,
    client: &Client,
    action: &str,
    entity: &str,
    id: String,
) -> AuditEntry {
    AuditEntry::by(user, &client.addr, action, entity, id)
}

/// Bodies × services: each body with an adoption, by name, with its stage of each service (in
/// catalogue order). One pass over the adoptions, whatever the number of bodies.
fn body_rows(
    services: &[(String, String, String, String)],
    adoptions: &[AdoptionRecord],
) -> Vec<MatrixRow> {
    let column: HashMap<&str, usize> = services
        .iter()
        .enumerate()
        .map(|(i, (code, ..))| (code.as_str(), i))
        .collect();
    let mut rows: Vec<MatrixRow> = Vec::new();
    let mut row_of: HashMap<&str, usize> = HashMap::new();
    for a in adoptions {
        let row = *row_of.entry(a.org_code.as_str()).or_insert_with(|| {
            rows.push(MatrixRow {
                code: a.org_code.clone(),
                name: a.org_name.clone(),
                stages: vec![None; services.len()],
            });
            rows.len() - 1
        });
        if let Some(i) = column.get(a.service_code.as_str()) {
            // A service exited and taken up again shows where the body is now.
            let cell = &mut rows[row].stages[*i];
            if cell.is_none() || a.stage != AdoptionStage::Exited {
                *cell = Some(a.stage.name().to_owned());
            }
        }
    }
    rows.sort_by(|a, b| a.name.cmp(&b.name).then(a.code.cmp(&b.code)));
    rows
}

/// The adoption matrix of the programme dashboard (board and office): for one sector, its
/// bodies × services, each cell the body's stage; for every sector, services × sectors, each
/// cell how many bodies are live and how many on the way (considering, contracted or
/// migrating) — a table whose size does not grow with the number of bodies.
pub async fn adoption_matrix(
    db: &Db,
    user: &CurrentUser,
    sector: Option<crate::domain::Sector>,
) -> Result<AdoptionMatrix, AppError> {
    if !user.role.reads_all_organisations() {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let services = store::services(&mut conn).await?;
    if let Some(sector) = sector {
        let of_sector: Vec<AdoptionRecord> = latest(store::adoptions(&mut conn, None).await?)
            .into_iter()
            .filter(|a| a.sector_code == sector.code())
            .collect();
        return Ok(AdoptionMatrix {
            row_label: "Body".into(),
            columns: services
                .iter()
                .map(|(code, name, ..)| (code.clone(), name.clone()))
                .collect(),
            rows: body_rows(&services, &of_sector),
        });
    }
    let counted = store::adoption_counts(&mut conn).await?;
    drop(conn);
    let sectors = crate::domain::Sector::ALL;
    // (service, sector) → (live, on the way)
    let mut counts: HashMap<(&str, &str), (usize, usize)> = HashMap::new();
    for (service, sector, stage, n) in &counted {
        let cell = counts
            .entry((service.as_str(), sector.as_str()))
            .or_default();
        match stage {
            AdoptionStage::Live => cell.0 += n,
            AdoptionStage::Exited => {}
            _ => cell.1 += n,
        }
    }
    let rows = services
        .iter()
        .map(|(code, name, ..)| MatrixRow {
            code: code.clone(),
            name: name.clone(),
            stages: sectors
                .iter()
                .map(|s| {
                    counts
                        .get(&(code.as_str(), s.code()))
                        .filter(|(live, on_way)| live + on_way > 0)
                        .map(|(live, on_way)| match (live, on_way) {
                            (l, 0) => format!("{l} live"),
                            (0, w) => format!("{w} on the way"),
                            (l, w) => format!("{l} live, {w} on the way"),
                        })
                })
                .collect(),
        })
        .collect();
    Ok(AdoptionMatrix {
        row_label: "Service".into(),
        columns: sectors
            .iter()
            .map(|s| (s.code().to_owned(), s.name().to_owned()))
            .collect(),
        rows,
    })
}

/// The catalogue for anyone signed in; the adoption matrix for the board and office.
pub async fn front_page(db: &Db, user: &CurrentUser) -> Result<SharedServicesPage, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let services = store::services(&mut conn).await?;
    let adoptions = latest(store::adoptions(&mut conn, None).await?);
    let matrix = user
        .role
        .reads_all_organisations()
        .then(|| body_rows(&services, &adoptions));
    Ok(SharedServicesPage {
        services: services
            .into_iter()
            .map(|(code, name, description, source)| ServiceView {
                live: adoptions
                    .iter()
                    .filter(|a| a.service_code == code && a.stage == AdoptionStage::Live)
                    .count(),
                code,
                name,
                description,
                source,
            })
            .collect(),
        matrix,
        my_bodies: user
            .organisations
            .iter()
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect(),
        may_edit_catalogue: user.role == Role::Admin,
    })
}

/// Adds or renames a catalogue entry (programme office).
pub async fn save_service(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let f = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut errors = Vec::new();
    let code = f("code")
        .parse::<OrgCode>()
        .map_err(|_| {
            errors.push(FieldError {
                field: "code".into(),
                message: "Code: lower-case letters, digits and single hyphens, like shared-email"
                    .into(),
            })
        })
        .ok();
    if f("name").is_empty() {
        errors.push(FieldError {
            field: "name".into(),
            message: "Name: give the service a name".into(),
        });
    }
    if f("description").is_empty() {
        errors.push(FieldError {
            field: "description".into(),
            message: "Description: say what the service is".into(),
        });
    }
    let Some(code) = code.filter(|_| errors.is_empty()) else {
        return Err(AppError::Form {
            errors,
            values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        });
    };
    let mut tx = db.begin().await?;
    store::upsert_service(
        &mut tx,
        code.as_str(),
        f("name"),
        f("description"),
        now(),
        user.id,
    )
    .await?;
    let mut e = entry(
        user,
        client,
        "shared_service_saved",
        "shared_service",
        code.to_string(),
    );
    e.after = Some(serde_json::json!({ "name": f("name"), "description": f("description") }));
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// A body's adoptions, with the services it has not adopted yet.
pub async fn adoptions_page(
    db: &Db,
    user: &CurrentUser,
    code: &str,
) -> Result<AdoptionsPage, AppError> {
    if !user.may_read_org(code) {
        return Err(AppError::Forbidden);
    }
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
        may_edit: user.may_write_org(code),
    })
}

fn count(
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
pub async fn record_adoption(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    form: &HashMap<String, String>,
) -> Result<i64, AppError> {
    if !user.may_write_org(code) {
        return Err(AppError::Forbidden);
    }
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
        return Err(AppError::Form {
            errors,
            values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        });
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
        "adoption_recorded",
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
        "adoption_changed",
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
pub async fn move_adoption(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    step: &Step<'_>,
) -> Result<(), AppError> {
    if !user.may_write_org(code) {
        return Err(AppError::Forbidden);
    }
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
    let reason_error = if to == AdoptionStage::Abandoned && reason.is_empty() {
        Some("Reason: say why the adoption is abandoned".to_owned())
    } else if reason.chars().count() > crate::domain::spend_line::MAX_NOTE_CHARS {
        Some(format!(
            "Reason: at most {} characters",
            crate::domain::spend_line::MAX_NOTE_CHARS
        ))
    } else {
        None
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
        "adoption_abandoned"
    } else {
        "adoption_moved"
    };
    let mut e = entry(user, client, action, "adoption", id.to_string());
    e.before = Some(serde_json::json!({ "stage": current.stage.code() }));
    e.after = Some(
        serde_json::json!({ "stage": to.code(), "on": on.to_string(), "reason": (!reason.is_empty()).then_some(reason) }),
    );
    audit::record(tx, &e).await?;
    Ok(())
}

/// The adoptions the caller may read (officers: their own bodies'), for the REST export.
pub async fn export(
    db: &Db,
    user: &CurrentUser,
    org: Option<&str>,
) -> Result<Vec<AdoptionView>, AppError> {
    if let Some(code) = org {
        if !user.may_read_org(code) {
            return Err(AppError::Forbidden);
        }
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    if let Some(code) = org {
        savings_store::body(&mut conn, code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("The organisation {code:?}")))?;
    }
    Ok(store::adoptions(&mut conn, None)
        .await?
        .iter()
        .filter(|a| org.is_none_or(|c| a.org_code == c))
        .filter(|a| user.may_read_org(&a.org_code))
        .map(view)
        .collect())
}

/// The export as CSV: one row per adoption, amounts in pounds.
pub fn export_csv(adoptions: &[AdoptionView]) -> String {
    use crate::util::csv_cell;
    let mut out = String::from(
        "org_code,org_name,service_code,service_name,stage,contracted,migrating,live,exited,cost_before_gbp,cost_after_gbp,saving_gbp,one_off_gbp,sites,users,class,abandoned,abandoned_reason\r\n",
    );
    for a in adoptions {
        let cells = [
            a.org_code.clone(),
            a.org_name.clone(),
            a.service_code.clone(),
            a.service_name.clone(),
            a.stage.clone(),
            a.contracted.clone().unwrap_or_default(),
            a.migrating.clone().unwrap_or_default(),
            a.live.clone().unwrap_or_default(),
            a.exited.clone().unwrap_or_default(),
            a.cost_before.as_decimal().to_string(),
            a.cost_after.as_decimal().to_string(),
            a.recurring_saving.as_decimal().to_string(),
            a.one_off.as_decimal().to_string(),
            a.sites.map(|v| v.to_string()).unwrap_or_default(),
            a.users.map(|v| v.to_string()).unwrap_or_default(),
            a.class.clone(),
            a.abandoned.clone().unwrap_or_default(),
            a.abandoned_reason.clone().unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}
