//! Carbon: electricity kWh × the UK Government GHG conversion factor (UK electricity,
//! generation, scope 2, kgCO2e/kWh) of the year (`shared/DOMAIN.md` §8).
//!
//! Policy: the factor set of the calendar year in which a financial year starts applies to it
//! (2019 for 2019-20). Values are exact decimals; kg are exact; tonnes are shown rounded.

use crate::FinancialYear;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The conversion factors, by calendar year.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CarbonFactors {
    values: BTreeMap<i32, Decimal>,
    /// Whether every value was checked against the official release.
    pub verified: bool,
}

impl CarbonFactors {
    pub fn new(values: impl IntoIterator<Item = (i32, Decimal)>, verified: bool) -> Self {
        Self {
            values: values.into_iter().collect(),
            verified,
        }
    }

    /// kgCO2e per kWh for a financial year, if a factor is recorded.
    pub fn factor(&self, year: FinancialYear) -> Option<Decimal> {
        self.values.get(&year.start_year()).copied()
    }

    /// kgCO2e of `kwh` of electricity used in `year`; `None` without a factor.
    pub fn kg(&self, kwh: i64, year: FinancialYear) -> Option<Decimal> {
        self.factor(year).map(|f| Decimal::from(kwh) * f)
    }
}

/// Tonnes for display, to one decimal place.
pub fn tonnes(kg: Decimal) -> Decimal {
    (kg / Decimal::ONE_THOUSAND)
        .round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_financial_year_takes_the_factor_of_the_year_it_starts_in() {
        let factors = CarbonFactors::new([(2019, Decimal::new(2556, 4))], false);
        let fy = FinancialYear::starting(2019).unwrap();
        // 1,250,000 kWh × 0.2556 = 319,500 kgCO2e = 319.5 t.
        assert_eq!(factors.kg(1_250_000, fy), Some(Decimal::from(319_500)));
        assert_eq!(tonnes(Decimal::from(319_500)), Decimal::new(3195, 1));
        assert_eq!(factors.kg(1, FinancialYear::starting(2008).unwrap()), None);
    }
}
