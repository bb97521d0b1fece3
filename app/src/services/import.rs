//! Spreadsheet imports: upload (kept in the database), preview against what is stored, and
//! commit through the returns service in one transaction.
//!
//! Policy: the file is parsed on a blocking thread with a time limit, every time it is looked
//! at; the commit runs exactly the validation the preview showed. Only the body's officers may
//! upload, preview or commit its imports.

use crate::db::imports::{self, NewUpload, UploadRow};
use crate::db::{Db, DbError};
use crate::domain::spend_line::{change_warning, SpendLine};
use crate::domain::{FinancialYear, Money, ReturnStatus, SpendCategory};
use crate::error::AppError;
use crate::import::estate::{self as estate_sheets, ParsedEstate};
use crate::import::reader::{self, Limits};
use crate::import::spend::{self, ParsedSpend, Target};
use crate::model::import::{
    ChangeKind, ImportPreview, IncomeChange, LineChange, Problem, Severity,
};
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use crate::services::estate_import;
use crate::services::returns::{self, ImportedFile, ReturnRef};
use crate::util::capitalise;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::time::Duration;

/// The largest upload accepted unless configured otherwise (10 MB).
pub const DEFAULT_MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// How long reading one file may take before it is refused.
pub const PARSE_TIME_LIMIT: Duration = Duration::from_secs(30);
/// Uploads older than this are removed (seconds).
const UPLOAD_RETENTION_SECS: i64 = 7 * 24 * 3600;

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

