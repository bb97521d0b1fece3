//! The tracker's server: configuration, the axum router around the Leptos app, and the CLI.
//!
//! `main` stays thin; everything here is callable from tests (`router()` in process).

pub mod cli;
pub mod config;
pub mod downloads;
pub mod files;
pub mod form_drafts;
pub mod import_cli;
pub mod open_data;
pub mod rest;
pub mod routing;
pub mod security;

use anyhow::Context;
use app::db::Db;
use app::state::AppState;
use app::{shell, App};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::{Json, Router};
use config::{Config, ConfigError};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::future::Future;

/// The Leptos options for this server: the output name cargo-leptos built with, the site root
/// and address from the configuration.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(option_env!("LEPTOS_OUTPUT_NAME").unwrap_or("ict-savings-tracker"))
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .build()
}

/// Connects to the configured database and applies pending migrations.
pub async fn connect_and_migrate(config: &Config) -> anyhow::Result<Db> {
    if config.backend() == app::db::Backend::Sqlite {
        config.prepare_data_dir()?;
    }
    let shown = config.database_url_for_display();
    let db = Db::connect(&config.database_url, config.max_connections)
        .await
        .map_err(|e| ConfigError {
            key: "database_url",
            var: "TRACKER_DATABASE_URL",
            message: format!("cannot connect to {shown}: {e}"),
        })?;
    db.migrate()
        .await
        .with_context(|| format!("applying migrations to {shown}"))?;
    Ok(db)
}

/// The application's page routes, as Leptos sees them.
///
/// Generating them sets a process-wide flag that suppresses resource loading, so a render
/// running at the same moment can hang (leptos issue 4773). Generate them once, before serving;
/// tests share one list for the whole process.
pub fn page_routes() -> Vec<AxumRouteListing> {
    generate_route_list(App)
}

/// The whole application: pages, server functions, static files and `/healthz`.
pub fn router(state: AppState, options: LeptosOptions) -> Router {
    router_with_routes(state, options, page_routes())
}

/// `router` with page routes generated earlier (see `page_routes`).
pub fn router_with_routes(
    state: AppState,
    options: LeptosOptions,
    routes: Vec<AxumRouteListing>,
) -> Router {
    let context_state = state.clone();
    let fallback_state = state.clone();
    let state_for_auth = state.clone();
    let plain = plain_routes(state.max_upload_bytes).into_router(state);
    let site = Router::new()
        .leptos_routes_with_context(
            &options,
            routes,
            move || provide_context(context_state.clone()),
            {
                let options = options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context(
            move || provide_context(fallback_state.clone()),
            shell,
        ))
        .with_state(options);
    // Layers run outside-in: trace, headers, same-origin check, authentication, then refused
    // forms kept by reference.
    plain
        .merge(site)
        .layer(axum::middleware::from_fn(security::server_fn_status))
        .layer(axum::middleware::from_fn_with_state(
            state_for_auth.clone(),
            form_drafts::keep_refused_forms,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state_for_auth,
            security::authenticate,
        ))
        .layer(axum::middleware::from_fn(security::same_origin))
        .layer(axum::middleware::from_fn(security::security_headers))
        .layer(tower_http::trace::TraceLayer::new_for_http())
}

/// The routes that are neither Leptos pages nor server functions: the REST API, open data,
/// spreadsheet files, downloads and `/healthz`, each listed with its method (`Routes::listed`).
pub fn plain_routes(max_upload_bytes: usize) -> routing::Routes {
    routing::Routes::new()
        .get("/healthz", healthz)
        .merge(rest::routes())
        .merge(files::routes(max_upload_bytes))
        .merge(downloads::routes())
        .merge(open_data::routes())
}

/// `GET /healthz`: 200 when the database answers, 503 when it does not.
#[tracing::instrument(skip_all)]
async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let backend = state.db.backend().name();
    match state.db.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ok", "database": backend })),
        ),
        Err(e) => {
            tracing::error!("health check failed: {e}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "unavailable", "database": backend })),
            )
        }
    }
}

/// Binds the configured address, naming the setting when it cannot.
pub async fn bind(config: &Config) -> Result<tokio::net::TcpListener, ConfigError> {
    tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| ConfigError {
            key: "listen",
            var: "TRACKER_LISTEN",
            message: format!("cannot listen on {}: {e}", config.listen),
        })
}

/// Serves until `shutdown` completes, then lets in-flight requests finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(e) = tokio::signal::ctrl_c().await {
            tracing::error!("cannot listen for Ctrl-C: {e}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(e) => {
                tracing::error!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
