//! Data centres: the inventory, the lifecycle of closures and the consolidation of the estate.
//!
//! Policy (issue 7): officers read and write only their own bodies' sites; the board and the
//! programme office read all. Every change names the `row_version` it edited (a stale one is a
//! conflict) and writes its audit row in the same transaction. Closing a site records its saving
//! as an initiative (kind data-centre, `source_ref` `data-centre:ID`) for the savings engine.
//! Energy of a closed site moves to its destination — counted there (× the destination's PUE when
//! it is a site in the inventory), not dropped.

use crate::db::audit::{self, AuditEntry};
use crate::db::estate::{self as store, Lifecycle, SiteRecord};
use crate::db::{savings as savings_store, Db, DbError};
use crate::domain::estate::carbon::tonnes;
use crate::domain::estate::site::{
    apply, closure_saving, moved_load, parse_date, parse_site, pue_band, Destination,
    LifecycleError, Site, SiteAction, SiteInput,
};
use crate::domain::estate::{CarbonFactors, SiteStatus, SiteType};
use crate::domain::savings::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
use crate::domain::spend_line::FieldError;
use crate::domain::{FinancialYear, Money, OrgId, Sector};
use crate::error::AppError;
use crate::model::estate::*;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use crate::util::capitalise;
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use std::collections::HashMap;

fn conflict() -> AppError {
    AppError::Conflict("Someone changed this site after you opened it. Reload it to see their changes, then make yours again.".into())
}

fn this_year() -> Option<FinancialYear> {
    FinancialYear::containing(chrono::Utc::now().date_naive()).ok()
}

/// The latest year (not after `year`) with a conversion factor.
fn factor_year(factors: &CarbonFactors, year: FinancialYear) -> Option<FinancialYear> {
    let mut y = Some(year);
    while let Some(current) = y {
        if factors.factor(current).is_some() {
            return Some(current);
        }
        y = current.previous().filter(|p| p.start_year() >= 2000);
    }
    None
}

