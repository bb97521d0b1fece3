//! Reading the spend sheet's cells: its header and columns, category names, amounts, FTE and
//! dates as spreadsheets hold them.

use super::SPEND_SHEET;
use crate::domain::income::INCOME_CODE;
use crate::domain::spend_line::{MAX_FTE, MAX_LINE_POUNDS};
use crate::domain::{Money, SpendCategory};
use crate::import::reader::{Cell, Sheet, Workbook};
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// What a row's category cell names: a spend category, or the income line (ADR 0010, rule 6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum RowKind {
    Spend(SpendCategory),
    Income,
}

impl RowKind {
    pub(super) fn of(text: &str) -> Option<RowKind> {
        if normalise(text).starts_with(INCOME_CODE) {
            return Some(RowKind::Income);
        }
        category_of(text).map(RowKind::Spend)
    }

    pub(super) fn allows_credits(self) -> bool {
        matches!(self, RowKind::Spend(c) if c.allows_credits())
    }

    pub(super) fn records_fte(self) -> bool {
        matches!(self, RowKind::Spend(c) if c.records_fte())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Column {
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
    pub(super) fn name(self) -> &'static str {
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

pub(super) fn column_of(header: &str) -> Option<Column> {
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
pub(super) fn is_total_text(text: &str) -> bool {
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
pub(super) fn text_cow(cell: &Cell) -> Option<std::borrow::Cow<'_, str>> {
    match cell {
        Cell::Text(t) => Some(std::borrow::Cow::Borrowed(t.trim())),
        other => text_of(other).map(std::borrow::Cow::Owned),
    }
}

pub(super) fn text_of(cell: &Cell) -> Option<String> {
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
pub(super) fn money_from_float(value: f64) -> Result<Money, String> {
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

pub(super) fn fte_of(cell: &Cell) -> Result<Option<Decimal>, String> {
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
pub(super) const MAX_EXCEL_SERIAL: i64 = 2_958_465;

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
pub(super) fn spend_sheet(book: &Workbook) -> Option<&Sheet> {
    book.sheets
        .iter()
        .find(|s| s.name.trim().eq_ignore_ascii_case(SPEND_SHEET))
        .or_else(|| (book.sheets.len() == 1).then(|| &book.sheets[0]))
        .or_else(|| book.sheets.iter().find(|s| header_row(s).is_some()))
}

/// How far down a header row is looked for.
pub(super) const HEADER_SEARCH_ROWS: usize = 30;

/// The header row's index and the column of each recognised header.
pub(super) fn header_row(sheet: &Sheet) -> Option<(usize, Vec<(usize, Column)>)> {
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
pub(super) type CategorySum = (SpendCategory, Money, Money, Option<Decimal>, Vec<String>);
