//! The Organisations page: every public body, filterable by sector and searchable by name.
//!
//! The filter is a GET form: without JavaScript it reloads the page with the query string;
//! after hydration the router submits it in place and only the results are fetched again.

use crate::api::organisations::list_organisations;
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::domain::Sector;
use crate::model::{OrganisationList, OrganisationSummary};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrganisationsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.trim().is_empty());
    let organisations = Resource::new(
        move || (param("sector"), param("q")),
        |(sector, q)| list_organisations(sector, q),
    );
    view! {
        <PageHeader title="Organisations" />
        <div class="ds_layout__content">
            <p>"The public bodies in the scope of the McClelland review, by sector. Bodies that have since merged are kept, so that history stays comparable."</p>
            <OrganisationFilter sector=Signal::derive(move || param("sector")) q=Signal::derive(move || param("q")) />
            <Suspense fallback=|| view! { <p>"Loading organisations…"</p> }>
                    {move || Suspend::new(async move { view_or_error(organisations.await, |list| view! { <OrganisationTable list /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
fn OrganisationFilter(sector: Signal<Option<String>>, q: Signal<Option<String>>) -> impl IntoView {
    let options = Sector::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.code() selected=move || sector.get().as_deref() == Some(s.code())>
                    {s.name()}
                </option>
            }
        })
        .collect_view();
    view! {
        <Form method="GET" action="" attr:class="tracker-filter" attr:id="organisation-filter">
            <div class="ds_question">
                <label class="ds_label" for="sector">"Sector"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="sector" name="sector">
                        <option value="" selected=move || sector.get().is_none()>"All sectors"</option>
                        {options}
                    </select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <div class="ds_question">
                <label class="ds_label" for="q">"Name contains"</label>
                <input class="ds_input ds_input--fixed-20" type="search" id="q" name="q" maxlength="100" value=move || q.get().unwrap_or_default() />
            </div>
            <button type="submit" class="ds_button ds_button--small" id="apply-filter">"Apply filter"</button>
        </Form>
    }
}

#[component]
fn OrganisationTable(list: OrganisationList) -> impl IntoView {
    let shown = list.items.len();
    let summary = format!("Showing {shown} of {} bodies", list.total_bodies);
    let rows = list
        .items
        .into_iter()
        .map(|org| view! { <OrganisationRow org /> })
        .collect_view();
    view! {
        <p id="organisation-count" role="status" aria-live="polite">{summary}</p>
        {(shown == 0).then(|| view! { <p>"No bodies match. Try another sector or fewer letters."</p> })}
        <table class="ds_table" id="organisation-table">
            <caption class="visually-hidden">"Public bodies"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Sector"</th>
                    <th scope="col">"Type"</th>
                    <th scope="col">"Status"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn OrganisationRow(org: OrganisationSummary) -> impl IntoView {
    let status = org.status_label();
    view! {
        <tr data-sector=org.sector.code()>
            <td><a href=format!("/organisations/{}", org.code)>{org.name}</a></td>
            <td>{org.sector.name()}</td>
            <td>{org.kind}</td>
            <td>{status}</td>
        </tr>
    }
}
