//! The data-centres front page: the estate's consolidation for the board and office, the
//! bodies for an officer.

use super::or_dash;
use crate::api::estate::{get_estate_overview, SetConsolidationTarget};
use crate::components::error_page::view_or_error;
use crate::components::forms::{text_question, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::error::AppError;
use crate::model::estate::*;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// The data-centres front page.
#[component]
pub fn DataCentresPage() -> impl IntoView {
    let query = use_query_map();
    let set_target = ServerAction::<SetConsolidationTarget>::new();
    let overview = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("sector").filter(|s| !s.is_empty()),
                q.get("type").filter(|s| !s.is_empty()),
                set_target.version().get(),
            )
        },
        |(sector, site_type, _)| get_estate_overview(sector, site_type),
    );
    let error = move || set_target.value().get().and_then(Result::err);
    view! {
        <PageHeader title="Data centres" label="Consolidation" />
        <div class="ds_layout__content">
            <p>"The McClelland review (2011) counted more than 120 public-sector data centres and computer rooms and recommended consolidating them, towards about ten."</p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(overview.await, |o| view! { <Overview overview=o error=error() set_target /> }) })}
            </Transition>
        </div>
    }
}

#[component]
pub(super) fn Overview(
    overview: EstateOverview,
    error: Option<AppError>,
    set_target: ServerAction<SetConsolidationTarget>,
) -> impl IntoView {
    let bodies = (!overview.my_bodies.is_empty()).then(|| {
        let items = overview
            .my_bodies
            .iter()
            .map(|(code, name)| view! { <li><a href=format!("/data-centres/{code}")>{name.clone()}</a></li> })
            .collect_view();
        view! { <h2>"Your bodies' sites"</h2><ul id="my-bodies">{items}</ul> }
    });
    view! {
        {bodies}
        {overview.summary.map(|summary| view! { <Estate summary error set_target /> })}
    }
}

