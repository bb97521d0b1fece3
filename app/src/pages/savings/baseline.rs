//! A body's baselines: every version, proposing, restating and deciding.

use crate::api::savings::{get_baseline_page, DecideBaseline, RecordBaseline};
use crate::components::error_page::view_or_error;
use crate::components::forms::{message_for, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::domain::Money;
use crate::error::AppError;
use crate::model::savings::*;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A body's baseline versions, and for its officers the form to record a new one.
#[component]
pub fn BaselinePageView() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let record = ServerAction::<RecordBaseline>::new();
    let decide = ServerAction::<DecideBaseline>::new();
    let page = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                query.read().get("from"),
                record.version().get(),
                decide.version().get(),
            )
        },
        |(org, from, _, _)| get_baseline_page(org, from),
    );
    let error = move || {
        record
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| decide.value().get().and_then(Result::err))
    };
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(page.await, |page| view! { <BaselineBody page error=error() record decide /> }) })}
        </Transition>
    }
}

/// A baseline version's status as a tag (its text says what it means).
pub(super) fn baseline_status(status: &str) -> impl IntoView {
    let (class, text) = match status {
        "approved" => ("ds_tag ds_tag--green", "Approved: counts"),
        "proposed" => (
            "ds_tag ds_tag--orange",
            "Proposed: awaiting the programme office",
        ),
        _ => ("ds_tag ds_tag--red", "Returned: does not count"),
    };
    view! { <span class=class data-status=status.to_owned()>{text}</span> }
}

/// For the programme office: what approving a proposed version does to the savings already
/// reported, and the forms to approve it or return it with a reason.
pub(super) fn baseline_decision(
    code: &str,
    v: &BaselineVersionView,
    decide: ServerAction<DecideBaseline>,
) -> impl IntoView + use<> {
    let shown = |m: Option<Money>| m.map_or_else(|| "not counted".to_owned(), |m| m.to_string());
    let sum = |pick: fn(&BaselineEffectRow) -> Option<Money>| {
        Money::sum(v.effect.iter().filter_map(pick)).unwrap_or(Money::ZERO)
    };
    let rows = v
        .effect
        .iter()
        .map(|e| view! { <tr><th scope="row">{e.year.to_string()}</th><td class="tracker-number">{shown(e.before)}</td><td class="tracker-number">{shown(e.after)}</td></tr> })
        .collect_view();
    let (before, after) = (sum(|e| e.before), sum(|e| e.after));
    let n = v.version;
    let version = n.to_string();
    let (code_a, code_b) = (code.to_owned(), code.to_owned());
    let (version_a, version_b) = (version.clone(), version.clone());
    view! {
        <h3>{format!("Version {n}: its effect on the savings already reported")}</h3>
        {if v.effect.is_empty() {
            view! { <p id="baseline-effect-none">"No return of this body (or of a body inheriting from it) is counted yet: approving it changes no reported saving."</p> }.into_any()
        } else {
            view! {
                <table class="ds_table" id=format!("baseline-effect-{n}")>
                    <caption class="visually-hidden">"Each year's saving now and after approval (nominal)"</caption>
                    <thead><tr><th scope="col">"Year"</th><th scope="col">"Saving now"</th><th scope="col">"Saving if approved"</th></tr></thead>
                    <tbody>{rows}</tbody>
                    <tfoot><tr><th scope="row">"Total"</th><td class="tracker-number">{before.to_string()}</td><td class="tracker-number" data-col="after-total">{after.to_string()}</td></tr></tfoot>
                </table>
            }.into_any()
        }}
        <p>"Board packs already frozen keep the figures they were frozen with."</p>
        <ActionForm action=decide attr:id=format!("approve-baseline-{n}")>
            <input type="hidden" name="org" value=code_a />
            <input type="hidden" name="version" value=version_a />
            <input type="hidden" name="decision" value="approve" />
            <button type="submit" class="ds_button" id=format!("approve-baseline-button-{n}")>"Approve this version"</button>
        </ActionForm>
        <ActionForm action=decide attr:id=format!("return-baseline-{n}")>
            <input type="hidden" name="org" value=code_b />
            <input type="hidden" name="version" value=version_b />
            <input type="hidden" name="decision" value="return" />
            <div class="ds_question">
                <label class="ds_label" for=format!("return-reason-{n}")>"Why it is returned"</label>
                <textarea class="ds_input" rows="2" id=format!("return-reason-{n}") name="reason"></textarea>
            </div>
            <button type="submit" class="ds_button ds_button--secondary" id=format!("return-baseline-button-{n}")>"Return it to the body"</button>
        </ActionForm>
    }
}

