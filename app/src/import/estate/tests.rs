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
