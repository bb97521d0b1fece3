//! The programme dashboard and its charts (board and office; a few figures for everyone).

use super::{pounds, running, today, view, year_of, Labels, BODIES_BEHIND_SHOWN, FIRST_YEAR};
use crate::access::ReadAll;
use crate::db::Db;
use crate::domain::savings::Rag;
use crate::domain::{FinancialYear, Money, Sector};
use crate::error::AppError;
use crate::model::chart::{Chart, ChartKind, Series, SeriesStyle};
use crate::model::dashboard::{DashboardQuery, ProgrammeDashboard, RagSectorRow, SubmissionRow};
use crate::model::returns::StatusCounts;
use crate::services::savings::{self, SummaryQuery};
use crate::services::{estate, returns, shared};
use rust_decimal::Decimal;
use std::sync::Arc;

/// The programme dashboard for the filters `q`: computed once per data version and day and
/// kept by this instance (`db::cache`); it is the same for every board member and officer of
/// the programme office.
#[tracing::instrument(skip_all, fields(user = all.user().id, ?q))]
pub async fn programme(
    db: &Db,
    all: &ReadAll<'_>,
    q: &DashboardQuery,
) -> Result<Arc<ProgrammeDashboard>, AppError> {
    let user = all.user();
    let key = format!(
        "programme|{}|{}|{}",
        user.role.code(),
        today(),
        q.to_query()
    );
    db.cache()
        .get_or_compute(db.pool(), &key, || compute_programme(db, all, q))
        .await
}

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub(super) async fn compute_programme(
    db: &Db,
    all: &ReadAll<'_>,
    q: &DashboardQuery,
) -> Result<ProgrammeDashboard, AppError> {
    let sector = match q.sector.as_deref().filter(|s| !s.is_empty()) {
        Some(text) => Some(
            text.parse::<Sector>()
                .map_err(|e| AppError::validation("sector", format!("Sector: {e}")))?,
        ),
        None => None,
    };
    let measure = match q.measure.as_deref().unwrap_or("spend") {
        "" | "spend" => "spend",
        "initiative" => "initiative",
        other => {
            return Err(AppError::validation(
                "measure",
                format!("Savings: {other:?} is not spend or initiative"),
            ))
        }
    };
    let from_asked = year_of("from", "From", q.from.as_deref())?;
    let to_asked = year_of("to", "To", q.to.as_deref())?;
    let started = std::time::Instant::now();
    let mut lap = started;
    let mut laps: Vec<(&str, u128)> = Vec::new();
    let mut mark = |name: &'static str| {
        laps.push((name, lap.elapsed().as_millis()));
        lap = std::time::Instant::now();
    };
    let summary = savings::summary(
        db,
        all,
        &SummaryQuery {
            // Initiative-based savings are recorded in cash, so their targets are too (one
            // basis, ADR 0010 rule 4).
            basis: if measure == "initiative" {
                Some("nominal".into())
            } else {
                q.basis.clone()
            },
            sector: sector.map(|s| s.code().to_owned()),
            year: to_asked.map(|y| y.to_string()),
            profile: None,
            method: None,
        },
    )
    .await?;
    let years: Vec<FinancialYear> = summary.years.iter().map(|r| r.year).collect();
    let first =
        FinancialYear::starting(FIRST_YEAR).map_err(|e| AppError::internal(e.to_string()))?;
    let from = from_asked.unwrap_or(first);
    let to = to_asked
        .or(summary.year)
        .or_else(|| years.last().copied())
        .unwrap_or(first);
    if from > to {
        return Err(AppError::validation(
            "from",
            format!("From: {from} is after To ({to})"),
        ));
    }
    let range: Vec<FinancialYear> = std::iter::successors(Some(from), |y| y.next())
        .take_while(|y| *y <= to)
        .collect();
    let labels: Vec<String> = range.iter().map(ToString::to_string).collect();
    mark("summary");
    let breakdown = savings::breakdown(db, all, q.basis.as_deref(), sector, from, to).await?;
    mark("breakdown");
    let estate_summary = estate::estate_summary(db, all, sector.map(|s| s.code()), None).await?;
    mark("estate");
    let adoption = shared::adoption_matrix(db, all, sector).await?;
    mark("adoption");
    let status = returns::status_board(db, all, returns::BoardYears::One(to), sector).await?;
    mark("returns");

    let applied = DashboardQuery {
        basis: Some(summary.basis.clone()),
        sector: sector.map(|s| s.code().to_owned()),
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        measure: Some(measure.to_owned()),
    };
    let query = applied.to_query();
    let scope = sector.map_or("all public bodies".to_owned(), |s| s.name().to_owned());
    let row = |y: &FinancialYear| summary.years.iter().find(|r| r.year == *y);
    let target: Vec<Option<Decimal>> = range
        .iter()
        .map(|y| row(y).and_then(|r| r.target).and_then(pounds))
        .collect();
    let (saving, saving_name, basis_note): (Vec<Option<Decimal>>, &str, String) =
        if measure == "spend" {
            (
                range
                    .iter()
                    .map(|y| {
                        row(y)
                            .filter(|r| r.bodies_counted > 0)
                            .and_then(|r| pounds(r.saving))
                    })
                    .collect(),
                "Spend-based saving",
                summary.basis_label.clone(),
            )
        } else {
            (
                range
                    .iter()
                    .map(|y| {
                        breakdown
                            .initiatives_by_year
                            .iter()
                            .find(|(year, _)| year == y)
                            .and_then(|(_, m)| pounds(*m))
                    })
                    .collect(),
                "Initiative-based saving (net)",
                "nominal (initiatives are recorded in cash)".to_owned(),
            )
        };
    let csv_base = "/dashboard/charts";
    let mut charts = Vec::new();
    charts.push(view(
        Chart {
            id: "savings-annual".into(),
            title: format!("Savings each year against the trajectory, {scope}"),
            description: format!(
                "{saving_name} in each financial year from {from} to {to}, {basis_note}, beside the trajectory's target for the year on the same basis. Years without counted returns have no point."
            ),
            kind: ChartKind::Line,
            category_label: "Financial year".into(),
            unit: "£".into(),
            categories: labels.clone(),
            series: vec![
                Series { name: saving_name.into(), style: SeriesStyle::Actual, values: saving.clone(), marks: Vec::new() },
                Series { name: "Target".into(), style: SeriesStyle::Target, values: target.clone(), marks: Vec::new() },
            ],
        },
        csv_base,
        &query,
    ));
    charts.push(view(
        Chart {
            id: "savings-cumulative".into(),
            title: format!("Cumulative savings from {from} against the trajectory, {scope}"),
            description: format!(
                "{saving_name} added up year by year from {from} to {to}, {basis_note}, beside the trajectory's targets added up the same way."
            ),
            kind: ChartKind::Line,
            category_label: "Financial year".into(),
            unit: "£".into(),
            categories: labels.clone(),
            series: vec![
                Series { name: format!("{saving_name}, cumulative"), style: SeriesStyle::Actual, values: running(&saving), marks: Vec::new() },
                Series { name: "Target, cumulative".into(), style: SeriesStyle::Target, values: running(&target), marks: Vec::new() },
            ],
        },
        csv_base,
        &query,
    ));
    let (by_sector, sector_note) = if measure == "spend" {
        (&breakdown.by_sector, basis_note.clone())
    } else {
        (&breakdown.initiatives_by_sector, basis_note.clone())
    };
    charts.push(view(
        Chart {
            id: "savings-by-sector".into(),
            title: format!("Savings by sector, {from} to {to}"),
            description: format!(
                "{saving_name} of each sector added up over {from} to {to}, {sector_note}. Sectors without figures are left out."
            ),
            kind: ChartKind::Bar,
            category_label: "Sector".into(),
            unit: "£".into(),
            categories: by_sector.iter().map(|(s, _)| s.name().to_owned()).collect(),
            series: vec![Series {
                name: saving_name.into(),
                style: SeriesStyle::Actual,
                values: by_sector.iter().map(|(_, m)| pounds(*m)).collect(),
                marks: Vec::new(),
            }],
        },
        csv_base,
        &query,
    ));
    if measure == "spend" {
        charts.push(view(
            Chart {
                id: "savings-by-category".into(),
                title: format!("Savings by category of spend, {from} to {to}, {scope}"),
                description: format!(
                    "Spend-based saving in each category added up over {from} to {to}, {basis_note}. A negative bar is spend above the baseline."
                ),
                kind: ChartKind::Bar,
                category_label: "Category".into(),
                unit: "£".into(),
                categories: breakdown
                    .by_category
                    .iter()
                    .map(|(c, _)| c.name().split(" (").next().unwrap_or_default().to_owned())
                    .collect(),
                series: vec![Series {
                    name: "Spend-based saving".into(),
                    style: SeriesStyle::Actual,
                    values: breakdown.by_category.iter().map(|(_, m)| pounds(*m)).collect(),
                    marks: Vec::new(),
                }],
            },
            csv_base,
            &query,
        ));
    } else {
        charts.push(view(
            Chart {
                id: "savings-by-class".into(),
                title: format!("Initiative-based savings by class, {from} to {to}, {scope}"),
                description: format!(
                    "Net initiative-based saving of each class (cash-releasing, non-cash, cost avoidance) added up over {from} to {to}, nominal."
                ),
                kind: ChartKind::Bar,
                category_label: "Class".into(),
                unit: "£".into(),
                categories: breakdown.initiatives_by_class.iter().map(|(c, _)| c.name().to_owned()).collect(),
                series: vec![Series {
                    name: "Initiative-based saving (net)".into(),
                    style: SeriesStyle::Actual,
                    values: breakdown.initiatives_by_class.iter().map(|(_, m)| pounds(*m)).collect(),
                    marks: Vec::new(),
                }],
            },
            csv_base,
            &query,
        ));
    }
    let count = |y: &FinancialYear| estate_summary.counts.iter().find(|c| c.year == *y);
    charts.push(view(
        Chart {
            id: "estate-sites".into(),
            title: format!("Data centres and computer rooms open, {scope}"),
            description: format!(
                "Sites open at the end of each financial year from {from} to {to}, beside the consolidation target for this scope where one is set."
            ),
            kind: ChartKind::Line,
            category_label: "Financial year".into(),
            unit: "sites".into(),
            categories: labels.clone(),
            series: vec![
                Series {
                    name: "Sites open".into(),
                    style: SeriesStyle::Actual,
                    values: range.iter().map(|y| count(y).map(|c| Decimal::from(c.sites))).collect(),
                    marks: Vec::new(),
                },
                Series {
                    name: "Consolidation target".into(),
                    style: SeriesStyle::Target,
                    values: range.iter().map(|y| count(y).and_then(|c| c.target).map(Decimal::from)).collect(),
                    marks: Vec::new(),
                },
            ],
        },
        csv_base,
        &query,
    ));
    let energy = |y: &FinancialYear| estate_summary.energy.iter().find(|e| e.year == *y);
    charts.push(view(
        Chart {
            id: "estate-energy".into(),
            title: format!("Energy of the data-centre estate, {scope}"),
            description: format!(
                "Total facility energy in MWh a year, {from} to {to}: open sites, plus the load of closed sites where it moved."
            ),
            kind: ChartKind::Bar,
            category_label: "Financial year".into(),
            unit: "MWh".into(),
            categories: labels.clone(),
            series: vec![Series {
                name: "Energy".into(),
                style: SeriesStyle::Actual,
                values: range
                    .iter()
                    .map(|y| {
                        energy(y)
                            .and_then(|e| e.kwh.parse::<Decimal>().ok())
                            .map(|kwh| (kwh / Decimal::from(1000)).round_dp(1))
                    })
                    .collect(),
                    marks: Vec::new(),
            }],
        },
        csv_base,
        &query,
    ));
    charts.push(view(
        Chart {
            id: "estate-carbon".into(),
            title: format!("Carbon of the data-centre estate, {scope}"),
            description: format!(
                "Tonnes of CO2e a year, {from} to {to}, from the energy above and the UK Government GHG conversion factor of each year; a year without a factor has no bar."
            ),
            kind: ChartKind::Bar,
            category_label: "Financial year".into(),
            unit: "tCO2e".into(),
            categories: labels,
            series: vec![Series {
                name: "Carbon".into(),
                style: SeriesStyle::Actual,
                values: range
                    .iter()
                    .map(|y| energy(y).and_then(|e| e.carbon_tonnes.as_deref()).and_then(|t| t.parse().ok()))
                    .collect(),
                    marks: Vec::new(),
            }],
        },
        csv_base,
        &query,
    ));

    let mut sectors_seen: Vec<String> = Vec::new();
    for r in &status.rows {
        if !sectors_seen.contains(&r.sector) {
            sectors_seen.push(r.sector.clone());
        }
    }
    let submissions = sectors_seen
        .into_iter()
        .map(|s| SubmissionRow {
            counts: StatusCounts::of(status.rows.iter().filter(|r| r.sector == s)),
            // The status board carries sector codes; the table shows their names.
            sector: s
                .parse::<Sector>()
                .map_or(s, |sector| sector.name().to_owned()),
        })
        .collect();
    let labels = Labels {
        target_basis: summary.basis_label.clone(),
        saving_basis: basis_note.clone(),
        deflators_unverified: !summary.deflators_verified && summary.basis != "nominal",
        factors_unverified: !estate_summary.factors_verified,
        demo: summary.demo_data,
        profile: summary.profile.clone(),
        estate_target: estate_summary
            .targets
            .iter()
            .filter(|t| t.note.contains("illustrative"))
            .map(|t| format!("{}: {}", t.year, t.note))
            .collect(),
    };
    labels.mark(&mut charts);
    let mut notes = summary.problems.clone();
    notes.extend(breakdown.problems.iter().cloned());
    notes.extend(labels.notes());
    notes.sort();
    notes.dedup();
    let rag_by_sector: Vec<RagSectorRow> = crate::domain::Sector::ALL
        .iter()
        .filter(|s| sector.is_none_or(|x| x == **s))
        .map(|s| {
            let mut row = RagSectorRow {
                sector_code: s.code().to_owned(),
                sector: s.name().to_owned(),
                ..RagSectorRow::default()
            };
            for b in summary.bodies.iter().filter(|b| b.sector == s.name()) {
                match b.rag {
                    Rag::Green => row.green += 1,
                    Rag::Amber => row.amber += 1,
                    Rag::Red => row.red += 1,
                    Rag::NotReported | Rag::NoTarget => row.not_reported += 1,
                }
            }
            row
        })
        .filter(|r| r.green + r.amber + r.red + r.not_reported > 0)
        .collect();
    let (bodies, bodies_all) = if sector.is_some() {
        (summary.bodies.clone(), true)
    } else {
        let shortfall = |b: &crate::model::savings::BodyRagRow| {
            b.target
                .checked_sub(b.saving.unwrap_or(Money::ZERO))
                .unwrap_or(Money::ZERO)
        };
        let mut behind: Vec<_> = summary
            .bodies
            .iter()
            .filter(|b| b.rag == Rag::Red)
            .cloned()
            .collect();
        behind.sort_by(|a, b| shortfall(b).cmp(&shortfall(a)).then(a.name.cmp(&b.name)));
        behind.truncate(BODIES_BEHIND_SHOWN);
        (behind, false)
    };
    let mut d = ProgrammeDashboard {
        query: applied,
        basis_label: summary.basis_label.clone(),
        base_years: summary.base_years.clone(),
        sectors: summary.sectors.clone(),
        years,
        from,
        to,
        measure: measure.to_owned(),
        charts,
        rag_year: to,
        rag_by_sector,
        bodies,
        bodies_all,
        adoption,
        submissions,
        submissions_total: status.counts,
        notes,
        body_html: String::new(),
    };
    mark("charts");
    d.body_html = crate::report::render_body(&d, crate::report::CsvLinks::Live);
    mark("html");
    tracing::info!(
        total_ms = started.elapsed().as_millis(),
        parts = ?laps,
        "programme dashboard computed"
    );
    Ok(d)
}

/// One chart of the dashboard, for its CSV download.
#[tracing::instrument(skip_all, fields(user = all.user().id, ?q, %id))]
pub async fn chart(
    db: &Db,
    all: &ReadAll<'_>,
    q: &DashboardQuery,
    id: &str,
) -> Result<Chart, AppError> {
    programme(db, all, q)
        .await?
        .charts
        .iter()
        .map(|c| &c.chart)
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("The chart {id:?}")))
}

// ---------------------------------------------------------------- one body
