//! Frozen board packs. Rows are inserted and read, never updated.

use super::DbError;
use sqlx::AnyConnection;

/// A pack as listed: id, title, filters in words, SHA-256, size of the file, frozen at, by whom.
pub type PackRow = (i64, String, String, String, i64, i64, String);

/// A new pack.
pub struct NewPack<'a> {
    pub title: &'a str,
    pub query: &'a str,
    pub filters: &'a str,
    pub data_json: &'a str,
    pub body_html: &'a str,
    pub document: &'a str,
    pub sha256: &'a str,
    pub at: i64,
    pub user: i64,
}

pub async fn insert(conn: &mut AnyConnection, p: &NewPack<'_>) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO board_packs (title, query, filters, data_json, body_html, document, sha256, size_bytes, frozen_at, frozen_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(p.title)
    .bind(p.query)
    .bind(p.filters)
    .bind(p.data_json)
    .bind(p.body_html)
    .bind(p.document)
    .bind(p.sha256)
    .bind(i64::try_from(p.document.len()).unwrap_or(i64::MAX))
    .bind(p.at)
    .bind(p.user)
    .fetch_one(conn)
    .await?)
}

const LISTED: &str = "SELECT p.id, p.title, p.filters, p.sha256, p.size_bytes, p.frozen_at,
                             COALESCE(u.display_name, u.email)
                        FROM board_packs p JOIN users u ON u.id = p.frozen_by";

/// Every pack, newest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<PackRow>, DbError> {
    Ok(
        sqlx::query_as(&format!("{LISTED} ORDER BY p.frozen_at DESC, p.id DESC"))
            .fetch_all(conn)
            .await?,
    )
}

/// One pack with its body and its file.
pub async fn find(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(PackRow, String, String)>, DbError> {
    let row: Option<PackRow> = sqlx::query_as(&format!("{LISTED} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let (body, document): (String, String) =
        sqlx::query_as("SELECT body_html, document FROM board_packs WHERE id = $1")
            .bind(id)
            .fetch_one(conn)
            .await?;
    Ok(Some((row, body, document)))
}
