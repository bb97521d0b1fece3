//! A body's life: the financial years it answers for.
//!
//! Policy (ADR 0010, rules 1 and 2): a body answers for a financial year — returns it, counts
//! its baseline, shares its target — when it exists on that year's first day, 1 April. So in a
//! year in which one body succeeds another part-way through (Historic Scotland → Historic
//! Environment Scotland on 1 October 2015), exactly one of them answers for the year: the one
//! that existed on 1 April (Historic Scotland, for 2015-16), and its return covers the whole
//! year's spend on those functions. The successor's first year is the first that starts on or
//! after its start date (2016-17). The 1 April 2013 police and fire reforms fall on a year's
//! first day, so their years divide cleanly. A missing start date means "before the review's
//! year"; a missing end date means "still exists".

use super::FinancialYear;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// When a body existed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lifetime {
    pub start: Option<NaiveDate>,
    pub end: Option<NaiveDate>,
}

impl Lifetime {
    /// Parses the stored ISO dates; a malformed date is treated as not recorded.
    pub fn from_iso(start: Option<&str>, end: Option<&str>) -> Lifetime {
        let parse = |d: Option<&str>| d.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        Lifetime {
            start: parse(start),
            end: parse(end),
        }
    }

    /// Whether the body existed on the date.
    pub fn exists_on(&self, day: NaiveDate) -> bool {
        self.start.is_none_or(|s| s <= day) && self.end.is_none_or(|e| day <= e)
    }

    /// Whether the body answers for the year: it existed on 1 April.
    pub fn answers_for(&self, year: FinancialYear) -> bool {
        self.exists_on(year.first_day())
    }

    /// The first year the body answers for (`None` when it has always existed, as far as the
    /// tracker knows, or never existed on a 1 April).
    pub fn first_year(&self) -> Option<FinancialYear> {
        let start = self.start?;
        let year = FinancialYear::containing(start).ok()?;
        let first = if year.first_day() == start {
            year
        } else {
            year.next()?
        };
        self.answers_for(first).then_some(first)
    }

    /// The last year the body answers for (`None` when it still exists).
    pub fn last_year(&self) -> Option<FinancialYear> {
        let end = self.end?;
        let year = FinancialYear::containing(end).ok()?;
        self.answers_for(year)
            .then_some(year)
            .or_else(|| year.previous().filter(|y| self.answers_for(*y)))
    }

    /// Why a body with this life does not answer for `year`, in words, or `None` when it does.
    /// `successors` are the names of the bodies its functions passed to.
    pub fn refusal(
        &self,
        name: &str,
        year: FinancialYear,
        successors: &[String],
    ) -> Option<String> {
        if self.answers_for(year) {
            return None;
        }
        let day = |d: NaiveDate| d.format("%-d %B %Y").to_string();
        let rule =
            "a financial year is returned by the body that existed on its first day, 1 April";
        if let Some(start) = self.start.filter(|s| year.first_day() < *s) {
            let first = self
                .first_year()
                .map_or_else(String::new, |f| format!(" Its first return is for {f}."));
            return Some(format!(
                "{name} was established on {}, so it does not return {year}: {rule}.{first}",
                day(start)
            ));
        }
        let end = self.end?;
        let last = self
            .last_year()
            .map_or_else(String::new, |l| format!(" Its last return is for {l}."));
        let next = if successors.is_empty() {
            String::new()
        } else {
            format!(
                " From then its spend is returned by {}.",
                successors.join(" and ")
            )
        };
        Some(format!(
            "{name} existed until {}, so it does not return {year}: {rule}.{last}{next}",
            day(end)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fy(y: i32) -> FinancialYear {
        FinancialYear::starting(y).unwrap()
    }
    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn a_body_answers_for_the_years_it_existed_on_1_april() {
        let strathclyde = Lifetime {
            start: None,
            end: d(2013, 3, 31),
        };
        assert!(strathclyde.answers_for(fy(2008)));
        assert!(strathclyde.answers_for(fy(2012)));
        assert!(!strathclyde.answers_for(fy(2013)));
        assert_eq!(strathclyde.last_year(), Some(fy(2012)));
        let police_scotland = Lifetime {
            start: d(2013, 4, 1),
            end: None,
        };
        assert!(!police_scotland.answers_for(fy(2012)));
        assert!(police_scotland.answers_for(fy(2013)));
        assert_eq!(police_scotland.first_year(), Some(fy(2013)));
    }

    #[test]
    fn in_a_year_of_mid_year_succession_only_the_body_existing_on_1_april_answers() {
        let historic_scotland = Lifetime {
            start: None,
            end: d(2015, 9, 30),
        };
        let hes = Lifetime {
            start: d(2015, 10, 1),
            end: None,
        };
        for year in 2008..2030 {
            let both = [historic_scotland, hes]
                .iter()
                .filter(|l| l.answers_for(fy(year)))
                .count();
            assert_eq!(both, 1, "{year}: one body answers for every year");
        }
        assert!(historic_scotland.answers_for(fy(2015)));
        assert_eq!(hes.first_year(), Some(fy(2016)));
        assert_eq!(historic_scotland.last_year(), Some(fy(2015)));
    }

    #[test]
    fn the_refusal_names_the_dates_and_the_successor() {
        let strathclyde = Lifetime {
            start: None,
            end: d(2013, 3, 31),
        };
        let text = strathclyde
            .refusal("Strathclyde Police", fy(2014), &["Police Scotland".into()])
            .unwrap();
        assert!(text.contains("existed until 31 March 2013"), "{text}");
        assert!(text.contains("last return is for 2012-13"), "{text}");
        assert!(text.contains("returned by Police Scotland"), "{text}");
        let hes = Lifetime {
            start: d(2015, 10, 1),
            end: None,
        };
        let text = hes.refusal("HES", fy(2015), &[]).unwrap();
        assert!(text.contains("established on 1 October 2015"), "{text}");
        assert!(text.contains("first return is for 2016-17"), "{text}");
        assert_eq!(hes.refusal("HES", fy(2016), &[]), None);
    }
}
