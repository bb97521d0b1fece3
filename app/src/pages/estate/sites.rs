//! A body's sites, with the form to add one.

use super::or_dash;
use crate::api::estate::{get_sites_page, SaveSite};
use crate::components::error_page::view_or_error;
use crate::components::forms::{select_question, text_question, ErrorSummary, ImportedNotice};
use crate::components::page_header::PageHeader;
use crate::domain::estate::{Ownership, SiteType};
use crate::error::AppError;
use crate::model::estate::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// A body's sites, and for its officers the form to add one.
#[component]
pub fn SitesPageView() -> impl IntoView {
    let params = use_params_map();
    let save = ServerAction::<SaveSite>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                save.version().get(),
            )
        },
        |(org, _)| get_sites_page(org),
    );
    let error = move || save.value().get().and_then(Result::err);
    view! {
        <ImportedNotice />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <Sites page error=error() save /> }) })}
        </Transition>
    }
}

#[component]
pub(super) fn Sites(
    page: SitesPage,
    error: Option<AppError>,
    save: ServerAction<SaveSite>,
) -> impl IntoView {
    let code = page.code.clone();
    let rows = page
        .sites
        .iter()
        .map(|s| {
            view! {
                <tr data-site=s.id.to_string()>
                    <td><a href=format!("/data-centres/{code}/{}", s.id)>{s.name.clone()}</a></td>
                    <td>{s.site_type_name.clone()}</td>
                    <td>{s.status_name.clone()}</td>
                    <td class="tracker-number">{or_dash(s.pue.clone())}</td>
                    <td class="tracker-number">{or_dash(s.virtualisation_ratio.clone())}</td>
                    <td class="tracker-number">{or_dash(s.total_energy_kwh)}</td>
                    <td class="tracker-number">{s.cost_total.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    let table = if page.sites.is_empty() {
        view! { <p id="no-sites">"No sites are recorded for this body."</p> }.into_any()
    } else {
        view! {
            <table class="ds_table" id="sites">
                <caption class="visually-hidden">"Sites"</caption>
                <thead><tr><th scope="col">"Site"</th><th scope="col">"Type"</th><th scope="col">"Status"</th><th scope="col">"PUE"</th><th scope="col">"Virtualisation"</th><th scope="col">"Energy (kWh a year)"</th><th scope="col">"Running cost a year"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let form = page.may_edit.then(|| {
        let values = |field: &str| {
            error
                .as_ref()
                .and_then(|e| e.typed_value(field))
                .unwrap_or_default()
        };
        let fields = site_fields(&values, error.as_ref());
        view! {
            <h2>"Add a site"</h2>
            <ActionForm action=save attr:id="site-form" attr:novalidate="novalidate">
                <input type="hidden" name="org" value=page.code.clone() />
                {fields}
                <button type="submit" class="ds_button" id="save-site">"Add the site"</button>
            </ActionForm>
        }
    });
    let archived = (!page.archived.is_empty()).then(|| {
        let rows = page
            .archived
            .iter()
            .map(|a| view! { <tr><td>{a.name.clone()}</td><td>{a.archived_on.clone()}</td><td>{a.reason.clone()}</td></tr> })
            .collect_view();
        view! {
            <h2>"Archived sites"</h2>
            <p>"Entered in error and archived by the body's officers: not counted anywhere."</p>
            <table class="ds_table" id="archived-sites">
                <caption class="visually-hidden">"Archived sites"</caption>
                <thead><tr><th scope="col">"Site"</th><th scope="col">"Archived on"</th><th scope="col">"Reason"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let query = leptos_router::hooks::use_query_map();
    let notice = query.read_untracked().get("archived").map(|_| view! {
        <div class="ds_notification ds_notification--success" role="status" id="site-archived"><div class="ds_wrapper"><p class="ds_notification__text">"The site is archived: it is listed below with your reason and counted nowhere."</p></div></div>
    });
    view! {
        <PageHeader title=format!("{}: data centres", page.name) label="Data centres" />
        <div class="ds_layout__content">
            {notice}
            {error.clone().map(|error| view! { <ErrorSummary error default_field="site-form" /> })}
            <p>"Every data centre, server room and comms room the body runs or rents, with its energy and running costs. PUE and the virtualisation ratio are computed from the figures."</p>
            {table}
            {archived}
            {form}
        </div>
    }
}

/// The inventory fields, filled from `value(field)`.
pub(super) fn site_fields(
    value: &dyn Fn(&str) -> String,
    e: Option<&AppError>,
) -> impl IntoView + use<> {
    let metering = |id: &'static str, label: &'static str| {
        let chosen = value(id);
        select_question(
            id,
            label,
            [("metered", "Metered"), ("estimated", "Estimated")],
            if chosen.is_empty() {
                "estimated"
            } else {
                &chosen
            },
            e,
        )
    };
    let types: Vec<(&str, &str)> = SiteType::ALL.iter().map(|t| (t.code(), t.name())).collect();
    let owners: Vec<(&str, &str)> = Ownership::ALL
        .iter()
        .map(|t| (t.code(), t.name()))
        .collect();
    view! {
        {text_question("name", "Name", None, value("name"), e, "")}
        {text_question("postcode", "Postcode", None, value("postcode"), e, "ds_input--fixed-10")}
        {select_question("site_type", "Type", types, &value("site_type"), e)}
        {select_question("ownership", "Ownership", owners, &value("ownership"), e)}
        {text_question("tier", "Tier (optional)", Some("Uptime Institute tier, 1 to 4."), value("tier"), e, "ds_input--fixed-5")}
        {text_question("floor_area_m2", "Gross floor area (m², optional)", None, value("floor_area_m2"), e, "ds_input--fixed-10")}
        {text_question("racks", "Racks (optional)", None, value("racks"), e, "ds_input--fixed-5")}
        {text_question("physical_servers", "Physical servers", None, value("physical_servers"), e, "ds_input--fixed-5")}
        {text_question("virtual_hosts", "Virtual hosts", Some("Physical servers that run virtual machines."), value("virtual_hosts"), e, "ds_input--fixed-5")}
        {text_question("virtual_machines", "Virtual machines", None, value("virtual_machines"), e, "ds_input--fixed-5")}
        {text_question("it_load_kw", "IT power capacity (kW, optional)", None, value("it_load_kw"), e, "ds_input--fixed-10")}
        {text_question("total_energy_kwh", "Total facility energy (kWh a year)", Some("Everything the facility uses, including cooling and lighting."), value("total_energy_kwh"), e, "ds_input--fixed-10")}
        {metering("total_energy_kwh-metering", "Total energy is")}
        {text_question("it_energy_kwh", "IT equipment energy (kWh a year)", None, value("it_energy_kwh"), e, "ds_input--fixed-10")}
        {metering("it_energy_kwh-metering", "IT energy is")}
        {text_question("cost_power", "Power (£ a year)", None, value("cost_power"), e, "ds_input--fixed-10")}
        {text_question("cost_accommodation", "Accommodation or lease (£ a year)", None, value("cost_accommodation"), e, "ds_input--fixed-10")}
        {text_question("cost_maintenance", "Maintenance contracts (£ a year)", None, value("cost_maintenance"), e, "ds_input--fixed-10")}
        {text_question("cost_staff", "Staff (£ a year)", None, value("cost_staff"), e, "ds_input--fixed-10")}
        {text_question("opened", "Opened (optional)", Some("Like 2005-04-01."), value("opened"), e, "ds_input--fixed-10")}
    }
}

// ---------------------------------------------------------------- one site