#[component]
#[expect(
    clippy::too_many_lines,
    reason = "a page's view! reads best whole: its sections in document order"
)]
pub(super) fn BaselineBody(
    page: BaselinePage,
    error: Option<AppError>,
    record: ServerAction<RecordBaseline>,
    decide: ServerAction<DecideBaseline>,
) -> impl IntoView {
    let typed = error.clone();
    let shown = move |field: &str, stored: String| {
        typed
            .as_ref()
            .filter(|e| matches!(e, AppError::Form { .. }))
            .map(|e| e.typed_value(field).unwrap_or_default())
            .unwrap_or(stored)
    };
    let versions = page
        .versions
        .iter()
        .map(|v| {
            let amounts = v.amounts.iter().map(|(_, name, m)| view! { <li>{format!("{name}: {m}")}</li> }).collect_view();
            view! {
                <tr data-version=v.version.to_string()>
                    <td>{v.version}</td>
                    <td>{v.year.to_string()}</td>
                    <td class="tracker-number">{v.total.to_string()}</td>
                    <td><ul class="ds_no-bullets">{amounts}</ul></td>
                    <td>{v.reason.clone()}</td>
                    <td>{format!("{} by {}", v.recorded_at, v.recorded_by.clone().unwrap_or_else(|| "-".into()))}</td>
                    <td>{baseline_status(&v.status)}{v.decision_reason.clone().map(|r| view! { <br />{format!("Returned: {r}")} })}</td>
                </tr>
            }
        })
        .collect_view();
    let decisions = page
        .versions
        .iter()
        .filter(|v| page.may_decide && v.status == "proposed")
        .map(|v| baseline_decision(&page.code, v, decide))
        .collect_view();
    let inherited = page
        .inherited
        .iter()
        .map(|s| view! { <li>{format!("{}, version {} ({}): {}", s.source_name, s.version, s.year, s.total)}{(!s.via.is_empty()).then(|| format!(", through {}", s.via))}</li> })
        .collect_view();
    let body_link = format!("/savings/{}", page.code);
    let form = page.may_record.then(|| {
        let e = error.as_ref();
        let fields = page
            .form_amounts
            .iter()
            .map(|(code, name, value)| {
                let message = message_for(e, code);
                let class = if message.is_some() { "ds_question ds_question--error" } else { "ds_question" };
                view! {
                    <div class=class>
                        <label class="ds_label" for=code.clone()>{format!("{name} (£)")}</label>
                        {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                        <div class="ds_currency-wrapper" data-symbol="£">
                            <input class="ds_input ds_input--fixed-10" type="text" inputmode="decimal" id=code.clone() name=code.clone() value=shown(code, value.clone()) autocomplete="off" />
                        </div>
                    </div>
                }
            })
            .collect_view();
        let year_message = message_for(e, "year");
        let reason_message = message_for(e, "reason");
        let year_class = if year_message.is_some() { "ds_question ds_question--error" } else { "ds_question" };
        let reason_class = if reason_message.is_some() { "ds_question ds_question--error" } else { "ds_question" };
        let year_value = shown("year", page.form_year.to_string());
        let reason_value = shown("reason", String::new());
        let code = page.code.clone();
        let from_link = format!("/savings/{}/baseline?from={}", page.code, page.form_year);
        let from_text = format!("Start from the body's {} return", page.form_year);
        let prefill = page.prefill_note.clone();
        view! {
            <h2>"Record a new version"</h2>
            {prefill.map(|n| view! { <div class="ds_inset-text" id="prefill-note"><div class="ds_inset-text__text">{n}</div></div> })}
            <ActionForm action=record attr:id="baseline-form" attr:novalidate="novalidate">
                <input type="hidden" name="org" value=code />
                <div class=year_class>
                    <label class="ds_label" for="year">"Baseline year"</label>
                    <p class="ds_hint-text">"2008-09, the review's year, unless the body did not exist then: then its first full year."</p>
                    {year_message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                    <input class="ds_input ds_input--fixed-10" type="text" id="year" name="year" value=year_value />
                </div>
                <p class="ds_hint-text">"Capital plus revenue for each category; leave a box empty for £0."</p>
                {fields}
                <div class=reason_class>
                    <label class="ds_label" for="reason">"Reason"</label>
                    <p class="ds_hint-text">"Where the figures come from, or why the baseline is restated."</p>
                    {reason_message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                    <textarea class="ds_input" rows="3" id="reason" name="reason">{crate::components::forms::textarea_text(reason_value)}</textarea>
                </div>
                <button type="submit" class="ds_button" id="record-baseline">"Propose this baseline"</button>
            </ActionForm>
            <p><a href=from_link>{from_text}</a></p>
        }
    });
    view! {
        <PageHeader title=format!("{}: baseline", page.name) label="Savings" />
        <div class="ds_layout__content">
            {error.clone().map(|error| view! { <ErrorSummary error default_field="baseline-form" /> })}
            <p>"Savings are measured against the baseline. Every version is kept: a restatement records its reason, who made it and when. A version counts once the programme office approves it; until then the approved one before it counts."</p>
            {(!page.inherited.is_empty()).then(|| view! {
                <p>"This body records no baseline of its own: it inherits its predecessors' (until it records one)."</p>
                <ul id="inherited-baseline">{inherited}</ul>
            })}
            {if page.versions.is_empty() {
                view! { <p id="no-baseline-versions">"No baseline has been recorded by this body."</p> }.into_any()
            } else {
                view! {
                    <table class="ds_table" id="baseline-versions">
                        <caption class="visually-hidden">"Baseline versions, newest first"</caption>
                        <thead><tr><th scope="col">"Version"</th><th scope="col">"Year"</th><th scope="col">"Total"</th><th scope="col">"Amounts"</th><th scope="col">"Reason"</th><th scope="col">"Recorded"</th><th scope="col">"Status"</th></tr></thead>
                        <tbody>{versions}</tbody>
                    </table>
                }.into_any()
            }}
            {decisions}
            {form}
            <p><a href=body_link>"The body's savings"</a></p>
        </div>
    }
}

// ---------------------------------------------------------------- trajectory
