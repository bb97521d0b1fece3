//! The programme dashboard and its charts (board and office; a few figures for everyone).

use super::{chart_by_id, today, year_of, Labels, FIRST_YEAR};

mod charts;
mod tables;
use crate::access::ReadAll;
use crate::db::Db;
use crate::domain::{FinancialYear, Sector};
use crate::error::AppError;
use crate::model::chart::Chart;
use crate::model::dashboard::{DashboardQuery, ProgrammeDashboard};
use crate::model::estate::{AdoptionMatrix, EstateSummary};
use crate::model::returns::StatusBoard;
use crate::model::savings::SavingsSummary;
use crate::services::savings::{self, Breakdown, SummaryQuery};
use crate::services::{estate, returns, shared};
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

/// The filters as asked: a sector, the measure (spend or initiative) and a range of years.
struct Filters {
    sector: Option<Sector>,
    measure: &'static str,
    from: Option<FinancialYear>,
    to: Option<FinancialYear>,
}

/// Parses the dashboard's filters (pure): each bad one named by its field.
fn filters(q: &DashboardQuery) -> Result<Filters, AppError> {
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
    Ok(Filters {
        sector,
        measure,
        from: year_of("from", "From", q.from.as_deref())?,
        to: year_of("to", "To", q.to.as_deref())?,
    })
}

/// How long each part took, for the log line a slow dashboard leaves.
struct Laps {
    started: std::time::Instant,
    lap: std::time::Instant,
    laps: Vec<(&'static str, u128)>,
}

impl Laps {
    fn start() -> Self {
        let now = std::time::Instant::now();
        Laps {
            started: now,
            lap: now,
            laps: Vec::new(),
        }
    }
    fn mark(&mut self, name: &'static str) {
        self.laps.push((name, self.lap.elapsed().as_millis()));
        self.lap = std::time::Instant::now();
    }
}

/// What one dashboard is drawn from: the same use cases as the savings, estate, shared-services
/// and returns pages (so it cannot disagree with them), for the years `from..=to`.
struct Inputs {
    summary: SavingsSummary,
    breakdown: Breakdown,
    estate: EstateSummary,
    adoption: AdoptionMatrix,
    status: StatusBoard,
    years: Vec<FinancialYear>,
    from: FinancialYear,
    to: FinancialYear,
}

async fn gather(
    db: &Db,
    all: &ReadAll<'_>,
    q: &DashboardQuery,
    f: &Filters,
    laps: &mut Laps,
) -> Result<Inputs, AppError> {
    let summary = savings::summary(
        db,
        all,
        &SummaryQuery {
            // Initiative-based savings are recorded in cash, so their targets are too (one
            // basis, ADR 0010 rule 4).
            basis: if f.measure == "initiative" {
                Some("nominal".into())
            } else {
                q.basis.clone()
            },
            sector: f.sector.map(|s| s.code().to_owned()),
            year: f.to.map(|y| y.to_string()),
            profile: None,
            method: None,
        },
    )
    .await?;
    let years: Vec<FinancialYear> = summary.years.iter().map(|r| r.year).collect();
    let first =
        FinancialYear::starting(FIRST_YEAR).map_err(|e| AppError::internal(e.to_string()))?;
    let from = f.from.unwrap_or(first);
    let to =
        f.to.or(summary.year)
            .or_else(|| years.last().copied())
            .unwrap_or(first);
    if from > to {
        return Err(AppError::validation(
            "from",
            format!("From: {from} is after To ({to})"),
        ));
    }
    laps.mark("summary");
    let sector = f.sector;
    let breakdown = savings::breakdown(db, all, q.basis.as_deref(), sector, from, to).await?;
    laps.mark("breakdown");
    let estate = estate::estate_summary(db, all, sector.map(|s| s.code()), None).await?;
    laps.mark("estate");
    let adoption = shared::adoption_matrix(db, all, sector).await?;
    laps.mark("adoption");
    let status = returns::status_board(db, all, returns::BoardYears::One(to), sector).await?;
    laps.mark("returns");
    Ok(Inputs {
        summary,
        breakdown,
        estate,
        adoption,
        status,
        years,
        from,
        to,
    })
}

/// What the charts must say about their figures: bases, unverified factors, demo data.
fn labels(summary: &SavingsSummary, estate: &EstateSummary, saving_basis: &str) -> Labels {
    Labels {
        target_basis: summary.basis_label.clone(),
        saving_basis: saving_basis.to_owned(),
        deflators_unverified: !summary.deflators_verified && summary.basis != "nominal",
        factors_unverified: !estate.factors_verified,
        demo: summary.demo_data,
        profile: summary.profile.clone(),
        estate_target: estate
            .targets
            .iter()
            .filter(|t| t.note.contains("illustrative"))
            .map(|t| format!("{}: {}", t.year, t.note))
            .collect(),
    }
}

pub(super) async fn compute_programme(
    db: &Db,
    all: &ReadAll<'_>,
    q: &DashboardQuery,
) -> Result<ProgrammeDashboard, AppError> {
    let f = filters(q)?;
    let mut laps = Laps::start();
    let Inputs {
        summary,
        breakdown,
        estate,
        adoption,
        status,
        years,
        from,
        to,
    } = gather(db, all, q, &f, &mut laps).await?;
    let sector = f.sector;
    let applied = DashboardQuery {
        basis: Some(summary.basis.clone()),
        sector: sector.map(|s| s.code().to_owned()),
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        measure: Some(f.measure.to_owned()),
    };
    let range: Vec<FinancialYear> = std::iter::successors(Some(from), |y| y.next())
        .take_while(|y| *y <= to)
        .collect();
    let frame = charts::Frame {
        labels: range.iter().map(ToString::to_string).collect(),
        range,
        scope: sector.map_or("all public bodies".to_owned(), |s| s.name().to_owned()),
        from,
        to,
        query: applied.to_query(),
    };
    let measure = charts::measure(&frame, &summary, &breakdown, f.measure);
    let mut charts = charts::savings(&frame, &breakdown, &measure);
    charts.extend(charts::estate(&frame, &estate));
    let labels = labels(&summary, &estate, &measure.basis_note);
    labels.mark(&mut charts);
    let mut notes = summary.problems.clone();
    notes.extend(breakdown.problems.iter().cloned());
    notes.extend(labels.notes());
    notes.sort();
    notes.dedup();
    let (bodies, bodies_all) = tables::bodies_shown(&summary, sector);
    let mut d = ProgrammeDashboard {
        query: applied,
        basis_label: summary.basis_label.clone(),
        base_years: summary.base_years.clone(),
        sectors: summary.sectors.clone(),
        years,
        from,
        to,
        measure: f.measure.to_owned(),
        charts,
        rag_year: to,
        rag_by_sector: tables::rag_by_sector(&summary, sector),
        bodies,
        bodies_all,
        adoption,
        submissions: tables::submissions(&status),
        submissions_total: status.counts,
        notes,
        body_html: String::new(),
    };
    laps.mark("charts");
    d.body_html = crate::report::render_body(&d, crate::report::CsvLinks::Live);
    laps.mark("html");
    tracing::info!(
        total_ms = laps.started.elapsed().as_millis(),
        parts = ?laps.laps,
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
    chart_by_id(&programme(db, all, q).await?.charts, id)
}
