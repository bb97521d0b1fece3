//! Queries on the shared-service catalogue and the bodies' adoptions.

use super::DbError;
use crate::domain::estate::AdoptionStage;
use crate::domain::savings::SavingClass;
use crate::domain::Money;
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// A catalogue entry: code, name, description, source.
pub type ServiceRow = (String, String, String, String);

pub async fn insert_service_if_absent(
    conn: &mut AnyConnection,
    code: &str,
    name: &str,
    description: &str,
    source: &str,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO shared_services (code, name, description, source) VALUES ($1, $2, $3, $4)
         ON CONFLICT (code) DO NOTHING",
    )
    .bind(code)
    .bind(name)
    .bind(description)
    .bind(source)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn upsert_service(
    conn: &mut AnyConnection,
    code: &str,
    name: &str,
    description: &str,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO shared_services (code, name, description, source, updated_at, updated_by)
         VALUES ($1, $2, $3, 'Programme office', $4, $5)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, description = excluded.description,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by",
    )
    .bind(code)
    .bind(name)
    .bind(description)
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn services(conn: &mut AnyConnection) -> Result<Vec<ServiceRow>, DbError> {
    Ok(
        sqlx::query_as("SELECT code, name, description, source FROM shared_services ORDER BY name")
            .fetch_all(conn)
            .await?,
    )
}

/// An adoption as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct AdoptionRecord {
    pub id: i64,
    pub org_id: i64,
    pub org_code: String,
    pub org_name: String,
    pub sector_code: String,
    pub service_code: String,
    pub service_name: String,
    pub stage: AdoptionStage,
    pub contracted: Option<NaiveDate>,
    pub migrating: Option<NaiveDate>,
    pub live: Option<NaiveDate>,
    pub exited: Option<NaiveDate>,
    pub cost_before: Money,
    pub cost_after: Money,
    pub one_off: Money,
    pub sites: Option<i64>,
    pub users: Option<i64>,
    pub class: SavingClass,
    pub row_version: i64,
    /// When it was abandoned before going live, and why (issue 15).
    pub abandoned: Option<NaiveDate>,
    pub abandoned_reason: Option<String>,
}

impl AdoptionRecord {
    /// The date of its latest step before the one it takes next (contracted, migrating, live):
    /// a new step may not be dated before it.
    pub fn latest_step(&self) -> Option<NaiveDate> {
        [self.contracted, self.migrating, self.live]
            .into_iter()
            .flatten()
            .max()
    }
}

fn date(text: Option<String>) -> Result<Option<NaiveDate>, DbError> {
    text.map(|t| {
        NaiveDate::parse_from_str(&t, "%Y-%m-%d")
            .map_err(|_| DbError::Corrupt(format!("date {t:?}")))
    })
    .transpose()
}

/// How many bodies are at each stage of each service in each sector: each body counted once per
/// service, at the stage of its latest adoption (earlier, ended ones are history).
pub async fn adoption_counts(
    conn: &mut AnyConnection,
) -> Result<Vec<(String, String, AdoptionStage, usize)>, DbError> {
    let rows: Vec<(String, String, String, i64)> = sqlx::query_as(
        "SELECT a.service_code, o.sector_code, a.stage, CAST(COUNT(*) AS BIGINT)
           FROM adoptions a JOIN organisations o ON o.id = a.org_id
          WHERE a.id = (SELECT MAX(b.id) FROM adoptions b
                         WHERE b.org_id = a.org_id AND b.service_code = a.service_code)
          GROUP BY a.service_code, o.sector_code, a.stage",
    )
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(service, sector, stage, count)| {
            Ok((
                service,
                sector,
                AdoptionStage::parse(&stage)?,
                usize::try_from(count).unwrap_or(0),
            ))
        })
        .collect()
}

/// Adoptions, of one body (`org`) or all, each take-up of a service its own (the latest last).
pub async fn adoptions(
    conn: &mut AnyConnection,
    org: Option<i64>,
) -> Result<Vec<AdoptionRecord>, DbError> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT a.id, a.org_id, o.code, o.name, o.sector_code, a.service_code, s.name, a.stage,
                a.contracted_date, a.live_date, a.exited_date, a.cost_before_pence, a.cost_after_pence,
                a.one_off_pence, a.sites, a.users, a.class, a.row_version, a.migrating_date,
                a.abandoned_date, a.abandoned_reason
           FROM adoptions a JOIN organisations o ON o.id = a.org_id
                JOIN shared_services s ON s.code = a.service_code
          WHERE ($1 = 0 OR a.org_id = $2)
          ORDER BY o.name, s.name, a.id",
    )
    .bind(i64::from(org.is_some()))
    .bind(org.unwrap_or(0))
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(AdoptionRecord {
                id: r.try_get(0)?,
                org_id: r.try_get(1)?,
                org_code: r.try_get(2)?,
                org_name: r.try_get(3)?,
                sector_code: r.try_get(4)?,
                service_code: r.try_get(5)?,
                service_name: r.try_get(6)?,
                stage: AdoptionStage::parse(&r.try_get::<String, _>(7)?)?,
                contracted: date(r.try_get(8)?)?,
                live: date(r.try_get(9)?)?,
                exited: date(r.try_get(10)?)?,
                cost_before: Money::from_pence(r.try_get(11)?),
                cost_after: Money::from_pence(r.try_get(12)?),
                one_off: Money::from_pence(r.try_get(13)?),
                sites: r.try_get(14)?,
                users: r.try_get(15)?,
                class: SavingClass::parse(&r.try_get::<String, _>(16)?)?,
                row_version: r.try_get(17)?,
                migrating: date(r.try_get(18)?)?,
                abandoned: date(r.try_get(19)?)?,
                abandoned_reason: r.try_get(20)?,
            })
        })
        .collect()
}