fn view(r: &SiteRecord, all: &[SiteRecord], factors: &CarbonFactors) -> SiteView {
    let s = &r.site;
    let pue = s.pue();
    let carbon_year = this_year().and_then(|y| factor_year(factors, y));
    let carbon = match (s.total_energy, carbon_year, r.status) {
        (Some(e), Some(y), status) if status != SiteStatus::Closed => factors
            .kg(e.kwh, y)
            .zip(factors.factor(y))
            .map(|(kg, f)| (y, tonnes(kg).to_string(), f.normalize().to_string())),
        _ => None,
    };
    let closure = (r.status == SiteStatus::Closed).then(|| {
        let saving = closure_saving(&s.costs, r.costs_moving, r.migration_cost);
        let destination_pue = r
            .destination_site_id
            .and_then(|id| all.iter().find(|d| d.id == id))
            .and_then(|d| d.site.pue());
        let moved = moved_load(s, destination_pue);
        let year = r
            .closed_date
            .and_then(|d| FinancialYear::containing(d).ok())
            .and_then(|y| factor_year(factors, y));
        let carbon_saved = moved.zip(year).and_then(|(m, y)| {
            factors
                .factor(y)
                .map(|f| tonnes(m.saved_kwh * f).to_string())
        });
        ClosureView {
            stopping: saving.stopping,
            moving: saving.moving,
            recurring: saving.recurring,
            one_off: saving.one_off,
            moved_it_kwh: moved.map_or(0, |m| m.it_kwh),
            destination_kwh: moved
                .map(|m| m.destination_kwh.normalize().to_string())
                .unwrap_or_default(),
            destination_pue_known: moved.is_some_and(|m| m.destination_pue_known),
            saved_kwh: moved
                .map(|m| m.saved_kwh.normalize().to_string())
                .unwrap_or_default(),
            carbon_saved_tonnes: carbon_saved,
            carbon_year: year,
        }
    });
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string());
    SiteView {
        id: r.id,
        org_code: r.org_code.clone(),
        org_name: r.org_name.clone(),
        name: s.name.clone(),
        postcode: s.postcode.clone(),
        site_type: s.site_type.code().into(),
        site_type_name: s.site_type.name().into(),
        ownership: s.ownership.code().into(),
        ownership_name: s.ownership.name().into(),
        tier: s.tier,
        floor_area_m2: s.floor_area_m2,
        racks: s.racks,
        physical_servers: s.physical_servers,
        virtual_hosts: s.virtual_hosts,
        virtual_machines: s.virtual_machines,
        it_load_kw: s.it_load_kw.map(|k| k.normalize().to_string()),
        total_energy_kwh: s.total_energy.map(|e| e.kwh),
        total_energy_metering: s.total_energy.map(|e| e.metering.code().into()),
        it_energy_kwh: s.it_energy.map(|e| e.kwh),
        it_energy_metering: s.it_energy.map(|e| e.metering.code().into()),
        cost_power: s.costs.power,
        cost_accommodation: s.costs.accommodation,
        cost_maintenance: s.costs.maintenance,
        cost_staff: s.costs.staff,
        cost_total: s.costs.total(),
        opened: date(s.opened),
        status: r.status.code().into(),
        status_name: r.status.name().into(),
        target_date: date(r.target_date),
        closed_date: date(r.closed_date),
        destination: r.destination.map(|d| d.name().into()),
        destination_site: r
            .destination_site_id
            .and_then(|id| all.iter().find(|d| d.id == id))
            .map(|d| format!("{} ({})", d.site.name, d.org_name)),
        evidence: r.evidence.clone(),
        row_version: r.row_version,
        pue: pue.map(|p| format!("{p:.2}")),
        pue_band: pue.map(|p| pue_band(p).to_owned()),
        virtualisation_ratio: s.virtualisation_ratio().map(|v| format!("{v:.2}")),
        carbon,
        closure,
        cash: None,
    }
}

