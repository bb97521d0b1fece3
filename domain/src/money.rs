//! `Money`: an amount of pounds sterling held as whole pence.
//!
//! Policy: amounts are exact. Arithmetic is checked and fails rather than wraps; a value with
//! fractions of a penny only becomes `Money` through a function that names its rounding
//! strategy. Every value fits an `i64` count of pence, which is how the database stores it.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why an amount could not become `Money`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount has fractions of a penny: {0}")]
    FractionOfPenny(Decimal),
    #[error("amount is too large")]
    Overflow,
    #[error("{0:?} is not an amount of money (expected pounds and pence, like 1234.56)")]
    NotANumber(String),
}

/// An amount in pounds sterling, always a whole number of pence.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(try_from = "Decimal", into = "Decimal")]
pub struct Money(Decimal);

impl Money {
    pub const ZERO: Money = Money(Decimal::ZERO);

    /// Money from a count of pence; every `i64` is valid.
    pub fn from_pence(pence: i64) -> Money {
        Money(Decimal::new(pence, 2))
    }

    /// Whole pounds (for reference figures such as "£875m").
    pub fn from_pounds(pounds: i64) -> Result<Money, MoneyError> {
        pounds
            .checked_mul(100)
            .map(Money::from_pence)
            .ok_or(MoneyError::Overflow)
    }

    /// The amount in pence. Exact: a `Money` always holds whole pence within `i64`.
    pub fn pence(self) -> i64 {
        // Invariant of every constructor: whole pence that fit an i64.
        (self.0 * Decimal::ONE_HUNDRED).to_i64().unwrap_or(0)
    }

    /// The amount in pounds as a decimal (for display and for rates).
    pub fn as_decimal(self) -> Decimal {
        self.0
    }

    /// An exact amount; fails on fractions of a penny instead of rounding.
    pub fn from_decimal_exact(value: Decimal) -> Result<Money, MoneyError> {
        let scaled = value
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or(MoneyError::Overflow)?;
        if !scaled.fract().is_zero() {
            return Err(MoneyError::FractionOfPenny(value));
        }
        Self::checked_from_scaled(scaled)
    }

    /// Rounds a computed amount (a rate times money, a share of a total) to whole pence with
    /// the named strategy. The only way a fraction of a penny becomes `Money`.
    pub fn from_decimal_rounded(
        value: Decimal,
        strategy: RoundingStrategy,
    ) -> Result<Money, MoneyError> {
        let scaled = value
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or(MoneyError::Overflow)?;
        Self::checked_from_scaled(scaled.round_dp_with_strategy(0, strategy))
    }

    fn checked_from_scaled(whole_pence: Decimal) -> Result<Money, MoneyError> {
        whole_pence
            .to_i64()
            .map(Money::from_pence)
            .ok_or(MoneyError::Overflow)
    }

    /// Parses pounds and pence as typed by a person: `1234.56`, `£1,234.56`, `-12`, `1 234`.
    /// More than two decimal places is an error, never rounded.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let cleaned: String = text
            .trim()
            .chars()
            .filter(|c| !matches!(c, '£' | ',' | ' ' | '\u{a0}'))
            .collect();
        if cleaned.is_empty() {
            return Err(MoneyError::NotANumber(text.to_owned()));
        }
        let value: Decimal = cleaned
            .parse()
            .map_err(|_| MoneyError::NotANumber(text.to_owned()))?;
        Money::from_decimal_exact(value)
    }

    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        Self::checked_from_scaled(Decimal::from(self.pence()) + Decimal::from(other.pence()))
    }

    pub fn checked_sub(self, other: Money) -> Result<Money, MoneyError> {
        Self::checked_from_scaled(Decimal::from(self.pence()) - Decimal::from(other.pence()))
    }

    pub fn checked_neg(self) -> Result<Money, MoneyError> {
        self.pence()
            .checked_neg()
            .map(Money::from_pence)
            .ok_or(MoneyError::Overflow)
    }

    /// The exact sum of many amounts; fails on overflow rather than wrapping.
    pub fn sum<I: IntoIterator<Item = Money>>(items: I) -> Result<Money, MoneyError> {
        items.into_iter().try_fold(Money::ZERO, Money::checked_add)
    }

    pub fn is_negative(self) -> bool {
        self.0.is_sign_negative() && !self.0.is_zero()
    }

    /// Millions of pounds, rounded half away from zero to `dp` places, for headline figures
    /// ("£1,400m"). Display only: never feed the result back into a calculation.
    pub fn display_millions(self, dp: u32) -> String {
        let millions = (self.0 / Decimal::from(1_000_000))
            .round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
        let sign = if millions.is_sign_negative() && !millions.is_zero() {
            "-"
        } else {
            ""
        };
        format!("{sign}£{}m", group_thousands(&millions.abs().to_string()))
    }
}

impl TryFrom<Decimal> for Money {
    type Error = MoneyError;
    fn try_from(value: Decimal) -> Result<Self, Self::Error> {
        Money::from_decimal_exact(value)
    }
}

impl From<Money> for Decimal {
    fn from(value: Money) -> Self {
        value.0
    }
}

