//! Sections named in the navigation whose pages are not built yet. Each says so plainly,
//! with a 200 status, rather than pretending to work.

use crate::components::page_header::PageHeader;
use leptos::prelude::*;

#[component]
fn SectionNotYetAvailable(title: &'static str, purpose: &'static str) -> impl IntoView {
    view! {
        <PageHeader title=title />
        <div class="ds_layout__content">
            <p>{purpose}</p>
            <div class="ds_inset-text">
                <div class="ds_inset-text__text">"This part of the tracker is not available yet."</div>
            </div>
            <p><a href="/organisations">"Browse the public bodies"</a>" in the meantime."</p>
        </div>
    }
}

#[component]
pub fn SharedServicesPage() -> impl IntoView {
    view! { <SectionNotYetAvailable title="Shared services" purpose="Bodies record their adoption of shared services such as SWAN here." /> }
}
