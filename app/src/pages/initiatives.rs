//! Initiative-based savings: a body's list with the form to record one, and one initiative with
//! its history and the forms to correct it (edit, regrade, withdraw; issue 15).

use crate::api::savings::{
    get_initiative_page, get_initiatives_page, CorrectInitiative, RecordInitiative,
};
use crate::components::error_page::view_or_error;
use crate::components::forms::{
    message_for, select_question, text_question, textarea_text, ErrorSummary,
};
use crate::components::page_header::PageHeader;
use crate::domain::savings::{Evidence, InitiativeKind, Party, SavingClass};
use crate::error::AppError;
use crate::model::savings::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// The questions of an initiative (recording or editing), showing `typed(field, default)`.
fn initiative_fields(
    e: Option<&AppError>,
    typed: &dyn Fn(&str, &str) -> String,
) -> impl IntoView + use<> {
    let kinds: Vec<(&str, &str)> = InitiativeKind::ALL
        .iter()
        .map(|k| (k.code(), k.name()))
        .collect();
    let classes: Vec<(&str, &str)> = SavingClass::ALL
        .iter()
        .map(|k| (k.code(), k.name()))
        .collect();
    let evidence: Vec<(&str, &str)> = Evidence::ALL.iter().map(|k| (k.code(), k.name())).collect();
    let parties: Vec<(&str, &str)> = Party::ALL.iter().map(|k| (k.code(), k.name())).collect();
    let note_message = message_for(e, "quality_note");
    let note_class = if note_message.is_some() {
        "ds_question ds_question--error"
    } else {
        "ds_question"
    };
    let note_value = typed("quality_note", "");
    view! {
        {text_question("title", "Title", None, typed("title", ""), e, "")}
        {select_question("kind", "Kind", kinds.clone(), &typed("kind", "other"), e)}
        {select_question("class", "Class of saving", classes.clone(), &typed("class", "cash-releasing"), e)}
        {select_question("evidence", "Evidence", evidence.clone(), &typed("evidence", "partial"), e)}
        {text_question("recurring", "Recurring annual saving (£)", None, typed("recurring", ""), e, "ds_input--fixed-10")}
        {text_question("one_off", "One-off cost (£)", Some("Migration, exit and set-up costs, in the first year."), typed("one_off", ""), e, "ds_input--fixed-10")}
        {text_question("first_year", "First year of the saving", Some("Like 2014-15."), typed("first_year", ""), e, "ds_input--fixed-10")}
        {text_question("last_year", "Last year (optional)", Some("Leave empty if the saving continues."), typed("last_year", ""), e, "ds_input--fixed-10")}
        {select_question("party", "The body's part", parties.clone(), &typed("party", "own"), e)}
        {text_question("service", "Shared service (for providers and consumers)", Some("Its code, like swan."), typed("service", ""), e, "ds_input--fixed-20")}
        {text_question("counterparty", "Other body (optional)", Some("For a provider: the code of the consumer the saving belongs to."), typed("counterparty", ""), e, "ds_input--fixed-20")}
        <div class=note_class>
            <label class="ds_label" for="quality_note">"Quality note"</label>
            <p class="ds_hint-text">"Show that the saving is not a service cut or extra income."</p>
            {note_message.map(|msg| view! { <p class="ds_question__error-message">{msg}</p> })}
            <textarea class="ds_input" rows="3" id="quality_note" name="quality_note">{textarea_text(note_value)}</textarea>
        </div>
    }
}

