//! A line of a spend return: one category's capital and revenue spend (and FTE for staff) for a
//! year, checked as a finance officer types it, and the warnings a board should see explained.
//!
//! Policy: the server's parse is the authority (the browser may repeat it for speed). Every
//! problem names its field (`hardware-capital`, `staff-fte`…) so that the form's error summary
//! can link to it; all problems of a line are reported together. Amounts are exact pence, never
//! rounded; only the `Other` category accepts credits (negative amounts: refunds, credit notes).

use super::{Money, SpendCategory};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// The largest amount one line may hold: more than any body's whole ICT spend (the national
/// total was about £1.4bn in 2008-09), so anything above it is a typing mistake.
pub const MAX_LINE_POUNDS: i64 = 1_000_000_000;
/// The largest headcount one line may hold (FTE).
pub const MAX_FTE: i64 = 100_000;
/// A line more than this far (as a fraction) from last year's needs an explanation.
pub const CHANGE_WARNING_FRACTION: Decimal = Decimal::from_parts(5, 0, 0, false, 1);

/// A checked line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SpendLine {
    pub category: SpendCategory,
    pub capital: Money,
    pub revenue: Money,
    /// Full-time equivalents; only for the staff category.
    pub fte: Option<Decimal>,
    pub note: Option<String>,
}

impl SpendLine {
    /// Capital plus revenue; `None` only if the sum overflows (impossible within the bounds).
    pub fn total(&self) -> Option<Money> {
        self.capital.checked_add(self.revenue).ok()
    }
}

/// What was typed for one line, as text.
#[derive(Clone, Debug, Default)]
pub struct LineInput<'a> {
    pub capital: &'a str,
    pub revenue: &'a str,
    pub fte: &'a str,
    pub note: &'a str,
}

/// A problem with one field, for the error summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// The form field's id, e.g. `hardware-capital`.
    pub field: String,
    pub message: String,
}

/// A difference from last year that the officer must explain before submitting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineWarning {
    pub category: SpendCategory,
    pub message: String,
}

/// The longest note accepted on a line.
pub const MAX_NOTE_CHARS: usize = 2000;

fn amount(category: SpendCategory, part: &str, text: &str, errors: &mut Vec<FieldError>) -> Money {
    let field = format!("{}-{part}", category.code());
    let what = format!("{} {part}", category.name());
    let mut fail = |message: String| {
        errors.push(FieldError {
            field: field.clone(),
            message,
        });
        Money::ZERO
    };
    if text.trim().is_empty() {
        return Money::ZERO;
    }
    let Ok(money) = Money::parse(text) else {
        return fail(format!(
            "Enter {what} in pounds and pence, like 1234.56 (at most two decimal places)"
        ));
    };
    let bound = Money::from_pounds(MAX_LINE_POUNDS).unwrap_or(Money::ZERO);
    if money.is_negative() && !category.allows_credits() {
        return fail(format!("{what} must be £0 or more"));
    }
    if money > bound || bound.checked_neg().is_ok_and(|low| money < low) {
        return fail(format!("{what} must be at most {bound}"));
    }
    money
}

fn fte(category: SpendCategory, text: &str, errors: &mut Vec<FieldError>) -> Option<Decimal> {
    if !category.records_fte() || text.trim().is_empty() {
        return None;
    }
    let field = format!("{}-fte", category.code());
    let parsed = text
        .trim()
        .parse::<Decimal>()
        .ok()
        .filter(|d| d.scale() <= 2);
    match parsed {
        Some(d) if d >= Decimal::ZERO && d <= Decimal::from(MAX_FTE) => Some(d),
        _ => {
            errors.push(FieldError {
                field,
                message: format!(
                    "Enter the staff headcount in FTE as a number from 0 to {MAX_FTE}, like 12.5"
                ),
            });
            None
        }
    }
}

/// Whether nothing at all was typed for the line: the category is not reported (blank is not
/// zero, ADR 0010 rule 3), and no line is stored.
pub fn is_blank(input: &LineInput<'_>) -> bool {
    [input.capital, input.revenue, input.fte, input.note]
        .iter()
        .all(|t| t.trim().is_empty())
}

/// Checks one line as typed. A blank amount beside a typed one is £0.
pub fn parse_line(
    category: SpendCategory,
    input: &LineInput<'_>,
) -> Result<SpendLine, Vec<FieldError>> {
    let mut errors = Vec::new();
    let capital = amount(category, "capital", input.capital, &mut errors);
    let revenue = amount(category, "revenue", input.revenue, &mut errors);
    let fte = fte(category, input.fte, &mut errors);
    let note = input.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError {
            field: format!("{}-note", category.code()),
            message: format!("The note must be at most {MAX_NOTE_CHARS} characters"),
        });
    }
    // Income is not a saving (DOMAIN.md §6): a credit note is a refund within its category,
    // so a category's spend for the year can fall to zero but never below (ADR 0010, rule 6).
    if errors.is_empty() && capital.checked_add(revenue).is_ok_and(Money::is_negative) {
        errors.push(FieldError {
            field: format!("{}-revenue", category.code()),
            message: format!(
                "{}: capital and revenue together must be £0 or more. Credits are refunds of spend in this category; income (fees, charges) is not a saving and is not entered here",
                category.name()
            ),
        });
    }
    if errors.is_empty() {
        Ok(SpendLine {
            category,
            capital,
            revenue,
            fte,
            note: (!note.is_empty()).then(|| note.to_owned()),
        })
    } else {
        Err(errors)
    }
}

