//! Page chrome: skip links, site header with navigation, phase banner and footer.

use crate::api::auth::get_current_user;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The service's name, as the header and every page title show it.
pub const SERVICE_NAME: &str = "ICT Savings Tracker";

/// Shared by the login page and the site header, so that the header's "signed in as" refreshes
/// after signing in or out without a page load.
#[derive(Clone, Copy)]
pub struct AuthActions {
    /// Bumped by the login page when a sign-in succeeds.
    pub signed_in: RwSignal<u32>,
    pub logout: ServerAction<crate::api::auth::Logout>,
}

/// The sections of the tracker, in navigation order.
pub const NAVIGATION: [(&str, &str); 7] = [
    ("Dashboard", "/dashboard"),
    ("Returns", "/returns"),
    ("Data centres", "/data-centres"),
    ("Shared services", "/shared-services"),
    ("Import", "/import"),
    ("Organisations", "/organisations"),
    ("Admin", "/admin"),
];

#[component]
pub fn SkipLinks() -> impl IntoView {
    view! {
        <div class="ds_skip-links">
            <ul class="ds_skip-links__list">
                <li class="ds_skip-links__item">
                    <a class="ds_skip-links__link" href="#main-content">"Skip to main content"</a>
                </li>
            </ul>
        </div>
    }
}

/// The navigation list; `mobile` renders the copy shown behind the Menu toggle on small screens.
#[component]
fn NavigationList(mobile: bool) -> impl IntoView {
    let location = use_location();
    let items = NAVIGATION
        .iter()
        .map(|&(label, href)| {
            let current = move || location.pathname.get().starts_with(href);
            view! {
                <li class="ds_site-navigation__item">
                    <a
                        class="ds_site-navigation__link"
                        class:ds_current=current
                        aria-current=move || current().then_some("page")
                        href=href
                    >
                        <span class="label-nav">{label}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let class = if mobile {
        "ds_site-navigation ds_site-navigation--mobile"
    } else {
        "ds_site-navigation"
    };
    let id = mobile.then_some("mobile-navigation");
    let label = if mobile {
        "Main navigation (mobile)"
    } else {
        "Main navigation"
    };
    view! {
        <nav id=id class=class aria-label=label data-module=mobile.then_some("ds-mobile-navigation-menu")>
            <ul class="ds_site-navigation__list">{items}</ul>
        </nav>
    }
}

/// "Signed in as …" with a sign-out button, or a sign-in link. The sign-out button is a form,
/// so it works without JavaScript.
#[component]
fn AccountBar() -> impl IntoView {
    let actions = use_context::<AuthActions>();
    let versions = move || actions.map(|a| (a.signed_in.get(), a.logout.version().get()));
    let user = Resource::new(versions, |_| get_current_user());
    let logout = actions.map_or_else(ServerAction::new, |a| a.logout);
    view! {
        <div class="tracker-account" id="account-bar">
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match user.await {
                        Ok(Some(user)) => view! {
                            <span id="signed-in-as">
                                "Signed in as " <strong>{user.display_name}</strong> " (" {user.role.name()} ")"
                            </span>
                            <ActionForm action=logout attr:class="tracker-inline-form">
                                <button type="submit" class="ds_link tracker-link-button" id="sign-out">"Sign out"</button>
                            </ActionForm>
                        }.into_any(),
                        _ => view! { <a href="/login" id="sign-in-link">"Sign in"</a> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
pub fn SiteHeader() -> impl IntoView {
    view! {
        <header class="ds_site-header ds_site-header--gradient" role="banner">
            <div class="ds_wrapper">
                <div class="ds_site-header__content">
                    <div class="ds_site-branding">
                        <a class="ds_site-branding__link" href="/">
                            <span class="ds_site-branding__title">{SERVICE_NAME}</span>
                        </a>
                    </div>
                    <AccountBar />
                    <div class="ds_site-header__controls">
                        <label
                            aria-controls="mobile-navigation"
                            class="ds_site-header__control js-toggle-menu"
                            for="menu"
                        >
                            <span class="ds_site-header__control-text">"Menu"</span>
                            <svg class="ds_icon ds_site-header__control-icon" aria-hidden="true" role="img" focusable="false">
                                <use href="/vendor/sgds/images/icons/icons.stack.svg#menu"></use>
                            </svg>
                            <svg class="ds_icon ds_site-header__control-icon ds_site-header__control-icon--active-icon" aria-hidden="true" role="img" focusable="false">
                                <use href="/vendor/sgds/images/icons/icons.stack.svg#close"></use>
                            </svg>
                        </label>
                    </div>
                    <input class="ds_site-navigation__toggle" id="menu" type="checkbox" aria-label="Show the menu" />
                    <NavigationList mobile=true />
                </div>
            </div>
            <div class="ds_site-header__navigation">
                <div class="ds_wrapper">
                    <NavigationList mobile=false />
                </div>
            </div>
        </header>
    }
}

#[component]
pub fn PhaseBanner() -> impl IntoView {
    // When `seed --demo` has run, every page says that the returns are synthetic (ADR 0010,
    // rule 10), so no synthetic figure is ever taken for a published one.
    let demo = Resource::new(|| (), |_| crate::api::reference::get_demo_data());
    view! {
        <div class="ds_phase-banner">
            <div class="ds_wrapper">
                <p class="ds_phase-banner__content">
                    <strong class="ds_tag ds_phase-banner__tag">"Alpha"</strong>
                    <span class="ds_phase-banner__text">
                        "This is a new service. Reference figures come from the published sources named beside them; savings are computed from the bodies' returns."
                    </span>
                </p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        demo.await.unwrap_or(false).then(|| view! {
                            <p class="ds_phase-banner__content" id="demo-data-banner">
                                <strong class="ds_tag ds_tag--orange ds_phase-banner__tag">"Demo data"</strong>
                                <span class="ds_phase-banner__text">
                                    "The returns, baselines, sites and adoptions in this copy are synthetic, generated by server seed --demo: they are not real spend."
                                </span>
                            </p>
                        })
                    })}
                </Suspense>
            </div>
        </div>
    }
}

#[component]
pub fn SiteFooter() -> impl IntoView {
    view! {
        <footer class="ds_site-footer">
            <div class="ds_wrapper">
                <div class="ds_site-footer__content">
                    <ul class="ds_site-footer__site-items">
                        <li class="ds_site-items__item"><a href="/organisations">"Organisations"</a></li>
                        <li class="ds_site-items__item"><a href="/healthz">"Service status"</a></li>
                    </ul>
                    <div class="ds_site-footer__copyright">
                        <p>
                            "The ICT Savings Tracker is open-source software. Reference figures are from the "
                            "McClelland review of ICT infrastructure in the public sector in Scotland (2011) "
                            "and the sources named beside them."
                        </p>
                    </div>
                </div>
            </div>
        </footer>
    }
}
