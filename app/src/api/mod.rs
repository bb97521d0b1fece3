//! Server functions: public HTTP endpoints under `/api/`.
//!
//! Policy: each function is glue only (context -> parse -> service -> read model). Every one
//! authorises inside its body through `crate::auth` unless what it returns is public (the
//! directory of bodies and the published baselines are). Each has a stable endpoint name.

pub mod admin;
pub mod auth;
pub mod dashboard;
pub mod estate;
pub mod import;
pub mod organisations;
pub mod reference;
pub mod returns;
pub mod savings;
pub mod shared;

/// The actor (who is asking, and from where) and the application state: every server function's
/// start. The use case it calls takes the capability the actor is asked for (ADR 0013).
#[cfg(feature = "ssr")]
pub(crate) fn context(
) -> Result<(crate::access::Actor, crate::state::AppState), crate::error::AppError> {
    let user = crate::auth::require_user()?;
    let state = crate::state::AppState::current()?;
    Ok((actor_of(user), state))
}

/// The actor for a signed-in user of this request.
#[cfg(feature = "ssr")]
pub(crate) fn actor_of(user: crate::model::CurrentUser) -> crate::access::Actor {
    let client = crate::access::Client {
        addr: crate::auth::request_auth().client_addr,
    };
    crate::access::Actor::new(user, client)
}

/// Sends the browser to a path on this site after a server function: never another site, and
/// never a panic on a value no header may hold (a redirect target is checked by
/// `auth::safe_next`; anything else goes to the start page).
#[cfg(feature = "ssr")]
pub(crate) fn redirect(path: &str) {
    leptos_axum::redirect(&crate::auth::safe_next(Some(path)));
}

/// A financial year from a form or URL, or a message naming the field `fy`.
#[cfg(feature = "ssr")]
pub(crate) fn year(text: &str) -> Result<crate::domain::FinancialYear, crate::error::AppError> {
    text.trim().parse().map_err(|_| {
        crate::error::AppError::validation(
            "fy",
            format!("{text:?} is not a financial year: write it like 2013-14"),
        )
    })
}

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
