//! The programme dashboard (board and office): savings against the trajectory, by sector and by
//! category, the bodies' red/amber/green, the estate's sites, energy and carbon, the adoption
//! matrix and the submission status — each chart drawn on the server with its figures beside it.
//!
//! Policy (issue 8): every chart's figures come from the same services as the savings, estate
//! and returns pages, so the dashboard cannot disagree with them; a chart's CSV is exactly the
//! plotted values. Filters: a range of financial years, a sector, nominal or real terms, and
//! spend-based or initiative-based savings (never added together).

use crate::charts;
use crate::domain::{FinancialYear, Money};
use crate::error::AppError;
use crate::model::chart::{Chart, ChartView, SeriesStyle};
use rust_decimal::Decimal;

mod benchmark;
mod organisation;
mod programme;

pub use benchmark::*;
pub use organisation::*;
pub use programme::*;

/// The first year the programme counts savings in.
pub(super) const FIRST_YEAR: i32 = 2012;

/// How many bodies furthest behind their targets the dashboard lists when no sector is chosen.
pub const BODIES_BEHIND_SHOWN: usize = 20;

/// Today's number (days since 1970, UTC): what is overdue changes with the day, so cached
/// results are kept per day as well as per data version.
pub(super) fn today() -> i64 {
    crate::services::auth::now().div_euclid(86_400)
}

pub(super) fn year_of(
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

pub(super) fn pounds(m: Money) -> Option<Decimal> {
    Some(m.as_decimal())
}

pub(super) fn running(values: &[Option<Decimal>]) -> Vec<Option<Decimal>> {
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
pub(super) struct Labels {
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

/// One chart of a dashboard by its id (a CSV download), or not found.
pub(super) fn chart_by_id(charts: &[ChartView], id: &str) -> Result<Chart, AppError> {
    charts
        .iter()
        .map(|c| &c.chart)
        .find(|c| c.id == id)
        .cloned()
        .ok_or_else(|| AppError::NotFound(format!("The chart {id:?}")))
}

pub(super) fn view(chart: Chart, csv_base: &str, query: &str) -> ChartView {
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
