//! Spend returns: open a draft, save its lines, and move it through its lifecycle.
//!
//! Policy: officers read and write only their own bodies' returns (`CurrentUser`); the board and
//! admins read all and approve or send back. Every save names the `row_version` it edited, and
//! a stale one is a conflict, never a silent overwrite. Each change writes its audit row (before
//! and after) in the same transaction. A restatement copies the approved lines into a new draft
//! version; the approved version is never changed.

use crate::access::{ReadBody, WriteBody};
use crate::db::audit::{self, AuditEntry};
use crate::db::returns::{self, ReturnRecord};
use crate::db::{Db, DbError};
use crate::domain::FinancialYear;
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::CurrentUser;
use crate::services::auth::{now, Client};
use sqlx::AnyConnection;

mod export;
mod form;
mod import;
mod lists;
mod page;
mod save;
mod workflow;

pub use export::*;
pub use form::*;
pub use import::*;
pub use lists::*;
pub use page::*;
pub use save::*;
pub use workflow::*;

pub use crate::model::returns::ReturnView;

/// Which return: a body and a financial year (the newest version is meant).
#[derive(Clone, Copy, Debug)]
pub struct ReturnRef<'a> {
    pub org_code: &'a str,
    pub fy: FinancialYear,
}

pub(super) fn conflict() -> AppError {
    AppError::Conflict("Someone changed this return after you opened it. Reload it to see their changes, then make yours again.".into())
}

pub(super) async fn org_id(conn: &mut AnyConnection, org_code: &str) -> Result<i64, AppError> {
    returns::org_id(conn, org_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {org_code:?}")))
}

/// Why the body does not answer for the year (ADR 0010, rule 1: it did not exist on 1 April),
/// naming its dates and successors; `None` when it does. `NotFound` for an unknown body.
#[tracing::instrument(skip_all, fields(%org_code, %fy))]
pub async fn year_refusal(
    conn: &mut AnyConnection,
    org_code: &str,
    fy: FinancialYear,
) -> Result<Option<String>, AppError> {
    let body = crate::db::savings::body(&mut *conn, org_code)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("The organisation {org_code:?}")))?;
    let successors = crate::db::organisations::successor_names(conn, body.id).await?;
    Ok(body.lifetime().refusal(&body.name, fy, &successors))
}

/// Refuses a change to a return for a year the body does not answer for.
pub(super) async fn check_year(
    conn: &mut AnyConnection,
    key: &ReturnRef<'_>,
) -> Result<(), AppError> {
    match year_refusal(conn, key.org_code, key.fy).await? {
        Some(text) => Err(AppError::validation("financial-year", text)),
        None => Ok(()),
    }
}

pub(super) async fn view(
    conn: &mut AnyConnection,
    key: &ReturnRef<'_>,
    r: ReturnRecord,
) -> Result<ReturnView, AppError> {
    Ok(ReturnView {
        lines: returns::lines(conn, r.id).await?,
        income: returns::income(conn, r.id).await?,
        id: r.id,
        org_code: key.org_code.to_owned(),
        financial_year: key.fy,
        version: r.version,
        status: r.status,
        row_version: r.row_version,
        returned_reason: r.returned_reason,
    })
}

/// The newest version, refused as a conflict if anyone changed it since `row_version`.
pub(super) async fn current_at(
    conn: &mut AnyConnection,
    key: &ReturnRef<'_>,
    row_version: i64,
) -> Result<(i64, ReturnRecord), AppError> {
    let org = org_id(conn, key.org_code).await?;
    let current = returns::latest(conn, org, i64::from(key.fy.start_year()))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("A {} return for {}", key.fy, key.org_code)))?;
    if current.row_version != row_version {
        return Err(conflict());
    }
    Ok((org, current))
}

/// Reads the newest version back inside the transaction, then commits.
pub(super) async fn read_back_and_commit(
    mut tx: sqlx::Transaction<'_, sqlx::Any>,
    org: i64,
    key: &ReturnRef<'_>,
) -> Result<ReturnView, AppError> {
    let record = returns::latest(&mut tx, org, i64::from(key.fy.start_year()))
        .await?
        .ok_or_else(|| AppError::internal("a return vanished"))?;
    let view = view(&mut tx, key, record).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(view)
}

/// The newest version of the body's return for the year, or `NotFound`.
#[tracing::instrument(skip_all, fields(user = read.user().id, org = read.code(), %fy))]
pub async fn get(db: &Db, read: &ReadBody<'_>, fy: FinancialYear) -> Result<ReturnView, AppError> {
    let key = &ReturnRef {
        org_code: read.code(),
        fy,
    };
    let (org_code, fy) = (key.org_code, key.fy);
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let org = org_id(&mut conn, org_code).await?;
    let record = returns::latest(&mut conn, org, i64::from(fy.start_year()))
        .await?
        .ok_or_else(|| AppError::NotFound(format!("A {fy} return for {org_code}")))?;
    view(&mut conn, key, record).await
}

/// The newest version of the body's return for the year, or a new empty draft (version 1) with
/// its audit row, inside the caller's transaction.
pub(super) async fn latest_or_new(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    client: &Client,
    org: i64,
    key: &ReturnRef<'_>,
) -> Result<ReturnRecord, AppError> {
    let year = i64::from(key.fy.start_year());
    check_year(&mut *conn, key).await?;
    if let Some(existing) = returns::latest(&mut *conn, org, year).await? {
        return Ok(existing);
    }
    let id = returns::insert(&mut *conn, org, year, 1, now(), user.id).await?;
    let mut e = entry(user, client, AuditAction::ReturnCreated, id);
    e.after =
        Some(serde_json::json!({ "org": key.org_code, "fy": key.fy.to_string(), "version": 1 }));
    audit::record(&mut *conn, &e).await?;
    returns::latest(conn, org, year)
        .await?
        .ok_or_else(|| AppError::internal("a new return vanished"))
}

/// The body's return for the year, creating an empty draft (version 1) if there is none.
#[tracing::instrument(skip_all, fields(user = write.user().id, org = write.code(), %fy))]
pub async fn open(
    db: &Db,
    write: &WriteBody<'_>,
    fy: FinancialYear,
) -> Result<ReturnView, AppError> {
    let key = &ReturnRef {
        org_code: write.code(),
        fy,
    };
    let user = write.user();
    let client = write.client();
    let org_code = key.org_code;
    let mut tx = db.begin().await?;
    let org = org_id(&mut tx, org_code).await?;
    let record = latest_or_new(&mut tx, user, client, org, key).await?;
    let view = view(&mut tx, key, record).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(view)
}

pub(super) fn entry(
    user: &CurrentUser,
    client: &Client,
    action: AuditAction,
    return_id: i64,
) -> AuditEntry {
    AuditEntry::by(user, &client.addr, action, "return", return_id)
}
