//! Read models sent from the server to pages (and to the browser after hydration).
//!
//! Policy: plain data with domain types inside; no behaviour beyond presentation helpers.

use crate::domain::{Money, Sector};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub mod audit;
pub mod chart;
pub mod dashboard;
pub mod estate;
pub mod import;
pub mod returns;
pub mod savings;

/// One public body as listed on the Organisations page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganisationSummary {
    pub code: String,
    pub name: String,
    pub sector: Sector,
    /// What kind of body it is, e.g. "Council", "Territorial NHS board".
    pub kind: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
}

impl OrganisationSummary {
    /// "Current", or "Ceased 31 March 2013".
    pub fn status_label(&self) -> String {
        match self.end_date {
            Some(end) => format!("Ceased {}", end.format("%-d %B %Y")),
            None => "Current".to_owned(),
        }
    }
}

/// The Organisations page's result: the bodies matching the filter and how many there are in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganisationList {
    pub items: Vec<OrganisationSummary>,
    pub total_bodies: i64,
}

/// A link from one body to its predecessor or successor through a merger or split.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgLink {
    pub code: String,
    pub name: String,
    pub effective_date: NaiveDate,
    pub kind: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrganisationDetail {
    pub summary: OrganisationSummary,
    pub notes: Option<String>,
    pub predecessors: Vec<OrgLink>,
    pub successors: Vec<OrgLink>,
}

/// One figure of a published baseline, with the words and source it was published with.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineFigure {
    pub key: String,
    pub label: String,
    pub amount: Money,
    /// "approximately", "at least", or empty for a figure given exactly.
    pub qualifier: String,
    pub source: String,
}

/// The McClelland 2008-09 baseline as published, in the three breakdowns the sources give.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    pub financial_year: String,
    pub national: Vec<BaselineFigure>,
    pub by_cost_group: Vec<BaselineFigure>,
    pub by_sector: Vec<BaselineFigure>,
}

impl BaselineSummary {
    pub fn cost_group_total(&self) -> Option<Money> {
        Money::sum(self.by_cost_group.iter().map(|f| f.amount)).ok()
    }

    pub fn sector_total(&self) -> Option<Money> {
        Money::sum(self.by_sector.iter().map(|f| f.amount)).ok()
    }

    /// The national total the review gave (≈ £1.4bn), if loaded.
    pub fn national_total(&self) -> Option<Money> {
        self.national
            .iter()
            .find(|f| f.key == "total")
            .map(|f| f.amount)
    }
}

/// An organisation a user belongs to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OrgRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// The person behind the current request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: crate::domain::Role,
    pub organisations: Vec<OrgRef>,
}

impl CurrentUser {
    /// Whether this user may read the organisation's data (board and admin read all).
    pub fn may_read_org(&self, org_code: &str) -> bool {
        self.role.reads_all_organisations() || self.organisations.iter().any(|o| o.code == org_code)
    }

    /// Whether this user may change the organisation's data (officers of that body only).
    pub fn may_write_org(&self, org_code: &str) -> bool {
        self.role == crate::domain::Role::Officer
            && self.organisations.iter().any(|o| o.code == org_code)
    }
}

/// An account as the programme office sees it in the user list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserSummary {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: crate::domain::Role,
    pub disabled: bool,
    pub organisations: Vec<String>,
}

/// One audit log entry as listed for the programme office.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditView {
    pub id: i64,
    /// UTC, "2026-11-27 09:15:02".
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub before: Option<String>,
    pub after: Option<String>,
    pub client_addr: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;

    fn user(role: Role, orgs: &[&str]) -> CurrentUser {
        CurrentUser {
            id: 1,
            email: "x@gov.scot".into(),
            display_name: "X".into(),
            role,
            organisations: orgs
                .iter()
                .map(|c| OrgRef {
                    id: 1,
                    code: (*c).into(),
                    name: (*c).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn an_officer_reads_and_writes_only_their_own_organisations() {
        let officer = user(Role::Officer, &["council-fife"]);
        assert!(officer.may_read_org("council-fife") && officer.may_write_org("council-fife"));
        assert!(!officer.may_read_org("council-angus") && !officer.may_write_org("council-angus"));
    }

    #[test]
    fn board_and_admin_read_everything_and_write_nothing() {
        for role in [Role::Board, Role::Admin] {
            let reader = user(role, &[]);
            assert!(reader.may_read_org("council-angus"));
            assert!(
                !reader.may_write_org("council-angus"),
                "{role:?} does not edit a body's returns"
            );
        }
    }
}

/// A refused form kept on the server (issue 15): the path of the server function that refused
/// it and its error as server_fn encodes it for a page address (which carries what was typed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormDraft {
    pub path: String,
    pub error: String,
}
