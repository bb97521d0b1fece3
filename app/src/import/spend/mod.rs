//! The spend sheet of a workbook: find its header row, read each row into a category's amounts,
//! and add the rows up into the return's lines, reporting every problem with its cell.
//!
//! Policy: the parse never stops at the first problem and never panics; each problem names the
//! sheet and cell (`Spend!D14`), what was found and what was expected. Rows are ledger lines:
//! several rows of one category add up. Blank rows and total rows are recognised and reported,
//! not imported. A float becomes pence only within a hundredth of a penny of a whole penny.
//! Rows whose category is "Income" go to the return's income line, never into spend (ADR 0010,
//! rule 6).

use super::reader::{cell_ref, Cell, Workbook};
use crate::domain::income::{Income, INCOME_CODE};
use crate::domain::spend_line::{SpendLine, MAX_LINE_POUNDS, MAX_NOTE_CHARS};
use crate::domain::{FinancialYear, Money, SpendCategory};
use crate::model::returns::Figures;
use serde::{Deserialize, Serialize};

/// The name of the spend sheet in the template; matched without regard to case.
pub const SPEND_SHEET: &str = "Spend";

pub use crate::model::import::{Problem, Severity};

/// What the import is for.
pub struct Target<'a> {
    pub org_code: &'a str,
    pub org_name: &'a str,
    pub fy: FinancialYear,
    /// Whether a code names some organisation in the tracker (to tell "another body" from
    /// "no such body").
    pub is_known_org: &'a dyn Fn(&str) -> bool,
}

/// The spend sheet, read and added up.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ParsedSpend {
    pub sheet: String,
    /// Data rows below the header (blank and total rows included).
    pub rows_read: usize,
    /// Rows that went into the lines.
    pub rows_imported: usize,
    pub blank_rows: usize,
    /// Cell references of the total rows that were skipped.
    pub total_rows: Vec<String>,
    /// Header cells that were not recognised (their columns are ignored).
    pub ignored_columns: Vec<String>,
    /// One line per category that has a row, in category order.
    pub lines: Vec<SpendLine>,
    /// The income rows added up (`None`: the sheet has none). Never netted from the lines.
    #[serde(default)]
    pub income: Option<Income>,
    pub problems: Vec<Problem>,
}

impl ParsedSpend {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// The return's figures the sheet holds: its lines and its income.
    pub fn figures(&self) -> Figures {
        Figures {
            lines: self.lines.clone(),
            income: self.income.clone(),
        }
    }
}

mod cells;
use cells::*;
pub use cells::{amount_of, category_of};
pub(crate) use cells::{date_of, normalise};

