//! Shared-service pages: the catalogue with the adoption matrix, and a body's adoptions with the
//! forms to record one and move it on. Plain forms; no JavaScript needed.

use crate::api::shared::{
    get_adoptions_page, get_shared_services_page, MoveAdoption, RecordAdoption, SaveService,
};
use crate::components::error_page::view_or_error;
use crate::components::forms::{
    message_for, select_question, text_question, textarea_text, ErrorSummary, ImportedNotice,
};
use crate::components::page_header::PageHeader;
use crate::domain::savings::SavingClass;
use crate::error::AppError;
use crate::model::estate::*;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The catalogue, the adoption matrix (board and office) and the officer's bodies.
#[component]
pub fn SharedServicesPage() -> impl IntoView {
    let save = ServerAction::<SaveService>::new();
    let page = Resource::new(move || save.version().get(), |_| get_shared_services_page());
    let error = move || save.value().get().and_then(Result::err);
    view! {
        <PageHeader title="Shared services" label="Adoption" />
        <div class="ds_layout__content">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <Front page error=error() save /> }) })}
            </Transition>
        </div>
    }
}

#[component]
fn Front(
    page: SharedServicesPage,
    error: Option<AppError>,
    save: ServerAction<SaveService>,
) -> impl IntoView {
    let catalogue = page
        .services
        .iter()
        .map(|s| {
            view! {
                <tr data-service=s.code.clone()>
                    <th scope="row">{s.name.clone()}<br /><code>{s.code.clone()}</code></th>
                    <td>{s.description.clone()}</td>
                    <td class="tracker-number">{s.live}</td>
                    <td>{s.source.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let matrix = page.matrix.clone().map(|rows| {
        let heads = page.services.iter().map(|s| view! { <th scope="col">{s.name.clone()}</th> }).collect_view();
        let body = rows
            .into_iter()
            .map(|MatrixRow { code, name, stages }| view! {
                <tr data-org=code.clone()>
                    <th scope="row"><a href=format!("/shared-services/{code}")>{name}</a></th>
                    {stages.into_iter().map(|s| view! { <td>{s.unwrap_or_else(|| "—".into())}</td> }).collect_view()}
                </tr>
            })
            .collect_view();
        view! {
            <h2>"Adoption by body"</h2>
            <table class="ds_table" id="adoption-matrix">
                <caption class="visually-hidden">"Each body's stage of adoption of each shared service"</caption>
                <thead><tr><th scope="col">"Body"</th>{heads}</tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
    });
    let bodies = (!page.my_bodies.is_empty()).then(|| {
        let items = page
            .my_bodies
            .iter()
            .map(|(code, name)| view! { <li><a href=format!("/shared-services/{code}")>{name.clone()}</a></li> })
            .collect_view();
        view! { <h2>"Your bodies' adoptions"</h2><ul id="my-bodies">{items}</ul> }
    });
    let form = page.may_edit_catalogue.then(|| {
        let e = error.as_ref();
        let typed = |f: &str| e.and_then(|e| e.typed_value(f)).unwrap_or_default();
        let (code, name, description) = (text_question("code", "Code", None, typed("code"), e, "ds_input--fixed-20"), text_question("name", "Name", None, typed("name"), e, "ds_input--fixed-20"), text_question("description", "Description", None, typed("description"), e, "ds_input--fixed-20"));
        view! {
            <h2>"Add or rename a service"</h2>
            <ActionForm action=save attr:id="service-form" attr:novalidate="novalidate">
                {code}
                {name}
                {description}
                <button type="submit" class="ds_button" id="save-service">"Save the service"</button>
            </ActionForm>
        }
    });
    view! {
        {error.clone().map(|error| view! { <ErrorSummary error default_field="service-form" /> })}
        <p>"Services bodies share — the Scottish Wide Area Network, shared data centres, national frameworks and others — and how far each body has taken them up: considering, contracted, migrating, live or exited."</p>
        <table class="ds_table" id="catalogue">
            <caption class="visually-hidden">"The shared-service catalogue"</caption>
            <thead><tr><th scope="col">"Service"</th><th scope="col">"What it is"</th><th scope="col">"Bodies live"</th><th scope="col">"Source"</th></tr></thead>
            <tbody>{catalogue}</tbody>
        </table>
        {matrix}
        {bodies}
        {form}
    }
}

/// An adoption's dated steps, in order.
fn dates(a: &AdoptionView) -> String {
    [
        ("contracted", &a.contracted),
        ("migrating", &a.migrating),
        ("live", &a.live),
        ("exited", &a.exited),
        ("abandoned", &a.abandoned),
    ]
    .iter()
    .filter_map(|(what, d)| d.as_ref().map(|d| format!("{what} {d}")))
    .collect::<Vec<_>>()
    .join("; ")
}

/// A body's adoptions, with the forms to record one and move it on.
#[component]
pub fn AdoptionsPageView() -> impl IntoView {
    let params = use_params_map();
    let record = ServerAction::<RecordAdoption>::new();
    let moved = ServerAction::<MoveAdoption>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                record.version().get(),
                moved.version().get(),
            )
        },
        |(org, ..)| get_adoptions_page(org),
    );
    let error = move || {
        moved
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| record.value().get().and_then(Result::err))
    };
    view! {
        <ImportedNotice />
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <Adoptions page error=error() record moved /> }) })}
        </Transition>
    }
}

