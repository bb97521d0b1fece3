//! Sessions, stored by the SHA-256 of their token so that any server instance can check them
//! and a copy of the database opens none.

use super::DbError;
use crate::domain::account::{lock_seconds, FREE_LOGIN_FAILURES, MAX_LOCK_SECONDS};
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

/// `lock_seconds` of the SQL expression `failures`, as a `CASE` the database evaluates in the
/// statement that counts the attempt (one source of truth: the domain's back-off).
fn lock_case(failures: &str) -> String {
    let mut sql = format!("CASE WHEN {failures} < {FREE_LOGIN_FAILURES} THEN 0");
    let mut n = FREE_LOGIN_FAILURES;
    while lock_seconds(n) < MAX_LOCK_SECONDS {
        sql.push_str(&format!(" WHEN {failures} = {n} THEN {}", lock_seconds(n)));
        n += 1;
    }
    sql.push_str(&format!(" ELSE {MAX_LOCK_SECONDS} END"));
    sql
}

/// Counts a sign-in attempt against `key` before its password is checked, as a failure that a
/// success forgives, and sets the lock that failure earns — in one statement, so that parallel
/// attempts each see the ones before them and no more than the free attempts are ever checked.
/// `false` (nothing counted) while the key is locked. A key quiet for `quiet_seconds` starts
/// again from its first attempt.
pub async fn reserve_attempt(
    pool: &AnyPool,
    key: &str,
    now: i64,
    quiet_seconds: i64,
) -> Result<bool, DbError> {
    let first = lock_seconds(1);
    let sql = format!(
        "INSERT INTO login_throttle (throttle_key, failures, locked_until) VALUES ($1, 1, $2 + {first})
         ON CONFLICT (throttle_key) DO UPDATE SET
           failures = CASE WHEN login_throttle.locked_until < $2 - $3 THEN 1
                           ELSE login_throttle.failures + 1 END,
           locked_until = $2 + CASE WHEN login_throttle.locked_until < $2 - $3 THEN {first}
                                    ELSE {} END
         WHERE login_throttle.locked_until <= $2
         RETURNING failures",
        lock_case("login_throttle.failures + 1")
    );
    let counted: Option<i64> = sqlx::query_scalar(&sql)
        .bind(key)
        .bind(now)
        .bind(quiet_seconds)
        .fetch_optional(pool)
        .await?;
    Ok(counted.is_some())
}

/// Takes back one counted attempt (it succeeded), with the lock the remaining failures earn.
pub async fn forgive_attempt(pool: &AnyPool, key: &str, now: i64) -> Result<(), DbError> {
    let sql = format!(
        "UPDATE login_throttle SET failures = failures - 1, locked_until = $2 + {}
          WHERE throttle_key = $1 AND failures > 0",
        lock_case("failures - 1")
    );
    sqlx::query(&sql).bind(key).bind(now).execute(pool).await?;
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
