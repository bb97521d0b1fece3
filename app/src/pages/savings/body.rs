//! One body's savings year by year.

use super::{basis_options, money, rag_tag, select};
use crate::api::savings::{get_body_savings, ExplainTarget};
use crate::components::error_page::view_or_error;
use crate::components::forms::{message_for, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::error::AppError;
use crate::model::savings::*;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

/// One body's savings, year by year, with the trail behind each figure.
#[component]
pub fn BodySavingsPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let explain = ServerAction::<ExplainTarget>::new();
    let body = Resource::new(
        move || {
            (
                params.read().get("org").unwrap_or_default(),
                query.read().get("basis"),
                explain.version().get(),
            )
        },
        |(org, basis, _)| get_body_savings(org, basis),
    );
    let error = move || explain.value().get().and_then(Result::err);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(body.await, |body| view! { <BodyView body error=error() explain /> }) })}
        </Transition>
    }
}

#[component]
#[expect(
    clippy::too_many_lines,
    reason = "a page's view! reads best whole: its sections in document order"
)]
pub(super) fn BodyView(
    body: BodySavings,
    error: Option<AppError>,
    explain: ServerAction<ExplainTarget>,
) -> impl IntoView {
    let code = body.code.clone();
    let basis = body.basis.clone();
    let sources = body
        .baseline_sources
        .iter()
        .map(|s| view! {
            <li>{format!("{}, version {} ({}): {}", s.source_name, s.version, s.year, s.total)}{(!s.via.is_empty()).then(|| format!(", passed on through {}", s.via))}</li>
        })
        .collect_view();
    let baseline_text = match body.baseline_total {
        None => "No baseline is recorded or inherited: savings cannot be computed until one is."
            .to_owned(),
        Some(total) if body.baseline_own => format!(
            "Baseline recorded by the body: {total} (nominal, at its baseline year's prices)."
        ),
        Some(total) => format!("Baseline inherited from its predecessors: {total}, the sum of:"),
    };
    let may_explain = body.may_explain;
    let rows = body
        .years
        .clone()
        .into_iter()
        .map(|y| {
            let code = code.clone();
            let basis = basis.clone();
            let fy = y.year.to_string();
            let form_fy = fy.clone();
            let form_code = code.clone();
            let error = error.clone();
            let explanation_text = y.explanation.clone().unwrap_or_default();
            let shown_explanation = y.explanation.clone().filter(|_| !(y.rag.needs_explanation() && may_explain));
            let trace = (y.status == "counted" || y.status == "provisional")
                .then(|| view! { <a href=format!("/savings/{code}/{fy}/calculation?basis={basis}")>"How this was calculated"</a> });
            let status = match y.status.as_str() {
                "counted" => "Approved return",
                "provisional" => "Submitted, awaiting approval",
                "no-return" => "No submitted return",
                _ => "Return not counted",
            };
            let reason = y.not_counted.clone().map(|text| view! { <br /><span class="tracker-not-counted">{text}</span> });
            let needs = y.rag.needs_explanation() && may_explain;
            let form = needs.then(|| {
                let message = message_for(error.as_ref(), "explanation");
                view! {
                    <ActionForm action=explain attr:class="tracker-explain">
                        <input type="hidden" name="org" value=form_code.clone() />
                        <input type="hidden" name="fy" value=form_fy.clone() />
                        <label class="ds_label" for=format!("explanation-{form_fy}")>{format!("Why was the {form_fy} target missed?")}</label>
                        {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                        <textarea class="ds_input" rows="3" id=format!("explanation-{form_fy}") name="explanation">{crate::components::forms::textarea_text(explanation_text)}</textarea>
                        <button type="submit" class="ds_button ds_button--small ds_button--secondary">"Save the explanation"</button>
                    </ActionForm>
                }
            });
            view! {
                <tr id=format!("year-{fy}") data-year=fy.clone()>
                    <th scope="row">{fy.clone()}</th>
                    <td>{status}{reason}</td>
                    <td class="tracker-number">{money(y.baseline)}</td>
                    <td class="tracker-number">{money(y.actual)}</td>
                    <td class="tracker-number" data-col="saving">{money(y.saving)}</td>
                    <td class="tracker-number">{money(y.cumulative)}</td>
                    <td class="tracker-number" data-col="target">{money(y.target)}</td>
                    <td>{rag_tag(y.rag)}</td>
                    <td>{trace}{shown_explanation.map(|e| view! { <p>{e}</p> })}{form}</td>
                </tr>
            }
        })
        .collect_view();
    let base_years = body.base_years.clone();
    let basis_select = select(
        "basis",
        "Terms",
        basis_options(&body.basis, &base_years).into_any(),
    );
    view! {
        <PageHeader title=format!("{}: savings", body.name) label=body.sector.clone() />
        <div class="ds_layout__content">
            {error.clone().map(|error| view! { <ErrorSummary error default_field="savings-body-years" /> })}
            <Form method="GET" action="" attr:class="tracker-filter" attr:id="body-filter">
                {basis_select}
                <button type="submit" class="ds_button ds_button--small">"Show"</button>
            </Form>
            <h2>"Baseline"</h2>
            <p id="body-baseline">{baseline_text}</p>
            {(!body.baseline_own && !body.baseline_sources.is_empty()).then(|| view! { <ul id="baseline-sources">{sources}</ul> })}
            {(!body.problems.is_empty()).then(|| view! { <ul class="ds_warning-text" id="body-problems">{body.problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul> })}
            <p><a href=format!("/savings/{}/baseline", body.code)>{if body.may_record_baseline { "Record or restate the baseline" } else { "Baseline versions" }}</a></p>
            <h2>{format!("Spend-based savings, {}", body.basis_label)}</h2>
            <table class="ds_table" id="savings-body-years">
                <caption class="visually-hidden">"Savings by year"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Year"</th>
                        <th scope="col">"Return"</th>
                        <th scope="col">"Baseline"</th>
                        <th scope="col">"Actual spend"</th>
                        <th scope="col">"Saving"</th>
                        <th scope="col">"Cumulative"</th>
                        <th scope="col">"Target"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Detail"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
            <h2>"Initiative-based savings"</h2>
            <p>"Shown beside the spend-based savings and never added to them: a closure's saving also shows in spend."</p>
            {crate::pages::initiatives::initiatives_table(body.initiatives.clone(), &body.code)}
            <p><a href=format!("/savings/{}/initiatives", body.code)>{if body.may_record_baseline { "Record an initiative" } else { "All initiatives" }}</a></p>
        </div>
    }
}

// ---------------------------------------------------------------- how it was calculated
