//! Request-level protection: who is asking (the session cookie), same-origin checks for every
//! state-changing request (CSRF), and security headers on every response.
//!
//! Policy: `authenticate` is the only code that reads the session cookie; it stores an
//! `app::auth::RequestAuth` in the request for `app::auth` to answer from. A POST, PUT, PATCH or
//! DELETE whose `Origin` (or, lacking it, `Referer`) is not this host is refused with 403
//! before any handler runs; the session cookie is also `SameSite=Lax`.

use app::auth::{token_from_cookie_header, RequestAuth};
use app::services::auth as auth_service;
use app::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// Paths of static files: no session lookup needed.
fn is_static(path: &str) -> bool {
    ["/pkg/", "/vendor/", "/js/", "/favicon"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Resolves the session cookie into a `RequestAuth` for the rest of the request.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let client_addr = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(|| "unknown".to_owned(), |c| c.0.ip().to_string());
    let mut auth = RequestAuth {
        client_addr,
        secure_cookies: state.secure_cookies,
        ..RequestAuth::default()
    };
    if !is_static(request.uri().path()) {
        let token = request
            .headers()
            .get_all(header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(token_from_cookie_header);
        if let Some(token) = token {
            match auth_service::resolve_session(&state.db, &token, auth_service::now()).await {
                Ok(Some(user)) => {
                    auth.user = Some(user);
                    auth.token = Some(token);
                }
                Ok(None) => {}
                Err(e) => return e.into_response(),
            }
        }
    }
    request.extensions_mut().insert(auth);
    next.run(request).await
}

/// The `host[:port]` part of an absolute URL.
fn authority(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    Some(rest.split(['/', '?', '#']).next().unwrap_or(rest))
}

/// Refuses state-changing requests that do not come from this site's own pages.
pub async fn same_origin(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let source = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok())
        .and_then(authority);
    match (host, source) {
        (Some(host), Some(source)) if host.eq_ignore_ascii_case(source) => next.run(request).await,
        _ => {
            tracing::warn!(path = %request.uri().path(), "refused a cross-site or origin-less state-changing request");
            (
                StatusCode::FORBIDDEN,
                axum::Json(serde_json::json!({
                    "error": "forbidden",
                    "message": "This request did not come from the tracker's own pages. Reload the page and try again."
                })),
            )
                .into_response()
        }
    }
}

/// Headers every response carries (pages set their own CSP, with a nonce, first).
pub async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        if let Ok(csp) = HeaderValue::from_str(&app::auth::content_security_policy(None)) {
            headers.insert(header::CONTENT_SECURITY_POLICY, csp);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::authority;

    #[test]
    fn authority_is_host_and_port() {
        assert_eq!(
            authority("http://127.0.0.1:3000/login?x=1"),
            Some("127.0.0.1:3000")
        );
        assert_eq!(
            authority("https://tracker.example"),
            Some("tracker.example")
        );
        assert_eq!(authority("null"), None);
    }
}
