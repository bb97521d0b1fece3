//! The sites sheet compared with the body's stored sites.

use super::{error, key, Action, EstatePlan};
use crate::db::estate::SiteRecord;
use crate::domain::estate::site::Site;
use crate::domain::estate::SiteStatus;
use crate::import::estate::ParsedEstate;
use crate::model::import::{ChangeKind, RecordChange};

pub(super) fn plan_sites(stored: &[SiteRecord], parsed: &ParsedEstate, out: &mut EstatePlan) {
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

pub(super) fn describe(s: &Site) -> String {
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

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub(super) fn differences(before: &Site, after: &Site) -> String {
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
