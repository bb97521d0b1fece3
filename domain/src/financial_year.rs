//! `FinancialYear`: the UK public-sector financial year, 1 April to 31 March.
//!
//! Policy: shown as "2012-13" (the form the McClelland review and Scottish budgets use),
//! stored as its start year. Parsing accepts the spellings found in returns: "2012-13",
//! "2012/13", "2012/2013", "2012-2013", and rejects a second year that does not follow the first.

use super::ParseError;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A financial year, identified by the calendar year in which it starts on 1 April.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FinancialYear(i32);

const EXPECTED: &str = "a financial year like 2012-13 (also 2012/13 or 2012/2013)";

impl FinancialYear {
    /// The earliest year the tracker accepts: well before the review's 2008-09 baseline.
    pub const FIRST_START: i32 = 1990;
    /// The latest start year; "2098-99" is the last that prints unambiguously.
    pub const LAST_START: i32 = 2098;

    /// The year starting on 1 April of `start_year`.
    pub fn starting(start_year: i32) -> Result<Self, ParseError> {
        if (Self::FIRST_START..=Self::LAST_START).contains(&start_year) {
            Ok(Self(start_year))
        } else {
            Err(ParseError::new(
                "financial year",
                start_year.to_string(),
                "a start year from 1990 to 2098",
            ))
        }
    }

    /// The financial year that contains `date`.
    pub fn containing(date: NaiveDate) -> Result<Self, ParseError> {
        let start = if date.month() >= 4 {
            date.year()
        } else {
            date.year() - 1
        };
        Self::starting(start)
    }

    pub fn start_year(self) -> i32 {
        self.0
    }

    /// 1 April of the start year.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 4, 1).unwrap_or(NaiveDate::MIN)
    }

    /// 31 March of the following year.
    pub fn last_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 3, 31).unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Option<Self> {
        Self::starting(self.0 + 1).ok()
    }

    pub fn previous(self) -> Option<Self> {
        Self::starting(self.0 - 1).ok()
    }

    /// The review's baseline year, 2008-09 (McClelland review, 2011, §10).
    pub fn mcclelland_baseline() -> Self {
        Self(2008)
    }
}

impl fmt::Display for FinancialYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.0, (self.0 + 1) % 100)
    }
}

impl FromStr for FinancialYear {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || ParseError::new("financial year", text, EXPECTED);
        let trimmed = text.trim();
        let (first, second) = trimmed.split_once(['-', '/']).ok_or_else(err)?;
        let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if first.len() != 4 || !all_digits(first) || !all_digits(second) {
            return Err(err());
        }
        let start: i32 = first.parse().map_err(|_| err())?;
        let end: i32 = second.parse().map_err(|_| err())?;
        let follows = match second.len() {
            2 => end == (start + 1) % 100,
            4 => end == start + 1,
            _ => false,
        };
        if !follows {
            return Err(err());
        }
        Self::starting(start).map_err(|_| err())
    }
}

impl TryFrom<String> for FinancialYear {
    type Error = ParseError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        value.parse()
    }
}

impl From<FinancialYear> for String {
    fn from(value: FinancialYear) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fy(text: &str) -> Result<FinancialYear, ParseError> {
        text.parse()
    }

    #[test]
    fn prints_as_the_review_does() {
        assert_eq!(FinancialYear::mcclelland_baseline().to_string(), "2008-09");
        assert_eq!(
            FinancialYear::starting(1999).map(|y| y.to_string()),
            Ok("1999-00".into())
        );
    }

    #[test]
    fn parses_the_spellings_found_in_returns() {
        for text in ["2012-13", "2012/13", "2012/2013", "2012-2013", " 2012-13 "] {
            assert_eq!(fy(text).map(FinancialYear::start_year), Ok(2012), "{text}");
        }
        assert_eq!(fy("1999-00").map(FinancialYear::start_year), Ok(1999));
    }

    #[test]
    fn rejects_years_that_do_not_follow() {
        for text in [
            "2012-14",
            "2012/2014",
            "2012",
            "12-13",
            "2012-1",
            "abcd-ef",
            "",
            "2012-13x",
            "+201-13",
        ] {
            assert!(fy(text).is_err(), "{text} should not parse");
        }
    }

    #[test]
    fn error_says_what_was_expected() {
        let message = fy("2012-14").map(|_| ()).unwrap_err().to_string();
        assert!(
            message.contains("2012-14") && message.contains("2012-13"),
            "{message}"
        );
    }

    #[test]
    fn a_year_runs_from_april_to_march() {
        let y = FinancialYear::starting(2012).unwrap_or(FinancialYear::mcclelland_baseline());
        assert_eq!(
            y.first_day(),
            NaiveDate::from_ymd_opt(2012, 4, 1).unwrap_or_default()
        );
        assert_eq!(
            y.last_day(),
            NaiveDate::from_ymd_opt(2013, 3, 31).unwrap_or_default()
        );
    }

    #[test]
    fn containing_puts_march_in_the_year_before() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        assert_eq!(
            FinancialYear::containing(d(2013, 3, 31)).map(FinancialYear::start_year),
            Ok(2012)
        );
        assert_eq!(
            FinancialYear::containing(d(2013, 4, 1)).map(FinancialYear::start_year),
            Ok(2013)
        );
    }

    proptest! {
        #[test]
        fn parses_what_it_prints(start in FinancialYear::FIRST_START..=FinancialYear::LAST_START) {
            let y = FinancialYear::starting(start);
            prop_assert!(y.is_ok());
            let y = y.unwrap_or(FinancialYear::mcclelland_baseline());
            prop_assert_eq!(y.to_string().parse::<FinancialYear>(), Ok(y));
        }

        #[test]
        fn every_date_is_in_exactly_its_year(days in 0_i64..40_000) {
            let date = NaiveDate::from_ymd_opt(1990, 4, 1).unwrap_or_default() + chrono::Duration::days(days);
            if let Ok(y) = FinancialYear::containing(date) {
                prop_assert!(y.first_day() <= date && date <= y.last_day());
            }
        }

        #[test]
        fn never_panics_on_any_text(text in ".{0,20}") {
            let _ = text.parse::<FinancialYear>();
        }
    }
}
