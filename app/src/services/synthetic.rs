//! A synthetic dataset for performance work (`server generate-synthetic`): by default ten times
//! Scotland's size — 2,000 bodies × 15 years × every spend category, 1,500 sites, 50 shared
//! services. NOT REAL FIGURES: bodies are named "Synthetic body NNNN", services "Synthetic
//! service NN", every amount comes from a hash of the body's code.
//!
//! Written straight to the store in large transactions (not through the services' per-request
//! checks: this is a load generator), then the savings read model is rebuilt exactly as `seed`
//! does. Generating into a database that already has synthetic bodies is refused.

use crate::db::organisations::{self, NewOrganisation};
use crate::db::savings::{self as store, NewBaseline};
use crate::db::shared::{self as shared_store, NewAdoption};
use crate::db::{estate as estate_store, returns, Db, DbError};
use crate::domain::estate::site::{Energy, Metering, Ownership, RunningCosts, Site, SiteType};
use crate::domain::estate::{AdoptionStage, Destination, SiteStatus};
use crate::domain::savings::initiative::SavingClass;
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, Money, OrgCode, ReturnStatus, Sector, SpendCategory};
use crate::services::auth::now;
use std::collections::BTreeMap;

/// How big a dataset to make.
#[derive(Clone, Copy, Debug)]
pub struct Size {
    pub bodies: usize,
    pub years: usize,
    pub sites: usize,
    pub services: usize,
}

impl Default for Size {
    /// Ten times Scotland's size.
    fn default() -> Self {
        Size {
            bodies: 2000,
            years: 15,
            sites: 1500,
            services: 50,
        }
    }
}

/// What was written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Generated {
    pub bodies: usize,
    pub returns: usize,
    pub lines: usize,
    pub sites: usize,
    pub services: usize,
    pub adoptions: usize,
}

use crate::services::demo::hash;

fn pounds(n: u64) -> Money {
    Money::from_pence(i64::try_from(n).unwrap_or(0).saturating_mul(100))
}

/// The synthetic bodies' codes start with this.
pub const PREFIX: &str = "synthetic-";

