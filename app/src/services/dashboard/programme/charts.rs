//! The programme dashboard's charts: savings against the trajectory (each year and added up),
//! by sector and by category or class, and the estate's sites, energy and carbon.

use super::super::{pounds, running, view};
use crate::domain::FinancialYear;
use crate::model::chart::{Chart, ChartKind, ChartView, Series, SeriesStyle};
use crate::model::estate::EstateSummary;
use crate::model::savings::SavingsSummary;
use crate::services::savings::Breakdown;
use rust_decimal::Decimal;

/// Where a chart's CSV is served.
const CSV_BASE: &str = "/dashboard/charts";

/// What every chart of one dashboard shares: the years shown and their labels, the scope in
/// words, and the query its CSV links carry.
pub(super) struct Frame {
    pub range: Vec<FinancialYear>,
    pub labels: Vec<String>,
    pub scope: String,
    pub from: FinancialYear,
    pub to: FinancialYear,
    pub query: String,
}

/// The savings measure shown: spend-based or initiative-based (never added together), with its
/// figures for each year of the frame, the target's, and the words for its basis.
pub(super) struct Measure {
    pub spend: bool,
    pub name: &'static str,
    pub saving: Vec<Option<Decimal>>,
    pub target: Vec<Option<Decimal>>,
    pub basis_note: String,
}

/// The measure `measure` ("spend" or "initiative") over the frame's years.
pub(super) fn measure(
    frame: &Frame,
    summary: &SavingsSummary,
    breakdown: &Breakdown,
    measure: &str,
) -> Measure {
    let row = |y: &FinancialYear| summary.years.iter().find(|r| r.year == *y);
    let target = frame
        .range
        .iter()
        .map(|y| row(y).and_then(|r| r.target).and_then(pounds))
        .collect();
    if measure == "spend" {
        Measure {
            spend: true,
            name: "Spend-based saving",
            saving: frame
                .range
                .iter()
                .map(|y| {
                    row(y)
                        .filter(|r| r.bodies_counted > 0)
                        .and_then(|r| pounds(r.saving))
                })
                .collect(),
            target,
            basis_note: summary.basis_label.clone(),
        }
    } else {
        let of_year = |y: &FinancialYear| {
            breakdown
                .initiatives_by_year
                .iter()
                .find(|(year, _)| year == y)
                .and_then(|(_, m)| pounds(*m))
        };
        Measure {
            spend: false,
            name: "Initiative-based saving (net)",
            saving: frame.range.iter().map(of_year).collect(),
            target,
            basis_note: "nominal (initiatives are recorded in cash)".to_owned(),
        }
    }
}

fn line(
    frame: &Frame,
    id: &str,
    title: String,
    description: String,
    series: Vec<Series>,
) -> ChartView {
    let chart = Chart {
        id: id.into(),
        title,
        description,
        kind: ChartKind::Line,
        category_label: "Financial year".into(),
        unit: "£".into(),
        categories: frame.labels.clone(),
        series,
    };
    view(chart, CSV_BASE, &frame.query)
}

fn series(name: impl Into<String>, style: SeriesStyle, values: Vec<Option<Decimal>>) -> Series {
    Series {
        name: name.into(),
        style,
        values,
        marks: Vec::new(),
    }
}

/// A bar chart of one series.
fn bars(
    frame: &Frame,
    id: &str,
    text: (String, String),
    axis: (&str, &str),
    bars: Vec<(String, Option<Decimal>)>,
    name: &str,
) -> ChartView {
    let (title, description) = text;
    let (category_label, unit) = axis;
    let (categories, values) = bars.into_iter().unzip();
    let chart = Chart {
        id: id.into(),
        title,
        description,
        kind: ChartKind::Bar,
        category_label: category_label.into(),
        unit: unit.into(),
        categories,
        series: vec![series(name, SeriesStyle::Actual, values)],
    };
    view(chart, CSV_BASE, &frame.query)
}

