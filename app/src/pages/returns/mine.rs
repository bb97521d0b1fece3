//! "My returns": an officer's returns, each with its status and deadline.

use super::status_tag;
use crate::api::returns::{my_returns, return_path};
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::model::returns::ReturnListRow;
use leptos::prelude::*;

/// "My returns": an officer's bodies by year, with status and deadline.
#[component]
pub fn MyReturnsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| my_returns());
    view! {
        <PageHeader title="My returns" label="Spend returns" />
        <div class="ds_layout__content">
            <p>"Each body's ICT spend for a financial year, by category. Start or continue a return, then submit it to the programme board before the deadline."</p>
            <p><a href="/returns/status">"Submission status of every body"</a>" (programme board and office) · "<a href="/returns/deadlines">"Deadlines"</a></p>
            <Suspense fallback=|| view! { <p>"Loading returns…"</p> }>
                {move || Suspend::new(async move { view_or_error(rows.await, |rows| view! { <MyReturnsTable rows /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
pub(super) fn MyReturnsTable(rows: Vec<ReturnListRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <p id="no-returns">"You are not a finance officer of any body, so you have no returns of your own. The programme board and office see every body's on the submission status page."</p>
        }
        .into_any();
    }
    let body = rows
        .into_iter()
        .map(|r| {
            let fy = r.financial_year.to_string();
            let link = return_path(&r.org_code, &fy);
            let label = r.status_label();
            let action = if r.status.is_none() { "Start" } else { "Open" };
            view! {
                <tr data-org=r.org_code.clone() data-fy=fy.clone()>
                    <td>{fy.clone()}</td>
                    <td>{r.org_name.clone()}</td>
                    <td>{status_tag(label, r.overdue)}</td>
                    <td>{r.version.map(|v| v.to_string()).unwrap_or_default()}</td>
                    <td>{r.deadline.map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_else(|| "Not set".into())}</td>
                    <td><a href=link>{action}<span class="visually-hidden">{format!(" the {fy} return for {}", r.org_name)}</span></a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ds_table" id="my-returns">
            <caption class="visually-hidden">"My returns"</caption>
            <thead>
                <tr>
                    <th scope="col">"Year"</th>
                    <th scope="col">"Body"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Deadline"</th>
                    <th scope="col"><span class="visually-hidden">"Action"</span></th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}
