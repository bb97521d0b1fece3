//! The published return template (xlsx): an instructions sheet and a spend sheet whose header
//! rows are protected, whose category column offers a drop-down, and which can be pre-filled for
//! one body and year with last year's figures beside the columns to fill in.

use super::estate::{ADOPTIONS_SHEET, ADOPTION_COLUMNS, SITES_SHEET, SITE_COLUMNS};
use super::spend::SPEND_SHEET;
use crate::domain::estate::adoption::AdoptionStage;
use crate::domain::estate::site::{Metering, Ownership, Site, SiteType};
use crate::domain::income::INCOME_CODE;
use crate::domain::savings::initiative::SavingClass;
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, Money, SpendCategory};
use chrono::NaiveDate;
use rust_xlsxwriter::{DataValidation, Format, Workbook, Worksheet, XlsxError};

/// What a pre-filled template is for.
pub struct Prefill<'a> {
    pub org_code: &'a str,
    pub org_name: &'a str,
    pub fy: FinancialYear,
    /// Last year's lines, shown beside the columns to fill in.
    pub last_year: &'a [SpendLine],
    /// The body's sites that are not closed, to update in place.
    pub sites: &'a [Site],
    /// The body's adoptions of shared services.
    pub adoptions: &'a [AdoptionLine],
}

/// An adoption as the template shows it.
#[derive(Clone, Debug)]
pub struct AdoptionLine {
    pub service: String,
    pub stage: AdoptionStage,
    /// The date of its latest step.
    pub date: Option<NaiveDate>,
    pub cost_before: Money,
    pub cost_after: Money,
    pub one_off: Money,
    pub sites: Option<i64>,
    pub users: Option<i64>,
    pub class: SavingClass,
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

/// Builds the template; `prefill` names the body and year and brings last year's figures and
/// the body's sites and adoptions; `services` are the catalogue's codes (the drop-down of the
/// shared-services sheet).
#[expect(
    clippy::too_many_lines,
    reason = "the template's sheets and cells written in order, as the officer sees them"
)]
pub fn build(prefill: Option<&Prefill<'_>>, services: &[String]) -> Result<Vec<u8>, XlsxError> {
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
        "2. Category: choose from the drop-down (hardware, software, ict-services, telecoms-network, staff, accommodation-facilities, energy, capital-financing, other; or income).".into(),
        "3. Capital and revenue in pounds and pence, excluding recovered VAT. Leave a cell empty for £0. Only \"other\" may be negative (credits), written -100 or (100).".into(),
        "4. FTE: the full-time equivalent ICT staff, on the staff row only.".into(),
        "5. Organisation and financial year, if filled in, must be the body and year you import for.".into(),
        "6. Total rows and blank rows are recognised and skipped; extra columns are ignored.".into(),
        "7. Upload the file on the tracker's Import page (xlsx, xlsm, xls, ods or csv). You see every problem with its cell, and what will change, before anything is saved.".into(),
        format!("8. \"{SITES_SHEET}\": one row per data centre, server room, comms room, colocation or cloud site. Sites are matched to the ones the tracker holds by name; a new name adds a site, a site left out is not changed. PUE and the virtualisation ratio are computed, never typed. Energy in whole kWh a year, each marked metered or estimated. Closures are recorded on the site's page, not here."),
        format!("9. \"{ADOPTIONS_SHEET}\": one row per shared service the body uses or is considering. Stage moves one step at a time (considering, contracted, migrating, live, exited), with the date of the step. Costs and class can change until the adoption is live."),
        "10. The Spend sheet may be left empty when you only update sites or shared services: the return is then not changed.".into(),
        format!("11. Income the body's ICT brought in (charges to other bodies, sales of equipment or services) goes on rows with the category \"{INCOME_CODE}\", capital receipts and revenue income, £0 or more. It is recorded beside the spend and never taken off it: income is not a saving. A refund of spend is not income: enter it as a credit on the \"other\" row."),
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
            u32::try_from(lines.len() + 1).unwrap_or(u32::MAX),
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
    let mut codes: Vec<&str> = SpendCategory::ALL.iter().map(|c| c.code()).collect();
    codes.push(INCOME_CODE);
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

    let sites = book.add_worksheet();
    estate_sheet(
        sites,
        SITES_SHEET,
        "Data centres and computer rooms",
        &SITE_COLUMNS.map(|(k, h, _)| (k, h)),
        &[
            (
                "site_type",
                SiteType::ALL.iter().map(|v| v.code().to_owned()).collect(),
            ),
            (
                "ownership",
                Ownership::ALL.iter().map(|v| v.code().to_owned()).collect(),
            ),
            (
                "total_energy_kwh-metering",
                Metering::ALL.iter().map(|v| v.code().to_owned()).collect(),
            ),
            (
                "it_energy_kwh-metering",
                Metering::ALL.iter().map(|v| v.code().to_owned()).collect(),
            ),
        ],
    )?;
    for (i, site) in prefill
        .map(|p| p.sites)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let row = FIRST_DATA_ROW + u32::try_from(i).unwrap_or(0);
        write_site(sites, row, site, &open)?;
    }

    let adoptions = book.add_worksheet();
    estate_sheet(
        adoptions,
        ADOPTIONS_SHEET,
        "Shared services: adoption",
        &ADOPTION_COLUMNS.map(|(k, h, _)| (k, h)),
        &[
            ("service", services.to_vec()),
            (
                "stage",
                AdoptionStage::ALL
                    .iter()
                    .map(|v| v.code().to_owned())
                    .collect(),
            ),
            (
                "class",
                SavingClass::ALL
                    .iter()
                    .map(|v| v.code().to_owned())
                    .collect(),
            ),
        ],
    )?;
    for (i, a) in prefill
        .map(|p| p.adoptions)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let row = FIRST_DATA_ROW + u32::try_from(i).unwrap_or(0);
        adoptions.write_string_with_format(row, 0, &a.service, &open)?;
        adoptions.write_string_with_format(row, 1, a.stage.code(), &open)?;
        if let Some(d) = a.date {
            adoptions.write_string_with_format(row, 2, d.format("%Y-%m-%d").to_string(), &open)?;
        }
        adoptions.write_number_with_format(row, 3, pounds(a.cost_before), &money)?;
        adoptions.write_number_with_format(row, 4, pounds(a.cost_after), &money)?;
        adoptions.write_number_with_format(row, 5, pounds(a.one_off), &money)?;
        if let Some(n) = a.sites {
            adoptions.write_number_with_format(row, 6, whole(n), &open)?;
        }
        if let Some(n) = a.users {
            adoptions.write_number_with_format(row, 7, whole(n), &open)?;
        }
        adoptions.write_string_with_format(row, 8, a.class.code(), &open)?;
    }
    book.save_to_buffer()
}

