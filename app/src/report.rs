//! The dashboard's body as HTML — the programme's and a body's — which the dashboard pages
//! show and a board pack freezes, and the self-contained file of a pack. Pure: it renders read
//! models and reads nothing (a layer beside `charts`, below the services that use it).

use crate::domain::savings::Rag;
use crate::domain::Money;
use crate::model::chart::ChartView;
use crate::model::dashboard::{DashboardQuery, ProgrammeDashboard};
use std::fmt::Write as _;

pub use crate::util::escape;

/// How the body links each chart's CSV.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvLinks {
    /// To the live download route (the dashboard page).
    Live,
    /// Inline, as `data:` links holding the frozen figures (a board pack).
    Frozen,
}

fn value_text(value: Option<rust_decimal::Decimal>, unit: &str) -> String {
    match value {
        None => "—".into(),
        Some(v) if unit == "£" => {
            Money::from_decimal_exact(v).map_or_else(|_| v.to_string(), |m| m.to_string())
        }
        Some(v) => v.normalize().to_string(),
    }
}

fn chart_block(out: &mut String, c: &ChartView, links: CsvLinks) {
    let chart = &c.chart;
    let id = escape(&chart.id);
    let _ = write!(
        out,
        r#"<section class="tracker-chart-block" id="chart-{id}"><h2 class="ds_h3">{}</h2><p class="tracker-chart-desc">{}</p><div class="tracker-chart-svg">{}</div>"#,
        escape(&chart.title),
        escape(&chart.description),
        c.svg
    );
    let _ = write!(
        out,
        r#"<table class="ds_table tracker-chart-table" id="table-{id}"><caption>Figures of the chart above ({})</caption><thead><tr><th scope="col">{}</th>"#,
        escape(if chart.unit == "£" {
            "£"
        } else {
            &chart.unit
        }),
        escape(&chart.category_label)
    );
    for s in &chart.series {
        let _ = write!(
            out,
            r#"<th scope="col" class="tracker-number">{}</th>"#,
            escape(&s.name)
        );
    }
    out.push_str("</tr></thead><tbody>");
    for (i, category) in chart.categories.iter().enumerate() {
        let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, escape(category));
        for s in &chart.series {
            let _ = write!(
                out,
                r#"<td class="tracker-number">{}</td>"#,
                escape(&value_text(s.values.get(i).copied().flatten(), &chart.unit))
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    let href = match links {
        CsvLinks::Live => escape(&c.csv_href),
        CsvLinks::Frozen => format!(
            "data:text/csv;charset=utf-8,{}",
            crate::model::dashboard::percent_encode(&crate::charts::csv(chart))
        ),
    };
    let _ = write!(
        out,
        r#"<p><a class="tracker-csv" href="{href}" download="{id}.csv" id="csv-{id}">Download these figures (CSV)</a></p></section>"#
    );
}

fn rag_tag(rag: Rag) -> (&'static str, &'static str) {
    (crate::model::savings::rag_tag_class(rag), rag.name())
}

/// The filters in words.
pub fn filters_text(d: &ProgrammeDashboard) -> String {
    let sector = d
        .query
        .sector
        .as_ref()
        .and_then(|c| d.sectors.iter().find(|(code, _)| code == c))
        .map_or("all sectors".to_owned(), |(_, n)| n.clone());
    let measure = if d.measure == "initiative" {
        "initiative-based savings"
    } else {
        "spend-based savings"
    };
    format!(
        "{} to {}; {sector}; {measure}; {}",
        d.from, d.to, d.basis_label
    )
}

/// The dashboard's body: charts with their tables and CSV links, the bodies' RAG table, the
/// adoption matrix and the submission status.
pub fn render_body(d: &ProgrammeDashboard, links: CsvLinks) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        r#"<p class="tracker-scope" id="dashboard-scope">Showing {}.</p>"#,
        escape(&filters_text(d))
    );
    if !d.notes.is_empty() {
        out.push_str(r#"<div class="ds_inset-text" id="dashboard-notes"><div class="ds_inset-text__text"><ul>"#);
        for n in &d.notes {
            let _ = write!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul></div></div>");
    }
    for c in &d.charts {
        chart_block(&mut out, c, links);
    }

    rag_sections(&mut out, d);
    adoption_section(&mut out, d);

    let _ = write!(
        out,
        r#"<section id="dashboard-submissions"><h2 class="ds_h3">Returns for {}</h2><table class="ds_table" id="submission-table"><caption class="visually-hidden">Returns by sector: expected, not yet submitted, overdue, submitted, approved</caption><thead><tr><th scope="col">Sector</th><th scope="col" class="tracker-number">Bodies</th><th scope="col" class="tracker-number">Not submitted</th><th scope="col" class="tracker-number">Overdue</th><th scope="col" class="tracker-number">Submitted</th><th scope="col" class="tracker-number">Approved</th></tr></thead><tbody>"#,
        escape(&d.to.to_string())
    );
    let mut row = |label: &str, c: &crate::model::returns::StatusCounts, class: &str| {
        let _ = write!(
            out,
            r#"<tr class="{class}"><th scope="row">{}</th><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td></tr>"#,
            escape(label),
            c.bodies,
            c.not_submitted,
            c.overdue,
            c.submitted,
            c.approved
        );
    };
    for s in &d.submissions {
        row(&s.sector, &s.counts, "");
    }
    row("All", &d.submissions_total, "tracker-total");
    out.push_str("</tbody></table></section>");
    out
}

/// The bodies against their targets: how many of each sector are green, amber, red or not
/// reported (each sector linking to its own dashboard), then each body of the sector chosen, or
/// the bodies furthest behind.
#[expect(
    clippy::too_many_lines,
    reason = "the pack's sections in document order, as HTML text; becomes a Leptos view (issue 16)"
)]
fn rag_sections(out: &mut String, d: &ProgrammeDashboard) {
    let year = escape(&d.rag_year.to_string());
    let _ = write!(
        out,
        r#"<section id="dashboard-rag"><h2 class="ds_h3">Bodies against their apportioned targets, {year}</h2>"#
    );
    if d.rag_by_sector.is_empty() {
        out.push_str("<p>No body has a target or counted return for this year.</p></section>");
        return;
    }
    out.push_str(r#"<table class="ds_table" id="rag-summary"><caption class="visually-hidden">How many bodies of each sector met their target (green), reached 80% of it (amber), fell below 80% (red) or have not reported</caption><thead><tr><th scope="col">Sector</th>"#);
    for rag in [Rag::Green, Rag::Amber, Rag::Red, Rag::NotReported] {
        let _ = write!(
            out,
            r#"<th scope="col" class="tracker-number">{}</th>"#,
            rag.name()
        );
    }
    out.push_str("</tr></thead><tbody>");
    let mut total = crate::model::dashboard::RagSectorRow::default();
    for r in &d.rag_by_sector {
        let query = DashboardQuery {
            sector: Some(r.sector_code.clone()),
            ..d.query.clone()
        }
        .to_query();
        let _ = write!(
            out,
            r#"<tr data-sector="{code}"><th scope="row"><a href="/dashboard?{}">{}</a></th><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td></tr>"#,
            escape(&query),
            escape(&r.sector),
            r.green,
            r.amber,
            r.red,
            r.not_reported,
            code = escape(&r.sector_code),
        );
        total.green += r.green;
        total.amber += r.amber;
        total.red += r.red;
        total.not_reported += r.not_reported;
    }
    if d.rag_by_sector.len() > 1 {
        let _ = write!(
            out,
            r#"<tr class="tracker-total"><th scope="row">All</th><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td></tr>"#,
            total.green, total.amber, total.red, total.not_reported
        );
    }
    out.push_str("</tbody></table>");
    if d.bodies_all {
        out.push_str(r#"<h3 class="ds_h4" id="rag-bodies-heading">Each body</h3>"#);
    } else if d.bodies.is_empty() {
        out.push_str(r#"<p id="rag-bodies-heading">No body is behind its target. Choose a sector to see each of its bodies.</p></section>"#);
        return;
    } else if d.bodies.len() < total.red {
        let _ = write!(
            out,
            r#"<h3 class="ds_h4" id="rag-bodies-heading">The {} furthest behind, of {} bodies behind their targets</h3><p>Choose a sector to see each of its bodies.</p>"#,
            d.bodies.len(),
            total.red
        );
    } else {
        let _ = write!(
            out,
            r#"<h3 class="ds_h4" id="rag-bodies-heading">The {} {} behind {}, the furthest behind first</h3><p>Choose a sector to see each of its bodies.</p>"#,
            d.bodies.len(),
            if d.bodies.len() == 1 {
                "body"
            } else {
                "bodies"
            },
            if d.bodies.len() == 1 {
                "its target"
            } else {
                "their targets"
            },
        );
    }
    out.push_str(r#"<table class="ds_table" id="rag-table"><caption class="visually-hidden">Each body's spend-based saving against its share of the target, with red, amber or green in words</caption><thead><tr><th scope="col">Body</th><th scope="col">Sector</th><th scope="col" class="tracker-number">Saving</th><th scope="col" class="tracker-number">Target</th><th scope="col">Status</th></tr></thead><tbody>"#);
    for b in &d.bodies {
        let (class, text) = rag_tag(b.rag);
        let _ = write!(
            out,
            r#"<tr data-org="{code}"><th scope="row"><a href="/organisations/{code}">{}</a></th><td>{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td><span class="{class}">{text}</span>{}</td></tr>"#,
            escape(&b.name),
            escape(&b.sector),
            b.saving.map_or("—".to_owned(), |m| m.to_string()),
            b.target,
            if b.provisional { " (provisional)" } else { "" },
            code = escape(&b.code),
        );
    }
    out.push_str("</tbody></table></section>");
}

/// The adoption matrix: bodies × services for a sector, services × sectors for every sector.
fn adoption_section(out: &mut String, d: &ProgrammeDashboard) {
    let m = &d.adoption;
    out.push_str(
        r#"<section id="dashboard-adoption"><h2 class="ds_h3">Shared-service adoption</h2>"#,
    );
    if m.rows.is_empty() {
        out.push_str("<p>No body has recorded an adoption yet.</p></section>");
        return;
    }
    let caption = if m.row_label == "Body" {
        "Each body's stage of adoption of each shared service"
    } else {
        "For each shared service, how many bodies of each sector are live on it and how many are on the way (considering, contracted or migrating)"
    };
    let _ = write!(
        out,
        r#"<div class="tracker-scroll" tabindex="0" role="region" aria-label="Shared-service adoption matrix"><table class="ds_table" id="adoption-matrix"><caption class="visually-hidden">{caption}</caption><thead><tr><th scope="col">{}</th>"#,
        escape(&m.row_label)
    );
    for (_, name) in &m.columns {
        let _ = write!(out, r#"<th scope="col">{}</th>"#, escape(name));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &m.rows {
        let _ = write!(out, r#"<tr><th scope="row">{}</th>"#, escape(&row.name));
        for stage in &row.stages {
            let _ = write!(out, "<td>{}</td>", escape(stage.as_deref().unwrap_or("—")));
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div></section>");
}

/// The styles a pack file carries (it is read without the service's stylesheets).
const PACK_CSS: &str = "body{font-family:Helvetica,Arial,sans-serif;color:#333;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
h1{font-size:2rem}h2{font-size:1.375rem;margin-top:2.5rem}\
table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border-bottom:1px solid #b3b3b3;padding:.4rem .5rem;text-align:left;vertical-align:top}\
.tracker-number{text-align:right;font-variant-numeric:tabular-nums}.tracker-total th,.tracker-total td{font-weight:bold}\
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}\
.tracker-chart{width:100%;height:auto}.ds_tag{padding:0 .3rem;border:1px solid #333}\
.ds_inset-text{border-left:4px solid #0065bd;padding-left:1rem}.tracker-scroll{overflow-x:auto}";

/// The self-contained file of a pack.
pub fn pack_document(title: &str, frozen: &str, by: &str, filters: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title><style>{PACK_CSS}</style></head><body><header><p>ICT Savings Tracker — board pack</p><h1>{t}</h1><p id=\"pack-frozen\">Frozen {f} (UTC) by {b}. {fl}.</p><p>The figures are as they stood when the pack was frozen; later changes to returns are not in it.</p></header><main>{body}</main></body></html>\n",
        t = escape(title),
        f = escape(frozen),
        b = escape(by),
        fl = escape(filters),
    )
}

/// A body's dashboard body: its charts, its years with the calculation behind each, its
/// returns, sites and adoptions.
#[expect(
    clippy::too_many_lines,
    reason = "the pack's sections in document order, as HTML text; becomes a Leptos view (issue 16)"
)]
pub fn render_org_body(d: &crate::model::dashboard::OrgDashboard) -> String {
    let mut out = String::new();
    let code = escape(&d.code);
    let _ = write!(
        out,
        r#"<p class="tracker-scope" id="dashboard-scope">Showing {} to {}; {}.</p>"#,
        d.from,
        d.to,
        escape(&d.basis_label)
    );
    if !d.notes.is_empty() {
        out.push_str(r#"<div class="ds_inset-text" id="dashboard-notes"><div class="ds_inset-text__text"><ul>"#);
        for n in &d.notes {
            let _ = write!(out, "<li>{}</li>", escape(n));
        }
        out.push_str("</ul></div></div>");
    }
    for c in &d.charts {
        chart_block(&mut out, c, CsvLinks::Live);
    }
    out.push_str(r#"<section id="org-years"><h2 class="ds_h3">Year by year, and how each figure was calculated</h2><table class="ds_table" id="org-years-table"><caption class="visually-hidden">The body's baseline, counted spend, saving and target by year</caption><thead><tr><th scope="col">Year</th><th scope="col">Status</th><th scope="col" class="tracker-number">Saving</th><th scope="col" class="tracker-number">Target</th><th scope="col">Against target</th><th scope="col">Calculation</th></tr></thead><tbody>"#);
    for y in d
        .savings
        .iter()
        .filter(|y| y.year >= d.from && y.year <= d.to)
    {
        let (class, text) = rag_tag(y.rag);
        let link = if y.saving.is_some() {
            format!(
                r#"<a href="/savings/{code}/{fy}/calculation">How {fy} was calculated</a>"#,
                fy = y.year
            )
        } else {
            "—".to_owned()
        };
        let _ = write!(
            out,
            r#"<tr data-year="{fy}"><th scope="row">{fy}</th><td>{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td><span class="{class}">{text}</span></td><td>{link}</td></tr>"#,
            escape(&y.status.replace('-', " ")),
            y.saving.map_or("—".to_owned(), |m| m.to_string()),
            y.target.map_or("—".to_owned(), |m| m.to_string()),
            fy = y.year,
        );
    }
    out.push_str("</tbody></table></section>");

    out.push_str(r#"<section id="org-returns"><h2 class="ds_h3">Returns</h2>"#);
    if d.returns.is_empty() {
        out.push_str("<p>No return has been started.</p>");
    } else {
        out.push_str(r#"<table class="ds_table" id="org-returns-table"><caption class="visually-hidden">The body's returns: the newest version of each year</caption><thead><tr><th scope="col">Year</th><th scope="col" class="tracker-number">Version</th><th scope="col">Status</th><th scope="col" class="tracker-number">Total spend</th></tr></thead><tbody>"#);
        for r in &d.returns {
            let _ = write!(
                out,
                r#"<tr><th scope="row"><a href="/returns/{code}/{fy}">{fy}</a></th><td class="tracker-number">{}</td><td>{}</td><td class="tracker-number">{}</td></tr>"#,
                r.version,
                escape(&r.status),
                r.total,
                fy = r.financial_year,
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");

    let _ = write!(
        out,
        r#"<section id="org-sites"><h2 class="ds_h3">Data centres and computer rooms</h2>"#
    );
    if d.sites.is_empty() {
        out.push_str("<p>No site is recorded.</p>");
    } else {
        out.push_str(r#"<table class="ds_table" id="org-sites-table"><caption class="visually-hidden">The body's sites with their status, PUE and energy</caption><thead><tr><th scope="col">Site</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col" class="tracker-number">PUE</th><th scope="col" class="tracker-number">Energy (kWh a year)</th><th scope="col" class="tracker-number">Running cost a year</th></tr></thead><tbody>"#);
        for s in &d.sites {
            let _ = write!(
                out,
                r#"<tr><th scope="row"><a href="/data-centres/{code}/{}">{}</a></th><td>{}</td><td>{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td><td class="tracker-number">{}</td></tr>"#,
                s.id,
                escape(&s.name),
                escape(&s.site_type_name),
                escape(&s.status_name),
                escape(s.pue.as_deref().unwrap_or("—")),
                s.total_energy_kwh.map_or("—".to_owned(), |k| k.to_string()),
                s.cost_total,
            );
        }
        out.push_str("</tbody></table>");
    }
    out.push_str("</section>");

    out.push_str(r#"<section id="org-adoptions"><h2 class="ds_h3">Shared services</h2>"#);
    if d.adoptions.is_empty() {
        out.push_str("<p>No adoption of a shared service is recorded.</p>");
    } else {
        out.push_str(r#"<table class="ds_table" id="org-adoptions-table"><caption class="visually-hidden">The body's shared services, their stage and saving</caption><thead><tr><th scope="col">Service</th><th scope="col">Stage</th><th scope="col" class="tracker-number">Saving a year</th></tr></thead><tbody>"#);
        for a in &d.adoptions {
            let _ = write!(
                out,
                r#"<tr><th scope="row">{}</th><td>{}</td><td class="tracker-number">{}</td></tr>"#,
                escape(&a.service_name),
                escape(&a.stage_name),
                a.recurring_saving,
            );
        }
        out.push_str("</tbody></table>");
    }
    let _ = write!(
        out,
        r#"<p><a href="/shared-services/{code}">All of the body's shared services</a></p></section>"#
    );
    out
}
