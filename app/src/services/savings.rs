//! The savings engine's service: keeps the read model current and answers the savings pages.
//!
//! Policy (issue 6, ADR 0006):
//! - The read model (`savings_body_years`, `savings_facts`) is refreshed in the same transaction
//!   as the change that affects it — a return submitted, approved, sent back or restated, a
//!   baseline recorded — for the body concerned and every body that inherits from it. Pages
//!   only read it; no page waits on a recalculation of everything.
//! - The counted return of a body-year is its latest approved version, else its latest
//!   submitted one (shown as provisional). Drafts never count.
//! - Targets are apportioned when asked for (they depend on the chosen profile and method),
//!   from the national trajectory and the bodies' effective baselines.
//! - The national and sector summaries are for the board and the programme office; a body's
//!   own savings and traces for those who may read that body.

use super::body_row;
use crate::db::audit::{self, AuditEntry};
use crate::db::savings::{self as store, BodyRow, BodyYearRow, Scope};
use crate::db::{returns, Db, DbError};
use crate::domain::savings::counting;
use crate::domain::savings::spend::{by_year, cumulative, evaluate, explain, to_money};
use crate::domain::savings::target::{apportion_target, rate};
use crate::domain::savings::{
    effective_baselines, initiative, Actual, ApportionMethod, Apportionment, BaselineIssue, Basis,
    Claimant, Deflators, EffectiveBaseline, FactSum, Figures, Rag, Trajectory,
};
use crate::domain::spend_line::{FieldError, MAX_LINE_POUNDS, MAX_NOTE_CHARS};
use crate::domain::{FinancialYear, Money, OrgId, ReturnStatus, Role, Sector, SpendCategory};
use crate::error::AppError;
use crate::model::savings::*;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use rust_decimal::Decimal;
use sqlx::AnyConnection;
use std::collections::{BTreeMap, BTreeSet, HashMap};

const FIRST_YEAR: i32 = crate::domain::savings::spend::FIRST_SAVINGS_YEAR;

// ---------------------------------------------------------------- read model

/// Every body downstream of `orgs` through successions, with `orgs` themselves.
fn descendants(orgs: &[i64], successions: &[crate::domain::savings::Succession]) -> BTreeSet<i64> {
    let mut out: BTreeSet<i64> = orgs.iter().copied().collect();
    let mut frontier: Vec<i64> = orgs.to_vec();
    while let Some(org) = frontier.pop() {
        for s in successions.iter().filter(|s| s.predecessor.0 == org) {
            if out.insert(s.successor.0) {
                frontier.push(s.successor.0);
            }
        }
    }
    out
}

/// Every body upstream of `orgs`, with `orgs` themselves.
fn ancestors(orgs: &BTreeSet<i64>, successions: &[crate::domain::savings::Succession]) -> Vec<i64> {
    let mut out = orgs.clone();
    let mut frontier: Vec<i64> = orgs.iter().copied().collect();
    while let Some(org) = frontier.pop() {
        for s in successions.iter().filter(|s| s.successor.0 == org) {
            if out.insert(s.predecessor.0) {
                frontier.push(s.predecessor.0);
            }
        }
    }
    out.into_iter().collect()
}

/// Which return counts for each year: the latest approved version, else the latest submitted.
pub(crate) fn counted_returns(
    all: Vec<store::CountableReturn>,
) -> BTreeMap<FinancialYear, (store::CountableReturn, bool)> {
    let mut out: BTreeMap<FinancialYear, (store::CountableReturn, bool)> = BTreeMap::new();
    for r in all {
        let provisional = r.status != ReturnStatus::Approved;
        let better = match out.get(&r.year) {
            None => true,
            Some((current, current_provisional)) => {
                (*current_provisional && !provisional)
                    || (*current_provisional == provisional && r.version > current.version)
            }
        };
        if better {
            out.insert(r.year, (r, provisional));
        }
    }
    out
}

/// Recomputes the read model of `orgs` and of every body that inherits from them, inside the
/// caller's transaction, with the sector sums.
pub async fn refresh(conn: &mut AnyConnection, orgs: &[i64]) -> Result<(), DbError> {
    refresh_bodies(conn, orgs, true).await?;
    store::prune_sector_sums(conn).await
}

/// `refresh`; `move_sums` keeps the sector sums in step body by body (otherwise the caller
/// rebuilds them).
async fn refresh_bodies(
    conn: &mut AnyConnection,
    orgs: &[i64],
    move_sums: bool,
) -> Result<(), DbError> {
    let successions = store::successions(&mut *conn).await?;
    let affected = descendants(orgs, &successions);
    let needed = ancestors(&affected, &successions);
    let recorded = store::latest_baselines(&mut *conn, Some(&needed)).await?;
    let (baselines, _) = effective_baselines(&recorded, &successions);
    let lifetimes: HashMap<i64, crate::domain::Lifetime> = store::bodies(&mut *conn)
        .await?
        .iter()
        .map(|b| (b.id, b.lifetime()))
        .collect();
    for org in affected {
        let lifetime = lifetimes.get(&org).copied().unwrap_or_default();
        if move_sums {
            store::move_sector_sums(&mut *conn, org, -1).await?;
        }
        store::clear_read_model(&mut *conn, org).await?;
        let countable = store::countable_returns(&mut *conn, org).await?;
        for (year, (r, provisional)) in counted_returns(countable) {
            let lines = returns::lines(&mut *conn, r.id).await?;
            let amounts: BTreeMap<SpendCategory, Money> = lines
                .iter()
                .map(|l| (l.category, l.total().unwrap_or(Money::ZERO)))
                .collect();
            let actual = Actual {
                org: OrgId(org),
                year,
                return_id: r.id,
                version: r.version,
                provisional,
                amounts,
            };
            let baseline = baselines.get(&OrgId(org));
            let counted = counting::count(&lifetime, baseline, &actual);
            let actual_total = Money::sum(actual.amounts.values().copied()).unwrap_or(Money::ZERO);
            let row = BodyYearRow {
                org_id: org,
                year,
                return_id: r.id,
                return_version: r.version,
                provisional,
                baseline: baseline.map_or(Money::ZERO, EffectiveBaseline::total),
                actual: actual_total,
                not_counted: counted.as_ref().err().cloned(),
            };
            store::insert_body_year(&mut *conn, &row).await?;
            for fact in counted.unwrap_or_default() {
                store::insert_fact(&mut *conn, &fact).await?;
            }
        }
        if move_sums {
            store::move_sector_sums(&mut *conn, org, 1).await?;
        }
    }
    Ok(())
}

