//! Form pieces in the design system's markup: the error summary and a question with its error.

use crate::error::AppError;
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

pub(crate) fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The message for one field, if that field is in error (for the field's inline error).
pub fn message_for(error: Option<&AppError>, field: &str) -> Option<String> {
    error?
        .field_errors()
        .into_iter()
        .find(|e| e.field == field)
        .map(|e| e.message)
}
