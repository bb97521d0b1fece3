//! Read models of spend returns: the return page, the lists and the export.

use crate::domain::income::Income;
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, Money, ReturnStatus, SpendCategory};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One version of a return with its lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnView {
    pub id: i64,
    pub org_code: String,
    pub financial_year: FinancialYear,
    pub version: i64,
    pub status: ReturnStatus,
    pub row_version: i64,
    pub returned_reason: Option<String>,
    pub lines: Vec<SpendLine>,
    /// The income line, if reported: recorded beside the spend, never netted from it.
    #[serde(default)]
    pub income: Option<Income>,
}

/// A return's figures as entered or imported: its spend lines and its income line.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Figures {
    pub lines: Vec<SpendLine>,
    pub income: Option<Income>,
}

impl From<Vec<SpendLine>> for Figures {
    /// Spend lines with no income reported.
    fn from(lines: Vec<SpendLine>) -> Figures {
        Figures {
            lines,
            income: None,
        }
    }
}

impl ReturnView {
    /// The line of a category, if one was entered.
    pub fn line(&self, category: SpendCategory) -> Option<&SpendLine> {
        self.lines.iter().find(|l| l.category == category)
    }

    /// The sum of every line's capital plus revenue, or `None` if it overflows.
    pub fn total(&self) -> Option<Money> {
        sum_lines(self.lines.iter())
    }
}

/// Capital plus revenue over some lines.
pub fn sum_lines<'a>(lines: impl Iterator<Item = &'a SpendLine>) -> Option<Money> {
    let mut total = Money::ZERO;
    for line in lines {
        total = total.checked_add(line.total()?).ok()?;
    }
    Some(total)
}

/// A difference from last year the officer must explain, with the explanation if given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarningView {
    pub category: SpendCategory,
    pub message: String,
    pub explanation: Option<String>,
}

/// One entry of a return's revision history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// UTC, "2026-11-27 09:15".
    pub at: String,
    pub actor: String,
    /// "Figures saved", "Submitted"…
    pub action: String,
    /// What changed, one line each ("Hardware capital: £0.00 → £1,000.00").
    pub details: Vec<String>,
}

/// What the person looking at a return may do to it now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnPermissions {
    pub start: bool,
    pub edit: bool,
    pub submit: bool,
    pub review: bool,
    pub restate: bool,
    /// Take a submitted return back (its officers, before the board decides).
    pub withdraw: bool,
}

/// Everything the return page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnPage {
    pub org_code: String,
    pub org_name: String,
    pub financial_year: FinancialYear,
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
    /// The newest version; `None` until someone starts the return.
    pub current: Option<ReturnView>,
    /// Every version: (version, status), oldest first.
    pub versions: Vec<(i64, ReturnStatus)>,
    /// Last year's lines, for comparison (the newest version of last year's return).
    pub last_year: Vec<SpendLine>,
    pub warnings: Vec<WarningView>,
    pub history: Vec<HistoryEntry>,
    pub may: ReturnPermissions,
    /// Why the body does not answer for this year (it did not exist on 1 April), if so: the
    /// return cannot be started, changed or submitted, and a stored one is never counted.
    pub outside_life: Option<String>,
}

/// One body's return for one year in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnListRow {
    pub org_code: String,
    pub org_name: String,
    pub sector: String,
    pub financial_year: FinancialYear,
    /// `None`: not started.
    pub status: Option<ReturnStatus>,
    pub version: Option<i64>,
    pub deadline: Option<NaiveDate>,
    pub overdue: bool,
    /// UTC, "2026-11-27 09:15", and who.
    pub last_change: Option<String>,
    pub last_change_by: Option<String>,
}

impl StatusCounts {
    /// The counts of some rows of the status board.
    pub fn of<'a>(rows: impl Iterator<Item = &'a ReturnListRow>) -> StatusCounts {
        rows.fold(StatusCounts::default(), |mut c, r| {
            c.bodies += 1;
            c.not_submitted += usize::from(r.not_submitted());
            c.overdue += usize::from(r.overdue);
            c.submitted += usize::from(r.status == Some(ReturnStatus::Submitted));
            c.approved += usize::from(r.status == Some(ReturnStatus::Approved));
            c
        })
    }
}

impl ReturnListRow {
    /// Not yet with the board: not started, draft or sent back.
    pub fn not_submitted(&self) -> bool {
        !matches!(
            self.status,
            Some(ReturnStatus::Submitted | ReturnStatus::Approved)
        )
    }

    pub fn status_label(&self) -> &'static str {
        self.status.map_or("Not started", ReturnStatus::label)
    }
}

/// The counts at the top of the submission status board.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub bodies: usize,
    pub not_submitted: usize,
    pub overdue: usize,
    pub submitted: usize,
    pub approved: usize,
}

/// The submission status board: every body in the selection × year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatusBoard {
    /// The year shown, or `None` for every year.
    pub financial_year: Option<FinancialYear>,
    /// Years that can be chosen, newest first.
    pub years: Vec<FinancialYear>,
    pub sector: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub rows: Vec<ReturnListRow>,
    /// Counted over every row shown (bodies × years).
    pub counts: StatusCounts,
}

/// A financial year's deadline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeadlineView {
    pub financial_year: FinancialYear,
    pub due: NaiveDate,
}

/// A return as the REST API exports it: the newest version with its lines.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReturnExport {
    pub org_code: String,
    pub org_name: String,
    pub financial_year: FinancialYear,
    pub version: i64,
    pub status: ReturnStatus,
    /// UTC, RFC 3339.
    pub updated_at: String,
    pub lines: Vec<SpendLine>,
    /// The income line, if reported (never netted from the lines' spend).
    pub income: Option<Income>,
    pub explanations: Vec<WarningExplanation>,
}

/// An explanation given for a warning, as exported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WarningExplanation {
    pub category: SpendCategory,
    pub explanation: String,
}
