//! The spend sheet of a workbook: find its header row, read each row into a category's amounts,
//! and add the rows up into the return's lines, reporting every problem with its cell.
//!
//! Policy: the parse never stops at the first problem and never panics; each problem names the
//! sheet and cell (`Spend!D14`), what was found and what was expected. Rows are ledger lines:
//! several rows of one category add up. Blank rows and total rows are recognised and reported,
//! not imported. A float becomes pence only within a hundredth of a penny of a whole penny.
//! Rows whose category is "Income" go to the return's income line, never into spend (ADR 0010,
//! rule 6).

use super::reader::{cell_ref, Cell, Sheet, Workbook};
use crate::domain::income::{Income, INCOME_CODE};
use crate::domain::spend_line::{SpendLine, MAX_FTE, MAX_LINE_POUNDS, MAX_NOTE_CHARS};
use crate::domain::{FinancialYear, Money, SpendCategory};
use crate::model::returns::Figures;
use chrono::NaiveDate;
use rust_decimal::Decimal;
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

/// What a row's category cell names: a spend category, or the income line (ADR 0010, rule 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum RowKind {
    Spend(SpendCategory),
    Income,
}

impl RowKind {
    fn of(text: &str) -> Option<RowKind> {
        if normalise(text).starts_with(INCOME_CODE) {
            return Some(RowKind::Income);
        }
        category_of(text).map(RowKind::Spend)
    }

    fn allows_credits(self) -> bool {
        matches!(self, RowKind::Spend(c) if c.allows_credits())
    }

    fn records_fte(self) -> bool {
        matches!(self, RowKind::Spend(c) if c.records_fte())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Column {
    Organisation,
    Year,
    Date,
    Category,
    Capital,
    Revenue,
    Fte,
    Note,
}

impl Column {
    fn name(self) -> &'static str {
        match self {
            Column::Organisation => "Organisation",
            Column::Year => "Financial year",
            Column::Date => "Date",
            Column::Category => "Category",
            Column::Capital => "Capital (£)",
            Column::Revenue => "Revenue (£)",
            Column::Fte => "FTE",
            Column::Note => "Note",
        }
    }
}

/// Lower case, letters and digits only: "Capital (£)" and " capital" both become "capital".
pub(crate) fn normalise(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn column_of(header: &str) -> Option<Column> {
    Some(match normalise(header).as_str() {
        "organisation" | "organisationcode" | "organization" | "organizationcode" | "org"
        | "orgcode" | "body" | "bodycode" => Column::Organisation,
        "financialyear" | "year" | "fy" => Column::Year,
        "date" | "transactiondate" | "invoicedate" | "postingdate" => Column::Date,
        "category" | "spendcategory" | "costcategory" => Column::Category,
        "capital" | "capitalgbp" | "capitalspend" | "capitalpounds" => Column::Capital,
        "revenue" | "revenuegbp" | "revenuespend" | "revenuepounds" => Column::Revenue,
        "fte" | "ftes" | "stafffte" | "fulltimeequivalent" | "fulltimeequivalents" => Column::Fte,
        "note" | "notes" | "description" | "comment" | "comments" | "narrative" => Column::Note,
        _ => return None,
    })
}

/// Each category's accepted spellings, normalised: code, name, and the name's first words.
static CATEGORY_SPELLINGS: std::sync::LazyLock<Vec<(String, SpendCategory)>> =
    std::sync::LazyLock::new(|| {
        SpendCategory::ALL
            .into_iter()
            .flat_map(|c| {
                let short = c.name().split(" (").next().unwrap_or_default();
                [normalise(c.code()), normalise(c.name()), normalise(short)]
                    .into_iter()
                    .map(move |s| (s, c))
            })
            .collect()
    });

/// A category from its code ("hardware"), its name, or its name's first words ("Hardware").
pub fn category_of(text: &str) -> Option<SpendCategory> {
    // The common case, a code as the template writes it, needs no allocation.
    if let Some(c) = SpendCategory::ALL.into_iter().find(|c| c.code() == text) {
        return Some(c);
    }
    let wanted = normalise(text);
    if wanted.is_empty() {
        return None;
    }
    CATEGORY_SPELLINGS
        .iter()
        .find(|(s, _)| *s == wanted)
        .map(|(_, c)| *c)
}

/// Whether a cell's text marks a total row ("Total", "Grand total", "Sub-total", "Total for …").
fn is_total_text(text: &str) -> bool {
    let mentions = text
        .as_bytes()
        .windows(5)
        .any(|w| w.eq_ignore_ascii_case(b"total"));
    if !mentions {
        return false;
    }
    let n = normalise(text);
    n == "total" || n == "grandtotal" || n == "subtotal" || n.starts_with("totalfor")
}

/// A cell's text without copying it when it is text already.
fn text_cow(cell: &Cell) -> Option<std::borrow::Cow<'_, str>> {
    match cell {
        Cell::Text(t) => Some(std::borrow::Cow::Borrowed(t.trim())),
        other => text_of(other).map(std::borrow::Cow::Owned),
    }
}

fn text_of(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Text(t) => Some(t.trim().to_owned()),
        Cell::Int(i) => Some(i.to_string()),
        Cell::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// An amount in pounds from a cell: a number, or text with £, thousands separators, or
/// brackets for a negative. The `Err` says what was expected.
pub fn amount_of(cell: &Cell) -> Result<Money, String> {
    const EXPECTED: &str = "an amount in pounds and pence, like 1234.56 or £1,234.56";
    match cell {
        Cell::Empty => Ok(Money::ZERO),
        Cell::Int(i) => Money::from_pounds(*i).map_err(|_| EXPECTED.to_owned()),
        Cell::Number(f) => money_from_float(*f),
        Cell::Text(t) => {
            let t = t.trim();
            if t.is_empty() {
                return Ok(Money::ZERO);
            }
            let (negative, inner) = match t.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
                Some(inner) => (true, inner),
                None => (false, t),
            };
            let inner = inner.trim();
            let inner = inner
                .strip_prefix("GBP")
                .or_else(|| inner.strip_suffix("GBP"))
                .unwrap_or(inner);
            let money = Money::parse(inner).map_err(|_| EXPECTED.to_owned())?;
            if negative {
                money.checked_neg().map_err(|_| EXPECTED.to_owned())
            } else {
                Ok(money)
            }
        }
        Cell::Bool(_) | Cell::Date(_) | Cell::Error(_) => Err(EXPECTED.to_owned()),
    }
}

/// A float becomes pence only when it is within a hundredth of a penny of a whole penny.
#[allow(
    clippy::float_arithmetic,
    clippy::cast_possible_truncation,
    reason = "spreadsheets store numbers as binary floats; this is where they become exact pence, checked"
)]
fn money_from_float(value: f64) -> Result<Money, String> {
    if !value.is_finite() {
        return Err("a finite amount".into());
    }
    let pence = value * 100.0;
    // Far beyond any line's bound: say so rather than convert.
    if pence.abs() > 1e17 {
        return Err(format!("at most £{MAX_LINE_POUNDS}"));
    }
    let whole = pence.round();
    if (pence - whole).abs() > 0.01 {
        return Err("a whole number of pence (at most two decimal places)".into());
    }
    Ok(Money::from_pence(whole as i64))
}