/// Facilities and energy spend (capital plus revenue) in the body's counted return of a year.
async fn facilities_and_energy(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<HashMap<FinancialYear, Money>, AppError> {
    use crate::domain::SpendCategory;
    let countable = savings_store::countable_returns(&mut *conn, org).await?;
    let mut out = HashMap::new();
    for (year, (r, _)) in crate::services::savings::counted_returns(countable) {
        let lines = crate::db::returns::lines(&mut *conn, r.id).await?;
        let total = Money::sum(
            lines
                .iter()
                .filter(|l| {
                    matches!(
                        l.category,
                        SpendCategory::AccommodationAndFacilities | SpendCategory::Energy
                    )
                })
                .map(|l| l.total().unwrap_or(Money::ZERO)),
        )
        .unwrap_or(Money::ZERO);
        out.insert(year, total);
    }
    Ok(out)
}

/// Adds the closure-to-cash check to closed sites' views.
async fn check_cash(
    conn: &mut AnyConnection,
    views: &mut [SiteView],
    records: &[SiteRecord],
) -> Result<(), AppError> {
    use crate::domain::estate::site::{closure_to_cash, CashCheck};
    let mut spend: HashMap<i64, HashMap<FinancialYear, Money>> = HashMap::new();
    for view in views.iter_mut() {
        let Some(r) = records.iter().find(|r| r.id == view.id) else {
            continue;
        };
        let Some(year) = r
            .closed_date
            .and_then(|d| FinancialYear::containing(d).ok())
        else {
            continue;
        };
        let (Some(before_year), Some(after_year)) = (year.previous(), year.next()) else {
            continue;
        };
        if let std::collections::hash_map::Entry::Vacant(slot) = spend.entry(r.org_id) {
            slot.insert(facilities_and_energy(&mut *conn, r.org_id).await?);
        }
        let by_year = &spend[&r.org_id];
        let (before, after) = (
            by_year.get(&before_year).copied(),
            by_year.get(&after_year).copied(),
        );
        let (verdict, text) = match closure_to_cash(before, after) {
            CashCheck::Fell(by) => ("fell", format!("Facilities and energy spend fell by {by} from {before_year} to {after_year}.")),
            CashCheck::DidNotFall(by) => ("did-not-fall", format!("Facilities and energy spend did not fall from {before_year} to {after_year} (up {by}): the closure has not shown up as cash.")),
            CashCheck::NotYetKnown => ("not-yet-known", format!("Needs the body's counted returns for {before_year} and {after_year}.")),
        };
        view.cash = Some(CashCheckView {
            before_year,
            before,
            after_year,
            after,
            verdict: verdict.into(),
            text,
        });
    }
    Ok(())
}

async fn org_id(conn: &mut AnyConnection, code: &str) -> Result<(i64, String), AppError> {
    savings_store::body(conn, code)
        .await?
        .map(|b| (b.id, b.name))
        .ok_or_else(|| AppError::NotFound(format!("The organisation {code:?}")))
}

/// A body's sites, with what its officers may do.
pub async fn sites_page(db: &Db, user: &CurrentUser, code: &str) -> Result<SitesPage, AppError> {
    if !user.may_read_org(code) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let (org, name) = org_id(&mut conn, code).await?;
    let all = store::sites(&mut conn, None, None).await?;
    let factors = store::ghg_factors(&mut conn).await?;
    let destinations = all
        .iter()
        .filter(|d| d.status != SiteStatus::Closed)
        .filter(|d| {
            d.org_id == org || d.site.ownership == crate::domain::estate::Ownership::SharedPublic
        })
        .map(|d| (d.id, format!("{} ({})", d.site.name, d.org_name)))
        .collect();
    let mut sites: Vec<SiteView> = all
        .iter()
        .filter(|r| r.org_id == org)
        .map(|r| view(r, &all, &factors))
        .collect();
    check_cash(&mut conn, &mut sites, &all).await?;
    let archived = store::archived_sites(&mut conn, org)
        .await?
        .into_iter()
        .map(|(id, name, at, reason)| ArchivedSite {
            id,
            name,
            archived_on: chrono::DateTime::from_timestamp(at, 0)
                .map(|t| t.format("%Y-%m-%d").to_string())
                .unwrap_or_default(),
            reason,
        })
        .collect();
    Ok(SitesPage {
        code: code.to_owned(),
        name,
        sites,
        may_edit: user.may_write_org(code),
        may_reverse: user.role == crate::domain::Role::Admin,
        destinations,
        archived,
    })
}

fn site_input(form: &HashMap<String, String>) -> SiteInput<'_> {
    let f = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    SiteInput {
        name: f("name"),
        postcode: f("postcode"),
        site_type: f("site_type"),
        ownership: f("ownership"),
        tier: f("tier"),
        floor_area_m2: f("floor_area_m2"),
        racks: f("racks"),
        physical_servers: f("physical_servers"),
        virtual_hosts: f("virtual_hosts"),
        virtual_machines: f("virtual_machines"),
        it_load_kw: f("it_load_kw"),
        total_energy_kwh: f("total_energy_kwh"),
        total_energy_metering: f("total_energy_kwh-metering"),
        it_energy_kwh: f("it_energy_kwh"),
        it_energy_metering: f("it_energy_kwh-metering"),
        cost_power: f("cost_power"),
        cost_accommodation: f("cost_accommodation"),
        cost_maintenance: f("cost_maintenance"),
        cost_staff: f("cost_staff"),
        opened: f("opened"),
    }
}

fn refused(errors: Vec<FieldError>, form: &HashMap<String, String>) -> AppError {
    AppError::Form {
        errors,
        values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
    }
}

fn entry(user: &CurrentUser, client: &Client, action: &str, id: i64) -> AuditEntry {
    AuditEntry::by(user, &client.addr, action, "data_centre", id)
}

