//! Uploaded spreadsheet files awaiting (or after) their commit.

use super::DbError;
use sqlx::AnyConnection;

/// An upload as stored, with its body.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UploadRow {
    pub id: i64,
    pub token: String,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub fy_start: i64,
    pub file_name: String,
    pub sha256: String,
    pub size_bytes: i64,
    pub content: Vec<u8>,
    pub uploaded_by: i64,
    pub created_at: i64,
    pub committed_at: Option<i64>,
    /// The versions the import is pinned to (`pinned_state`), if recorded.
    pub pinned: Option<String>,
}

/// What a new upload records.
pub struct NewUpload<'a> {
    pub token: &'a str,
    pub org_id: i64,
    pub fy_start: i64,
    pub file_name: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: i64,
    pub now: i64,
    /// What the import is pinned to at upload (`pinned_state`).
    pub pinned: &'a str,
}

pub async fn insert(conn: &mut AnyConnection, u: &NewUpload<'_>) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO import_uploads (token, org_id, fy_start, file_name, sha256, size_bytes, content, uploaded_by, created_at, pinned)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(u.token)
    .bind(u.org_id)
    .bind(u.fy_start)
    .bind(u.file_name)
    .bind(u.sha256)
    .bind(i64::try_from(u.content.len()).unwrap_or(i64::MAX))
    .bind(u.content)
    .bind(u.uploaded_by)
    .bind(u.now)
    .bind(u.pinned)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn find(conn: &mut AnyConnection, token: &str) -> Result<Option<UploadRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT u.id, u.token, u.org_id, o.code AS org_code, o.name AS org_name, u.fy_start, u.file_name, u.sha256,
                u.size_bytes, u.content, u.uploaded_by, u.created_at, u.committed_at, u.pinned
           FROM import_uploads u JOIN organisations o ON o.id = u.org_id
          WHERE u.token = $1",
    )
    .bind(token)
    .fetch_optional(conn)
    .await?)
}

/// The versions of everything an import of a body's year can change: the year's return (every
/// version), the body's sites and its adoptions, as `kind:id:row_version` items in a fixed order.
pub async fn pinned_state(
    conn: &mut AnyConnection,
    org_id: i64,
    fy_start: i64,
) -> Result<String, DbError> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT 'return' AS kind, id, row_version FROM spend_returns WHERE org_id = $1 AND fy_start = $2
         UNION ALL SELECT 'site', id, row_version FROM data_centres WHERE org_id = $1
         UNION ALL SELECT 'adoption', id, row_version FROM adoptions WHERE org_id = $1
         ORDER BY 1, 2",
    )
    .bind(org_id)
    .bind(fy_start)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .iter()
        .map(|(kind, id, version)| format!("{kind}:{id}:{version}"))
        .collect::<Vec<_>>()
        .join(","))
}

/// Records what an upload's import is pinned to.
pub async fn set_pinned(conn: &mut AnyConnection, id: i64, pinned: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE import_uploads SET pinned = $2 WHERE id = $1")
        .bind(id)
        .bind(pinned)
        .execute(conn)
        .await?;
    Ok(())
}

/// Marks an upload committed, once; false if it already was.
pub async fn mark_committed(conn: &mut AnyConnection, id: i64, now: i64) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE import_uploads SET committed_at = $2 WHERE id = $1 AND committed_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes uploads made before `cutoff` (unix seconds).
pub async fn delete_older_than(conn: &mut AnyConnection, cutoff: i64) -> Result<u64, DbError> {
    Ok(
        sqlx::query("DELETE FROM import_uploads WHERE created_at < $1")
            .bind(cutoff)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
