//! The engine's inputs (deflators, bodies, effective baselines, trajectory), loaded once per
//! data version, and the helpers that evaluate years with them.

use crate::db::savings::{self as store, BodyRow};
use crate::db::{Db, DbError};
use crate::domain::savings::spend::{by_year, evaluate};
use crate::domain::savings::target::apportion_target;
use crate::domain::savings::{
    effective_baselines, ApportionMethod, Apportionment, BaselineIssue, Basis, Claimant, Deflators,
    EffectiveBaseline, FactSum, Figures, Trajectory,
};
use crate::domain::{FinancialYear, Money, OrgId, Sector};
use crate::error::AppError;
use crate::model::savings::*;
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, BTreeSet, HashMap};

// ---------------------------------------------------------------- the engine's inputs

pub(super) struct Engine {
    pub(super) deflators: Deflators,
    pub(super) deflators_verified: bool,
    pub(super) bodies: Vec<BodyRow>,
    pub(super) by_id: HashMap<i64, usize>,
    pub(super) baselines: BTreeMap<OrgId, EffectiveBaseline>,
    pub(super) issues: BTreeSet<BaselineIssue>,
    pub(super) trajectory: Trajectory,
    pub(super) profiles: Vec<String>,
    pub(super) method: ApportionMethod,
    pub(super) review: crate::domain::savings::ReviewBaselines,
}

impl Engine {
    /// The engine's inputs, loaded once per data version and kept by this instance
    /// (`db::cache`). Called while holding no connection: the cache takes its own.
    pub(super) async fn shared(
        db: &Db,
        profile: Option<&str>,
        method: Option<ApportionMethod>,
    ) -> Result<std::sync::Arc<Engine>, AppError> {
        let key = format!("engine|{}|{method:?}", profile.unwrap_or_default());
        db.cache()
            .get_or_compute(db.pool(), &key, || async {
                let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
                Engine::load(&mut conn, profile, method).await
            })
            .await
    }

    pub(super) async fn load(
        conn: &mut AnyConnection,
        profile: Option<&str>,
        method: Option<ApportionMethod>,
    ) -> Result<Engine, AppError> {
        let rows = store::deflators(&mut *conn).await?;
        let release = rows.first().map(|r| r.2.clone()).unwrap_or_default();
        let deflators_verified = !rows.is_empty() && rows.iter().all(|r| r.3);
        let deflators = Deflators::new(release, rows.into_iter().map(|r| (r.0, r.1)))
            .map_err(|e| AppError::internal(e.to_string()))?;
        let bodies = store::bodies(&mut *conn).await?;
        let by_id = bodies.iter().enumerate().map(|(i, b)| (b.id, i)).collect();
        let successions = store::successions(&mut *conn).await?;
        let recorded = store::latest_baselines(&mut *conn, None).await?;
        let (baselines, issues) = effective_baselines(&recorded, &successions);
        let targets = store::trajectory(&mut *conn).await?;
        let mut profiles: Vec<String> = targets.iter().map(|t| t.0.clone()).collect();
        profiles.dedup();
        let chosen = match profile {
            Some(p) if profiles.iter().any(|known| known == p) => p.to_owned(),
            Some(p) => {
                return Err(AppError::validation(
                    "profile",
                    format!("There is no trajectory profile called {p:?}"),
                ))
            }
            None => store::setting(&mut *conn, "profile")
                .await?
                .unwrap_or_else(|| "low".into()),
        };
        let trajectory = Trajectory {
            annual: targets
                .iter()
                .filter(|t| t.0 == chosen)
                .map(|t| (t.1, t.2))
                .collect(),
            profile: chosen,
        };
        let method = match method {
            Some(m) => m,
            None => store::setting(&mut *conn, "method")
                .await?
                .and_then(|m| ApportionMethod::parse(&m))
                .unwrap_or(ApportionMethod::ReviewNationalShare),
        };
        let published = crate::db::reference::baselines(&mut *conn, 2008).await?;
        let review = crate::domain::savings::ReviewBaselines {
            national: published
                .iter()
                .find(|(scope, f)| scope == "national" && f.key == "total")
                .map(|(_, f)| f.amount)
                .unwrap_or_default(),
            sectors: published
                .iter()
                .filter(|(scope, _)| scope == "sector")
                .filter_map(|(_, f)| f.key.parse::<Sector>().ok().map(|s| (s, f.amount)))
                .collect(),
        };
        Ok(Engine {
            deflators,
            deflators_verified,
            bodies,
            by_id,
            baselines,
            issues,
            trajectory,
            profiles,
            method,
            review,
        })
    }

    pub(super) fn body(&self, id: i64) -> Option<&BodyRow> {
        self.by_id.get(&id).map(|i| &self.bodies[*i])
    }

    pub(super) fn name(&self, id: OrgId) -> String {
        self.body(id.0)
            .map_or_else(|| format!("body {}", id.0), |b| b.name.clone())
    }

