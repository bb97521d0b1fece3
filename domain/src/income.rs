//! Income on a return: what the body's ICT brought in during the year (charges to other bodies
//! for a shared service, sales of equipment or capacity), recorded beside its spend and never
//! netted from it.
//!
//! Policy (ADR 0010, rule 6; DOMAIN.md §6): extra income from fees and charges is not a saving.
//! So income has its own line on the return, in its own table, and no saving, total or rating
//! reads it: spend is what the body spent, whatever it earned. A refund of spend (a credit note)
//! is not income; it stays in its spend category. Blank is not zero: no income line means the
//! body did not report any, a typed £0 means it had none. Amounts are exact pence, £0 or more.

use super::spend_line::{FieldError, LineInput, MAX_LINE_POUNDS, MAX_NOTE_CHARS};
use super::Money;
use serde::{Deserialize, Serialize};

/// The income line's code: its form fields (`income-capital`, `income-revenue`, `income-note`),
/// its row in the template and its category in exports.
pub const INCOME_CODE: &str = "income";

/// Its name for people.
pub const INCOME_NAME: &str = "Income (charges to others, sales; not a saving)";

/// A checked income line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Income {
    /// Capital receipts (sales of equipment or property).
    pub capital: Money,
    /// Revenue income (charges to other bodies, recharges, sales of services).
    pub revenue: Money,
    pub note: Option<String>,
}

impl Income {
    /// Capital plus revenue; `None` only if the sum overflows (impossible within the bounds).
    pub fn total(&self) -> Option<Money> {
        self.capital.checked_add(self.revenue).ok()
    }
}

fn amount(part: &str, text: &str, errors: &mut Vec<FieldError>) -> Money {
    if text.trim().is_empty() {
        return Money::ZERO;
    }
    let field = format!("{INCOME_CODE}-{part}");
    let bound = Money::from_pounds(MAX_LINE_POUNDS).unwrap_or(Money::ZERO);
    let problem = match Money::parse(text) {
        Err(_) => format!(
            "Enter income {part} in pounds and pence, like 1234.56 (at most two decimal places)"
        ),
        Ok(m) if m.is_negative() => format!(
            "Income {part} must be £0 or more. A refund of spend is not income: enter it as a credit in its spend category"
        ),
        Ok(m) if m > bound => format!("Income {part} must be at most {bound}"),
        Ok(m) => return m,
    };
    errors.push(FieldError {
        field,
        message: problem,
    });
    Money::ZERO
}

/// Checks the income line as typed: `None` when nothing was typed (not reported). The FTE of
/// `input` is not a field of income and is ignored.
pub fn parse_income(input: &LineInput<'_>) -> Result<Option<Income>, Vec<FieldError>> {
    if [input.capital, input.revenue, input.note]
        .iter()
        .all(|t| t.trim().is_empty())
    {
        return Ok(None);
    }
    let mut errors = Vec::new();
    let capital = amount("capital", input.capital, &mut errors);
    let revenue = amount("revenue", input.revenue, &mut errors);
    let note = input.note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        errors.push(FieldError {
            field: format!("{INCOME_CODE}-note"),
            message: format!("The note must be at most {MAX_NOTE_CHARS} characters"),
        });
    }
    if errors.is_empty() {
        Ok(Some(Income {
            capital,
            revenue,
            note: (!note.is_empty()).then(|| note.to_owned()),
        }))
    } else {
        Err(errors)
    }
}

/// The differences between two income lines, one phrase per changed field (for the history and
/// the import preview). `labels` name the two sides when both values are shown.
pub fn income_changes(
    before: Option<&Income>,
    after: Option<&Income>,
    labels: (&str, &str),
) -> Vec<String> {
    let show = |i: Option<&Income>, f: fn(&Income) -> Money| {
        i.map_or_else(|| "not reported".to_owned(), |i| f(i).to_string())
    };
    let note = |i: Option<&Income>| {
        i.and_then(|i| i.note.clone())
            .map_or_else(|| "no note".to_owned(), |n| format!("\"{n}\""))
    };
    let side = |value: String, label: &str| {
        if label.is_empty() {
            value
        } else {
            format!("{value} ({label})")
        }
    };
    [
        (
            "capital",
            show(before, |i| i.capital),
            show(after, |i| i.capital),
        ),
        (
            "revenue",
            show(before, |i| i.revenue),
            show(after, |i| i.revenue),
        ),
        ("note", note(before), note(after)),
    ]
    .into_iter()
    .filter(|(_, old, new)| old != new)
    .map(|(part, old, new)| {
        format!(
            "Income {part}: {} → {}",
            side(old, labels.0),
            side(new, labels.1)
        )
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(capital: &'a str, revenue: &'a str, note: &'a str) -> LineInput<'a> {
        LineInput {
            capital,
            revenue,
            fte: "",
            note,
        }
    }

    fn money(text: &str) -> Money {
        Money::parse(text).unwrap_or(Money::ZERO)
    }

    #[test]
    fn nothing_typed_is_not_reported_and_a_typed_zero_is_a_figure() {
        assert_eq!(parse_income(&input("", " ", "")), Ok(None));
        assert_eq!(
            parse_income(&input("", "0", "")),
            Ok(Some(Income {
                capital: Money::ZERO,
                revenue: Money::ZERO,
                note: None
            }))
        );
    }

    #[test]
    fn income_is_checked_like_spend_and_named_at_its_field() {
        let got = parse_income(&input("1,250.50", "£40000", " SWAN recharges "))
            .ok()
            .flatten();
        assert_eq!(
            got,
            Some(Income {
                capital: money("1250.50"),
                revenue: money("40000"),
                note: Some("SWAN recharges".into())
            })
        );
        assert_eq!(got.and_then(|i| i.total()), Some(money("41250.50")));
        let errors = parse_income(&input("-5", "12.345", ""))
            .err()
            .unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["income-capital", "income-revenue"]);
        assert!(errors[0]
            .message
            .contains("A refund of spend is not income"));
        let long = "x".repeat(MAX_NOTE_CHARS + 1);
        let errors = parse_income(&input("1", "", &long))
            .err()
            .unwrap_or_default();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "income-note");
    }

    #[test]
    fn changes_name_each_part_that_moved() {
        let a = Income {
            capital: Money::ZERO,
            revenue: money("100"),
            note: None,
        };
        let b = Income {
            revenue: money("250"),
            ..a.clone()
        };
        assert_eq!(
            income_changes(Some(&a), Some(&b), ("", "")),
            ["Income revenue: £100.00 → £250.00"]
        );
        assert_eq!(
            income_changes(None, Some(&a), ("before", "after")),
            [
                "Income capital: not reported (before) → £0.00 (after)",
                "Income revenue: not reported (before) → £100.00 (after)"
            ]
        );
        assert!(income_changes(Some(&a), Some(&a), ("", "")).is_empty());
    }
}
