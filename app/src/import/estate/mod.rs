//! The "Data centres" and "Shared services" sheets of a return workbook: each row a site of the
//! body, or its adoption of a shared service, read into domain values with every problem named
//! by its cell.
//!
//! Policy: like the spend sheet, the parse never stops at the first problem and never panics.
//! A site row goes through the same checks as the entry form (`domain::estate::site`), so the
//! two cannot disagree; a field's problem is reported at that field's cell. What a row means
//! against what is stored (a new site or a changed one, an allowed adoption step) is decided by
//! `services::estate_import`, not here. The lifecycle of a site (closure) is not in the sheet:
//! it needs a destination and evidence, and is recorded on the site's page.

use super::reader::{cell_ref, Cell, Sheet, Workbook};
use super::spend::{amount_of, date_of, normalise};
use crate::domain::estate::adoption::AdoptionStage;
use crate::domain::estate::site::{parse_site, Metering, Ownership, Site, SiteInput, SiteType};
use crate::domain::savings::initiative::SavingClass;
use crate::domain::Money;
use crate::model::import::{Problem, Severity};
use chrono::NaiveDate;

mod adoptions;
use adoptions::parse_adoptions;

/// The sheet of sites; matched without regard to case.
pub const SITES_SHEET: &str = "Data centres";
/// The sheet of shared-service adoptions; matched without regard to case.
pub const ADOPTIONS_SHEET: &str = "Shared services";

/// Whether a sheet is one of the estate sheets (so it is not read as a spend sheet).
pub fn is_estate_sheet(name: &str) -> bool {
    let name = name.trim();
    name.eq_ignore_ascii_case(SITES_SHEET) || name.eq_ignore_ascii_case(ADOPTIONS_SHEET)
}

/// The site sheet's columns: the entry form's field, the header the template writes, and the
/// other spellings accepted (normalised: lower case, letters and digits only).
pub const SITE_COLUMNS: [(&str, &str, &[&str]); 20] = [
    ("name", "Site name", &["name", "site"]),
    ("postcode", "Postcode", &["postalcode"]),
    ("site_type", "Type", &["sitetype"]),
    ("ownership", "Ownership", &[]),
    ("tier", "Tier", &[]),
    (
        "floor_area_m2",
        "Floor area (m²)",
        &["floorarea", "flooraream2", "aream2"],
    ),
    ("racks", "Racks", &[]),
    ("physical_servers", "Physical servers", &["servers"]),
    ("virtual_hosts", "Virtual hosts", &[]),
    ("virtual_machines", "Virtual machines", &["vms"]),
    ("it_load_kw", "IT load (kW)", &["itload", "itloadkw"]),
    (
        "total_energy_kwh",
        "Total energy (kWh a year)",
        &[
            "totalenergy",
            "totalenergykwh",
            "totalfacilityenergy",
            "totalfacilityenergykwhayear",
        ],
    ),
    (
        "total_energy_kwh-metering",
        "Total energy metered or estimated",
        &["totalenergymetering"],
    ),
    (
        "it_energy_kwh",
        "IT energy (kWh a year)",
        &[
            "itenergy",
            "itenergykwh",
            "itequipmentenergy",
            "itequipmentenergykwhayear",
        ],
    ),
    (
        "it_energy_kwh-metering",
        "IT energy metered or estimated",
        &["itenergymetering"],
    ),
    (
        "cost_power",
        "Power cost (£ a year)",
        &["power", "powercost"],
    ),
    (
        "cost_accommodation",
        "Accommodation or lease cost (£ a year)",
        &["accommodation", "accommodationcost", "leasecost"],
    ),
    (
        "cost_maintenance",
        "Maintenance contracts (£ a year)",
        &["maintenance", "maintenancecost", "maintenancecontracts"],
    ),
    (
        "cost_staff",
        "Staff cost (£ a year)",
        &["staff", "staffcost"],
    ),
    (
        "opened",
        "Opened",
        &["opendate", "dateopened", "openeddate"],
    ),
];

/// The adoption sheet's columns: a key, the header the template writes, other spellings.
pub const ADOPTION_COLUMNS: [(&str, &str, &[&str]); 9] = [
    ("service", "Shared service", &["service", "servicecode"]),
    ("stage", "Stage", &["adoptionstage"]),
    ("date", "Date of the stage", &["date", "stagedate"]),
    (
        "cost_before",
        "Annual cost before (£)",
        &["costbefore", "annualcostbefore"],
    ),
    (
        "cost_after",
        "Annual cost after (£)",
        &["costafter", "annualcostafter"],
    ),
    ("one_off", "One-off cost (£)", &["oneoff", "oneoffcost"]),
    ("sites", "Sites", &["sitescounted"]),
    ("users", "Users", &["userscounted"]),
    ("class", "Class of saving", &["class", "savingclass"]),
];