/// `£1,234.56`, or `-£1,234.56`.
impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.is_negative() { "-" } else { "" };
        let abs = self.0.abs();
        let text = format!("{:.2}", abs);
        write!(f, "{sign}£{}", group_thousands(&text))
    }
}

/// Inserts thousands separators into the integer part of a plain decimal string.
fn group_thousands(number: &str) -> String {
    let (int_part, frac_part) = match number.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (number, None),
    };
    let mut grouped = String::with_capacity(int_part.len() + int_part.len() / 3);
    for (i, ch) in int_part.chars().enumerate() {
        if i > 0 && (int_part.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    match frac_part {
        Some(f) => format!("{grouped}.{f}"),
        None => grouped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn pence_and_pounds_agree() {
        assert_eq!(Money::from_pence(123_456).as_decimal(), dec!(1234.56));
        assert_eq!(
            Money::from_pounds(875_000_000).map(Money::pence),
            Ok(87_500_000_000)
        );
    }

    #[test]
    fn display_groups_thousands_and_shows_pence() {
        assert_eq!(Money::from_pence(123_456_789).to_string(), "£1,234,567.89");
        assert_eq!(Money::from_pence(-5).to_string(), "-£0.05");
        assert_eq!(Money::ZERO.to_string(), "£0.00");
    }

    #[test]
    fn millions_are_rounded_only_for_display() {
        let m = Money::from_pounds(1_595_000_000).unwrap_or_default();
        assert_eq!(m.display_millions(0), "£1,595m");
        assert_eq!(
            Money::from_pounds(56_100_000)
                .unwrap_or_default()
                .display_millions(1),
            "£56.1m"
        );
    }

    #[test]
    fn fractions_of_a_penny_are_refused_not_rounded() {
        assert_eq!(
            Money::from_decimal_exact(dec!(1.005)),
            Err(MoneyError::FractionOfPenny(dec!(1.005)))
        );
        assert!(Money::parse("12.345").is_err());
    }

    #[test]
    fn rounding_names_its_strategy() {
        let third = dec!(100) / dec!(3);
        assert_eq!(
            Money::from_decimal_rounded(third, RoundingStrategy::MidpointNearestEven)
                .map(Money::pence),
            Ok(3333)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(0.125), RoundingStrategy::MidpointNearestEven)
                .map(Money::pence),
            Ok(12)
        );
        assert_eq!(
            Money::from_decimal_rounded(dec!(0.125), RoundingStrategy::MidpointAwayFromZero)
                .map(Money::pence),
            Ok(13)
        );
    }

    #[test]
    fn parse_accepts_what_people_type() {
        assert_eq!(Money::parse("£1,234.56").map(Money::pence), Ok(123_456));
        assert_eq!(Money::parse(" 1 000 ").map(Money::pence), Ok(100_000));
        assert_eq!(Money::parse("-12.5").map(Money::pence), Ok(-1250));
        assert!(matches!(
            Money::parse("twelve"),
            Err(MoneyError::NotANumber(_))
        ));
        assert!(matches!(Money::parse(""), Err(MoneyError::NotANumber(_))));
    }

    #[test]
    fn overflow_is_an_error_not_a_wrap() {
        let max = Money::from_pence(i64::MAX);
        assert_eq!(
            max.checked_add(Money::from_pence(1)),
            Err(MoneyError::Overflow)
        );
        assert_eq!(
            Money::from_pence(i64::MIN).checked_neg(),
            Err(MoneyError::Overflow)
        );
        assert_eq!(Money::from_pounds(i64::MAX), Err(MoneyError::Overflow));
    }

    #[test]
    fn serde_refuses_fractions_of_a_penny() {
        assert!(serde_json::from_str::<Money>("\"1.001\"").is_err());
        assert_eq!(
            serde_json::from_str::<Money>("\"1.01\"")
                .map(Money::pence)
                .ok(),
            Some(101)
        );
    }

    proptest! {
        #[test]
        fn money_survives_the_round_trip_through_pence(p in any::<i64>()) {
            prop_assert_eq!(Money::from_pence(p).pence(), p);
        }

        #[test]
        fn money_survives_display_and_parse(p in -10_i64.pow(15)..10_i64.pow(15)) {
            let m = Money::from_pence(p);
            prop_assert_eq!(Money::parse(&m.to_string()), Ok(m));
        }

        #[test]
        fn sums_are_exact(items in proptest::collection::vec(-10_i64.pow(12)..10_i64.pow(12), 0..200)) {
            let expected: i128 = items.iter().map(|&p| i128::from(p)).sum();
            let total = Money::sum(items.iter().copied().map(Money::from_pence));
            prop_assert_eq!(total.map(|m| i128::from(m.pence())), Ok(expected));
        }

        #[test]
        fn subtraction_undoes_addition(a in -10_i64.pow(15)..10_i64.pow(15), b in -10_i64.pow(15)..10_i64.pow(15)) {
            let (a, b) = (Money::from_pence(a), Money::from_pence(b));
            prop_assert_eq!(a.checked_add(b).and_then(|s| s.checked_sub(b)), Ok(a));
        }
    }
}
