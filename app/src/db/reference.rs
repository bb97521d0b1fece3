//! Queries on published reference figures (the McClelland baselines).

use super::DbError;
use crate::domain::Money;
use crate::model::BaselineFigure;
use sqlx::AnyConnection;

/// A published figure to insert or update (from the fixtures).
#[derive(Clone, Debug)]
pub struct NewBaselineFigure {
    pub dataset: String,
    pub scope: String,
    pub key: String,
    pub label: String,
    pub fy_start: i64,
    pub amount: Money,
    pub qualifier: String,
    pub source: String,
    pub sort_order: i64,
}

pub async fn upsert_baseline(
    conn: &mut AnyConnection,
    f: &NewBaselineFigure,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO reference_baselines
             (dataset, scope, key, label, fy_start, amount_pence, qualifier, source, sort_order)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (dataset, scope, key) DO UPDATE SET label = excluded.label,
             fy_start = excluded.fy_start, amount_pence = excluded.amount_pence,
             qualifier = excluded.qualifier, source = excluded.source, sort_order = excluded.sort_order",
    )
    .bind(&f.dataset)
    .bind(&f.scope)
    .bind(&f.key)
    .bind(&f.label)
    .bind(f.fy_start)
    .bind(f.amount.pence())
    .bind(&f.qualifier)
    .bind(&f.source)
    .bind(f.sort_order)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct BaselineRow {
    scope: String,
    key: String,
    label: String,
    amount_pence: i64,
    qualifier: String,
    source: String,
}

/// Every published baseline figure for the year starting `fy_start`, as `(scope, figure)`.
pub async fn baselines(
    conn: &mut sqlx::AnyConnection,
    fy_start: i64,
) -> Result<Vec<(String, BaselineFigure)>, DbError> {
    let rows: Vec<BaselineRow> = sqlx::query_as(
        "SELECT scope, key, label, amount_pence, qualifier, source
           FROM reference_baselines WHERE fy_start = $1
          ORDER BY scope, sort_order, key",
    )
    .bind(fy_start)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let figure = BaselineFigure {
                key: r.key,
                label: r.label,
                amount: Money::from_pence(r.amount_pence),
                qualifier: r.qualifier,
                source: r.source,
            };
            (r.scope, figure)
        })
        .collect())
}
