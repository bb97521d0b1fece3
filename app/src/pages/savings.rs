//! Savings pages: the national summary against the trajectory, one body's savings, "how this
//! was calculated" for a body and year, a body's baselines, and the trajectory. Every page is
//! complete from the server; filters are GET forms and changes plain POST forms.

use crate::api::savings::{
    get_baseline_page, get_body_savings, get_savings_summary, get_savings_trace,
    get_successions_page, get_targets_page, AddOrganisation, DecideBaseline, ExplainTarget,
    RecordBaseline, RecordSuccession, SaveTargets,
};
use crate::components::error_page::view_or_error;
use crate::components::forms::{message_for, select_question, text_question, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::domain::savings::{ApportionMethod, Rag};
use crate::domain::{FinancialYear, Money};
use crate::error::AppError;
use crate::model::savings::*;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A RAG status as a tag whose text says what the colour means (colour is never the only cue).
fn rag_tag(rag: Rag) -> impl IntoView {
    let (class, text) = match rag {
        Rag::Green => ("ds_tag ds_tag--green", "Green: met"),
        Rag::Amber => ("ds_tag ds_tag--orange", "Amber: 80% or more"),
        Rag::Red => ("ds_tag ds_tag--red", "Red: below 80%"),
        Rag::NotReported => ("ds_tag ds_tag--grey", "Not reported"),
        Rag::NoTarget => ("ds_tag ds_tag--grey", "No target"),
    };
    view! { <span class=class data-rag=rag.code()>{text}</span> }
}

fn money(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_owned(), |m| m.to_string())
}

/// The basis choices: nominal, and real terms at each year with a deflator.
fn basis_options(current: &str, years: &[FinancialYear]) -> impl IntoView {
    let real = years
        .iter()
        .rev()
        .map(|y| {
            let code = format!("real-{y}");
            let selected = current == code;
            view! { <option value=code selected=selected>{format!("Real terms, {y} prices")}</option> }
        })
        .collect_view();
    view! {
        <option value="nominal" selected=current == "nominal">"Nominal (cash)"</option>
        {real}
    }
}

fn select(id: &'static str, label: &'static str, options: AnyView) -> impl IntoView {
    view! {
        <div class="ds_question">
            <label class="ds_label" for=id>{label}</label>
            <div class="ds_select-wrapper">
                <select class="ds_select" id=id name=id>{options}</select>
                <span class="ds_select-arrow" aria-hidden="true"></span>
            </div>
        </div>
    }
}

fn deflator_note(release: Option<String>, verified: bool, basis: &str) -> impl IntoView {
    (basis != "nominal").then(|| {
        let text = match release {
            Some(r) if verified => format!("Real terms use GDP deflators from: {r}."),
            Some(r) => format!("Real terms use GDP deflators from: {r}. These values are unverified: they were read from secondary copies of the release and must be checked against it."),
            None => "No GDP deflators are recorded: real terms cannot be computed.".to_owned(),
        };
        view! { <div class="ds_inset-text" id="deflator-note"><div class="ds_inset-text__text">{text}</div></div> }
    })
}

// ---------------------------------------------------------------- national summary

/// Savings against the trajectory, nationally or for one sector (board and programme office).
#[component]
pub fn SavingsPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.trim().is_empty());
    let summary = Resource::new(
        move || {
            (
                param("basis"),
                param("sector"),
                param("year"),
                param("profile"),
                param("method"),
            )
        },
        |(basis, sector, year, profile, method)| {
            get_savings_summary(basis, sector, year, profile, method)
        },
    );
    view! {
        <PageHeader title="Savings against the trajectory" label="Savings" />
        <div class="ds_layout__content">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(summary.await, |summary| view! { <Summary summary /> }) })}
            </Transition>
        </div>
    }
}

