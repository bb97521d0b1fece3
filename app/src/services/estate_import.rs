//! The estate sheets of an import against what is stored: which sites are new or changed, which
//! adoptions are new, re-costed or moved one step; and, at commit, doing exactly that inside the
//! import's transaction through the same code as the entry pages.
//!
//! Policy (issue 7): a site is matched to the body's stored sites by name (ignoring case and
//! surrounding spaces); a site not in the sheet is left as it is (a site leaves the estate by
//! closing, on its page). A closed site's figures cannot change. An adoption is matched by its
//! service; a row may move it one allowed step (with the step's date) and may change its costs,
//! counts and class only before it is live, since a live adoption's saving was recorded from
//! them. Everything that a row asks for that the entry pages would refuse is an error at its cell.

use crate::db::estate::{self as estate_store, SiteRecord};
use crate::db::shared::{self as shared_store, AdoptionRecord, NewAdoption};
use crate::domain::estate::adoption::AdoptionStage;
use crate::domain::estate::site::Site;
use crate::domain::estate::SiteStatus;
use crate::domain::savings::initiative::SavingClass;
use crate::domain::Money;
use crate::error::AppError;
use crate::import::estate::{AdoptionRow, ParsedEstate};
use crate::model::import::{ChangeKind, Problem, RecordChange, Severity};
use crate::model::CurrentUser;
use crate::services::auth::Client;
use crate::services::{estate, shared};
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// What the estate sheets will change, and what is wrong with them.
#[derive(Debug, Default)]
pub struct EstatePlan {
    pub sites: Vec<RecordChange>,
    pub adoptions: Vec<RecordChange>,
    pub problems: Vec<Problem>,
    actions: Vec<Action>,
}

impl EstatePlan {
    pub fn changes_something(&self) -> bool {
        !self.actions.is_empty()
    }
}

#[derive(Debug)]
enum Action {
    Site {
        stored: Option<(i64, i64)>,
        site: Box<Site>,
    },
    Adoption {
        /// The stored adoption's id, or `None` for a new one of `service`.
        stored: Option<i64>,
        service: String,
        /// New costs, counts and class, if they change.
        terms: Option<Terms>,
        step: Option<(AdoptionStage, NaiveDate)>,
    },
}

#[derive(Clone, Debug, PartialEq)]
struct Terms {
    cost_before: Money,
    cost_after: Money,
    one_off: Money,
    sites: Option<i64>,
    users: Option<i64>,
    class: SavingClass,
}

fn error(cell: &str, found: impl Into<String>, expected: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Error,
        cell: cell.to_owned(),
        found: found.into(),
        expected: expected.into(),
    }
}

fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Compares the parsed sheets with the body's stored sites and adoptions.
pub async fn plan(
    conn: &mut AnyConnection,
    org: i64,
    parsed: &ParsedEstate,
) -> Result<EstatePlan, AppError> {
    let mut out = EstatePlan {
        problems: parsed.problems.clone(),
        ..EstatePlan::default()
    };
    if parsed.has_sites {
        let stored = estate_store::sites(conn, Some(org), None).await?;
        plan_sites(&stored, parsed, &mut out);
    }
    if parsed.has_adoptions {
        let stored = shared_store::adoptions(conn, Some(org)).await?;
        let catalogue: Vec<(String, String)> = shared_store::services(conn)
            .await?
            .into_iter()
            .map(|s| (s.0, s.1))
            .collect();
        for row in &parsed.adoptions {
            plan_adoption(row, &stored, &catalogue, parsed, &mut out);
        }
    }
    Ok(out)
}

fn plan_sites(stored: &[SiteRecord], parsed: &ParsedEstate, out: &mut EstatePlan) {
    for (i, row) in parsed.sites.iter().enumerate() {
        let name = key(&row.site.name);
        if parsed.sites[..i].iter().any(|r| key(&r.site.name) == name) {
            out.problems.push(error(
                &row.name_cell,
                format!("{:?} a second time", row.site.name),
                "each site once (sites are matched to the stored ones by name)",
            ));
            continue;
        }
        let existing = stored.iter().find(|s| key(&s.site.name) == name);
        // The name only finds the site: a different case or spacing does not rename it.
        let mut site = row.site.clone();
        if let Some(s) = existing {
            site.name.clone_from(&s.site.name);
        }
        let (kind, detail) = match existing {
            None => (ChangeKind::New, describe(&site)),
            Some(s) if s.site == site => (ChangeKind::Unchanged, describe(&site)),
            Some(s) if s.status == SiteStatus::Closed => {
                out.problems.push(error(
                    &row.at,
                    format!("new figures for {:?}, which closed on {}", s.site.name, s.closed_date.map(|d| d.to_string()).unwrap_or_default()),
                    "a closed site's figures as they were when it closed (they are kept for the savings and carbon it recorded)",
                ));
                continue;
            }
            Some(s) => {
                if let (Some(opened), Some(closed)) = (site.opened, s.closed_date) {
                    if opened > closed {
                        out.problems.push(error(
                            &row.at,
                            opened.to_string(),
                            "Opened: a date before the site closed",
                        ));
                        continue;
                    }
                }
                (ChangeKind::Changed, differences(&s.site, &site))
            }
        };
        out.sites.push(RecordChange {
            at: row.at.clone(),
            subject: site.name.clone(),
            kind,
            detail,
        });
        if kind != ChangeKind::Unchanged {
            out.actions.push(Action::Site {
                stored: existing.map(|s| (s.id, s.row_version)),
                site: Box::new(site),
            });
        }
    }
}

