//! Whether a body-year counts towards any saving, and why not when it does not.
//!
//! Policy (ADR 0010, rules 1–3): a body-year counts only when
//! 1. the body answers for the year (it existed on 1 April: `Lifetime::answers_for`), so a
//!    return stored for a year outside its life is never counted and each pound of baseline is
//!    counted by one body a year;
//! 2. it has a baseline (its own or inherited), and the inherited one is complete;
//! 3. its counted return gives a figure — zero allowed — for every category in which the
//!    baseline has an amount: blank is not zero, so a category left out never counts its whole
//!    baseline as saved.
//!
//! A body-year that does not count is kept in the read model with its reason, so pages can say
//! what each total covers, but it adds nothing to any total.

use super::baseline::EffectiveBaseline;
use super::spend::{facts, Actual, Fact};
use crate::{Lifetime, Money, SpendCategory};
use serde::{Deserialize, Serialize};

/// Why a body-year is left out of every total.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NotCounted {
    /// The body did not exist on 1 April of the year.
    OutsideLife,
    /// No baseline, recorded or inherited.
    NoBaseline,
    /// Part of the inherited baseline could not be passed on.
    IncompleteBaseline,
    /// The return leaves out categories in which the baseline has an amount.
    IncompleteReturn { missing: Vec<SpendCategory> },
}

impl NotCounted {
    /// The stable code stored in the read model.
    pub fn code(&self) -> &'static str {
        match self {
            NotCounted::OutsideLife => "outside-life",
            NotCounted::NoBaseline => "no-baseline",
            NotCounted::IncompleteBaseline => "incomplete-baseline",
            NotCounted::IncompleteReturn { .. } => "incomplete-return",
        }
    }

    /// The reason in words, for pages and files.
    pub fn describe(&self) -> String {
        match self {
            NotCounted::OutsideLife => {
                "not counted: the body did not exist on 1 April of this year".to_owned()
            }
            NotCounted::NoBaseline => "not counted: no baseline is recorded".to_owned(),
            NotCounted::IncompleteBaseline => {
                "incomplete: part of the baseline it inherits could not be passed on".to_owned()
            }
            NotCounted::IncompleteReturn { missing } => format!(
                "incomplete: the return gives no figure for {}",
                missing
                    .iter()
                    .map(|c| c.name().to_lowercase())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Parses a stored code (with the missing categories as a comma-separated list).
    pub fn parse(code: &str, missing: Option<&str>) -> Option<NotCounted> {
        Some(match code {
            "outside-life" => NotCounted::OutsideLife,
            "no-baseline" => NotCounted::NoBaseline,
            "incomplete-baseline" => NotCounted::IncompleteBaseline,
            "incomplete-return" => NotCounted::IncompleteReturn {
                missing: missing
                    .unwrap_or_default()
                    .split(',')
                    .filter_map(|c| c.parse::<SpendCategory>().ok())
                    .collect(),
            },
            _ => return None,
        })
    }

    /// The missing categories as stored (comma-separated codes), if any.
    pub fn missing_codes(&self) -> Option<String> {
        match self {
            NotCounted::IncompleteReturn { missing } => Some(
                missing
                    .iter()
                    .map(|c| c.code())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => None,
        }
    }
}

/// The categories in which the baseline has an amount but the return gives no figure.
pub fn missing_categories(
    baseline: &EffectiveBaseline,
    reported: impl Fn(SpendCategory) -> bool,
) -> Vec<SpendCategory> {
    SpendCategory::ALL
        .into_iter()
        .filter(|c| baseline.amount(*c) != Money::ZERO && !reported(*c))
        .collect()
}

/// Whether the body-year counts, and why not.
pub fn status(
    lifetime: &Lifetime,
    baseline: Option<&EffectiveBaseline>,
    actual: &Actual,
) -> Result<(), NotCounted> {
    if !lifetime.answers_for(actual.year) {
        return Err(NotCounted::OutsideLife);
    }
    let Some(baseline) = baseline else {
        return Err(NotCounted::NoBaseline);
    };
    if baseline.incomplete {
        return Err(NotCounted::IncompleteBaseline);
    }
    if baseline.parts.is_empty() {
        return Err(NotCounted::NoBaseline);
    }
    let missing = missing_categories(baseline, |c| actual.amounts.contains_key(&c));
    if !missing.is_empty() {
        return Err(NotCounted::IncompleteReturn { missing });
    }
    Ok(())
}

/// The facts a body-year adds to every total: its baseline and actual amounts when it counts,
/// or why it adds nothing. The read model stores exactly these (`services::savings::refresh`).
pub fn count(
    lifetime: &Lifetime,
    baseline: Option<&EffectiveBaseline>,
    actual: &Actual,
) -> Result<Vec<Fact>, NotCounted> {
    status(lifetime, baseline, actual)?;
    Ok(baseline.map(|b| facts(b, actual)).unwrap_or_default())
}

#[cfg(test)]
mod tests;