/// The savings charts: each year and added up against the trajectory, by sector, and by
/// category (spend) or class (initiatives).
pub(super) fn savings(frame: &Frame, breakdown: &Breakdown, m: &Measure) -> Vec<ChartView> {
    let (from, to, scope, name, basis) =
        (frame.from, frame.to, &frame.scope, m.name, &m.basis_note);
    let mut out = vec![
        line(
            frame,
            "savings-annual",
            format!("Savings each year against the trajectory, {scope}"),
            format!("{name} in each financial year from {from} to {to}, {basis}, beside the trajectory's target for the year on the same basis. Years without counted returns have no point."),
            vec![
                series(name, SeriesStyle::Actual, m.saving.clone()),
                series("Target", SeriesStyle::Target, m.target.clone()),
            ],
        ),
        line(
            frame,
            "savings-cumulative",
            format!("Cumulative savings from {from} against the trajectory, {scope}"),
            format!("{name} added up year by year from {from} to {to}, {basis}, beside the trajectory's targets added up the same way."),
            vec![
                series(format!("{name}, cumulative"), SeriesStyle::Actual, running(&m.saving)),
                series("Target, cumulative", SeriesStyle::Target, running(&m.target)),
            ],
        ),
    ];
    let by_sector = if m.spend {
        &breakdown.by_sector
    } else {
        &breakdown.initiatives_by_sector
    };
    out.push(bars(
        frame,
        "savings-by-sector",
        (
            format!("Savings by sector, {from} to {to}"),
            format!("{name} of each sector added up over {from} to {to}, {basis}. Sectors without figures are left out."),
        ),
        ("Sector", "£"),
        by_sector.iter().map(|(s, v)| (s.name().to_owned(), pounds(*v))).collect(),
        name,
    ));
    out.push(if m.spend {
        bars(
            frame,
            "savings-by-category",
            (
                format!("Savings by category of spend, {from} to {to}, {scope}"),
                format!("Spend-based saving in each category added up over {from} to {to}, {basis}. A negative bar is spend above the baseline."),
            ),
            ("Category", "£"),
            breakdown
                .by_category
                .iter()
                .map(|(c, v)| (c.name().split(" (").next().unwrap_or_default().to_owned(), pounds(*v)))
                .collect(),
            "Spend-based saving",
        )
    } else {
        bars(
            frame,
            "savings-by-class",
            (
                format!("Initiative-based savings by class, {from} to {to}, {scope}"),
                format!("Net initiative-based saving of each class (cash-releasing, non-cash, cost avoidance) added up over {from} to {to}, nominal."),
            ),
            ("Class", "£"),
            breakdown.initiatives_by_class.iter().map(|(c, v)| (c.name().to_owned(), pounds(*v))).collect(),
            "Initiative-based saving (net)",
        )
    });
    out
}

/// The estate's charts: sites open against the consolidation target, energy and carbon.
pub(super) fn estate(frame: &Frame, estate: &EstateSummary) -> Vec<ChartView> {
    let (from, to, scope) = (frame.from, frame.to, &frame.scope);
    let count = |y: &FinancialYear| estate.counts.iter().find(|c| c.year == *y);
    let sites = Chart {
        id: "estate-sites".into(),
        title: format!("Data centres and computer rooms open, {scope}"),
        description: format!("Sites open at the end of each financial year from {from} to {to}, beside the consolidation target for this scope where one is set."),
        kind: ChartKind::Line,
        category_label: "Financial year".into(),
        unit: "sites".into(),
        categories: frame.labels.clone(),
        series: vec![
            series("Sites open", SeriesStyle::Actual, frame.range.iter().map(|y| count(y).map(|c| Decimal::from(c.sites))).collect()),
            series("Consolidation target", SeriesStyle::Target, frame.range.iter().map(|y| count(y).and_then(|c| c.target).map(Decimal::from)).collect()),
        ],
    };
    let energy = |y: &FinancialYear| estate.energy.iter().find(|e| e.year == *y);
    let by_year =
        |value: &dyn Fn(&FinancialYear) -> Option<Decimal>| -> Vec<(String, Option<Decimal>)> {
            frame
                .range
                .iter()
                .map(|y| (y.to_string(), value(y)))
                .collect()
        };
    vec![
        view(sites, CSV_BASE, &frame.query),
        bars(
            frame,
            "estate-energy",
            (
                format!("Energy of the data-centre estate, {scope}"),
                format!("Total facility energy in MWh a year, {from} to {to}: open sites, plus the load of closed sites where it moved."),
            ),
            ("Financial year", "MWh"),
            by_year(&|y| {
                energy(y)
                    .and_then(|e| e.kwh.parse::<Decimal>().ok())
                    .map(|kwh| (kwh / Decimal::from(1000)).round_dp(1))
            }),
            "Energy",
        ),
        bars(
            frame,
            "estate-carbon",
            (
                format!("Carbon of the data-centre estate, {scope}"),
                format!("Tonnes of CO2e a year, {from} to {to}, from the energy above and the UK Government GHG conversion factor of each year; a year without a factor has no bar."),
            ),
            ("Financial year", "tCO2e"),
            by_year(&|y| energy(y).and_then(|e| e.carbon_tonnes.as_deref()).and_then(|t| t.parse().ok())),
            "Carbon",
        ),
    ]
}
