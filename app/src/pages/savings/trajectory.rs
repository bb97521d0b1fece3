//! The national trajectory and the engine's settings.

use super::select;
use crate::api::savings::{get_targets_page, SaveTargets};
use crate::components::error_page::view_or_error;
use crate::components::forms::{message_for, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::domain::savings::ApportionMethod;
use crate::error::AppError;
use crate::model::savings::*;
use leptos::prelude::*;

/// The national trajectory's profiles and how targets are apportioned; admins edit them.
#[component]
pub fn TrajectoryPage() -> impl IntoView {
    let save = ServerAction::<SaveTargets>::new();
    let page = Resource::new(move || save.version().get(), |_| get_targets_page());
    let error = move || save.value().get().and_then(Result::err);
    view! {
        <PageHeader title="Savings trajectory" label="Savings" />
        <div class="ds_layout__content">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <TrajectoryBody page error=error() save /> }) })}
            </Transition>
        </div>
    }
}

#[component]
pub(super) fn TrajectoryBody(
    page: TargetsPage,
    error: Option<AppError>,
    save: ServerAction<SaveTargets>,
) -> impl IntoView {
    let edit = page.may_edit;
    let e = error.clone();
    let tables = page
        .profiles
        .iter()
        .map(|p| {
            let rows = p
                .years
                .iter()
                .map(|(year, amount, running, source)| {
                    let field = format!("target-{}-{year}", p.name);
                    let message = message_for(e.as_ref(), &field);
                    let value = e
                        .as_ref()
                        .and_then(|e| e.typed_value(&field))
                        .unwrap_or_else(|| amount.as_decimal().to_string());
                    let cell = if edit {
                        view! {
                            <label class="visually-hidden" for=field.clone()>{format!("{} target {year} (£)", p.name)}</label>
                            {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                            <input class="ds_input ds_input--fixed-10" type="text" inputmode="decimal" id=field.clone() name=field value=value />
                        }
                        .into_any()
                    } else {
                        view! { {amount.to_string()} }.into_any()
                    };
                    view! {
                        <tr>
                            <th scope="row">{year.to_string()}</th>
                            <td class="tracker-number">{cell}</td>
                            <td class="tracker-number">{running.to_string()}</td>
                            <td>{source.clone()}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <h2>{format!("Profile \"{}\"", p.name)}</h2>
                <table class="ds_table" id=format!("profile-{}", p.name)>
                    <caption class="visually-hidden">{format!("Annual and cumulative targets, profile {}", p.name)}</caption>
                    <thead><tr><th scope="col">"Year"</th><th scope="col">"Annual target"</th><th scope="col">"Cumulative"</th><th scope="col">"Source"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })
        .collect_view();
    let profiles = page
        .profiles
        .iter()
        .map(|p| view! { <option value=p.name.clone() selected=p.name == page.profile>{p.name.clone()}</option> })
        .collect_view()
        .into_any();
    let methods = ApportionMethod::ALL
        .into_iter()
        .map(|m| view! { <option value=m.code() selected=m == page.method>{m.name()}</option> })
        .collect_view()
        .into_any();
    let content = view! {
        <p>"The McClelland review (2011) set savings from 2012-13, at least £230m a year by 2015-16 and £870m to £1bn over the five years to 2016-17. It published no yearly profile: the profiles below are illustrative assumptions that meet those figures."</p>
        {select("profile", "Profile targets are measured against", profiles)}
        {select("method", "How national targets are apportioned to sectors and bodies", methods)}
        {tables}
    };
    if edit {
        view! {
            {error.clone().map(|error| view! { <ErrorSummary error default_field="targets-form" /> })}
            <ActionForm action=save attr:id="targets-form" attr:novalidate="novalidate">
                {content}
                <button type="submit" class="ds_button" id="save-targets">"Save the trajectory"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <div id="targets-form">{content}</div> }.into_any()
    }
}

// ---------------------------------------------------------------- organisation changes
