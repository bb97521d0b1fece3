//! Server functions: public HTTP endpoints under `/api/`.
//!
//! Policy: each function is glue only (context -> parse -> service -> read model). Every one
//! authorises inside its body through `crate::auth` unless what it returns is public (the
//! directory of bodies and the published baselines are). Each has a stable endpoint name.

pub mod admin;
pub mod auth;
pub mod import;
pub mod organisations;
pub mod reference;
pub mod returns;

/// Gives a failed server-function call its error's HTTP status (401, 403, 422…) instead of the
/// generic 500. A plain HTML form post is left alone: it is answered with a redirect back to the
/// form, carrying the error, so the page can show it without JavaScript.
#[cfg(feature = "ssr")]
pub(crate) fn finish<T>(
    result: Result<T, crate::error::AppError>,
) -> Result<T, crate::error::AppError> {
    use leptos::prelude::use_context;
    if let Err(error) = &result {
        let form_post = use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|a| a.contains("text/html"))
            })
            .unwrap_or(false);
        if let (false, Some(response)) = (form_post, use_context::<leptos_axum::ResponseOptions>())
        {
            response.set_status(
                http::StatusCode::from_u16(error.status())
                    .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
            );
        }
    }
    result
}