#[component]
fn Summary(summary: SavingsSummary) -> impl IntoView {
    let sectors = summary
        .sectors
        .iter()
        .map(|(code, name)| view! { <option value=code.clone() selected=summary.sector.as_deref() == Some(code.as_str())>{name.clone()}</option> })
        .collect_view();
    let sector_options = view! { <option value="" selected=summary.sector.is_none()>"All sectors"</option> {sectors} }.into_any();
    let profiles = summary
        .profiles
        .iter()
        .map(|p| view! { <option value=p.clone() selected=*p == summary.profile>{p.clone()}</option> })
        .collect_view()
        .into_any();
    let methods = ApportionMethod::ALL
        .into_iter()
        .map(|m| view! { <option value=m.code() selected=m == summary.method>{m.name()}</option> })
        .collect_view()
        .into_any();
    let years_options = summary
        .years
        .iter()
        .map(|r| view! { <option value=r.year.to_string() selected=Some(r.year) == summary.year>{r.year.to_string()}</option> })
        .collect_view()
        .into_any();
    let scope = summary
        .sector
        .as_ref()
        .and_then(|code| {
            summary
                .sectors
                .iter()
                .find(|(c, _)| c == code)
                .map(|(_, n)| n.clone())
        })
        .unwrap_or_else(|| "All public bodies".into());
    let rows = summary
        .years
        .iter()
        .map(|r| {
            view! {
                <tr data-year=r.year.to_string()>
                    <th scope="row">{r.year.to_string()}</th>
                    <td class="tracker-number">{r.baseline.to_string()}</td>
                    <td class="tracker-number">{r.actual.to_string()}</td>
                    <td class="tracker-number" data-col="saving">{r.saving.to_string()}</td>
                    <td class="tracker-number" data-col="cumulative">{money(r.cumulative)}</td>
                    <td class="tracker-number" data-col="target">{money(r.target)}</td>
                    <td class="tracker-number">{money(r.cumulative_target)}</td>
                    <td>{rag_tag(r.rag)}</td>
                    <td class="tracker-number">{format!("{} of {}", r.bodies_counted, r.bodies_existing)}{(r.bodies_provisional > 0).then(|| format!(" ({} provisional)", r.bodies_provisional))}</td>
                    <td class="tracker-number" data-col="baseline-share">{r.baseline_share.clone().unwrap_or_else(|| "—".into())}</td>
                </tr>
            }
        })
        .collect_view();
    let basis = summary.basis.clone();
    let basis_select = select(
        "basis",
        "Terms",
        basis_options(&summary.basis, &summary.base_years).into_any(),
    );
    let problems = summary.problems.clone();
    let intro = format!("Baseline minus actual spend of the bodies with a baseline and a submitted or approved return, in {}. Targets are the trajectory's profile \"{}\" (illustrative: the review published only its totals), apportioned {}; red, amber and green compare the saving with the target on the same basis (in real terms the target too is at the base year's prices). A year counts only the bodies that existed on 1 April with a complete baseline and a complete return; \"Bodies counted\" and the share of the review's baseline say what each year covers.", summary.basis_label, summary.profile, summary.method.name().to_lowercase());
    let note = deflator_note(
        summary.deflator_release.clone(),
        summary.deflators_verified,
        &basis,
    );
    let coverage = summary.coverage.clone();
    view! {
        <Form method="GET" action="" attr:class="tracker-filter" attr:id="savings-filter">
            {basis_select}
            {select("sector", "Sector", sector_options)}
            {select("year", "Year of the bodies' table", years_options)}
            {select("profile", "Trajectory profile", profiles)}
            {select("method", "Targets apportioned", methods)}
            <button type="submit" class="ds_button ds_button--small">"Show"</button>
        </Form>
        {(!problems.is_empty()).then(|| view! {
            <div class="ds_warning-text" id="savings-problems">
                <strong class="ds_warning-text__icon" aria-hidden="true"></strong>
                <div class="visually-hidden">"Warning"</div>
                <div class="ds_warning-text__text"><p>"Some figures could not be computed or passed on:"</p>
                    <ul>{problems.iter().map(|p| view! { <li>{p.clone()}</li> }).collect_view()}</ul>
                </div>
            </div>
        })}
        <h2>{format!("Spend-based savings: {scope}")}</h2>
        <p>{intro}</p>
        {note}
        <table class="ds_table" id="savings-years">
            <caption class="visually-hidden">{format!("Savings by year, {scope}")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Year"</th>
                    <th scope="col">"Baseline"</th>
                    <th scope="col">"Actual spend"</th>
                    <th scope="col">"Saving"</th>
                    <th scope="col">"Cumulative saving"</th>
                    <th scope="col">"Target"</th>
                    <th scope="col">"Cumulative target"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Bodies counted"</th>
                    <th scope="col">"Share of the review's baseline covered"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <CategoriesTable summary=summary.clone() />
        <BodiesTable summary=summary.clone() />
        <Initiatives summary=summary.clone() />
        <NotCounted rows=summary.not_counted.clone() />
        <Coverage rows=coverage />
        <Reported rows=summary.reported.clone() />
        <p><a href="/trajectory">"The trajectory and how targets are apportioned"</a></p>
    }
}

#[component]
fn CategoriesTable(summary: SavingsSummary) -> impl IntoView {
    let year = summary.year?;
    let rows = summary
        .categories
        .into_iter()
        .map(|c| {
            view! {
                <tr data-category=c.code>
                    <th scope="row">{c.name}</th>
                    <td>{c.group}</td>
                    <td class="tracker-number">{c.baseline.to_string()}</td>
                    <td class="tracker-number">{c.actual.to_string()}</td>
                    <td class="tracker-number">{c.saving.to_string()}</td>
                </tr>
            }
        })
        .collect_view();
    Some(view! {
        <h2>{format!("By category, {year}")}</h2>
        <table class="ds_table" id="savings-categories">
            <caption class="visually-hidden">{format!("Spend-based savings by category, {year}")}</caption>
            <thead><tr><th scope="col">"Category"</th><th scope="col">"Cost group"</th><th scope="col">"Baseline"</th><th scope="col">"Actual spend"</th><th scope="col">"Saving"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    })
}

#[component]
fn BodiesTable(summary: SavingsSummary) -> impl IntoView {
    let Some(year) = summary.year else {
        return view! { <p id="savings-bodies-empty">"No body has a counted return yet."</p> }
            .into_any();
    };
    let basis = summary.basis.clone();
    let rows = summary
        .bodies
        .into_iter()
        .map(|b| {
            let link = format!("/savings/{}?basis={basis}", b.code);
            view! {
                <tr data-org=b.code.clone()>
                    <td><a href=link>{b.name.clone()}</a></td>
                    <td>{b.sector.clone()}</td>
                    <td class="tracker-number">{money(b.saving)}{b.provisional.then_some(" (provisional)")}</td>
                    <td class="tracker-number">{b.target.to_string()}</td>
                    <td>{rag_tag(b.rag)}</td>
                    <td>{match (&b.explanation, b.rag.needs_explanation()) {
                        (Some(text), _) => text.clone(),
                        (None, true) => "Explanation needed from the body".to_owned(),
                        (None, false) => String::new(),
                    }}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>{format!("Bodies against their targets, {year}")}</h2>
        <table class="ds_table" id="savings-bodies">
            <caption class="visually-hidden">{format!("Each body's saving and apportioned target, {year}")}</caption>
            <thead>
                <tr>
                    <th scope="col">"Body"</th>
                    <th scope="col">"Sector"</th>
                    <th scope="col">"Saving"</th>
                    <th scope="col">"Target"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"The body's explanation"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn Initiatives(summary: SavingsSummary) -> impl IntoView {
    let year = summary.year.map(|y| y.to_string()).unwrap_or_default();
    let body = if summary.initiatives.is_empty() {
        view! { <p id="initiatives-empty">"No initiative-based savings are recorded for this year."</p> }.into_any()
    } else {
        let rows = summary
            .initiatives
            .into_iter()
            .map(|c| {
                view! {
                    <tr>
                        <th scope="row">{c.class}</th>
                        <td class="tracker-number">{c.gross.to_string()}</td>
                        <td class="tracker-number">{c.one_off.to_string()}</td>
                        <td class="tracker-number">{c.net.to_string()}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="ds_table" id="savings-initiatives">
                <caption class="visually-hidden">"Initiative-based savings by class"</caption>
                <thead><tr><th scope="col">"Class"</th><th scope="col">"Recurring saving (gross)"</th><th scope="col">"One-off costs"</th><th scope="col">"Net"</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <h2>{format!("Initiative-based savings, {year}")}</h2>
        <p>"Savings claimed for shared services, data-centre closures and other initiatives, by class. They are shown beside the spend-based figures and never added to them: a closure's saving also shows in spend."</p>
        {body}
        {(!summary.excluded_claims.is_empty()).then(|| {
            let rows = summary.excluded_claims.iter().map(|x| view! {
                <tr><td>{x.body.clone()}</td><td>{x.title.clone()}</td><td>{x.reason.clone()}</td></tr>
            }).collect_view();
            view! {
                <h3 id="double-counts">{format!("Claims counted once: {} left out", summary.double_counts)}</h3>
                <p>"Where a provider and a consumer of one shared service both claim a saving, the consumer's claim counts and the provider's is left out of every total above."</p>
                <table class="ds_table" id="excluded-claims">
                    <caption class="visually-hidden">"Claims left out of the totals"</caption>
                    <thead><tr><th scope="col">"Body"</th><th scope="col">"Claim"</th><th scope="col">"Why it is left out"</th></tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }
        })}
    }
}

#[component]
fn Reported(rows: Vec<ReportedFigureView>) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{r.label}</th>
                    <td class="tracker-number">{r.amount.to_string()}</td>
                    <td class="tracker-number" data-col="share-of-minimum">{r.share_of_minimum.unwrap_or_default()}</td>
                    <td>{r.source}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"What was reported at the time"</h2>
        <p>"Figures published while the programme ran, beside the review's five-year minimum of £870m (2012-13 to 2016-17). They are reference figures: never added to the figures above."</p>
        <table class="ds_table" id="reported-figures">
            <caption class="visually-hidden">"Savings figures reported at the time"</caption>
            <thead><tr><th scope="col">"Figure"</th><th scope="col">"Amount"</th><th scope="col">"Share of the £870m minimum"</th><th scope="col">"Source"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

#[component]
fn NotCounted(rows: Vec<NotCountedRow>) -> impl IntoView {
    (!rows.is_empty()).then(|| {
        let body = rows
            .into_iter()
            .map(|r| {
                let link = format!("/returns/{}/{}", r.code, r.year);
                view! {
                    <tr data-org=r.code.clone() data-year=r.year.to_string()>
                        <td><a href=link>{r.name}</a></td>
                        <td>{r.year.to_string()}</td>
                        <td>{r.reason}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2 id="not-counted">"Returns not counted"</h2>
            <p>"These returns add nothing to any figure on this page until the reason is resolved: a body's return for a year it did not exist on 1 April, a baseline missing or only partly inherited, or a return that leaves out a category its baseline has (blank is not zero)."</p>
            <table class="ds_table" id="not-counted-table">
                <caption class="visually-hidden">"Returns not counted, with the reason"</caption>
                <thead><tr><th scope="col">"Body"</th><th scope="col">"Year"</th><th scope="col">"Reason"</th></tr></thead>
                <tbody>{body}</tbody>
            </table>
        }
    })
}

#[component]
fn Coverage(rows: Vec<CoverageRow>) -> impl IntoView {
    let body = rows
        .into_iter()
        .map(|r| {
            view! {
                <tr>
                    <th scope="row">{r.label}</th>
                    <td class="tracker-number">{r.published.display_millions(0)}</td>
                    <td class="tracker-number">{r.recorded.to_string()}</td>
                    <td class="tracker-number">{r.percent.unwrap_or_else(|| "—".into())}</td>
                    <td class="tracker-number">{r.bodies_with_baseline}</td>
                    <td>{r.source}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"Baseline coverage"</h2>
        <p>"The published 2008-09 baselines beside the sum of the baselines the bodies have recorded themselves (inherited baselines are not counted twice)."</p>
        <table class="ds_table" id="savings-coverage">
            <caption class="visually-hidden">"Published baselines and the bodies' recorded baselines"</caption>
            <thead><tr><th scope="col">"Published figure"</th><th scope="col">"Published"</th><th scope="col">"Recorded by bodies"</th><th scope="col">"Coverage"</th><th scope="col">"Bodies"</th><th scope="col">"Source"</th></tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

// ---------------------------------------------------------------- one body

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
fn BodyView(
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

/// Every input and step behind one body's saving for one year.
#[component]
pub fn CalculationPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let trace = Resource::new(
        move || {
            let p = params.read();
            (
                p.get("org").unwrap_or_default(),
                p.get("fy").unwrap_or_default(),
                query.read().get("basis"),
            )
        },
        |(org, fy, basis)| get_savings_trace(org, fy, basis),
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(trace.await, |trace| view! { <TraceBody trace /> }) })}
        </Suspense>
    }
}

fn term_row(label: &'static str, t: &TraceTermView) -> impl IntoView {
    let deflation = match (&t.index_from, &t.index_to) {
        (Some(from), Some(to)) => format!("× {to} ÷ {from} = × {}", t.factor),
        _ if t.factor == "1" => "× 1".to_owned(),
        _ => format!("× {}", t.factor),
    };
    view! {
        <tr>
            <td>{label}</td>
            <td>{t.source.clone()}</td>
            <td class="tracker-number">{t.amount.to_string()}</td>
            <td>{deflation}</td>
            <td class="tracker-number" title=t.value_exact.clone()>{t.value.to_string()}</td>
        </tr>
    }
}

#[component]
fn TraceBody(trace: TraceView) -> impl IntoView {
    let lines = trace
        .lines
        .iter()
        .map(|line| {
            let baseline = line.baseline.iter().map(|t| term_row("Baseline", t)).collect_view();
            let actual = line.actual.as_ref().map(|t| term_row("Actual", t));
            view! {
                <tbody class="tracker-trace-line" data-category=line.category.clone()>
                    <tr><th scope="rowgroup" colspan="5">{line.category_name.clone()}</th></tr>
                    {baseline}
                    {actual}
                    <tr class="tracker-trace-result">
                        <td colspan="4">{format!("Saving = {} − {} = {}", line.baseline_exact, line.actual_exact, line.saving_exact)}</td>
                        <td class="tracker-number">{line.saving.to_string()}</td>
                    </tr>
                </tbody>
            }
        })
        .collect_view();
    let json = format!(
        "/api/v1/savings/{}/{}/calculation?basis={}",
        trace.org_code, trace.year, trace.basis
    );
    view! {
        <PageHeader title=format!("{}, {}: how the saving was calculated", trace.org_name, trace.year) label="Savings" />
        <div class="ds_layout__content">
            {trace.demo_data.then(|| view! {
                <div class="ds_inset-text" id="trace-demo-data"><div class="ds_inset-text__text"><strong>"Demo data: "</strong>"the baselines and returns behind this calculation are synthetic, generated by server seed --demo; they are not real spend."</div></div>
            })}
            {trace.not_counted.clone().map(|text| view! {
                <div class="ds_inset-text" id="trace-not-counted"><div class="ds_inset-text__text"><strong>"This year is not counted in any total: "</strong>{text}"."</div></div>
            })}
            <dl class="ds_summary-list" id="trace-summary">
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Saving"</dt><dd class="ds_summary-list__value" id="trace-saving">{trace.saving.to_string()}" "<span class="ds_hint-text">{format!("exactly {}", trace.saving_exact)}</span></dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Terms"</dt><dd class="ds_summary-list__value">{trace.basis_label.clone()}</dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Return"</dt><dd class="ds_summary-list__value">{format!("Version {}{}", trace.return_version, if trace.provisional { ", submitted, not yet approved" } else { ", approved" })}" "<a href=format!("/returns/{}/{}", trace.org_code, trace.year)>"Open the return"</a></dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Method"</dt><dd class="ds_summary-list__value">{trace.method.clone()}</dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Target"</dt><dd class="ds_summary-list__value" id="trace-target">{money(trace.target)}" "{rag_tag(trace.rag)}<p>{trace.target_working.clone().unwrap_or_else(|| "No national target is set for this year.".into())}</p></dd></div>
            </dl>
            {deflator_note(trace.deflator_release.clone(), trace.deflators_verified, &trace.basis)}
            <table class="ds_table" id="trace-lines">
                <caption>"Inputs and arithmetic, by category"</caption>
                <thead><tr><th scope="col">"Side"</th><th scope="col">"Source"</th><th scope="col">"Amount"</th><th scope="col">"Deflation"</th><th scope="col">"Value"</th></tr></thead>
                {lines}
                <tbody>
                    <tr class="tracker-trace-total">
                        <th scope="row" colspan="4">{format!("Total saving = {} − {} = {}", trace.baseline_exact, trace.actual_exact, trace.saving_exact)}</th>
                        <td class="tracker-number">{trace.saving.to_string()}</td>
                    </tr>
                </tbody>
            </table>
            <p><a href=json rel="alternate" type="application/json">"This calculation as JSON"</a>" · "<a href=format!("/savings/{}", trace.org_code)>"All years of this body"</a></p>
        </div>
    }
}

// ---------------------------------------------------------------- baselines

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
fn baseline_status(status: &str) -> impl IntoView {
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
fn baseline_decision(
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
fn BaselineBody(
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
fn TrajectoryBody(
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
fn AddBodyForm(add: ServerAction<AddOrganisation>, error: Option<AppError>) -> impl IntoView {
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
fn SuccessionsBody(
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
