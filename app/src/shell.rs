//! The HTML document and the application's routes inside the design system's page layout.

pub use crate::components::layout::SERVICE_NAME;
use crate::components::layout::{AuthActions, PhaseBanner, SiteFooter, SiteHeader, SkipLinks};
use crate::pages;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The whole HTML document, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en-GB">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="stylesheet" href="/vendor/sgds/css/design-system.min.css" />
                <link rel="stylesheet" href="/pkg/ict-savings-tracker.css" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <script type="module" src="/js/design-system-init.js"></script>
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Sets this page's Content-Security-Policy, allowing the hydration loader by its nonce.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    let nonce = leptos::nonce::use_nonce().map(|n| n.to_string());
    let policy = crate::auth::content_security_policy(nonce.as_deref());
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&policy),
    ) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The application: page chrome from the Scottish Government Design System around the routes.
/// A page's `<title>`: its own title, then the service's name. leptos_meta writes the server's
/// `<title>` without escaping it, and a title can hold what people typed (a site's or a pack's
/// name), so on the server it is escaped here (issue 15); in the browser it is set as text.
fn title_text(title: String) -> String {
    let text = format!("{title} - {SERVICE_NAME}");
    #[cfg(feature = "ssr")]
    let text = crate::util::escape(&text);
    text
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Effects run only in the browser, after hydration: mark the page so tests (and CSS) can tell.
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title formatter=title_text />
        <Router>
            <Page />
        </Router>
    }
}

/// The page inside the router, with the sign-in state shared by the header and the login page.
#[component]
fn Page() -> impl IntoView {
    provide_refused_form();
    provide_context(AuthActions {
        signed_in: RwSignal::new(0),
        logout: ServerAction::new(),
    });
    view! {
            <div class="ds_page">
                <div class="ds_page__top">
                    <SkipLinks />
                    <SiteHeader />
                    <PhaseBanner />
                </div>
                <div class="ds_page__middle">
                    <div class="ds_wrapper">
                        <main id="main-content" class="ds_layout tracker-main" tabindex="-1">
                            <Routes fallback=pages::not_found::NotFoundPage>
                                <Route path=path!("") view=pages::home::HomePage ssr=SsrMode::Async />
                                <Route path=path!("/dashboard") view=pages::dashboard::DashboardPage ssr=SsrMode::Async />
                                <Route path=path!("/board-packs") view=pages::board_packs::BoardPacksPage ssr=SsrMode::Async />
                                <Route path=path!("/board-packs/:id") view=pages::board_packs::BoardPackPage ssr=SsrMode::Async />
                                <Route path=path!("/organisations") view=pages::organisations::OrganisationsPage ssr=SsrMode::Async />
                                <Route path=path!("/organisations/:code") view=pages::organisation::OrganisationPage ssr=SsrMode::Async />
                                <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async />
                                <Route path=path!("/returns") view=pages::returns::MyReturnsPage ssr=SsrMode::Async />
                                <Route path=path!("/returns/status") view=pages::returns::StatusBoardPage ssr=SsrMode::Async />
                                <Route path=path!("/returns/deadlines") view=pages::returns::DeadlinesPage ssr=SsrMode::Async />
                                <Route path=path!("/returns/:org/:fy") view=pages::returns::ReturnEntryPage ssr=SsrMode::Async />
                                <Route path=path!("/savings") view=pages::savings::SavingsPage ssr=SsrMode::Async />
                                <Route path=path!("/savings/:org") view=pages::savings::BodySavingsPage ssr=SsrMode::Async />
                                <Route path=path!("/savings/:org/baseline") view=pages::savings::BaselinePageView ssr=SsrMode::Async />
                                <Route path=path!("/savings/:org/initiatives") view=pages::initiatives::InitiativesPageView ssr=SsrMode::Async />
                                <Route path=path!("/savings/:org/initiatives/:id") view=pages::initiatives::InitiativePageView ssr=SsrMode::Async />
                                <Route path=path!("/savings/:org/:fy/calculation") view=pages::savings::CalculationPage ssr=SsrMode::Async />
                                <Route path=path!("/trajectory") view=pages::savings::TrajectoryPage ssr=SsrMode::Async />
                                <Route path=path!("/data-centres") view=pages::estate::DataCentresPage ssr=SsrMode::Async />
                                <Route path=path!("/data-centres/:org") view=pages::estate::SitesPageView ssr=SsrMode::Async />
                                <Route path=path!("/data-centres/:org/:id") view=pages::estate::SitePageView ssr=SsrMode::Async />
                                <Route path=path!("/shared-services") view=pages::shared::SharedServicesPage ssr=SsrMode::Async />
                                <Route path=path!("/shared-services/:org") view=pages::shared::AdoptionsPageView ssr=SsrMode::Async />
                                <Route path=path!("/import") view=pages::import::ImportPage ssr=SsrMode::Async />
                                <Route path=path!("/import/:token") view=pages::import::ImportPreviewPage ssr=SsrMode::Async />
                                <Route path=path!("/admin") view=pages::admin::AdminPage ssr=SsrMode::Async />
                                <Route path=path!("/admin/users/new") view=pages::admin_user::NewUserPage ssr=SsrMode::Async />
                                <Route path=path!("/admin/users/:id") view=pages::admin_user::UserPage ssr=SsrMode::Async />
                                <Route path=path!("/admin/organisation-changes") view=pages::savings::SuccessionsPageView ssr=SsrMode::Async />
                                <Route path=path!("/admin/audit") view=pages::admin::AuditPage ssr=SsrMode::Async />
                                <Route path=path!("/admin/open-data") view=pages::open_data::OpenDataPage ssr=SsrMode::Async />
                            </Routes>
                        </main>
                    </div>
                </div>
                <div class="ds_page__bottom">
                    <SiteFooter />
                </div>
            </div>
    }
}

/// A form refused without JavaScript, shown again (issue 15): the server kept its error under a
/// reference and put it in the request (`server::form_drafts`); here it becomes the context a
/// `ServerAction` reads its first value from, the way server_fn's `__err` address would have.
/// The value travels to the browser in the page, so hydration sees the same error; the first
/// navigation in the browser drops it, so it is never shown on another page.
fn provide_refused_form() {
    let draft = SharedValue::new(|| {
        #[cfg(feature = "ssr")]
        let draft = use_context::<http::request::Parts>()
            .and_then(|parts| parts.extensions.get::<crate::model::FormDraft>().cloned());
        #[cfg(not(feature = "ssr"))]
        let draft: Option<crate::model::FormDraft> = None;
        draft
    })
    .into_inner();
    let Some(draft) = draft else {
        return;
    };
    provide_context(leptos::server::ServerActionError::new(
        &draft.path,
        &draft.error,
    ));
    let owner = Owner::current();
    let location = leptos_router::hooks::use_location();
    let shown = location.pathname.get_untracked();
    Effect::new(move |_| {
        if location.pathname.get() != shown {
            if let Some(owner) = &owner {
                owner.with(take_context::<leptos::server::ServerActionError>);
            }
        }
    });
}
