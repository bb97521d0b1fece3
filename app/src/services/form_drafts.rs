//! Refused forms kept on the server (issue 15).
//!
//! Policy: when a form posted without JavaScript is refused, server_fn sends the browser back to
//! the form with the error — which carries every typed value — encoded in the address. The server
//! keeps that error here instead, under a 128-bit random reference, and the address carries only
//! the reference (`?__form=…`): nothing typed reaches a `Location` header, the browser's history
//! or a proxy's log, and a crafted link cannot fill a form in. A draft opens only for the account
//! that typed it (a signed-out draft only when signed out) and for an hour.

use crate::db::form_drafts::{self, DraftRow};
use crate::db::Db;
use crate::error::AppError;
use crate::model::FormDraft;

/// How long a refused form can be shown again.
pub const DRAFT_SECONDS: i64 = 60 * 60;

/// Keeps a refused form's error for `user_id` and returns its reference; drafts past their hour
/// are removed first.
#[tracing::instrument(skip_all, fields(?user_id))]
pub async fn keep(
    db: &Db,
    user_id: Option<i64>,
    draft: &FormDraft,
    now: i64,
) -> Result<String, AppError> {
    form_drafts::delete_older_than(db.pool(), now - DRAFT_SECONDS)
        .await
        .map_err(AppError::internal)?;
    let reference = uuid::Uuid::new_v4().simple().to_string();
    let row = DraftRow {
        fn_path: draft.path.clone(),
        error: draft.error.clone(),
    };
    form_drafts::insert(db.pool(), &reference, user_id, &row, now)
        .await
        .map_err(AppError::internal)?;
    Ok(reference)
}

/// The refused form under `reference`, if it belongs to `user_id` and is less than an hour old.
/// A reference that is not 32 hex digits is nobody's.
#[tracing::instrument(skip_all, fields(%reference, ?user_id))]
pub async fn open(
    db: &Db,
    reference: &str,
    user_id: Option<i64>,
    now: i64,
) -> Result<Option<FormDraft>, AppError> {
    if reference.len() != 32 || !reference.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    let row = form_drafts::find(db.pool(), reference, user_id, now - DRAFT_SECONDS)
        .await
        .map_err(AppError::internal)?;
    Ok(row.map(|r| FormDraft {
        path: r.fn_path,
        error: r.error,
    }))
}
