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

pub(super) fn differences(before: &Site, after: &Site) -> String {
    fn opt(v: Option<i64>) -> String {
        v.map(|n| n.to_string()).unwrap_or_else(|| "—".into())
    }
    fn kwh(e: Option<crate::domain::estate::site::Energy>) -> String {
        e.map(|e| format!("{} kWh ({})", e.kwh, e.metering.code()))
            .unwrap_or_else(|| "—".into())
    }
    // Each field a person would check, as the sheet shows it.
    type Field = (&'static str, fn(&Site) -> String);
    let fields: [Field; 17] = [
        ("postcode", |s| s.postcode.clone().unwrap_or_default()),
        ("type", |s| s.site_type.name().into()),
        ("ownership", |s| s.ownership.code().into()),
        ("tier", |s| opt(s.tier)),
        ("floor area", |s| opt(s.floor_area_m2)),
        ("racks", |s| opt(s.racks)),
        ("physical servers", |s| s.physical_servers.to_string()),
        ("virtual hosts", |s| s.virtual_hosts.to_string()),
        ("virtual machines", |s| s.virtual_machines.to_string()),
        ("IT load", |s| {
            s.it_load_kw
                .map(|k| format!("{} kW", k.normalize()))
                .unwrap_or_default()
        }),
        ("total energy", |s| kwh(s.total_energy)),
        ("IT energy", |s| kwh(s.it_energy)),
        ("power cost", |s| s.costs.power.to_string()),
        ("accommodation cost", |s| s.costs.accommodation.to_string()),
        ("maintenance cost", |s| s.costs.maintenance.to_string()),
        ("staff cost", |s| s.costs.staff.to_string()),
        ("opened", |s| {
            s.opened.map(|d| d.to_string()).unwrap_or_default()
        }),
    ];
    fields
        .iter()
        .filter_map(|(label, value)| {
            let (a, b) = (value(before), value(after));
            (a != b).then(|| format!("{label} {a} → {b}"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
