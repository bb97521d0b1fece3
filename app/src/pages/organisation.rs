//! One public body: its sector, type, dates and the mergers it took part in.

use crate::api::organisations::get_organisation;
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::model::{OrgLink, OrganisationDetail};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let params = use_params_map();
    let detail = Resource::new(
        move || params.read().get("code").unwrap_or_default(),
        get_organisation,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(detail.await, |detail| view! { <OrganisationDetailView detail /> }) })}
        </Suspense>
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
