//! Spend-based savings: a body's baseline minus its actual spend, by category and year.
//!
//! Policy (issue 6; `shared/DOMAIN.md` §6):
//! - The unit is a *fact*: an amount at one year's prices, either a baseline part or an actual
//!   line, for one body, year and category. A body-year counts only when it has both a baseline
//!   and a counted return; otherwise it is listed as not counted, never treated as zero.
//! - In real terms each fact is multiplied by its deflation factor (`deflator`) and kept exact,
//!   so any total — a body, a sector, the nation — is the same whether computed from the bodies'
//!   figures or from the facts summed first (the read model's path). Rounding to pence happens
//!   only for display.
//! - Annual savings are counted from 2012-13, when the review's savings start; cumulative
//!   savings add the annual ones from 2012-13 to the year.

use super::baseline::EffectiveBaseline;
use super::deflator::{Basis, DeflatorError, Deflators};
use crate::{FinancialYear, Money, OrgId, SpendCategory};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The first year of savings (review §13: savings in external spend from 2012-13).
pub const FIRST_SAVINGS_YEAR: i32 = 2012;

/// Whether a fact is a baseline amount or an actual one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum FactRole {
    Baseline,
    Actual,
}

impl FactRole {
    pub fn code(self) -> &'static str {
        match self {
            FactRole::Baseline => "baseline",
            FactRole::Actual => "actual",
        }
    }
    pub fn parse(text: &str) -> Option<FactRole> {
        match text {
            "baseline" => Some(FactRole::Baseline),
            "actual" => Some(FactRole::Actual),
            _ => None,
        }
    }
}

/// The return counted as a body's actual spend for a year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actual {
    pub org: OrgId,
    pub year: FinancialYear,
    pub return_id: i64,
    pub version: i64,
    /// Submitted but not yet approved by the board.
    pub provisional: bool,
    /// Capital plus revenue per category.
    pub amounts: BTreeMap<SpendCategory, Money>,
}

/// One amount at one year's prices: the read model's row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Fact {
    pub org: OrgId,
    pub year: FinancialYear,
    pub category: SpendCategory,
    pub role: FactRole,
    pub prices: FinancialYear,
    pub amount: Money,
}

/// The facts of one body-year: its baseline parts (grouped by category and price year) and its
/// actual lines. Categories with nothing on either side are left out.
pub fn facts(baseline: &EffectiveBaseline, actual: &Actual) -> Vec<Fact> {
    let mut out: Vec<Fact> = baseline
        .priced()
        .into_iter()
        .map(|((category, prices), amount)| Fact {
            org: actual.org,
            year: actual.year,
            category,
            role: FactRole::Baseline,
            prices,
            amount,
        })
        .collect();
    out.extend(actual.amounts.iter().map(|(category, amount)| Fact {
        org: actual.org,
        year: actual.year,
        category: *category,
        role: FactRole::Actual,
        prices: actual.year,
        amount: *amount,
    }));
    out.retain(|f| f.amount != Money::ZERO);
    out.sort();
    out
}

/// A baseline and an actual amount on one basis, exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub baseline: Decimal,
    pub actual: Decimal,
}

impl Figures {
    pub fn saving(&self) -> Decimal {
        self.baseline - self.actual
    }

    pub fn add(&mut self, other: Figures) {
        self.baseline += other.baseline;
        self.actual += other.actual;
    }
}

/// Facts already summed by year, category, role and price year (what `GROUP BY` returns).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FactSum {
    pub year: FinancialYear,
    pub category: SpendCategory,
    pub role: FactRole,
    pub prices: FinancialYear,
    pub pence: i64,
}

impl From<&Fact> for FactSum {
    fn from(fact: &Fact) -> Self {
        FactSum {
            year: fact.year,
            category: fact.category,
            role: fact.role,
            prices: fact.prices,
            pence: fact.amount.pence(),
        }
    }
}

/// The figures by year and category of any set of summed facts, on a basis.
pub fn evaluate(
    sums: &[FactSum],
    basis: Basis,
    deflators: &Deflators,
) -> Result<BTreeMap<(FinancialYear, SpendCategory), Figures>, DeflatorError> {
    let mut out: BTreeMap<(FinancialYear, SpendCategory), Figures> = BTreeMap::new();
    for sum in sums {
        let value = Decimal::new(sum.pence, 2) * deflators.factor(sum.prices, basis)?;
        let figures = out.entry((sum.year, sum.category)).or_default();
        match sum.role {
            FactRole::Baseline => figures.baseline += value,
            FactRole::Actual => figures.actual += value,
        }
    }
    Ok(out)
}

/// Adds figures by year (over categories).
pub fn by_year(
    figures: &BTreeMap<(FinancialYear, SpendCategory), Figures>,
) -> BTreeMap<FinancialYear, Figures> {
    let mut out: BTreeMap<FinancialYear, Figures> = BTreeMap::new();
    for ((year, _), f) in figures {
        out.entry(*year).or_default().add(*f);
    }
    out
}

