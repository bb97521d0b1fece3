//! Read models of a spreadsheet import: the problem report and the preview of what will change.

use crate::domain::income::Income;
use crate::domain::spend_line::SpendLine;
use crate::domain::{FinancialYear, Money, ReturnStatus, SpendCategory};
use serde::{Deserialize, Serialize};

/// Whether a problem blocks the import or needs acknowledging.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, pointed at its cell.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub severity: Severity,
    /// `Spend!D14`, or a sheet's name for a problem with a whole sheet or category.
    pub cell: String,
    pub found: String,
    pub expected: String,
}

/// How one category's line would change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    New,
    Changed,
    Unchanged,
    /// Stored now, absent from the file: the file is the whole return, so the line goes.
    Removed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LineChange {
    pub category: SpendCategory,
    pub kind: ChangeKind,
    pub before: Option<SpendLine>,
    pub after: Option<SpendLine>,
}

/// How one site or adoption row of the file would change what is stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecordChange {
    /// The row in the file (`Data centres!A5`).
    pub at: String,
    /// The site's name, or the shared service's name.
    pub subject: String,
    pub kind: ChangeKind,
    /// What changes, in words.
    pub detail: String,
}

/// An uploaded file, validated against what is stored, before anything is written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImportPreview {
    pub token: String,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub org_code: String,
    pub org_name: String,
    pub financial_year: FinancialYear,
    /// The sheet read ("Spend"), if one was found.
    pub sheet: String,
    pub rows_read: usize,
    pub rows_imported: usize,
    pub blank_rows: usize,
    pub total_rows: Vec<String>,
    pub ignored_columns: Vec<String>,
    pub errors: Vec<Problem>,
    pub warnings: Vec<Problem>,
    pub changes: Vec<LineChange>,
    /// What happens to the income line (`None`: neither stored nor in the file). Income is
    /// recorded beside the spend and never in its totals.
    #[serde(default)]
    pub income: Option<IncomeChange>,
    /// False when the file's spend sheet is absent or empty beside estate sheets: the return is
    /// left as it is.
    pub spend_in_file: bool,
    /// The rows of the "Data centres" sheet, if the file has one.
    pub sites: Vec<RecordChange>,
    /// The rows of the "Shared services" sheet, if the file has one.
    pub adoptions: Vec<RecordChange>,
    pub total_before: Money,
    pub total_after: Money,
    /// The stored return's status now (`None`: not started).
    pub status: Option<ReturnStatus>,
    /// Why the return cannot take an import now (submitted, approved), if so.
    pub blocked: Option<String>,
    /// When this upload was committed, if it was (UTC).
    pub committed_at: Option<String>,
}

/// The income line before and after an import.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IncomeChange {
    pub kind: ChangeKind,
    pub before: Option<Income>,
    pub after: Option<Income>,
}

impl IncomeChange {
    /// The change from `before` to `after`; `None` when neither has income.
    pub fn of(before: Option<Income>, after: Option<Income>) -> Option<IncomeChange> {
        let kind = match (&before, &after) {
            (None, None) => return None,
            (None, Some(_)) => ChangeKind::New,
            (Some(_), None) => ChangeKind::Removed,
            (Some(b), Some(a)) if b == a => ChangeKind::Unchanged,
            (Some(_), Some(_)) => ChangeKind::Changed,
        };
        Some(IncomeChange {
            kind,
            before,
            after,
        })
    }
}

impl ImportPreview {
    /// True when the file holds exactly what is stored: importing it would change nothing.
    pub fn changes_nothing(&self) -> bool {
        self.changes
            .iter()
            .map(|c| c.kind)
            .chain(self.income.iter().map(|c| c.kind))
            .chain(self.sites.iter().map(|c| c.kind))
            .chain(self.adoptions.iter().map(|c| c.kind))
            .all(|k| k == ChangeKind::Unchanged)
    }

    pub fn may_commit(&self) -> bool {
        self.errors.is_empty() && self.blocked.is_none() && self.committed_at.is_none()
    }
}
