//! The national savings against the trajectory (board and office).

use super::{basis_options, deflator_note, money, rag_tag, select};
use crate::api::savings::get_savings_summary;
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::domain::savings::ApportionMethod;
use crate::model::savings::*;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

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
#[expect(
    clippy::too_many_lines,
    reason = "a page's view! reads best whole: its sections in document order"
)]
pub(super) fn Summary(summary: SavingsSummary) -> impl IntoView {
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
pub(super) fn CategoriesTable(summary: SavingsSummary) -> impl IntoView {
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
pub(super) fn BodiesTable(summary: SavingsSummary) -> impl IntoView {
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
pub(super) fn Initiatives(summary: SavingsSummary) -> impl IntoView {
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
pub(super) fn Reported(rows: Vec<ReportedFigureView>) -> impl IntoView {
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
pub(super) fn NotCounted(rows: Vec<NotCountedRow>) -> impl IntoView {
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
pub(super) fn Coverage(rows: Vec<CoverageRow>) -> impl IntoView {
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
