//! One body's dashboard and its charts.

use super::{chart_by_id, pounds, running, today, view, year_of, Labels, FIRST_YEAR};
use crate::access::ReadBody;
use crate::db::Db;
use crate::domain::{FinancialYear, Money};
use crate::error::AppError;
use crate::model::chart::{Chart, ChartKind, ChartView, Series, SeriesStyle};
use crate::model::dashboard::{DashboardQuery, OrgDashboard};
use crate::model::returns::ReturnExport;
use crate::model::savings::BodySavings;
use crate::services::savings::{self};
use crate::services::{estate, returns, shared};
use rust_decimal::Decimal;
use std::sync::Arc;

/// Whether a site was open at the end of a year (opened by then and not closed by then).
pub(super) fn open_at_end(s: &crate::model::estate::SiteView, year: FinancialYear) -> bool {
    let end = year.last_day().format("%Y-%m-%d").to_string();
    s.opened.as_deref().is_none_or(|o| o <= end.as_str())
        && s.closed_date.as_deref().is_none_or(|c| c > end.as_str())
}

/// One body's dashboard: its savings against its apportioned target, its sites over time, its
/// returns, sites and adoptions, with the links to how each year was calculated. For those who
/// may read the body (its officers, the board, the office). Kept per user, data version and
/// day like the programme dashboard.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code(), ?q))]
pub async fn organisation(
    db: &Db,
    read: &ReadBody<'_>,
    q: &DashboardQuery,
) -> Result<Arc<OrgDashboard>, AppError> {
    let code = read.code();
    let user = read.user();
    let key = format!(
        "organisation|{}|{}|{code}|{}",
        user.id,
        today(),
        q.to_query()
    );
    db.cache()
        .get_or_compute(db.pool(), &key, || compute_organisation(db, read, q))
        .await
}

/// The years a body's dashboard shows: as asked, or from the first year of the programme to
/// the last with figures.
fn years_shown(body: &BodySavings, q: &DashboardQuery) -> Result<Vec<FinancialYear>, AppError> {
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
    Ok(std::iter::successors(Some(from), |y| y.next())
        .take_while(|y| *y <= to)
        .collect())
}

/// A body's charts: its savings against its apportioned target (each year and added up), and
/// its sites open each year when it has any.
fn org_charts(
    body: &BodySavings,
    range: &[FinancialYear],
    sites: &[crate::model::estate::SiteView],
    (csv_base, query): (&str, &str),
) -> Vec<ChartView> {
    let (name, basis) = (&body.name, &body.basis_label);
    let (from, to) = (range.first().copied(), range.last().copied());
    let (from, to) = (
        from.map(|y| y.to_string()).unwrap_or_default(),
        to.map(|y| y.to_string()).unwrap_or_default(),
    );
    let labels: Vec<String> = range.iter().map(ToString::to_string).collect();
    let year_row = |y: &FinancialYear| body.years.iter().find(|r| r.year == *y);
    let of_years = |value: &dyn Fn(&crate::model::savings::BodyYearView) -> Option<Money>| -> Vec<Option<Decimal>> {
        range
            .iter()
            .map(|y| year_row(y).and_then(value).and_then(pounds))
            .collect()
    };
    let saving = of_years(&|r| r.saving);
    let target = of_years(&|r| r.target);
    let series = |name: &str, style, values| Series {
        name: name.into(),
        style,
        values,
        marks: Vec::new(),
    };
    let chart = |id: &str, title: String, description: String, kind, unit: &str, series| Chart {
        id: id.into(),
        title,
        description,
        kind,
        category_label: "Financial year".into(),
        unit: unit.into(),
        categories: labels.clone(),
        series,
    };
    let mut charts = vec![
        chart(
            "savings-annual",
            format!("{name}: savings each year against its target"),
            format!("Spend-based saving (baseline minus counted spend) in each financial year from {from} to {to}, {basis}, beside the body's apportioned share of the trajectory on the same basis. Years without a counted return have no point."),
            ChartKind::Line,
            "£",
            vec![
                series("Spend-based saving", SeriesStyle::Actual, saving.clone()),
                series("Apportioned target", SeriesStyle::Target, target.clone()),
            ],
        ),
        chart(
            "savings-cumulative",
            format!("{name}: cumulative savings from {from}"),
            format!("The body's spend-based savings added up year by year from {from} to {to}, {basis}, beside its targets added up the same way."),
            ChartKind::Line,
            "£",
            vec![
                series("Saving, cumulative", SeriesStyle::Actual, running(&saving)),
                series("Target, cumulative", SeriesStyle::Target, running(&target)),
            ],
        ),
    ];
    if !sites.is_empty() {
        let open = |y: &FinancialYear| {
            Some(Decimal::from(
                sites.iter().filter(|s| open_at_end(s, *y)).count(),
            ))
        };
        charts.push(chart(
            "estate-sites",
            format!("{name}: data centres and computer rooms open"),
            format!("The body's sites open at the end of each financial year from {from} to {to}."),
            ChartKind::Bar,
            "sites",
            vec![series(
                "Sites open",
                SeriesStyle::Actual,
                range.iter().map(open).collect(),
            )],
        ));
    }
    charts
        .into_iter()
        .map(|c| view(c, csv_base, query))
        .collect()
}

/// A body's returns as its dashboard lists them: year, version, status and total.
fn return_rows(returns: &[ReturnExport]) -> Vec<crate::model::dashboard::OrgReturnRow> {
    returns
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
        .collect()
}

pub(super) async fn compute_organisation(
    db: &Db,
    read: &ReadBody<'_>,
    q: &DashboardQuery,
) -> Result<OrgDashboard, AppError> {
    let code = read.code();
    let body = savings::body(db, read, q.basis.as_deref()).await?;
    let range = years_shown(&body, q)?;
    let (from, to) = match (range.first(), range.last()) {
        (Some(from), Some(to)) => (*from, *to),
        _ => return Err(AppError::internal("a dashboard with no years")),
    };
    let sites = estate::sites_page(db, read).await?;
    let adoptions = shared::adoptions_page(db, read).await?;
    let returns = returns::export(db, read.actor(), None, Some(code)).await?;
    let applied = DashboardQuery {
        basis: Some(body.basis.clone()),
        sector: None,
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        measure: None,
    };
    let csv_base = format!("/organisations/{code}/charts");
    let mut charts = org_charts(
        &body,
        &range,
        &sites.sites,
        (&csv_base, &applied.to_query()),
    );
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
        name: body.name.clone(),
        query: applied,
        basis_label: body.basis_label.clone(),
        base_years: body.base_years.clone(),
        years: body.years.iter().map(|y| y.year).collect(),
        from,
        to,
        charts,
        savings: body.years.clone(),
        returns: return_rows(&returns),
        sites: sites.sites,
        adoptions: adoptions.adoptions,
        notes,
        body_html: String::new(),
    };
    d.body_html = crate::report::render_org_body(&d);
    Ok(d)
}

/// One chart of a body's dashboard, for its CSV download.
#[tracing::instrument(skip_all, fields(user = read.user().id, code = read.code(), ?q, %id))]
pub async fn organisation_chart(
    db: &Db,
    read: &ReadBody<'_>,
    q: &DashboardQuery,
    id: &str,
) -> Result<Chart, AppError> {
    chart_by_id(&organisation(db, read, q).await?.charts, id)
}
