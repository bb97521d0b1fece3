//! Spend return pages: "My returns", one return (entry form, review, history), the submission
//! status board and the deadlines. Every form is a plain HTML form that works without
//! JavaScript; after hydration the same forms submit in place.

use crate::api::returns::{
    get_return_page, get_status_board, list_deadlines, my_returns, return_path, ReturnAction,
    SaveReturn, SetDeadline, StartReturn,
};
use crate::components::error_page::view_or_error;
use crate::components::forms::{message_for, ErrorSummary};
use crate::components::page_header::PageHeader;
use crate::domain::income::{Income, INCOME_CODE, INCOME_NAME};
use crate::domain::spend_line::SpendLine;
use crate::domain::{CostGroup, Money, ReturnStatus, Sector, SpendCategory};
use crate::error::AppError;
use crate::model::returns::{
    sum_lines, DeadlineView, ReturnListRow, ReturnPage, StatusBoard, WarningView,
};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::{use_params_map, use_query_map};

fn status_tag(label: &'static str, overdue: bool) -> impl IntoView {
    let colour = match label {
        "Approved" => "ds_tag--green",
        "Submitted" => "ds_tag--blue",
        "Sent back" => "ds_tag--red",
        "Not started" => "ds_tag--grey",
        _ => "ds_tag--orange",
    };
    view! {
        <span class=format!("ds_tag {colour}")>{label}</span>
        {overdue.then(|| view! { " " <span class="ds_tag ds_tag--red">"Overdue"</span> })}
    }
}

fn status_label(status: ReturnStatus) -> &'static str {
    match status {
        ReturnStatus::Draft => "Draft",
        ReturnStatus::Submitted => "Submitted",
        ReturnStatus::Returned => "Sent back",
        ReturnStatus::Approved => "Approved",
    }
}

fn money_or_dash(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_owned(), |m| m.to_string())
}

