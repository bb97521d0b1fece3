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

/// The design system's error summary; it links to the field in error when there is one.
#[component]
pub fn ErrorSummary(error: AppError, #[prop(into)] default_field: String) -> impl IntoView {
    let field = error_field(&error).unwrap_or(default_field);
    let message = match &error {
        AppError::Validation { message, .. } => message.clone(),
        other => other.to_string(),
    };
    view! {
        <div class="ds_error-summary" aria-labelledby="error-summary-title" role="alert" id="error-summary">
            <h2 class="ds_error-summary__title" id="error-summary-title">"There is a problem"</h2>
            <ul class="ds_error-summary__list">
                <li><a href=format!("#{field}")>{message}</a></li>
            </ul>
        </div>
    }
}