    pub(super) fn sector(&self, body: &BodyRow) -> Sector {
        body.sector_code
            .parse()
            .unwrap_or(Sector::OtherPublicBodies)
    }

    /// The national target of a year divided between the bodies that existed then.
    pub(super) fn apportion(&self, year: FinancialYear) -> Option<Apportionment> {
        let target = self.trajectory.target(year)?;
        let claimants: Vec<Claimant> = self
            .bodies
            .iter()
            .filter(|b| b.exists_in(year))
            .filter_map(|b| {
                let baseline = self.baselines.get(&OrgId(b.id))?;
                Some(Claimant {
                    org: OrgId(b.id),
                    sector: self.sector(b),
                    baseline: baseline.total(),
                })
            })
            .collect();
        Some(apportion_target(
            target,
            self.method,
            &claimants,
            &self.review,
        ))
    }

    pub(super) fn issue_text(&self, issue: &BaselineIssue) -> String {
        match issue {
            BaselineIssue::SplitSharesIncomplete { predecessor, total_ppm } => format!(
                "{} split between several successors, but the shares recorded add up to {}, not 100%: its baseline is not passed on to them.",
                self.name(*predecessor),
                crate::domain::savings::Share::from_ppm(u32::try_from(*total_ppm).unwrap_or(0)).map_or_else(|| "more than 100%".to_owned(), |s| s.to_string())
            ),
            BaselineIssue::PredecessorWithoutBaseline { predecessor, successor } => format!(
                "{} has no baseline to pass on to {}.",
                self.name(*predecessor),
                self.name(*successor)
            ),
            BaselineIssue::Cycle { org } => format!("The successions of {} loop back on themselves.", self.name(*org)),
        }
    }

    pub(super) fn sources(&self, baseline: &EffectiveBaseline) -> Vec<BaselineSourceView> {
        let mut grouped: BTreeMap<(i64, i64, FinancialYear, String), Money> = BTreeMap::new();
        for part in &baseline.parts {
            let via = part
                .via
                .iter()
                .map(|(org, share)| format!("{} ({share})", self.name(*org)))
                .collect::<Vec<_>>()
                .join(" → ");
            let entry = grouped
                .entry((part.source.0, part.source_version, part.year, via))
                .or_default();
            *entry = entry.checked_add(part.amount).unwrap_or(*entry);
        }
        grouped
            .into_iter()
            .map(|((source, version, year, via), total)| BaselineSourceView {
                source_code: self
                    .body(source)
                    .map(|b| b.code.clone())
                    .unwrap_or_default(),
                source_name: self.name(OrgId(source)),
                version,
                year,
                via,
                total,
            })
            .collect()
    }

    /// A cash amount of `year` (a target) on `basis`: itself in nominal terms, its value at the
    /// base year's prices in real terms (ADR 0010, rule 4). `None` without a deflator.
    pub(super) fn on_basis(
        &self,
        cash: Money,
        year: FinancialYear,
        basis: Basis,
    ) -> Option<Decimal> {
        let factor = self.deflators.factor(year, basis).ok()?;
        Some(cash.as_decimal() * factor)
    }

    pub(super) fn base_years(&self) -> Vec<FinancialYear> {
        self.deflators.years().map(|(y, _)| y).collect()
    }
}

pub(super) fn basis_of(text: Option<&str>, engine: &Engine) -> Result<Basis, AppError> {
    let basis = Basis::parse(text.unwrap_or("nominal")).ok_or_else(|| {
        AppError::validation(
            "basis",
            "Choose nominal or real terms at a year's prices, like real-2024-25",
        )
    })?;
    if let Basis::Real { base } = basis {
        if engine.deflators.index(base).is_none() {
            return Err(AppError::validation(
                "basis",
                format!("No GDP deflator is recorded for {base}: choose another base year"),
            ));
        }
    }
    Ok(basis)
}

/// Evaluates year by year; a year without a deflator is left out and reported.
pub(super) fn evaluate_years(
    sums: &[FactSum],
    basis: Basis,
    deflators: &Deflators,
    problems: &mut Vec<String>,
) -> BTreeMap<FinancialYear, Figures> {
    let mut by: BTreeMap<FinancialYear, Vec<FactSum>> = BTreeMap::new();
    for s in sums {
        by.entry(s.year).or_default().push(s.clone());
    }
    let mut out = BTreeMap::new();
    for (year, sums) in by {
        match evaluate(&sums, basis, deflators) {
            Ok(figures) => {
                out.extend(by_year(&figures));
            }
            Err(e) => problems.push(format!("{year}: {e}")),
        }
    }
    out
}

pub(super) fn percent(part: Money, whole: Money) -> Option<String> {
    if whole.pence() == 0 {
        return None;
    }
    let p = Decimal::from(part.pence()) * Decimal::ONE_HUNDRED / Decimal::from(whole.pence());
    Some(format!(
        "{}%",
        p.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    ))
}

pub(super) fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}