fn describe(s: &Site) -> String {
    let mut parts = vec![
        s.site_type.name().to_owned(),
        format!("{} physical servers", s.physical_servers),
    ];
    if let Some(pue) = s.pue() {
        parts.push(format!("PUE {pue:.2}"));
    }
    parts.push(format!("running cost {} a year", s.costs.total()));
    parts.join(", ")
}

fn differences(before: &Site, after: &Site) -> String {
    let mut out = Vec::new();
    let mut diff = |label: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{label} {a} → {b}"));
        }
    };
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_else(|| "—".into());
    let kwh = |e: Option<crate::domain::estate::site::Energy>| {
        e.map(|e| format!("{} kWh ({})", e.kwh, e.metering.code()))
            .unwrap_or_else(|| "—".into())
    };
    diff(
        "postcode",
        before.postcode.clone().unwrap_or_default(),
        after.postcode.clone().unwrap_or_default(),
    );
    diff(
        "type",
        before.site_type.name().into(),
        after.site_type.name().into(),
    );
    diff(
        "ownership",
        before.ownership.code().into(),
        after.ownership.code().into(),
    );
    diff("tier", opt(before.tier), opt(after.tier));
    diff(
        "floor area",
        opt(before.floor_area_m2),
        opt(after.floor_area_m2),
    );
    diff("racks", opt(before.racks), opt(after.racks));
    diff(
        "physical servers",
        before.physical_servers.to_string(),
        after.physical_servers.to_string(),
    );
    diff(
        "virtual hosts",
        before.virtual_hosts.to_string(),
        after.virtual_hosts.to_string(),
    );
    diff(
        "virtual machines",
        before.virtual_machines.to_string(),
        after.virtual_machines.to_string(),
    );
    diff(
        "IT load",
        before
            .it_load_kw
            .map(|k| format!("{} kW", k.normalize()))
            .unwrap_or_default(),
        after
            .it_load_kw
            .map(|k| format!("{} kW", k.normalize()))
            .unwrap_or_default(),
    );
    diff(
        "total energy",
        kwh(before.total_energy),
        kwh(after.total_energy),
    );
    diff("IT energy", kwh(before.it_energy), kwh(after.it_energy));
    diff(
        "power cost",
        before.costs.power.to_string(),
        after.costs.power.to_string(),
    );
    diff(
        "accommodation cost",
        before.costs.accommodation.to_string(),
        after.costs.accommodation.to_string(),
    );
    diff(
        "maintenance cost",
        before.costs.maintenance.to_string(),
        after.costs.maintenance.to_string(),
    );
    diff(
        "staff cost",
        before.costs.staff.to_string(),
        after.costs.staff.to_string(),
    );
    diff(
        "opened",
        before.opened.map(|d| d.to_string()).unwrap_or_default(),
        after.opened.map(|d| d.to_string()).unwrap_or_default(),
    );
    out.join("; ")
}

/// The catalogue service a row names, by code or by name (ignoring case).
fn service_of<'c>(text: &str, catalogue: &'c [(String, String)]) -> Option<&'c (String, String)> {
    let wanted = text.trim().to_lowercase();
    catalogue
        .iter()
        .find(|(code, name)| code.to_lowercase() == wanted || name.to_lowercase() == wanted)
}

