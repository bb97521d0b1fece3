//! One body's savings year by year, and "how this was calculated" for a body and year.

use crate::access::ReadBody;
use crate::db::savings::{self as store, BodyYearRow, Scope};
use crate::db::{returns, Db, DbError};
use crate::domain::savings::spend::{cumulative, explain, to_money};
use crate::domain::savings::target::rate;
use crate::domain::savings::{
    Actual, ApportionMethod, BaselineIssue, Basis, EffectiveBaseline, Figures, Rag,
};
use crate::domain::{FinancialYear, Money, OrgId};
use crate::error::AppError;
use crate::model::savings::*;
use crate::services::body_row;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::engine::{basis_of, evaluate_years, exact, Engine};
use super::FIRST_YEAR;

// ---------------------------------------------------------------- one body

/// One body's savings year by year, with its baseline's sources and its targets.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code(), ?basis))]
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn body(
    db: &Db,
    read: &ReadBody<'_>,
    basis: Option<&str>,
) -> Result<BodySavings, AppError> {
    let actor = read.actor();
    let code = read.code();
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
        may_explain: actor.can_write_body(code),
        may_record_baseline: actor.can_write_body(code),
        initiatives: crate::services::initiatives::initiative_views(
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
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code(), %fy, ?basis))]
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub async fn trace(
    db: &Db,
    read: &ReadBody<'_>,
    fy: FinancialYear,
    basis: Option<&str>,
) -> Result<TraceView, AppError> {
    let code = read.code();
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
