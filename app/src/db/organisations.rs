//! Queries on public bodies and the mergers between them.

use super::{like_pattern, parse_date, DbError};
use crate::domain::{OrgCode, Sector};
use crate::model::{OrgLink, OrganisationDetail, OrganisationSummary};
use sqlx::{AnyConnection, AnyPool};

/// What the Organisations page filters on; `None` means "any".
#[derive(Clone, Debug, Default)]
pub struct OrgFilter {
    pub sector: Option<Sector>,
    pub name_contains: Option<String>,
}

#[derive(sqlx::FromRow)]
struct OrgRow {
    code: String,
    name: String,
    sector_code: String,
    kind: String,
    start_date: Option<String>,
    end_date: Option<String>,
}

impl TryFrom<OrgRow> for OrganisationSummary {
    type Error = DbError;
    fn try_from(row: OrgRow) -> Result<Self, DbError> {
        Ok(OrganisationSummary {
            sector: row.sector_code.parse()?,
            start_date: parse_date("organisations.start_date", row.start_date)?,
            end_date: parse_date("organisations.end_date", row.end_date)?,
            code: row.code,
            name: row.name,
            kind: row.kind,
        })
    }
}

/// Bodies matching the filter, by name.
pub async fn list(pool: &AnyPool, filter: &OrgFilter) -> Result<Vec<OrganisationSummary>, DbError> {
    let rows: Vec<OrgRow> = sqlx::query_as(
        "SELECT code, name, sector_code, kind, start_date, end_date
           FROM organisations
          WHERE ($1 IS NULL OR sector_code = $1)
            AND ($2 IS NULL OR LOWER(name) LIKE $2 ESCAPE '\\' OR code LIKE $2 ESCAPE '\\')
          ORDER BY name, code",
    )
    .bind(filter.sector.map(|s| s.code().to_owned()))
    .bind(filter.name_contains.as_deref().map(like_pattern))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(OrganisationSummary::try_from)
        .collect()
}

pub async fn count(pool: &AnyPool) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM organisations")
        .fetch_one(pool)
        .await?)
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    code: String,
    name: String,
    effective_date: String,
    kind: String,
}

fn to_links(rows: Vec<LinkRow>) -> Result<Vec<OrgLink>, DbError> {
    rows.into_iter()
        .map(|r| {
            let effective_date = parse_date(
                "organisation_successions.effective_date",
                Some(r.effective_date),
            )?
            .ok_or_else(|| DbError::Corrupt("missing effective date".into()))?;
            Ok(OrgLink {
                code: r.code,
                name: r.name,
                effective_date,
                kind: r.kind,
            })
        })
        .collect()
}

/// One body with its predecessors and successors, or `None` if no body has the code.
pub async fn find(pool: &AnyPool, code: &OrgCode) -> Result<Option<OrganisationDetail>, DbError> {
    #[derive(sqlx::FromRow)]
    struct DetailRow {
        id: i64,
        notes: Option<String>,
        #[sqlx(flatten)]
        org: OrgRow,
    }
    let row: Option<DetailRow> = sqlx::query_as(
        "SELECT id, notes, code, name, sector_code, kind, start_date, end_date
           FROM organisations WHERE code = $1",
    )
    .bind(code.as_str())
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };

    let predecessors: Vec<LinkRow> = sqlx::query_as(
        "SELECT o.code, o.name, s.effective_date, s.kind
           FROM organisation_successions s JOIN organisations o ON o.id = s.predecessor_id
          WHERE s.successor_id = $1 ORDER BY o.name",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;
    let successors: Vec<LinkRow> = sqlx::query_as(
        "SELECT o.code, o.name, s.effective_date, s.kind
           FROM organisation_successions s JOIN organisations o ON o.id = s.successor_id
          WHERE s.predecessor_id = $1 ORDER BY o.name",
    )
    .bind(row.id)
    .fetch_all(pool)
    .await?;

    Ok(Some(OrganisationDetail {
        summary: row.org.try_into()?,
        notes: row.notes,
        predecessors: to_links(predecessors)?,
        successors: to_links(successors)?,
    }))
}

/// A body to insert or update by code (from the fixtures).
#[derive(Clone, Debug)]
pub struct NewOrganisation {
    pub code: OrgCode,
    pub name: String,
    pub sector: Sector,
    pub kind: String,
    pub start_date: Option<chrono::NaiveDate>,
    pub end_date: Option<chrono::NaiveDate>,
    pub notes: Option<String>,
}