#[component]
fn Adoptions(
    page: AdoptionsPage,
    error: Option<AppError>,
    record: ServerAction<RecordAdoption>,
    moved: ServerAction<MoveAdoption>,
) -> impl IntoView {
    let e = error.as_ref();
    let rows = page
        .adoptions
        .iter()
        .map(|a| {
            let step = (page.may_edit && !a.next.is_empty()).then(|| {
                let (next_code, next_name) = a.next[0].clone();
                let (org, id, rv) = (page.code.clone(), a.id.to_string(), a.row_version.to_string());
                let date_id = format!("date-{}", a.id);
                view! {
                    <ActionForm action=moved attr:class="tracker-step">
                        <input type="hidden" name="org" value=org />
                        <input type="hidden" name="id" value=id />
                        <input type="hidden" name="row_version" value=rv />
                        <input type="hidden" name="stage" value=next_code />
                        <label class="ds_label" for=date_id.clone()>{format!("Date it became {}", next_name.to_lowercase())}</label>
                        <input class="ds_input ds_input--fixed-10" type="text" id=date_id name="date" placeholder="2015-04-01" />
                        <button type="submit" class="ds_button ds_button--small ds_button--secondary">{format!("Move to {}", next_name.to_lowercase())}</button>
                    </ActionForm>
                }
            });
            // Before it is live an adoption can be abandoned, with a reason (issue 15).
            let abandon = (page.may_edit && a.next.iter().any(|(code, _)| code == "abandoned")).then(|| {
                let (org, id, rv) = (page.code.clone(), a.id.to_string(), a.row_version.to_string());
                let mine = e.and_then(|e| e.typed_value("id")).as_deref() == Some(id.as_str());
                let mine_e = e.filter(|_| mine);
                let message = message_for(mine_e, "reason");
                let reason_id = if mine { "reason".to_owned() } else { format!("reason-{id}") };
                let date_id = format!("abandon-date-{id}");
                let typed = |f: &str| mine_e.and_then(|e| e.typed_value(f)).unwrap_or_default();
                let (date_value, reason_value) = (typed("date"), textarea_text(typed("reason")));
                let class = if message.is_some() { "ds_question ds_question--error" } else { "ds_question" };
                view! {
                    <details class="ds_details" open=mine>
                        <summary class="ds_details__summary">"Abandon it"</summary>
                        <div class="ds_details__text">
                            <ActionForm action=moved attr:class="tracker-step" attr:novalidate="novalidate">
                                <input type="hidden" name="org" value=org />
                                <input type="hidden" name="id" value=id.clone() />
                                <input type="hidden" name="row_version" value=rv />
                                <input type="hidden" name="stage" value="abandoned" />
                                <label class="ds_label" for=date_id.clone()>"Date it was abandoned"</label>
                                <input class="ds_input ds_input--fixed-10" type="text" id=date_id name="date" placeholder="2015-04-01" value=date_value />
                                <div class=class>
                                    <label class="ds_label" for=reason_id.clone()>"Why it is abandoned"</label>
                                    {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                                    <textarea class="ds_input" rows="2" id=reason_id name="reason">{reason_value}</textarea>
                                </div>
                                <button type="submit" class="ds_button ds_button--small ds_button--secondary" id=format!("abandon-{id}")>"Abandon the adoption"</button>
                            </ActionForm>
                        </div>
                    </details>
                }
            });
            view! {
                <tr data-adoption=a.id.to_string() data-stage=a.stage.clone()>
                    <th scope="row">{a.service_name.clone()}</th>
                    <td>{a.stage_name.clone()}{a.abandoned_reason.clone().map(|r| view! { <br /><span class="ds_hint-text">{r}</span> })}</td>
                    <td>{dates(a)}</td>
                    <td class="tracker-number">{a.cost_before.to_string()}</td>
                    <td class="tracker-number">{a.cost_after.to_string()}</td>
                    <td class="tracker-number">{a.recurring_saving.to_string()}</td>
                    <td class="tracker-number">{a.one_off.to_string()}</td>
                    <td>{a.class.clone()}</td>
                    <td>{step}{abandon}</td>
                </tr>
            }
        })
        .collect_view();
    let history = (!page.history.is_empty()).then(|| {
        let rows = page
            .history
            .iter()
            .map(|a| view! {
                <tr data-adoption=a.id.to_string() data-stage=a.stage.clone()>
                    <th scope="row">{a.service_name.clone()}</th>
                    <td>{a.stage_name.clone()}{a.abandoned_reason.clone().map(|r| format!(": {r}"))}</td>
                    <td>{dates(a)}</td>
                    <td class="tracker-number">{a.recurring_saving.to_string()}</td>
                </tr>
            })
            .collect_view();
        view! {
            <h2>"Earlier adoptions"</h2>
            <p>"Adoptions that were exited or abandoned before the body took the service up again: kept as they were."</p>
            <table class="ds_table" id="adoption-history">
                <caption class="visually-hidden">"Earlier adoptions"</caption>
                <thead><tr><th scope="col">"Service"</th><th scope="col">"Ended"</th><th scope="col">"Dates"</th><th scope="col">"Saving a year"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    });
    let form = (page.may_edit && !page.services.is_empty()).then(|| {
        let typed = |f: &str| e.and_then(|e| e.typed_value(f)).unwrap_or_default();
        let classes: Vec<(String, String)> = SavingClass::ALL.iter().map(|c| (c.code().to_owned(), c.name().to_owned())).collect();
        let (service, class, before, after, one_off, sites, users) = (
            select_question("service", "Shared service", page.services.clone(), &typed("service"), e),
            select_question("class", "Class of saving", classes, &typed("class"), e),
            text_question("cost_before", "Annual cost before (£)", None, typed("cost_before"), e, "ds_input--fixed-20"),
            text_question("cost_after", "Annual cost after (£)", None, typed("cost_after"), e, "ds_input--fixed-20"),
            text_question("one_off", "One-off cost of moving (£)", None, typed("one_off"), e, "ds_input--fixed-20"),
            text_question("sites", "Sites (optional)", None, typed("sites"), e, "ds_input--fixed-20"),
            text_question("users", "Users (optional)", None, typed("users"), e, "ds_input--fixed-20"),
        );
        let org = page.code.clone();
        view! {
            <h2>"Record an adoption"</h2>
            <ActionForm action=record attr:id="adoption-form" attr:novalidate="novalidate">
                <input type="hidden" name="org" value=org />
                {service}{class}{before}{after}{one_off}{sites}{users}
                <button type="submit" class="ds_button" id="record-adoption">"Record it as being considered"</button>
            </ActionForm>
        }
    });
    view! {
        <PageHeader title=format!("{}: shared services", page.name) label="Shared services" />
        <div class="ds_layout__content">
            {error.clone().map(|error| view! { <ErrorSummary error default_field="adoptions" /> })}
            <p>"An adoption moves one step at a time: considering, contracted, migrating, live, exited. Before it is live it can be abandoned. When it goes live its saving (the annual cost before minus after) is counted as an initiative-based saving; when it is exited that saving ends. A service exited or abandoned can be taken up again as a new adoption."</p>
            <table class="ds_table" id="adoptions">
                <caption class="visually-hidden">"Adoptions"</caption>
                <thead><tr><th scope="col">"Service"</th><th scope="col">"Stage"</th><th scope="col">"Dates"</th><th scope="col">"Cost before"</th><th scope="col">"Cost after"</th><th scope="col">"Saving a year"</th><th scope="col">"One-off"</th><th scope="col">"Class"</th><th scope="col">"Next step"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {history}
            {form}
        </div>
    }
}
