//! Data-centre pages: the estate's consolidation (board and office), a body's sites with the
//! form to add one, and one site with its figures and closure. Plain forms; no JavaScript needed.

use crate::api::estate::{
    get_estate_overview, get_sites_page, SaveSite, SetConsolidationTarget, SiteAction,
};
use crate::components::error_page::view_or_error;
use crate::components::forms::{
    message_for, select_question, text_question, textarea_text, ErrorSummary, ImportedNotice,
};
use crate::components::page_header::PageHeader;
use crate::domain::estate::{Destination, Ownership, SiteType};
use crate::error::AppError;
use crate::model::estate::*;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

fn or_dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".to_owned(), |v| v.to_string())
}

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
fn Overview(
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
fn Estate(
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
fn Sites(page: SitesPage, error: Option<AppError>, save: ServerAction<SaveSite>) -> impl IntoView {
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
fn site_fields(value: &dyn Fn(&str) -> String, e: Option<&AppError>) -> impl IntoView + use<> {
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

/// The fields that say which site and which version a form changes.
fn hidden_fields(org: &str, id: i64, row_version: i64) -> impl IntoView + use<> {
    view! {
        <input type="hidden" name="org" value=org.to_owned() />
        <input type="hidden" name="id" value=id.to_string() />
        <input type="hidden" name="row_version" value=row_version.to_string() />
    }
}

/// One site: its figures, what its closure saves, and the forms to change them.
#[component]
pub fn SitePageView() -> impl IntoView {
    let params = use_params_map();
    let save = ServerAction::<SaveSite>::new();
    let act = ServerAction::<SiteAction>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                save.version().get(),
                act.version().get(),
            )
        },
        |(org, ..)| get_sites_page(org),
    );
    let id = move || params.read().get("id").and_then(|i| i.parse::<i64>().ok());
    let error = move || {
        act.value()
            .get()
            .and_then(Result::err)
            .or_else(|| save.value().get().and_then(Result::err))
    };
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let id = id();
                view_or_error(
                    page.await.and_then(|p| {
                        let site = p.sites.iter().find(|s| Some(s.id) == id).cloned().ok_or_else(|| AppError::NotFound("That site".into()))?;
                        Ok((p, site))
                    }),
                    |(page, site)| view! { <SiteDetail page site error=error() save act /> },
                )
            })}
        </Transition>
    }
}

