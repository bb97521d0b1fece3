//! A return's totals, lines, versions and history.

use super::{money_or_dash, status_label};
use crate::domain::income::{INCOME_CODE, INCOME_NAME};
use crate::domain::spend_line::SpendLine;
use crate::domain::{CostGroup, Money, SpendCategory};
use crate::model::returns::{sum_lines, ReturnPage};
use leptos::prelude::*;

/// Totals by cost group and overall, computed from the saved lines.
#[component]
pub(super) fn Totals(lines: Vec<SpendLine>) -> impl IntoView {
    let rows = CostGroup::ALL
        .into_iter()
        .map(|g| {
            let of_group = || lines.iter().filter(move |l| l.category.group() == g);
            let capital = Money::sum(of_group().map(|l| l.capital)).ok();
            let revenue = Money::sum(of_group().map(|l| l.revenue)).ok();
            let total = sum_lines(of_group());
            view! {
                <tr>
                    <th scope="row">{g.name()}</th>
                    <td class="tracker-number">{money_or_dash(capital)}</td>
                    <td class="tracker-number">{money_or_dash(revenue)}</td>
                    <td class="tracker-number">{money_or_dash(total)}</td>
                </tr>
            }
        })
        .collect_view();
    let capital = Money::sum(lines.iter().map(|l| l.capital)).ok();
    let revenue = Money::sum(lines.iter().map(|l| l.revenue)).ok();
    let total = sum_lines(lines.iter());
    view! {
        <table class="ds_table" id="return-totals">
            <caption>"Totals (saved figures)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Cost group"</th>
                    <th scope="col" class="tracker-number">"Capital"</th>
                    <th scope="col" class="tracker-number">"Revenue"</th>
                    <th scope="col" class="tracker-number">"Total"</th>
                </tr>
            </thead>
            <tbody>
                {rows}
                <tr class="tracker-total">
                    <th scope="row">"All ICT spend"</th>
                    <td class="tracker-number">{money_or_dash(capital)}</td>
                    <td class="tracker-number">{money_or_dash(revenue)}</td>
                    <td class="tracker-number" id="grand-total">{money_or_dash(total)}</td>
                </tr>
            </tbody>
        </table>
    }
}

/// The figures of a return that cannot be edited now, with the warnings and explanations.
#[component]
pub(super) fn LinesTable(page: ReturnPage) -> impl IntoView {
    let stored_income = page.current.as_ref().and_then(|c| c.income.clone());
    let lines = page.current.map(|c| c.lines).unwrap_or_default();
    let rows = SpendCategory::ALL
        .into_iter()
        .map(|category| {
            let line = lines.iter().find(|l| l.category == category);
            view! {
                <tr data-category=category.code()>
                    <th scope="row">{category.name()}</th>
                    <td class="tracker-number">{money_or_dash(line.map(|l| l.capital))}</td>
                    <td class="tracker-number">{money_or_dash(line.map(|l| l.revenue))}</td>
                    <td class="tracker-number">{line.and_then(|l| l.fte).map(|f| f.normalize().to_string()).unwrap_or_default()}</td>
                    <td>{line.and_then(|l| l.note.clone()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let warnings = (!page.warnings.is_empty()).then(|| {
        let items = page
            .warnings
            .iter()
            .map(|w| {
                view! {
                    <li>
                        <p>{w.message.clone()}</p>
                        <p><strong>"Explanation: "</strong>{w.explanation.clone().unwrap_or_else(|| "none given yet".into())}</p>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>"Warnings and explanations"</h2>
            <ul id="return-warnings">{items}</ul>
        }
    });
    let income = stored_income.map(|i| {
        view! {
            <table class="ds_table" id="return-income">
                <caption>"Income (recorded beside the spend, never taken off it: income is not a saving)"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Line"</th>
                        <th scope="col" class="tracker-number">"Capital"</th>
                        <th scope="col" class="tracker-number">"Revenue"</th>
                        <th scope="col">"Note"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr data-category=INCOME_CODE>
                        <th scope="row">{INCOME_NAME}</th>
                        <td class="tracker-number">{i.capital.to_string()}</td>
                        <td class="tracker-number">{i.revenue.to_string()}</td>
                        <td>{i.note.clone().unwrap_or_default()}</td>
                    </tr>
                </tbody>
            </table>
        }
    });
    view! {
        <h2>"Figures"</h2>
        <table class="ds_table" id="return-lines">
            <thead>
                <tr>
                    <th scope="col">"Category"</th>
                    <th scope="col" class="tracker-number">"Capital"</th>
                    <th scope="col" class="tracker-number">"Revenue"</th>
                    <th scope="col" class="tracker-number">"FTE"</th>
                    <th scope="col">"Note"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <Totals lines />
        {income}
        {warnings}
    }
}

#[component]
pub(super) fn Versions(page: ReturnPage) -> impl IntoView {
    (page.versions.len() > 1).then(|| {
        let items = page
            .versions
            .into_iter()
            .map(|(v, s)| view! { <li>{format!("Version {v}: {}", status_label(s))}</li> })
            .collect_view();
        view! {
            <h2>"Versions"</h2>
            <ul id="return-versions">{items}</ul>
        }
    })
}

#[component]
pub(super) fn History(page: ReturnPage) -> impl IntoView {
    let rows = page
        .history
        .into_iter()
        .map(|h| {
            let details = h
                .details
                .into_iter()
                .map(|d| view! { <li>{d}</li> })
                .collect_view();
            view! {
                <tr>
                    <td>{h.at}</td>
                    <td>{h.actor}</td>
                    <td>{h.action}</td>
                    <td><ul class="ds_no-bullets">{details}</ul></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"Revision history"</h2>
        <table class="ds_table" id="return-history">
            <thead>
                <tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"Changes"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