fn plan_adoption(
    row: &AdoptionRow,
    stored: &[AdoptionRecord],
    catalogue: &[(String, String)],
    parsed: &ParsedEstate,
    out: &mut EstatePlan,
) {
    let Some((code, name)) = service_of(&row.service, catalogue) else {
        let codes: Vec<&str> = catalogue.iter().map(|(c, _)| c.as_str()).collect();
        out.problems.push(error(
            &row.service_cell,
            format!("{:?}", row.service),
            format!(
                "Shared service: the code or name of a service in the catalogue ({})",
                codes.join(", ")
            ),
        ));
        return;
    };
    let earlier_same = parsed
        .adoptions
        .iter()
        .take_while(|r| !std::ptr::eq(*r, row))
        .any(|r| service_of(&r.service, catalogue).is_some_and(|(c, _)| c == code));
    if earlier_same {
        out.problems.push(error(
            &row.service_cell,
            format!("{name} a second time"),
            "each shared service once",
        ));
        return;
    }
    // The latest adoption of the service; an ended one (exited or abandoned) is history, and a
    // row naming another stage takes the service up again as a new adoption (issue 15).
    let existing = stored
        .iter()
        .filter(|a| &a.service_code == code)
        .max_by_key(|a| a.id)
        .filter(|a| !a.stage.ended() || row.stage.is_none_or(|s| s == a.stage));
    let from = existing.map_or(AdoptionStage::Considering, |a| a.stage);
    let step = match row.stage {
        None => None,
        Some(s) if s == from => None,
        Some(s) => {
            if from.move_to(s).is_err() {
                let allowed = from
                    .next()
                    .iter()
                    .map(|n| n.code())
                    .collect::<Vec<_>>()
                    .join(" or ");
                let expected = if existing.is_none() {
                    format!("Stage: a new adoption starts at considering and moves one step at a time, so considering or {allowed}; move it on in a later import or on the body's shared-services page")
                } else if allowed.is_empty() {
                    format!("Stage: {} (the adoption can move no further)", from.code())
                } else {
                    format!(
                        "Stage: {} as stored, or the next step, {allowed}",
                        from.code()
                    )
                };
                out.problems
                    .push(error(&row.stage_cell, s.code(), expected));
                return;
            }
            Some(s)
        }
    };
    let step = match step {
        None => None,
        Some(s) => {
            let Some(on) = row.date else {
                out.problems.push(error(
                    &row.date_cell,
                    "(empty)",
                    format!(
                        "Date of the stage: the date the adoption became {}",
                        s.code()
                    ),
                ));
                return;
            };
            let previous = existing.and_then(AdoptionRecord::latest_step);
            if let Some(p) = previous.filter(|p| on < *p) {
                out.problems.push(error(
                    &row.date_cell,
                    on.to_string(),
                    format!("Date of the stage: not before the adoption's previous step ({p})"),
                ));
                return;
            }
            Some((s, on))
        }
    };
    let class = match (row.class, existing) {
        (Some(c), _) => c,
        (None, Some(a)) => a.class,
        (None, None) => {
            out.problems.push(error(
                &row.class_cell,
                "(empty)",
                "Class of saving: cash-releasing, non-cash or cost-avoidance (needed for a new adoption)",
            ));
            return;
        }
    };
    let terms = Terms {
        cost_before: row.cost_before,
        cost_after: row.cost_after,
        one_off: row.one_off,
        sites: row.sites,
        users: row.users,
        class,
    };
    let stored_terms = existing.map(|a| Terms {
        cost_before: a.cost_before,
        cost_after: a.cost_after,
        one_off: a.one_off,
        sites: a.sites,
        users: a.users,
        class: a.class,
    });
    let terms_change = stored_terms.as_ref() != Some(&terms);
    if terms_change
        && existing.is_some()
        && matches!(
            from,
            AdoptionStage::Live | AdoptionStage::Exited | AdoptionStage::Abandoned
        )
    {
        out.problems.push(error(
            &row.costs_cell,
            format!("costs, counts or class that differ from the stored ones ({} before, {} after, one-off {})", terms.cost_before, terms.cost_after, terms.one_off),
            format!("the stored figures: the adoption is {} and its saving was recorded from them", from.code()),
        ));
        return;
    }
    let mut detail = Vec::new();
    if let Some((s, on)) = step {
        detail.push(format!("{} → {} on {on}", from.code(), s.code()));
    } else {
        detail.push(from.code().to_owned());
    }
    detail.push(format!(
        "annual cost {} before and {} after, one-off {}, {}",
        terms.cost_before,
        terms.cost_after,
        terms.one_off,
        terms.class.name().to_lowercase()
    ));
    let kind = match (existing, terms_change || step.is_some()) {
        (None, _) => ChangeKind::New,
        (Some(_), true) => ChangeKind::Changed,
        (Some(_), false) => ChangeKind::Unchanged,
    };
    out.adoptions.push(RecordChange {
        at: row.at.clone(),
        subject: name.clone(),
        kind,
        detail: detail.join("; "),
    });
    if kind != ChangeKind::Unchanged {
        out.actions.push(Action::Adoption {
            stored: existing.map(|a| a.id),
            service: code.clone(),
            terms: terms_change.then_some(terms),
            step,
        });
    }
}

/// Applies a plan made inside the same transaction. The caller has checked that the user may
/// write the body and that the plan has no errors.
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

async fn reload(tx: &mut AnyConnection, org: i64, id: i64) -> Result<AdoptionRecord, AppError> {
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