/// A body's effective baseline (its own, or what it inherits), read on the caller's connection.
pub(crate) async fn effective_baseline_of(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Option<EffectiveBaseline>, DbError> {
    let successions = store::successions(&mut *conn).await?;
    let needed = ancestors(&BTreeSet::from([org]), &successions);
    let recorded = store::latest_baselines(&mut *conn, Some(&needed)).await?;
    let (mut baselines, _) = effective_baselines(&recorded, &successions);
    Ok(baselines.remove(&OrgId(org)))
}

/// Rebuilds the whole read model (after seeding, or by `server refresh-savings`).
pub async fn refresh_all(db: &Db) -> Result<usize, DbError> {
    let mut tx = db.begin().await?;
    let ids: Vec<i64> = store::bodies(&mut tx).await?.iter().map(|b| b.id).collect();
    refresh_bodies(&mut tx, &ids, false).await?;
    store::rebuild_sector_sums(&mut tx).await?;
    tx.commit().await?;
    Ok(ids.len())
}

// ---------------------------------------------------------------- the engine's inputs

struct Engine {
    deflators: Deflators,
    deflators_verified: bool,
    bodies: Vec<BodyRow>,
    by_id: HashMap<i64, usize>,
    baselines: BTreeMap<OrgId, EffectiveBaseline>,
    issues: BTreeSet<BaselineIssue>,
    trajectory: Trajectory,
    profiles: Vec<String>,
    method: ApportionMethod,
    review: crate::domain::savings::ReviewBaselines,
}

impl Engine {
    /// The engine's inputs, loaded once per data version and kept by this instance
    /// (`db::cache`). Called while holding no connection: the cache takes its own.
    async fn shared(
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

    async fn load(
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

    fn body(&self, id: i64) -> Option<&BodyRow> {
        self.by_id.get(&id).map(|i| &self.bodies[*i])
    }

    fn name(&self, id: OrgId) -> String {
        self.body(id.0)
            .map_or_else(|| format!("body {}", id.0), |b| b.name.clone())
    }

    fn sector(&self, body: &BodyRow) -> Sector {
        body.sector_code
            .parse()
            .unwrap_or(Sector::OtherPublicBodies)
    }

    /// The national target of a year divided between the bodies that existed then.
    fn apportion(&self, year: FinancialYear) -> Option<Apportionment> {
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

    fn issue_text(&self, issue: &BaselineIssue) -> String {
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

    fn sources(&self, baseline: &EffectiveBaseline) -> Vec<BaselineSourceView> {
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
    fn on_basis(&self, cash: Money, year: FinancialYear, basis: Basis) -> Option<Decimal> {
        let factor = self.deflators.factor(year, basis).ok()?;
        Some(cash.as_decimal() * factor)
    }

    fn base_years(&self) -> Vec<FinancialYear> {
        self.deflators.years().map(|(y, _)| y).collect()
    }
}

fn basis_of(text: Option<&str>, engine: &Engine) -> Result<Basis, AppError> {
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
fn evaluate_years(
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

fn percent(part: Money, whole: Money) -> Option<String> {
    if whole.pence() == 0 {
        return None;
    }
    let p = Decimal::from(part.pence()) * Decimal::ONE_HUNDRED / Decimal::from(whole.pence());
    Some(format!(
        "{}%",
        p.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    ))
}

fn exact(value: Decimal) -> String {
    value.normalize().to_string()
}

// ---------------------------------------------------------------- summary

/// What the summary is asked for.
#[derive(Clone, Debug, Default)]
pub struct SummaryQuery {
    pub basis: Option<String>,
    pub sector: Option<String>,
    pub year: Option<String>,
    pub profile: Option<String>,
    pub method: Option<String>,
}

/// The national (or one sector's) savings against the trajectory: board and programme office.
pub async fn summary(
    db: &Db,
    user: &CurrentUser,
    q: &SummaryQuery,
) -> Result<SavingsSummary, AppError> {
    if !user.role.reads_all_organisations() {
        return Err(AppError::Forbidden);
    }
    let sector = match q.sector.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(
            text.parse::<Sector>()
                .map_err(|e| AppError::validation("sector", e.to_string()))?,
        ),
        None => None,
    };
    let method = match q.method.as_deref().filter(|s| !s.is_empty()) {
        Some(m) => Some(ApportionMethod::parse(m).ok_or_else(|| {
            AppError::validation(
                "method",
                "Choose review-national-share, baseline-share or review-sector-share",
            )
        })?),
        None => None,
    };
    let engine = Engine::shared(db, q.profile.as_deref().filter(|p| !p.is_empty()), method).await?;
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let basis = basis_of(q.basis.as_deref().filter(|b| !b.is_empty()), &engine)?;
    let scope = Scope {
        sector: sector.map(|s| s.code().to_owned()),
        org: None,
    };
    let mut problems: Vec<String> = engine.issues.iter().map(|i| engine.issue_text(i)).collect();
    let sums = store::fact_sums(&mut conn, &scope).await?;
    let figures = evaluate_years(&sums, basis, &engine.deflators, &mut problems);
    let nominal = evaluate_years(&sums, Basis::Nominal, &engine.deflators, &mut Vec::new());
    let counted_years = store::counted_by_year(&mut conn, &scope).await?;
    let category_sums = |year: FinancialYear| -> Vec<CategoryRow> {
        let of_year: Vec<FactSum> = sums.iter().filter(|s| s.year == year).cloned().collect();
        let Ok(by_category) = evaluate(&of_year, basis, &engine.deflators) else {
            return Vec::new();
        };
        SpendCategory::ALL
            .iter()
            .filter_map(|c| {
                by_category.get(&(year, *c)).map(|f| CategoryRow {
                    code: c.code().to_owned(),
                    name: c.name().to_owned(),
                    group: c.group().name().to_owned(),
                    baseline: to_money(f.baseline),
                    actual: to_money(f.actual),
                    saving: to_money(f.saving()),
                })
            })
            .collect()
    };
    let in_scope = |b: &BodyRow| sector.is_none_or(|s| engine.sector(b) == s);

    let last_data = figures.keys().next_back().copied();
    let last_target = engine.trajectory.annual.keys().next_back().copied();
    let last = last_data.max(last_target);
    let annual_savings: BTreeMap<FinancialYear, Decimal> =
        figures.iter().map(|(y, f)| (*y, f.saving())).collect();
    let running = cumulative(&annual_savings);
    let mut cumulative_target = Money::ZERO;
    let mut years = Vec::new();
    let mut apportionments = BTreeMap::new();
    if let Some(last) = last {
        for start in FIRST_YEAR..=last.start_year() {
            let Ok(year) = FinancialYear::starting(start) else {
                continue;
            };
            let f = figures.get(&year).copied();
            let apportionment = engine.apportion(year);
            let cash_target = apportionment.as_ref().map(|a| match sector {
                None => engine.trajectory.target(year).unwrap_or_default(),
                Some(s) => a.sectors.get(&s).copied().unwrap_or_default(),
            });
            let exact_target = cash_target.and_then(|t| engine.on_basis(t, year, basis));
            let target = exact_target.map(to_money);
            if let Some(t) = target {
                cumulative_target = cumulative_target
                    .checked_add(t)
                    .unwrap_or(cumulative_target);
            }
            let (bodies_counted, bodies_provisional) = counted_years
                .iter()
                .find(|(y, ..)| *y == year)
                .map_or((0, 0), |(_, c, p)| (*c, *p));
            let baseline_share = nominal.get(&year).and_then(|n| {
                let published = match sector {
                    None => engine.review.national,
                    Some(s) => engine.review.sectors.get(&s).copied().unwrap_or_default(),
                };
                percent(to_money(n.baseline), published)
            });
            years.push(YearRow {
                year,
                baseline: to_money(f.map_or(Decimal::ZERO, |f| f.baseline)),
                actual: to_money(f.map_or(Decimal::ZERO, |f| f.actual)),
                saving: to_money(f.map_or(Decimal::ZERO, |f| f.saving())),
                cumulative: running.get(&year).copied().map(to_money),
                target,
                cumulative_target: target.map(|_| cumulative_target),
                rag: rate(f.map(|f| f.saving()), exact_target),
                baseline_share,
                bodies_counted,
                bodies_provisional,
                bodies_existing: engine
                    .bodies
                    .iter()
                    .filter(|b| b.exists_in(year) && in_scope(b))
                    .count(),
            });
            if let Some(a) = apportionment {
                apportionments.insert(year, a);
            }
        }
    }

    // The bodies' table: the year asked for, else the latest with counted returns.
    let year = match q.year.as_deref().filter(|y| !y.is_empty()) {
        Some(text) => Some(
            text.parse::<FinancialYear>()
                .map_err(|e| AppError::validation("year", e.to_string()))?,
        ),
        None => years
            .iter()
            .rev()
            .find(|r| r.bodies_counted > 0)
            .map(|r| r.year),
    };
    let mut bodies = Vec::new();
    let mut initiatives_rows = Vec::new();
    let mut double = 0;
    let mut excluded_claims = Vec::new();
    if let Some(year) = year {
        let per_org = store::fact_sums_by_org(&mut conn, &scope, year).await?;
        let mut grouped: BTreeMap<i64, Vec<FactSum>> = BTreeMap::new();
        for (org, sum) in per_org {
            grouped.entry(org).or_default().push(sum);
        }
        let explanations = store::target_explanations_in_year(&mut conn, year).await?;
        let provisional = store::provisional_in_year(&mut conn, &scope, year).await?;
        let apportionment = apportionments
            .get(&year)
            .cloned()
            .or_else(|| engine.apportion(year));
        for b in engine
            .bodies
            .iter()
            .filter(|b| b.exists_in(year) && in_scope(b))
        {
            let target = apportionment
                .as_ref()
                .and_then(|a| a.bodies.get(&OrgId(b.id)).copied());
            let sums = grouped.get(&b.id);
            if target.is_none() && sums.is_none() {
                continue;
            }
            let exact_saving = sums
                .and_then(|s| evaluate(s, basis, &engine.deflators).ok())
                .map(|f| by_year(&f).values().map(Figures::saving).sum::<Decimal>());
            let exact_target = target.and_then(|t| engine.on_basis(t, year, basis));
            let row_rag = rate(exact_saving, exact_target);
            bodies.push(BodyRagRow {
                code: b.code.clone(),
                name: b.name.clone(),
                sector: engine.sector(b).name().to_owned(),
                saving: exact_saving.map(to_money),
                target: exact_target.map(to_money).unwrap_or_default(),
                rag: row_rag,
                provisional: provisional.contains(&b.id),
                explanation: explanations.get(&b.id).cloned(),
            });
        }
        bodies.sort_by(|a, b| a.rag.cmp(&b.rag).then(a.name.cmp(&b.name)));
        let all = store::initiatives(&mut conn, &scope).await?;
        let (list, left_out) = initiative::once_only(&all);
        double = left_out.len();
        excluded_claims = left_out
            .iter()
            .filter_map(|x| {
                let claim = all.iter().find(|i| i.id == x.excluded)?;
                let instead: Vec<String> = x
                    .counted_instead
                    .iter()
                    .filter_map(|id| all.iter().find(|i| i.id == *id))
                    .map(|i| engine.name(i.org))
                    .collect();
                Some(ExcludedClaimRow {
                    body: engine.name(claim.org),
                    title: claim.title.clone(),
                    reason: format!(
                        "Left out of every total: the same saving is claimed by {} as consumers of the service, and a consumer's claim is the one counted.",
                        instead.join(", ")
                    ),
                })
            })
            .collect();
        initiatives_rows = initiative::totals_by_class(&list, year)
            .into_iter()
            .map(|(class, t)| ClassRow {
                class: class.name().to_owned(),
                gross: t.gross,
                one_off: t.one_off,
                net: t.net,
            })
            .collect();
    }

    // The returns that are not counted, and why: for the programme office to resolve.
    let not_counted: Vec<NotCountedRow> = store::not_counted(&mut conn, &scope)
        .await?
        .into_iter()
        .filter_map(|r| {
            let body = engine.body(r.org_id)?;
            Some(NotCountedRow {
                code: body.code.clone(),
                name: body.name.clone(),
                year: r.year,
                reason: r.not_counted.as_ref()?.describe(),
            })
        })
        .collect();

    // Coverage: the published baselines beside the sum of the bodies' own.
    let published = crate::db::reference::baselines(&mut conn, 2008).await?;
    let own_total = |filter: &dyn Fn(&BodyRow) -> bool| {
        let mut total = Money::ZERO;
        let mut count = 0;
        for b in engine.bodies.iter().filter(|b| filter(b)) {
            if let Some(baseline) = engine
                .baselines
                .get(&OrgId(b.id))
                .filter(|e| e.is_own(OrgId(b.id)) && !e.parts.is_empty())
            {
                total = total.checked_add(baseline.total()).unwrap_or(total);
                count += 1;
            }
        }
        (total, count)
    };
    let mut coverage = Vec::new();
    for (scope_name, figure) in &published {
        let (recorded, count) = match scope_name.as_str() {
            "national" if sector.is_none() => own_total(&|_| true),
            "sector" => match figure.key.parse::<Sector>() {
                Ok(s) if sector.is_none_or(|wanted| wanted == s) => {
                    own_total(&|b: &BodyRow| engine.sector(b) == s)
                }
                _ => continue,
            },
            _ => continue,
        };
        coverage.push(CoverageRow {
            label: figure.label.clone(),
            published: figure.amount,
            source: figure.source.clone(),
            recorded,
            percent: percent(recorded, figure.amount),
            bodies_with_baseline: count,
        });
    }

    Ok(SavingsSummary {
        basis: basis.code(),
        basis_label: basis.to_string(),
        base_years: engine.base_years(),
        sector: sector.map(|s| s.code().to_owned()),
        sectors: Sector::ALL
            .iter()
            .map(|s| (s.code().to_owned(), s.name().to_owned()))
            .collect(),
        profile: engine.trajectory.profile.clone(),
        profiles: engine.profiles.clone(),
        method: engine.method,
        categories: year.map(category_sums).unwrap_or_default(),
        years,
        year,
        bodies,
        initiatives: initiatives_rows,
        double_counts: double,
        excluded_claims,
        not_counted,
        coverage,
        deflator_release: (!engine.deflators.is_empty()).then(|| engine.deflators.release.clone()),
        deflators_verified: engine.deflators_verified,
        problems,
        demo_data: store::demo_data_loaded(&mut conn).await?,
        reported: reported_figures(),
    })
}

/// The review's five-year minimum of savings, 2012-13 to 2016-17 (McClelland review §13:
/// "at least £870m").
const REVIEW_FIVE_YEAR_MINIMUM_POUNDS: i64 = 870_000_000;

/// The figures reported at the time (`fixtures/reported_figures.csv`), each with its share of
/// the review's minimum, computed here (ADR 0010, rule 11).
pub fn reported_figures() -> Vec<ReportedFigureView> {
    let text = include_str!("../../../fixtures/reported_figures.csv");
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    let minimum = Decimal::from(REVIEW_FIVE_YEAR_MINIMUM_POUNDS);
    csv::Reader::from_reader(body.as_bytes())
        .records()
        .filter_map(Result::ok)
        .filter_map(|r| {
            let pounds: i64 = r.get(2)?.trim().parse().ok()?;
            let share = Decimal::from(pounds) * Decimal::ONE_HUNDRED / minimum;
            Some(ReportedFigureView {
                label: r.get(1)?.to_owned(),
                amount: Money::from_pounds(pounds).ok()?,
                source: r.get(3)?.to_owned(),
                share_of_minimum: Some(format!(
                    "{}%",
                    share.round_dp_with_strategy(
                        2,
                        rust_decimal::RoundingStrategy::MidpointAwayFromZero
                    )
                )),
            })
        })
        .collect()
}

// ---------------------------------------------------------------- one body

/// One body's savings year by year, with its baseline's sources and its targets.
pub async fn body(
    db: &Db,
    user: &CurrentUser,
    code: &str,
    basis: Option<&str>,
) -> Result<BodySavings, AppError> {
    if !user.may_read_org(code) {
        return Err(AppError::Forbidden);
    }
    let engine = Engine::shared(db, None, None).await?;
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = body_row(&mut conn, code).await?;
    let basis = basis_of(basis.filter(|b| !b.is_empty()), &engine)?;
    let scope = Scope {
        sector: None,
        org: Some(org.id),
    };
    let mut problems = Vec::new();
    let sums = store::fact_sums(&mut conn, &scope).await?;
    let figures = evaluate_years(&sums, basis, &engine.deflators, &mut problems);
    let rows = store::body_years(&mut conn, &scope).await?;
    let explanations: BTreeMap<FinancialYear, String> =
        store::target_explanations(&mut conn, org.id)
            .await?
            .into_iter()
            .map(|(y, text, _, _)| (y, text))
            .collect();
    let baseline = engine
        .baselines
        .get(&OrgId(org.id))
        .filter(|b| !b.parts.is_empty());
    for issue in &engine.issues {
        let concerns_us = match issue {
            BaselineIssue::PredecessorWithoutBaseline { successor, .. } => successor.0 == org.id,
            BaselineIssue::SplitSharesIncomplete { predecessor, .. } => predecessor.0 == org.id,
            BaselineIssue::Cycle { org: o } => o.0 == org.id,
        };
        if concerns_us {
            problems.push(engine.issue_text(issue));
        }
    }
    let annual: BTreeMap<FinancialYear, Decimal> =
        figures.iter().map(|(y, f)| (*y, f.saving())).collect();
    let running = cumulative(&annual);
    let last = rows
        .iter()
        .map(|r| r.year)
        .chain(engine.trajectory.annual.keys().copied())
        .max();
    let mut years = Vec::new();
    if let Some(last) = last {
        for start in FIRST_YEAR..=last.start_year() {
            let Ok(year) = FinancialYear::starting(start) else {
                continue;
            };
            if !org.exists_in(year) {
                continue;
            }
            let row = rows.iter().find(|r| r.year == year);
            let target = engine
                .apportion(year)
                .map(|a| a.bodies.get(&OrgId(org.id)).copied().unwrap_or_default());
            let status = match row {
                None => "no-return",
                Some(BodyYearRow {
                    not_counted: Some(reason),
                    ..
                }) => reason.code(),
                Some(r) if r.provisional => "provisional",
                Some(_) => "counted",
            };
            let f = figures.get(&year);
            let exact_target = target.and_then(|t| engine.on_basis(t, year, basis));
            let rag = rate(f.map(Figures::saving), exact_target);
            years.push(BodyYearView {
                year,
                status: status.to_owned(),
                not_counted: row
                    .and_then(|r| r.not_counted.as_ref())
                    .map(|n| n.describe()),
                baseline: f.map(|f| to_money(f.baseline)),
                actual: f.map(|f| to_money(f.actual)),
                saving: f.map(|f| to_money(f.saving())),
                cumulative: running
                    .get(&year)
                    .copied()
                    .filter(|_| f.is_some())
                    .map(to_money),
                target: exact_target.map(to_money),
                rag,
                explanation: explanations.get(&year).cloned(),
            });
        }
    }
    Ok(BodySavings {
        code: org.code.clone(),
        name: org.name.clone(),
        sector: engine.sector(&org).name().to_owned(),
        basis: basis.code(),
        basis_label: basis.to_string(),
        base_years: engine.base_years(),
        baseline_total: baseline.map(EffectiveBaseline::total),
        baseline_own: baseline.is_some_and(|b| b.is_own(OrgId(org.id))),
        baseline_sources: baseline.map(|b| engine.sources(b)).unwrap_or_default(),
        years,
        may_explain: user.may_write_org(code),
        may_record_baseline: user.may_write_org(code),
        initiatives: super::initiatives::initiative_views(
            &mut conn,
            &engine
                .bodies
                .iter()
                .map(|b| (b.id, b.name.clone()))
                .collect(),
            org.id,
            last,
        )
        .await?,
        problems,
        profile: engine.trajectory.profile.clone(),
        deflators_verified: engine.deflators_verified,
        demo_data: store::demo_data_loaded(&mut conn).await?,
    })
}

/// How one body's saving for one year was calculated: every input and every step.
pub async fn trace(
    db: &Db,
    user: &CurrentUser,
    code: &str,
    fy: FinancialYear,
    basis: Option<&str>,
) -> Result<TraceView, AppError> {
    if !user.may_read_org(code) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = body_row(&mut conn, code).await?;
    let engine = Engine::load(&mut conn, None, None).await?;
    let basis = basis_of(basis.filter(|b| !b.is_empty()), &engine)?;
    let row = store::body_year(&mut conn, org.id, fy)
        .await?
        .ok_or_else(|| {
            AppError::NotFound(format!(
                "A submitted or approved {fy} return for {}",
                org.name
            ))
        })?;
    let baseline = engine
        .baselines
        .get(&OrgId(org.id))
        .filter(|b| !b.parts.is_empty())
        .ok_or_else(|| AppError::NotFound(format!("A baseline for {}", org.name)))?;
    let lines = returns::lines(&mut conn, row.return_id).await?;
    let actual = Actual {
        org: OrgId(org.id),
        year: fy,
        return_id: row.return_id,
        version: row.return_version,
        provisional: row.provisional,
        amounts: lines
            .iter()
            .map(|l| (l.category, l.total().unwrap_or(Money::ZERO)))
            .collect(),
    };
    let t = explain(baseline, &actual, basis, &engine.deflators)
        .map_err(|e| AppError::validation("basis", e.to_string()))?;
    let term = |term: &crate::domain::savings::spend::TraceTerm, what: String| TraceTermView {
        source: what,
        prices: term.prices,
        amount: term.amount,
        index_from: term.index_from.map(exact),
        index_to: term.index_to.map(exact),
        factor: exact(term.factor),
        value_exact: exact(term.value),
        value: to_money(term.value),
    };
    let lines = t
        .lines
        .iter()
        .map(|line| TraceLineView {
            category: line.category.code().to_owned(),
            category_name: line.category.name().to_owned(),
            baseline: line
                .baseline
                .iter()
                .map(|b| {
                    let mut what = format!(
                        "Baseline of {}, version {} ({})",
                        engine.name(b.source),
                        b.source_version,
                        b.prices
                    );
                    if !b.via.is_empty() {
                        let chain: Vec<String> = b
                            .via
                            .iter()
                            .skip(1)
                            .map(|o| engine.name(*o))
                            .chain([org.name.clone()])
                            .collect();
                        what.push_str(&format!(
                            ", inherited by succession: {} → {}",
                            engine.name(b.source),
                            chain.join(" → ")
                        ));
                    }
                    term(b, what)
                })
                .collect(),
            actual: line.actual.as_ref().map(|a| {
                term(
                    a,
                    format!(
                        "{} return, version {}{}",
                        fy,
                        a.source_version,
                        if actual.provisional {
                            " (submitted, not yet approved)"
                        } else {
                            " (approved)"
                        }
                    ),
                )
            }),
            baseline_exact: exact(line.figures.baseline),
            actual_exact: exact(line.figures.actual),
            saving_exact: exact(line.figures.saving()),
            saving: to_money(line.figures.saving()),
        })
        .collect();
    let apportionment = engine.apportion(fy);
    let target = apportionment
        .as_ref()
        .map(|a| a.bodies.get(&OrgId(org.id)).copied().unwrap_or_default());
    let target_working = engine.trajectory.target(fy).map(|national| {
        let weights: Money = engine
            .bodies
            .iter()
            .filter(|b| b.exists_in(fy))
            .filter(|b| engine.method != ApportionMethod::ReviewSectorShare || engine.sector(b) == engine.sector(&org))
            .filter_map(|b| engine.baselines.get(&OrgId(b.id)).map(EffectiveBaseline::total))
            .fold(Money::ZERO, |a, b| a.checked_add(b).unwrap_or(a));
        let mine = baseline.total();
        let used = apportionment
            .as_ref()
            .and_then(|a| a.method_used)
            .unwrap_or(engine.method);
        let fallback = if used == engine.method {
            String::new()
        } else {
            format!(
                " The setting is \"{}\", but the recorded baselines ({weights}) exceed the review's national baseline ({}), so the target is divided by the recorded baselines instead.",
                engine.method.name(),
                engine.review.national
            )
        };
        let working = match used {
            ApportionMethod::ReviewNationalShare => format!(
                "National target {} (profile {}) × this body's baseline {} ÷ the review's national baseline {} = {} (to the penny by largest remainder; the share of baselines no body has recorded is not apportioned).",
                national, engine.trajectory.profile, mine, engine.review.national, target.unwrap_or_default()
            ),
            ApportionMethod::BaselineShare => format!(
                "National target {} (profile {}) × this body's baseline {} ÷ the baselines of all bodies that existed in {} {} = {} (to the penny by largest remainder, so the bodies' targets add up to the national target).",
                national, engine.trajectory.profile, mine, fy, weights, target.unwrap_or_default()
            ),
            ApportionMethod::ReviewSectorShare => format!(
                "National target {} (profile {}) divided between sectors by the review's sector baselines gives {} {}; × this body's baseline {} ÷ the sector's bodies' baselines {} = {} (largest remainder at each step).",
                national,
                engine.trajectory.profile,
                engine.sector(&org).name(),
                apportionment.as_ref().and_then(|a| a.sectors.get(&engine.sector(&org)).copied()).unwrap_or_default(),
                mine,
                weights,
                target.unwrap_or_default()
            ),
        };
        let prices = match (basis, target) {
            (Basis::Real { base }, Some(cash)) => engine
                .on_basis(cash, fy, basis)
                .map(|v| format!(" In real terms at {base} prices, the target is {cash} × the year's deflation factor {} = {}, so saving and target are compared on one basis.", engine.deflators.factor(fy, basis).map(exact).unwrap_or_default(), to_money(v)))
                .unwrap_or_default(),
            _ => String::new(),
        };
        format!(
            "{working}{fallback}{prices} The profile \"{}\" is an illustrative assumption meeting the review's published totals (the review gave no yearly profile).",
            engine.trajectory.profile
        )
    });
    let exact_target = target.and_then(|tg| engine.on_basis(tg, fy, basis));
    Ok(TraceView {
        org_code: org.code.clone(),
        org_name: org.name.clone(),
        year: fy,
        basis: basis.code(),
        basis_label: basis.to_string(),
        method: "Spend-based: baseline minus actual spend, per category (capital plus revenue); in real terms each amount is multiplied by GDP deflator(base year) ÷ GDP deflator(its own year), that ratio rounded to 10 decimal places; figures are exact and rounded to the penny only for display.".to_owned(),
        return_version: t.return_version,
        provisional: t.provisional,
        deflator_release: t.deflator_release,
        deflators_verified: engine.deflators_verified,
        demo_data: store::demo_data_loaded(&mut conn).await?,
        lines,
        baseline_exact: exact(t.total.baseline),
        actual_exact: exact(t.total.actual),
        saving_exact: exact(t.total.saving()),
        saving: to_money(t.total.saving()),
        target: exact_target.map(to_money),
        target_method: apportionment
            .as_ref()
            .and_then(|a| a.method_used)
            .unwrap_or(engine.method)
            .name()
            .to_owned(),
        target_working,
        rag: match &row.not_counted {
            Some(_) => Rag::NotReported,
            None => rate(Some(t.total.saving()), exact_target),
        },
        not_counted: row.not_counted.as_ref().map(|n| n.describe()),
    })
}

// ---------------------------------------------------------------- baselines

/// A body's baseline versions and the form to record a new one; `from` prefills the form with
/// the totals of the body's return for that year.
pub async fn baseline_page(
    db: &Db,
    user: &CurrentUser,
    code: &str,
    from: Option<&str>,
) -> Result<BaselinePage, AppError> {
    if !user.may_read_org(code) {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = body_row(&mut conn, code).await?;
    let versions = store::baseline_versions(&mut conn, org.id).await?;
    let may_decide = user.role == Role::Admin;
    let mut effects: HashMap<i64, Vec<BaselineEffectRow>> = HashMap::new();
    if may_decide {
        for v in versions.iter().filter(|v| v.status == "proposed") {
            effects.insert(
                v.version,
                baseline_effect(&mut conn, org.id, &v.recorded()).await?,
            );
        }
    }
    let engine = Engine::load(&mut conn, None, None).await?;
    let inherited = engine
        .baselines
        .get(&OrgId(org.id))
        .filter(|b| !b.is_own(OrgId(org.id)))
        .map(|b| engine.sources(b))
        .unwrap_or_default();
    let latest = versions.last();
    let default_year = latest.map(|v| v.year).unwrap_or_else(|| {
        let review = FinancialYear::mcclelland_baseline();
        match org
            .start_date
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            // A body that did not exist in 2008-09 uses its first full year.
            Some(start) if start > review.first_day() => FinancialYear::containing(start)
                .ok()
                .and_then(|y| {
                    if start == y.first_day() {
                        Some(y)
                    } else {
                        y.next()
                    }
                })
                .unwrap_or(review),
            _ => review,
        }
    });
    let mut form_year = default_year;
    let mut form: BTreeMap<SpendCategory, Money> =
        latest.map(|v| v.amounts.clone()).unwrap_or_default();
    let mut prefill_note = None;
    if let Some(text) = from.filter(|f| !f.is_empty()) {
        let year: FinancialYear = text
            .parse()
            .map_err(|e: crate::domain::ParseError| AppError::validation("from", e.to_string()))?;
        let record = returns::latest(&mut conn, org.id, i64::from(year.start_year()))
            .await?
            .ok_or_else(|| AppError::NotFound(format!("A {year} return for {}", org.name)))?;
        let lines = returns::lines(&mut conn, record.id).await?;
        form = lines
            .iter()
            .map(|l| (l.category, l.total().unwrap_or(Money::ZERO)))
            .collect();
        form_year = year;
        prefill_note = Some(format!(
            "The form holds the totals (capital plus revenue) of the {year} return, version {} ({}). Check them, give a reason and record them as the baseline.",
            record.version,
            record.status.code()
        ));
    }
    let format_amount =
        |m: Option<&Money>| m.map(|m| m.as_decimal().to_string()).unwrap_or_default();
    Ok(BaselinePage {
        code: org.code.clone(),
        name: org.name.clone(),
        versions: versions
            .iter()
            .rev()
            .map(|v| BaselineVersionView {
                version: v.version,
                year: v.year,
                reason: v.reason.clone(),
                recorded_at: chrono::DateTime::from_timestamp(v.created_at, 0)
                    .map(|d| d.format("%-d %B %Y %H:%M UTC").to_string())
                    .unwrap_or_default(),
                recorded_by: v.created_by.clone(),
                amounts: SpendCategory::ALL
                    .iter()
                    .filter_map(|c| {
                        v.amounts
                            .get(c)
                            .map(|m| (c.code().to_owned(), c.name().to_owned(), *m))
                    })
                    .collect(),
                total: Money::sum(v.amounts.values().copied()).unwrap_or(Money::ZERO),
                status: v.status.clone(),
                decision_reason: v.decision_reason.clone(),
                effect: effects.get(&v.version).cloned().unwrap_or_default(),
            })
            .collect(),
        inherited,
        may_record: user.may_write_org(code),
        may_decide,
        form_year,
        form_amounts: SpendCategory::ALL
            .iter()
            .map(|c| {
                (
                    c.code().to_owned(),
                    c.name().to_owned(),
                    format_amount(form.get(c)),
                )
            })
            .collect(),
        prefill_note,
    })
}

/// Records a new version of a body's baseline: every amount and the reason, checked; the
/// read model of the body and its successors is refreshed in the same transaction.
pub async fn record_baseline(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    form: &HashMap<String, String>,
) -> Result<i64, AppError> {
    if !user.may_write_org(code) {
        return Err(AppError::Forbidden);
    }
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let mut errors = Vec::new();
    let year = match field("year").parse::<FinancialYear>() {
        Ok(y) => Some(y),
        Err(_) => {
            errors.push(FieldError {
                field: "year".into(),
                message: "Baseline year: enter a financial year like 2008-09".into(),
            });
            None
        }
    };
    let mut amounts = BTreeMap::new();
    for category in SpendCategory::ALL {
        let text = field(category.code()).trim();
        if text.is_empty() {
            amounts.insert(category, Money::ZERO);
            continue;
        }
        match Money::parse(text) {
            Ok(m) if m.is_negative() && !category.allows_credits() => errors.push(FieldError {
                field: category.code().into(),
                message: format!("{}: a baseline cannot be negative", category.name()),
            }),
            Ok(m) if m.as_decimal().abs() > Decimal::from(MAX_LINE_POUNDS) => {
                errors.push(FieldError {
                    field: category.code().into(),
                    message: format!(
                        "{}: more than £1bn is not a plausible baseline for one body",
                        category.name()
                    ),
                })
            }
            Ok(m) => {
                amounts.insert(category, m);
            }
            Err(e) => errors.push(FieldError {
                field: category.code().into(),
                message: format!("{}: {e}", category.name()),
            }),
        }
    }
    let reason = field("reason").trim();
    if reason.is_empty() {
        errors.push(FieldError {
            field: "reason".into(),
            message: "Reason: say where the figures come from or why the baseline is restated"
                .into(),
        });
    } else if reason.chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError {
            field: "reason".into(),
            message: format!("Reason: at most {MAX_NOTE_CHARS} characters"),
        });
    }
    let Some(year) = year.filter(|_| errors.is_empty()) else {
        let values = form.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        return Err(AppError::Form { errors, values });
    };
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let versions = store::baseline_versions(&mut tx, org.id).await?;
    let previous = versions.last();
    let version = previous.map_or(1, |v| v.version + 1);
    let id = store::insert_baseline(
        &mut tx,
        &store::NewBaseline {
            org: org.id,
            version,
            year,
            reason,
            amounts: &amounts,
            at: now(),
            user: user.id,
            status: "proposed",
        },
    )
    .await?;
    let describe = |year: FinancialYear, amounts: &BTreeMap<SpendCategory, Money>| {
        serde_json::json!({
            "year": year.to_string(),
            "amounts": amounts.iter().map(|(c, m)| (c.code().to_owned(), m.to_string())).collect::<BTreeMap<_, _>>(),
        })
    };
    audit::record(
        &mut tx,
        &AuditEntry {
            before: previous.map(|p| describe(p.year, &p.amounts)),
            ..AuditEntry::by(
                user,
                &client.addr,
                if version == 1 {
                    "baseline_recorded"
                } else {
                    "baseline_restated"
                },
                "baseline",
                format!("{code}/v{version}"),
            )
            .after({
                let mut after = describe(year, &amounts);
                after["reason"] = serde_json::Value::String(reason.to_owned());
                after["status"] = serde_json::Value::String("proposed".into());
                after
            })
        },
    )
    .await?;
    // A proposal counts for nothing until the programme office approves it (ADR 0010, rule 8).
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}

/// What approving a proposed version would do to every year's saving already reported: for the
/// body and every body that inherits from it, nominal, per year and in total (old → new).
async fn baseline_effect(
    conn: &mut AnyConnection,
    org: i64,
    proposed: &crate::domain::savings::RecordedBaseline,
) -> Result<Vec<BaselineEffectRow>, DbError> {
    let successions = store::successions(&mut *conn).await?;
    let affected = descendants(&[org], &successions);
    let needed = ancestors(&affected, &successions);
    let recorded = store::latest_baselines(&mut *conn, Some(&needed)).await?;
    let (now, _) = effective_baselines(&recorded, &successions);
    let mut with: Vec<_> = recorded.into_iter().filter(|r| r.org.0 != org).collect();
    with.push(proposed.clone());
    let (then, _) = effective_baselines(&with, &successions);
    let lifetimes: HashMap<i64, crate::domain::Lifetime> = store::bodies(&mut *conn)
        .await?
        .iter()
        .map(|b| (b.id, b.lifetime()))
        .collect();
    let mut by_year: BTreeMap<FinancialYear, (Option<Decimal>, Option<Decimal>)> = BTreeMap::new();
    let saving = |facts: Vec<crate::domain::savings::Fact>| -> Decimal {
        facts
            .iter()
            .map(|f| match f.role {
                crate::domain::savings::FactRole::Baseline => f.amount.as_decimal(),
                crate::domain::savings::FactRole::Actual => -f.amount.as_decimal(),
            })
            .sum()
    };
    for body in affected {
        let lifetime = lifetimes.get(&body).copied().unwrap_or_default();
        for (year, (r, provisional)) in
            counted_returns(store::countable_returns(&mut *conn, body).await?)
        {
            let lines = returns::lines(&mut *conn, r.id).await?;
            let actual = Actual {
                org: OrgId(body),
                year,
                return_id: r.id,
                version: r.version,
                provisional,
                amounts: lines
                    .iter()
                    .map(|l| (l.category, l.total().unwrap_or(Money::ZERO)))
                    .collect(),
            };
            let before = counting::count(&lifetime, now.get(&OrgId(body)), &actual)
                .ok()
                .map(saving);
            let after = counting::count(&lifetime, then.get(&OrgId(body)), &actual)
                .ok()
                .map(saving);
            let entry = by_year.entry(year).or_default();
            if let Some(b) = before {
                *entry.0.get_or_insert(Decimal::ZERO) += b;
            }
            if let Some(a) = after {
                *entry.1.get_or_insert(Decimal::ZERO) += a;
            }
        }
    }
    Ok(by_year
        .into_iter()
        .map(|(year, (before, after))| BaselineEffectRow {
            year,
            before: before.map(to_money),
            after: after.map(to_money),
        })
        .collect())
}

/// The programme office approves a proposed baseline version (it then counts, and the read
/// model of the body and its successors is refreshed in the same transaction) or returns it with
/// a reason (it never counts). Audited. Board packs keep the figures they were frozen with.
pub async fn decide_baseline(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    version: i64,
    approve: bool,
    reason: &str,
) -> Result<(), AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let reason = checked_note(
        "reason",
        "Reason",
        reason,
        (!approve).then_some(
            "Reason: say what the body must check or change before the baseline can be approved",
        ),
    )?;
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let versions = store::baseline_versions(&mut tx, org.id).await?;
    let chosen = versions
        .iter()
        .find(|v| v.version == version)
        .ok_or_else(|| {
            AppError::NotFound(format!("Version {version} of {}'s baseline", org.name))
        })?;
    if chosen.status != "proposed" {
        return Err(AppError::Conflict(format!(
            "Version {version} of {}'s baseline is {} already: only a proposed version can be approved or returned.",
            org.name, chosen.status
        )));
    }
    if approve
        && versions
            .iter()
            .any(|v| v.status == "approved" && v.version > version)
    {
        return Err(AppError::Conflict(format!(
            "A later version of {}'s baseline is approved already: return this one instead.",
            org.name
        )));
    }
    let (status, action) = if approve {
        ("approved", "baseline_approved")
    } else {
        ("returned", "baseline_returned")
    };
    let why = Some(reason).filter(|r| !r.is_empty());
    if !store::decide_baseline(&mut tx, chosen.id, status, why, now(), user.id).await? {
        return Err(AppError::Conflict(
            "Someone decided on this version after you opened it. Reload the page.".into(),
        ));
    }
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            action,
            "baseline",
            format!("{code}/v{version}"),
        )
        .before(serde_json::json!({ "status": "proposed" }))
        .after(serde_json::json!({ "status": status, "reason": why })),
    )
    .await?;
    if approve {
        refresh(&mut tx, &[org.id]).await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// A body's explanation of a missed target for a year (officers of the body).
pub async fn explain_target(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    code: &str,
    fy: FinancialYear,
    explanation: &str,
) -> Result<(), AppError> {
    if !user.may_write_org(code) {
        return Err(AppError::Forbidden);
    }
    let text = checked_note(
        "explanation",
        "Explanation",
        explanation,
        Some("Explanation: say why the target was missed and what the body is doing about it"),
    )?;
    let mut tx = db.begin().await?;
    let org = body_row(&mut tx, code).await?;
    let before = store::target_explanations(&mut tx, org.id)
        .await?
        .into_iter()
        .find(|e| e.0 == fy)
        .map(|e| e.1);
    store::set_target_explanation(&mut tx, org.id, fy, text, now(), user.id).await?;
    audit::record(
        &mut tx,
        &AuditEntry {
            before: before.map(|b| serde_json::json!({ "explanation": b })),
            ..AuditEntry::by(
                user,
                &client.addr,
                "target_explained",
                "target",
                format!("{code}/{fy}"),
            )
            .after(serde_json::json!({ "explanation": text }))
        },
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

// ---------------------------------------------------------------- trajectory and settings

/// The trajectory profiles and the engine's settings (everyone signed in as board or admin).
pub async fn targets_page(db: &Db, user: &CurrentUser) -> Result<TargetsPage, AppError> {
    if !user.role.reads_all_organisations() {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let rows = store::trajectory(&mut conn).await?;
    let mut profiles: Vec<ProfileView> = Vec::new();
    for (profile, year, amount, source) in rows {
        if profiles.last().is_none_or(|p| p.name != profile) {
            profiles.push(ProfileView {
                name: profile.clone(),
                years: Vec::new(),
            });
        }
        if let Some(p) = profiles.last_mut() {
            let running = p.years.last().map_or(Money::ZERO, |y| y.2);
            p.years.push((
                year,
                amount,
                running.checked_add(amount).unwrap_or(running),
                source,
            ));
        }
    }
    Ok(TargetsPage {
        profile: store::setting(&mut conn, "profile")
            .await?
            .unwrap_or_else(|| "low".into()),
        method: store::setting(&mut conn, "method")
            .await?
            .and_then(|m| ApportionMethod::parse(&m))
            .unwrap_or(ApportionMethod::ReviewNationalShare),
        profiles,
        may_edit: user.role == Role::Admin,
    })
}

/// Saves the trajectory and settings (admins): `profile`, `method`, and
/// `target-PROFILE-YEAR` in whole or decimal pounds for each year shown.
pub async fn save_targets(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.begin().await?;
    let current = store::trajectory(&mut conn).await?;
    let mut errors = Vec::new();
    let profile = form
        .get("profile")
        .map(|p| p.trim().to_owned())
        .unwrap_or_default();
    if !current.iter().any(|t| t.0 == profile) {
        errors.push(FieldError {
            field: "profile".into(),
            message: "Profile: choose one of the trajectory's profiles".into(),
        });
    }
    let method = form.get("method").and_then(|m| ApportionMethod::parse(m));
    if method.is_none() {
        errors.push(FieldError {
            field: "method".into(),
            message: "Method: choose how targets are apportioned".into(),
        });
    }
    let mut changes = Vec::new();
    for (name, year, amount, source) in &current {
        let field = format!("target-{name}-{year}");
        let Some(text) = form.get(&field) else {
            continue;
        };
        match Money::parse(text) {
            Ok(m) if m.is_negative() => errors.push(FieldError {
                field,
                message: format!("{name} {year}: a target cannot be negative"),
            }),
            Ok(m) if m != *amount => {
                changes.push((name.clone(), *year, *amount, m, source.clone()))
            }
            Ok(_) => {}
            Err(e) => errors.push(FieldError {
                field,
                message: format!("{name} {year}: {e}"),
            }),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Form {
            errors,
            values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        });
    }
    let method = method.unwrap_or(ApportionMethod::ReviewNationalShare);
    let at = now();
    for (name, year, before, after, source) in &changes {
        let source = if source.starts_with("Edited") {
            source.clone()
        } else {
            format!("Edited by the programme office (was: {source})")
        };
        store::set_target(&mut conn, name, *year, *after, &source, at, user.id).await?;
        audit::record(
            &mut conn,
            &AuditEntry::by(
                user,
                &client.addr,
                "target_changed",
                "trajectory",
                format!("{name}/{year}"),
            )
            .at(at)
            .before(serde_json::json!({ "amount": before.to_string() }))
            .after(serde_json::json!({ "amount": after.to_string() })),
        )
        .await?;
    }
    for (key, value) in [("profile", profile.as_str()), ("method", method.code())] {
        let before = store::setting(&mut conn, key).await?;
        if before.as_deref() != Some(value) {
            store::set_setting(&mut conn, key, value, at, user.id).await?;
            audit::record(
                &mut conn,
                &AuditEntry {
                    before: before.map(|b| serde_json::json!({ "value": b })),
                    ..AuditEntry::by(
                        user,
                        &client.addr,
                        "savings_setting_changed",
                        "savings_setting",
                        key,
                    )
                    .at(at)
                    .after(serde_json::json!({ "value": value }))
                },
            )
            .await?;
        }
    }
    conn.commit().await.map_err(DbError::from)?;
    Ok(())
}

// ---------------------------------------------------------------- organisation changes

/// Every merger, split, transfer and rename, and what keeps a baseline from passing on
/// (programme office).
pub async fn successions_page(db: &Db, user: &CurrentUser) -> Result<SuccessionsPage, AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let engine = Engine::load(&mut conn, None, None).await?;
    Ok(SuccessionsPage {
        successions: store::succession_rows(&mut conn).await?,
        problems: engine.issues.iter().map(|i| engine.issue_text(i)).collect(),
    })
}

/// Records (or corrects) a succession: `predecessor`, `successor`, `effective_date`
/// (YYYY-MM-DD), `kind` and, for a split, `share`. Refused if the shares of the predecessor's
/// successors would pass 100% or the successions would loop; the read model of the successor
/// and every body after it is refreshed in the same transaction.
pub async fn record_succession(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    form: &HashMap<String, String>,
) -> Result<(), AppError> {
    use crate::domain::savings::{Share, Succession};
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut tx = db.begin().await?;
    let predecessor = store::body(&mut tx, field("predecessor")).await?;
    if predecessor.is_none() {
        errors.push(FieldError {
            field: "predecessor".into(),
            message: format!(
                "Predecessor: there is no body with the code {:?}",
                field("predecessor")
            ),
        });
    }
    let successor = store::body(&mut tx, field("successor")).await?;
    if successor.is_none() {
        errors.push(FieldError {
            field: "successor".into(),
            message: format!(
                "Successor: there is no body with the code {:?}",
                field("successor")
            ),
        });
    }
    if predecessor.is_some()
        && predecessor.as_ref().map(|b| b.id) == successor.as_ref().map(|b| b.id)
    {
        errors.push(FieldError {
            field: "successor".into(),
            message: "Successor: a body cannot succeed itself".into(),
        });
    }
    let date = chrono::NaiveDate::parse_from_str(field("effective_date"), "%Y-%m-%d").ok();
    if date.is_none() {
        errors.push(FieldError {
            field: "effective_date".into(),
            message: "Effective date: a date like 2013-04-01".into(),
        });
    }
    let kind = field("kind");
    if !["merger", "split", "transfer", "rename"].contains(&kind) {
        errors.push(FieldError {
            field: "kind".into(),
            message: "Kind: merger, split, transfer or rename".into(),
        });
    }
    let share = match field("share") {
        "" if kind == "split" => {
            errors.push(FieldError {
                field: "share".into(),
                message:
                    "Share: a split needs the share of the baseline this successor takes, like 60%"
                        .into(),
            });
            None
        }
        "" => None,
        text => match Share::parse(text) {
            Some(s) => Some(s),
            None => {
                errors.push(FieldError {
                    field: "share".into(),
                    message: "Share: a percentage from 0% to 100% with at most four decimal places"
                        .into(),
                });
                None
            }
        },
    };
    if let (Some(p), Some(s), Some(date), true) =
        (&predecessor, &successor, date, errors.is_empty())
    {
        let mut all = store::successions(&mut tx).await?;
        all.retain(|x| !(x.predecessor.0 == p.id && x.successor.0 == s.id));
        all.push(Succession {
            predecessor: OrgId(p.id),
            successor: OrgId(s.id),
            effective: date,
            share,
        });
        let total: u64 = all
            .iter()
            .filter(|x| x.predecessor.0 == p.id)
            .filter_map(|x| x.share)
            .map(|x| u64::from(x.ppm()))
            .sum();
        if total > u64::from(Share::WHOLE.ppm()) {
            errors.push(FieldError {
                field: "share".into(),
                message: format!(
                    "Share: {}'s successors would take more than 100% of its baseline",
                    p.name
                ),
            });
        }
        if descendants(&[s.id], &all).contains(&p.id) {
            errors.push(FieldError {
                field: "successor".into(),
                message: format!(
                    "Successor: {} already comes before {}; the successions would loop",
                    s.name, p.name
                ),
            });
        }
    }
    if field("source").chars().count() > MAX_SOURCE_CHARS {
        errors.push(FieldError {
            field: "source".into(),
            message: format!("Source: at most {MAX_SOURCE_CHARS} characters"),
        });
    }
    let (Some(p), Some(s), Some(date), true) = (predecessor, successor, date, errors.is_empty())
    else {
        return Err(AppError::Form {
            errors,
            values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        });
    };
    let (pc, sc) = (
        p.code
            .parse::<crate::domain::OrgCode>()
            .map_err(|e| AppError::internal(e.to_string()))?,
        s.code
            .parse::<crate::domain::OrgCode>()
            .map_err(|e| AppError::internal(e.to_string()))?,
    );
    let source = Some(field("source").trim()).filter(|t| !t.is_empty());
    crate::db::organisations::upsert_succession(
        &mut tx,
        &crate::db::organisations::NewSuccession {
            predecessor: &pc,
            successor: &sc,
            effective_date: date,
            kind,
            share,
            source,
        },
        true,
    )
    .await?;
    audit::record(
        &mut tx,
        &AuditEntry::by(user, &client.addr, "succession_recorded", "succession", format!("{}>{}", p.code, s.code)).after(serde_json::json!({ "effective_date": date.to_string(), "kind": kind, "share": share.map(|s| s.to_string()), "source": source })),
    )
    .await?;
    // Every successor of the predecessor inherits anew (a share recorded for one successor
    // completes or changes the others' inheritance too), and everything downstream of them.
    refresh(&mut tx, &[p.id, s.id]).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// A free-text note as typed, trimmed: refused when `required` (its message) and empty, or
/// longer than a note may be; the error names `field`.
fn checked_note<'a>(
    field: &str,
    label: &str,
    text: &'a str,
    required: Option<&str>,
) -> Result<&'a str, AppError> {
    let text = text.trim();
    if let (Some(message), true) = (required, text.is_empty()) {
        return Err(AppError::validation(field, message));
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::validation(
            field,
            format!("{label}: at most {MAX_NOTE_CHARS} characters"),
        ));
    }
    Ok(text)
}

/// The longest citation a succession or a body may carry.
const MAX_SOURCE_CHARS: usize = 500;

/// Adds a body the fixtures do not hold (a new public body, or a 2008-09 predecessor): `code`,
/// `name`, `sector`, `kind`, optional `start_date` and `end_date` (YYYY-MM-DD) and `notes` (its
/// source, and any date not found). Programme office only; audited. Every problem is named at
/// its field and nothing is written (ADR 0010, rule 9).
pub async fn add_body(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    form: &HashMap<String, String>,
) -> Result<String, AppError> {
    if user.role != Role::Admin {
        return Err(AppError::Forbidden);
    }
    let field = |name: &str| form.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut errors: Vec<FieldError> = Vec::new();
    let mut error = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.into(),
            message,
        })
    };
    let code = field("code").parse::<crate::domain::OrgCode>().ok();
    if code.is_none() {
        error(
            "code",
            "Code: 2 to 64 lower-case letters, digits and single hyphens, like college-ayr".into(),
        );
    }
    let name = field("name");
    if name.is_empty() || name.chars().count() > 200 {
        error(
            "name",
            "Name: the body's name, at most 200 characters".into(),
        );
    }
    let sector = field("sector").parse::<Sector>().ok();
    if sector.is_none() {
        error("sector", "Sector: choose the body's sector".into());
    }
    let kind = field("kind");
    if kind.is_empty() || kind.chars().count() > 100 {
        error(
            "kind",
            "Kind: what sort of body it is, like College or NDPB (at most 100 characters)".into(),
        );
    }
    let mut date = |name: &str, label: &str| -> Option<chrono::NaiveDate> {
        let text = field(name);
        if text.is_empty() {
            return None;
        }
        let parsed = chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        if parsed.is_none() {
            error(
                name,
                format!("{label}: a date like 2013-04-01, or leave it blank if it is not known"),
            );
        }
        parsed
    };
    let start = date("start_date", "Start date");
    let end = date("end_date", "End date");
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            error(
                "end_date",
                format!("End date: {end} is before the start date {start}; a body cannot end before it starts"),
            );
        }
    }
    let notes = field("notes");
    if notes.chars().count() > MAX_NOTE_CHARS {
        error(
            "notes",
            format!("Notes: at most {MAX_NOTE_CHARS} characters"),
        );
    }
    let mut tx = db.begin().await?;
    if let Some(code) = &code {
        if crate::db::organisations::code_exists(&mut tx, code).await? {
            error(
                "code",
                format!("Code: there is already a body with the code {code}"),
            );
        }
    }
    let (Some(code), Some(sector), true) = (code, sector, errors.is_empty()) else {
        return Err(AppError::Form {
            errors,
            values: form.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        });
    };
    let org = crate::db::organisations::NewOrganisation {
        code: code.clone(),
        name: name.to_owned(),
        sector,
        kind: kind.to_owned(),
        start_date: start,
        end_date: end,
        notes: Some(notes.to_owned()).filter(|n| !n.is_empty()),
    };
    crate::db::organisations::upsert(&mut tx, &org).await?;
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            "organisation_added",
            "organisation",
            &code,
        )
        .after(serde_json::json!({
            "name": org.name, "sector": sector.code(), "kind": org.kind,
            "start_date": start.map(|d| d.to_string()), "end_date": end.map(|d| d.to_string()),
            "notes": org.notes,
        })),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(code.to_string())
}

