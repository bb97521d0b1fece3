//! The programme dashboard (board and office): savings against the trajectory, by sector and by
//! category, the bodies' red/amber/green, the estate's sites, energy and carbon, the adoption
//! matrix and the submission status — each chart drawn on the server with its figures beside it.
//!
//! Policy (issue 8): every chart's figures come from the same services as the savings, estate
//! and returns pages, so the dashboard cannot disagree with them; a chart's CSV is exactly the
//! plotted values. Filters: a range of financial years, a sector, nominal or real terms, and
//! spend-based or initiative-based savings (never added together).

use crate::charts;
use crate::db::Db;
use crate::domain::savings::Rag;
use crate::domain::{FinancialYear, Money, Sector};
use crate::error::AppError;
use crate::model::chart::{Chart, ChartKind, ChartView, Series, SeriesStyle};
use crate::model::dashboard::{
    DashboardQuery, OrgDashboard, ProgrammeDashboard, RagSectorRow, SubmissionRow,
};
use crate::model::returns::StatusCounts;
use crate::model::CurrentUser;
use crate::services::savings::{self, SummaryQuery};
use crate::services::{estate, returns, shared};
use rust_decimal::Decimal;
use std::sync::Arc;

/// The first year the programme counts savings in.
const FIRST_YEAR: i32 = 2012;

/// How many bodies furthest behind their targets the dashboard lists when no sector is chosen.
pub const BODIES_BEHIND_SHOWN: usize = 20;

/// Today's number (days since 1970, UTC): what is overdue changes with the day, so cached
/// results are kept per day as well as per data version.
fn today() -> i64 {
    crate::services::auth::now().div_euclid(86_400)
}

fn year_of(
    field: &str,
    label: &str,
    text: Option<&str>,
) -> Result<Option<FinancialYear>, AppError> {
    match text.filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => t.parse::<FinancialYear>().map(Some).map_err(|_| {
            AppError::validation(field, format!("{label}: a financial year like 2013-14"))
        }),
    }
}

fn pounds(m: Money) -> Option<Decimal> {
    Some(m.as_decimal())
}

fn running(values: &[Option<Decimal>]) -> Vec<Option<Decimal>> {
    let mut total = Decimal::ZERO;
    values
        .iter()
        .map(|v| {
            v.map(|v| {
                total += v;
                total
            })
        })
        .collect()
}

/// What a dashboard's figures must carry wherever they go (ADR 0010, rule 10): the page's notes
/// say it, and each chart's series are marked with it, so its CSV says it too.
struct Labels {
    /// The basis of the targets ("nominal", "real terms at 2016-17 prices").
    target_basis: String,
    /// The basis of the savings (initiative-based savings are always cash).
    saving_basis: String,
    deflators_unverified: bool,
    factors_unverified: bool,
    /// Whether the figures include `seed --demo`'s synthetic data.
    demo: bool,
    /// The trajectory profile the targets come from (illustrative: the review gave no profile).
    profile: String,
    /// The consolidation target's points whose notes say they are illustrative.
    estate_target: Vec<String>,
}

impl Labels {
    const DEFLATORS: &'static str = "GDP deflators unverified";
    const DEMO: &'static str = "synthetic demo data";

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        if self.deflators_unverified {
            notes.push("The GDP deflators are unverified: read from secondary copies of HM Treasury's release.".into());
        }
        if self.factors_unverified {
            notes.push("The GHG conversion factors are unverified: from secondary sources.".into());
        }
        if self.demo {
            notes.push(crate::services::open_data::DEMO_NOTE.into());
        }
        notes.push(format!(
            "Targets are the trajectory profile \"{}\": illustrative assumptions meeting the review's published totals.",
            self.profile
        ));
        notes
    }

    /// Marks every series of `charts` by what it shows: a saving its basis (and unverified
    /// deflators, synthetic data), a target its basis and illustrative profile, the estate's
    /// figures synthetic data and unverified carbon factors, the consolidation target its
    /// illustrative points.
    fn mark(&self, charts: &mut [ChartView]) {
        for view in charts {
            let id = view.chart.id.clone();
            let savings = id.starts_with("savings-");
            for series in &mut view.chart.series {
                let mut marks: Vec<String> = Vec::new();
                match (savings, series.style) {
                    (true, SeriesStyle::Target) => {
                        marks.push(self.target_basis.clone());
                        marks.push(format!(
                            "illustrative trajectory profile \"{}\"",
                            self.profile
                        ));
                        if self.deflators_unverified {
                            marks.push(Self::DEFLATORS.into());
                        }
                    }
                    (true, _) => {
                        marks.push(self.saving_basis.clone());
                        if self.deflators_unverified && self.saving_basis == self.target_basis {
                            marks.push(Self::DEFLATORS.into());
                        }
                        if self.demo {
                            marks.push(Self::DEMO.into());
                        }
                    }
                    (false, SeriesStyle::Target) => marks.extend(self.estate_target.clone()),
                    (false, _) => {
                        if id == "estate-carbon" && self.factors_unverified {
                            marks.push("GHG conversion factors unverified".into());
                        }
                        if self.demo {
                            marks.push(Self::DEMO.into());
                        }
                    }
                }
                series.marks = marks;
            }
        }
    }
}