/// A new adoption (at the stage "considering").
pub struct NewAdoption<'a> {
    pub org: i64,
    pub service: &'a str,
    pub cost_before: Money,
    pub cost_after: Money,
    pub one_off: Money,
    pub sites: Option<i64>,
    pub users: Option<i64>,
    pub class: SavingClass,
}

pub async fn insert_adoption(
    conn: &mut AnyConnection,
    a: &NewAdoption<'_>,
    now: i64,
    user: i64,
) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO adoptions (org_id, service_code, stage, cost_before_pence, cost_after_pence, one_off_pence,
                                sites, users, class, created_at, updated_at, updated_by)
         VALUES ($1, $2, 'considering', $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
    )
    .bind(a.org)
    .bind(a.service)
    .bind(a.cost_before.pence())
    .bind(a.cost_after.pence())
    .bind(a.one_off.pence())
    .bind(a.sites)
    .bind(a.users)
    .bind(a.class.code())
    .bind(now)
    .bind(user)
    .fetch_one(conn)
    .await?)
}

/// Moves an adoption to `stage`, recording the date of that step, if nobody changed it since
/// `row_version`.
pub async fn set_stage(
    conn: &mut AnyConnection,
    id: i64,
    row_version: i64,
    stage: AdoptionStage,
    on: NaiveDate,
    now: i64,
    user: i64,
) -> Result<bool, DbError> {
    // Every step is dated in its own column (issue 15: the migrating date was dropped).
    let column = match stage {
        AdoptionStage::Contracted => "contracted_date",
        AdoptionStage::Migrating => "migrating_date",
        AdoptionStage::Live => "live_date",
        AdoptionStage::Exited => "exited_date",
        AdoptionStage::Abandoned => "abandoned_date",
        AdoptionStage::Considering => {
            return Err(DbError::Unsupported(
                "an adoption starts as considering; it cannot move there".into(),
            ))
        }
    };
    let sql = format!(
        "UPDATE adoptions SET stage = $3, {column} = $4, updated_at = $5, updated_by = $6, row_version = row_version + 1
          WHERE id = $1 AND row_version = $2"
    );
    let done = sqlx::query(&sql)
        .bind(id)
        .bind(row_version)
        .bind(stage.code())
        .bind(on.format("%Y-%m-%d").to_string())
        .bind(now)
        .bind(user)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Records why an adoption was abandoned (in the transaction that abandoned it).
pub async fn set_abandoned_reason(
    conn: &mut AnyConnection,
    id: i64,
    reason: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE adoptions SET abandoned_reason = $2 WHERE id = $1")
        .bind(id)
        .bind(reason)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends the initiative recorded for `source_ref` in `last_fy`.
pub async fn end_initiative(
    conn: &mut AnyConnection,
    source_ref: &str,
    last_fy: i64,
    now: i64,
    user: i64,
) -> Result<(), DbError> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "UPDATE initiatives SET last_fy = $2, updated_at = $3, updated_by = $4,
                version = version + 1, row_version = row_version + 1
          WHERE source_ref = $1 AND withdrawn_at IS NULL RETURNING id",
    )
    .bind(source_ref)
    .bind(last_fy)
    .bind(now)
    .bind(user)
    .fetch_all(&mut *conn)
    .await?;
    for id in ids {
        super::savings::keep_version(conn, id, "ended", Some("the adoption was exited")).await?;
    }
    Ok(())
}

/// Replaces an adoption's costs, counts and class (`a.org` and `a.service` are not changed), if
/// nobody changed it since `row_version`.
pub async fn update_terms(
    conn: &mut AnyConnection,
    id: i64,
    row_version: i64,
    a: &NewAdoption<'_>,
    now: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE adoptions SET cost_before_pence = $3, cost_after_pence = $4, one_off_pence = $5,
                sites = $6, users = $7, class = $8, updated_at = $9, updated_by = $10,
                row_version = row_version + 1
          WHERE id = $1 AND row_version = $2",
    )
    .bind(id)
    .bind(row_version)
    .bind(a.cost_before.pence())
    .bind(a.cost_after.pence())
    .bind(a.one_off.pence())
    .bind(a.sites)
    .bind(a.users)
    .bind(a.class.code())
    .bind(now)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the body records an adoption of the service.
pub async fn adoption_exists(
    conn: &mut AnyConnection,
    org: i64,
    service: &str,
) -> Result<bool, DbError> {
    let n: i64 = sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM adoptions WHERE org_id = $1 AND service_code = $2",
    )
    .bind(org)
    .bind(service)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}
