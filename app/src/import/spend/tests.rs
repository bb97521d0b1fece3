use super::*;
use crate::import::reader::Sheet;

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
    assert!(p[0].expected.contains("one of the spend categories") && p[0].found == "\"printers\"");
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