/// "My returns": an officer's bodies by year, with status and deadline.
#[component]
pub fn MyReturnsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| my_returns());
    view! {
        <PageHeader title="My returns" label="Spend returns" />
        <div class="ds_layout__content">
            <p>"Each body's ICT spend for a financial year, by category. Start or continue a return, then submit it to the programme board before the deadline."</p>
            <p><a href="/returns/status">"Submission status of every body"</a>" (programme board and office) · "<a href="/returns/deadlines">"Deadlines"</a></p>
            <Suspense fallback=|| view! { <p>"Loading returns…"</p> }>
                {move || Suspend::new(async move { view_or_error(rows.await, |rows| view! { <MyReturnsTable rows /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
fn MyReturnsTable(rows: Vec<ReturnListRow>) -> impl IntoView {
    if rows.is_empty() {
        return view! {
            <p id="no-returns">"You are not a finance officer of any body, so you have no returns of your own. The programme board and office see every body's on the submission status page."</p>
        }
        .into_any();
    }
    let body = rows
        .into_iter()
        .map(|r| {
            let fy = r.financial_year.to_string();
            let link = return_path(&r.org_code, &fy);
            let label = r.status_label();
            let action = if r.status.is_none() { "Start" } else { "Open" };
            view! {
                <tr data-org=r.org_code.clone() data-fy=fy.clone()>
                    <td>{fy.clone()}</td>
                    <td>{r.org_name.clone()}</td>
                    <td>{status_tag(label, r.overdue)}</td>
                    <td>{r.version.map(|v| v.to_string()).unwrap_or_default()}</td>
                    <td>{r.deadline.map(|d| d.format("%-d %B %Y").to_string()).unwrap_or_else(|| "Not set".into())}</td>
                    <td><a href=link>{action}<span class="visually-hidden">{format!(" the {fy} return for {}", r.org_name)}</span></a></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ds_table" id="my-returns">
            <caption class="visually-hidden">"My returns"</caption>
            <thead>
                <tr>
                    <th scope="col">"Year"</th>
                    <th scope="col">"Body"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Deadline"</th>
                    <th scope="col"><span class="visually-hidden">"Action"</span></th>
                </tr>
            </thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

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
fn ReturnView(
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

/// The value a field shows: what was typed if the last save was refused, else what is stored.
fn shown(error: Option<&AppError>, field: &str, stored: impl FnOnce() -> String) -> String {
    error
        .and_then(|e| {
            matches!(e, AppError::Form { .. }).then(|| e.typed_value(field).unwrap_or_default())
        })
        .unwrap_or_else(stored)
}

fn amount_text(m: Money) -> String {
    if m == Money::ZERO {
        String::new()
    } else {
        m.as_decimal().to_string()
    }
}

#[component]
fn EntryForm<H, V>(
    page: ReturnPage,
    error: Option<AppError>,
    save: ServerAction<SaveReturn>,
    hidden: H,
) -> impl IntoView
where
    H: Fn() -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let current = page.current.clone();
    let last_label = page
        .financial_year
        .previous()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let groups = CostGroup::ALL
        .into_iter()
        .map(|group| {
            let rows = group
                .categories()
                .map(|category| {
                    let line = current.as_ref().and_then(|c| c.line(category)).cloned();
                    let last = page.last_year.iter().find(|l| l.category == category).cloned();
                    let warning = page.warnings.iter().find(|w| w.category == category).cloned();
                    view! {
                        <CategoryFields category line last last_label=last_label.clone() warning error=error.clone() />
                    }
                })
                .collect_view();
            view! {
                <fieldset class="tracker-group" id=format!("group-{}", group.code())>
                    <legend class="ds_fieldset__legend"><h2>{group.name()}</h2></legend>
                    {rows}
                </fieldset>
            }
        })
        .collect_view();
    view! {
        <ActionForm action=save attr:id="return-form" attr:novalidate="novalidate">
            {hidden()}
            <p class="ds_hint-text">"Amounts in pounds and pence, excluding VAT that is recovered. A box left empty beside a figure is £0; a category left wholly empty is not reported, so enter 0 where there was no spend. Only \"Other costs\" may be negative (credits)."</p>
            {groups}
            <IncomeFields income=current.as_ref().and_then(|c| c.income.clone()) error=error.clone() />
            <Totals lines=current.map(|c| c.lines).unwrap_or_default() />
            <button type="submit" class="ds_button" id="save-return" name="intent" value="save">"Save figures"</button>
        </ActionForm>
    }
}

/// An amount in pounds with its label and its error message, if any.
fn amount_input(
    e: Option<&AppError>,
    id: String,
    label: &'static str,
    stored: String,
) -> impl IntoView {
    let message = message_for(e, &id);
    let value = shown(e, &id, || stored);
    let class = if message.is_some() {
        "ds_question ds_question--error tracker-amount"
    } else {
        "ds_question tracker-amount"
    };
    let input_class = if message.is_some() {
        "ds_input ds_input--fixed-10 ds_input--error"
    } else {
        "ds_input ds_input--fixed-10"
    };
    let error_id = format!("{id}-error");
    let described = message.is_some().then(|| error_id.clone());
    view! {
        <div class=class>
            <label class="ds_label" for=id.clone()>{label}</label>
            {message.map(|m| view! { <p class="ds_question__error-message" id=error_id.clone()>{m}</p> })}
            <div class="ds_currency-wrapper" data-symbol="£">
                <input class=input_class type="text" inputmode="decimal" id=id.clone() name=id.clone() value=value autocomplete="off" aria-describedby=described />
            </div>
        </div>
    }
}

/// The income line: recorded beside the spend, never netted from it (ADR 0010, rule 6).
#[component]
fn IncomeFields(income: Option<Income>, error: Option<AppError>) -> impl IntoView {
    let e = error.as_ref();
    let stored = |f: fn(&Income) -> Money| {
        income
            .as_ref()
            .map(|i| amount_text(f(i)))
            .unwrap_or_default()
    };
    let capital = amount_input(
        e,
        format!("{INCOME_CODE}-capital"),
        "Capital receipts (£)",
        stored(|i| i.capital),
    );
    let revenue = amount_input(
        e,
        format!("{INCOME_CODE}-revenue"),
        "Revenue income (£)",
        stored(|i| i.revenue),
    );
    let note_id = format!("{INCOME_CODE}-note");
    let note_message = message_for(e, &note_id);
    let note_class = if note_message.is_some() {
        "ds_question ds_question--error"
    } else {
        "ds_question"
    };
    let note_value = shown(e, &note_id, || {
        income
            .as_ref()
            .and_then(|i| i.note.clone())
            .unwrap_or_default()
    });
    view! {
        <fieldset class="tracker-group" id="group-income">
            <legend class="ds_fieldset__legend"><h2>"Income"</h2></legend>
            <p class="ds_hint-text">"What the body's ICT brought in during the year: charges to other bodies for a service you provide, sales of equipment or capacity. It is recorded beside your spend and never taken off it, because income is not a saving. A refund of spend is not income: enter it as a credit under \"Other costs\". Leave these boxes empty if you have nothing to report."</p>
            <div class="tracker-category" id="category-income">
                <h3>{INCOME_NAME}</h3>
                <div class="tracker-amounts">{capital}{revenue}</div>
                <div class=note_class>
                    <label class="ds_label" for=note_id.clone()>"Note (optional)"</label>
                    {note_message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                    <textarea class="ds_input" id=note_id.clone() name=note_id rows="1">{crate::components::forms::textarea_text(note_value)}</textarea>
                </div>
            </div>
        </fieldset>
    }
}

#[component]
fn CategoryFields(
    category: SpendCategory,
    line: Option<SpendLine>,
    last: Option<SpendLine>,
    last_label: String,
    warning: Option<WarningView>,
    error: Option<AppError>,
) -> impl IntoView {
    let code = category.code();
    let e = error.as_ref();
    let stored_amount =
        |f: fn(&SpendLine) -> Money| line.as_ref().map(|l| amount_text(f(l))).unwrap_or_default();
    let amount_field = |part: &'static str, label: &'static str, stored: String| {
        amount_input(e, format!("{code}-{part}"), label, stored)
    };
    let capital = amount_field("capital", "Capital (£)", stored_amount(|l| l.capital));
    let revenue = amount_field("revenue", "Revenue (£)", stored_amount(|l| l.revenue));
    let fte = category.records_fte().then(|| {
        let id = format!("{code}-fte");
        let message = message_for(e, &id);
        let value = shown(e, &id, || {
            line.as_ref()
                .and_then(|l| l.fte)
                .map(|f| f.normalize().to_string())
                .unwrap_or_default()
        });
        let class = if message.is_some() { "ds_question ds_question--error" } else { "ds_question" };
        view! {
            <div class=class>
                <label class="ds_label" for=id.clone()>"Staff (full-time equivalent)"</label>
                {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                <input class="ds_input ds_input--fixed-5" type="text" inputmode="decimal" id=id.clone() name=id value=value autocomplete="off" />
            </div>
        }
    });
    let note_id = format!("{code}-note");
    let note_message = message_for(e, &note_id);
    let note_class = if note_message.is_some() {
        "ds_question ds_question--error"
    } else {
        "ds_question"
    };
    let note_value = shown(e, &note_id, || {
        line.as_ref()
            .and_then(|l| l.note.clone())
            .unwrap_or_default()
    });
    let last_text =
        last.map(|l| format!("{last_label}: capital {}, revenue {}", l.capital, l.revenue));
    let explanation = warning.map(|w| {
        let id = format!("{code}-explanation");
        let message = message_for(e, &id);
        let value = shown(e, &id, || w.explanation.clone().unwrap_or_default());
        view! {
            <div class="ds_question ds_question--error tracker-warning">
                <p class="ds_question__error-message" id=format!("{id}-warning")><strong>"Warning: "</strong>{w.message.clone()}</p>
                {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                <label class="ds_label" for=id.clone()>"Explanation for the board"</label>
                <textarea class="ds_input" id=id.clone() name=id rows="2">{crate::components::forms::textarea_text(value)}</textarea>
            </div>
        }
    });
    view! {
        <div class="tracker-category" id=format!("category-{code}")>
            <h3>{category.name()}</h3>
            {last_text.map(|t| view! { <p class="ds_hint-text">"Last year, " {t}</p> })}
            <div class="tracker-amounts">{capital}{revenue}{fte}</div>
            <div class=note_class>
                <label class="ds_label" for=note_id.clone()>"Note (optional)"</label>
                {note_message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
                <textarea class="ds_input" id=note_id.clone() name=note_id rows="1">{crate::components::forms::textarea_text(note_value)}</textarea>
            </div>
            {explanation}
        </div>
    }
}

/// Totals by cost group and overall, computed from the saved lines.
#[component]
fn Totals(lines: Vec<SpendLine>) -> impl IntoView {
    let rows = CostGroup::ALL
        .into_iter()
        .map(|g| {
            let of_group = || lines.iter().filter(move |l| l.category.group() == g);
            let capital = Money::sum(of_group().map(|l| l.capital)).ok();
            let revenue = Money::sum(of_group().map(|l| l.revenue)).ok();
            let total = sum_lines(of_group());
            view! {
                <tr>
                    <th scope="row">{g.name()}</th>
                    <td class="tracker-number">{money_or_dash(capital)}</td>
                    <td class="tracker-number">{money_or_dash(revenue)}</td>
                    <td class="tracker-number">{money_or_dash(total)}</td>
                </tr>
            }
        })
        .collect_view();
    let capital = Money::sum(lines.iter().map(|l| l.capital)).ok();
    let revenue = Money::sum(lines.iter().map(|l| l.revenue)).ok();
    let total = sum_lines(lines.iter());
    view! {
        <table class="ds_table" id="return-totals">
            <caption>"Totals (saved figures)"</caption>
            <thead>
                <tr>
                    <th scope="col">"Cost group"</th>
                    <th scope="col" class="tracker-number">"Capital"</th>
                    <th scope="col" class="tracker-number">"Revenue"</th>
                    <th scope="col" class="tracker-number">"Total"</th>
                </tr>
            </thead>
            <tbody>
                {rows}
                <tr class="tracker-total">
                    <th scope="row">"All ICT spend"</th>
                    <td class="tracker-number">{money_or_dash(capital)}</td>
                    <td class="tracker-number">{money_or_dash(revenue)}</td>
                    <td class="tracker-number" id="grand-total">{money_or_dash(total)}</td>
                </tr>
            </tbody>
        </table>
    }
}

/// The figures of a return that cannot be edited now, with the warnings and explanations.
#[component]
fn LinesTable(page: ReturnPage) -> impl IntoView {
    let stored_income = page.current.as_ref().and_then(|c| c.income.clone());
    let lines = page.current.map(|c| c.lines).unwrap_or_default();
    let rows = SpendCategory::ALL
        .into_iter()
        .map(|category| {
            let line = lines.iter().find(|l| l.category == category);
            view! {
                <tr data-category=category.code()>
                    <th scope="row">{category.name()}</th>
                    <td class="tracker-number">{money_or_dash(line.map(|l| l.capital))}</td>
                    <td class="tracker-number">{money_or_dash(line.map(|l| l.revenue))}</td>
                    <td class="tracker-number">{line.and_then(|l| l.fte).map(|f| f.normalize().to_string()).unwrap_or_default()}</td>
                    <td>{line.and_then(|l| l.note.clone()).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let warnings = (!page.warnings.is_empty()).then(|| {
        let items = page
            .warnings
            .iter()
            .map(|w| {
                view! {
                    <li>
                        <p>{w.message.clone()}</p>
                        <p><strong>"Explanation: "</strong>{w.explanation.clone().unwrap_or_else(|| "none given yet".into())}</p>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h2>"Warnings and explanations"</h2>
            <ul id="return-warnings">{items}</ul>
        }
    });
    let income = stored_income.map(|i| {
        view! {
            <table class="ds_table" id="return-income">
                <caption>"Income (recorded beside the spend, never taken off it: income is not a saving)"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Line"</th>
                        <th scope="col" class="tracker-number">"Capital"</th>
                        <th scope="col" class="tracker-number">"Revenue"</th>
                        <th scope="col">"Note"</th>
                    </tr>
                </thead>
                <tbody>
                    <tr data-category=INCOME_CODE>
                        <th scope="row">{INCOME_NAME}</th>
                        <td class="tracker-number">{i.capital.to_string()}</td>
                        <td class="tracker-number">{i.revenue.to_string()}</td>
                        <td>{i.note.clone().unwrap_or_default()}</td>
                    </tr>
                </tbody>
            </table>
        }
    });
    view! {
        <h2>"Figures"</h2>
        <table class="ds_table" id="return-lines">
            <thead>
                <tr>
                    <th scope="col">"Category"</th>
                    <th scope="col" class="tracker-number">"Capital"</th>
                    <th scope="col" class="tracker-number">"Revenue"</th>
                    <th scope="col" class="tracker-number">"FTE"</th>
                    <th scope="col">"Note"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <Totals lines />
        {income}
        {warnings}
    }
}

#[component]
fn Versions(page: ReturnPage) -> impl IntoView {
    (page.versions.len() > 1).then(|| {
        let items = page
            .versions
            .into_iter()
            .map(|(v, s)| view! { <li>{format!("Version {v}: {}", status_label(s))}</li> })
            .collect_view();
        view! {
            <h2>"Versions"</h2>
            <ul id="return-versions">{items}</ul>
        }
    })
}

#[component]
fn History(page: ReturnPage) -> impl IntoView {
    let rows = page
        .history
        .into_iter()
        .map(|h| {
            let details = h
                .details
                .into_iter()
                .map(|d| view! { <li>{d}</li> })
                .collect_view();
            view! {
                <tr>
                    <td>{h.at}</td>
                    <td>{h.actor}</td>
                    <td>{h.action}</td>
                    <td><ul class="ds_no-bullets">{details}</ul></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h2>"Revision history"</h2>
        <table class="ds_table" id="return-history">
            <thead>
                <tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"What"</th>
                    <th scope="col">"Changes"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The submission status board: every body × year, filterable by year and sector.
#[component]
pub fn StatusBoardPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|v| !v.trim().is_empty());
    let board = Resource::new(
        move || (param("fy"), param("sector")),
        |(fy, sector)| get_status_board(fy, sector),
    );
    view! {
        <PageHeader title="Submission status" label="Spend returns" />
        <div class="ds_layout__content">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(board.await, |board| view! { <StatusTable board /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
fn StatusTable(board: StatusBoard) -> impl IntoView {
    let fy = board.financial_year;
    let years = board
        .years
        .iter()
        .map(|y| view! { <option value=y.to_string() selected=Some(*y) == fy>{y.to_string()}</option> })
        .collect_view();
    let all_years = fy.is_none();
    let caption = fy.map_or_else(
        || "Returns for every year".to_owned(),
        |fy| format!("Returns for {fy}"),
    );
    let sectors = Sector::ALL
        .into_iter()
        .map(|s| view! { <option value=s.code() selected=board.sector.as_deref() == Some(s.code())>{s.name()}</option> })
        .collect_view();
    let c = board.counts;
    let rows = board
        .rows
        .into_iter()
        .map(|r| {
            let link = return_path(&r.org_code, &r.financial_year.to_string());
            let label = r.status_label();
            let sector = r
                .sector
                .parse::<Sector>()
                .map(|s| s.name())
                .unwrap_or_default();
            view! {
                <tr data-org=r.org_code.clone() data-fy=r.financial_year.to_string()>
                    <td><a href=link>{r.org_name.clone()}</a></td>
                    <td>{r.financial_year.to_string()}</td>
                    <td>{sector}</td>
                    <td>{status_tag(label, r.overdue)}</td>
                    <td>{r.version.map(|v| v.to_string()).unwrap_or_default()}</td>
                    <td>{r.last_change.clone().map(|at| format!("{at} by {}", r.last_change_by.clone().unwrap_or_else(|| "-".into()))).unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let deadline = match (board.deadline, fy) {
        (Some(d), _) => format!("Deadline: {}", d.format("%-d %B %Y")),
        (None, Some(_)) => "No deadline set for this year".into(),
        (None, None) => "Each year's deadline applies to its rows".into(),
    };
    view! {
        <Form method="GET" action="" attr:class="tracker-filter" attr:id="status-filter">
            <div class="ds_question">
                <label class="ds_label" for="fy">"Financial year"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="fy" name="fy">
                        <option value="all" selected=all_years>"All years"</option>
                        {years}
                    </select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <div class="ds_question">
                <label class="ds_label" for="sector">"Sector"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="sector" name="sector">
                        <option value="" selected=board.sector.is_none()>"All sectors"</option>
                        {sectors}
                    </select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <button type="submit" class="ds_button ds_button--small">"Show"</button>
        </Form>
        <p>{deadline}</p>
        <ul class="tracker-counts" id="status-counts">
            <li><strong id="count-bodies">{c.bodies}</strong>" bodies"</li>
            <li><strong id="count-not-submitted">{c.not_submitted}</strong>" not yet submitted"</li>
            <li><strong id="count-overdue">{c.overdue}</strong>" overdue"</li>
            <li><strong id="count-submitted">{c.submitted}</strong>" awaiting approval"</li>
            <li><strong id="count-approved">{c.approved}</strong>" approved"</li>
        </ul>
        <table class="ds_table" id="status-table">
            <caption class="visually-hidden">{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Body"</th>
                    <th scope="col">"Year"</th>
                    <th scope="col">"Sector"</th>
                    <th scope="col">"Status"</th>
                    <th scope="col">"Version"</th>
                    <th scope="col">"Last change (UTC)"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

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
fn DeadlineForm(set: ServerAction<SetDeadline>) -> impl IntoView {
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
fn DeadlineTable(list: Vec<DeadlineView>) -> impl IntoView {
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
