//! The plain axum routes (REST, files, downloads, open data, `/healthz`), listed as they are
//! added: the router is built from a `Routes`, and the same `Routes` says which path answers
//! which method. The authorisation matrix enumerates that list (with the Leptos pages and
//! server functions), so a route cannot be served without the test knowing of it (issue 15).

use app::state::AppState;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;

/// Routes under construction, with the (path, method) of each.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    listed: Vec<(&'static str, Method)>,
}

impl Routes {
    pub fn new() -> Self {
        Self::default()
    }

    fn add(mut self, path: &'static str, method: Method, route: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, route);
        self.listed.push((path, method));
        self
    }

    /// `GET path` (and `HEAD`, which axum answers with it).
    pub fn get<H, T>(self, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(path, Method::GET, axum::routing::get(handler))
    }

    /// `POST path`, its body limited to `limit` bytes.
    pub fn post_limited<H, T>(self, path: &'static str, handler: H, limit: usize) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.add(
            path,
            Method::POST,
            axum::routing::post(handler).layer(axum::extract::DefaultBodyLimit::max(limit)),
        )
    }

    pub fn merge(mut self, other: Routes) -> Self {
        self.router = self.router.merge(other.router);
        self.listed.extend(other.listed);
        self
    }

    /// Every (path, method) these routes answer.
    pub fn listed(&self) -> &[(&'static str, Method)] {
        &self.listed
    }

    pub fn into_router(self, state: AppState) -> Router {
        self.router.with_state(state)
    }
}
