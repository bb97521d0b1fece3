//! One public body: its sector, type, dates and the mergers it took part in — and, for those
//! who may read its data (its officers, the board, the office), its dashboard: savings against
//! its target, its sites, returns and shared services, and how each year was calculated.

use crate::api::dashboard::get_organisation_dashboard;
use crate::api::organisations::get_organisation;
use crate::components::error_page::view_or_error;
use crate::components::forms::select_question;
use crate::components::page_header::PageHeader;
use crate::model::dashboard::OrgDashboard;
use crate::model::{OrgLink, OrganisationDetail};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let detail = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        get_organisation,
    );
    let dashboard = Resource::new(
        move || {
            let q = query.read();
            let get = |k: &str| q.get(k).filter(|v| !v.is_empty());
            (
                params.read().get("code").unwrap_or_default(),
                get("basis"),
                get("from"),
                get("to"),
            )
        },
        |(code, basis, from, to)| get_organisation_dashboard(code, basis, from, to),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(detail.await, |detail| view! { <OrganisationDetailView detail /> }) })}
        </Suspense>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                view_or_error(dashboard.await, |d| d.map(|dashboard| view! { <BodyDashboard dashboard /> }))
            })}
        </Transition>
    }
}

#[component]
fn BodyDashboard(dashboard: OrgDashboard) -> impl IntoView {
    let d = dashboard;
    let years: Vec<(String, String)> = d
        .years
        .iter()
        .map(|y| (y.to_string(), y.to_string()))
        .collect();
    let mut bases = vec![("nominal".to_owned(), "Nominal (cash)".to_owned())];
    bases.extend(
        d.base_years
            .iter()
            .rev()
            .map(|y| (format!("real-{y}"), format!("Real terms, {y} prices"))),
    );
    let q = d.query.clone();
    let chosen = |v: &Option<String>| v.clone().unwrap_or_default();
    let selects = (
        select_question("from", "From", years.clone(), &chosen(&q.from), None),
        select_question("to", "To", years, &chosen(&q.to), None),
        select_question("basis", "Prices", bases, &chosen(&q.basis), None),
    );
    let action = format!("/organisations/{}", d.code);
    view! {
        <div class="ds_layout__content" id="body-dashboard">
            <h2>"Savings, sites and shared services"</h2>
            <Form method="GET" action=action attr:class="tracker-filter" attr:id="body-filter">
                {selects}
                <button type="submit" class="ds_button ds_button--small" id="apply-body-filters">"Show"</button>
            </Form>
            <div id="dashboard-body" inner_html=d.body_html></div>
        </div>
    }
}

fn date_text(date: Option<chrono::NaiveDate>) -> String {
    date.map_or_else(
        || "Not recorded".to_owned(),
        |d| d.format("%-d %B %Y").to_string(),
    )
}

#[component]
fn OrganisationDetailView(detail: OrganisationDetail) -> impl IntoView {
    let org = detail.summary;
    let status = org.status_label();
    view! {
        <PageHeader title=org.name.clone() label=org.sector.name() />
        <div class="ds_layout__content">
            <dl class="ds_summary-list" id="organisation-facts">
                <Fact key="Code" value=org.code.clone() />
                <Fact key="Sector" value=org.sector.name().to_owned() />
                <Fact key="Type" value=org.kind.clone() />
                <Fact key="Status" value=status />
                <Fact key="Started" value=date_text(org.start_date) />
                <Fact key="Ceased" value=date_text(org.end_date) />
            </dl>
            {detail.notes.map(|n| view! { <p>{n}</p> })}
            <Links heading="Predecessors" intro="This body took over from:" links=detail.predecessors />
            <Links heading="Successors" intro="This body's functions passed to:" links=detail.successors />
            <p><a href="/organisations">"Back to all organisations"</a></p>
        </div>
    }
}

#[component]
fn Fact(key: &'static str, value: String) -> impl IntoView {
    view! {
        <div class="ds_summary-list__item">
            <dt class="ds_summary-list__key">{key}</dt>
            <dd class="ds_summary-list__value">{value}</dd>
        </div>
    }
}

#[component]
fn Links(heading: &'static str, intro: &'static str, links: Vec<OrgLink>) -> impl IntoView {
    (!links.is_empty()).then(|| {
        let items = links
            .into_iter()
            .map(|l| {
                let when = format!(" ({}, {})", l.kind, l.effective_date.format("%-d %B %Y"));
                view! { <li><a href=format!("/organisations/{}", l.code)>{l.name}</a>{when}</li> }
            })
            .collect_view();
        view! {
            <h2>{heading}</h2>
            <p>{intro}</p>
            <ul>{items}</ul>
        }
    })
}
