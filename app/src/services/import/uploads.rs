//! An upload kept between its preview and its commit: storing it, previewing it, and
//! committing it pinned to what the preview showed (issue 15).

use super::UPLOAD_RETENTION_SECS;
use super::{compare, parse_in_background, sha256_hex, total};
use crate::access::{Actor, WriteBody};
use crate::db::imports::{self, NewUpload, UploadRow};
use crate::db::{Db, DbError};
use crate::domain::{FinancialYear, SpendCategory};
use crate::error::AppError;
use crate::import::reader::{self};
use crate::import::spend::ParsedSpend;
use crate::model::import::{ImportPreview, IncomeChange, Problem, Severity};
use crate::services::auth::now;
use crate::services::estate_import;
use crate::services::returns::{self, ImportedFile, ReturnRef};
use crate::util::capitalise;

/// Stores an upload for the body and year; its token names the preview.
#[tracing::instrument(skip_all, fields(user = write.user().id, org_code = write.code(), %fy, %file_name))]
pub async fn upload(
    db: &Db,
    write: &WriteBody<'_>,
    fy: FinancialYear,
    file_name: &str,
    bytes: &[u8],
) -> Result<String, AppError> {
    let org_code = write.code();
    let user = write.user();
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

pub(super) async fn load(
    db: &Db,
    actor: &Actor,
    token: &str,
) -> Result<(UploadRow, FinancialYear), AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    // Another body's upload is answered as if it did not exist (issue 15): nothing is learned
    // of it.
    let not_found = || AppError::NotFound("That upload (uploads are kept for a week)".into());
    let row = imports::find(&mut conn, token)
        .await?
        .ok_or_else(not_found)?;
    if !actor.can_write_body(&row.org_code) {
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
#[tracing::instrument(skip_all, fields(%org_code))]
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
#[tracing::instrument(skip_all, fields(org = %key.org_code, fy = %key.fy))]
pub async fn year_refusal(db: &Db, key: &ReturnRef<'_>) -> Result<Option<String>, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    returns::year_refusal(&mut conn, key.org_code, key.fy).await
}

/// Parses a stored upload again and compares it with the stored return. The import is pinned
/// to the versions read first, before the comparison reads them: a change in between makes
/// the commit refuse (never import over something the preview did not show).
#[tracing::instrument(skip_all, fields(user = actor.user.id))]
pub async fn preview(db: &Db, actor: &Actor, token: &str) -> Result<ImportPreview, AppError> {
    let (row, fy) = load(db, actor, token).await?;
    if row.committed_at.is_none() {
        let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
        let pinned = imports::pinned_state(&mut conn, row.org_id, row.fy_start).await?;
        imports::set_pinned(&mut conn, row.id, &pinned).await?;
    }
    build_preview(db, row, fy).await
}

/// Refuses a commit when anything the import can change is not as its preview showed it:
/// what changed, in words, and nothing written.
pub(super) async fn check_pinned(
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

pub(super) async fn build_preview(
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

/// A file that still has problems: how many, and where the first is.
fn problems_first(count: usize, first: &Problem) -> AppError {
    AppError::validation(
        "file",
        format!(
            "The file has {count} problems to fix first, starting at {}: expected {}",
            first.cell, first.expected
        ),
    )
}

/// The spend sheet checked again before it is imported: refused for a year the body does not
/// answer for, a file with problems or a return that cannot take it; otherwise its warnings.
async fn spend_warnings(
    db: &Db,
    parsed: &ParsedSpend,
    key: &ReturnRef<'_>,
) -> Result<Vec<Problem>, AppError> {
    if let Some(text) = year_refusal(db, key).await? {
        return Err(AppError::validation("financial-year", text));
    }
    let (status, stored, last_year) = returns::stored_for_import(db, key).await?;
    let (_, mut warnings, blocked) = compare(parsed, status, &stored.lines, &last_year, key.fy);
    warnings.extend(blank_warnings(db, key.org_code, parsed).await?);
    if let Some(first) = parsed.errors().next() {
        return Err(problems_first(parsed.errors().count(), first));
    }
    if let Some(reason) = blocked {
        return Err(AppError::Conflict(reason));
    }
    Ok(warnings)
}

/// Validates the stored upload again and, if it has no errors and its warnings are
/// acknowledged, replaces the return's lines and saves the estate sheets' sites and adoptions,
/// all in one transaction.
#[tracing::instrument(skip_all, fields(user = actor.user.id, acknowledged))]
pub async fn commit(
    db: &Db,
    actor: &Actor,
    token: &str,
    acknowledged: bool,
) -> Result<Committed, AppError> {
    let user = &actor.user;
    let client = &actor.client;
    let (row, fy) = load(db, actor, token).await?;
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
    let warnings = match &analysis.spend {
        Some(parsed) => spend_warnings(db, parsed, &key).await?,
        None => Vec::new(),
    };
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
        return Err(problems_first(plan.problems.len(), first));
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
