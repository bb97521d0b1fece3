//! Demo sites and shared-service adoptions for `server seed --demo`. NOT REAL FIGURES: every
//! number is generated from the body's code, every site's name ends "(demo)" and every closure's
//! evidence says it is demo data.
//!
//! Written through the same services as the entry pages (checks, lifecycle, audit, the savings
//! initiatives of closures and adoptions), by an in-memory officer of the demo bodies who carries
//! the seeding admin's id, so the audit log names who seeded. Seeding twice changes nothing.

use crate::db::{estate as store, shared as shared_store, Db, DbError};
use crate::error::AppError;
use crate::model::{CurrentUser, OrgRef};
use crate::services::auth::Client;
use crate::services::{estate, shared};
use std::collections::HashMap;

/// The kinds of body (still in existence) that get demo sites and adoptions.
const KINDS: [&str; 4] = [
    "Council",
    "Territorial NHS board",
    "Police body",
    "Fire and rescue service",
];

use crate::services::demo::hash;

fn form(pairs: &[(&str, String)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// What seeding wrote: sites, of which closed, and adoptions.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Seeded {
    pub sites: usize,
    pub closed: usize,
    pub adoptions: usize,
}

#[tracing::instrument(skip_all, fields(admin_user))]
#[expect(
    clippy::too_many_lines,
    reason = "demo data: one generator, read top to bottom"
)]
pub async fn seed(db: &Db, admin_user: i64) -> Result<Seeded, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    if store::count_named_ending(&mut conn, "(demo)").await? > 0 {
        return Ok(Seeded::default());
    }
    let bodies = crate::db::organisations::current_of_kinds(&mut conn, &KINDS).await?;
    let services: Vec<String> = shared_store::services(&mut conn)
        .await?
        .into_iter()
        .map(|s| s.0)
        .collect();
    drop(conn);
    let user = CurrentUser {
        id: admin_user,
        email: "admin@demo.invalid".into(),
        display_name: "Demo data".into(),
        role: crate::domain::Role::Officer,
        organisations: bodies
            .iter()
            .map(|(id, code, name, _)| OrgRef {
                id: *id,
                code: code.clone(),
                name: name.clone(),
            })
            .collect(),
    };
    let client = Client {
        addr: "command line (demo data)".into(),
    };
    // The demo writes as an officer of every demo body, through the same use cases.
    let actor = crate::access::Actor::new(user, client);
    let mut out = Seeded::default();
    for (_, code, name, _) in &bodies {
        let write = actor.write_body(code)?;
        let h = hash(code);
        let count = 1 + (h % 3) as usize;
        let mut ids = Vec::new();
        for n in 0..count {
            let g = hash(&format!("{code}/{n}"));
            let site_type = match (n, g % 4) {
                (0, 0) => "data-centre",
                (0, _) | (_, 0 | 1) => "server-room",
                _ => "comms-room",
            };
            let servers = 10 + g % 190;
            let hosts = servers / 5;
            let it_kwh = servers * 3_000;
            let pue_tenths = 15 + (g / 7) % 13; // PUE 1.5 to 2.7
            let total_kwh = it_kwh * pue_tenths / 10;
            let metering = if g.is_multiple_of(2) {
                "metered"
            } else {
                "estimated"
            };
            let power = total_kwh * 12 / 100; // 12p a kWh, whole pounds
            let f = form(&[
                (
                    "name",
                    format!("{name} {} {} (demo)", site_type.replace('-', " "), n + 1),
                ),
                ("site_type", site_type.into()),
                (
                    "ownership",
                    if g.is_multiple_of(5) {
                        "leased"
                    } else {
                        "owned"
                    }
                    .into(),
                ),
                ("racks", (servers / 12 + 1).to_string()),
                ("physical_servers", servers.to_string()),
                ("virtual_hosts", hosts.to_string()),
                ("virtual_machines", (hosts * 8).to_string()),
                ("total_energy_kwh", total_kwh.to_string()),
                ("total_energy_kwh-metering", metering.into()),
                ("it_energy_kwh", it_kwh.to_string()),
                ("it_energy_kwh-metering", metering.into()),
                ("cost_power", power.to_string()),
                ("cost_accommodation", (20_000 + g % 60_000).to_string()),
                ("cost_maintenance", (10_000 + (g / 3) % 40_000).to_string()),
                ("cost_staff", (30_000 + (g / 5) % 60_000).to_string()),
                ("opened", format!("{}-04-01", 2000 + (g / 11) % 8)),
            ]);
            let id = estate::save_site(db, &write, None, None, &f).await?;
            ids.push(id);
            out.sites += 1;
        }
        // Every site but the first may close: two in five do, between 2012-13 and 2016-17.
        for (n, id) in ids.iter().enumerate().skip(1) {
            let g = hash(&format!("{code}/{n}/closure"));
            if g % 5 >= 2 {
                continue;
            }
            let year = 2013 + (g / 5) % 5;
            let (destination, destination_site) = match (g / 25) % 3 {
                0 => ("same-body-site", ids[0].to_string()),
                1 => ("shared-public", String::new()),
                _ => ("cloud", String::new()),
            };
            let site = {
                let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
                store::site(&mut conn, *id)
                    .await?
                    .ok_or_else(|| AppError::internal("a demo site vanished"))?
            };
            let costs = site.site.costs.total().pence() / 100;
            let steps = [
                form(&[
                    ("action", "plan".into()),
                    ("target_date", format!("{year}-03-31")),
                    ("destination", destination.into()),
                    ("destination_site", destination_site),
                    ("costs_moving", (costs * 3 / 10).to_string()),
                    ("migration_cost", (20_000 + g % 40_000).to_string()),
                ]),
                form(&[("action", "migrate".into())]),
                form(&[
                    ("action", "close".into()),
                    ("closed_date", format!("{year}-03-31")),
                    (
                        "evidence",
                        "Demo data: a synthetic closure, not a real site.".into(),
                    ),
                ]),
            ];
            for step in &steps {
                let version = {
                    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
                    store::site(&mut conn, *id)
                        .await?
                        .map(|s| s.row_version)
                        .ok_or_else(|| AppError::internal("a demo site vanished"))?
                };
                estate::site_action(db, &write, *id, version, step).await?;
            }
            out.closed += 1;
        }
        // Adoptions: SWAN for every body, two more services chosen by the code.
        let mut chosen = vec!["swan".to_owned()];
        for s in services.iter().filter(|s| s.as_str() != "swan") {
            if hash(&format!("{code}/{s}")).is_multiple_of(3) {
                chosen.push(s.clone());
            }
        }
        for service in chosen.iter().filter(|s| services.contains(s)) {
            let g = hash(&format!("{code}/{service}/adoption"));
            let before = 50_000 + g % 250_000;
            let after = before * (75 + (g / 7) % 15) / 100;
            let id = shared::record_adoption(
                db,
                &write,
                &form(&[
                    ("service", service.clone()),
                    ("cost_before", before.to_string()),
                    ("cost_after", after.to_string()),
                    ("one_off", (10_000 + g % 30_000).to_string()),
                    ("sites", (1 + g % 40).to_string()),
                    (
                        "class",
                        if g.is_multiple_of(4) {
                            "non-cash"
                        } else {
                            "cash-releasing"
                        }
                        .into(),
                    ),
                ]),
            )
            .await?;
            out.adoptions += 1;
            // How far along: SWAN mostly live; others anywhere from considering to live.
            let stages: &[(&str, String)] = &[
                ("contracted", format!("{}-04-01", 2013 + (g / 3) % 2)),
                ("migrating", format!("{}-10-01", 2014 + (g / 3) % 2)),
                ("live", format!("{}-06-01", 2015 + (g / 3) % 2)),
            ];
            let depth = if service == "swan" {
                3 - usize::from(g.is_multiple_of(5))
            } else {
                (g % 4) as usize
            };
            for (version, (stage, date)) in (1..).zip(stages.iter().take(depth)) {
                shared::move_adoption(
                    db,
                    &write,
                    &shared::Step {
                        id,
                        row_version: version,
                        stage,
                        date,
                        reason: "",
                    },
                )
                .await?;
            }
        }
    }
    Ok(out)
}