fn unreadable(file_name: &str, bytes: &[u8], e: &reader::ReadError) -> ParsedSpend {
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
pub async fn known_orgs(db: &Db) -> Result<HashSet<String>, AppError> {
    Ok(crate::db::organisations::codes(db.pool())
        .await?
        .into_iter()
        .collect())
}

/// Parses on a blocking thread, refusing a file that takes longer than `PARSE_TIME_LIMIT`.
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

fn total(lines: impl Iterator<Item = Option<SpendLine>>) -> Money {
    lines
        .flatten()
        .filter_map(|l| l.total())
        .fold(Money::ZERO, |acc, m| acc.checked_add(m).unwrap_or(acc))
}

/// Stores an upload for the body and year; its token names the preview.
pub async fn upload(
    db: &Db,
    user: &CurrentUser,
    org_code: &str,
    fy: FinancialYear,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, AppError> {
    if !user.may_write_org(org_code) {
        return Err(AppError::Forbidden);
    }
    let file_name = file_name
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file_name)
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect::<String>();
    if file_name.trim().is_empty() || bytes.is_empty() {
        return Err(AppError::validation("file", "Choose a file to upload"));
    }
    reader::format_of(&file_name)
        .map_err(|e| AppError::validation("file", capitalise(&e.to_string())))?;
    let mut tx = db.begin().await?;
    let org_id = crate::db::returns::org_id(&mut tx, org_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {org_code:?}")))?;
    imports::delete_older_than(&mut tx, now() - UPLOAD_RETENTION_SECS).await?;
    let token = uuid::Uuid::new_v4().simple().to_string();
    let fy_start = i64::from(fy.start_year());
    let pinned = imports::pinned_state(&mut tx, org_id, fy_start).await?;
    imports::insert(
        &mut tx,
        &NewUpload {
            pinned: &pinned,
            token: &token,
            org_id,
            fy_start: i64::from(fy.start_year()),
            file_name: &file_name,
            sha256: &sha256_hex(bytes),
            content: bytes,
            uploaded_by: user.id,
            now: now(),
        },
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(token)
}

async fn load(
    db: &Db,
    user: &CurrentUser,
    token: &str,
) -> Result<(UploadRow, FinancialYear), AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    // Another body's upload is answered as if it did not exist (issue 15): nothing is learned
    // of it.
    let not_found = || AppError::NotFound("That upload (uploads are kept for a week)".into());
    let row = imports::find(&mut conn, token)
        .await?
        .ok_or_else(not_found)?;
    if !user.may_write_org(&row.org_code) {
        return Err(not_found());
    }
    let fy = i32::try_from(row.fy_start)
        .ok()
        .and_then(|y| FinancialYear::starting(y).ok())
        .ok_or_else(|| AppError::internal("an upload's year is out of range"))?;
    Ok((row, fy))
}

/// A warning for each category the body's baseline has an amount in but the file gives no
/// line for: it stays blank (not zero), and the return cannot be submitted until it has a
/// figure (ADR 0010, rule 3).
pub async fn blank_warnings(
    db: &Db,
    org_code: &str,
    parsed: &ParsedSpend,
) -> Result<Vec<Problem>, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let Some(org) = crate::db::returns::org_id(&mut conn, org_code).await? else {
        return Ok(Vec::new());
    };
    let Some(baseline) = crate::services::savings::effective_baseline_of(&mut conn, org).await?
    else {
        return Ok(Vec::new());
    };
    let present = |c: SpendCategory| parsed.lines.iter().any(|l| l.category == c);
    Ok(
        crate::domain::savings::counting::missing_categories(&baseline, present)
            .into_iter()
            .map(|c| Problem {
                severity: Severity::Warning,
                cell: format!("{} ({})", parsed.sheet, c.name()),
                found: format!(
                    "no line for {}, for which the body's baseline has {}",
                    c.name().to_lowercase(),
                    baseline.amount(c)
                ),
                expected: "a figure for every category of the baseline, £0 if there was none: a blank is not counted as zero, and the return cannot be submitted until it has one".into(),
            })
            .collect(),
    )
}

/// Why the body does not answer for the year of the import, if so (ADR 0010, rule 1).
pub async fn year_refusal(db: &Db, key: &ReturnRef<'_>) -> Result<Option<String>, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    returns::year_refusal(&mut conn, key.org_code, key.fy).await
}

/// Parses a stored upload again and compares it with the stored return. The import is pinned
/// to the versions read first, before the comparison reads them: a change in between makes
/// the commit refuse (never import over something the preview did not show).
pub async fn preview(db: &Db, user: &CurrentUser, token: &str) -> Result<ImportPreview, AppError> {
    let (row, fy) = load(db, user, token).await?;
    if row.committed_at.is_none() {
        let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
        let pinned = imports::pinned_state(&mut conn, row.org_id, row.fy_start).await?;
        imports::set_pinned(&mut conn, row.id, &pinned).await?;
    }
    build_preview(db, row, fy).await
}

/// Refuses a commit when anything the import can change is not as its preview showed it:
/// what changed, in words, and nothing written.
async fn check_pinned(
    conn: &mut sqlx::AnyConnection,
    row: &UploadRow,
    key: &ReturnRef<'_>,
) -> Result<(), AppError> {
    let now = imports::pinned_state(&mut *conn, row.org_id, row.fy_start).await?;
    let Some(pinned) = row.pinned.as_deref().filter(|p| *p != now) else {
        return Ok(());
    };
    let items = |text: &str| -> Vec<(String, String)> {
        text.split(',')
            .filter(|i| !i.is_empty())
            .filter_map(|i| i.rsplit_once(':'))
            .map(|(item, version)| (item.to_owned(), version.to_owned()))
            .collect()
    };
    let (before, after) = (items(pinned), items(&now));
    let changed = |kind: &str| {
        let of = |list: &[(String, String)]| -> Vec<(String, String)> {
            list.iter()
                .filter(|(item, _)| item.starts_with(kind))
                .cloned()
                .collect()
        };
        of(&before) != of(&after)
    };
    let mut what = Vec::new();
    if changed("return:") {
        let who = match crate::db::returns::latest(&mut *conn, row.org_id, row.fy_start).await? {
            Some(r) => crate::db::returns::last_editor(&mut *conn, r.id)
                .await?
                .map(|w| format!(" (last saved by {w})"))
                .unwrap_or_default(),
            None => String::new(),
        };
        what.push(format!("the {} return{who}", key.fy));
    }
    if changed("site:") {
        what.push("the body's data centres".to_owned());
    }
    if changed("adoption:") {
        what.push("the body's shared-service adoptions".to_owned());
    }
    Err(AppError::Conflict(format!(
        "Nothing was imported: {} changed after this file's preview was shown. Look at the preview again: it shows what importing the file would change now.",
        what.join(" and ")
    )))
}

async fn build_preview(
    db: &Db,
    row: UploadRow,
    fy: FinancialYear,
) -> Result<ImportPreview, AppError> {
    let analysis = parse_in_background(
        db,
        row.file_name.clone(),
        row.content,
        row.org_code.clone(),
        row.org_name.clone(),
        fy,
    )
    .await?;
    let key = ReturnRef {
        org_code: &row.org_code,
        fy,
    };
    let refusal = year_refusal(db, &key).await?;
    let (status, stored, last_year) = returns::stored_for_import(db, &key).await?;
    let income = analysis
        .spend
        .as_ref()
        .and_then(|parsed| IncomeChange::of(stored.income.clone(), parsed.income.clone()));
    let (changes, warnings, blocked, spend) = match &analysis.spend {
        Some(parsed) => {
            let (c, mut w, b) = compare(parsed, status, &stored.lines, &last_year, fy);
            w.extend(blank_warnings(db, &row.org_code, parsed).await?);
            (c, w, refusal.or(b), parsed.clone())
        }
        None => (Vec::new(), Vec::new(), None, ParsedSpend::default()),
    };
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let plan = estate_import::plan(&mut conn, row.org_id, &analysis.estate).await?;
    let mut errors: Vec<Problem> = spend.errors().cloned().collect();
    errors.extend(plan.problems.iter().cloned());
    Ok(ImportPreview {
        token: row.token,
        file_name: row.file_name,
        sha256: row.sha256,
        size_bytes: row.size_bytes,
        org_code: row.org_code,
        org_name: row.org_name,
        financial_year: fy,
        sheet: spend.sheet.clone(),
        rows_read: spend.rows_read,
        rows_imported: spend.rows_imported,
        blank_rows: spend.blank_rows,
        total_rows: spend.total_rows.clone(),
        ignored_columns: spend.ignored_columns.clone(),
        errors,
        warnings,
        total_before: total(changes.iter().map(|c| c.before.clone())),
        total_after: total(changes.iter().map(|c| c.after.clone())),
        changes,
        income,
        spend_in_file: analysis.spend.is_some(),
        sites: plan.sites,
        adoptions: plan.adoptions,
        status,
        blocked,
        committed_at: row.committed_at.and_then(|t| {
            chrono::DateTime::from_timestamp(t, 0).map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        }),
    })
}

/// The result of a commit.
#[derive(Clone, Debug)]
pub struct Committed {
    pub org_code: String,
    pub financial_year: FinancialYear,
    /// False when the file held exactly what was stored: nothing was written.
    pub changed: bool,
    /// Whether the file had spend figures (else only estate sheets).
    pub spend_in_file: bool,
    /// Whether the file had a data-centres sheet.
    pub sites_in_file: bool,
}

/// Validates the stored upload again and, if it has no errors and its warnings are
/// acknowledged, replaces the return's lines and saves the estate sheets' sites and adoptions,
/// all in one transaction.
pub async fn commit(
    db: &Db,
    user: &CurrentUser,
    client: &Client,
    token: &str,
    acknowledged: bool,
) -> Result<Committed, AppError> {
    let (row, fy) = load(db, user, token).await?;
    if row.committed_at.is_some() {
        return Err(AppError::Conflict(
            "This upload was imported already; upload the file again to import it again.".into(),
        ));
    }
    let (id, org, org_code, file_name, sha, size) = (
        row.id,
        row.org_id,
        row.org_code.clone(),
        row.file_name.clone(),
        row.sha256.clone(),
        row.size_bytes,
    );
    let analysis = parse_in_background(
        db,
        row.file_name.clone(),
        row.content.clone(),
        row.org_code.clone(),
        row.org_name.clone(),
        fy,
    )
    .await?;
    let key = ReturnRef {
        org_code: &org_code,
        fy,
    };
    let mut warnings = Vec::new();
    if let Some(parsed) = &analysis.spend {
        if let Some(text) = year_refusal(db, &key).await? {
            return Err(AppError::validation("financial-year", text));
        }
        let (status, stored, last_year) = returns::stored_for_import(db, &key).await?;
        let (_, mut w, blocked) = compare(parsed, status, &stored.lines, &last_year, fy);
        w.extend(blank_warnings(db, &org_code, parsed).await?);
        if let Some(first) = parsed.errors().next() {
            return Err(AppError::validation(
                "file",
                format!(
                    "The file has {} problems to fix first, starting at {}: expected {}",
                    parsed.errors().count(),
                    first.cell,
                    first.expected
                ),
            ));
        }
        if let Some(reason) = blocked {
            return Err(AppError::Conflict(reason));
        }
        warnings = w;
    }
    if !warnings.is_empty() && !acknowledged {
        return Err(AppError::validation(
            "acknowledge",
            "Confirm that you have read the warnings",
        ));
    }
    let mut tx = db.begin().await?;
    check_pinned(&mut tx, &row, &key).await?;
    let plan = estate_import::plan(&mut tx, org, &analysis.estate).await?;
    if let Some(first) = plan.problems.first() {
        return Err(AppError::validation(
            "file",
            format!(
                "The file has {} problems to fix first, starting at {}: expected {}",
                plan.problems.len(),
                first.cell,
                first.expected
            ),
        ));
    }
    let mut changed = false;
    if let Some(parsed) = &analysis.spend {
        let file = ImportedFile {
            file_name: &file_name,
            sha256: &sha,
            size_bytes: size,
            upload_id: Some(id),
        };
        changed |=
            returns::import_lines_in(&mut tx, user, client, org, &key, &parsed.figures(), &file)
                .await?;
    }
    if plan.changes_something() {
        estate_import::apply(&mut tx, user, client, &org_code, org, &plan).await?;
        changed = true;
    }
    if changed && !imports::mark_committed(&mut tx, id, now()).await? {
        return Err(AppError::Conflict(
            "This upload was committed already; upload the file again to import it again.".into(),
        ));
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(Committed {
        org_code,
        financial_year: fy,
        changed,
        spend_in_file: analysis.spend.is_some(),
        sites_in_file: analysis.estate.has_sites,
    })
}