fn view(chart: Chart, csv_base: &str, query: &str) -> ChartView {
    let svg = charts::svg(&chart);
    let csv_href = if query.is_empty() {
        format!("{csv_base}/{}.csv", chart.id)
    } else {
        format!("{csv_base}/{}.csv?{query}", chart.id)
    };
    ChartView {
        chart,
        svg,
        csv_href,
    }
}

/// The programme dashboard for the filters `q`: computed once per data version and day and
/// kept by this instance (`db::cache`); it is the same for every board member and officer of
/// the programme office.
pub async fn programme(
    db: &Db,
    user: &CurrentUser,
    q: &DashboardQuery,
) -> Result<Arc<ProgrammeDashboard>, AppError> {
    if !user.role.reads_all_organisations() {
        return Err(AppError::Forbidden);
    }
    let key = format!(
        "programme|{}|{}|{}",
        user.role.code(),
        today(),
        q.to_query()
    );
    db.cache()
        .get_or_compute(db.pool(), &key, || compute_programme(db, user, q))
        .await
}

async fn compute_programme(
    db: &Db,
    user: &CurrentUser,
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
        user,
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
    let breakdown = savings::breakdown(db, user, q.basis.as_deref(), sector, from, to).await?;
    mark("breakdown");
    let estate_summary = estate::estate_summary(db, user, sector.map(|s| s.code()), None).await?;
    mark("estate");
    let adoption = shared::adoption_matrix(db, user, sector).await?;
    mark("adoption");
    let status = returns::status_board(db, user, returns::BoardYears::One(to), sector).await?;
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
pub async fn chart(
    db: &Db,
    user: &CurrentUser,
    q: &DashboardQuery,
    id: &str,
) -> Result<Chart, AppError> {
    programme(db, user, q)
        .await?
        .charts
        .iter()
        .map(|c| &c.chart)
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("The chart {id:?}")))
}

// ---------------------------------------------------------------- one body

/// Whether a site was open at the end of a year (opened by then and not closed by then).
fn open_at_end(s: &crate::model::estate::SiteView, year: FinancialYear) -> bool {
    let end = year.last_day().format("%Y-%m-%d").to_string();
    s.opened.as_deref().is_none_or(|o| o <= end.as_str())
        && s.closed_date.as_deref().is_none_or(|c| c > end.as_str())
}

/// One body's dashboard: its savings against its apportioned target, its sites over time, its
/// returns, sites and adoptions, with the links to how each year was calculated. For those who
/// may read the body (its officers, the board, the office). Kept per user, data version and
/// day like the programme dashboard.
pub async fn organisation(
    db: &Db,
    user: &CurrentUser,
    code: &str,
    q: &DashboardQuery,
) -> Result<Arc<OrgDashboard>, AppError> {
    if !user.may_read_org(code) {
        return Err(AppError::Forbidden);
    }
    let key = format!(
        "organisation|{}|{}|{code}|{}",
        user.id,
        today(),
        q.to_query()
    );
    db.cache()
        .get_or_compute(db.pool(), &key, || compute_organisation(db, user, code, q))
        .await
}

