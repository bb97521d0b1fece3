//! The dashboard. The programme board and office see the programme dashboard — savings against
//! the trajectory, by sector and category, the bodies' red/amber/green, the estate, adoption and
//! submissions, each chart drawn on the server with its figures and CSV — and can freeze it into
//! a board pack. Everyone sees the baseline the savings are measured against: the McClelland
//! review's 2008-09 figures, each with its source.
//!
//! The filters are a GET form: without JavaScript it reloads the page; hydrated, the router
//! fetches the new figures and swaps them in without a full reload.

use crate::api::dashboard::{get_programme_dashboard, FreezeBoardPack};
use crate::api::reference::get_mcclelland_baseline;
use crate::components::error_page::view_or_error;
use crate::components::forms::{select_question, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::domain::Money;
use crate::error::AppError;
use crate::model::dashboard::ProgrammeDashboardPage;
use crate::model::{BaselineFigure, BaselineSummary};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let freeze = ServerAction::<FreezeBoardPack>::new();
    let programme = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
            (
                get("basis"),
                get("sector"),
                get("from"),
                get("to"),
                get("measure"),
            )
        },
        |(basis, sector, from, to, measure)| {
            get_programme_dashboard(basis, sector, from, to, measure)
        },
    );
    let baseline = Resource::new(|| (), |_| get_mcclelland_baseline());
    let error = move || freeze.value().get().and_then(Result::err);
    view! {
        <PageHeader title="Dashboard" label="Programme board" />
        <div class="ds_layout__content">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    view_or_error(programme.await, |p| match p {
                        Some(dashboard) => view! { <Programme dashboard error=error() freeze /> }.into_any(),
                        None => view! {
                            <p id="savings-link"><a href="/savings">"Savings against the trajectory"</a>" (programme board and office): by year, sector and body, with how each figure was calculated."</p>
                        }.into_any(),
                    })
                })}
            </Transition>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move { view_or_error(baseline.await, |summary| view! { <BaselineTables summary /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
fn Programme(
    dashboard: ProgrammeDashboardPage,
    error: Option<AppError>,
    freeze: ServerAction<FreezeBoardPack>,
) -> impl IntoView {
    let d = dashboard;
    let years: Vec<(String, String)> = d
        .years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let mut sectors = vec![(String::new(), "All sectors".to_owned())];
    sectors.extend(d.sectors.iter().cloned());
    let mut bases = vec![("nominal".to_owned(), "Nominal (cash)".to_owned())];
    bases.extend(
        d.base_years
            .iter()
            .rev()
            .map(|y| (format!("real-{y}"), format!("Real terms, {y} prices"))),
    );
    let measures = vec![
        (
            "spend".to_owned(),
            "Spend-based (baseline minus spend)".to_owned(),
        ),
        (
            "initiative".to_owned(),
            "Initiative-based (recorded savings)".to_owned(),
        ),
    ];
    let q = d.query.clone();
    let chosen = |v: &Option<String>| v.clone().unwrap_or_default();
    let selects = (
        select_question("from", "From", years.clone(), &chosen(&q.from), None),
        select_question("to", "To", years, &chosen(&q.to), None),
        select_question("sector", "Sector", sectors, &chosen(&q.sector), None),
        select_question("basis", "Prices", bases, &chosen(&q.basis), None),
        select_question("measure", "Savings", measures, &chosen(&q.measure), None),
    );
    let filters = view! {
        <Form method="GET" action="/dashboard" attr:class="tracker-filter" attr:id="dashboard-filter">
            {selects}
            <button type="submit" class="ds_button ds_button--small" id="apply-filters">"Show"</button>
        </Form>
    };
    let title_error = crate::components::forms::message_for(error.as_ref(), "title");
    let summary_box = error
        .clone()
        .map(|error| view! { <ErrorSummary error default_field="title" /> });
    let hidden = [
        ("basis", q.basis.clone()),
        ("sector", q.sector.clone()),
        ("from", q.from.clone()),
        ("to", q.to.clone()),
        ("measure", q.measure.clone()),
    ]
    .into_iter()
    .map(
        |(name, value)| view! { <input type="hidden" name=name value=value.unwrap_or_default() /> },
    )
    .collect_view();
    let title_class = if title_error.is_some() {
        "ds_question ds_question--error"
    } else {
        "ds_question"
    };
    let freeze_form = view! {
        <details class="ds_details" id="freeze">
            <summary class="ds_details__summary">"Freeze this dashboard into a board pack"</summary>
            <div class="ds_details__text">
                <p>"A board pack keeps these figures and charts exactly as they are now, with these filters, for the board's papers. Later changes to returns do not change it."</p>
                {summary_box}
                <ActionForm action=freeze attr:id="freeze-form">
                    {hidden}
                    <div class=title_class>
                        <label class="ds_label" for="title">"Title"</label>
                        {title_error.map(|m| view! { <p class="ds_question__error-message" id="title-error">{m}</p> })}
                        <input class="ds_input" type="text" id="title" name="title" />
                    </div>
                    <button type="submit" class="ds_button" id="freeze-pack">"Freeze the board pack"</button>
                </ActionForm>
                <p><a href="/board-packs">"Board packs frozen so far"</a></p>
            </div>
        </details>
    };
    view! {
        <h2>"Where savings stand"</h2>
        {filters}
        {freeze_form}
        <div id="dashboard-body" inner_html=d.body_html></div>
    }
}

fn total_text(total: Option<Money>) -> String {
    total.map_or_else(
        || "cannot be added up".to_owned(),
        |m| m.display_millions(0),
    )
}

#[component]
fn BaselineTables(summary: BaselineSummary) -> impl IntoView {
    let national = summary.national_total();
    let sector_total = summary.sector_total();
    let cost_group_total = summary.cost_group_total();
    let difference = match (sector_total, national) {
        (Some(s), Some(n)) => s.checked_sub(n).ok().map(|d| d.display_millions(0)),
        _ => None,
    };
    view! {
        <h2>{format!("The {} baseline", summary.financial_year)}</h2>
        <p>"Savings are measured against the spend the McClelland review estimated for 2008-09. No central record of ICT spend existed, so these are the review's rounded estimates."</p>
        <FigureTable id="baseline-cost-groups" caption="Spend by cost group" figures=summary.by_cost_group total=total_text(cost_group_total) />
        <FigureTable id="baseline-sectors" caption="Spend by sector, as reported" figures=summary.by_sector total=total_text(sector_total) />
        {difference.map(|d| view! {
            <div class="ds_inset-text">
                <div class="ds_inset-text__text" id="baseline-difference">
                    {format!("The sector figures add up to {}, {d} more than the review's national total of {}. Both are shown as published; neither is scaled to fit the other.", total_text(sector_total), total_text(national))}
                </div>
            </div>
        })}
    }
}

#[component]
fn FigureTable(
    id: &'static str,
    caption: &'static str,
    figures: Vec<BaselineFigure>,
    total: String,
) -> impl IntoView {
    let rows = figures
        .into_iter()
        .map(|f| {
            let amount = if f.qualifier.is_empty() {
                f.amount.display_millions(0)
            } else {
                format!("{} {}", f.qualifier, f.amount.display_millions(0))
            };
            view! {
                <tr>
                    <th scope="row">{f.label}</th>
                    <td class="tracker-number">{amount}</td>
                    <td>{f.source}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ds_table" id=id>
            <caption>{caption}</caption>
            <thead>
                <tr><th scope="col">"Item"</th><th scope="col" class="tracker-number">"2008-09"</th><th scope="col">"Source"</th></tr>
            </thead>
            <tbody>{rows}</tbody>
            <tfoot>
                <tr><th scope="row">"Total"</th><td class="tracker-number">{total}</td><td></td></tr>
            </tfoot>
        </table>
    }
}
