//! The entry form's questions: every category's amounts and notes, and income.

use super::tables::Totals;
use crate::api::returns::SaveReturn;
use crate::components::forms::message_for;
use crate::domain::income::{Income, INCOME_CODE, INCOME_NAME};
use crate::domain::spend_line::SpendLine;
use crate::domain::{CostGroup, Money, SpendCategory};
use crate::error::AppError;
use crate::model::returns::{ReturnPage, WarningView};
use leptos::prelude::*;

/// The value a field shows: what was typed if the last save was refused, else what is stored.
pub(super) fn shown(
    error: Option<&AppError>,
    field: &str,
    stored: impl FnOnce() -> String,
) -> String {
    error
        .and_then(|e| {
            matches!(e, AppError::Form { .. }).then(|| e.typed_value(field).unwrap_or_default())
        })
        .unwrap_or_else(stored)
}

pub(super) fn amount_text(m: Money) -> String {
    if m == Money::ZERO {
        String::new()
    } else {
        m.as_decimal().to_string()
    }
}

#[component]
pub(super) fn EntryForm<H, V>(
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
pub(super) fn amount_input(
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
pub(super) fn IncomeFields(income: Option<Income>, error: Option<AppError>) -> impl IntoView {
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
pub(super) fn CategoryFields(
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
