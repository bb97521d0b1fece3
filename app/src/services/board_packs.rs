//! Board packs: a dashboard frozen into a dated, immutable snapshot stored in the database (its
//! HTML is rendered by `crate::report`).
//!
//! Policy (issue 8): a pack stores its data cut (the dashboard as JSON), its rendered body and a
//! self-contained HTML file (styles inline, charts inline as SVG, each chart's CSV inline as a
//! `data:` link), with the file's SHA-256. Nothing ever updates a pack, so it reads back byte
//! for byte as frozen, whatever happens to the returns afterwards; any server instance serves
//! it. Board and programme office only.

use crate::access::ReadAll;
use crate::db::audit::{self, AuditEntry};
use crate::db::board_packs::{self as store, NewPack, PackRow};
use crate::db::{Db, DbError};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::dashboard::{
    BoardPackSummary, BoardPackView, DashboardQuery, ProgrammeDashboard,
};
use crate::services::auth::now;
use crate::services::dashboard;
use crate::services::import::sha256_hex;

use crate::report::pack_document;
pub use crate::report::{escape, filters_text, render_body, render_org_body, CsvLinks};

fn when(at: i64) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_default()
}

fn summary(row: PackRow) -> BoardPackSummary {
    let (id, title, filters, sha256, size, at, by) = row;
    BoardPackSummary {
        id,
        title,
        frozen_at: when(at),
        frozen_by: by,
        filters,
        sha256,
        size_bytes: usize::try_from(size).unwrap_or(0),
    }
}

/// Freezes the dashboard for `q` into a new pack; returns its id.
#[tracing::instrument(skip_all, fields(user = all.user().id, %title, ?q))]
pub async fn freeze(
    db: &Db,
    all: &ReadAll<'_>,
    title: &str,
    q: &DashboardQuery,
) -> Result<i64, AppError> {
    let user = all.user();
    let client = all.client();
    let title = title.trim();
    if title.is_empty() {
        return Err(AppError::validation(
            "title",
            "Title: give the pack a title, like \"Board meeting, March 2016\"",
        ));
    }
    if title.chars().count() > 200 {
        return Err(AppError::validation(
            "title",
            "Title: at most 200 characters",
        ));
    }
    let mut d = ProgrammeDashboard::clone(&*dashboard::programme(db, all, q).await?);
    // The pack keeps its own body; the live one is not part of the data cut.
    d.body_html.clear();
    let at = now();
    let filters = filters_text(&d);
    let body = render_body(&d, CsvLinks::Frozen);
    let file = pack_document(title, &when(at), &user.display_name, &filters, &body);
    let sha = sha256_hex(file.as_bytes());
    let data =
        serde_json::to_string(&d).map_err(|e| AppError::internal(format!("a pack's data: {e}")))?;
    let query = serde_json::to_string(&d.query).map_err(|e| AppError::internal(e.to_string()))?;
    let mut tx = db.begin().await?;
    let id = store::insert(
        &mut tx,
        &NewPack {
            title,
            query: &query,
            filters: &filters,
            data_json: &data,
            body_html: &body,
            document: &file,
            sha256: &sha,
            at,
            user: user.id,
        },
    )
    .await?;
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            AuditAction::BoardPackFrozen,
            "board_pack",
            id,
        )
        .at(at)
        .after(serde_json::json!({ "title": title, "filters": filters, "sha256": sha })),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(id)
}

/// Every pack, newest first (board and office).
#[tracing::instrument(skip_all, fields(user = all.user().id))]
pub async fn list(db: &Db, all: &ReadAll<'_>) -> Result<Vec<BoardPackSummary>, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    Ok(store::list(&mut conn)
        .await?
        .into_iter()
        .map(summary)
        .collect())
}

/// One pack as frozen (board and office).
#[tracing::instrument(skip_all, fields(user = all.user().id, id))]
pub async fn get(db: &Db, all: &ReadAll<'_>, id: i64) -> Result<BoardPackView, AppError> {
    Ok(file(db, all, id).await?.0)
}

/// One pack and its self-contained file, byte for byte as frozen.
#[tracing::instrument(skip_all, fields(user = all.user().id, id))]
pub async fn file(
    db: &Db,
    all: &ReadAll<'_>,
    id: i64,
) -> Result<(BoardPackView, String), AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let (row, body, document) = store::find(&mut conn, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("Board pack {id}")))?;
    let summary = summary(row);
    // The database refuses to change a pack (migration 0017); the hash checks the bytes too.
    let verified = crate::services::import::sha256_hex(document.as_bytes()) == summary.sha256;
    if !verified {
        tracing::error!(
            pack = id,
            "a board pack's file no longer matches its SHA-256"
        );
    }
    Ok((
        BoardPackView {
            summary,
            body_html: body,
            verified,
        },
        document,
    ))
}
