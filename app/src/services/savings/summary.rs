//! The national and sector savings summary (board and office) and the figures the review
//! reported.

use crate::access::ReadAll;
use crate::db::savings::{self as store, BodyRow, Scope};
use crate::db::{Db, DbError};
use crate::domain::savings::spend::{by_year, cumulative, evaluate, to_money};
use crate::domain::savings::target::rate;
use crate::domain::savings::{initiative, ApportionMethod, Basis, FactSum, Figures};
use crate::domain::{FinancialYear, Money, OrgId, Sector, SpendCategory};
use crate::error::AppError;
use crate::model::savings::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::engine::{basis_of, evaluate_years, percent, Engine};
use super::FIRST_YEAR;

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
#[tracing::instrument(skip_all, fields(user = cap.user().id, ?q))]
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn summary(
    db: &Db,
    cap: &ReadAll<'_>,
    q: &SummaryQuery,
) -> Result<SavingsSummary, AppError> {
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
pub(super) const REVIEW_FIVE_YEAR_MINIMUM_POUNDS: i64 = 870_000_000;

/// The figures reported at the time (`fixtures/reported_figures.csv`), each with its share of
/// the review's minimum, computed here (ADR 0010, rule 11).
pub fn reported_figures() -> Vec<ReportedFigureView> {
    let text = include_str!("../../../../fixtures/reported_figures.csv");
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