/// Reads the spend sheet of `book` for `target`. `progress` is told how many rows are done.
#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub fn parse(book: &Workbook, target: &Target<'_>, progress: &mut dyn FnMut(usize)) -> ParsedSpend {
    let mut out = ParsedSpend::default();
    let Some(sheet) = spend_sheet(book) else {
        out.problems.push(Problem {
            severity: Severity::Error,
            cell: "(workbook)".into(),
            found: format!(
                "sheets {}",
                book.sheets
                    .iter()
                    .map(|s| format!("{:?}", s.name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            expected: format!("a sheet named {SPEND_SHEET:?} (or a single sheet)"),
        });
        return out;
    };
    out.sheet = sheet.name.clone();
    let at = |row: usize, col: usize| format!("{}!{}", sheet.name, cell_ref(row, col));
    let Some((header_index, columns)) = header_row(sheet) else {
        out.problems.push(Problem {
            severity: Severity::Error,
            cell: sheet.name.clone(),
            found: "no header row".into(),
            expected: "a header row with the columns Category and Capital (£) or Revenue (£), in any order (and optionally Organisation, Financial year, Date, FTE, Note)".into(),
        });
        return out;
    };
    let header = &sheet.rows[header_index];
    for (c, cell) in header.iter().enumerate() {
        if let Some(text) = text_of(cell).filter(|t| !t.is_empty()) {
            if column_of(&text).is_none() {
                out.ignored_columns
                    .push(format!("{} ({text:?})", at(header_index, c)));
            }
        }
    }
    for kind in [
        Column::Organisation,
        Column::Year,
        Column::Date,
        Column::Category,
        Column::Capital,
        Column::Revenue,
        Column::Fte,
        Column::Note,
    ] {
        let found: Vec<usize> = columns
            .iter()
            .filter(|(_, k)| *k == kind)
            .map(|(c, _)| *c)
            .collect();
        if found.len() > 1 {
            out.problems.push(Problem {
                severity: Severity::Error,
                cell: at(header_index, found[1]),
                found: format!("a second {} column", kind.name()),
                expected: format!("one {} column", kind.name()),
            });
        }
    }
    if out.has_errors() {
        return out;
    }
    let col = |kind: Column| columns.iter().find(|(_, k)| *k == kind).map(|(c, _)| *c);
    let target_name = normalise(target.org_name);
    // The year column usually repeats one text: parse each distinct text once.
    let mut last_year_text: Option<(String, Option<FinancialYear>)> = None;
    let empty = Cell::Empty;

    let mut sums: Vec<CategorySum> = Vec::new();
    let mut income: Option<(Money, Money, Vec<String>)> = None;
    for (offset, row) in sheet.rows.iter().enumerate().skip(header_index + 1) {
        if offset % 1024 == 0 {
            progress(offset);
        }
        out.rows_read += 1;
        let get = |kind: Column| col(kind).and_then(|c| row.get(c)).unwrap_or(&empty);
        if row.iter().all(Cell::is_empty) {
            out.blank_rows += 1;
            continue;
        }
        let is_total = row
            .iter()
            .any(|cell| matches!(cell, Cell::Text(t) if is_total_text(t)));
        if is_total {
            out.total_rows.push(at(offset, 0));
            continue;
        }
        // This row's problems, sorted by column before they are reported.
        let mut row_problems: Vec<(usize, Problem)> = Vec::new();
        let mut problem = |c: Option<usize>, cell: &Cell, expected: String| {
            let c = c.unwrap_or(0);
            row_problems.push((
                c,
                Problem {
                    severity: Severity::Error,
                    cell: at(offset, c),
                    found: cell.shown(),
                    expected,
                },
            ));
        };

        let category_cell = get(Column::Category);
        let kind = match text_cow(category_cell).filter(|t| !t.is_empty()) {
            None => {
                problem(
                    col(Column::Category),
                    category_cell,
                    "a spend category, such as hardware or \"ICT staff\"".into(),
                );
                None
            }
            Some(text) => {
                let found = RowKind::of(&text);
                if found.is_none() {
                    problem(
                        col(Column::Category),
                        category_cell,
                        format!(
                            "one of the spend categories: {}; or {INCOME_CODE}",
                            SpendCategory::ALL
                                .iter()
                                .map(|c| c.code())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
                found
            }
        };

        let org_cell = get(Column::Organisation);
        if let Some(org) = text_cow(org_cell).filter(|t| !t.is_empty()) {
            let ours = org.eq_ignore_ascii_case(target.org_code) || normalise(&org) == target_name;
            if !ours {
                let expected = if (target.is_known_org)(&org.to_lowercase()) {
                    format!(
                        "{} ({}): this import is for that body only; import other bodies' returns separately",
                        target.org_code, target.org_name
                    )
                } else {
                    format!(
                        "{} ({}); the organisation {org:?} is unknown",
                        target.org_code, target.org_name
                    )
                };
                problem(col(Column::Organisation), org_cell, expected);
            }
        }

        let year_cell = get(Column::Year);
        if !year_cell.is_empty() {
            let parsed_year = match (year_cell, &last_year_text) {
                (Cell::Text(t), Some((seen, fy))) if t == seen => *fy,
                _ => {
                    let fy = text_of(year_cell).and_then(|t| t.parse::<FinancialYear>().ok());
                    if let Cell::Text(t) = year_cell {
                        last_year_text = Some((t.clone(), fy));
                    }
                    fy
                }
            };
            match parsed_year {
                Some(fy) if fy == target.fy => {}
                Some(_) => problem(
                    col(Column::Year),
                    year_cell,
                    format!("{} (the year being imported)", target.fy),
                ),
                None => problem(
                    col(Column::Year),
                    year_cell,
                    format!("a financial year like {}", target.fy),
                ),
            }
        }

        let date_cell = get(Column::Date);
        if !date_cell.is_empty() {
            match date_of(date_cell) {
                Some(d) if d >= target.fy.first_day() && d <= target.fy.last_day() => {}
                Some(d) => problem(
                    col(Column::Date),
                    date_cell,
                    format!(
                        "a date in {} ({} to {}); {d} is outside it",
                        target.fy,
                        target.fy.first_day(),
                        target.fy.last_day()
                    ),
                ),
                None => problem(
                    col(Column::Date),
                    date_cell,
                    "a date, like 2013-06-30 or 30/06/2013".into(),
                ),
            }
        }

        let bound = Money::from_pounds(MAX_LINE_POUNDS).unwrap_or(Money::ZERO);
        let row_kind = kind;
        let mut amount = |kind: Column| -> Money {
            let cell = get(kind);
            match amount_of(cell) {
                Ok(m) if m.is_negative() && row_kind == Some(RowKind::Income) => {
                    problem(
                        col(kind),
                        cell,
                        "£0 or more: income is never negative (a refund of spend is a credit in its spend category)".into(),
                    );
                    Money::ZERO
                }
                Ok(m) if m.is_negative() && !row_kind.is_some_and(RowKind::allows_credits) => {
                    problem(
                        col(kind),
                        cell,
                        "£0 or more (only \"Other costs\" may be negative)".into(),
                    );
                    Money::ZERO
                }
                Ok(m) if m > bound || bound.checked_neg().is_ok_and(|low| m < low) => {
                    problem(col(kind), cell, format!("at most {bound} on a row"));
                    Money::ZERO
                }
                Ok(m) => m,
                Err(expected) => {
                    problem(col(kind), cell, expected);
                    Money::ZERO
                }
            }
        };
        let capital = amount(Column::Capital);
        let revenue = amount(Column::Revenue);

        let fte_cell = get(Column::Fte);
        let fte = match fte_of(fte_cell) {
            Ok(Some(_)) if row_kind.is_some_and(|k| !k.records_fte()) => {
                problem(
                    col(Column::Fte),
                    fte_cell,
                    "no FTE here: staff numbers go on the ICT staff rows".into(),
                );
                None
            }
            Ok(f) => f,
            Err(expected) => {
                problem(col(Column::Fte), fte_cell, expected);
                None
            }
        };

        let note_cell = get(Column::Note);
        let note = text_of(note_cell).filter(|t| !t.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            problem(
                col(Column::Note),
                note_cell,
                format!("a note of at most {MAX_NOTE_CHARS} characters"),
            );
        }

        row_problems.sort_by_key(|(c, _)| *c);
        let clean = row_problems.is_empty();
        out.problems
            .extend(row_problems.into_iter().map(|(_, p)| p));
        let (Some(row_kind), true) = (row_kind, clean) else {
            continue;
        };
        out.rows_imported += 1;
        let category = match row_kind {
            RowKind::Spend(category) => category,
            RowKind::Income => {
                let sum = income.get_or_insert((Money::ZERO, Money::ZERO, Vec::new()));
                if let (Ok(c), Ok(r)) = (sum.0.checked_add(capital), sum.1.checked_add(revenue)) {
                    sum.0 = c;
                    sum.1 = r;
                }
                sum.2.extend(note);
                continue;
            }
        };
        match sums.iter_mut().find(|s| s.0 == category) {
            Some(sum) => {
                let added = (sum.1.checked_add(capital), sum.2.checked_add(revenue));
                if let (Ok(c), Ok(r)) = added {
                    sum.1 = c;
                    sum.2 = r;
                }
                sum.3 = match (sum.3, fte) {
                    (Some(a), Some(b)) => Some(a + b),
                    (a, b) => a.or(b),
                };
                sum.4.extend(note);
            }
            None => sums.push((category, capital, revenue, fte, note.into_iter().collect())),
        }
    }
    progress(sheet.rows.len());

    for (category, capital, revenue, fte, notes) in sums {
        if capital > bound_total() || revenue > bound_total() {
            out.problems.push(Problem {
                severity: Severity::Error,
                cell: out.sheet.clone(),
                found: format!(
                    "{} adding up to capital {capital}, revenue {revenue}",
                    category.name()
                ),
                expected: format!("at most {} for a category", bound_total()),
            });
            continue;
        }
        if capital.checked_add(revenue).is_ok_and(Money::is_negative) {
            // Income is not a saving: credits refund spend within a category (ADR 0010, rule 6).
            out.problems.push(Problem {
                severity: Severity::Error,
                cell: out.sheet.clone(),
                found: format!(
                    "{} adding up to {} (capital {capital}, revenue {revenue})",
                    category.name(),
                    capital.checked_add(revenue).unwrap_or(Money::ZERO)
                ),
                expected: "£0 or more for a category: credits are refunds of spend in it, and income is not a saving".into(),
            });
            continue;
        }
        out.lines.push(SpendLine {
            category,
            capital,
            revenue,
            fte,
            note: joined_note(&notes),
        });
    }
    if let Some((capital, revenue, notes)) = income {
        if capital > bound_total() || revenue > bound_total() {
            out.problems.push(Problem {
                severity: Severity::Error,
                cell: out.sheet.clone(),
                found: format!("Income adding up to capital {capital}, revenue {revenue}"),
                expected: format!("at most {} of income", bound_total()),
            });
        } else {
            out.income = Some(Income {
                capital,
                revenue,
                note: joined_note(&notes),
            });
        }
    }
    out.lines
        .sort_by_key(|l| SpendCategory::ALL.iter().position(|c| *c == l.category));
    out
}

/// The notes of the rows of one line, joined and cut to the longest note a line holds.
fn joined_note(notes: &[String]) -> Option<String> {
    let mut note: String = notes.join("; ");
    if note.chars().count() > MAX_NOTE_CHARS {
        note = note.chars().take(MAX_NOTE_CHARS - 1).collect::<String>() + "…";
    }
    (!note.is_empty()).then_some(note)
}

fn bound_total() -> Money {
    Money::from_pounds(MAX_LINE_POUNDS).unwrap_or(Money::ZERO)
}

#[cfg(test)]
mod tests;
