//! Board packs: the list, and one pack exactly as frozen with its download.

use crate::api::dashboard::{get_board_pack, list_board_packs};
use crate::components::error_page::view_or_error;
use crate::components::page_header::PageHeader;
use crate::model::dashboard::{BoardPackSummary, BoardPackView};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// `/board-packs`: every pack, newest first.
#[component]
pub fn BoardPacksPage() -> impl IntoView {
    let packs = Resource::new(|| (), |_| list_board_packs());
    view! {
        <PageHeader title="Board packs" label="Programme board" />
        <div class="ds_layout__content">
            <p>"Each pack is the dashboard frozen on a date, with the filters it was frozen with. Freeze a new one from the "<a href="/dashboard">"dashboard"</a>"."</p>
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move { view_or_error(packs.await, |list| view! { <PackList list /> }) })}
            </Suspense>
        </div>
    }
}

#[component]
fn PackList(list: Vec<BoardPackSummary>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p id="no-packs">"No board pack has been frozen yet."</p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|p| {
            view! {
                <tr data-pack=p.id.to_string()>
                    <th scope="row"><a href=format!("/board-packs/{}", p.id)>{p.title}</a></th>
                    <td>{p.frozen_at}</td>
                    <td>{p.frozen_by}</td>
                    <td>{p.filters}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="ds_table" id="pack-list">
            <caption class="visually-hidden">"Board packs"</caption>
            <thead><tr><th scope="col">"Title"</th><th scope="col">"Frozen (UTC)"</th><th scope="col">"By"</th><th scope="col">"Filters"</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// `/board-packs/ID`: the pack exactly as frozen.
#[component]
pub fn BoardPackPage() -> impl IntoView {
    let params = use_params_map();
    let pack = Resource::new(
        move || params.read().get("id").unwrap_or_default(),
        get_board_pack,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move { view_or_error(pack.await, |pack| view! { <Pack pack /> }) })}
        </Suspense>
    }
}

#[component]
fn Pack(pack: BoardPackView) -> impl IntoView {
    let s = pack.summary;
    let download = format!("/board-packs/{}/pack.html", s.id);
    view! {
        <PageHeader title=s.title.clone() label="Board pack" />
        <div class="ds_layout__content">
            <dl class="ds_summary-list" id="pack-details">
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Frozen"</dt><dd class="ds_summary-list__value">{format!("{} (UTC) by {}", s.frozen_at, s.frozen_by)}</dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Filters"</dt><dd class="ds_summary-list__value">{s.filters.clone()}</dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"SHA-256 of the file"</dt><dd class="ds_summary-list__value"><code>{s.sha256.clone()}</code></dd></div>
                <div class="ds_summary-list__item"><dt class="ds_summary-list__key">"Checked"</dt><dd class="ds_summary-list__value" id="pack-verified">{if pack.verified {
                    "The stored file was hashed again just now: it is the file that was frozen."
                } else {
                    "Warning: the stored file does not match the SHA-256 recorded when it was frozen. Tell the programme office."
                }}</dd></div>
            </dl>
            <p><a class="ds_button ds_button--secondary" href=download id="download-pack" download="">{format!("Download the pack as one HTML file ({} KB)", s.size_bytes.div_ceil(1024))}</a></p>
            <div class="ds_inset-text"><div class="ds_inset-text__text">"The figures are as they stood when the pack was frozen; later changes to returns are not in it."</div></div>
            <div id="pack-body" inner_html=pack.body_html></div>
        </div>
    }
}