fn fte_of(cell: &Cell) -> Result<Option<Decimal>, String> {
    let expected = || format!("a headcount in FTE from 0 to {MAX_FTE}, like 12.5");
    let value = match cell {
        Cell::Empty => return Ok(None),
        Cell::Int(i) => Decimal::from(*i),
        Cell::Number(f) => Decimal::from_f64_retain(*f)
            .map(|d| d.round_dp(6).normalize())
            .ok_or_else(expected)?,
        Cell::Text(t) if t.trim().is_empty() => return Ok(None),
        Cell::Text(t) => t.trim().parse::<Decimal>().map_err(|_| expected())?,
        _ => return Err(expected()),
    };
    if value.scale() > 2 || value < Decimal::ZERO || value > Decimal::from(MAX_FTE) {
        return Err(expected());
    }
    Ok(Some(value))
}

/// The last serial day Excel can show (31 December 9999).
const MAX_EXCEL_SERIAL: i64 = 2_958_465;

pub(crate) fn date_of(cell: &Cell) -> Option<NaiveDate> {
    let from_serial = |days: i64| {
        (1..=MAX_EXCEL_SERIAL).contains(&days).then(|| {
            NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::try_days(days)?))
        })?
    };
    match cell {
        Cell::Date(d) => Some(*d),
        Cell::Int(i) => from_serial(*i),
        Cell::Number(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e9 =>
        {
            #[allow(
                clippy::cast_possible_truncation,
                reason = "checked whole and small above"
            )]
            from_serial(*f as i64)
        }
        Cell::Text(t) => {
            let t = t.trim();
            [
                "%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y",
            ]
            .iter()
            .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
        }
        _ => None,
    }
}

/// Finds the spend sheet: the one named "Spend", else the only sheet, else the first sheet
/// that has a header row.
fn spend_sheet(book: &Workbook) -> Option<&Sheet> {
    book.sheets
        .iter()
        .find(|s| s.name.trim().eq_ignore_ascii_case(SPEND_SHEET))
        .or_else(|| (book.sheets.len() == 1).then(|| &book.sheets[0]))
        .or_else(|| book.sheets.iter().find(|s| header_row(s).is_some()))
}

