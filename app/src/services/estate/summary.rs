//! The estate's consolidation over time (board and office), the front page, and the export.

use super::{check_cash, org_id, this_year, view};
use crate::access::{Actor, ReadAll};
use crate::db::estate::{self as store, SiteRecord};
use crate::db::{Db, DbError};
use crate::domain::estate::carbon::tonnes;
use crate::domain::estate::site::moved_load;
use crate::domain::estate::{CarbonFactors, SiteStatus, SiteType};
use crate::domain::{FinancialYear, Sector};
use crate::error::AppError;
use crate::model::estate::*;
use rust_decimal::Decimal;

/// Whether a site was open at the end of a year (31 March).
pub(super) fn open_at_end(r: &SiteRecord, year: FinancialYear) -> bool {
    let end = year.last_day();
    r.site.opened.is_none_or(|o| o <= end) && r.closed_date.is_none_or(|c| c > end)
}

/// The estate's scope as asked: a sector and a site type, each blank for all.
fn scope_of(
    sector: Option<&str>,
    site_type: Option<&str>,
) -> Result<(Option<Sector>, Option<SiteType>), AppError> {
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
    Ok((sector, site_type))
}

/// The sites of the scope open at the end of `year` (by type, against the target line) and the
/// estate's energy and carbon that year: the open sites' own, plus the load of sites closed by
/// then, counted at their destination (× its PUE when known).
fn year_figures(
    year: FinancialYear,
    in_scope: &[&SiteRecord],
    all: &[SiteRecord],
    factors: &CarbonFactors,
    line: &[(i32, i64)],
) -> (SiteCount, EnergyYear) {
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
    let count = SiteCount {
        year,
        sites: open.len(),
        by_type,
        target: crate::domain::estate::target::target_at(line, year.start_year()),
    };
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
    let energy = EnergyYear {
        year,
        kwh: kwh.round_dp(0).to_string(),
        carbon_tonnes: factors.factor(year).map(|f| tonnes(kwh * f).to_string()),
    };
    (count, energy)
}

/// The consolidation of the estate over time, its energy and carbon (board and office).
#[tracing::instrument(skip_all, fields(user = cap.user().id, ?sector, ?site_type))]
pub async fn estate_summary(
    db: &Db,
    cap: &ReadAll<'_>,
    sector: Option<&str>,
    site_type: Option<&str>,
) -> Result<EstateSummary, AppError> {
    let actor = cap.actor();
    let (sector, site_type) = scope_of(sector, site_type)?;
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
        let (count, used) = year_figures(year, &in_scope, &all, &factors, &line);
        counts.push(count);
        energy.push(used);
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
        may_set_targets: actor.is_office(),
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
#[tracing::instrument(skip_all, fields(user = actor.user.id, ?sector, ?site_type))]
pub async fn overview(
    db: &Db,
    actor: &Actor,
    sector: Option<&str>,
    site_type: Option<&str>,
) -> Result<EstateOverview, AppError> {
    let user = &actor.user;
    let summary = match actor.read_all() {
        Ok(all) => Some(estate_summary(db, &all, sector, site_type).await?),
        Err(_) => None,
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
#[tracing::instrument(skip_all, fields(user = actor.user.id, ?org, ?sector))]
pub async fn export(
    db: &Db,
    actor: &Actor,
    org: Option<&str>,
    sector: Option<&str>,
) -> Result<Vec<SiteView>, AppError> {
    if let Some(code) = org {
        actor.read_body(code)?;
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
        .filter(|r| actor.can_read_body(&r.org_code))
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
