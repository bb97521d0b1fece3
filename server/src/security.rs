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
use std::net::{IpAddr, SocketAddr};

/// Paths of static files: no session lookup needed.
fn is_static(path: &str) -> bool {
    ["/pkg/", "/vendor/", "/js/", "/favicon"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// Resolves the session cookie into a `RequestAuth` for the rest of the request; answers a
/// signed-in request with `Cache-Control: no-store` (unless it set its own), and every request
/// with HSTS when the service is served over https.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let forwarded: Vec<&str> = request
        .headers()
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let client_addr = client_address(peer, &forwarded, &state.trusted_proxies);
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
    let signed_in = auth.user.is_some();
    request.extensions_mut().insert(auth);
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // What a signed-in person sees is theirs: no shared or browser cache keeps it (issue 15).
    if signed_in && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    // Served over https: browsers use nothing else for a year.
    if state.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    response
}

/// Who is asking: the socket's peer, or — when the peer is a trusted reverse proxy — the
/// nearest address in `X-Forwarded-For` (read from the right) that is not a trusted proxy.
/// Entries a client could have written itself (left of the first untrusted one) are never
/// believed; a malformed entry stops the walk at the last trusted hop. `unknown` without a
/// socket (a request routed in process).
pub fn client_address(
    peer: Option<IpAddr>,
    forwarded: &[&str],
    trusted: &[ipnet::IpNet],
) -> String {
    let Some(peer) = peer else {
        return "unknown".to_owned();
    };
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let mut client = peer;
    if !is_trusted(&client) {
        return client.to_string();
    }
    let hops = forwarded
        .iter()
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    for hop in hops.into_iter().rev() {
        let parsed = hop
            .parse::<IpAddr>()
            .or_else(|_| hop.parse::<SocketAddr>().map(|s| s.ip()));
        let Ok(ip) = parsed else {
            break;
        };
        client = ip;
        if !is_trusted(&ip) {
            break;
        }
    }
    client.to_string()
}

/// Gives a failed server-function call its error's own status. server_fn answers every error
/// with 500, including a request it could not decode before the function ran (a field missing
/// or not a number, invalid UTF-8, a body over the limit): those are the caller's mistakes, and
/// their `AppError` says so (400, 413, 422). Errors the functions return already carry their
/// status (`api::finish`); this reads the error's JSON body and sets the status it names.
pub async fn server_fn_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key("serverfnerror")
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return (parts, axum::body::Body::empty()).into_response();
    };
    if let Ok(error) = serde_json::from_slice::<app::error::AppError>(&bytes) {
        parts.status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
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
    use super::{authority, client_address};

    fn ip(text: &str) -> Option<std::net::IpAddr> {
        text.parse().ok()
    }

    #[test]
    fn the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() {
        let trusted: Vec<ipnet::IpNet> = ["10.0.0.0/8", "192.0.2.1/32"]
            .iter()
            .filter_map(|t| t.parse().ok())
            .collect();
        // No proxy: a client's own X-Forwarded-For is ignored.
        assert_eq!(
            client_address(ip("203.0.113.9"), &["1.2.3.4"], &trusted),
            "203.0.113.9"
        );
        // Behind the proxy: the nearest untrusted hop, read from the right.
        assert_eq!(
            client_address(
                ip("10.1.1.1"),
                &["1.2.3.4, 198.51.100.7, 10.2.2.2"],
                &trusted
            ),
            "198.51.100.7"
        );
        // Several headers are one list; ports and IPv6 are understood.
        assert_eq!(
            client_address(
                ip("192.0.2.1"),
                &["9.9.9.9", "[2001:db8::1]:4711"],
                &trusted
            ),
            "2001:db8::1"
        );
        // A malformed hop stops the walk at the last trusted address; so does a missing header.
        assert_eq!(
            client_address(ip("10.1.1.1"), &["1.2.3.4, not-an-address"], &trusted),
            "10.1.1.1"
        );
        assert_eq!(client_address(ip("10.1.1.1"), &[], &trusted), "10.1.1.1");
        // Only proxies: the leftmost.
        assert_eq!(
            client_address(ip("10.1.1.1"), &["10.3.3.3, 10.2.2.2"], &trusted),
            "10.3.3.3"
        );
        assert_eq!(client_address(None, &["1.2.3.4"], &trusted), "unknown");
    }

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
