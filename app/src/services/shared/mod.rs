//! Shared services: the catalogue (programme office) and each body's adoption.
//!
//! Policy (issue 7): adoption moves one step at a time (`domain::estate::adoption`), each step
//! dated, locked by `row_version` and audited. When an adoption goes live its saving (annual cost
//! before minus after, with the one-off cost) is written as an initiative for the savings engine
//! (`source_ref adoption:ID`, the body as consumer of the service); when it is exited, that
//! initiative ends in the exit year.

use crate::access::{Actor, Office, ReadAll};
use crate::db::audit::{self, AuditEntry};
use crate::db::shared::{self as store, AdoptionRecord};
use crate::db::{Db, DbError};
use crate::domain::estate::adoption::recurring_saving;
use crate::domain::estate::AdoptionStage;
use crate::domain::spend_line::FieldError;
use crate::domain::OrgCode;
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::estate::*;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use std::collections::HashMap;

mod adoptions;
mod export;

pub use adoptions::*;
pub use export::*;

pub(super) fn view(a: &AdoptionRecord) -> AdoptionView {
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

pub(super) fn entry(
    user: &CurrentUser,
    client: &Client,
    action: AuditAction,
    entity: &str,
    id: String,
) -> AuditEntry {
    AuditEntry::by(user, &client.addr, action, entity, id)
}

/// Bodies × services: each body with an adoption, by name, with its stage of each service (in
/// catalogue order). One pass over the adoptions, whatever the number of bodies.
pub(super) fn body_rows(
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
#[tracing::instrument(skip_all, fields(user = all.user().id, ?sector))]
pub async fn adoption_matrix(
    db: &Db,
    all: &ReadAll<'_>,
    sector: Option<crate::domain::Sector>,
) -> Result<AdoptionMatrix, AppError> {
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
#[tracing::instrument(skip_all, fields(user = actor.user.id))]
pub async fn front_page(db: &Db, actor: &Actor) -> Result<SharedServicesPage, AppError> {
    let user = &actor.user;
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
        may_edit_catalogue: actor.is_office(),
    })
}

/// Adds or renames a catalogue entry (programme office).
#[tracing::instrument(skip_all, fields(user = office.user().id))]
pub async fn save_service(
    db: &Db,
    office: &Office<'_>,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
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
        return Err(AppError::refused_form(errors, form));
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
        AuditAction::SharedServiceSaved,
        "shared_service",
        code.to_string(),
    );
    e.after = Some(serde_json::json!({ "name": f("name"), "description": f("description") }));
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
