//! The adoptions sheet, read row by row.

use super::*;
use crate::domain::estate::adoption::AdoptionStage;
use crate::domain::savings::initiative::SavingClass;
use crate::domain::Money;
use crate::import::reader::{cell_ref, Cell, Sheet};
use crate::import::spend::{amount_of, date_of};
use crate::model::import::{Problem, Severity};

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub(super) fn parse_adoptions(sheet: &Sheet, out: &mut ParsedEstate) {
    let Some((header_row, found)) = header(sheet, &ADOPTION_COLUMNS, "service") else {
        if sheet.rows.iter().any(|r| r.iter().any(|c| !c.is_empty())) {
            out.problems.push(Problem {
                severity: Severity::Error,
                cell: sheet.name.clone(),
                found: "no header row".into(),
                expected: "a header row with a Shared service column and the adoption's stage and costs (see the template)".into(),
            });
        }
        return;
    };
    if duplicate_columns(
        sheet,
        header_row,
        &found,
        &ADOPTION_COLUMNS,
        &mut out.problems,
    ) {
        return;
    }
    let col = |key: &str| found.iter().find(|(k, _)| *k == key).map(|(_, c)| *c);
    let at =
        |row: usize, key: &str| format!("{}!{}", sheet.name, cell_ref(row, col(key).unwrap_or(0)));
    let empty = Cell::Empty;
    for (r, row) in sheet.rows.iter().enumerate().skip(header_row + 1) {
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let cell = |key: &str| col(key).and_then(|c| row.get(c)).unwrap_or(&empty);
        let before = out.problems.len();
        let mut problem = |key: &str, expected: String| {
            out.problems.push(Problem {
                severity: Severity::Error,
                cell: at(r, key),
                found: cell(key).shown(),
                expected,
            });
        };
        let service = text_of(cell("service"));
        if service.is_empty() {
            problem(
                "service",
                "Shared service: the code or name of a service in the catalogue".into(),
            );
        }
        let stage = match text_of(cell("stage")) {
            t if t.is_empty() => None,
            t => {
                let code = code_from(
                    &t,
                    AdoptionStage::ALL,
                    AdoptionStage::code,
                    AdoptionStage::name,
                );
                match AdoptionStage::parse(&code) {
                    Ok(s) => Some(s),
                    Err(e) => {
                        problem("stage", format!("Stage: {e}"));
                        None
                    }
                }
            }
        };
        let date = if cell("date").is_empty() {
            None
        } else {
            let d = date_of(cell("date"));
            if d.is_none() {
                problem("date", "Date of the stage: a date like 2015-04-01".into());
            }
            d
        };
        let mut money = |key: &str| -> Money {
            match amount_of(cell(key)) {
                Ok(m) if m.is_negative() => {
                    problem(key, format!("{}: cannot be negative", title_of(key)));
                    Money::ZERO
                }
                Ok(m) => m,
                Err(expected) => {
                    problem(key, format!("{}: {expected}", title_of(key)));
                    Money::ZERO
                }
            }
        };
        let cost_before = money("cost_before");
        let cost_after = money("cost_after");
        let one_off = money("one_off");
        let mut count = |key: &str| match count_of(cell(key)) {
            Ok(n) => n,
            Err(()) => {
                problem(
                    key,
                    format!("{}: a whole number from 0 to 10000000", title_of(key)),
                );
                None
            }
        };
        let sites = count("sites");
        let users = count("users");
        let class_text = text_of(cell("class"));
        let class = if class_text.is_empty() {
            None
        } else {
            let code = code_from(
                &class_text,
                SavingClass::ALL,
                SavingClass::code,
                SavingClass::name,
            );
            match SavingClass::parse(&code) {
                Ok(c) => Some(c),
                Err(e) => {
                    problem("class", format!("Class of saving: {e}"));
                    None
                }
            }
        };
        if out.problems.len() > before {
            continue;
        }
        {
            out.adoptions.push(AdoptionRow {
                at: format!("{}!{}", sheet.name, cell_ref(r, 0)),
                service,
                service_cell: at(r, "service"),
                stage,
                stage_cell: at(r, "stage"),
                date,
                date_cell: at(r, "date"),
                cost_before,
                cost_after,
                one_off,
                costs_cell: at(r, "cost_before"),
                sites,
                users,
                class,
                class_cell: at(r, "class"),
            });
        }
    }
}