/// Cumulative savings from 2012-13: each year's value is the sum of the annual savings from
/// 2012-13 up to and including it. Years before 2012-13 are left out.
pub fn cumulative(annual: &BTreeMap<FinancialYear, Decimal>) -> BTreeMap<FinancialYear, Decimal> {
    let mut running = Decimal::ZERO;
    annual
        .iter()
        .filter(|(year, _)| year.start_year() >= FIRST_SAVINGS_YEAR)
        .map(|(year, saving)| {
            running += *saving;
            (*year, running)
        })
        .collect()
}

/// Rounds an exact figure to pence for display (half to even: no drift in long columns).
pub fn to_money(value: Decimal) -> Money {
    Money::from_decimal_rounded(value, rust_decimal::RoundingStrategy::MidpointNearestEven)
        .unwrap_or(Money::ZERO)
}

/// One input of a trace line: an amount, its price year, the factor and the result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceTerm {
    /// Where it came from, in words: "Fife Council baseline version 2 (2008-09)" is built by
    /// the service from `source`, `source_version` and `via`.
    pub source: OrgId,
    pub source_version: i64,
    pub via: Vec<OrgId>,
    pub prices: FinancialYear,
    pub amount: Money,
    pub index_from: Option<Decimal>,
    pub index_to: Option<Decimal>,
    pub factor: Decimal,
    pub value: Decimal,
}

/// How one category's saving was computed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TraceLine {
    pub category: SpendCategory,
    pub baseline: Vec<TraceTerm>,
    pub actual: Option<TraceTerm>,
    pub figures: Figures,
}

/// How a body's spend-based saving for a year was computed: every input and every step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trace {
    pub org: OrgId,
    pub year: FinancialYear,
    pub basis: Basis,
    pub deflator_release: Option<String>,
    pub return_id: i64,
    pub return_version: i64,
    pub provisional: bool,
    pub lines: Vec<TraceLine>,
    pub total: Figures,
}

/// The trace of one body-year. Its total equals `evaluate` of the same body-year's facts.
pub fn explain(
    baseline: &EffectiveBaseline,
    actual: &Actual,
    basis: Basis,
    deflators: &Deflators,
) -> Result<Trace, DeflatorError> {
    let base_index = |prices: FinancialYear| match basis {
        Basis::Nominal => (None, None),
        Basis::Real { base } => (deflators.index(prices), deflators.index(base)),
    };
    let mut lines = Vec::new();
    let mut total = Figures::default();
    for category in SpendCategory::ALL {
        let mut terms = Vec::new();
        for part in baseline.parts.iter().filter(|p| p.category == category) {
            let factor = deflators.factor(part.year, basis)?;
            let (index_from, index_to) = base_index(part.year);
            terms.push(TraceTerm {
                source: part.source,
                source_version: part.source_version,
                via: part.via.iter().map(|(org, _)| *org).collect(),
                prices: part.year,
                amount: part.amount,
                index_from,
                index_to,
                factor,
                value: part.amount.as_decimal() * factor,
            });
        }
        let actual_term = match actual.amounts.get(&category) {
            Some(amount) => {
                let factor = deflators.factor(actual.year, basis)?;
                let (index_from, index_to) = base_index(actual.year);
                Some(TraceTerm {
                    source: actual.org,
                    source_version: actual.version,
                    via: Vec::new(),
                    prices: actual.year,
                    amount: *amount,
                    index_from,
                    index_to,
                    factor,
                    value: amount.as_decimal() * factor,
                })
            }
            None => None,
        };
        if terms.is_empty() && actual_term.is_none() {
            continue;
        }
        let figures = Figures {
            baseline: terms.iter().map(|t| t.value).sum(),
            actual: actual_term.as_ref().map_or(Decimal::ZERO, |t| t.value),
        };
        total.add(figures);
        lines.push(TraceLine {
            category,
            baseline: terms,
            actual: actual_term,
            figures,
        });
    }
    Ok(Trace {
        org: actual.org,
        year: actual.year,
        basis,
        deflator_release: matches!(basis, Basis::Real { .. }).then(|| deflators.release.clone()),
        return_id: actual.return_id,
        return_version: actual.version,
        provisional: actual.provisional,
        lines,
        total,
    })
}