/// An estate sheet: title, hint, protected header, open columns, drop-downs.
fn estate_sheet(
    sheet: &mut Worksheet,
    name: &str,
    title_text: &str,
    columns: &[(&str, &str)],
    lists: &[(&str, Vec<String>)],
) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_locked()
        .set_background_color("D9E2F3")
        .set_text_wrap();
    let title = Format::new().set_bold().set_font_size(14).set_locked();
    let locked = Format::new().set_locked().set_font_color("595959");
    let open = Format::new().set_unlocked();
    sheet.set_name(name)?;
    sheet.write_string_with_format(0, 0, title_text, &title)?;
    sheet.write_string_with_format(
        1,
        0,
        "See the Instructions sheet. Rows 1 to 3 are protected.",
        &locked,
    )?;
    for (c, (key, heading)) in columns.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(0);
        sheet.set_column_width(
            col,
            if *key == "name" || *key == "service" {
                30
            } else {
                16
            },
        )?;
        sheet.set_column_format(col, &open)?;
        sheet.write_string_with_format(2, col, *heading, &header)?;
        if let Some((_, values)) = lists.iter().find(|(k, _)| k == key) {
            // Excel refuses a list longer than 255 characters: then the column is left open.
            let length: usize = values.iter().map(|v| v.len() + 1).sum();
            if !values.is_empty() && length <= 255 {
                let validation = DataValidation::new()
                    .allow_list_strings(values)?
                    .set_error_message("Choose a value from the list.")?;
                sheet.add_data_validation(
                    FIRST_DATA_ROW,
                    col,
                    FIRST_DATA_ROW + 1000,
                    col,
                    &validation,
                )?;
            }
        }
    }
    sheet.set_freeze_panes(FIRST_DATA_ROW, 0)?;
    sheet.protect();
    Ok(())
}

