//! The estate sheets of an import against what is stored: which sites are new or changed, which
//! adoptions are new, re-costed or moved one step; and, at commit, doing exactly that inside the
//! import's transaction through the same code as the entry pages.
//!
//! Policy (issue 7): a site is matched to the body's stored sites by name (ignoring case and
//! surrounding spaces); a site not in the sheet is left as it is (a site leaves the estate by
//! closing, on its page). A closed site's figures cannot change. An adoption is matched by its
//! service; a row may move it one allowed step (with the step's date) and may change its costs,
//! counts and class only before it is live, since a live adoption's saving was recorded from
//! them. Everything that a row asks for that the entry pages would refuse is an error at its cell.

use crate::db::estate::{self as estate_store};
use crate::db::shared::{self as shared_store};
use crate::domain::estate::adoption::AdoptionStage;
use crate::domain::estate::site::Site;
use crate::domain::savings::initiative::SavingClass;
use crate::domain::Money;
use crate::error::AppError;
use crate::import::estate::ParsedEstate;
use crate::model::import::{Problem, RecordChange, Severity};
use chrono::NaiveDate;
use sqlx::AnyConnection;

mod adoptions;
mod apply;
mod sites;

use adoptions::*;
pub use apply::*;
use sites::*;

/// What the estate sheets will change, and what is wrong with them.
#[derive(Debug, Default)]
pub struct EstatePlan {
    pub sites: Vec<RecordChange>,
    pub adoptions: Vec<RecordChange>,
    pub problems: Vec<Problem>,
    actions: Vec<Action>,
}

impl EstatePlan {
    pub fn changes_something(&self) -> bool {
        !self.actions.is_empty()
    }
}

#[derive(Debug)]
pub(super) enum Action {
    Site {
        stored: Option<(i64, i64)>,
        site: Box<Site>,
    },
    Adoption {
        /// The stored adoption's id, or `None` for a new one of `service`.
        stored: Option<i64>,
        service: String,
        /// New costs, counts and class, if they change.
        terms: Option<Terms>,
        step: Option<(AdoptionStage, NaiveDate)>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub(super) struct Terms {
    cost_before: Money,
    cost_after: Money,
    one_off: Money,
    sites: Option<i64>,
    users: Option<i64>,
    class: SavingClass,
}

pub(super) fn error(cell: &str, found: impl Into<String>, expected: impl Into<String>) -> Problem {
    Problem {
        severity: Severity::Error,
        cell: cell.to_owned(),
        found: found.into(),
        expected: expected.into(),
    }
}

pub(super) fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// Compares the parsed sheets with the body's stored sites and adoptions.
#[tracing::instrument(skip_all, fields(org))]
pub async fn plan(
    conn: &mut AnyConnection,
    org: i64,
    parsed: &ParsedEstate,
) -> Result<EstatePlan, AppError> {
    let mut out = EstatePlan {
        problems: parsed.problems.clone(),
        ..EstatePlan::default()
    };
    if parsed.has_sites {
        let stored = estate_store::sites(conn, Some(org), None).await?;
        plan_sites(&stored, parsed, &mut out);
    }
    if parsed.has_adoptions {
        let stored = shared_store::adoptions(conn, Some(org)).await?;
        let catalogue: Vec<(String, String)> = shared_store::services(conn)
            .await?
            .into_iter()
            .map(|s| (s.0, s.1))
            .collect();
        for row in &parsed.adoptions {
            plan_adoption(row, &stored, &catalogue, parsed, &mut out);
        }
    }
    Ok(out)
}
