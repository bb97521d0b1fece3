//! Spreadsheet imports: upload (kept in the database), preview against what is stored, and
//! commit through the returns service in one transaction.
//!
//! Policy: the file is parsed on a blocking thread with a time limit, every time it is looked
//! at; the commit runs exactly the validation the preview showed. Only the body's officers may
//! upload, preview or commit its imports.

use crate::db::Db;
use crate::domain::spend_line::{change_warning, SpendLine};
use crate::domain::{FinancialYear, Money, ReturnStatus, SpendCategory};
use crate::error::AppError;
use crate::import::estate::{self as estate_sheets, ParsedEstate};
use crate::import::reader::{self, Limits};
use crate::import::spend::{self, ParsedSpend, Target};
use crate::model::import::{ChangeKind, LineChange, Problem, Severity};
use crate::services::returns::{self};
use crate::util::capitalise;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::time::Duration;

mod uploads;

pub use uploads::*;

/// The largest upload accepted unless configured otherwise (10 MB).
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// How long reading one file may take before it is refused.
pub const PARSE_TIME_LIMIT: Duration = Duration::from_secs(30);
/// Uploads older than this are removed (seconds).
pub(super) const UPLOAD_RETENTION_SECS: i64 = 7 * 24 * 3600;

/// The SHA-256 of a file, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Reads and parses a file for a body and year (synchronous; see `parse_in_background`). A file
/// that cannot be read at all is one error naming the file.
pub fn analyse(
    file_name: &str,
    bytes: &[u8],
    target: &Target<'_>,
    limits: &Limits,
    progress: &mut dyn FnMut(usize),
) -> ParsedSpend {
    match reader::read(file_name, bytes, limits) {
        Ok(book) => spend::parse(&book, target, progress),
        Err(e) => unreadable(file_name, bytes, &e),
    }
}

/// A workbook's spend sheet and estate sheets, read.
#[derive(Clone, Debug, Default)]
pub struct Analysis {
    /// `None` when the file has estate sheets and no spend figures: the return is left alone.
    pub spend: Option<ParsedSpend>,
    pub estate: ParsedEstate,
}

/// Reads every sheet an import understands. A workbook without estate sheets is a spend return
/// exactly as `analyse` reads it; beside estate sheets, a spend sheet without figures (the
/// template's, left empty or only pre-filled) leaves the return as it is.
pub fn analyse_all(
    file_name: &str,
    bytes: &[u8],
    target: &Target<'_>,
    limits: &Limits,
    progress: &mut dyn FnMut(usize),
) -> Analysis {
    let book = match reader::read(file_name, bytes, limits) {
        Ok(book) => book,
        Err(e) => {
            return Analysis {
                spend: Some(unreadable(file_name, bytes, &e)),
                estate: ParsedEstate::default(),
            }
        }
    };
    let estate = estate_sheets::parse(&book);
    if !estate.has_sites && !estate.has_adoptions {
        return Analysis {
            spend: Some(spend::parse(&book, target, progress)),
            estate,
        };
    }
    let rest = reader::Workbook {
        sheets: book
            .sheets
            .into_iter()
            .filter(|s| {
                !estate_sheets::is_estate_sheet(&s.name)
                    && !s.name.trim().eq_ignore_ascii_case("instructions")
            })
            .collect(),
    };
    if rest.sheets.is_empty() {
        return Analysis {
            spend: None,
            estate,
        };
    }
    let parsed = spend::parse(&rest, target, progress);
    let has_figures = parsed.income.is_some()
        || parsed.lines.iter().any(|l| {
            l.capital != Money::ZERO
                || l.revenue != Money::ZERO
                || l.fte.is_some()
                || l.note.is_some()
        });
    let row_errors =
        parsed.rows_read > parsed.blank_rows && parsed.errors().any(|p| p.cell.contains('!'));
    Analysis {
        spend: (has_figures || row_errors).then_some(parsed),
        estate,
    }
}

