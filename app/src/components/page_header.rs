//! The design system's page header: an optional label above the page's one `<h1>`.

use leptos::prelude::*;
use leptos_meta::Title;

/// Sets the document title too, so every page has both.
#[component]
pub fn PageHeader(
    #[prop(into)] title: String,
    #[prop(optional, into)] label: Option<String>,
) -> impl IntoView {
    view! {
        <Title text=title.clone() />
        <div class="ds_layout__header">
            <header class="ds_page-header">
                {label.map(|l| view! { <span class="ds_page-header__label ds_content-label">{l}</span> })}
                <h1 class="ds_page-header__title">{title}</h1>
            </header>
        </div>
    }
}
