//! The return form, parsed at the edge (issue 16): the fields a browser posts become checked
//! figures and explanations before any use case runs, or a message naming the field. Pure: no
//! database, so every rule here is a unit test.

use super::save::parse_figures;
use crate::domain::spend_line::LineInput;
use crate::domain::SpendCategory;
use crate::error::AppError;
use crate::model::returns::Figures;
use std::collections::HashMap;

/// The fields of a return form that are not figures (`intent` names the button that sent it).
const FRAME: [&str; 4] = ["org", "fy", "row_version", "intent"];
const INCOME: [&str; 3] = ["income-capital", "income-revenue", "income-note"];
const LINE_SUFFIXES: [&str; 5] = ["-capital", "-revenue", "-fte", "-note", "-explanation"];

/// What a return form asks to save: its figures, checked, and the explanations typed beside
/// its warnings.
#[derive(Clone, Debug, PartialEq)]
pub struct ReturnForm {
    pub figures: Figures,
    pub explanations: Vec<(SpendCategory, String)>,
}

/// The figures of a return form (`CODE-capital`, `CODE-revenue`, `CODE-fte`, `CODE-note`,
/// `CODE-explanation` per category; `income-capital`, `income-revenue`, `income-note`): a field
/// the form does not have is refused by name, and every bad figure is named at once.
pub fn parse_return_form(form: &HashMap<String, String>) -> Result<ReturnForm, AppError> {
    if let Some(name) = unknown_field(form) {
        return Err(AppError::validation(
            name,
            format!("{name:?} is not a field of a spend return (unknown category or field)"),
        ));
    }
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let inputs: Vec<(SpendCategory, LineInput<'_>)> = SpendCategory::ALL
        .iter()
        .map(|c| {
            let code = c.code();
            let part = |suffix: &str| {
                form.get(&format!("{code}-{suffix}"))
                    .map(String::as_str)
                    .unwrap_or_default()
            };
            let input = LineInput {
                capital: part("capital"),
                revenue: part("revenue"),
                fte: part("fte"),
                note: part("note"),
            };
            (*c, input)
        })
        .collect();
    let income = LineInput {
        capital: field("income-capital"),
        revenue: field("income-revenue"),
        fte: "",
        note: field("income-note"),
    };
    let explanations = SpendCategory::ALL
        .iter()
        .filter_map(|c| {
            form.get(&format!("{}-explanation", c.code()))
                .map(|t| (*c, t.clone()))
        })
        .collect();
    Ok(ReturnForm {
        figures: parse_figures(&inputs, &income)?,
        explanations,
    })
}

/// The first field the return form does not have (a nameless submitter can arrive as an empty
/// key, which carries nothing).
fn unknown_field(form: &HashMap<String, String>) -> Option<&str> {
    let mut names: Vec<&str> = form
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "" | "="))
        .filter(|k| {
            !FRAME.contains(k)
                && !INCOME.contains(k)
                && !SpendCategory::ALL.iter().any(|c| {
                    k.strip_prefix(c.code())
                        .is_some_and(|rest| LINE_SUFFIXES.contains(&rest))
                })
        })
        .collect();
    names.sort_unstable();
    names.first().copied()
}

/// A refusal of the form's figures as a form to show again: the errors, and what was typed
/// (every non-empty figure field), so nothing is lost.
pub fn refused_return_form(form: &HashMap<String, String>, error: AppError) -> AppError {
    match error {
        AppError::Fields(errors) => {
            let mut values: Vec<(String, String)> = form
                .iter()
                .filter(|(k, _)| !FRAME.contains(&k.as_str()) && !matches!(k.as_str(), "" | "="))
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            values.sort();
            AppError::Form { errors, values }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_return_form, refused_return_form};
    use crate::domain::SpendCategory;
    use crate::error::AppError;
    use crate::util::test_form as form;

    #[test]
    fn figures_and_explanations_are_read_by_category() {
        let code = SpendCategory::ALL[0].code();
        let parsed = parse_return_form(&form(&[
            ("org", "S12000033"),
            ("fy", "2014-15"),
            ("row_version", "3"),
            ("intent", "save"),
            (&format!("{code}-capital"), "1,000"),
            (&format!("{code}-revenue"), "250.50"),
            (&format!("{code}-explanation"), "A new contract"),
            ("income-revenue", "10"),
        ]))
        .expect("a good form");
        assert_eq!(parsed.figures.lines.len(), 1);
        assert_eq!(parsed.figures.lines[0].category, SpendCategory::ALL[0]);
        assert_eq!(parsed.figures.lines[0].capital.to_string(), "£1,000.00");
        assert!(parsed.figures.income.is_some());
        assert_eq!(
            parsed.explanations,
            vec![(SpendCategory::ALL[0], "A new contract".to_owned())]
        );
    }

    #[test]
    fn an_unknown_field_is_refused_by_name() {
        let err = parse_return_form(&form(&[("org", "S12000033"), ("telecoms-capitol", "5")]))
            .expect_err("an unknown field");
        assert!(
            matches!(&err, AppError::Validation { field, .. } if field == "telecoms-capitol"),
            "{err:?}"
        );
        // A nameless submit button carries nothing and is not a field.
        assert!(parse_return_form(&form(&[("", ""), ("=", "")])).is_ok());
    }

    #[test]
    fn every_bad_figure_is_named_and_what_was_typed_comes_back() {
        let (a, b) = (SpendCategory::ALL[0].code(), SpendCategory::ALL[1].code());
        let typed = form(&[
            ("org", "S12000033"),
            ("row_version", "3"),
            (&format!("{a}-capital"), "lots"),
            (&format!("{b}-revenue"), "-5"),
            (&format!("{b}-note"), ""),
        ]);
        let err = parse_return_form(&typed).expect_err("two bad figures");
        let AppError::Form { errors, values } = refused_return_form(&typed, err) else {
            panic!("a form to show again");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert!(
            fields.contains(&format!("{a}-capital").as_str()),
            "{fields:?}"
        );
        assert!(
            fields.contains(&format!("{b}-revenue").as_str()),
            "{fields:?}"
        );
        assert_eq!(
            values,
            vec![
                (format!("{a}-capital"), "lots".to_owned()),
                (format!("{b}-revenue"), "-5".to_owned()),
            ]
        );
    }
}