#[cfg(test)]
mod tests {
    use super::super::baseline::{effective_baselines, RecordedBaseline};
    use super::*;
    use proptest::prelude::*;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::starting(y).unwrap()
    }

    fn deflators() -> Deflators {
        super::super::deflator::sample()
    }

    fn body(
        org: i64,
        baseline_pence: [i64; 3],
        actual: Vec<(i32, [i64; 3])>,
    ) -> (EffectiveBaseline, Vec<Actual>) {
        let cats = [
            SpendCategory::Hardware,
            SpendCategory::StaffCost,
            SpendCategory::Other,
        ];
        let recorded = RecordedBaseline {
            org: OrgId(org),
            year: fy(2008),
            version: 1,
            amounts: cats
                .iter()
                .zip(baseline_pence)
                .map(|(c, p)| (*c, Money::from_pence(p)))
                .collect(),
        };
        let (mut map, _) = effective_baselines(&[recorded], &[]);
        let baseline = map.remove(&OrgId(org)).unwrap();
        let actuals = actual
            .into_iter()
            .map(|(year, pence)| Actual {
                org: OrgId(org),
                year: fy(year),
                return_id: org * 100 + i64::from(year),
                version: 1,
                provisional: false,
                amounts: cats
                    .iter()
                    .zip(pence)
                    .map(|(c, p)| (*c, Money::from_pence(p)))
                    .collect(),
            })
            .collect();
        (baseline, actuals)
    }

    #[test]
    fn cumulative_savings_start_in_2012_13() {
        let annual: BTreeMap<_, _> = [
            (fy(2011), 5),
            (fy(2012), 10),
            (fy(2013), 20),
            (fy(2014), -5),
        ]
        .into_iter()
        .map(|(y, v)| (y, Decimal::from(v)))
        .collect();
        let running: Vec<_> = cumulative(&annual).into_values().collect();
        assert_eq!(
            running,
            vec![Decimal::from(10), Decimal::from(30), Decimal::from(25)]
        );
    }

    #[test]
    fn the_trace_adds_up_to_the_evaluated_facts() {
        let (baseline, actuals) = body(
            1,
            [100_000, 50_000, -2_000],
            vec![(2013, [80_000, 55_000, 0])],
        );
        for basis in [Basis::Nominal, Basis::Real { base: fy(2024) }] {
            let trace = explain(&baseline, &actuals[0], basis, &deflators()).unwrap();
            let sums: Vec<FactSum> = facts(&baseline, &actuals[0])
                .iter()
                .map(FactSum::from)
                .collect();
            let figures = by_year(&evaluate(&sums, basis, &deflators()).unwrap());
            assert_eq!(trace.total, figures[&fy(2013)], "{basis}");
            assert_eq!(trace.lines.len(), 3);
        }
    }

    #[test]
    fn a_missing_deflator_is_an_error_not_a_guess() {
        let (baseline, actuals) = body(1, [100, 0, 0], vec![(2030, [50, 0, 0])]);
        let sums: Vec<FactSum> = facts(&baseline, &actuals[0])
            .iter()
            .map(FactSum::from)
            .collect();
        assert_eq!(
            evaluate(&sums, Basis::Real { base: fy(2024) }, &deflators()),
            Err(DeflatorError::Missing(fy(2030)))
        );
    }

    proptest! {
        /// Per-body savings add up exactly to the total computed from the facts summed first
        /// (the path the read model and the dashboards take), nominal and real.
        #[test]
        fn per_body_savings_sum_exactly_to_the_totals(
            bodies in proptest::collection::vec(
                (proptest::array::uniform3(0i64..50_000_000_000),
                 proptest::collection::vec(proptest::array::uniform3(0i64..50_000_000_000), 1..6)),
                1..25),
            base in 2008i32..=2024,
        ) {
            let deflators = deflators();
            let mut all_facts = Vec::new();
            let mut per_body_total: BTreeMap<(Basis, FinancialYear), Decimal> = BTreeMap::new();
            let bases = [Basis::Nominal, Basis::Real { base: fy(base) }];
            for (i, (baseline_pence, years)) in bodies.into_iter().enumerate() {
                let actual: Vec<_> = years.into_iter().enumerate()
                    .map(|(k, p)| (2012 + k as i32, p)).collect();
                let (baseline, actuals) = body(i as i64 + 1, baseline_pence, actual);
                for a in &actuals {
                    for basis in bases {
                        let trace = explain(&baseline, a, basis, &deflators).unwrap();
                        *per_body_total.entry((basis, a.year)).or_default() += trace.total.saving();
                    }
                    all_facts.extend(facts(&baseline, a));
                }
            }
            // Sum the facts the way SQL would: by year, category, role and price year.
            let mut grouped: BTreeMap<(FinancialYear, SpendCategory, FactRole, FinancialYear), i64> = BTreeMap::new();
            for f in &all_facts {
                *grouped.entry((f.year, f.category, f.role, f.prices)).or_default() += f.amount.pence();
            }
            let sums: Vec<FactSum> = grouped.into_iter()
                .map(|((year, category, role, prices), pence)| FactSum { year, category, role, prices, pence })
                .collect();
            for basis in bases {
                let national = by_year(&evaluate(&sums, basis, &deflators).unwrap());
                for (year, figures) in national {
                    prop_assert_eq!(figures.saving(), per_body_total[&(basis, year)]);
                }
            }
        }
    }
}
