//! The programme office's pages for one account: create it, change its role and organisations,
//! disable or enable it, reset its password. Every form works without JavaScript.

use crate::api::admin::{
    check_admin, get_user, CreateAccount, ResetPassword, SetDisabled, UpdateAccess,
};
use crate::components::error_page::view_or_error;
use crate::components::forms::ErrorSummary;
use crate::components::page_header::PageHeader;
use crate::domain::Role;
use crate::error::AppError;
use crate::model::UserSummary;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

fn role_options(selected: Option<Role>) -> impl IntoView {
    Role::ALL
        .into_iter()
        .map(|r| view! { <option value=r.code() selected=selected == Some(r)>{r.name()}</option> })
        .collect_view()
}

/// The error of the latest submission of an action, if it failed.
fn failed<I>(action: ServerAction<I>) -> impl Fn() -> Option<AppError> + Copy
where
    I: server_fn::ServerFn<Output = (), Error = AppError> + Clone + Send + Sync + 'static,
{
    move || action.value().get().and_then(Result::err)
}

#[component]
pub fn NewUserPage() -> impl IntoView {
    let allowed = Resource::new(|| (), |_| check_admin());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(allowed.await, |()| view! { <NewUserForm /> }) })}
        </Suspense>
    }
}

#[component]
fn NewUserForm() -> impl IntoView {
    let create = ServerAction::<CreateAccount>::new();
    let error = failed(create);
    view! {
        <PageHeader title="Create an account" label="Programme office" />
        <div class="ds_layout__content">
            {move || error().map(|error| view! { <ErrorSummary error default_field="email" /> })}
            <ActionForm action=create attr:id="create-user-form">
                <div class="ds_question">
                    <label class="ds_label" for="email">"Email address"</label>
                    <input class="ds_input" type="email" id="email" name="email" autocomplete="off" spellcheck="false" />
                </div>
                <div class="ds_question">
                    <label class="ds_label" for="name">"Name"</label>
                    <input class="ds_input" type="text" id="name" name="name" autocomplete="off" />
                </div>
                <div class="ds_question">
                    <label class="ds_label" for="role">"Role"</label>
                    <div class="ds_select-wrapper">
                        <select class="ds_select" id="role" name="role">{role_options(Some(Role::Officer))}</select>
                        <span class="ds_select-arrow" aria-hidden="true"></span>
                    </div>
                </div>
                <OrganisationsField value=String::new() />
                <div class="ds_question">
                    <label class="ds_label" for="password">"Initial password"</label>
                    <p class="ds_hint-text" id="password-hint">"12 to 128 characters. Give it to the person in a safe way."</p>
                    <input class="ds_input" type="password" id="password" name="password" autocomplete="new-password" aria-describedby="password-hint" />
                </div>
                <button type="submit" class="ds_button" id="create-user">"Create the account"</button>
            </ActionForm>
            <p><a href="/admin">"Back to accounts"</a></p>
        </div>
    }
}

#[component]
fn OrganisationsField(value: String) -> impl IntoView {
    view! {
        <div class="ds_question">
            <label class="ds_label" for="organisations">"Organisations (finance officers only)"</label>
            <p class="ds_hint-text" id="organisations-hint">
                "Organisation codes separated by commas, for example council-fife. Find codes on the "
                <a href="/organisations">"Organisations"</a>" page."
            </p>
            <input class="ds_input" type="text" id="organisations" name="organisations" value=value aria-describedby="organisations-hint" />
        </div>
    }
}

#[component]
pub fn UserPage() -> impl IntoView {
    let params = use_params_map();
    let update = ServerAction::<UpdateAccess>::new();
    let disable = ServerAction::<SetDisabled>::new();
    let reset = ServerAction::<ResetPassword>::new();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let user = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                disable.version().get(),
                reset.version().get(),
            )
        },
        |(id, ..)| get_user(id),
    );
    let error = move || {
        failed(update)()
            .or_else(failed(disable))
            .or_else(failed(reset))
    };
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                view_or_error(user.await, |user| view! {
                    <PageHeader title=user.display_name.clone() label="Account" />
                    <div class="ds_layout__content">
                        {move || error().map(|error| view! { <ErrorSummary error default_field="role" /> })}
                        <AccountForms user update disable reset />
                    </div>
                })
            })}
        </Suspense>
    }
}

#[component]
fn AccountForms(
    user: UserSummary,
    update: ServerAction<UpdateAccess>,
    disable: ServerAction<SetDisabled>,
    reset: ServerAction<ResetPassword>,
) -> impl IntoView {
    let (id_access, id_reset, id_toggle) = (
        user.id.to_string(),
        user.id.to_string(),
        user.id.to_string(),
    );
    let (status, toggle_label, toggle_value) = if user.disabled {
        ("Disabled", "Enable this account", "false")
    } else {
        ("Active", "Disable this account", "true")
    };
    view! {
        <dl class="ds_summary-list" id="account-facts">
            <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Email"</dt><dd class="ds_summary-list__value">{user.email.clone()}</dd></div>
            <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Role"</dt><dd class="ds_summary-list__value">{user.role.name()}</dd></div>
            <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Organisations"</dt><dd class="ds_summary-list__value">{user.organisations.join(", ")}</dd></div>
            <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Status"</dt><dd class="ds_summary-list__value" id="account-status">{status}</dd></div>
        </dl>
        <h2>"Role and organisations"</h2>
        <ActionForm action=update attr:id="access-form">
            <input type="hidden" name="id" value=id_access />
            <div class="ds_question">
                <label class="ds_label" for="role">"Role"</label>
                <div class="ds_select-wrapper">
                    <select class="ds_select" id="role" name="role">{role_options(Some(user.role))}</select>
                    <span class="ds_select-arrow" aria-hidden="true"></span>
                </div>
            </div>
            <OrganisationsField value=user.organisations.join(", ") />
            <button type="submit" class="ds_button ds_button--secondary" id="save-access">"Save role and organisations"</button>
        </ActionForm>
        <h2>"Reset the password"</h2>
        <ActionForm action=reset attr:id="reset-form">
            <input type="hidden" name="id" value=id_reset />
            <div class="ds_question">
                <label class="ds_label" for="password">"New password"</label>
                <p class="ds_hint-text" id="new-password-hint">"12 to 128 characters. The person is signed out everywhere."</p>
                <input class="ds_input" type="password" id="password" name="password" autocomplete="new-password" aria-describedby="new-password-hint" />
            </div>
            <button type="submit" class="ds_button ds_button--secondary" id="reset-password">"Reset the password"</button>
        </ActionForm>
        <h2>"Access"</h2>
        <ActionForm action=disable attr:id="disable-form">
            <input type="hidden" name="id" value=id_toggle />
            <input type="hidden" name="disabled" value=toggle_value />
            <button type="submit" class="ds_button ds_button--secondary" id="toggle-disabled">{toggle_label}</button>
        </ActionForm>
        <p><a href="/admin">"Back to accounts"</a></p>
    }
}
