//! The published return template (xlsx): an instructions sheet and a spend sheet whose header
//! rows are protected, whose category column offers a drop-down, and which can be pre-filled for
//! one body and year with last year's figures beside the columns to fill in.

use super::spend::SPEND_SHEET;
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, SpendCategory};
use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

/// What a pre-filled template is for.
pub struct Prefill<'a> {
    pub org_code: &'a str,
    pub org_name: &'a str,
    pub fy: FinancialYear,
    /// Last year's lines, shown beside the columns to fill in.
    pub last_year: &'a [SpendLine],
}

/// The first row of data (0-based) on the spend sheet: rows 1–3 are the title, the hint and the
/// header.
pub const FIRST_DATA_ROW: u32 = 3;
/// How many rows below the header are open for entry (ledger lines may run long).
const OPEN_ROWS: u32 = 5000;

/// The spend sheet's columns, in order, as the importer recognises them.
pub const COLUMNS: [&str; 7] = [
    "Organisation",
    "Financial year",
    "Category",
    "Capital (£)",
    "Revenue (£)",
    "FTE",
    "Note",
];

/// Builds the template; `prefill` names the body and year and brings last year's figures.
pub fn build(prefill: Option<&Prefill<'_>>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let header = Format::new()
        .set_bold()
        .set_locked()
        .set_background_color("D9E2F3");
    let title = Format::new().set_bold().set_font_size(14).set_locked();
    let locked = Format::new().set_locked().set_font_color("595959");
    let open = Format::new().set_unlocked();
    let money = Format::new().set_unlocked().set_num_format("#,##0.00");
    let shown_money = Format::new()
        .set_locked()
        .set_num_format("#,##0.00")
        .set_font_color("595959");

    let instructions = book.add_worksheet();
    instructions.set_name("Instructions")?;
    instructions.set_column_width(0, 110)?;
    let lines = [
        "ICT spend return — instructions".to_owned(),
        String::new(),
        format!("1. Fill in the \"{SPEND_SHEET}\" sheet: one row per category, or one row per ledger line (rows of the same category are added up)."),
        "2. Category: choose from the drop-down (hardware, software, ict-services, telecoms-network, staff, accommodation-facilities, energy, capital-financing, other).".into(),
        "3. Capital and revenue in pounds and pence, excluding recovered VAT. Leave a cell empty for £0. Only \"other\" may be negative (credits), written -100 or (100).".into(),
        "4. FTE: the full-time equivalent ICT staff, on the staff row only.".into(),
        "5. Organisation and financial year, if filled in, must be the body and year you import for.".into(),
        "6. Total rows and blank rows are recognised and skipped; extra columns are ignored.".into(),
        "7. Upload the file on the tracker's Import page (xlsx, xlsm, xls, ods or csv). You see every problem with its cell, and what will change, before anything is saved.".into(),
    ];
    for (i, line) in lines.iter().enumerate() {
        let row = u32::try_from(i).unwrap_or(0);
        if i == 0 {
            instructions.write_string_with_format(row, 0, line, &title)?;
        } else {
            instructions.write_string_with_format(row, 0, line, &wrap)?;
        }
    }
    if let Some(p) = prefill {
        instructions.write_string_with_format(
            10,
            0,
            format!("Prepared for {} ({}), {}.", p.org_name, p.org_code, p.fy),
            &bold,
        )?;
    }
    instructions.protect();

    let sheet = book.add_worksheet();
    sheet.set_name(SPEND_SHEET)?;
    let heading = match prefill {
        Some(p) => format!("ICT spend return: {} {}", p.org_name, p.fy),
        None => "ICT spend return".to_owned(),
    };
    sheet.write_string_with_format(0, 0, heading, &title)?;
    sheet.write_string_with_format(
        1,
        0,
        "Amounts in pounds and pence. See the Instructions sheet. Rows 1 to 3 are protected.",
        &locked,
    )?;
    let widths = [24.0, 14.0, 26.0, 16.0, 16.0, 8.0, 50.0];
    for (c, name) in COLUMNS.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(0);
        sheet.set_column_width(col, widths[c])?;
        let format = if (3..=4).contains(&c) { &money } else { &open };
        sheet.set_column_format(col, format)?;
        sheet.write_string_with_format(2, col, *name, &header)?;
    }
    let codes: Vec<&str> = SpendCategory::ALL.iter().map(|c| c.code()).collect();
    let validation = DataValidation::new()
        .allow_list_strings(&codes)?
        .set_error_message("Choose a category from the list.")?;
    sheet.add_data_validation(
        FIRST_DATA_ROW,
        2,
        FIRST_DATA_ROW + OPEN_ROWS,
        2,
        &validation,
    )?;

    if let Some(p) = prefill {
        let last_label = p.fy.previous().map(|y| y.to_string()).unwrap_or_default();
        sheet.set_column_width(7, 18)?;
        sheet.set_column_width(8, 18)?;
        sheet.write_string_with_format(2, 7, format!("{last_label} capital (£)"), &header)?;
        sheet.write_string_with_format(2, 8, format!("{last_label} revenue (£)"), &header)?;
        for (i, category) in SpendCategory::ALL.iter().enumerate() {
            let row = FIRST_DATA_ROW + u32::try_from(i).unwrap_or(0);
            sheet.write_string_with_format(row, 0, p.org_code, &open)?;
            sheet.write_string_with_format(row, 1, p.fy.to_string(), &open)?;
            sheet.write_string_with_format(row, 2, category.code(), &open)?;
            if let Some(line) = p.last_year.iter().find(|l| l.category == *category) {
                sheet.write_number_with_format(row, 7, pounds(line.capital), &shown_money)?;
                sheet.write_number_with_format(row, 8, pounds(line.revenue), &shown_money)?;
            }
        }
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    sheet.protect();
    book.save_to_buffer()
}

/// Pounds as a spreadsheet number (for display beside the entry columns only; never read back).
fn pounds(m: crate::domain::Money) -> f64 {
    rust_decimal::prelude::ToPrimitive::to_f64(&m.as_decimal()).unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::reader::{read, Cell, Limits};

    #[test]
    fn the_template_reads_back_with_its_header_and_categories() {
        let fy: FinancialYear = "2013-14"
            .parse()
            .unwrap_or_else(|_| FinancialYear::mcclelland_baseline());
        let bytes = build(Some(&Prefill {
            org_code: "council-fife",
            org_name: "Fife Council",
            fy,
            last_year: &[],
        }));
        let bytes = bytes.unwrap_or_default();
        let book = read("template.xlsx", &bytes, &Limits::default());
        let book = book.unwrap_or_default();
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Instructions", SPEND_SHEET]);
        let spend = &book.sheets[1];
        assert_eq!(spend.rows[2][2], Cell::Text("Category".into()));
        assert_eq!(spend.rows[3][2], Cell::Text("hardware".into()));
        assert_eq!(spend.rows[11][2], Cell::Text("other".into()));
    }
}
