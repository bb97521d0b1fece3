//! Savings pages: the national summary against the trajectory, one body's savings, "how this
//! was calculated" for a body and year, a body's baselines, and the trajectory. Every page is
//! complete from the server; filters are GET forms and changes plain POST forms.

use crate::domain::savings::Rag;
use crate::domain::{FinancialYear, Money};
use leptos::prelude::*;

mod baseline;
mod body;
mod calculation;
mod successions;
mod summary;
mod trajectory;

pub use baseline::*;
pub use body::*;
pub use calculation::*;
pub use successions::*;
pub use summary::*;
pub use trajectory::*;

/// A RAG status as a tag whose text says what the colour means (colour is never the only cue).
pub(super) fn rag_tag(rag: Rag) -> impl IntoView {
    let class = crate::model::savings::rag_tag_class(rag);
    view! { <span class=class data-rag=rag.code()>{rag.name()}</span> }
}

pub(super) fn money(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_owned(), |m| m.to_string())
}

/// The basis choices: nominal, and real terms at each year with a deflator.
pub(super) fn basis_options(current: &str, years: &[FinancialYear]) -> impl IntoView {
    let real = years
        .iter()
        .rev()
        .map(|y| {
            let code = format!("real-{y}");
            let selected = current == code;
            view! { <option value=code selected=selected>{format!("Real terms, {y} prices")}</option> }
        })
        .collect_view();
    view! {
        <option value="nominal" selected=current == "nominal">"Nominal (cash)"</option>
        {real}
    }
}

pub(super) fn select(id: &'static str, label: &'static str, options: AnyView) -> impl IntoView {
    view! {
        <div class="ds_question">
            <label class="ds_label" for=id>{label}</label>
            <div class="ds_select-wrapper">
                <select class="ds_select" id=id name=id>{options}</select>
                <span class="ds_select-arrow" aria-hidden="true"></span>
            </div>
        </div>
    }
}

pub(super) fn deflator_note(release: Option<String>, verified: bool, basis: &str) -> impl IntoView {
    (basis != "nominal").then(|| {
        let text = match release {
            Some(r) if verified => format!("Real terms use GDP deflators from: {r}."),
            Some(r) => format!("Real terms use GDP deflators from: {r}. These values are unverified: they were read from secondary copies of the release and must be checked against it."),
            None => "No GDP deflators are recorded: real terms cannot be computed.".to_owned(),
        };
        view! { <div class="ds_inset-text" id="deflator-note"><div class="ds_inset-text__text">{text}</div></div> }
    })
}

// ---------------------------------------------------------------- national summary
