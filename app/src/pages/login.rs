//! Sign in. One form, one generic message for any failure, the design system's error summary.

use crate::api::auth::Login;
use crate::components::forms::ErrorSummary;
use crate::components::layout::AuthActions;
use crate::components::page_header::PageHeader;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    // Made here, inside the routes, so that an error carried back in the URL by a form post
    // without JavaScript reaches it.
    let login = ServerAction::<Login>::new();
    if let Some(actions) = use_context::<AuthActions>() {
        Effect::new(move |_| {
            if login.value().get().is_some_and(|r| r.is_ok()) {
                actions.signed_in.update(|n| *n += 1);
            }
        });
    }
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_else(|| "/".to_owned());
    let error = move || login.value().get().and_then(Result::err);
    view! {
        <PageHeader title="Sign in" />
        <div class="ds_layout__content">
            {move || error().map(|error| view! { <ErrorSummary error default_field="email" /> })}
            <ActionForm action=login attr:id="login-form" attr:novalidate="novalidate">
                <input type="hidden" name="next" value=next />
                <div class="ds_question" class:ds_question--error=move || error().is_some()>
                    <label class="ds_label" for="email">"Email address"</label>
                    {move || error().map(|e| view! {
                        <p class="ds_question__error-message" id="email-error">{e.to_string()}</p>
                    })}
                    <input
                        class="ds_input"
                        class:ds_input--error=move || error().is_some()
                        type="email"
                        id="email"
                        name="email"
                        autocomplete="username"
                        spellcheck="false"
                        aria-describedby=move || error().map(|_| "email-error")
                    />
                </div>
                <div class="ds_question">
                    <label class="ds_label" for="password">"Password"</label>
                    <input class="ds_input" type="password" id="password" name="password" autocomplete="current-password" />
                </div>
                <button type="submit" class="ds_button" id="sign-in">"Sign in"</button>
            </ActionForm>
            <p>"If you do not have an account, ask the programme office."</p>
        </div>
    }
}
