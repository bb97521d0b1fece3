//! Each year's deadline (set by the programme office).

use crate::api::returns::{list_deadlines, SetDeadline};
use crate::components::error_page::view_or_error;
use crate::components::forms::ErrorSummary;
use crate::components::page_header::PageHeader;
use crate::model::returns::DeadlineView;
use leptos::prelude::*;

/// The deadlines of each financial year; the programme office sets them here.
#[component]
pub fn DeadlinesPage() -> impl IntoView {
    let set = ServerAction::<SetDeadline>::new();
    let deadlines = Resource::new(move || set.version().get(), |_| list_deadlines());
    // Only the programme office sets deadlines; others see the list without the form.
    let me = Resource::new(|| (), |_| crate::api::auth::get_current_user());
    let error = move || set.value().get().and_then(Result::err);
    view! {
        <PageHeader title="Deadlines" label="Spend returns" />
        <div class="ds_layout__content">
            {move || error().map(|error| view! { <ErrorSummary error default_field="fy" /> })}
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(deadlines.await, |list| view! { <DeadlineTable list /> }) })}
                {move || Suspend::new(async move {
                    let admin = matches!(me.await, Ok(Some(user)) if user.role == crate::domain::Role::Admin);
                    admin.then(|| view! { <DeadlineForm set /> })
                })}
            </Suspense>
        </div>
    }
}

#[component]
pub(super) fn DeadlineForm(set: ServerAction<SetDeadline>) -> impl IntoView {
    view! {
        <h2>"Set a deadline"</h2>
        <p>"Setting a year that already has a deadline moves it."</p>
        <ActionForm action=set attr:id="deadline-form">
            <div class="ds_question">
                <label class="ds_label" for="fy">"Financial year"</label>
                <p class="ds_hint-text" id="fy-hint">"For example 2013-14"</p>
                <input class="ds_input ds_input--fixed-10" type="text" id="fy" name="fy" aria-describedby="fy-hint" />
            </div>
            <div class="ds_question">
                <label class="ds_label" for="due">"Deadline"</label>
                <p class="ds_hint-text" id="due-hint">"Year-month-day, for example 2014-06-30"</p>
                <input class="ds_input ds_input--fixed-10" type="text" id="due" name="due" aria-describedby="due-hint" />
            </div>
            <button type="submit" class="ds_button" id="set-deadline">"Set the deadline"</button>
        </ActionForm>
    }
}

#[component]
pub(super) fn DeadlineTable(list: Vec<DeadlineView>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <td>{d.financial_year.to_string()}</td>
                    <td>{d.due.format("%-d %B %Y").to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ds_table" id="deadline-table">
            <thead><tr><th scope="col">"Financial year"</th><th scope="col">"Deadline"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
