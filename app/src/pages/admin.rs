//! The programme office's pages: accounts and the audit log (admin role only).

use crate::api::admin::{list_audit, list_users};
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::model::{AuditView, UserSummary};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AdminPage() -> impl IntoView {
    let users = Resource::new(|| (), |_| list_users());
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(users.await, |users| view! { <UserTable users /> }) })}
        </Suspense>
    }
}

#[component]
fn UserTable(users: Vec<UserSummary>) -> impl IntoView {
    let rows = users
        .into_iter()
        .map(|u| {
            let status = if u.disabled { "Disabled" } else { "Active" };
            view! {
                <tr>
                    <td><a href=format!("/admin/users/{}", u.id)>{u.display_name}</a></td>
                    <td>{u.email}</td>
                    <td>{u.role.name()}</td>
                    <td>{u.organisations.join(", ")}</td>
                    <td>{status}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <PageHeader title="Admin" label="Programme office" />
        <div class="ds_layout__content">
            <p><a href="/admin/audit">"View the audit log"</a>" · "<a href="/admin/organisation-changes">"Organisation changes (mergers and splits)"</a>" · "<a href="/trajectory">"Savings trajectory"</a>" · "<a href="/admin/open-data">"Open data"</a></p>
            <h2>"Accounts"</h2>
            <p><a class="ds_button" href="/admin/users/new" id="new-account">"Create an account"</a></p>
            <table class="ds_table" id="user-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Organisations"</th>
                        <th scope="col">"Status"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
pub fn AuditPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name).filter(|a| !a.is_empty());
    let entries = Resource::new(
        move || (param("action"), param("actor"), param("entity")),
        |(action, actor, entity)| list_audit(action, actor, entity),
    );
    view! {
        <PageHeader title="Audit log" label="Programme office" />
        <div class="ds_layout__content">
            <Form method="GET" action="" attr:class="tracker-filter">
                <div class="ds_question">
                    <label class="ds_label" for="action">"Action"</label>
                    <input class="ds_input ds_input--fixed-20" type="text" id="action" name="action" value=move || param("action").unwrap_or_default() />
                </div>
                <div class="ds_question">
                    <label class="ds_label" for="actor">"Who (part of the email)"</label>
                    <input class="ds_input ds_input--fixed-20" type="text" id="actor" name="actor" value=move || param("actor").unwrap_or_default() />
                </div>
                <div class="ds_question">
                    <label class="ds_label" for="entity">"Entity type"</label>
                    <input class="ds_input ds_input--fixed-20" type="text" id="entity" name="entity" value=move || param("entity").unwrap_or_default() />
                </div>
                <button type="submit" class="ds_button ds_button--small">"Filter"</button>
            </Form>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(entries.await, |entries| view! { <AuditTable entries /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
fn AuditTable(entries: Vec<AuditView>) -> impl IntoView {
    let count = format!("{} entries, newest first", entries.len());
    let rows = entries
        .into_iter()
        .map(|e| {
            let change = match (e.before, e.after) {
                (Some(b), Some(a)) => format!("{b} → {a}"),
                (None, Some(a)) => a,
                (Some(b), None) => format!("{b} → (removed)"),
                (None, None) => String::new(),
            };
            view! {
                <tr>
                    <td>{e.at}</td>
                    <td>{e.actor}</td>
                    <td>{e.action}</td>
                    <td>{e.entity}</td>
                    <td>{change}</td>
                    <td>{e.client_addr}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p id="audit-count">{count}</p>
        <table class="ds_table" id="audit-table">
            <thead>
                <tr>
                    <th scope="col">"When (UTC)"</th>
                    <th scope="col">"Who"</th>
                    <th scope="col">"Action"</th>
                    <th scope="col">"Entity"</th>
                    <th scope="col">"Change"</th>
                    <th scope="col">"Client"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
