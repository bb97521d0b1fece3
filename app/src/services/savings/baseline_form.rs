//! The baseline form, parsed at the edge (pure): a baseline's year, an amount per category and
//! the reason, every problem named by its field.

use crate::domain::input::Checker;
use crate::domain::spend_line::{FieldError, MAX_LINE_POUNDS, MAX_NOTE_CHARS};
use crate::domain::{FinancialYear, Money, SpendCategory};
use rust_decimal::Decimal;
use std::collections::{BTreeMap, HashMap};

/// A baseline as the form proposes it: its year, an amount per category (blank is £0), and
/// where the figures come from or why the baseline is restated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaselineCommand {
    pub year: FinancialYear,
    pub amounts: BTreeMap<SpendCategory, Money>,
    pub reason: String,
}

/// Checks the baseline form (pure): `year`, one field per category code, and `reason`.
pub fn parse_baseline_form(
    form: &HashMap<String, String>,
) -> Result<BaselineCommand, Vec<FieldError>> {
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let mut c = Checker::new();
    let year = field("year").parse::<FinancialYear>().ok();
    if year.is_none() {
        c.error(
            "year",
            "Baseline year: enter a financial year like 2008-09".into(),
        );
    }
    let mut amounts = BTreeMap::new();
    for category in SpendCategory::ALL {
        let text = field(category.code()).trim();
        if text.is_empty() {
            amounts.insert(category, Money::ZERO);
            continue;
        }
        let (code, name) = (category.code(), category.name());
        match Money::parse(text) {
            Ok(m) if m.is_negative() && !category.allows_credits() => {
                c.error(code, format!("{name}: a baseline cannot be negative"));
            }
            Ok(m) if m.as_decimal().abs() > Decimal::from(MAX_LINE_POUNDS) => c.error(
                code,
                format!("{name}: more than £1bn is not a plausible baseline for one body"),
            ),
            Ok(m) => {
                amounts.insert(category, m);
            }
            Err(e) => c.error(code, format!("{name}: {e}")),
        }
    }
    let reason = field("reason").trim();
    if reason.is_empty() {
        c.error(
            "reason",
            "Reason: say where the figures come from or why the baseline is restated".into(),
        );
    } else if reason.chars().count() > MAX_NOTE_CHARS {
        c.error(
            "reason",
            format!("Reason: at most {MAX_NOTE_CHARS} characters"),
        );
    }
    let Some(year) = year else {
        return Err(c.into_errors());
    };
    c.finish(BaselineCommand {
        year,
        amounts,
        reason: reason.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse_baseline_form;
    use crate::domain::{Money, SpendCategory};
    use crate::util::test_form as form;

    #[test]
    fn a_baseline_is_read_with_blanks_as_zero() {
        let first = SpendCategory::ALL[0];
        let b = parse_baseline_form(&form(&[
            ("year", "2008-09"),
            (first.code(), "1,250.50"),
            ("reason", " The review's return "),
        ]))
        .expect("a good form");
        assert_eq!(b.year.to_string(), "2008-09");
        assert_eq!(b.amounts[&first], Money::parse("1250.50").expect("money"));
        assert_eq!(b.amounts[&SpendCategory::ALL[1]], Money::ZERO);
        assert_eq!(b.amounts.len(), SpendCategory::ALL.len());
        assert_eq!(b.reason, "The review's return");
    }

    #[test]
    fn every_problem_is_named_and_credits_only_where_allowed() {
        let first = SpendCategory::ALL[0];
        assert!(!first.allows_credits());
        let errors = parse_baseline_form(&form(&[
            ("year", "2008"),
            (first.code(), "-5"),
            (SpendCategory::ALL[1].code(), "2000000000"),
            (SpendCategory::Other.code(), "-5"),
        ]))
        .expect_err("problems");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["year", first.code(), SpendCategory::ALL[1].code(), "reason"]
        );
    }
}
