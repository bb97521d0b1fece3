//! The programme dashboard. Until returns exist it shows the baseline the savings will be
//! measured against: the McClelland review's 2008-09 figures, each with its source.

use crate::api::reference::get_mcclelland_baseline;
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::domain::Money;
use crate::model::{BaselineFigure, BaselineSummary};
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let baseline = Resource::new(|| (), |_| get_mcclelland_baseline());
    view! {
        <PageHeader title="Dashboard" label="Programme board" />
        <div class="ds_layout__content">
            <p id="savings-link"><a href="/savings">"Savings against the trajectory"</a>" (programme board and office): by year, sector and body, with how each figure was calculated."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                    {move || Suspend::new(async move { view_or_error(baseline.await, |summary| view! { <BaselineTables summary /> }) })}
            </Suspense>
        </div>
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