#[component]
fn SiteDetail(
    page: SitesPage,
    site: SiteView,
    error: Option<AppError>,
    save: ServerAction<SaveSite>,
    act: ServerAction<SiteAction>,
) -> impl IntoView {
    let row = |key: &'static str, value: String| {
        view! {
            <div class="ds_summary-list__item"><dt class="ds_summary-list__key">{key}</dt><dd class="ds_summary-list__value">{value}</dd></div>
        }
    };
    let energy = |kwh: Option<i64>, metering: Option<String>| {
        kwh.map_or_else(
            || "—".to_owned(),
            |k| format!("{k} kWh a year ({})", metering.unwrap_or_default()),
        )
    };
    let (org, id, rv) = (page.code.clone(), site.id, site.row_version);
    let hidden = || hidden_fields(&org, id, rv);
    let e = error.as_ref();
    let editable = page.may_edit && site.status != "closed";
    let edit = editable.then(|| {
        let s = site.clone();
        let stored = move |field: &str| -> String {
            match field {
                "name" => s.name.clone(),
                "postcode" => s.postcode.clone().unwrap_or_default(),
                "site_type" => s.site_type.clone(),
                "ownership" => s.ownership.clone(),
                "tier" => s.tier.map(|v| v.to_string()).unwrap_or_default(),
                "floor_area_m2" => s.floor_area_m2.map(|v| v.to_string()).unwrap_or_default(),
                "racks" => s.racks.map(|v| v.to_string()).unwrap_or_default(),
                "physical_servers" => s.physical_servers.to_string(),
                "virtual_hosts" => s.virtual_hosts.to_string(),
                "virtual_machines" => s.virtual_machines.to_string(),
                "it_load_kw" => s.it_load_kw.clone().unwrap_or_default(),
                "total_energy_kwh" => s.total_energy_kwh.map(|v| v.to_string()).unwrap_or_default(),
                "total_energy_kwh-metering" => s.total_energy_metering.clone().unwrap_or_default(),
                "it_energy_kwh" => s.it_energy_kwh.map(|v| v.to_string()).unwrap_or_default(),
                "it_energy_kwh-metering" => s.it_energy_metering.clone().unwrap_or_default(),
                "cost_power" => s.cost_power.as_decimal().to_string(),
                "cost_accommodation" => s.cost_accommodation.as_decimal().to_string(),
                "cost_maintenance" => s.cost_maintenance.as_decimal().to_string(),
                "cost_staff" => s.cost_staff.as_decimal().to_string(),
                "opened" => s.opened.clone().unwrap_or_default(),
                _ => String::new(),
            }
        };
        let typed = error.clone().filter(|e| matches!(e, AppError::Form { .. }));
        let value = move |field: &str| typed.as_ref().map_or_else(|| stored(field), |e| e.typed_value(field).unwrap_or_default());
        let fields = site_fields(&value, e);
        let h = hidden();
        view! {
            <details class="ds_details" id="edit-site">
                <summary class="ds_details__summary">"Change the site's figures"</summary>
                <div class="ds_details__text">
                    <ActionForm action=save attr:id="site-form" attr:novalidate="novalidate">
                        {h}
                        {fields}
                        <button type="submit" class="ds_button" id="save-site">"Save the figures"</button>
                    </ActionForm>
                </div>
            </details>
        }
    });
    let lifecycle = page.may_edit.then(|| {
        let typed = |field: &str| e.and_then(|e| e.typed_value(field)).unwrap_or_default();
        match site.status.as_str() {
            "operational" => {
                let destinations = page
                    .destinations
                    .iter()
                    .filter(|(id, _)| *id != site.id)
                    .map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> })
                    .collect_view();
                let kinds: Vec<(&str, &str)> = Destination::ALL.iter().map(|d| (d.code(), d.name())).collect();
                let destination_message = message_for(e, "destination_site");
                let destination_class = if destination_message.is_some() { "ds_question ds_question--error" } else { "ds_question" };
                let (h, target, destination, moving, migration, evidence) = (
                    hidden(),
                    text_question("target_date", "Target date", Some("Like 2015-03-31."), typed("target_date"), e, "ds_input--fixed-10"),
                    select_question("destination", "Where its services go", kinds, &typed("destination"), e),
                    text_question("costs_moving", "Running costs that move to the destination (£ a year)", None, typed("costs_moving"), e, "ds_input--fixed-10"),
                    text_question("migration_cost", "One-off migration cost (£)", None, typed("migration_cost"), e, "ds_input--fixed-10"),
                    text_question("evidence", "Evidence (optional)", None, typed("evidence"), e, ""),
                );
                view! {
                    <h2>"Plan its closure"</h2>
                    <ActionForm action=act attr:id="plan-form" attr:novalidate="novalidate">
                        {h}
                        <input type="hidden" name="action" value="plan" />
                        {target}
                        {destination}
                        <div class=destination_class>
                            <label class="ds_label" for="destination_site">"Destination site (if it is in the tracker)"</label>
                            {destination_message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                            <div class="ds_select-wrapper">
                                <select class="ds_select" id="destination_site" name="destination_site">
                                    <option value="">"None of these (cloud or commercial colocation)"</option>
                                    {destinations}
                                </select>
                                <span class="ds_select-arrow" aria-hidden="true"></span>
                            </div>
                        </div>
                        {moving}
                        {migration}
                        {evidence}
                        <button type="submit" class="ds_button" id="plan-closure">"Plan the closure"</button>
                    </ActionForm>
                }
                .into_any()
            }
            "closure-planned" | "migrating" => {
                let migrate = (site.status == "closure-planned").then(|| {
                    let h = hidden();
                    view! {
                        <ActionForm action=act attr:id="migrate-form">
                            {h}
                            <input type="hidden" name="action" value="migrate" />
                            <button type="submit" class="ds_button ds_button--secondary" id="start-migration">"Start migrating"</button>
                        </ActionForm>
                    }
                });
                let (h_close, h_cancel) = (hidden(), hidden());
                let closed = text_question("closed_date", "Closed on", Some("Like 2015-03-01."), typed("closed_date"), e, "ds_input--fixed-10");
                let evidence = text_question("evidence", "Evidence", Some("For example the decommissioning certificate."), typed("evidence"), e, "");
                view! {
                    <h2>"Closure"</h2>
                    {migrate}
                    <ActionForm action=act attr:id="close-form" attr:novalidate="novalidate">
                        {h_close}
                        <input type="hidden" name="action" value="close" />
                        {closed}
                        {evidence}
                        <button type="submit" class="ds_button" id="record-closure">"Record the closure"</button>
                    </ActionForm>
                    <ActionForm action=act attr:id="cancel-form">
                        {h_cancel}
                        <input type="hidden" name="action" value="cancel" />
                        <button type="submit" class="ds_button ds_button--secondary" id="cancel-closure">"Cancel the closure"</button>
                    </ActionForm>
                }
                .into_any()
            }
            _ => view! { <p id="site-closed">"This site is closed; its figures are kept as they were."</p> }.into_any(),
        }
    });
    // Corrections (issue 15): the office reverses a closure recorded in error; the body's
    // officers archive a site entered in error. Each needs a reason.
    let reason = |label: &'static str| {
        let message = message_for(e, "reason");
        let class = if message.is_some() {
            "ds_question ds_question--error"
        } else {
            "ds_question"
        };
        let value = e.and_then(|e| e.typed_value("reason")).unwrap_or_default();
        view! {
            <div class=class>
                <label class="ds_label" for="reason">{label}</label>
                {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                <textarea class="ds_input" rows="2" id="reason" name="reason">{textarea_text(value)}</textarea>
            </div>
        }
    };
    let corrections = if site.status == "closed" && page.may_reverse {
        let (h, why) = (hidden(), reason("Why the closure is reversed"));
        Some(view! {
            <h2>"Reverse the closure"</h2>
            <p>"For a closure recorded in error: the site is open again and the saving its closure recorded is withdrawn. Both stay in the history."</p>
            <ActionForm action=act attr:id="reverse-form" attr:novalidate="novalidate">
                {h}
                <input type="hidden" name="action" value="reverse" />
                {why}
                <button type="submit" class="ds_button ds_button--secondary" id="reverse-closure">"Reverse the closure"</button>
            </ActionForm>
        }.into_any())
    } else if site.status != "closed" && page.may_edit {
        let (h, why) = (hidden(), reason("Why the site is archived"));
        Some(view! {
            <details class="ds_details" id="archive-site">
                <summary class="ds_details__summary">"Archive this site (entered in error)"</summary>
                <div class="ds_details__text">
                    <p>"An archived site leaves every list, count and figure. It stays on the body's list of archived sites with your reason."</p>
                    <ActionForm action=act attr:id="archive-form" attr:novalidate="novalidate">
                        {h}
                        <input type="hidden" name="action" value="archive" />
                        {why}
                        <button type="submit" class="ds_button ds_button--secondary" id="archive-site-button">"Archive the site"</button>
                    </ActionForm>
                </div>
            </details>
        }.into_any())
    } else {
        None
    };
    let cash_text = site
        .cash
        .as_ref()
        .map(|k| k.text.clone())
        .unwrap_or_default();
    let closure = site.closure.clone().map(|c| view! {
        <h2>"What the closure saves"</h2>
        <dl class="ds_summary-list" id="closure-summary">
            {row("Running costs that stop", c.stopping.to_string())}
            {row("Running costs that move", c.moving.to_string())}
            {row("Saving a year", c.recurring.to_string())}
            {row("One-off migration cost", c.one_off.to_string())}
            {row("IT energy moved", format!("{} kWh a year", c.moved_it_kwh))}
            {row("Energy at the destination", format!("{} kWh a year{}", c.destination_kwh, if c.destination_pue_known { " (at its PUE)" } else { " (IT energy only: the destination's PUE is not known)" }))}
            {row("Energy saved", format!("{} kWh a year", c.saved_kwh))}
            {row("Closure to cash", cash_text.clone())}
            {row("Carbon saved", c.carbon_saved_tonnes.map_or_else(|| "No conversion factor for the year".to_owned(), |t| format!("{t} tCO2e a year{}", c.carbon_year.map(|y| format!(" (factor of {y})")).unwrap_or_default())))}
        </dl>
    });
    view! {
        <PageHeader title=site.name.clone() label=page.name.clone() />
        <div class="ds_layout__content">
            {error.clone().map(|error| view! { <ErrorSummary error default_field="site-summary" /> })}
            <dl class="ds_summary-list" id="site-summary">
                {row("Status", site.status_name.clone())}
                {row("Type", site.site_type_name.clone())}
                {row("Ownership", site.ownership_name.clone())}
                {row("Postcode", or_dash(site.postcode.clone()))}
                {row("PUE", site.pue.clone().map_or_else(|| "Needs total and IT energy".to_owned(), |p| format!("{p}: {}", site.pue_band.clone().unwrap_or_default())))}
                {row("Virtualisation ratio", or_dash(site.virtualisation_ratio.clone()))}
                {row("Servers", format!("{} physical, {} virtual hosts, {} virtual machines", site.physical_servers, site.virtual_hosts, site.virtual_machines))}
                {row("Total energy", energy(site.total_energy_kwh, site.total_energy_metering.clone()))}
                {row("IT energy", energy(site.it_energy_kwh, site.it_energy_metering.clone()))}
                {row("Carbon", site.carbon.clone().map_or_else(|| "—".to_owned(), |(y, t, f)| format!("{t} tCO2e a year ({y}, {f} kg per kWh)")))}
                {row("Running cost", format!("{} a year (power {}, accommodation {}, maintenance {}, staff {})", site.cost_total, site.cost_power, site.cost_accommodation, site.cost_maintenance, site.cost_staff))}
                {row("Opened", or_dash(site.opened.clone()))}
                {row("Target closure", or_dash(site.target_date.clone()))}
                {row("Closed", or_dash(site.closed_date.clone()))}
                {row("Destination", format!("{}{}", or_dash(site.destination.clone()), site.destination_site.clone().map(|d| format!(": {d}")).unwrap_or_default()))}
                {row("Evidence", or_dash(site.evidence.clone()))}
            </dl>
            {closure}
            {lifecycle}
            {edit}
            {corrections}
            <p><a href=format!("/data-centres/{}", page.code)>"All the body's sites"</a></p>
        </div>
    }
}
