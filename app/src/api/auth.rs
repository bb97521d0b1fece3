//! Server functions for signing in and out.

use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;

/// Signs in with e-mail and password, sets the session cookie and goes to `next`.
#[server(prefix = "/api", endpoint = "auth/login")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::auth::login", skip_all)
)]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    super::finish(
        async move {
            use crate::auth::{request_auth, safe_next, session_cookie};
            use crate::services::auth;
            let state = crate::state::AppState::current()?;
            let request = request_auth();
            let client = auth::Client {
                addr: request.client_addr.clone(),
            };
            let (token, _user) =
                auth::login(&state.db, &email, &password, &client, auth::now()).await?;
            // A new session id at every sign-in; a session the browser already had is ended.
            if let Some(old) = request.token.as_deref() {
                auth::logout(&state.db, old, request.user.as_ref(), &client, auth::now()).await?;
            }
            set_cookie(&session_cookie(Some(&token), request.secure_cookies));
            super::redirect(&safe_next(next.as_deref()));
            Ok(())
        }
        .await,
    )
}

/// Signs out: ends the session on every server and clears the cookie.
#[server(prefix = "/api", endpoint = "auth/logout")]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::auth::logout", skip_all)
)]
pub async fn logout() -> Result<(), AppError> {
    super::finish(
        async move {
            use crate::auth::{request_auth, session_cookie};
            use crate::services::auth;
            let state = crate::state::AppState::current()?;
            let request = request_auth();
            if let Some(token) = request.token.as_deref() {
                let client = auth::Client {
                    addr: request.client_addr.clone(),
                };
                auth::logout(
                    &state.db,
                    token,
                    request.user.as_ref(),
                    &client,
                    auth::now(),
                )
                .await?;
            }
            set_cookie(&session_cookie(None, request.secure_cookies));
            super::redirect("/");
            Ok(())
        }
        .await,
    )
}

/// Who is signed in, if anyone (public: answers `null` for anonymous visitors).
#[server(prefix = "/api", endpoint = "auth/me", input = server_fn::codec::GetUrl)]
#[cfg_attr(
    feature = "ssr",
    tracing::instrument(name = "api::auth::get_current_user", skip_all)
)]
pub async fn get_current_user() -> Result<Option<CurrentUser>, AppError> {
    super::finish(async move { Ok(crate::auth::current_user()) }.await)
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) {
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}
