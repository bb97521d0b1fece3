//! What a person sees when a page fails, with the real HTTP status set on the response.

use crate::components::page_header::PageHeader;
use crate::error::AppError;
use leptos::prelude::*;

/// Takes the first `AppError` out of an error boundary's errors; anything else is internal.
pub fn first_app_error(errors: &leptos::error::Errors) -> AppError {
    errors
        .iter()
        .next()
        .map(|(_, e)| match e.downcast_ref::<AppError>() {
            Some(app_error) => app_error.clone(),
            None => AppError::Request(e.to_string()),
        })
        .unwrap_or_else(|| AppError::Request("unknown error".into()))
}

/// Sets the response status while rendering on the server; does nothing in the browser.
fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_status(error.status());
    let (title, advice) = match &error {
        AppError::NotFound(_) => (
            "Page not found",
            "If you typed the web address, check it is correct. If you followed a link, the item may have been removed.",
        ),
        AppError::Unauthorized => ("Sign in to continue", "You need to sign in to see this page."),
        AppError::Forbidden => ("You cannot see this page", "Your account does not give access to it. Ask the programme office if you need it."),
        AppError::Validation { .. } => ("There is a problem", "Check what you entered and try again."),
        AppError::Conflict(_) => ("Someone else changed this", "Reload the page to see the latest version."),
        AppError::Internal(_) | AppError::Request(_) => (
            "Sorry, there is a problem with the service",
            "Try again later. If it keeps happening, tell the programme office and quote the reference below.",
        ),
    };
    view! {
        <PageHeader title=title />
        <div class="ds_layout__content">
            <p>{advice}</p>
            <p class="tracker-error-detail">{error.to_string()}</p>
            <p><a href="/">"Go to the start page"</a></p>
        </div>
    }
}

/// Renders an error boundary's errors as the error page.
pub fn error_fallback(errors: ArcRwSignal<leptos::error::Errors>) -> impl IntoView {
    let error = first_app_error(&errors.read());
    view! { <ErrorPage error /> }
}
