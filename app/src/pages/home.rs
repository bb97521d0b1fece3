use crate::components::page_header::PageHeader;
use leptos::prelude::*;

/// The start page: what the tracker is for and where to go.
#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageHeader title="Track ICT savings across Scotland's public sector" label="ICT Savings Tracker" />
        <div class="ds_layout__content">
            <p class="ds_leader">
                "In 2011 the McClelland review found that Scotland's public bodies spent about £1.4bn a year on ICT, "
                "and set a path to save at least £230m a year by 2015-16. This service records what each body spends "
                "and what it saves, so the savings can be evidenced."
            </p>
            <h2>"What you can do"</h2>
            <ul>
                <li><a href="/organisations">"Find a public body"</a>" and see its sector and history"</li>
                <li><a href="/dashboard">"See the 2008-09 baseline"</a>" the savings are measured against"</li>
                <li><a href="/returns">"Enter your body's ICT spend"</a>" for a financial year (finance officers, signed in)"</li>
                <li><a href="/returns/status">"See which bodies have submitted"</a>" (programme board and office)"</li>
            </ul>
        </div>
    }
}
