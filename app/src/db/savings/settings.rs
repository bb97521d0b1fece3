//! GDP deflators, the national trajectory and the engine's settings.

use super::{fy_start, year};
use crate::db::DbError;
use crate::domain::{FinancialYear, Money};
use rust_decimal::Decimal;
use sqlx::AnyConnection;

// ---- deflators, trajectory, settings ----

pub async fn upsert_deflator(
    conn: &mut AnyConnection,
    year: FinancialYear,
    index: Decimal,
    release: &str,
    verified: bool,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO gdp_deflators (fy_start, index_value, release, verified) VALUES ($1, $2, $3, $4)
         ON CONFLICT (fy_start) DO UPDATE SET index_value = excluded.index_value,
             release = excluded.release, verified = excluded.verified",
    )
    .bind(fy_start(year))
    .bind(index.to_string())
    .bind(release)
    .bind(i64::from(verified))
    .execute(conn)
    .await?;
    Ok(())
}

/// A deflator as stored: year, index, release, verified.
pub type DeflatorRow = (FinancialYear, Decimal, String, bool);

pub async fn deflators(conn: &mut AnyConnection) -> Result<Vec<DeflatorRow>, DbError> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT fy_start, index_value, release, verified FROM gdp_deflators ORDER BY fy_start",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(y, index, release, verified)| {
            let index: Decimal = index
                .parse()
                .map_err(|_| DbError::Corrupt(format!("deflator index {index:?}")))?;
            Ok((year(y)?, index, release, verified == 1))
        })
        .collect()
}

pub async fn insert_target_if_absent(
    conn: &mut AnyConnection,
    profile: &str,
    year: FinancialYear,
    amount: Money,
    source: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO trajectory_targets (profile, fy_start, amount_pence, source) VALUES ($1, $2, $3, $4)
         ON CONFLICT (profile, fy_start) DO NOTHING",
    )
    .bind(profile)
    .bind(fy_start(year))
    .bind(amount.pence())
    .bind(source)
    .execute(conn)
    .await?;
    Ok(())
}

/// Sets a year's national target of a profile (an admin's edit).
pub async fn set_target(
    conn: &mut AnyConnection,
    profile: &str,
    year: FinancialYear,
    amount: Money,
    source: &str,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO trajectory_targets (profile, fy_start, amount_pence, source, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (profile, fy_start) DO UPDATE SET amount_pence = excluded.amount_pence,
             source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(profile)
    .bind(fy_start(year))
    .bind(amount.pence())
    .bind(source)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// A trajectory row: profile, year, amount, source.
pub type TargetRow = (String, FinancialYear, Money, String);

pub async fn trajectory(conn: &mut AnyConnection) -> Result<Vec<TargetRow>, DbError> {
    let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT profile, fy_start, amount_pence, source FROM trajectory_targets
          ORDER BY profile, fy_start",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(p, y, pence, source)| Ok((p, year(y)?, Money::from_pence(pence), source)))
        .collect()
}

pub async fn insert_setting_if_absent(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO savings_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .bind(value)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn set_setting(
    conn: &mut AnyConnection,
    key: &str,
    value: &str,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO savings_settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,
             updated_by = excluded.updated_by",
    )
    .bind(key)
    .bind(value)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn setting(conn: &mut AnyConnection, key: &str) -> Result<Option<String>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT value FROM savings_settings WHERE key = $1")
            .bind(key)
            .fetch_optional(conn)
            .await?,
    )
}