pub(super) fn unreadable(file_name: &str, bytes: &[u8], e: &reader::ReadError) -> ParsedSpend {
    ParsedSpend {
        problems: vec![Problem {
            severity: Severity::Error,
            cell: file_name.to_owned(),
            found: format!("a file of {} bytes", bytes.len()),
            expected: capitalise(&e.to_string()),
        }],
        ..ParsedSpend::default()
    }
}

/// Every organisation code, for telling "another body" from "no such body" in a file.
#[tracing::instrument(skip_all)]
pub async fn known_orgs(db: &Db) -> Result<HashSet<String>, AppError> {
    Ok(crate::db::organisations::codes(db.pool())
        .await?
        .into_iter()
        .collect())
}

/// Parses on a blocking thread, refusing a file that takes longer than `PARSE_TIME_LIMIT`.
#[tracing::instrument(skip_all, fields(%file_name, %org_code, %fy))]
pub async fn parse_in_background(
    db: &Db,
    file_name: String,
    bytes: Vec<u8>,
    org_code: String,
    org_name: String,
    fy: FinancialYear,
) -> Result<Analysis, AppError> {
    let known = known_orgs(db).await?;
    let task = tokio::task::spawn_blocking(move || {
        let is_known = |code: &str| known.contains(code);
        let target = Target {
            org_code: &org_code,
            org_name: &org_name,
            fy,
            is_known_org: &is_known,
        };
        analyse_all(&file_name, &bytes, &target, &Limits::default(), &mut |_| {})
    });
    match tokio::time::timeout(PARSE_TIME_LIMIT, task).await {
        Ok(Ok(parsed)) => Ok(parsed),
        Ok(Err(join)) => Err(AppError::internal(format!("the import parser failed: {join}"))),
        Err(_) => Err(AppError::validation(
            "file",
            format!(
                "The file took longer than {} seconds to read, so it was not imported. Save it again from your spreadsheet program, or split it.",
                PARSE_TIME_LIMIT.as_secs()
            ),
        )),
    }
}

/// Compares parsed lines with what is stored, adds last year's change warnings, and says
/// whether the return can take them.
pub fn compare(
    parsed: &ParsedSpend,
    status: Option<ReturnStatus>,
    stored: &[SpendLine],
    last_year: &[SpendLine],
    fy: FinancialYear,
) -> (Vec<LineChange>, Vec<Problem>, Option<String>) {
    let mut changes = Vec::new();
    for category in SpendCategory::ALL {
        let before = stored.iter().find(|l| l.category == category).cloned();
        let after = parsed
            .lines
            .iter()
            .find(|l| l.category == category)
            .cloned();
        let kind = match (&before, &after) {
            (None, None) => continue,
            (None, Some(_)) => ChangeKind::New,
            (Some(_), None) => ChangeKind::Removed,
            (Some(b), Some(a)) if b == a => ChangeKind::Unchanged,
            (Some(_), Some(_)) => ChangeKind::Changed,
        };
        changes.push(LineChange {
            category,
            kind,
            before,
            after,
        });
    }
    let label = fy.previous().map(|p| p.to_string()).unwrap_or_default();
    let warnings = parsed
        .lines
        .iter()
        .filter_map(|l| {
            change_warning(
                l,
                last_year.iter().find(|x| x.category == l.category),
                &label,
            )
        })
        .map(|w| Problem {
            severity: Severity::Warning,
            cell: format!("{} ({})", parsed.sheet, w.category.code()),
            found: w.message,
            expected: "an explanation on the return's page before it is submitted".into(),
        })
        .collect();
    let blocked = status
        .filter(|s| !s.is_editable())
        .map(returns::import_blocked);
    (changes, warnings, blocked)
}

pub(super) fn total(lines: impl Iterator<Item = Option<SpendLine>>) -> Money {
    lines
        .flatten()
        .filter_map(|l| l.total())
        .fold(Money::ZERO, |acc, m| acc.checked_add(m).unwrap_or(acc))
}
