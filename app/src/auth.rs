//! The one enforcement point: who is asking, and may they?
//!
//! Policy: the server's authentication middleware resolves the session cookie once per request
//! and stores a `RequestAuth` in the request's extensions. Every server function (through
//! `api::context`) and REST handler (`RequestAuth::actor`) starts here: the signed-in user
//! becomes an `access::Actor`, which is asked for the capability a use case takes (ADR 0013)
//! before anything that is not public is read or written. No one else reads the cookie.

use crate::error::AppError;
use crate::model::CurrentUser;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tracker_session";

/// What the middleware learnt about the request.
#[derive(Clone, Debug, Default)]
pub struct RequestAuth {
    /// The session token the request presented, if its session is live.
    pub token: Option<String>,
    pub user: Option<CurrentUser>,
    /// The client's address (for throttling and the audit log).
    pub client_addr: String,
    /// Whether cookies must be marked `Secure` (the service is served over https).
    pub secure_cookies: bool,
}

impl RequestAuth {
    /// The signed-in actor of this request (a REST handler's start), or `Unauthorized`.
    pub fn actor(&self) -> Result<crate::access::Actor, AppError> {
        let user = self.user.clone().ok_or(AppError::Unauthorized)?;
        let client = crate::access::Client {
            addr: self.client_addr.clone(),
        };
        Ok(crate::access::Actor::new(user, client))
    }
}

/// The authentication of the request being handled (from the Leptos context).
pub fn request_auth() -> RequestAuth {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestAuth>().cloned())
        .unwrap_or_default()
}

pub fn current_user() -> Option<CurrentUser> {
    request_auth().user
}

/// The signed-in user, or `Unauthorized`.
pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::Unauthorized)
}

/// A `Set-Cookie` value for a new session, or (with `None`) one that deletes it.
pub fn session_cookie(token: Option<&str>, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    match token {
        Some(token) => format!(
            "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
            crate::domain::account::SESSION_ABSOLUTE_SECONDS
        ),
        None => format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}"),
    }
}

/// The session token in a `Cookie` header, if any.
pub fn token_from_cookie_header(header: &str) -> Option<String> {
    header
        .split(';')
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty() && v.len() <= 128)
}

/// A safe place to send someone (after signing in, or any redirect): a path on this site, or
/// the start page. Browsers drop tabs and newlines from URLs and read `\` as `/`, so
/// `/<tab>/evil.example` would leave the site (issue 15): only printable ASCII without `\` or
/// spaces is kept, starting with exactly one `/`. What is kept is always a valid header value.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && path.bytes().all(|b| b.is_ascii_graphic() && b != b'\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The Content-Security-Policy for pages: scripts only from this site or with this response's
/// nonce (the hydration loader), wasm compilation allowed, nothing framed, nothing else loaded.
pub fn content_security_policy(nonce: Option<&str>) -> String {
    let script = match nonce {
        Some(n) => format!("script-src 'self' 'wasm-unsafe-eval' 'nonce-{n}'"),
        None => "script-src 'self' 'wasm-unsafe-eval'".to_owned(),
    };
    format!(
        "default-src 'self'; {script}; style-src 'self'; img-src 'self' data:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_http_only_and_same_site() {
        let c = session_cookie(Some("abc"), true);
        assert!(
            c.starts_with("tracker_session=abc;")
                && c.contains("HttpOnly")
                && c.contains("SameSite=Lax")
        );
        assert!(c.ends_with("; Secure"));
        assert!(!session_cookie(Some("abc"), false).contains("Secure"));
        assert!(session_cookie(None, false).contains("Max-Age=0"));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        assert_eq!(
            token_from_cookie_header("a=1; tracker_session=xyz; b=2").as_deref(),
            Some("xyz")
        );
        assert_eq!(token_from_cookie_header("a=1"), None);
        assert_eq!(token_from_cookie_header("tracker_session="), None);
    }

    #[test]
    fn next_never_leaves_the_site() {
        assert_eq!(
            safe_next(Some("/returns?fy=2013-14")),
            "/returns?fy=2013-14"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "\\\\evil",
            "/\\evil",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "/ /evil.example",
            "/é",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_csp_allows_wasm_and_the_nonce_but_no_framing() {
        let csp = content_security_policy(Some("n0nce"));
        assert!(csp.contains("'wasm-unsafe-eval'") && csp.contains("'nonce-n0nce'"));
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"));
    }
}