/// Warns when a line's total moved more than half away from last year's, or appeared from
/// nothing. `last_year_label` is shown in the message ("2012-13").
pub fn change_warning(
    current: &SpendLine,
    last_year: Option<&SpendLine>,
    last_year_label: &str,
) -> Option<LineWarning> {
    let now = current.total()?;
    let before = last_year.and_then(SpendLine::total)?;
    let name = current.category.name();
    if before.is_negative() || (before == Money::ZERO && now == Money::ZERO) {
        return None;
    }
    if before == Money::ZERO {
        return Some(LineWarning {
            category: current.category,
            message: format!(
                "{name} is {now}, up from nothing in {last_year_label}. Explain the new spend."
            ),
        });
    }
    let change = (now.as_decimal() - before.as_decimal()) / before.as_decimal();
    if change.abs() <= CHANGE_WARNING_FRACTION {
        return None;
    }
    let percent = (change.abs() * Decimal::ONE_HUNDRED)
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let direction = if change.is_sign_positive() {
        "higher"
    } else {
        "lower"
    };
    Some(LineWarning {
        category: current.category,
        message: format!(
            "{name} is {percent}% {direction} than in {last_year_label} ({before} then, {now} now). Explain the change."
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn line(category: SpendCategory, capital: &str, revenue: &str) -> SpendLine {
        parse_line(
            category,
            &LineInput {
                capital,
                revenue,
                ..LineInput::default()
            },
        )
        .unwrap()
    }

    #[test]
    fn a_good_line_parses_to_exact_pence() {
        let l = line(SpendCategory::Hardware, "£1,234.56", "100");
        assert_eq!(l.capital.pence(), 123_456);
        assert_eq!(l.total().map(Money::pence), Some(133_456));
        assert_eq!(
            line(SpendCategory::Software, "", "").total(),
            Some(Money::ZERO),
            "blank is £0"
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let input = LineInput {
            capital: "12.345",
            revenue: "ten pounds",
            fte: "3",
            note: "",
        };
        let errors = parse_line(SpendCategory::Hardware, &input).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["hardware-capital", "hardware-revenue"],
            "FTE is ignored outside staff"
        );
        assert!(errors[0].message.contains("two decimal places"));
    }

    #[test]
    fn negative_amounts_only_where_credits_are_allowed() {
        let neg = LineInput {
            capital: "-5",
            ..LineInput::default()
        };
        let err = parse_line(SpendCategory::Energy, &neg).unwrap_err();
        assert_eq!(err[0].field, "energy-capital");
        assert!(err[0].message.ends_with("must be £0 or more"));
        // A credit is a refund within its category: it may reduce "Other costs", not below zero
        // (issue 14: a negative "Other" line lowered actual spend, so income raised the saving).
        let refund = LineInput {
            capital: "-5",
            revenue: "10",
            ..LineInput::default()
        };
        assert_eq!(
            parse_line(SpendCategory::Other, &refund)
                .unwrap()
                .capital
                .pence(),
            -500
        );
        let err = parse_line(SpendCategory::Other, &neg).unwrap_err();
        assert_eq!(err[0].field, "other-revenue");
        assert!(err[0].message.contains("income"), "{}", err[0].message);
    }

    #[test]
    fn absurd_amounts_and_headcounts_are_refused() {
        let huge = LineInput {
            revenue: "1000000000.01",
            ..LineInput::default()
        };
        assert!(parse_line(SpendCategory::Software, &huge).unwrap_err()[0]
            .message
            .contains("at most £1,000,000,000.00"));
        for bad in ["-1", "1.234", "lots", "100001"] {
            let input = LineInput {
                fte: bad,
                ..LineInput::default()
            };
            let err = parse_line(SpendCategory::StaffCost, &input).unwrap_err();
            assert_eq!(err[0].field, "staff-fte", "{bad}");
        }
        let ok = LineInput {
            fte: "12.5",
            ..LineInput::default()
        };
        assert_eq!(
            parse_line(SpendCategory::StaffCost, &ok).unwrap().fte,
            Some(Decimal::new(125, 1))
        );
    }

    #[test]
    fn big_changes_from_last_year_need_explaining() {
        let last = line(SpendCategory::Energy, "0", "100000");
        let up = line(SpendCategory::Energy, "0", "173000");
        let w = change_warning(&up, Some(&last), "2012-13").unwrap();
        assert_eq!(w.message, "Energy, including cooling is 73% higher than in 2012-13 (£100,000.00 then, £173,000.00 now). Explain the change.");
        let small = line(SpendCategory::Energy, "0", "150000");
        assert_eq!(
            change_warning(&small, Some(&last), "2012-13"),
            None,
            "exactly 50% is not flagged"
        );
        let down = line(SpendCategory::Energy, "0", "40000");
        assert!(change_warning(&down, Some(&last), "2012-13")
            .unwrap()
            .message
            .contains("60% lower"));
        let new =
            change_warning(&up, Some(&line(SpendCategory::Energy, "", "")), "2012-13").unwrap();
        assert!(new.message.contains("up from nothing"));
        assert_eq!(
            change_warning(&up, None, "2012-13"),
            None,
            "no last year, nothing to compare"
        );
    }

    proptest! {
        #[test]
        fn any_valid_amount_round_trips_through_the_form(pence in 0_i64..=100_000_000_000) {
            let text = Money::from_pence(pence).to_string();
            let l = parse_line(SpendCategory::Hardware, &LineInput { capital: &text, ..LineInput::default() });
            prop_assert_eq!(l.map(|l| l.capital.pence()), Ok(pence));
        }

        #[test]
        fn parsing_never_panics(capital in ".{0,30}", revenue in ".{0,30}", fte in ".{0,12}") {
            let _ = parse_line(SpendCategory::StaffCost, &LineInput { capital: &capital, revenue: &revenue, fte: &fte, note: "" });
        }
    }
}
