//! Savings over a range of years, broken down for the programme dashboard.

use crate::access::ReadAll;
use crate::db::savings::{self as store, Scope};
use crate::db::{Db, DbError};
use crate::domain::savings::spend::{evaluate, to_money};
use crate::domain::savings::{initiative, FactSum};
use crate::domain::{FinancialYear, Money, OrgId, Sector, SpendCategory};
use crate::error::AppError;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::engine::{basis_of, evaluate_years, Engine};

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
#[tracing::instrument(skip_all, fields(user = all.user().id, ?basis, ?sector, %from, %to))]
pub async fn breakdown(
    db: &Db,
    all: &ReadAll<'_>,
    basis: Option<&str>,
    sector: Option<Sector>,
    from: FinancialYear,
    to: FinancialYear,
) -> Result<Breakdown, AppError> {
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