async fn compute_organisation(
    db: &Db,
    user: &CurrentUser,
    code: &str,
    q: &DashboardQuery,
) -> Result<OrgDashboard, AppError> {
    let body = savings::body(db, user, code, q.basis.as_deref()).await?;
    let from_asked = year_of("from", "From", q.from.as_deref())?;
    let to_asked = year_of("to", "To", q.to.as_deref())?;
    let first =
        FinancialYear::starting(FIRST_YEAR).map_err(|e| AppError::internal(e.to_string()))?;
    let last_with_figures = body
        .years
        .iter()
        .rev()
        .find(|y| y.saving.is_some())
        .map(|y| y.year);
    let from = from_asked.unwrap_or(first);
    let to = to_asked
        .or(last_with_figures)
        .or_else(|| body.years.last().map(|y| y.year))
        .unwrap_or(first)
        .max(from);
    if from_asked.is_some() && to_asked.is_some() && from > to_asked.unwrap_or(from) {
        return Err(AppError::validation(
            "from",
            format!("From: {from} is after To ({to})"),
        ));
    }
    let range: Vec<FinancialYear> = std::iter::successors(Some(from), |y| y.next())
        .take_while(|y| *y <= to)
        .collect();
    let labels: Vec<String> = range.iter().map(ToString::to_string).collect();
    let sites = estate::sites_page(db, user, code).await?;
    let adoptions = shared::adoptions_page(db, user, code).await?;
    let returns = returns::export(db, user, None, Some(code)).await?;
    let applied = DashboardQuery {
        basis: Some(body.basis.clone()),
        sector: None,
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        measure: None,
    };
    let query = applied.to_query();
    let csv_base = format!("/organisations/{code}/charts");
    let year_row = |y: &FinancialYear| body.years.iter().find(|r| r.year == *y);
    let saving: Vec<Option<Decimal>> = range
        .iter()
        .map(|y| year_row(y).and_then(|r| r.saving).and_then(pounds))
        .collect();
    let target: Vec<Option<Decimal>> = range
        .iter()
        .map(|y| year_row(y).and_then(|r| r.target).and_then(pounds))
        .collect();
    let name = body.name.clone();
    let mut charts = vec![
        view(
            Chart {
                id: "savings-annual".into(),
                title: format!("{name}: savings each year against its target"),
                description: format!(
                    "Spend-based saving (baseline minus counted spend) in each financial year from {from} to {to}, {}, beside the body's apportioned share of the trajectory on the same basis. Years without a counted return have no point.",
                    body.basis_label
                ),
                kind: ChartKind::Line,
                category_label: "Financial year".into(),
                unit: "£".into(),
                categories: labels.clone(),
                series: vec![
                    Series { name: "Spend-based saving".into(), style: SeriesStyle::Actual, values: saving.clone(), marks: Vec::new() },
                    Series { name: "Apportioned target".into(), style: SeriesStyle::Target, values: target.clone(), marks: Vec::new() },
                ],
            },
            &csv_base,
            &query,
        ),
        view(
            Chart {
                id: "savings-cumulative".into(),
                title: format!("{name}: cumulative savings from {from}"),
                description: format!(
                    "The body's spend-based savings added up year by year from {from} to {to}, {}, beside its targets added up the same way.",
                    body.basis_label
                ),
                kind: ChartKind::Line,
                category_label: "Financial year".into(),
                unit: "£".into(),
                categories: labels.clone(),
                series: vec![
                    Series { name: "Saving, cumulative".into(), style: SeriesStyle::Actual, values: running(&saving), marks: Vec::new() },
                    Series { name: "Target, cumulative".into(), style: SeriesStyle::Target, values: running(&target), marks: Vec::new() },
                ],
            },
            &csv_base,
            &query,
        ),
    ];
    if !sites.sites.is_empty() {
        charts.push(view(
            Chart {
                id: "estate-sites".into(),
                title: format!("{name}: data centres and computer rooms open"),
                description: format!(
                    "The body's sites open at the end of each financial year from {from} to {to}."
                ),
                kind: ChartKind::Bar,
                category_label: "Financial year".into(),
                unit: "sites".into(),
                categories: labels,
                series: vec![Series {
                    name: "Sites open".into(),
                    style: SeriesStyle::Actual,
                    values: range
                        .iter()
                        .map(|y| {
                            Some(Decimal::from(
                                sites.sites.iter().filter(|s| open_at_end(s, *y)).count(),
                            ))
                        })
                        .collect(),
                    marks: Vec::new(),
                }],
            },
            &csv_base,
            &query,
        ));
    }
    let labels = Labels {
        target_basis: body.basis_label.clone(),
        saving_basis: body.basis_label.clone(),
        deflators_unverified: !body.deflators_verified && body.basis != "nominal",
        factors_unverified: false,
        demo: body.demo_data,
        profile: body.profile.clone(),
        estate_target: Vec::new(),
    };
    labels.mark(&mut charts);
    let mut notes = body.problems.clone();
    notes.extend(labels.notes());
    let mut d = OrgDashboard {
        code: code.to_owned(),
        name,
        query: applied,
        basis_label: body.basis_label.clone(),
        base_years: body.base_years.clone(),
        years: body.years.iter().map(|y| y.year).collect(),
        from,
        to,
        charts,
        savings: body.years.clone(),
        returns: returns
            .iter()
            .map(|r| crate::model::dashboard::OrgReturnRow {
                financial_year: r.financial_year,
                version: r.version,
                status: r.status.label().to_owned(),
                total: r
                    .lines
                    .iter()
                    .filter_map(crate::domain::spend_line::SpendLine::total)
                    .fold(Money::ZERO, |a, m| a.checked_add(m).unwrap_or(a)),
            })
            .collect(),
        sites: sites.sites,
        adoptions: adoptions.adoptions,
        notes,
        body_html: String::new(),
    };
    d.body_html = crate::report::render_org_body(&d);
    Ok(d)
}