/// Generates the dataset; `admin_user` is recorded as its author.
#[tracing::instrument(skip_all, fields(admin_user))]
#[expect(
    clippy::too_many_lines,
    reason = "synthetic data: one generator, read top to bottom"
)]
pub async fn generate(db: &Db, size: Size, admin_user: i64) -> Result<Generated, DbError> {
    let existing = {
        let mut conn = db.pool().acquire().await?;
        organisations::with_code_prefix(&mut conn, PREFIX)
            .await?
            .len()
    };
    if existing > 0 {
        return Err(DbError::Corrupt(format!(
            "the database has {existing} synthetic bodies already: generate into a fresh database"
        )));
    }
    let mut out = Generated::default();
    let sectors = Sector::ALL;
    let at = now();

    // Bodies, in one transaction.
    let mut tx = db.begin().await?;
    for i in 0..size.bodies {
        let code = format!("{PREFIX}{i:04}");
        let sector = sectors[i % sectors.len()];
        organisations::upsert(
            &mut tx,
            &NewOrganisation {
                code: code
                    .parse::<OrgCode>()
                    .map_err(|e| DbError::Corrupt(e.to_string()))?,
                name: format!("Synthetic body {i:04}"),
                sector,
                kind: "Synthetic body".into(),
                start_date: None,
                end_date: None,
                notes: Some("Synthetic data for performance tests, not a real body.".into()),
            },
        )
        .await?;
    }
    tx.commit().await?;
    let ids = {
        let mut conn = db.pool().acquire().await?;
        organisations::with_code_prefix(&mut conn, PREFIX).await?
    };
    out.bodies = ids.len();

    // Baselines and returns, a few hundred bodies per transaction.
    let baseline_year = FinancialYear::mcclelland_baseline();
    for chunk in ids.chunks(200) {
        let mut tx = db.begin().await?;
        for (id, code) in chunk {
            let h = hash(code);
            let total = 200_000 + h % 20_000_000;
            let split: BTreeMap<SpendCategory, Money> = SpendCategory::ALL
                .iter()
                .enumerate()
                .map(|(k, c)| (*c, pounds(total * (5 + (h >> k) % 20) / 100)))
                .collect();
            store::insert_baseline(
                &mut tx,
                &NewBaseline {
                    org: *id,
                    version: 1,
                    year: baseline_year,
                    reason: "Synthetic data for performance tests",
                    amounts: &split,
                    at,
                    user: admin_user,
                    status: "approved",
                },
            )
            .await?;
            for y in 0..size.years {
                let Ok(fy) = FinancialYear::starting(2012 + i32::try_from(y).unwrap_or(0)) else {
                    continue;
                };
                let per_mille = 700 + (hash(&format!("{code}/{y}")) % 400);
                let lines: Vec<SpendLine> = split
                    .iter()
                    .map(|(category, amount)| SpendLine {
                        category: *category,
                        capital: Money::ZERO,
                        revenue: Money::from_pence(
                            amount.pence() / 1000 * i64::try_from(per_mille).unwrap_or(1000),
                        ),
                        fte: None,
                        note: None,
                    })
                    .collect();
                let return_id =
                    returns::insert(&mut tx, *id, i64::from(fy.start_year()), 1, at, admin_user)
                        .await?;
                returns::replace_lines(&mut tx, return_id, &lines).await?;
                returns::update_status(
                    &mut tx,
                    return_id,
                    1,
                    ReturnStatus::Submitted,
                    None,
                    at,
                    admin_user,
                )
                .await?;
                returns::update_status(
                    &mut tx,
                    return_id,
                    2,
                    ReturnStatus::Approved,
                    None,
                    at,
                    admin_user,
                )
                .await?;
                out.returns += 1;
                out.lines += lines.len();
            }
        }
        tx.commit().await?;
    }

    // Sites: spread over the bodies; a fifth closed in the programme's years.
    let mut tx = db.begin().await?;
    for s in 0..size.sites {
        let (org, code) = &ids[s % ids.len().max(1)];
        let g = hash(&format!("{code}/site/{s}"));
        let servers = 5 + i64::try_from(g % 300).unwrap_or(0);
        let it_kwh = servers * 3_000;
        let total_kwh = it_kwh * (15 + i64::try_from((g >> 8) % 13).unwrap_or(0)) / 10;
        let site = Site {
            name: format!("Synthetic site {s:04}"),
            postcode: None,
            site_type: [
                SiteType::DataCentre,
                SiteType::ServerRoom,
                SiteType::CommsRoom,
            ][usize::try_from(g % 3).unwrap_or(0)],
            ownership: Ownership::Owned,
            tier: None,
            floor_area_m2: None,
            racks: Some(servers / 12 + 1),
            physical_servers: servers,
            virtual_hosts: servers / 5,
            virtual_machines: servers / 5 * 8,
            it_load_kw: None,
            total_energy: Some(Energy {
                kwh: total_kwh,
                metering: Metering::Metered,
            }),
            it_energy: Some(Energy {
                kwh: it_kwh,
                metering: Metering::Metered,
            }),
            costs: RunningCosts {
                power: Money::from_pence(total_kwh * 12),
                accommodation: pounds(20_000 + g % 50_000),
                maintenance: pounds(10_000 + (g >> 4) % 40_000),
                staff: pounds(30_000 + (g >> 6) % 60_000),
            },
            opened: chrono::NaiveDate::from_ymd_opt(2000 + i32::try_from(g % 8).unwrap_or(0), 4, 1),
        };
        let id = estate_store::insert_site(&mut tx, *org, &site, at, admin_user).await?;
        out.sites += 1;
        if g.is_multiple_of(5) {
            let year = 2013 + i32::try_from((g >> 3) % 10).unwrap_or(0);
            let closed = chrono::NaiveDate::from_ymd_opt(year, 3, 31);
            estate_store::set_lifecycle(
                &mut tx,
                id,
                1,
                &estate_store::Lifecycle {
                    status: SiteStatus::Closed,
                    target_date: closed,
                    closed_date: closed,
                    destination: Some(Destination::Cloud),
                    destination_site_id: None,
                    costs_moving: Money::ZERO,
                    migration_cost: pounds(25_000),
                    evidence: Some("Synthetic closure"),
                },
                at,
                admin_user,
            )
            .await?;
        }
    }
    // Services, and each body adopting a few of them at some stage.
    for v in 0..size.services {
        shared_store::insert_service_if_absent(
            &mut tx,
            &format!("synthetic-service-{v:02}"),
            &format!("Synthetic service {v:02}"),
            "Synthetic data for performance tests",
            "synthetic",
        )
        .await?;
        out.services += 1;
    }
    tx.commit().await?;
    for chunk in ids.chunks(500) {
        let mut tx = db.begin().await?;
        for (org, code) in chunk {
            for k in 0..3 {
                let g = hash(&format!("{code}/adoption/{k}"));
                let v = usize::try_from(g).unwrap_or(0) % size.services.max(1);
                let service = format!("synthetic-service-{v:02}");
                if size.services == 0
                    || shared_store::adoption_exists(&mut tx, *org, &service).await?
                {
                    continue;
                }
                let before = 50_000 + g % 200_000;
                let id = shared_store::insert_adoption(
                    &mut tx,
                    &NewAdoption {
                        org: *org,
                        service: &service,
                        cost_before: pounds(before),
                        cost_after: pounds(before * 8 / 10),
                        one_off: pounds(10_000),
                        sites: Some(1 + i64::try_from(g % 20).unwrap_or(0)),
                        users: None,
                        class: SavingClass::CashReleasing,
                    },
                    at,
                    admin_user,
                )
                .await?;
                let stages = [
                    AdoptionStage::Contracted,
                    AdoptionStage::Migrating,
                    AdoptionStage::Live,
                ];
                let depth = usize::try_from(g % 4).unwrap_or(0);
                for (version, stage) in (1..).zip(stages.iter().take(depth)) {
                    let on = chrono::NaiveDate::from_ymd_opt(
                        2014 + i32::try_from(version).unwrap_or(0),
                        4,
                        1,
                    )
                    .unwrap_or_default();
                    shared_store::set_stage(&mut tx, id, version, *stage, on, at, admin_user)
                        .await?;
                }
                out.adoptions += 1;
            }
        }
        tx.commit().await?;
    }
    crate::services::savings::refresh_all(db).await?;
    Ok(out)
}
