//! `/admin/open-data`: the programme office publishes or withdraws the open datasets.

use crate::api::admin::{list_open_data, SetOpenData};
use crate::components::error_page::view_or_error;
use crate::components::forms::ErrorSummary;
use crate::components::page_header::PageHeader;
use crate::model::dashboard::Publication;
use leptos::prelude::*;

#[component]
pub fn OpenDataPage() -> impl IntoView {
    let set = ServerAction::<SetOpenData>::new();
    let list = Resource::new(move || set.version().get(), |_| list_open_data());
    let error = move || set.value().get().and_then(Result::err);
    view! {
        <PageHeader title="Open data" label="Programme office" />
        <div class="ds_layout__content">
            <p>"A published dataset can be read by anyone, without signing in, at its address, as JSON or (adding "<code>"?format=csv"</code>") CSV. The datasets are aggregates; the data-centre list leaves out the fields this deployment suppresses. The description of the whole API is at "<a href="/api/v1/openapi.json">"/api/v1/openapi.json"</a>"."</p>
            {move || error().map(|error| view! { <ErrorSummary error default_field="datasets" /> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(list.await, |list| view! { <Datasets list set /> }) })}
            </Transition>
        </div>
    }
}

#[component]
fn Datasets(list: Vec<Publication>, set: ServerAction<SetOpenData>) -> impl IntoView {
    let rows = list
        .into_iter()
        .map(|p| {
            let href = format!("/api/v1/open/{}", p.name);
            let (tag, label) = if p.published {
                ("ds_tag ds_tag--green", "Published")
            } else {
                ("ds_tag ds_tag--grey", "Not published")
            };
            let (value, button) = if p.published {
                ("no", "Withdraw")
            } else {
                ("yes", "Publish")
            };
            let id = format!("publish-{}", p.name);
            let name = p.name.clone();
            view! {
                <tr data-dataset=p.name.clone()>
                    <th scope="row">{p.title}<br /><a href=href.clone()>{href.clone()}</a></th>
                    <td>{p.description}</td>
                    <td><span class=tag>{label}</span><br />{p.changed.unwrap_or_default()}</td>
                    <td>
                        <ActionForm action=set>
                            <input type="hidden" name="dataset" value=name />
                            <input type="hidden" name="publish" value=value />
                            <button type="submit" class="ds_button ds_button--small ds_button--secondary" id=id>{button}</button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ds_table" id="datasets">
            <caption class="visually-hidden">"The open datasets and whether each is published"</caption>
            <thead><tr><th scope="col">"Dataset"</th><th scope="col">"What it holds"</th><th scope="col">"Status"</th><th scope="col">"Change"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