/// The body's withdrawn initiatives: kept, with their history, but not counted.
fn withdrawn_list(list: Vec<WithdrawnInitiative>, code: &str) -> impl IntoView + use<> {
    (!list.is_empty()).then(|| {
        let rows = list
            .into_iter()
            .map(|w| {
                view! {
                    <tr>
                        <td><a href=format!("/savings/{code}/initiatives/{}", w.id)>{w.title}</a></td>
                        <td class="tracker-number">{w.recurring.to_string()}</td>
                        <td>{w.withdrawn_on}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2>"Withdrawn initiatives"</h2>
            <p>"Withdrawn by the body with a reason: kept with their history, and no longer counted."</p>
            <table class="ds_table" id="withdrawn-initiatives">
                <caption class="visually-hidden">"Withdrawn initiatives"</caption>
                <thead><tr><th scope="col">"Initiative"</th><th scope="col">"Recurring a year, as last claimed"</th><th scope="col">"Withdrawn on"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
    })
}

pub(crate) fn initiatives_table(list: Vec<InitiativeView>, code: &str) -> impl IntoView {
    if list.is_empty() {
        return view! { <p id="no-initiatives">"No initiative-based savings are recorded for this body."</p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|i| {
            let years = match i.last_year {
                Some(last) => format!("{} to {last}", i.first_year),
                None => format!("from {}", i.first_year),
            };
            let double = (!i.double_count_with.is_empty()).then(|| view! {
                <p class="ds_tag ds_tag--red">{format!("Possible double count with {}", i.double_count_with.join(", "))}</p>
            });
            view! {
                <tr data-initiative=i.id.to_string()>
                    <td><strong><a href=format!("/savings/{code}/initiatives/{}", i.id)>{i.title.clone()}</a></strong><br />{i.kind.clone()}{i.service.clone().map(|s| format!(" · {s}"))}{format!(" · {}", i.party)}{i.counterparty.clone().map(|c| format!(" (for {c})"))}<br /><span class="ds_hint-text">{i.quality_note.clone()}</span>{double}</td>
                    <td>{i.class.clone()}</td>
                    <td>{i.evidence.clone()}</td>
                    <td class="tracker-number">{i.recurring.to_string()}</td>
                    <td class="tracker-number">{i.one_off.to_string()}</td>
                    <td>{years}</td>
                    <td>{i.payback_year.map_or_else(|| "Does not pay back".to_owned(), |y| y.to_string())}</td>
                    <td class="tracker-number">{i.net_to.map(|(y, m)| format!("{m} to {y}")).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ds_table" id="initiatives">
            <caption class="visually-hidden">"Initiative-based savings"</caption>
            <thead><tr><th scope="col">"Initiative"</th><th scope="col">"Class"</th><th scope="col">"Evidence"</th><th scope="col">"Recurring a year"</th><th scope="col">"One-off cost"</th><th scope="col">"Years"</th><th scope="col">"Payback"</th><th scope="col">"Net, cumulative"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// A body's initiative-based savings, and for its officers the form to record one.
#[component]
pub fn InitiativesPageView() -> impl IntoView {
    let params = use_params_map();
    let record = ServerAction::<RecordInitiative>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                record.version().get(),
            )
        },
        |(org, _)| get_initiatives_page(org),
    );
    let error = move || record.value().get().and_then(Result::err);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <InitiativesBody page error=error() record /> }) })}
        </Transition>
    }
}

#[component]
fn InitiativesBody(
    page: InitiativesPage,
    error: Option<AppError>,
    record: ServerAction<RecordInitiative>,
) -> impl IntoView {
    let code = page.code.clone();
    let form = page.may_record.then(|| {
        let e = error.as_ref();
        let typed = |field: &str, default: &str| {
            e.and_then(|e| e.typed_value(field)).unwrap_or_else(|| default.to_owned())
        };
        let fields = initiative_fields(e, &typed);
        view! {
            <h2>"Record an initiative"</h2>
            <ActionForm action=record attr:id="initiative-form" attr:novalidate="novalidate">
                <input type="hidden" name="org" value=code.clone() />
                {fields}
                <button type="submit" class="ds_button" id="record-initiative">"Record the initiative"</button>
            </ActionForm>
        }
    });
    let back = format!("/savings/{}", page.code);
    view! {
        <PageHeader title=format!("{}: initiatives", page.name) label="Savings" />
        <div class="ds_layout__content">
            {error.clone().map(|error| view! { <ErrorSummary error default_field="initiative-form" /> })}
            <p>"Savings from shared services, data-centre closures and other initiatives, each classed as efficiency reporting does. They are reported beside the spend-based savings and never added to them."</p>
            {initiatives_table(page.initiatives, &page.code)}
            {withdrawn_list(page.withdrawn, &page.code)}
            {form}
            <p><a href=back>"The body's savings"</a></p>
        </div>
    }
}

