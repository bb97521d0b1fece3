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

fn parse_adoptions(sheet: &Sheet, out: &mut ParsedEstate) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Cell {
        Cell::Text(s.into())
    }

    fn sheet(name: &str, rows: Vec<Vec<Cell>>) -> Workbook {
        Workbook {
            sheets: vec![Sheet {
                name: name.into(),
                rows,
            }],
        }
    }

    #[test]
    fn a_site_row_reads_with_names_for_codes_and_numbers_from_cells() {
        let header: Vec<Cell> = SITE_COLUMNS.iter().map(|(_, h, _)| text(h)).collect();
        let row = vec![
            text("Fife House computer room"),
            text("ky7 5lt"),
            text("Server room"),
            text("owned"),
            Cell::Empty,
            Cell::Int(40),
            Cell::Int(6),
            Cell::Int(30),
            Cell::Int(4),
            Cell::Int(60),
            Cell::Number(12.5),
            Cell::Int(200_000),
            text("Metered"),
            Cell::Number(100_000.0),
            text("estimated"),
            Cell::Number(24_000.5),
            text("£5,000"),
            Cell::Empty,
            Cell::Int(0),
            Cell::Date(NaiveDate::from_ymd_opt(2004, 4, 1).unwrap_or_default()),
        ];
        let parsed = parse(&sheet(
            "data centres",
            vec![vec![text("Sites")], header, row],
        ));
        assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
        assert_eq!(parsed.sites.len(), 1);
        let s = &parsed.sites[0];
        assert_eq!(s.at, "data centres!A3");
        assert_eq!(s.site.site_type, SiteType::ServerRoom);
        assert_eq!(s.site.postcode.as_deref(), Some("KY7 5LT"));
        assert_eq!(s.site.costs.power, Money::from_pence(2_400_050));
        assert_eq!(s.site.costs.accommodation, Money::from_pence(500_000));
        assert_eq!(s.site.pue().map(|p| format!("{p:.2}")), Some("2.00".into()));
    }

    #[test]
    fn every_bad_cell_of_a_site_is_named_and_the_row_is_not_read() {
        let header = vec![
            text("Site name"),
            text("Type"),
            text("Ownership"),
            text("Total energy (kWh a year)"),
            text("Total energy metered or estimated"),
            text("IT energy (kWh a year)"),
            text("IT energy metered or estimated"),
            text("Power cost (£ a year)"),
        ];
        let row = vec![
            text("Room 1"),
            text("bunker"),
            text("owned"),
            Cell::Int(-5),
            text("metered"),
            Cell::Int(100),
            text("metered"),
            text("lots"),
        ];
        let parsed = parse(&sheet("Data centres", vec![header, row]));
        assert!(parsed.sites.is_empty());
        let cells: Vec<&str> = parsed.problems.iter().map(|p| p.cell.as_str()).collect();
        assert!(cells.contains(&"Data centres!B2"), "{cells:?}");
        assert!(cells.contains(&"Data centres!D2"), "{cells:?}");
        assert!(cells.contains(&"Data centres!H2"), "{cells:?}");
        let d2 = parsed.problems.iter().find(|p| p.cell == "Data centres!D2");
        assert!(d2.is_some_and(|p| p.expected.contains("cannot be negative")));
    }

    #[test]
    fn adoption_rows_read_stage_date_and_costs_and_name_bad_cells() {
        let header: Vec<Cell> = ADOPTION_COLUMNS.iter().map(|(_, h, _)| text(h)).collect();
        let good = vec![
            text("swan"),
            text("Contracted"),
            text("01/04/2014"),
            Cell::Int(120_000),
            Cell::Number(80_000.25),
            text("15000"),
            Cell::Int(12),
            Cell::Empty,
            Cell::Empty,
        ];
        let bad = vec![text("swan"), text("finished"), text("soon"), Cell::Int(-1)];
        let parsed = parse(&sheet("Shared services", vec![header, good, bad]));
        assert_eq!(parsed.adoptions.len(), 1);
        let a = &parsed.adoptions[0];
        assert_eq!(a.stage, Some(AdoptionStage::Contracted));
        assert_eq!(a.date, NaiveDate::from_ymd_opt(2014, 4, 1));
        assert_eq!(a.cost_after, Money::from_pence(8_000_025));
        assert_eq!(a.sites, Some(12));
        let cells: Vec<&str> = parsed.problems.iter().map(|p| p.cell.as_str()).collect();
        assert_eq!(
            cells,
            [
                "Shared services!B3",
                "Shared services!C3",
                "Shared services!D3"
            ]
        );
    }
}
