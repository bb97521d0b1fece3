//! Data centres: the inventory, the lifecycle of closures and the consolidation of the estate.
//!
//! Policy (issue 7): officers read and write only their own bodies' sites; the board and the
//! programme office read all. Every change names the `row_version` it edited (a stale one is a
//! conflict) and writes its audit row in the same transaction. Closing a site records its saving
//! as an initiative (kind data-centre, `source_ref` `data-centre:ID`) for the savings engine.
//! Energy of a closed site moves to its destination — counted there (× the destination's PUE when
//! it is a site in the inventory), not dropped.

use crate::access::ReadBody;
use crate::db::audit::AuditEntry;
use crate::db::estate::{self as store, SiteRecord};
use crate::db::{savings as savings_store, Db, DbError};
use crate::domain::estate::carbon::tonnes;
use crate::domain::estate::site::{closure_saving, moved_load, pue_band, SiteInput};
use crate::domain::estate::{CarbonFactors, SiteStatus};
use crate::domain::{FinancialYear, Money};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::estate::*;
use crate::model::CurrentUser;
use crate::services::auth::Client;
use sqlx::AnyConnection;
use std::collections::HashMap;

mod corrections;
mod sites;
mod summary;
mod targets;

pub use corrections::*;
pub use sites::*;
pub use summary::*;
pub use targets::*;

pub(super) fn conflict() -> AppError {
    AppError::Conflict("Someone changed this site after you opened it. Reload it to see their changes, then make yours again.".into())
}

pub(super) fn this_year() -> Option<FinancialYear> {
    FinancialYear::containing(chrono::Utc::now().date_naive()).ok()
}

/// The latest year (not after `year`) with a conversion factor.
pub(super) fn factor_year(factors: &CarbonFactors, year: FinancialYear) -> Option<FinancialYear> {
    let mut y = Some(year);
    while let Some(current) = y {
        if factors.factor(current).is_some() {
            return Some(current);
        }
        y = current.previous().filter(|p| p.start_year() >= 2000);
    }
    None
}

/// What a closed site saved: the costs that stopped or moved, and the energy and carbon its load
/// no longer uses where it moved (ADR 0007).
fn closure_view(r: &SiteRecord, all: &[SiteRecord], factors: &CarbonFactors) -> ClosureView {
    let s = &r.site;
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
}

pub(super) fn view(r: &SiteRecord, all: &[SiteRecord], factors: &CarbonFactors) -> SiteView {
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
    let closure = (r.status == SiteStatus::Closed).then(|| closure_view(r, all, factors));
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
pub(super) async fn facilities_and_energy(
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
pub(super) async fn check_cash(
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

pub(super) async fn org_id(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<(i64, String), AppError> {
    savings_store::body(conn, code)
        .await?
        .map(|b| (b.id, b.name))
        .ok_or_else(|| AppError::NotFound(format!("The organisation {code:?}")))
}

/// A body's sites, with what its officers may do.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code()))]
pub async fn sites_page(db: &Db, read: &ReadBody<'_>) -> Result<SitesPage, AppError> {
    let actor = read.actor();
    let code = read.code();
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
        may_edit: actor.can_write_body(code),
        may_reverse: actor.is_office(),
        destinations,
        archived,
    })
}

pub(super) fn site_input(form: &HashMap<String, String>) -> SiteInput<'_> {
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

pub(super) fn entry(
    user: &CurrentUser,
    client: &Client,
    action: AuditAction,
    id: i64,
) -> AuditEntry {
    AuditEntry::by(user, &client.addr, action, "data_centre", id)
}

/// The stored site `id` of the body `code`, or `NotFound`.
pub(super) async fn own_site(
    conn: &mut AnyConnection,
    code: &str,
    id: i64,
) -> Result<SiteRecord, AppError> {
    store::site(conn, id)
        .await?
        .filter(|r| r.org_code == code)
        .ok_or_else(|| AppError::NotFound(format!("Site {id} of {code}")))
}
