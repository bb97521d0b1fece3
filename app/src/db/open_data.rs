//! Open data: which datasets are published, and the aggregate of counted returns.

use super::DbError;
use sqlx::AnyConnection;

/// Every dataset's publication: (dataset, published, changed at, changed by).
pub async fn publications(
    conn: &mut AnyConnection,
) -> Result<Vec<(String, bool, i64, String)>, DbError> {
    let rows: Vec<(String, i64, i64, String)> = sqlx::query_as(
        "SELECT p.dataset, p.published, p.changed_at, COALESCE(u.display_name, u.email)
           FROM open_data_publications p JOIN users u ON u.id = p.changed_by ORDER BY p.dataset",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(d, p, at, by)| (d, p == 1, at, by))
        .collect())
}

pub async fn set_published(
    conn: &mut AnyConnection,
    dataset: &str,
    published: bool,
    at: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO open_data_publications (dataset, published, changed_at, changed_by)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (dataset) DO UPDATE SET published = excluded.published,
                changed_at = excluded.changed_at, changed_by = excluded.changed_by",
    )
    .bind(dataset)
    .bind(i64::from(published))
    .bind(at)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

/// Counted spend (approved returns, and submitted ones counted provisionally), in cash, by
/// financial year, sector and category: (year start, sector code, category code, pence, bodies).
pub async fn spend_by_sector(
    conn: &mut AnyConnection,
) -> Result<Vec<(i64, String, String, i64, i64)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT f.fy_start, o.sector_code, f.category, CAST(SUM(f.amount_pence) AS BIGINT),
                CAST(COUNT(DISTINCT f.org_id) AS BIGINT)
           FROM savings_facts f JOIN organisations o ON o.id = f.org_id
          WHERE f.role = 'actual' AND f.prices_fy = f.fy_start
          GROUP BY f.fy_start, o.sector_code, f.category
          ORDER BY f.fy_start, o.sector_code, f.category",
    )
    .fetch_all(conn)
    .await?)
}