/// How far down a header row is looked for.
const HEADER_SEARCH_ROWS: usize = 30;

/// The header row's index and the column of each recognised header.
fn header_row(sheet: &Sheet) -> Option<(usize, Vec<(usize, Column)>)> {
    sheet
        .rows
        .iter()
        .take(HEADER_SEARCH_ROWS)
        .enumerate()
        .find_map(|(i, row)| {
            let columns: Vec<(usize, Column)> = row
                .iter()
                .enumerate()
                .filter_map(|(c, cell)| text_of(cell).and_then(|t| column_of(&t)).map(|k| (c, k)))
                .collect();
            let has = |k| columns.iter().any(|(_, c)| *c == k);
            (has(Column::Category) && (has(Column::Capital) || has(Column::Revenue)))
                .then_some((i, columns))
        })
}

/// One category's rows added up: (category, capital, revenue, FTE, notes).
type CategorySum = (SpendCategory, Money, Money, Option<Decimal>, Vec<String>);

/// Reads the spend sheet of `book` for `target`. `progress` is told how many rows are done.
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
mod tests {
    use super::*;

    fn text(t: &str) -> Cell {
        Cell::Text(t.into())
    }

    fn fife() -> Target<'static> {
        Target {
            org_code: "council-fife",
            org_name: "Fife Council",
            fy: "2013-14"
                .parse()
                .unwrap_or_else(|_| FinancialYear::mcclelland_baseline()),
            is_known_org: &|code| code == "council-angus" || code == "council-fife",
        }
    }

    fn sheet(rows: Vec<Vec<Cell>>) -> Workbook {
        Workbook {
            sheets: vec![Sheet {
                name: "Spend".into(),
                rows,
            }],
        }
    }

    #[test]
    fn amounts_take_the_forms_finance_officers_type() {
        let pence = |c: Cell| amount_of(&c).map(Money::pence);
        assert_eq!(pence(Cell::Int(12)), Ok(1200));
        assert_eq!(pence(Cell::Number(1234.56)), Ok(123_456));
        assert_eq!(
            pence(Cell::Number(0.1 + 0.2)),
            Ok(30),
            "binary noise within a hundredth of a penny"
        );
        assert!(
            pence(Cell::Number(12.345)).is_err(),
            "half a penny is flagged, not rounded"
        );
        assert_eq!(pence(text("£1,234.50")), Ok(123_450));
        assert_eq!(pence(text("(1,000.00)")), Ok(-100_000));
        assert_eq!(pence(text("GBP 99")), Ok(9900));
        assert_eq!(pence(text("  ")), Ok(0));
        assert!(pence(text("12k")).is_err());
        assert!(pence(Cell::Number(f64::NAN)).is_err());
        assert!(pence(Cell::Number(1e300)).is_err());
        assert!(pence(Cell::Bool(true)).is_err());
    }

    #[test]
    fn headers_match_whatever_their_case_spacing_or_order() {
        let book = sheet(vec![
            vec![text("Fife Council ICT spend 2013-14")],
            vec![],
            vec![
                text(" NOTES "),
                text("revenue (£)"),
                text("Spend category"),
                text("CAPITAL"),
                text("Cost centre"),
            ],
            vec![
                text("laptops"),
                Cell::Number(10.0),
                text("Hardware"),
                Cell::Int(5),
                text("CC1"),
            ],
            vec![
                text(""),
                text("£2,000"),
                text("hardware"),
                Cell::Empty,
                text("CC2"),
            ],
            vec![],
            vec![Cell::Empty, Cell::Number(12.0), text("Total"), Cell::Int(5)],
        ]);
        let parsed = parse(&book, &fife(), &mut |_| {});
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.rows_imported, 2);
        assert_eq!(parsed.blank_rows, 1);
        assert_eq!(parsed.total_rows, vec!["Spend!A7".to_owned()]);
        assert_eq!(
            parsed.ignored_columns,
            vec!["Spend!E3 (\"Cost centre\")".to_owned()]
        );
        assert_eq!(parsed.lines.len(), 1);
        assert_eq!(parsed.lines[0].capital.pence(), 500);
        assert_eq!(parsed.lines[0].revenue.pence(), 201_000);
        assert_eq!(parsed.lines[0].note.as_deref(), Some("laptops"));
    }

    #[test]
    fn income_rows_go_to_the_income_line_and_never_into_spend() {
        let book = sheet(vec![
            vec![
                text("Category"),
                text("Capital (£)"),
                text("Revenue (£)"),
                text("FTE"),
                text("Note"),
            ],
            vec![text("hardware"), Cell::Int(100), Cell::Int(900)],
            vec![
                text("Income"),
                Cell::Empty,
                Cell::Int(5000),
                Cell::Empty,
                text("SWAN recharges"),
            ],
            vec![
                text("Income (charges to others, sales; not a saving)"),
                Cell::Int(250),
                Cell::Empty,
                Cell::Empty,
                text("old laptops sold"),
            ],
            vec![text("income"), Cell::Empty, Cell::Int(-1)],
            vec![text("income"), Cell::Empty, Cell::Int(1), Cell::Int(2)],
        ]);
        let parsed = parse(&book, &fife(), &mut |_| {});
        let cells: Vec<&str> = parsed.problems.iter().map(|p| p.cell.as_str()).collect();
        assert_eq!(cells, ["Spend!C5", "Spend!D6"], "{:?}", parsed.problems);
        assert!(parsed.problems[0]
            .expected
            .contains("income is never negative"));
        assert!(parsed.problems[1].expected.contains("no FTE here"));
        assert_eq!(parsed.lines.len(), 1, "income is not a spend line");
        assert_eq!(
            parsed.lines[0].total().map(Money::pence),
            Some(100_000),
            "and nothing is netted from spend"
        );
        assert_eq!(
            parsed.income,
            Some(Income {
                capital: Money::from_pence(25_000),
                revenue: Money::from_pence(500_000),
                note: Some("SWAN recharges; old laptops sold".into()),
            })
        );
        assert_eq!(parsed.figures().income, parsed.income);
    }

    #[test]
    fn each_problem_names_its_cell_what_was_found_and_what_was_expected() {
        let book = sheet(vec![
            vec![
                text("Organisation"),
                text("Financial year"),
                text("Category"),
                text("Capital"),
                text("Revenue"),
                text("FTE"),
                text("Date"),
            ],
            vec![
                text("council-fife"),
                text("2013-14"),
                text("printers"),
                Cell::Int(1),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
            vec![
                text("council-angus"),
                text("2013-14"),
                text("hardware"),
                Cell::Int(1),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
            ],
            vec![
                text("council-nowhere"),
                text("2012-13"),
                text("software"),
                text("12.345"),
                Cell::Number(-5.0),
                Cell::Empty,
                Cell::Empty,
            ],
            vec![
                text("council-fife"),
                text("2013-14"),
                text("energy"),
                Cell::Empty,
                Cell::Int(3),
                text("2"),
                text("01/04/2014"),
            ],
        ]);
        let parsed = parse(&book, &fife(), &mut |_| {});
        let cells: Vec<&str> = parsed.problems.iter().map(|p| p.cell.as_str()).collect();
        assert_eq!(
            cells,
            [
                "Spend!C2", "Spend!A3", "Spend!A4", "Spend!B4", "Spend!D4", "Spend!E4", "Spend!F5",
                "Spend!G5"
            ]
        );
        let p = &parsed.problems;
        assert!(
            p[0].expected.contains("one of the spend categories") && p[0].found == "\"printers\""
        );
        assert!(p[1].expected.contains("this import is for that body only"));
        assert!(p[2].expected.contains("is unknown"));
        assert!(p[3].expected.contains("2013-14"));
        assert!(
            p[4].expected.contains("at most two decimal places")
                || p[4].expected.contains("pounds and pence")
        );
        assert!(p[5].expected.contains("£0 or more"));
        assert!(p[6].expected.contains("ICT staff"));
        assert!(p[7].expected.contains("outside"));
        assert!(
            parsed.lines.is_empty(),
            "a row with a problem is not imported"
        );
    }

    #[test]
    fn a_workbook_without_a_spend_sheet_or_header_says_what_it_needs() {
        let book = Workbook {
            sheets: vec![
                Sheet {
                    name: "Instructions".into(),
                    rows: vec![vec![text("Read me")]],
                },
                Sheet {
                    name: "Other".into(),
                    rows: vec![vec![text("x")]],
                },
            ],
        };
        let parsed = parse(&book, &fife(), &mut |_| {});
        assert!(parsed.problems[0]
            .expected
            .contains("a sheet named \"Spend\""));
        let parsed = parse(
            &sheet(vec![vec![text("Name"), text("Amount")]]),
            &fife(),
            &mut |_| {},
        );
        assert!(parsed.problems[0].expected.contains("header row"));
    }

    #[test]
    fn categories_are_known_by_code_name_or_first_words() {
        assert_eq!(
            category_of("ict-services"),
            Some(SpendCategory::IctServices)
        );
        assert_eq!(
            category_of("ICT services"),
            Some(SpendCategory::IctServices)
        );
        assert_eq!(category_of("ict staff"), Some(SpendCategory::StaffCost));
        assert_eq!(
            category_of("Energy, including cooling"),
            Some(SpendCategory::Energy)
        );
        assert_eq!(category_of("biscuits"), None);
        assert_eq!(category_of(""), None);
    }
}
