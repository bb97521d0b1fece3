//! `AppState`: what every request handler and server function can reach on the server.

use crate::db::Db;

/// Shared, cheap to clone. Provided to server functions as Leptos context and to axum
/// handlers as router state.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    /// Mark cookies `Secure`: the service's public address is https.
    pub secure_cookies: bool,
    /// The largest spreadsheet upload accepted, in bytes.
    pub max_upload_bytes: usize,
    /// Fields of the open data-centre list left out (`services::open_data::SUPPRESSIBLE`).
    pub open_data_suppress: Vec<String>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (none: the socket's peer is).
    pub trusted_proxies: Vec<ipnet::IpNet>,
}

impl AppState {
    /// The state for the current server function, or an internal error if the router did
    /// not provide it (a wiring bug, never user input).
    pub fn current() -> Result<AppState, crate::error::AppError> {
        leptos::prelude::use_context::<AppState>().ok_or_else(|| {
            crate::error::AppError::internal("AppState missing from the Leptos context")
        })
    }
}
