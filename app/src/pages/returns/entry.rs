//! One return's page: entering, saving and moving it on.

use super::form::EntryForm;
use super::tables::{History, LinesTable, Versions};
use super::{status_label, status_tag};
use crate::api::returns::{get_return_page, ReturnAction, SaveReturn, StartReturn};
use crate::components::error_page::view_or_error;
use crate::components::forms::{message_for, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::domain::ReturnStatus;
use crate::error::AppError;
use crate::model::returns::ReturnPage;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One return: its status, the entry form (for its officers while it is a draft), the review
/// actions (for the board), its versions and its revision history.
#[component]
pub fn ReturnEntryPage() -> impl IntoView {
    let params = use_params_map();
    let start = ServerAction::<StartReturn>::new();
    let save = ServerAction::<SaveReturn>::new();
    let act = ServerAction::<ReturnAction>::new();
    let key = move || {
        let p = params.read();
        (
            p.get("org").unwrap_or_default(),
            p.get("fy").unwrap_or_default(),
        )
    };
    let page = Resource::new(
        move || {
            (
                key(),
                start.version().get(),
                save.version().get(),
                act.version().get(),
            )
        },
        |((org, fy), ..)| get_return_page(org, fy),
    );
    let error = move || {
        save.value()
            .get()
            .and_then(Result::err)
            .or_else(|| act.value().get().and_then(Result::err))
            .or_else(|| start.value().get().and_then(Result::err))
    };
    let saved = move || matches!(save.value().get(), Some(Ok(())));
    let query = use_query_map();
    let imported = move || query.read().get("imported");
    view! {
        // A transition keeps the return on screen while it is fetched again after a save.
        <Transition fallback=|| view! { <p>"Loading the return…"</p> }>
            {move || Suspend::new(async move {
                view_or_error(page.await, |page| view! { <ReturnView page error=error() saved=saved() imported=imported() start save act /> })
            })}
        </Transition>
    }
}

#[component]
#[expect(
    clippy::too_many_lines,
    reason = "a page's view! reads best whole: its sections in document order"
)]
pub(super) fn ReturnView(
    page: ReturnPage,
    error: Option<AppError>,
    saved: bool,
    /// `changed` or `unchanged` after a spreadsheet import.
    imported: Option<String>,
    start: ServerAction<StartReturn>,
    save: ServerAction<SaveReturn>,
    act: ServerAction<ReturnAction>,
) -> impl IntoView {
    let fy = page.financial_year.to_string();
    let title = format!("{}: ICT spend {fy}", page.org_name);
    let status = page.current.as_ref().map(|c| c.status);
    let label = status.map_or("Not started", status_label);
    let version = page.current.as_ref().map(|c| c.version);
    let reason = page
        .current
        .as_ref()
        .filter(|c| c.status == ReturnStatus::Returned)
        .and_then(|c| c.returned_reason.clone());
    let deadline = page
        .deadline
        .map(|d| d.format("%-d %B %Y").to_string())
        .unwrap_or_else(|| "Not set".into());
    let summary = error
        .clone()
        .map(|error| view! { <ErrorSummary error default_field="return-form" /> });
    let keys = StoredValue::new((
        page.org_code.clone(),
        fy.clone(),
        page.current
            .as_ref()
            .map(|c| c.row_version.to_string())
            .unwrap_or_default(),
    ));
    let hidden = move || {
        let (org, fy, row_version) = keys.get_value();
        view! {
            <input type="hidden" name="org" value=org />
            <input type="hidden" name="fy" value=fy />
            <input type="hidden" name="row_version" value=row_version />
        }
    };
    let may = page.may;
    let body = if may.edit {
        view! { <EntryForm page=page.clone() error=error.clone() save hidden /> }.into_any()
    } else if page.current.is_some() {
        view! { <LinesTable page=page.clone() /> }.into_any()
    } else {
        view! { <p id="not-started">"This return has not been started."</p> }.into_any()
    };
    let next_version = version.unwrap_or(0) + 1;
    view! {
        <PageHeader title=title label="Spend return" />
        <div class="ds_layout__content">
            {summary}
            {imported.map(|how| {
                let text = if how == "unchanged" {
                    "The file held exactly the figures already stored: nothing changed."
                } else {
                    "Imported: the figures below are from your spreadsheet."
                };
                view! { <div class="ds_notification ds_notification--success" role="status" id="imported"><div class="ds_wrapper"><p class="ds_notification__text">{text}</p></div></div> }
            })}
            {saved.then(|| view! {
                <div class="ds_notification ds_notification--success" role="status" id="saved"><div class="ds_wrapper"><p class="ds_notification__text">"Your figures are saved."</p></div></div>
            })}
            <dl class="ds_summary-list" id="return-summary">
                <div class="ds_summary-list__item">
                    <dt class="ds_summary-list__key">"Status"</dt>
                    <dd class="ds_summary-list__value" id="return-status">{status_tag(label, page.overdue)}</dd>
                </div>
                <div class="ds_summary-list__item">
                    <dt class="ds_summary-list__key">"Version"</dt>
                    <dd class="ds_summary-list__value" id="return-version">{version.map(|v| v.to_string()).unwrap_or_else(|| "—".into())}</dd>
                </div>
                <div class="ds_summary-list__item">
                    <dt class="ds_summary-list__key">"Deadline"</dt>
                    <dd class="ds_summary-list__value">{deadline}</dd>
                </div>
            </dl>
            {page.outside_life.clone().map(|text| view! {
                <div class="ds_inset-text" id="outside-life"><div class="ds_inset-text__text"><strong>"Not a year of this body: "</strong>{text}{page.current.is_some().then_some(" This return is not counted in any saving.")}</div></div>
            })}
            {reason.map(|r| view! {
                <div class="ds_inset-text" id="returned-reason"><div class="ds_inset-text__text"><strong>"Sent back by the board: "</strong>{r}</div></div>
            })}
            {may.start.then(|| view! {
                <ActionForm action=start attr:id="start-form">
                    {hidden()}
                    <button type="submit" class="ds_button" id="start-return">"Start this return"</button>
                </ActionForm>
            })}
            {body}
            {may.submit.then(|| view! {
                <h2>"Submit"</h2>
                <p>"When every figure is in and every warning explained, submit the return to the programme board. You cannot change it while the board reviews it."</p>
                <ActionForm action=act attr:id="submit-form">
                    {hidden()}
                    <input type="hidden" name="action" value="submit" />
                    <button type="submit" class="ds_button" id="submit-return">"Submit to the programme board"</button>
                </ActionForm>
            })}
            {may.withdraw.then(|| view! {
                <h2>"Withdraw"</h2>
                <p>"The return is with the programme board. If you have found a mistake, withdraw it: it becomes a draft again, and you submit it once it is right."</p>
                <ActionForm action=act attr:id="withdraw-form">
                    {hidden()}
                    <input type="hidden" name="action" value="withdraw" />
                    <button type="submit" class="ds_button ds_button--secondary" id="withdraw-return">"Withdraw the return"</button>
                </ActionForm>
            })}
            {may.review.then(|| view! {
                <h2>"Review"</h2>
                <ActionForm action=act attr:id="approve-form">
                    {hidden()}
                    <input type="hidden" name="action" value="approve" />
                    <button type="submit" class="ds_button" id="approve-return">"Approve"</button>
                </ActionForm>
                <ActionForm action=act attr:id="send-back-form">
                    {hidden()}
                    <input type="hidden" name="action" value="send-back" />
                    <div class=move || if message_for(error.as_ref(), "reason").is_some() { "ds_question ds_question--error" } else { "ds_question" }>
                        <label class="ds_label" for="reason">"Reason for sending it back"</label>
                        {message_for(error.as_ref(), "reason").map(|m| view! { <p class="ds_question__error-message" id="reason-error">{m}</p> })}
                        <textarea class="ds_input" id="reason" name="reason" rows="3"></textarea>
                    </div>
                    <button type="submit" class="ds_button ds_button--secondary" id="send-back">"Send back to the officers"</button>
                </ActionForm>
            })}
            {may.restate.then(|| view! {
                <h2>"Restate"</h2>
                <p>"This return is approved and locked. To correct it, start a restatement: version "{next_version}" begins as a copy, and version "{version.unwrap_or(0)}" is kept as approved."</p>
                <ActionForm action=act attr:id="restate-form">
                    {hidden()}
                    <input type="hidden" name="action" value="restate" />
                    <button type="submit" class="ds_button ds_button--secondary" id="restate-return">"Start a restatement"</button>
                </ActionForm>
            })}
            <Versions page=page.clone() />
            <History page />
            <p><a href="/returns">"Back to my returns"</a></p>
        </div>
    }
}
