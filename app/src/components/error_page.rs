//! What a person sees when a page fails, with the real HTTP status set on the response.

use crate::components::page_header::PageHeader;
use crate::error::AppError;
use leptos::prelude::*;

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

/// A page that needs a signed-in user sends an anonymous visitor to sign in, and back after.
fn send_to_sign_in() {
    #[cfg(feature = "ssr")]
    {
        let here = use_context::<http::request::Parts>()
            .and_then(|p| p.uri.path_and_query().map(|pq| pq.as_str().to_owned()))
            .unwrap_or_else(|| "/".into());
        let next: String = url_escape(&here);
        leptos_axum::redirect(&crate::auth::safe_next(Some(&format!(
            "/login?next={next}"
        ))));
        // A page request is a navigation: always a real redirect, whatever it accepts.
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::FOUND);
        }
    }
}

/// Percent-encodes everything but unreserved characters and `/`.
#[cfg(feature = "ssr")]
fn url_escape(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_status(error.status());
    if error == AppError::Unauthorized {
        send_to_sign_in();
    }
    let (title, advice) = match &error {
        AppError::NotFound(_) => (
            "Page not found",
            "If you typed the web address, check it is correct. If you followed a link, the item may have been removed.",
        ),
        AppError::Unauthorized => ("Sign in to continue", "You need to sign in to see this page."),
        AppError::Forbidden => ("You cannot see this page", "Your account does not give access to it. Ask the programme office if you need it."),
        AppError::Validation { .. } | AppError::Fields(_) | AppError::Form { .. } | AppError::BadRequest(_) | AppError::TooLarge(_) => ("There is a problem", "Check what you entered and try again."),
        AppError::Conflict(_) => ("Someone else changed this", "Reload the page to see the latest version."),
        AppError::Throttled(_) => ("Too many attempts", "Wait a few minutes, then try again."),
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

/// The view of a loaded result: `ok` for the data, the error page (with its status) otherwise.
/// Used inside `<Suspense>` on async-rendered routes, so the error page's status reaches the
/// response before its head is sent.
pub fn view_or_error<T, V: IntoView + 'static>(
    result: Result<T, AppError>,
    ok: impl FnOnce(T) -> V,
) -> AnyView {
    match result {
        Ok(value) => ok(value).into_any(),
        Err(error) => view! { <ErrorPage error /> }.into_any(),
    }
}
