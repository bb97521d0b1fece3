//! The submission status board (board and office).

use super::status_tag;
use crate::api::returns::{get_status_board, return_path};
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::domain::Sector;
use crate::model::returns::StatusBoard;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The submission status board: every body × year, filterable by year and sector.
#[component]
pub fn StatusBoardPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.trim().is_empty());
    let board = Resource::new(
        move || (param("fy"), param("sector")),
        |(fy, sector)| get_status_board(fy, sector),
    );
    view! {
        <PageHeader title="Submission status" label="Spend returns" />
        <div class="ds_layout__content">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(board.await, |board| view! { <StatusTable board /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
#[expect(
    clippy::too_many_lines,
    reason = "a page's view! reads best whole: its sections in document order"
)]
pub(super) fn StatusTable(board: StatusBoard) -> impl IntoView {
    let fy = board.financial_year;
    let years = board
        .years
        .iter()
        .map(|y| view! { <option value=y.to_string() selected=Some(*y) == fy>{y.to_string()}</option> })
        .collect_view();
    let all_years = fy.is_none();
    let caption = fy.map_or_else(
        || "Returns for every year".to_owned(),
        |fy| format!("Returns for {fy}"),
    );
    let sectors = Sector::ALL
        .into_iter()
        .map(|s| view! { <option value=s.code() selected=board.sector.as_deref() == Some(s.code())>{s.name()}</option> })
        .collect_view();
    let c = board.counts;
    let rows = board
        .rows
        .into_iter()
        .map(|r| {
            let link = return_path(&r.org_code, &r.financial_year.to_string());
            let label = r.status_label();
            let sector = r
                .sector
                .parse::<Sector>()
                .map(|s| s.name())
                .unwrap_or_default();
            view! {
                <tr data-org=r.org_code.clone() data-fy=r.financial_year.to_string()>
                    <td><a href=link>{r.org_name.clone()}</a></td>
                    <td>{r.financial_year.to_string()}</td>
                    <td>{sector}</td>
                    <td>{status_tag(label, r.overdue)}</td>
                    <td>{r.version.map(|v| v.to_string()).unwrap_or_default()}</td>
                    <td>{r.last_change.clone().map(|at| format!("{at} by {}", r.last_change_by.clone().unwrap_or_else(|| "-".into()))).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let deadline = match (board.deadline, fy) {
        (Some(d), _) => format!("Deadline: {}", d.format("%-d %B %Y")),
        (None, Some(_)) => "No deadline set for this year".into(),
        (None, None) => "Each year's deadline applies to its rows".into(),
    };
    view! {
        <Form method="GET" action="" attr:class="tracker-filter" attr:id="status-filter">
            <div class="ds_question">
                <label class="ds_label" for="fy">"Financial year"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="fy" name="fy">
                        <option value="all" selected=all_years>"All years"</option>
                        {years}
                    </select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <div class="ds_question">
                <label class="ds_label" for="sector">"Sector"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="sector" name="sector">
                        <option value="" selected=board.sector.is_none()>"All sectors"</option>
                        {sectors}
                    </select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <button type="submit" class="ds_button ds_button--small">"Show"</button>
        </Form>
        <p>{deadline}</p>
        <ul class="tracker-counts" id="status-counts">
            <li><strong id="count-bodies">{c.bodies}</strong>" bodies"</li>
            <li><strong id="count-not-submitted">{c.not_submitted}</strong>" not yet submitted"</li>
            <li><strong id="count-overdue">{c.overdue}</strong>" overdue"</li>
            <li><strong id="count-submitted">{c.submitted}</strong>" awaiting approval"</li>
            <li><strong id="count-approved">{c.approved}</strong>" approved"</li>
        </ul>
        <table class="ds_table" id="status-table">
            <caption class="visually-hidden">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Body"</th>
                    <th scope="col">"Year"</th>
                    <th scope="col">"Sector"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Last change (UTC)"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