/// One initiative: its figures, its history, and the corrections this person may make.
#[component]
pub fn InitiativePageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let correct = ServerAction::<CorrectInitiative>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                params.read().get("id").unwrap_or_default(),
                correct.version().get(),
            )
        },
        |(org, id, _)| async move {
            match id.parse::<i64>() {
                Ok(id) => get_initiative_page(org, id).await,
                Err(_) => Err(AppError::NotFound("The initiative".to_owned())),
            }
        },
    );
    let error = move || correct.value().get().and_then(Result::err);
    let corrected = move || query.read().get("corrected").is_some();
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <InitiativeBody page error=error() corrected=corrected() correct /> }) })}
        </Transition>
    }
}

/// A reason question (each correction needs one): the field is `reason` in every form, and its
/// id is `reason` in the form the error is about, so the error summary's link finds it.
fn reason_question(
    action: &'static str,
    label: &'static str,
    error: Option<&AppError>,
) -> impl IntoView + use<> {
    let mine = error.and_then(|e| e.typed_value("action")).as_deref() == Some(action);
    let e = error.filter(|_| mine);
    let message = message_for(e, "reason");
    let id = if mine {
        "reason".to_owned()
    } else {
        format!("reason-{action}")
    };
    let value = e.and_then(|e| e.typed_value("reason")).unwrap_or_default();
    let class = if message.is_some() {
        "ds_question ds_question--error"
    } else {
        "ds_question"
    };
    view! {
        <div class=class>
            <label class="ds_label" for=id.clone()>{label}</label>
            {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
            <textarea class="ds_input" rows="2" id=id name="reason">{textarea_text(value)}</textarea>
        </div>
    }
}

#[component]
fn InitiativeBody(
    page: InitiativePage,
    error: Option<AppError>,
    corrected: bool,
    correct: ServerAction<CorrectInitiative>,
) -> impl IntoView {
    let code = page.code.clone();
    let errored_action = error.as_ref().and_then(|e| e.typed_value("action"));
    let stored = page.values.clone();
    let hidden = {
        let code = code.clone();
        let id = page.id.to_string();
        let rv = page.row_version.to_string();
        move |action: &'static str| {
            view! {
                <input type="hidden" name="org" value=code.clone() />
                <input type="hidden" name="id" value=id.clone() />
                <input type="hidden" name="row_version" value=rv.clone() />
                <input type="hidden" name="action" value=action />
            }
        }
    };
    let edit = page.may_edit.then(|| {
        let e = error.as_ref().filter(|_| errored_action.as_deref() == Some("edit"));
        let typed = |field: &str, default: &str| {
            e.and_then(|e| e.typed_value(field))
                .or_else(|| stored.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone()))
                .unwrap_or_else(|| default.to_owned())
        };
        let (h, fields, reason) = (
            hidden("edit"),
            initiative_fields(e, &typed),
            reason_question("edit", "Why it is corrected", error.as_ref()),
        );
        view! {
            <h2>"Correct the initiative"</h2>
            <p>"Your correction becomes the initiative's next version; the earlier ones are kept below."</p>
            <ActionForm action=correct attr:id="edit-initiative-form" attr:novalidate="novalidate">
                {h}
                {fields}
                {reason}
                <button type="submit" class="ds_button" id="edit-initiative">"Save the correction"</button>
            </ActionForm>
        }
    });
    let regrade = page.may_regrade.then(|| {
        let e = error.as_ref().filter(|_| errored_action.as_deref() == Some("regrade"));
        let value = |field: &str| {
            e.and_then(|e| e.typed_value(field))
                .or_else(|| stored.iter().find(|(f, _)| f == field).map(|(_, v)| v.clone()))
                .unwrap_or_default()
        };
        let classes: Vec<(&str, &str)> = SavingClass::ALL.iter().map(|k| (k.code(), k.name())).collect();
        let evidence: Vec<(&str, &str)> = Evidence::ALL.iter().map(|k| (k.code(), k.name())).collect();
        let (h, class, evidence, reason) = (
            hidden("regrade"),
            select_question("class", "Class of saving", classes, &value("class"), e),
            select_question("evidence", "Evidence", evidence, &value("evidence"), e),
            reason_question("regrade", "Why it is regraded", error.as_ref()),
        );
        view! {
            <h2>"Regrade the initiative"</h2>
            <p>"The programme office's judgement of the saving's class and evidence, with its reason."</p>
            <ActionForm action=correct attr:id="regrade-initiative-form" attr:novalidate="novalidate">
                {h}
                {class}
                {evidence}
                {reason}
                <button type="submit" class="ds_button" id="regrade-initiative">"Regrade the initiative"</button>
            </ActionForm>
        }
    });
    let withdraw = page.may_edit.then(|| {
        let (h, reason) = (
            hidden("withdraw"),
            reason_question("withdraw", "Why it is withdrawn", error.as_ref()),
        );
        view! {
            <h2>"Withdraw the initiative"</h2>
            <p>"For a saving that did not happen or was recorded in error: it stays on record with its history, and is no longer counted."</p>
            <ActionForm action=correct attr:id="withdraw-initiative-form" attr:novalidate="novalidate">
                {h}
                {reason}
                <button type="submit" class="ds_button ds_button--secondary" id="withdraw-initiative">"Withdraw the initiative"</button>
            </ActionForm>
        }
    });
    let status = if page.withdrawn {
        Some(view! { <div class="ds_inset-text" id="initiative-withdrawn"><div class="ds_inset-text__text">"Withdrawn: this initiative is kept with its history and is no longer counted."</div></div> }.into_any())
    } else {
        page.source.clone().map(|(what, href)| view! {
            <div class="ds_inset-text" id="initiative-source"><div class="ds_inset-text__text">"The tracker recorded this saving from "{what}". "<a href=href>"Go there to correct it"</a>"."</div></div>
        }.into_any())
    };
    let history = page
        .history
        .iter()
        .map(|v| {
            view! {
                <tr data-version=v.version.to_string()>
                    <td>{v.version}</td>
                    <td>{v.change.clone()}{v.withdrawn.then_some(" (not counted)")}</td>
                    <td>{v.changed_at.clone()}<br />{v.changed_by.clone().unwrap_or_default()}</td>
                    <td>{v.reason.clone().unwrap_or_default()}</td>
                    <td>{v.title.clone()}</td>
                    <td>{v.class.clone()}</td>
                    <td>{v.evidence.clone()}</td>
                    <td class="tracker-number">{v.recurring.to_string()}</td>
                    <td class="tracker-number">{v.one_off.to_string()}</td>
                    <td>{v.years.clone()}</td>
                </tr>
            }
        })
        .collect_view();
    let current = page
        .view
        .clone()
        .map(|v| initiatives_table(vec![v], &page.code));
    let back = format!("/savings/{}/initiatives", page.code);
    view! {
        <PageHeader title=page.title.clone() label="Initiative" />
        <div class="ds_layout__content">
            {corrected.then(|| view! { <div class="ds_notification ds_notification--success" role="status" id="corrected"><div class="ds_wrapper"><p class="ds_notification__text">"Corrected: the change is the initiative's newest version."</p></div></div> })}
            {error.clone().map(|error| view! { <ErrorSummary error default_field="initiative-history" /> })}
            {status}
            {current}
            {edit}
            {regrade}
            {withdraw}
            <h2>"History"</h2>
            <table class="ds_table" id="initiative-history">
                <caption class="visually-hidden">"Every version of the initiative, newest first"</caption>
                <thead><tr><th scope="col">"Version"</th><th scope="col">"Change"</th><th scope="col">"When and by whom"</th><th scope="col">"Reason"</th><th scope="col">"Title"</th><th scope="col">"Class"</th><th scope="col">"Evidence"</th><th scope="col">"Recurring a year"</th><th scope="col">"One-off cost"</th><th scope="col">"Years"</th></tr></thead>
                <tbody>{history}</tbody>
            </table>
            <p><a href=back>"The body's initiatives"</a></p>
        </div>
    }
}