/// One site row, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct SiteRow {
    /// The row's first cell (`Data centres!A5`), to point at the row.
    pub at: String,
    /// The cell of the site's name, to point at when the row clashes with what is stored.
    pub name_cell: String,
    pub site: Site,
}

/// One adoption row, checked as far as a row alone can be.
#[derive(Clone, Debug, PartialEq)]
pub struct AdoptionRow {
    pub at: String,
    /// The service as written (a code or a name; matched against the catalogue later).
    pub service: String,
    pub service_cell: String,
    /// The stage the row asks for (`None`: left empty, meaning the stored stage or considering).
    pub stage: Option<AdoptionStage>,
    pub stage_cell: String,
    pub date: Option<NaiveDate>,
    pub date_cell: String,
    pub cost_before: Money,
    pub cost_after: Money,
    pub one_off: Money,
    pub costs_cell: String,
    pub sites: Option<i64>,
    pub users: Option<i64>,
    /// `None`: left empty (the stored class; a new adoption needs one).
    pub class: Option<SavingClass>,
    pub class_cell: String,
}

/// The estate sheets of a workbook, read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParsedEstate {
    /// Whether the workbook has a sites sheet (an absent sheet changes nothing).
    pub has_sites: bool,
    pub has_adoptions: bool,
    pub sites: Vec<SiteRow>,
    pub adoptions: Vec<AdoptionRow>,
    pub problems: Vec<Problem>,
}

impl ParsedEstate {
    pub fn has_errors(&self) -> bool {
        self.problems.iter().any(|p| p.severity == Severity::Error)
    }
}

/// A cell as the text a form would have sent.
fn text_of(cell: &Cell) -> String {
    match cell {
        Cell::Empty | Cell::Bool(_) | Cell::Error(_) => String::new(),
        Cell::Text(t) => t.trim().to_owned(),
        Cell::Int(i) => i.to_string(),
        Cell::Number(n) => format!("{n}"),
        Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
    }
}

/// A coded value from its code or its name, in any case: "Data centre" → "data-centre".
fn code_from<T: Copy>(
    text: &str,
    all: &[T],
    code: fn(T) -> &'static str,
    name: fn(T) -> &'static str,
) -> String {
    let wanted = normalise(text);
    all.iter()
        .find(|v| normalise(code(**v)) == wanted || normalise(name(**v)) == wanted)
        .map_or_else(|| text.trim().to_owned(), |v| code(*v).to_owned())
}

/// The header row of `sheet` for `columns`: its index and each key's column.
fn header<'k>(
    sheet: &Sheet,
    columns: &[(&'k str, &str, &[&str])],
    required: &str,
) -> Option<(usize, Vec<(&'k str, usize)>)> {
    sheet.rows.iter().take(30).enumerate().find_map(|(i, row)| {
        let found: Vec<(&str, usize)> = row
            .iter()
            .enumerate()
            .filter_map(|(c, cell)| {
                let n = normalise(&text_of(cell));
                columns
                    .iter()
                    .find(|(_, h, more)| normalise(h) == n || more.contains(&n.as_str()))
                    .map(|(k, ..)| (*k, c))
            })
            .collect();
        found
            .iter()
            .any(|(k, _)| *k == required)
            .then_some((i, found))
    })
}

/// Reports a second column of one kind; true if there was one.
fn duplicate_columns(
    sheet: &Sheet,
    header_row: usize,
    found: &[(&str, usize)],
    columns: &[(&str, &str, &[&str])],
    problems: &mut Vec<Problem>,
) -> bool {
    let mut any = false;
    for (key, title, _) in columns {
        let cols: Vec<usize> = found
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, c)| *c)
            .collect();
        if cols.len() > 1 {
            any = true;
            problems.push(Problem {
                severity: Severity::Error,
                cell: format!("{}!{}", sheet.name, cell_ref(header_row, cols[1])),
                found: format!("a second {title} column"),
                expected: format!("one {title} column"),
            });
        }
    }
    any
}

