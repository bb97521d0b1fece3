//! The adoptions sheet compared with the body's stored adoptions.

use super::{error, Action, EstatePlan, Terms};
use crate::db::shared::AdoptionRecord;
use crate::domain::estate::adoption::AdoptionStage;
use crate::import::estate::{AdoptionRow, ParsedEstate};
use crate::model::import::{ChangeKind, RecordChange};

/// The catalogue service a row names, by code or by name (ignoring case).
pub(super) fn service_of<'c>(
    text: &str,
    catalogue: &'c [(String, String)],
) -> Option<&'c (String, String)> {
    let wanted = text.trim().to_lowercase();
    catalogue
        .iter()
        .find(|(code, name)| code.to_lowercase() == wanted || name.to_lowercase() == wanted)
}

#[expect(
    clippy::too_many_lines,
    reason = "issue 16: still to be split along the steps it marks"
)]
pub(super) fn plan_adoption(
    row: &AdoptionRow,
    stored: &[AdoptionRecord],
    catalogue: &[(String, String)],
    parsed: &ParsedEstate,
    out: &mut EstatePlan,
) {
    let Some((code, name)) = service_of(&row.service, catalogue) else {
        let codes: Vec<&str> = catalogue.iter().map(|(c, _)| c.as_str()).collect();
        out.problems.push(error(
            &row.service_cell,
            format!("{:?}", row.service),
            format!(
                "Shared service: the code or name of a service in the catalogue ({})",
                codes.join(", ")
            ),
        ));
        return;
    };
    let earlier_same = parsed
        .adoptions
        .iter()
        .take_while(|r| !std::ptr::eq(*r, row))
        .any(|r| service_of(&r.service, catalogue).is_some_and(|(c, _)| c == code));
    if earlier_same {
        out.problems.push(error(
            &row.service_cell,
            format!("{name} a second time"),
            "each shared service once",
        ));
        return;
    }
    // The latest adoption of the service; an ended one (exited or abandoned) is history, and a
    // row naming another stage takes the service up again as a new adoption (issue 15).
    let existing = stored
        .iter()
        .filter(|a| &a.service_code == code)
        .max_by_key(|a| a.id)
        .filter(|a| !a.stage.ended() || row.stage.is_none_or(|s| s == a.stage));
    let from = existing.map_or(AdoptionStage::Considering, |a| a.stage);
    let step = match row.stage {
        None => None,
        Some(s) if s == from => None,
        Some(s) => {
            if from.move_to(s).is_err() {
                let allowed = from
                    .next()
                    .iter()
                    .map(|n| n.code())
                    .collect::<Vec<_>>()
                    .join(" or ");
                let expected = if existing.is_none() {
                    format!("Stage: a new adoption starts at considering and moves one step at a time, so considering or {allowed}; move it on in a later import or on the body's shared-services page")
                } else if allowed.is_empty() {
                    format!("Stage: {} (the adoption can move no further)", from.code())
                } else {
                    format!(
                        "Stage: {} as stored, or the next step, {allowed}",
                        from.code()
                    )
                };
                out.problems
                    .push(error(&row.stage_cell, s.code(), expected));
                return;
            }
            Some(s)
        }
    };
    let step = match step {
        None => None,
        Some(s) => {
            let Some(on) = row.date else {
                out.problems.push(error(
                    &row.date_cell,
                    "(empty)",
                    format!(
                        "Date of the stage: the date the adoption became {}",
                        s.code()
                    ),
                ));
                return;
            };
            let previous = existing.and_then(AdoptionRecord::latest_step);
            if let Some(p) = previous.filter(|p| on < *p) {
                out.problems.push(error(
                    &row.date_cell,
                    on.to_string(),
                    format!("Date of the stage: not before the adoption's previous step ({p})"),
                ));
                return;
            }
            Some((s, on))
        }
    };
    let class = match (row.class, existing) {
        (Some(c), _) => c,
        (None, Some(a)) => a.class,
        (None, None) => {
            out.problems.push(error(
                &row.class_cell,
                "(empty)",
                "Class of saving: cash-releasing, non-cash or cost-avoidance (needed for a new adoption)",
            ));
            return;
        }
    };
    let terms = Terms {
        cost_before: row.cost_before,
        cost_after: row.cost_after,
        one_off: row.one_off,
        sites: row.sites,
        users: row.users,
        class,
    };
    let stored_terms = existing.map(|a| Terms {
        cost_before: a.cost_before,
        cost_after: a.cost_after,
        one_off: a.one_off,
        sites: a.sites,
        users: a.users,
        class: a.class,
    });
    let terms_change = stored_terms.as_ref() != Some(&terms);
    if terms_change
        && existing.is_some()
        && matches!(
            from,
            AdoptionStage::Live | AdoptionStage::Exited | AdoptionStage::Abandoned
        )
    {
        out.problems.push(error(
            &row.costs_cell,
            format!("costs, counts or class that differ from the stored ones ({} before, {} after, one-off {})", terms.cost_before, terms.cost_after, terms.one_off),
            format!("the stored figures: the adoption is {} and its saving was recorded from them", from.code()),
        ));
        return;
    }
    let mut detail = Vec::new();
    if let Some((s, on)) = step {
        detail.push(format!("{} → {} on {on}", from.code(), s.code()));
    } else {
        detail.push(from.code().to_owned());
    }
    detail.push(format!(
        "annual cost {} before and {} after, one-off {}, {}",
        terms.cost_before,
        terms.cost_after,
        terms.one_off,
        terms.class.name().to_lowercase()
    ));
    let kind = match (existing, terms_change || step.is_some()) {
        (None, _) => ChangeKind::New,
        (Some(_), true) => ChangeKind::Changed,
        (Some(_), false) => ChangeKind::Unchanged,
    };
    out.adoptions.push(RecordChange {
        at: row.at.clone(),
        subject: name.clone(),
        kind,
        detail: detail.join("; "),
    });
    if kind != ChangeKind::Unchanged {
        out.actions.push(Action::Adoption {
            stored: existing.map(|a| a.id),
            service: code.clone(),
            terms: terms_change.then_some(terms),
            step,
        });
    }
}