/// The stored site `id` of the body `code`, or `NotFound`.
async fn own_site(conn: &mut AnyConnection, code: &str, id: i64) -> Result<SiteRecord, AppError> {
    store::site(conn, id)
        .await?
        .filter(|r| r.org_code == code)
        .ok_or_else(|| AppError::NotFound(format!("Site {id} of {code}")))
}

/// Adds a site (`id` None) or saves its inventory figures (`id` and the `row_version` edited).
pub async fn save_site(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    id: Option<i64>,
    row_version: Option<i64>,
    form: &HashMap<String, String>,
) -> Result<i64, AppError> {
    if !user.may_write_org(code) {
        return Err(AppError::Forbidden);
    }
    let site = parse_site(&site_input(form)).map_err(|errors| refused(errors, form))?;
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
            AppError::Form { errors, .. } => refused(errors, form),
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
            let mut e = entry(user, client, "data_centre_added", id);
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
            let mut e = entry(user, client, "data_centre_changed", id);
            e.before = serde_json::to_value(&before.site).ok();
            e.after = serde_json::to_value(site).ok();
            audit::record(tx, &e).await?;
            id
        }
    })
}

/// Moves a site along its lifecycle: `action` is plan, migrate, close or cancel.
pub async fn site_action(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    id: i64,
    row_version: i64,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    if !user.may_write_org(code) {
        return Err(AppError::Forbidden);
    }
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
            return Err(refused(errors, form));
        }
        Some(Err(other @ LifecycleError::NotNow(..))) if errors.is_empty() => {
            return Err(AppError::Conflict(capitalise(&other.to_string())))
        }
        _ => return Err(refused(errors, form)),
    };
    next.status = status;
    if !store::set_lifecycle(&mut tx, id, row_version, &next, now(), user.id).await? {
        return Err(conflict());
    }
    let mut e = entry(
        user,
        client,
        &format!("data_centre_{}", status.code().replace('-', "_")),
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

/// Whether a site was open at the end of a year (31 March).
fn open_at_end(r: &SiteRecord, year: FinancialYear) -> bool {
    let end = year.last_day();
    r.site.opened.is_none_or(|o| o <= end) && r.closed_date.is_none_or(|c| c > end)
}

/// The consolidation of the estate over time, its energy and carbon (board and office).
pub async fn estate_summary(
    db: &Db,
    user: &CurrentUser,
    sector: Option<&str>,
    site_type: Option<&str>,
) -> Result<EstateSummary, AppError> {
    if !user.role.reads_all_organisations() {
        return Err(AppError::Forbidden);
    }
    let site_type = match site_type.filter(|s| !s.is_empty()) {
        Some(text) => {
            Some(SiteType::parse(text).map_err(|e| AppError::validation("type", e.to_string()))?)
        }
        None => None,
    };
    let sector = match sector.filter(|s| !s.is_empty()) {
        Some(text) => Some(
            text.parse::<Sector>()
                .map_err(|e| AppError::validation("sector", e.to_string()))?,
        ),
        None => None,
    };
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let all = store::sites(&mut conn, None, None).await?;
    let factors = store::ghg_factors(&mut conn).await?;
    let in_scope: Vec<&SiteRecord> = all
        .iter()
        .filter(|r| sector.is_none_or(|s| r.sector_code == s.code()))
        .filter(|r| site_type.is_none_or(|t| r.site.site_type == t))
        .collect();
    let scope = (
        sector.map(|s| s.code()).unwrap_or_default(),
        site_type.map(|t| t.code()).unwrap_or_default(),
    );
    let points: Vec<(i32, i64, String)> = store::consolidation_targets(&mut conn)
        .await?
        .into_iter()
        .filter(|t| t.0 == scope.0 && t.1 == scope.1)
        .filter_map(|t| Some((i32::try_from(t.2).ok()?, t.3, t.4)))
        .collect();
    let line: Vec<(i32, i64)> = points.iter().map(|p| (p.0, p.1)).collect();
    let last = this_year().unwrap_or_else(FinancialYear::mcclelland_baseline);
    let mut counts = Vec::new();
    let mut energy = Vec::new();
    for start in FinancialYear::mcclelland_baseline().start_year()..=last.start_year() {
        let Ok(year) = FinancialYear::starting(start) else {
            continue;
        };
        let open: Vec<&&SiteRecord> = in_scope.iter().filter(|r| open_at_end(r, year)).collect();
        let by_type = SiteType::ALL
            .iter()
            .map(|t| {
                (
                    t.name().to_owned(),
                    open.iter().filter(|r| r.site.site_type == *t).count(),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect();
        counts.push(SiteCount {
            year,
            sites: open.len(),
            by_type,
            target: crate::domain::estate::target::target_at(&line, start),
        });
        // Energy: the open sites' own, plus the load of sites closed by then, counted at their
        // destination (× its PUE when known).
        let mut kwh: Decimal = open
            .iter()
            .filter_map(|r| r.site.total_energy)
            .map(|e| Decimal::from(e.kwh))
            .sum();
        for closed in in_scope.iter().filter(|r| {
            r.status == SiteStatus::Closed
                && !open_at_end(r, year)
                && r.site.opened.is_none_or(|o| o <= year.last_day())
        }) {
            let destination_pue = closed
                .destination_site_id
                .and_then(|id| all.iter().find(|d| d.id == id))
                .and_then(|d| d.site.pue());
            if let Some(m) = moved_load(&closed.site, destination_pue) {
                kwh += m.destination_kwh;
            }
        }
        energy.push(EnergyYear {
            year,
            kwh: kwh.round_dp(0).to_string(),
            carbon_tonnes: factors.factor(year).map(|f| tonnes(kwh * f).to_string()),
        });
    }
    let by_status = SiteStatus::ALL
        .iter()
        .map(|s| {
            (
                s.name().to_owned(),
                in_scope.iter().filter(|r| r.status == *s).count(),
            )
        })
        .collect();
    let mut closed: Vec<SiteView> = in_scope
        .iter()
        .filter(|r| r.status == SiteStatus::Closed)
        .map(|r| view(r, &all, &factors))
        .collect();
    check_cash(&mut conn, &mut closed, &all).await?;
    Ok(EstateSummary {
        site_type: site_type.map(|t| t.code().to_owned()),
        site_types: SiteType::ALL
            .iter()
            .map(|t| (t.code().to_owned(), t.name().to_owned()))
            .collect(),
        targets: points
            .into_iter()
            .filter_map(|(y, max_sites, note)| {
                Some(TargetPoint {
                    year: FinancialYear::starting(y).ok()?,
                    max_sites,
                    note,
                })
            })
            .collect(),
        may_set_targets: user.role == crate::domain::Role::Admin,
        sector: sector.map(|s| s.code().to_owned()),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code().to_owned(), s.name().to_owned()))
            .collect(),
        counts,
        by_status,
        energy,
        factors_verified: factors.verified,
        closed,
    })
}

/// The data-centres front page for whoever is asking.
pub async fn overview(
    db: &Db,
    user: &CurrentUser,
    sector: Option<&str>,
    site_type: Option<&str>,
) -> Result<EstateOverview, AppError> {
    let summary = if user.role.reads_all_organisations() {
        Some(estate_summary(db, user, sector, site_type).await?)
    } else {
        None
    };
    Ok(EstateOverview {
        summary,
        my_bodies: user
            .organisations
            .iter()
            .map(|o| (o.code.clone(), o.name.clone()))
            .collect(),
    })
}

/// The sites the caller may read: one body's (`org`), a sector's, or all of them (officers: their
/// own bodies' only), for the REST export.
pub async fn export(
    db: &Db,
    user: &CurrentUser,
    org: Option<&str>,
    sector: Option<&str>,
) -> Result<Vec<SiteView>, AppError> {
    if let Some(code) = org {
        if !user.may_read_org(code) {
            return Err(AppError::Forbidden);
        }
    }
    let sector = match sector.filter(|s| !s.is_empty()) {
        Some(text) => Some(
            text.parse::<Sector>()
                .map_err(|e| AppError::validation("sector", e.to_string()))?,
        ),
        None => None,
    };
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    if let Some(code) = org {
        org_id(&mut conn, code).await?;
    }
    let all = store::sites(&mut conn, None, None).await?;
    let factors = store::ghg_factors(&mut conn).await?;
    let mut views: Vec<SiteView> = all
        .iter()
        .filter(|r| org.is_none_or(|c| r.org_code == c))
        .filter(|r| sector.is_none_or(|s| r.sector_code == s.code()))
        .filter(|r| user.may_read_org(&r.org_code))
        .map(|r| view(r, &all, &factors))
        .collect();
    check_cash(&mut conn, &mut views, &all).await?;
    Ok(views)
}

/// The export as CSV: one row per site, amounts in pounds, energy in kWh a year.
pub fn export_csv(sites: &[SiteView]) -> String {
    use crate::util::csv_cell;
    let mut out = String::from(
        "org_code,org_name,site_id,name,postcode,type,ownership,status,physical_servers,virtual_hosts,virtual_machines,total_energy_kwh,total_energy_metering,it_energy_kwh,it_energy_metering,pue,virtualisation_ratio,cost_total_gbp,opened,target_date,closed_date,destination,closure_saving_gbp,closure_one_off_gbp,energy_saved_kwh,carbon_saved_t,closure_to_cash\r\n",
    );
    for s in sites {
        let c = s.closure.as_ref();
        let cells = [
            s.org_code.clone(),
            s.org_name.clone(),
            s.id.to_string(),
            s.name.clone(),
            s.postcode.clone().unwrap_or_default(),
            s.site_type.clone(),
            s.ownership.clone(),
            s.status.clone(),
            s.physical_servers.to_string(),
            s.virtual_hosts.to_string(),
            s.virtual_machines.to_string(),
            s.total_energy_kwh
                .map(|v| v.to_string())
                .unwrap_or_default(),
            s.total_energy_metering.clone().unwrap_or_default(),
            s.it_energy_kwh.map(|v| v.to_string()).unwrap_or_default(),
            s.it_energy_metering.clone().unwrap_or_default(),
            s.pue.clone().unwrap_or_default(),
            s.virtualisation_ratio.clone().unwrap_or_default(),
            s.cost_total.as_decimal().to_string(),
            s.opened.clone().unwrap_or_default(),
            s.target_date.clone().unwrap_or_default(),
            s.closed_date.clone().unwrap_or_default(),
            s.destination.clone().unwrap_or_default(),
            c.map(|c| c.recurring.as_decimal().to_string())
                .unwrap_or_default(),
            c.map(|c| c.one_off.as_decimal().to_string())
                .unwrap_or_default(),
            c.map(|c| c.saved_kwh.clone()).unwrap_or_default(),
            c.and_then(|c| c.carbon_saved_tonnes.clone())
                .unwrap_or_default(),
            s.cash
                .as_ref()
                .map(|k| k.verdict.clone())
                .unwrap_or_default(),
        ];
        let row: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&row.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Sets (or, with `remove`, removes) a point of a consolidation target line: the programme
/// office only. Every problem is named by its field; nothing is saved if there is one.
pub async fn set_consolidation_target(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    if user.role != crate::domain::Role::Admin {
        return Err(AppError::Forbidden);
    }
    let f = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut errors = Vec::new();
    let mut fail = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        });
    };
    let sector = match f("sector") {
        "" => String::new(),
        text => match text.parse::<Sector>() {
            Ok(s) => s.code().to_owned(),
            Err(e) => {
                fail("sector", format!("Sector: {e}"));
                String::new()
            }
        },
    };
    let site_type = match f("type") {
        "" => String::new(),
        text => match SiteType::parse(text) {
            Ok(t) => t.code().to_owned(),
            Err(e) => {
                fail("type", format!("Type: {e}"));
                String::new()
            }
        },
    };
    let year = f("year").parse::<FinancialYear>().ok();
    if year.is_none() {
        fail("year", "Year: a financial year like 2015-16".into());
    }
    let remove = !f("remove").is_empty();
    let max_sites = if remove {
        0
    } else {
        match f("max_sites").replace(',', "").parse::<i64>() {
            Ok(n) if (0..=100_000).contains(&n) => n,
            _ => {
                fail(
                    "max_sites",
                    "Most sites: a whole number from 0 to 100000".into(),
                );
                0
            }
        }
    };
    let note = f("note").to_owned();
    if !remove && note.is_empty() {
        fail(
            "note",
            "Source or reason: say where the target comes from".into(),
        );
    } else if note.chars().count() > 500 {
        fail("note", "Source or reason: at most 500 characters".into());
    }
    let Some(year) = year.filter(|_| errors.is_empty()) else {
        return Err(refused(errors, form));
    };
    let row = (
        sector,
        site_type,
        i64::from(year.start_year()),
        max_sites,
        note,
    );
    let mut tx = db.begin().await?;
    let mut e = AuditEntry::by(
        user,
        &client.addr,
        if remove {
            "consolidation_target_removed"
        } else {
            "consolidation_target_set"
        },
        "consolidation_target",
        format!("{}/{}/{year}", row.0, row.1),
    );
    if remove {
        if !store::delete_target(&mut tx, &row.0, &row.1, row.2).await? {
            return Err(AppError::validation(
                "year",
                format!("Year: there is no target for {year} in this scope"),
            ));
        }
    } else {
        store::set_target(&mut tx, &row, now(), user.id).await?;
        e.after = Some(serde_json::json!({ "max_sites": row.3, "note": row.4 }));
    }
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// A reason a correction needs: `field` names it in the error.
fn reason_of<'a>(form: &'a HashMap<String, String>, what: &str) -> Result<&'a str, AppError> {
    let reason = form.get("reason").map(|v| v.trim()).unwrap_or_default();
    if reason.is_empty() {
        return Err(refused(
            vec![FieldError {
                field: "reason".into(),
                message: format!("Reason: say why {what}"),
            }],
            form,
        ));
    }
    if reason.chars().count() > crate::domain::spend_line::MAX_NOTE_CHARS {
        return Err(refused(
            vec![FieldError {
                field: "reason".into(),
                message: format!(
                    "Reason: at most {} characters",
                    crate::domain::spend_line::MAX_NOTE_CHARS
                ),
            }],
            form,
        ));
    }
    Ok(reason)
}

/// Reverses a closure recorded in error (the programme office, with a reason; issue 15): the
/// site is open again — closure planned if it had a target date and destination, otherwise
/// operational — and the saving its closure recorded is withdrawn from the savings engine.
pub async fn reverse_closure(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    id: i64,
    row_version: i64,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    if user.role != crate::domain::Role::Admin || !user.may_read_org(code) {
        return Err(AppError::Forbidden);
    }
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
    let mut e = entry(user, client, "data_centre_closure_reversed", id);
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
pub async fn archive_site(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    id: i64,
    row_version: i64,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    if !user.may_write_org(code) {
        return Err(AppError::Forbidden);
    }
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
    let mut e = entry(user, client, "data_centre_archived", id);
    e.before = Some(serde_json::json!({
        "name": current.site.name,
        "status": current.status.code(),
    }));
    e.after = Some(serde_json::json!({ "archived": true, "reason": reason }));
    audit::record(&mut tx, &e).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
