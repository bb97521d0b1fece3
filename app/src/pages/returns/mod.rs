//! Spend return pages: "My returns", one return (entry form, review, history), the submission
//! status board and the deadlines. Every form is a plain HTML form that works without
//! JavaScript; after hydration the same forms submit in place.

use crate::domain::{Money, ReturnStatus};
use leptos::prelude::*;

mod deadlines;
mod entry;
mod form;
mod mine;
mod status;
mod tables;

pub use deadlines::*;
pub use entry::*;
pub use form::*;
pub use mine::*;
pub use status::*;
pub use tables::*;

pub(super) fn status_tag(label: &'static str, overdue: bool) -> impl IntoView {
    let colour = match label {
        "Approved" => "ds_tag--green",
        "Submitted" => "ds_tag--blue",
        "Sent back" => "ds_tag--red",
        "Not started" => "ds_tag--grey",
        _ => "ds_tag--orange",
    };
    view! {
        <span class=format!("ds_tag {colour}")>{label}</span>
        {overdue.then(|| view! { " " <span class="ds_tag ds_tag--red">"Overdue"</span> })}
    }
}

pub(super) fn status_label(status: ReturnStatus) -> &'static str {
    match status {
        ReturnStatus::Draft => "Draft",
        ReturnStatus::Submitted => "Submitted",
        ReturnStatus::Returned => "Sent back",
        ReturnStatus::Approved => "Approved",
    }
}

pub(super) fn money_or_dash(m: Option<Money>) -> String {
    m.map_or_else(|| "—".to_owned(), |m| m.to_string())
}