/// One chart of a body's dashboard, for its CSV download.
pub async fn organisation_chart(
    db: &Db,
    user: &CurrentUser,
    code: &str,
    q: &DashboardQuery,
    id: &str,
) -> Result<Chart, AppError> {
    organisation(db, user, code, q)
        .await?
        .charts
        .iter()
        .map(|c| &c.chart)
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("The chart {id:?}")))
}

/// The raw SQL the programme dashboard runs when it computes (not cached), once each, for the
/// benchmark, which compares a page's latency with it: the savings engine's inputs (bodies,
/// successions, baselines, deflators, trajectory, settings, the review's figures); the sector
/// sums for the nation and each sector; the counted body-years; one year's facts per body,
/// explanations and provisional returns; the initiatives; the sites, GHG factors and
/// consolidation targets; the catalogue and adoptions; a year's returns and the bodies.
pub async fn raw_sql(db: &Db) -> Result<Vec<(&'static str, f64)>, crate::db::DbError> {
    use crate::db::savings::{self as store, Scope};
    let mut times = Vec::new();
    let mut lap = std::time::Instant::now();
    let mut mark = |name: &'static str| {
        times.push((name, lap.elapsed().as_secs_f64() * 1000.0));
        lap = std::time::Instant::now();
    };
    let mut conn = db.pool().acquire().await?;
    store::deflators(&mut conn).await?;
    store::bodies(&mut conn).await?;
    store::successions(&mut conn).await?;
    store::trajectory(&mut conn).await?;
    store::setting(&mut conn, "profile").await?;
    store::setting(&mut conn, "method").await?;
    crate::db::reference::baselines(&mut conn, 2008).await?;
    mark("bodies, successions, deflators, trajectory, settings");
    store::latest_baselines(&mut conn, None).await?;
    mark("every body's baseline");
    let all = Scope {
        sector: None,
        org: None,
    };
    store::fact_sums(&mut conn, &all).await?;
    for s in Sector::ALL {
        let scope = Scope {
            sector: Some(s.code().to_owned()),
            org: None,
        };
        store::fact_sums(&mut conn, &scope).await?;
    }
    mark("sector sums, national and each sector");
    // The bodies' table is of the latest year with counted returns.
    let counted = store::counted_by_year(&mut conn, &all).await?;
    mark("counted bodies by year");
    if let Some((year, ..)) = counted.last().copied() {
        store::fact_sums_by_org(&mut conn, &all, year).await?;
        mark("one year's facts per body");
        store::target_explanations_in_year(&mut conn, year).await?;
        store::provisional_in_year(&mut conn, &all, year).await?;
        mark("explanations, provisional returns");
        crate::db::returns::latest_returns(&mut conn, Some(i64::from(year.start_year())), None)
            .await?;
        mark("the year's returns");
    }
    store::initiatives(&mut conn, &all).await?;
    mark("initiatives");
    crate::db::estate::sites(&mut conn, None, None).await?;
    crate::db::estate::ghg_factors(&mut conn).await?;
    crate::db::estate::consolidation_targets(&mut conn).await?;
    mark("sites, GHG factors, consolidation targets");
    crate::db::shared::services(&mut conn).await?;
    crate::db::shared::adoption_counts(&mut conn).await?;
    mark("catalogue, adoptions by service, sector and stage");
    drop(conn);
    crate::db::organisations::list(
        db.pool(),
        &crate::db::organisations::OrgFilter {
            sector: None,
            name_contains: None,
        },
    )
    .await?;
    mark("organisations");
    Ok(times)
}
