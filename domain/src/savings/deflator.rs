//! Real terms: HM Treasury GDP deflators at market prices, by financial year.
//!
//! Policy: an amount in year Y's prices becomes base-year prices by multiplying it by
//! `index(base) / index(Y)`. That ratio is rounded once, half to even, to `FACTOR_DP` decimal
//! places (the only rounding in real terms); the product is kept exact (a `Decimal`), so sums of
//! real-terms figures are exact and a total deflated at once equals the sum of its deflated parts.
//! With the base year equal to the year the factor is exactly 1 (real terms are the identity).
//! A missing index is an error that names the year, never a silent 1.

use crate::FinancialYear;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Decimal places of a deflation factor (`index(base) / index(year)`).
pub const FACTOR_DP: u32 = 10;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum DeflatorError {
    #[error("no GDP deflator is recorded for {0}: real terms cannot be computed for it")]
    Missing(FinancialYear),
    #[error("the GDP deflator for {0} must be a positive index, not {1}")]
    NotPositive(FinancialYear, Decimal),
}

/// Nominal (cash) or real terms at a base year's prices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Basis {
    Nominal,
    Real { base: FinancialYear },
}

impl Basis {
    /// "nominal" or "real-2023-24": how the choice appears in URLs and exports.
    pub fn code(self) -> String {
        match self {
            Basis::Nominal => "nominal".to_owned(),
            Basis::Real { base } => format!("real-{base}"),
        }
    }

    pub fn parse(text: &str) -> Option<Basis> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("nominal") || text.is_empty() {
            return Some(Basis::Nominal);
        }
        let year = text.strip_prefix("real-")?;
        year.parse().ok().map(|base| Basis::Real { base })
    }
}

impl fmt::Display for Basis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Basis::Nominal => f.write_str("nominal (cash) terms"),
            Basis::Real { base } => write!(f, "real terms at {base} prices"),
        }
    }
}

/// The deflator series of one release.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deflators {
    /// The release the values come from, e.g. "HM Treasury, GDP deflators at market prices…".
    pub release: String,
    values: BTreeMap<FinancialYear, Decimal>,
}

impl Deflators {
    pub fn new(
        release: impl Into<String>,
        values: impl IntoIterator<Item = (FinancialYear, Decimal)>,
    ) -> Result<Self, DeflatorError> {
        let values: BTreeMap<_, _> = values.into_iter().collect();
        if let Some((year, value)) = values.iter().find(|(_, v)| **v <= Decimal::ZERO) {
            return Err(DeflatorError::NotPositive(*year, *value));
        }
        Ok(Self {
            release: release.into(),
            values,
        })
    }

    pub fn index(&self, year: FinancialYear) -> Option<Decimal> {
        self.values.get(&year).copied()
    }

    pub fn years(&self) -> impl Iterator<Item = (FinancialYear, Decimal)> + '_ {
        self.values.iter().map(|(y, v)| (*y, *v))
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The factor that takes an amount in `prices` year's prices to `basis`.
    pub fn factor(&self, prices: FinancialYear, basis: Basis) -> Result<Decimal, DeflatorError> {
        let base = match basis {
            Basis::Nominal => return Ok(Decimal::ONE),
            Basis::Real { base } if base == prices => return Ok(Decimal::ONE),
            Basis::Real { base } => base,
        };
        let to = self.index(base).ok_or(DeflatorError::Missing(base))?;
        let from = self.index(prices).ok_or(DeflatorError::Missing(prices))?;
        Ok((to / from).round_dp_with_strategy(FACTOR_DP, RoundingStrategy::MidpointNearestEven))
    }
}

/// A made-up series for tests: 2008-09 to 2024-25, rising by 2.5 points a year from 60.
#[cfg(test)]
pub(crate) fn sample() -> Deflators {
    Deflators::new(
        "test",
        (2008..=2024).filter_map(|y| {
            Some((
                FinancialYear::starting(y).ok()?,
                rust_decimal::Decimal::new(6_000 + 250 * i64::from(y - 2008), 2),
            ))
        }),
    )
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::starting(y).unwrap()
    }

    fn series() -> Deflators {
        Deflators::new(
            "test",
            [
                (fy(2008), Decimal::new(80, 0)),
                (fy(2013), Decimal::new(88, 0)),
                (fy(2023), Decimal::new(100, 0)),
            ],
        )
        .unwrap()
    }

    #[test]
    fn a_factor_is_the_ratio_of_the_indices_rounded_once() {
        // 100 / 88 = 1.136363636363… → 1.1363636364 at ten places.
        assert_eq!(
            series().factor(fy(2013), Basis::Real { base: fy(2023) }),
            Ok(Decimal::new(11_363_636_364, 10))
        );
        assert_eq!(
            series().factor(fy(2008), Basis::Real { base: fy(2023) }),
            Ok(Decimal::new(125, 2))
        );
        assert_eq!(series().factor(fy(2008), Basis::Nominal), Ok(Decimal::ONE));
    }

    #[test]
    fn a_missing_year_is_named() {
        assert_eq!(
            series().factor(fy(2010), Basis::Real { base: fy(2023) }),
            Err(DeflatorError::Missing(fy(2010)))
        );
        assert_eq!(
            series().factor(fy(2008), Basis::Real { base: fy(2030) }),
            Err(DeflatorError::Missing(fy(2030)))
        );
        assert!(matches!(
            Deflators::new("x", [(fy(2008), Decimal::ZERO)]),
            Err(DeflatorError::NotPositive(_, _))
        ));
    }

    #[test]
    fn bases_print_and_parse() {
        for basis in [Basis::Nominal, Basis::Real { base: fy(2016) }] {
            assert_eq!(Basis::parse(&basis.code()), Some(basis));
        }
        assert_eq!(
            Basis::parse("real-2016/17"),
            Some(Basis::Real { base: fy(2016) })
        );
        assert_eq!(Basis::parse("real"), None);
    }

    proptest! {
        /// Real terms with the base year equal to the year is the identity, even for a year
        /// with no recorded deflator.
        #[test]
        fn the_base_year_itself_is_the_identity(start in 1990i32..2098, pence in any::<i64>()) {
            let year = fy(start);
            let factor = Deflators::default().factor(year, Basis::Real { base: year }).unwrap();
            prop_assert_eq!(factor, Decimal::ONE);
            let amount = Decimal::new(pence, 2);
            prop_assert_eq!(amount * factor, amount);
        }
    }
}