#[component]
#[expect(
    clippy::too_many_lines,
    reason = "a page's view! reads best whole: its sections in document order"
)]
pub(super) fn Estate(
    summary: EstateSummary,
    error: Option<AppError>,
    set_target: ServerAction<SetConsolidationTarget>,
) -> impl IntoView {
    let types = summary
        .site_types
        .iter()
        .map(|(code, name)| view! { <option value=code.clone() selected=summary.site_type.as_deref() == Some(code.as_str())>{name.clone()}</option> })
        .collect_view();
    let scope_name = {
        let sector = summary
            .sector
            .as_ref()
            .and_then(|c| summary.sectors.iter().find(|(code, _)| code == c))
            .map_or("all sectors".to_owned(), |(_, n)| n.clone());
        let site_type = summary
            .site_type
            .as_ref()
            .and_then(|c| summary.site_types.iter().find(|(code, _)| code == c))
            .map_or("all types of site".to_owned(), |(_, n)| n.to_lowercase());
        format!("{sector}, {site_type}")
    };
    let target_rows = summary
        .targets
        .iter()
        .map(|t| {
            view! {
                <tr data-target-year=t.year.to_string()>
                    <th scope="row">{t.year.to_string()}</th>
                    <td class="tracker-number">{t.max_sites}</td>
                    <td>{t.note.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let no_targets = summary.targets.is_empty();
    let target_form = summary.may_set_targets.then(|| {
        let e = error.as_ref();
        let typed = |field: &str| e.and_then(|e| e.typed_value(field)).unwrap_or_default();
        let (year, max_sites, note) = (
            text_question("year", "Year", Some("A financial year, like 2015-16."), typed("year"), e, "ds_input--fixed-10"),
            text_question("max_sites", "Most sites", Some("The most sites open at that year's end."), typed("max_sites"), e, "ds_input--fixed-5"),
            text_question("note", "Source or reason", None, typed("note"), e, ""),
        );
        let summary_box = error.clone().map(|error| view! { <ErrorSummary error default_field="max_sites" /> });
        let sector = summary.sector.clone().unwrap_or_default();
        let site_type = summary.site_type.clone().unwrap_or_default();
        view! {
            <h3>"Set a point of the target line"</h3>
            <p>"The target for a year between two points lies on the straight line between them; after the last point it stays there. Setting a year's point again replaces it."</p>
            {summary_box}
            <ActionForm action=set_target attr:id="target-form">
                <input type="hidden" name="sector" value=sector />
                <input type="hidden" name="type" value=site_type />
                {year}
                {max_sites}
                {note}
                <div class="ds_button-group">
                    <button type="submit" class="ds_button" id="set-target">"Save the target"</button>
                    <button type="submit" class="ds_button ds_button--secondary" name="remove" value="yes" id="remove-target">"Remove this year's point"</button>
                </div>
            </ActionForm>
        }
    });
    let sectors = summary
        .sectors
        .iter()
        .map(|(code, name)| view! { <option value=code.clone() selected=summary.sector.as_deref() == Some(code.as_str())>{name.clone()}</option> })
        .collect_view();
    let status = summary
        .by_status
        .iter()
        .map(|(name, n)| view! { <li><strong>{*n}</strong>" "{name.to_lowercase()}</li> })
        .collect_view();
    let counts = summary
        .counts
        .iter()
        .map(|c| {
            let types = c
                .by_type
                .iter()
                .map(|(t, n)| format!("{t}: {n}"))
                .collect::<Vec<_>>()
                .join("; ");
            let over = c
                .target
                .is_some_and(|t| i64::try_from(c.sites).unwrap_or(i64::MAX) > t);
            view! {
                <tr data-year=c.year.to_string()>
                    <th scope="row">{c.year.to_string()}</th>
                    <td class="tracker-number" data-col="sites">{c.sites}</td>
                    <td class="tracker-number" data-col="target">{or_dash(c.target)}</td>
                    <td data-col="against">{match c.target {
                        None => "—",
                        Some(_) if over => "Above the target",
                        Some(_) => "Within the target",
                    }}</td>
                    <td>{types}</td>
                </tr>
            }
        })
        .collect_view();
    let energy = summary
        .energy
        .iter()
        .map(|e| view! {
            <tr>
                <th scope="row">{e.year.to_string()}</th>
                <td class="tracker-number">{e.kwh.clone()}</td>
                <td class="tracker-number">{e.carbon_tonnes.clone().unwrap_or_else(|| "No factor recorded".into())}</td>
            </tr>
        })
        .collect_view();
    let closed = summary
        .closed
        .iter()
        .map(|s| {
            let c = s.closure.clone();
            view! {
                <tr>
                    <td><a href=format!("/data-centres/{}/{}", s.org_code, s.id)>{s.name.clone()}</a></td>
                    <td>{s.org_name.clone()}</td>
                    <td>{or_dash(s.closed_date.clone())}</td>
                    <td>{or_dash(s.destination.clone())}</td>
                    <td class="tracker-number">{or_dash(c.as_ref().map(|c| c.recurring))}</td>
                    <td class="tracker-number">{or_dash(c.as_ref().map(|c| c.one_off))}</td>
                    <td class="tracker-number">{or_dash(c.as_ref().map(|c| c.saved_kwh.clone()))}</td>
                    <td class="tracker-number">{or_dash(c.and_then(|c| c.carbon_saved_tonnes))}</td>
                    <td data-cash=s.cash.as_ref().map(|k| k.verdict.clone()).unwrap_or_default()>{s.cash.as_ref().map(|k| {
                        let tag = match k.verdict.as_str() {
                            "fell" => ("ds_tag ds_tag--green", "Spend fell"),
                            "did-not-fall" => ("ds_tag ds_tag--red", "Flag: spend did not fall"),
                            _ => ("ds_tag ds_tag--grey", "Not yet known"),
                        };
                        view! { <span class=tag.0>{tag.1}</span><br />{k.text.clone()} }
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Form method="GET" action="" attr:class="tracker-filter" attr:id="estate-filter">
            <div class="ds_question">
                <label class="ds_label" for="sector">"Sector"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="sector" name="sector">
                        <option value="" selected=summary.sector.is_none()>"All sectors"</option>
                        {sectors}
                    </select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <div class="ds_question">
                <label class="ds_label" for="type">"Type of site"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="type" name="type">
                        <option value="" selected=summary.site_type.is_none()>"All types"</option>
                        {types}
                    </select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <button type="submit" class="ds_button ds_button--small">"Show"</button>
        </Form>
        <ul class="tracker-counts" id="estate-status">{status}</ul>
        <h2>"Sites open at each year's end"</h2>
        <table class="ds_table" id="estate-counts">
            <caption class="visually-hidden">"Number of sites at 31 March of each year, by type"</caption>
            <thead><tr><th scope="col">"Year"</th><th scope="col">"Sites"</th><th scope="col">"Target"</th><th scope="col">"Against the target"</th><th scope="col">"By type"</th></tr></thead>
            <tbody>{counts}</tbody>
        </table>
        <h2 id="targets">{format!("Consolidation target: {scope_name}")}</h2>
        {if no_targets {
            view! { <p id="no-targets">"No target is set for this sector and type of site. Targets are set for a scope, not divided between sectors."</p> }.into_any()
        } else {
            view! {
                <table class="ds_table" id="estate-targets">
                    <caption class="visually-hidden">"The points of the target line"</caption>
                    <thead><tr><th scope="col">"Year"</th><th scope="col">"Most sites"</th><th scope="col">"Source or reason"</th></tr></thead>
                    <tbody>{target_rows}</tbody>
                </table>
            }.into_any()
        }}
        {target_form}
        <h2>"Energy and carbon"</h2>
        <p>"Total facility energy of the open sites, plus the load of closed sites where it moved (at the destination's PUE when known). Carbon uses the UK Government GHG conversion factor of the year."</p>
        {(!summary.factors_verified).then(|| view! { <div class="ds_inset-text"><div class="ds_inset-text__text">"The conversion factors are unverified: they come from secondary sources and must be checked against each year's release."</div></div> })}
        <table class="ds_table" id="estate-energy">
            <caption class="visually-hidden">"Energy (kWh) and carbon (tCO2e) by year"</caption>
            <thead><tr><th scope="col">"Year"</th><th scope="col">"Energy (kWh)"</th><th scope="col">"Carbon (tCO2e)"</th></tr></thead>
            <tbody>{energy}</tbody>
        </table>
        <h2>"Closed sites"</h2>
        <table class="ds_table" id="estate-closed">
            <caption class="visually-hidden">"Closed sites and what their closure saves"</caption>
            <thead><tr><th scope="col">"Site"</th><th scope="col">"Body"</th><th scope="col">"Closed"</th><th scope="col">"Destination"</th><th scope="col">"Saving a year"</th><th scope="col">"One-off cost"</th><th scope="col">"Energy saved (kWh)"</th><th scope="col">"Carbon saved (t)"</th><th scope="col">"Closure to cash"</th></tr></thead>
            <tbody>{closed}</tbody>
        </table>
    }
}

// ---------------------------------------------------------------- a body's sites
