//! Organisation changes and adding a body (programme office).

use crate::api::savings::{get_successions_page, AddOrganisation, RecordSuccession};
use crate::components::error_page::view_or_error;
use crate::components::forms::{select_question, text_question, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::error::AppError;
use crate::model::savings::*;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Mergers, splits, transfers and renames, with the form to record one (programme office).
#[component]
pub fn SuccessionsPageView() -> impl IntoView {
    let record = ServerAction::<RecordSuccession>::new();
    let add = ServerAction::<AddOrganisation>::new();
    let page = Resource::new(
        move || (record.version().get(), add.version().get()),
        |_| get_successions_page(),
    );
    let error = move || record.value().get().and_then(Result::err);
    let add_error = move || add.value().get().and_then(Result::err);
    let query = use_query_map();
    let added = move || query.with(|q| q.get("added"));
    view! {
        <PageHeader title="Organisation changes" label="Programme office" />
        <div class="ds_layout__content">
            {move || added().map(|code| view! {
                <div class="ds_notification ds_notification--success" role="status" id="body-added"><div class="ds_wrapper"><p class="ds_notification__text">{format!("The body {code} is added. Record its predecessors or successors below.")}</p></div></div>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <SuccessionsBody page error=error() record /> }) })}
            </Transition>
            {move || view! { <AddBodyForm add error=add_error() /> }}
        </div>
    }
}

/// The form that adds a body: its code, name, sector, kind, dates and source.
#[component]
pub(super) fn AddBodyForm(
    add: ServerAction<AddOrganisation>,
    error: Option<AppError>,
) -> impl IntoView {
    let e = error.as_ref();
    let typed = |field: &str| e.and_then(|e| e.typed_value(field)).unwrap_or_default();
    let sector = typed("sector");
    let sectors = crate::domain::Sector::ALL
        .iter()
        .map(|s| (s.code(), s.name()))
        .collect::<Vec<_>>();
    let fields = view! {
        {text_question("code", "Code", Some("Lower-case words with hyphens, like college-ayr. It never changes once added."), typed("code"), e, "ds_input--fixed-20")}
        {text_question("name", "Name", None, typed("name"), e, "")}
        {select_question("sector", "Sector", sectors, &sector, e)}
        {text_question("kind", "Kind", Some("Like College, NDPB or Executive agency."), typed("kind"), e, "ds_input--fixed-20")}
        {text_question("start_date", "Start date", Some("Like 2011-04-01. Blank if it existed before 2008-09 or the day is not known."), typed("start_date"), e, "ds_input--fixed-10")}
        {text_question("end_date", "End date (its last day)", Some("Like 2013-03-31. Blank if it still exists."), typed("end_date"), e, "ds_input--fixed-10")}
        {text_question("notes", "Notes and source", Some("What it became, and where the dates come from."), typed("notes"), e, "")}
    };
    view! {
        <h2 id="add-body">"Add a body"</h2>
        <p>"For a public body the tracker does not hold yet: a new body, or one that existed in 2008-09 and has since merged or closed. Leave a date blank when it is not known, and say so in the notes with the source of what is known; a body answers for the financial years it existed on 1 April."</p>
        {error.clone().map(|error| view! { <ErrorSummary error default_field="add-body-form" /> })}
        <ActionForm action=add attr:id="add-body-form" attr:novalidate="novalidate">
            {fields}
            <button type="submit" class="ds_button" id="add-body-submit">"Add the body"</button>
        </ActionForm>
    }
}

#[component]
pub(super) fn SuccessionsBody(
    page: SuccessionsPage,
    error: Option<AppError>,
    record: ServerAction<RecordSuccession>,
) -> impl IntoView {
    let rows = page
        .successions
        .into_iter()
        .map(|s| {
            view! {
                <tr>
                    <td>{s.predecessor}" ("<code>{s.predecessor_code}</code>")"</td>
                    <td>{s.successor}" ("<code>{s.successor_code}</code>")"</td>
                    <td>{s.effective_date}</td>
                    <td>{s.kind}</td>
                    <td>{s.share.unwrap_or_else(|| "—".into())}</td>
                    <td>{s.source.unwrap_or_else(|| "Not recorded".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let e = error.as_ref();
    let typed = |field: &str| e.and_then(|e| e.typed_value(field)).unwrap_or_default();
    let kinds = [
        ("merger", "Merger"),
        ("split", "Split"),
        ("transfer", "Transfer"),
        ("rename", "Rename"),
    ];
    let kind = {
        let k = typed("kind");
        if k.is_empty() {
            "merger".to_owned()
        } else {
            k
        }
    };
    let fields = view! {
        {text_question("predecessor", "Predecessor (code)", None, typed("predecessor"), e, "ds_input--fixed-20")}
        {text_question("successor", "Successor (code)", None, typed("successor"), e, "ds_input--fixed-20")}
        {text_question("effective_date", "Effective date", Some("Like 2013-04-01."), typed("effective_date"), e, "ds_input--fixed-10")}
        {select_question("kind", "Kind", kinds, &kind, e)}
        {text_question("share", "Share of the predecessor's baseline (for a split)", Some("Like 60%. The shares of a split must add up to 100% for its baseline to pass on."), typed("share"), e, "ds_input--fixed-10")}
        {text_question("source", "Source", Some("The Act, order or publication the change is recorded in."), typed("source"), e, "")}
    };
    view! {
        {error.clone().map(|error| view! { <ErrorSummary error default_field="succession-form" /> })}
        <p>"A successor's baseline is the sum of its predecessors' (for a split, the share recorded), so that savings stay comparable across reorganisations."</p>
        {(!page.problems.is_empty()).then(|| view! {
            <div class="ds_warning-text" id="succession-problems">
                <strong class="ds_warning-text__icon" aria-hidden="true"></strong>
                <div class="ds_warning-text__text"><ul>{page.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul></div>
            </div>
        })}
        <table class="ds_table" id="successions">
            <caption class="visually-hidden">"Organisation changes"</caption>
            <thead><tr><th scope="col">"Predecessor"</th><th scope="col">"Successor"</th><th scope="col">"Effective"</th><th scope="col">"Kind"</th><th scope="col">"Share"</th><th scope="col">"Source"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <h2>"Record or correct a change"</h2>
        <ActionForm action=record attr:id="succession-form" attr:novalidate="novalidate">
            {fields}
            <button type="submit" class="ds_button" id="record-succession">"Record the change"</button>
        </ActionForm>
    }
}
