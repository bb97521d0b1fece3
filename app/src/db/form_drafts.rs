//! Refused forms kept on the server under a reference (issue 15), so that the address a browser
//! is sent back to never carries what was typed.

use super::DbError;
use sqlx::AnyPool;

/// A refused form: the server function that refused it and its encoded error (which carries
/// what was typed).
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DraftRow {
    pub fn_path: String,
    pub error: String,
}

pub async fn insert(
    pool: &AnyPool,
    reference: &str,
    user_id: Option<i64>,
    row: &DraftRow,
    now: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO form_drafts (reference, user_id, fn_path, error, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(reference)
    .bind(user_id)
    .bind(&row.fn_path)
    .bind(&row.error)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// The draft under `reference` if it belongs to `user_id` (a signed-out draft to the signed out
/// only) and was made at or after `not_before`.
pub async fn find(
    pool: &AnyPool,
    reference: &str,
    user_id: Option<i64>,
    not_before: i64,
) -> Result<Option<DraftRow>, DbError> {
    let query = match user_id {
        Some(user_id) => sqlx::query_as(
            "SELECT fn_path, error FROM form_drafts
              WHERE reference = $1 AND created_at >= $2 AND user_id = $3",
        )
        .bind(reference)
        .bind(not_before)
        .bind(user_id),
        None => sqlx::query_as(
            "SELECT fn_path, error FROM form_drafts
              WHERE reference = $1 AND created_at >= $2 AND user_id IS NULL",
        )
        .bind(reference)
        .bind(not_before),
    };
    Ok(query.fetch_optional(pool).await?)
}

/// Removes drafts made before `cutoff`; returns how many.
pub async fn delete_older_than(pool: &AnyPool, cutoff: i64) -> Result<u64, DbError> {
    let done = sqlx::query("DELETE FROM form_drafts WHERE created_at < $1")
        .bind(cutoff)
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}