fn write_site(sheet: &mut Worksheet, row: u32, s: &Site, open: &Format) -> Result<(), XlsxError> {
    let money = Format::new().set_unlocked().set_num_format("#,##0.00");
    for (c, (key, ..)) in SITE_COLUMNS.iter().enumerate() {
        let col = u16::try_from(c).unwrap_or(0);
        let text = |v: &str| v.to_owned();
        let number: Option<f64> = match *key {
            "tier" => s.tier.map(whole),
            "floor_area_m2" => s.floor_area_m2.map(whole),
            "racks" => s.racks.map(whole),
            "physical_servers" => Some(whole(s.physical_servers)),
            "virtual_hosts" => Some(whole(s.virtual_hosts)),
            "virtual_machines" => Some(whole(s.virtual_machines)),
            "total_energy_kwh" => s.total_energy.map(|e| whole(e.kwh)),
            "it_energy_kwh" => s.it_energy.map(|e| whole(e.kwh)),
            _ => None,
        };
        if let Some(n) = number {
            sheet.write_number_with_format(row, col, n, open)?;
            continue;
        }
        let amount = match *key {
            "cost_power" => Some(s.costs.power),
            "cost_accommodation" => Some(s.costs.accommodation),
            "cost_maintenance" => Some(s.costs.maintenance),
            "cost_staff" => Some(s.costs.staff),
            _ => None,
        };
        if let Some(m) = amount {
            sheet.write_number_with_format(row, col, pounds(m), &money)?;
            continue;
        }
        let value = match *key {
            "name" => Some(text(&s.name)),
            "postcode" => s.postcode.clone(),
            "site_type" => Some(text(s.site_type.code())),
            "ownership" => Some(text(s.ownership.code())),
            // Text, not a float: kW may have three decimal places.
            "it_load_kw" => s.it_load_kw.map(|k| k.normalize().to_string()),
            "total_energy_kwh-metering" => s.total_energy.map(|e| text(e.metering.code())),
            "it_energy_kwh-metering" => s.it_energy.map(|e| text(e.metering.code())),
            "opened" => s.opened.map(|d| d.format("%Y-%m-%d").to_string()),
            _ => None,
        };
        if let Some(v) = value {
            sheet.write_string_with_format(row, col, v, open)?;
        }
    }
    Ok(())
}

/// A count as a spreadsheet number (exact: counts are far below 2^53).
#[allow(
    clippy::cast_precision_loss,
    reason = "counts and kWh are bounded far below 2^53"
)]
fn whole(n: i64) -> f64 {
    n as f64
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
        let bytes = build(
            Some(&Prefill {
                org_code: "council-fife",
                org_name: "Fife Council",
                fy,
                last_year: &[],
                sites: &[],
                adoptions: &[],
            }),
            &["swan".to_owned()],
        );
        let bytes = bytes.unwrap_or_default();
        let book = read("template.xlsx", &bytes, &Limits::default());
        let book = book.unwrap_or_default();
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            ["Instructions", SPEND_SHEET, SITES_SHEET, ADOPTIONS_SHEET]
        );
        let spend = &book.sheets[1];
        assert_eq!(spend.rows[2][2], Cell::Text("Category".into()));
        assert_eq!(spend.rows[3][2], Cell::Text("hardware".into()));
        assert_eq!(spend.rows[11][2], Cell::Text("other".into()));
    }

    #[test]
    fn a_prefilled_template_reads_back_as_the_sites_and_adoptions_it_was_filled_with() {
        use crate::domain::estate::site::{parse_site, SiteInput};
        let site = parse_site(&SiteInput {
            name: "Fife House computer room",
            postcode: "KY7 5LT",
            site_type: "server-room",
            ownership: "owned",
            tier: "2",
            physical_servers: "30",
            virtual_hosts: "4",
            virtual_machines: "61",
            it_load_kw: "12.125",
            total_energy_kwh: "210000",
            total_energy_metering: "metered",
            it_energy_kwh: "100000",
            it_energy_metering: "estimated",
            cost_power: "24000.55",
            cost_staff: "31000",
            opened: "2004-04-01",
            ..SiteInput::default()
        });
        let Ok(site) = site else {
            panic!("the site did not parse: {site:?}");
        };
        let adoption = AdoptionLine {
            service: "swan".into(),
            stage: AdoptionStage::Contracted,
            date: NaiveDate::from_ymd_opt(2014, 4, 1),
            cost_before: Money::from_pence(12_000_000),
            cost_after: Money::from_pence(8_000_099),
            one_off: Money::ZERO,
            sites: Some(40),
            users: None,
            class: SavingClass::CashReleasing,
        };
        let fy = FinancialYear::mcclelland_baseline();
        let bytes = build(
            Some(&Prefill {
                org_code: "council-fife",
                org_name: "Fife Council",
                fy,
                last_year: &[],
                sites: std::slice::from_ref(&site),
                adoptions: std::slice::from_ref(&adoption),
            }),
            &["swan".to_owned(), "scottish-wide-area-network".to_owned()],
        )
        .unwrap_or_default();
        let book = read("t.xlsx", &bytes, &Limits::default()).unwrap_or_default();
        let parsed = crate::import::estate::parse(&book);
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.sites.len(), 1);
        assert_eq!(parsed.sites[0].site, site);
        assert_eq!(parsed.adoptions.len(), 1);
        let a = &parsed.adoptions[0];
        assert_eq!(
            (
                a.service.as_str(),
                a.stage,
                a.date,
                a.cost_before,
                a.cost_after,
                a.sites,
                a.users,
                a.class
            ),
            (
                "swan",
                Some(adoption.stage),
                adoption.date,
                adoption.cost_before,
                adoption.cost_after,
                Some(40),
                None,
                Some(SavingClass::CashReleasing)
            )
        );
    }
}
