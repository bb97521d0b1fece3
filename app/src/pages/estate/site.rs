//! One site: its figures, what its closure saves, and the forms to change it and correct it.

use super::or_dash;
use super::sites::site_fields;
use crate::api::estate::{get_sites_page, SaveSite, SiteAction};
use crate::components::error_page::view_or_error;
use crate::components::forms::{
    message_for, select_question, text_question, textarea_text, ErrorSummary,
};
use crate::components::page_header::PageHeader;
use crate::domain::estate::Destination;
use crate::error::AppError;
use crate::model::estate::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The fields that say which site and which version a form changes.
pub(super) fn hidden_fields(org: &str, id: i64, row_version: i64) -> impl IntoView + use<> {
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
#[expect(
    clippy::too_many_lines,
    reason = "a page's view! reads best whole: its sections in document order"
)]
pub(super) fn SiteDetail(
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
