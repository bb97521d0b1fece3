//! Sessions, stored by the SHA-256 of their token so that any server instance can check them
//! and a copy of the database opens none.

use super::DbError;
use sqlx::AnyPool;

#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct SessionRecord {
    pub user_id: i64,
    pub created_at: i64,
    pub last_seen_at: i64,
    pub expires_at: i64,
}

pub async fn insert(
    pool: &AnyPool,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now)
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn find(pool: &AnyPool, token_hash: &str) -> Result<Option<SessionRecord>, DbError> {
    Ok(sqlx::query_as(
        "SELECT user_id, created_at, last_seen_at, expires_at FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?)
}

pub async fn touch(pool: &AnyPool, token_hash: &str, now: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
        .bind(token_hash)
        .bind(now)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends a session; returns whether there was one.
pub async fn delete(pool: &AnyPool, token_hash: &str) -> Result<bool, DbError> {
    let done = sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await?;
    Ok(done.rows_affected() > 0)
}

/// Login throttling: consecutive failures and the lock they earned, per key.
pub async fn throttle(pool: &AnyPool, key: &str) -> Result<(i64, i64), DbError> {
    let row: Option<(i64, i64)> =
        sqlx::query_as("SELECT failures, locked_until FROM login_throttle WHERE throttle_key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?;
    Ok(row.unwrap_or((0, 0)))
}

pub async fn set_throttle(
    pool: &AnyPool,
    key: &str,
    failures: i64,
    locked_until: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO login_throttle (throttle_key, failures, locked_until) VALUES ($1, $2, $3)
         ON CONFLICT (throttle_key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until",
    )
    .bind(key)
    .bind(failures)
    .bind(locked_until)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn clear_throttle(pool: &AnyPool, key: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM login_throttle WHERE throttle_key = $1")
        .bind(key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Ends every session of a user (after disabling the account or resetting its password).
pub async fn delete_for_user(conn: &mut sqlx::AnyConnection, user_id: i64) -> Result<u64, DbError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