// ---------------------------------------------------------------- breakdowns for the dashboard

/// Savings over a range of years, broken down for the programme dashboard.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Breakdown {
    /// Spend-based savings over the range, by sector (sectors with counted returns).
    pub by_sector: Vec<(Sector, Money)>,
    /// Spend-based savings over the range, by category.
    pub by_category: Vec<(SpendCategory, Money)>,
    /// Initiative-based net savings (nominal) by year of the range.
    pub initiatives_by_year: Vec<(FinancialYear, Money)>,
    /// Initiative-based net savings over the range, by sector and by class.
    pub initiatives_by_sector: Vec<(Sector, Money)>,
    pub initiatives_by_class: Vec<(crate::domain::savings::SavingClass, Money)>,
    /// Years left out for want of a deflator, and similar problems.
    pub problems: Vec<String>,
}

/// Spend-based savings by sector and category, and initiative-based savings by year, sector
/// and class, over `from..=to` (board and office). `sector` narrows everything to one sector.
pub async fn breakdown(
    db: &Db,
    user: &CurrentUser,
    basis: Option<&str>,
    sector: Option<Sector>,
    from: FinancialYear,
    to: FinancialYear,
) -> Result<Breakdown, AppError> {
    if !user.role.reads_all_organisations() {
        return Err(AppError::Forbidden);
    }
    let engine = Engine::shared(db, None, None).await?;
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let basis = basis_of(basis.filter(|b| !b.is_empty()), &engine)?;
    let in_range = |y: FinancialYear| y >= from && y <= to;
    let mut out = Breakdown::default();
    let mut categories: BTreeMap<SpendCategory, Decimal> = BTreeMap::new();
    for s in Sector::ALL
        .iter()
        .filter(|s| sector.is_none_or(|x| x == **s))
    {
        let scope = Scope {
            sector: Some(s.code().to_owned()),
            org: None,
        };
        let sums: Vec<FactSum> = store::fact_sums(&mut conn, &scope)
            .await?
            .into_iter()
            .filter(|f| in_range(f.year))
            .collect();
        if sums.is_empty() {
            continue;
        }
        let figures = evaluate_years(&sums, basis, &engine.deflators, &mut out.problems);
        let mut total = Decimal::ZERO;
        for year in figures.keys() {
            let of_year: Vec<FactSum> = sums.iter().filter(|f| f.year == *year).cloned().collect();
            if let Ok(by_category) = evaluate(&of_year, basis, &engine.deflators) {
                for ((_, category), f) in by_category {
                    *categories.entry(category).or_default() += f.saving();
                    total += f.saving();
                }
            }
        }
        out.by_sector.push((*s, to_money(total)));
    }
    out.problems.sort();
    out.problems.dedup();
    out.by_category = categories
        .into_iter()
        .map(|(c, d)| (c, to_money(d)))
        .collect();

    let scope = Scope {
        sector: sector.map(|s| s.code().to_owned()),
        org: None,
    };
    // Each saving once: a provider's claim that a consumer's counts instead is left out.
    let (list, _) = initiative::once_only(&store::initiatives(&mut conn, &scope).await?);
    let sector_of = |org: OrgId| {
        engine
            .by_id
            .get(&org.0)
            .map_or(Sector::OtherPublicBodies, |i| {
                engine.sector(&engine.bodies[*i])
            })
    };
    let mut by_sector: BTreeMap<Sector, Money> = BTreeMap::new();
    let mut by_class: BTreeMap<crate::domain::savings::SavingClass, Money> = BTreeMap::new();
    let add = |a: Money, b: Money| a.checked_add(b).unwrap_or(a);
    let mut year = Some(from);
    while let Some(y) = year.filter(|y| *y <= to) {
        let mut total = Money::ZERO;
        for i in &list {
            let net = i.net_in(y);
            if net == Money::ZERO {
                continue;
            }
            total = add(total, net);
            let e = by_sector.entry(sector_of(i.org)).or_insert(Money::ZERO);
            *e = add(*e, net);
            let e = by_class.entry(i.class).or_insert(Money::ZERO);
            *e = add(*e, net);
        }
        out.initiatives_by_year.push((y, total));
        year = y.next();
    }
    out.initiatives_by_sector = by_sector.into_iter().collect();
    out.initiatives_by_class = by_class.into_iter().collect();
    Ok(out)
}