/// Reads the estate sheets of `book` (either may be absent).
pub fn parse(book: &Workbook) -> ParsedEstate {
    let mut out = ParsedEstate::default();
    for sheet in &book.sheets {
        let name = sheet.name.trim();
        if name.eq_ignore_ascii_case(SITES_SHEET) {
            out.has_sites = true;
            parse_sites(sheet, &mut out);
        } else if name.eq_ignore_ascii_case(ADOPTIONS_SHEET) {
            out.has_adoptions = true;
            parse_adoptions(sheet, &mut out);
        }
    }
    out
}

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
fn parse_sites(sheet: &Sheet, out: &mut ParsedEstate) {
    let Some((header_row, found)) = header(sheet, &SITE_COLUMNS, "name") else {
        if sheet.rows.iter().any(|r| r.iter().any(|c| !c.is_empty())) {
            out.problems.push(Problem {
                severity: Severity::Error,
                cell: sheet.name.clone(),
                found: "no header row".into(),
                expected:
                    "a header row with a Site name column and the site's figures (see the template)"
                        .into(),
            });
        }
        return;
    };
    if duplicate_columns(sheet, header_row, &found, &SITE_COLUMNS, &mut out.problems) {
        return;
    }
    let col = |key: &str| found.iter().find(|(k, _)| *k == key).map(|(_, c)| *c);
    let at = |row: usize, c: usize| format!("{}!{}", sheet.name, cell_ref(row, c));
    let empty = Cell::Empty;
    for (r, row) in sheet.rows.iter().enumerate().skip(header_row + 1) {
        if row.iter().all(Cell::is_empty) {
            continue;
        }
        let cell = |key: &str| col(key).and_then(|c| row.get(c)).unwrap_or(&empty);
        let mut texts: Vec<(&str, String)> = Vec::new();
        let mut row_problems: Vec<Problem> = Vec::new();
        for (key, title, _) in SITE_COLUMNS {
            let value = cell(key);
            let text = match key {
                "cost_power" | "cost_accommodation" | "cost_maintenance" | "cost_staff" => {
                    match amount_of(value) {
                        Ok(m) => m.as_decimal().to_string(),
                        Err(expected) => {
                            row_problems.push(Problem {
                                severity: Severity::Error,
                                cell: at(r, col(key).unwrap_or(0)),
                                found: value.shown(),
                                expected: format!("{title}: {expected}"),
                            });
                            String::new()
                        }
                    }
                }
                "opened" if !value.is_empty() => match date_of(value) {
                    Some(d) => d.format("%Y-%m-%d").to_string(),
                    None => "not a date".to_owned(),
                },
                "site_type" => code_from(
                    &text_of(value),
                    SiteType::ALL,
                    SiteType::code,
                    SiteType::name,
                ),
                "ownership" => code_from(
                    &text_of(value),
                    Ownership::ALL,
                    Ownership::code,
                    Ownership::name,
                ),
                "total_energy_kwh-metering" | "it_energy_kwh-metering" => code_from(
                    &text_of(value),
                    Metering::ALL,
                    Metering::code,
                    Metering::name,
                ),
                _ => text_of(value),
            };
            texts.push((key, text));
        }
        let t = |key: &str| {
            texts
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.as_str())
                .unwrap_or_default()
        };
        let input = SiteInput {
            name: t("name"),
            postcode: t("postcode"),
            site_type: t("site_type"),
            ownership: t("ownership"),
            tier: t("tier"),
            floor_area_m2: t("floor_area_m2"),
            racks: t("racks"),
            physical_servers: t("physical_servers"),
            virtual_hosts: t("virtual_hosts"),
            virtual_machines: t("virtual_machines"),
            it_load_kw: t("it_load_kw"),
            total_energy_kwh: t("total_energy_kwh"),
            total_energy_metering: t("total_energy_kwh-metering"),
            it_energy_kwh: t("it_energy_kwh"),
            it_energy_metering: t("it_energy_kwh-metering"),
            cost_power: t("cost_power"),
            cost_accommodation: t("cost_accommodation"),
            cost_maintenance: t("cost_maintenance"),
            cost_staff: t("cost_staff"),
            opened: t("opened"),
        };
        match parse_site(&input) {
            Ok(site) if row_problems.is_empty() => out.sites.push(SiteRow {
                at: at(r, 0),
                name_cell: at(r, col("name").unwrap_or(0)),
                site,
            }),
            Ok(_) => {}
            Err(errors) => {
                for e in errors {
                    // A money cell already reported its own problem.
                    let c = col(&e.field);
                    if row_problems
                        .iter()
                        .any(|p| Some(&p.cell) == c.map(|c| at(r, c)).as_ref())
                    {
                        continue;
                    }
                    row_problems.push(Problem {
                        severity: Severity::Error,
                        cell: c.map_or_else(
                            || format!("{} (no {} column)", at(r, 0), title_of(&e.field)),
                            |c| at(r, c),
                        ),
                        found: c.and_then(|c| row.get(c)).unwrap_or(&empty).shown(),
                        expected: e.message,
                    });
                }
            }
        }
        out.problems.extend(row_problems);
    }
}

fn title_of(key: &str) -> &'static str {
    SITE_COLUMNS
        .iter()
        .chain(ADOPTION_COLUMNS.iter())
        .find(|(k, ..)| *k == key)
        .map_or("such", |(_, t, _)| *t)
}

fn count_of(cell: &Cell) -> Result<Option<i64>, ()> {
    let text = text_of(cell).replace(',', "");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if (0..=10_000_000).contains(&n) => Ok(Some(n)),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests;
