//! Form pieces in the design system's markup: the error summary and a question with its error.

use crate::error::AppError;
use crate::util::capitalise;
use leptos::prelude::*;

/// The id of the field an error is about (validation errors name their field).
pub fn error_field(error: &AppError) -> Option<String> {
    match error {
        AppError::Validation { field, .. } => Some(field.replace(' ', "-")),
        _ => None,
    }
}

/// The design system's error summary: one link per field in error (to the field), or the
/// error's message linked to `default_field`.
#[component]
pub fn ErrorSummary(error: AppError, #[prop(into)] default_field: String) -> impl IntoView {
    let mut items: Vec<(String, String)> = error
        .field_errors()
        .into_iter()
        .map(|e| (e.field, e.message))
        .collect();
    if items.is_empty() {
        items.push((default_field, capitalise(&error.to_string())));
    }
    let items = items
        .into_iter()
        .map(|(field, message)| view! { <li><a href=format!("#{field}")>{message}</a></li> })
        .collect_view();
    view! {
        <div class="ds_error-summary" aria-labelledby="error-summary-title" role="alert" id="error-summary" tabindex="-1">
            <h2 class="ds_error-summary__title" id="error-summary-title">"There is a problem"</h2>
            <ul class="ds_error-summary__list">{items}</ul>
        </div>
    }
}

/// A textarea's text. Leptos writes a `<textarea>`'s children unescaped (the browser reads them
/// as text, but `</textarea>` still ends the element), so on the server the text is escaped here
/// and the browser decodes it back; in the browser it is set as text already (issue 15).
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    let text = crate::util::escape(&text);
    text
}

/// The message for one field, if that field is in error (for the field's inline error).
pub fn message_for(error: Option<&AppError>, field: &str) -> Option<String> {
    error?
        .field_errors()
        .into_iter()
        .find(|e| e.field == field)
        .map(|e| e.message)
}

fn question_class(message: &Option<String>) -> &'static str {
    if message.is_some() {
        "ds_question ds_question--error"
    } else {
        "ds_question"
    }
}

/// A text question in the design system's markup: label, optional hint, the field's error from
/// `error` (if it names this field), and the input showing `value`. `width` is a design-system
/// width class such as `ds_input--fixed-10`, or empty.
pub fn text_question(
    id: &'static str,
    label: &'static str,
    hint: Option<&'static str>,
    value: String,
    error: Option<&AppError>,
    width: &'static str,
) -> impl IntoView + use<> {
    let message = message_for(error, id);
    let class = question_class(&message);
    view! {
        <div class=class>
            <label class="ds_label" for=id>{label}</label>
            {hint.map(|h| view! { <p class="ds_hint-text">{h}</p> })}
            {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
            <input class=format!("ds_input {width}") type="text" id=id name=id value=value autocomplete="off" />
        </div>
    }
}

/// A select question: `options` are (code, name) pairs; the one whose code is `chosen` is selected.
pub fn select_question<C: Into<String>, N: Into<String>, I: IntoIterator<Item = (C, N)>>(
    id: &'static str,
    label: &'static str,
    options: I,
    chosen: &str,
    error: Option<&AppError>,
) -> impl IntoView + use<C, N, I> {
    let message = message_for(error, id);
    let options = options
        .into_iter()
        .map(|(code, name)| {
            let code: String = code.into();
            let selected = code == chosen;
            view! { <option value=code selected=selected>{name.into()}</option> }
        })
        .collect_view();
    let class = question_class(&message);
    view! {
        <div class=class>
            <label class="ds_label" for=id>{label}</label>
            {message.map(|m| view! { <p class="ds_question__error-message">{m}</p> })}
            <div class="ds_select-wrapper">
                <select class="ds_select" id=id name=id>{options}</select>
                <span class="ds_select-arrow" aria-hidden="true"></span>
            </div>
        </div>
    }
}

/// The notice after a spreadsheet import lands on a page (`?imported=changed|unchanged`).
#[component]
pub fn ImportedNotice() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    move || {
        query.read().get("imported").map(|how| {
            let text = if how == "unchanged" {
                "The file held exactly what is already stored: nothing changed."
            } else {
                "Imported: the sites and shared services below include your spreadsheet's."
            };
            view! { <div class="ds_notification ds_notification--success" role="status" id="imported"><div class="ds_wrapper"><p class="ds_notification__text">{text}</p></div></div> }
        })
    }
}