pub async fn upsert_sector(
    conn: &mut AnyConnection,
    sector: Sector,
    sort_order: i64,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO sectors (code, name, sort_order) VALUES ($1, $2, $3)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, sort_order = excluded.sort_order",
    )
    .bind(sector.code())
    .bind(sector.name())
    .bind(sort_order)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn upsert(conn: &mut AnyConnection, org: &NewOrganisation) -> Result<(), DbError> {
    let iso = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
    sqlx::query(
        "INSERT INTO organisations (code, name, sector_code, kind, start_date, end_date, notes)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, sector_code = excluded.sector_code,
             kind = excluded.kind, start_date = excluded.start_date, end_date = excluded.end_date,
             notes = excluded.notes",
    )
    .bind(org.code.as_str())
    .bind(&org.name)
    .bind(org.sector.code())
    .bind(&org.kind)
    .bind(iso(org.start_date))
    .bind(iso(org.end_date))
    .bind(org.notes.as_deref())
    .execute(conn)
    .await?;
    Ok(())
}

/// Records that `predecessor` passed (wholly or partly) to `successor` on `effective_date`.
/// An existing record is replaced only if `replace` (the programme office's correction);
/// seeding the fixtures again never overwrites what the office recorded.
/// A succession to record.
pub struct NewSuccession<'a> {
    pub predecessor: &'a OrgCode,
    pub successor: &'a OrgCode,
    pub effective_date: chrono::NaiveDate,
    pub kind: &'a str,
    pub share: Option<crate::domain::savings::Share>,
    pub source: Option<&'a str>,
}

pub async fn upsert_succession(
    conn: &mut AnyConnection,
    new: &NewSuccession<'_>,
    replace: bool,
) -> Result<(), DbError> {
    let NewSuccession {
        predecessor,
        successor,
        effective_date,
        kind,
        share,
        source,
    } = *new;
    let done = sqlx::query(
        "INSERT INTO organisation_successions
             (predecessor_id, successor_id, effective_date, kind, share_ppm, source)
         SELECT p.id, s.id, $3, $4, $5, $7 FROM organisations p, organisations s
          WHERE p.code = $1 AND s.code = $2
         ON CONFLICT (predecessor_id, successor_id) DO UPDATE
             SET effective_date = excluded.effective_date, kind = excluded.kind,
                 share_ppm = excluded.share_ppm, source = excluded.source
             WHERE $6 = 1",
    )
    .bind(predecessor.as_str())
    .bind(successor.as_str())
    .bind(effective_date.format("%Y-%m-%d").to_string())
    .bind(kind)
    .bind(share.map(|s| i64::from(s.ppm())))
    .bind(i64::from(replace))
    .bind(source)
    .execute(&mut *conn)
    .await?;
    if replace && done.rows_affected() == 0 {
        return Err(DbError::Corrupt(format!(
            "succession {predecessor} -> {successor}: both bodies must exist"
        )));
    }
    if !replace {
        // A re-seed fills in a source the record lacks, and changes nothing else.
        sqlx::query(
            "UPDATE organisation_successions SET source = $3
              WHERE source IS NULL
                AND predecessor_id = (SELECT id FROM organisations WHERE code = $1)
                AND successor_id = (SELECT id FROM organisations WHERE code = $2)",
        )
        .bind(predecessor.as_str())
        .bind(successor.as_str())
        .bind(source)
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// Whether a body with this code exists.
pub async fn code_exists(conn: &mut AnyConnection, code: &OrgCode) -> Result<bool, DbError> {
    let n: i64 =
        sqlx::query_scalar("SELECT CAST(COUNT(*) AS BIGINT) FROM organisations WHERE code = $1")
            .bind(code.as_str())
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// Every organisation's code (to tell "another body" from "no such body" in an import).
pub async fn codes(pool: &AnyPool) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT code FROM organisations")
        .fetch_all(pool)
        .await?)
}

/// The names of the bodies a body's functions passed to, by name.
pub async fn successor_names(conn: &mut AnyConnection, id: i64) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT o.name FROM organisation_successions s JOIN organisations o ON o.id = s.successor_id
          WHERE s.predecessor_id = $1 ORDER BY o.name",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// A body's name and sector code by id.
pub async fn name_and_sector(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<(String, String)>, DbError> {
    Ok(
        sqlx::query_as("SELECT name, sector_code FROM organisations WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// The bodies whose code starts with `prefix`: (id, code), by code.
pub async fn with_code_prefix(
    conn: &mut AnyConnection,
    prefix: &str,
) -> Result<Vec<(i64, String)>, DbError> {
    Ok(sqlx::query_as(
        "SELECT id, code FROM organisations WHERE code LIKE $1 ESCAPE '\\' ORDER BY code",
    )
    .bind(format!("{}%", super::like_escape(prefix)))
    .fetch_all(conn)
    .await?)
}

/// The bodies that still exist, of the given kinds: (id, code, name, kind), by code.
pub async fn current_of_kinds(
    conn: &mut AnyConnection,
    kinds: &[&str],
) -> Result<Vec<(i64, String, String, String)>, DbError> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT id, code, name, kind FROM organisations WHERE end_date IS NULL ORDER BY code",
    )
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .filter(|r| kinds.contains(&r.3.as_str()))
        .collect())
}
