//! The savings engine's service: keeps the read model current and answers the savings pages.
//!
//! Policy (issue 6, ADR 0006):
//! - The read model (`savings_body_years`, `savings_facts`) is refreshed in the same transaction
//!   as the change that affects it — a return submitted, approved, sent back or restated, a
//!   baseline recorded — for the body concerned and every body that inherits from it. Pages
//!   only read it; no page waits on a recalculation of everything.
//! - The counted return of a body-year is its latest approved version, else its latest
//!   submitted one (shown as provisional). Drafts never count.
//! - Targets are apportioned when asked for (they depend on the chosen profile and method),
//!   from the national trajectory and the bodies' effective baselines.
//! - The national and sector summaries are for the board and the programme office; a body's
//!   own savings and traces for those who may read that body.

mod baseline_form;
mod baselines;
mod body;
mod breakdown;
mod engine;
mod read_model;
mod successions;
mod summary;
mod targets;

pub use baseline_form::{parse_baseline_form, BaselineCommand};
pub use baselines::{baseline_page, decide_baseline, explain_target, record_baseline};
pub use body::{body, trace};
pub use breakdown::{breakdown, Breakdown};
pub(crate) use read_model::{counted_returns, effective_baseline_of};
pub use read_model::{refresh, refresh_all};
pub use successions::{add_body, record_succession, successions_page};
pub use summary::{reported_figures, summary, SummaryQuery};
pub use targets::{save_targets, targets_page};

/// The first year savings are counted for.
const FIRST_YEAR: i32 = crate::domain::savings::spend::FIRST_SAVINGS_YEAR;
