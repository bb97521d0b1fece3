//! Initiatives and their versions (issue 15).

use super::read_model::Scope;
use super::{fy_start, year};
use crate::db::DbError;
use crate::domain::{Money, OrgId};
use sqlx::AnyConnection;

// ---- initiatives ----

pub(super) type InitiativeTuple = (
    i64,
    i64,
    String,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    Option<i64>,
    Option<String>,
    String,
    Option<i64>,
);

/// The initiatives of the bodies in the scope that are in force (not withdrawn).
pub async fn initiatives(
    conn: &mut AnyConnection,
    scope: &Scope,
) -> Result<Vec<crate::domain::savings::Initiative>, DbError> {
    use crate::domain::savings::{Evidence, Initiative, InitiativeKind, Party, SavingClass};
    let (condition, texts, ids) = scope.condition("i");
    let sql = format!(
        "SELECT i.id, i.org_id, i.kind, i.title, i.class, i.evidence, i.recurring_pence,
                i.one_off_pence, i.first_fy, i.last_fy, i.service_code, i.party, i.counterparty_id
           FROM initiatives i JOIN organisations o ON o.id = i.org_id
          WHERE {condition} AND i.withdrawn_at IS NULL ORDER BY i.id"
    );
    let mut query = sqlx::query_as::<_, InitiativeTuple>(&sql);
    for t in texts {
        query = query.bind(t);
    }
    for id in ids {
        query = query.bind(id);
    }
    let rows = query.fetch_all(conn).await?;
    rows.into_iter()
        .map(
            |(
                id,
                org,
                kind,
                title,
                class,
                evidence,
                recurring,
                one_off,
                first,
                last,
                service,
                party,
                counterparty,
            )| {
                Ok(Initiative {
                    id,
                    org: OrgId(org),
                    kind: InitiativeKind::parse(&kind)?,
                    title,
                    class: SavingClass::parse(&class)?,
                    evidence: Evidence::parse(&evidence)?,
                    recurring: Money::from_pence(recurring),
                    one_off: Money::from_pence(one_off),
                    first_year: year(first)?,
                    last_year: last.map(year).transpose()?,
                    service,
                    party: Party::parse(&party)?,
                    counterparty: counterparty.map(OrgId),
                })
            },
        )
        .collect()
}

/// An initiative to store.
pub struct NewInitiative<'a> {
    pub org: i64,
    pub initiative: &'a crate::domain::savings::Initiative,
    pub quality_note: &'a str,
    pub source_ref: Option<&'a str>,
    pub at: i64,
    pub user: i64,
}

pub async fn insert_initiative(
    conn: &mut AnyConnection,
    n: &NewInitiative<'_>,
) -> Result<i64, DbError> {
    let i = n.initiative;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO initiatives (org_id, kind, title, class, evidence, recurring_pence, one_off_pence,
                                  first_fy, last_fy, service_code, party, counterparty_id, quality_note,
                                  source_ref, created_at, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id",
    )
    .bind(n.org)
    .bind(i.kind.code())
    .bind(&i.title)
    .bind(i.class.code())
    .bind(i.evidence.code())
    .bind(i.recurring.pence())
    .bind(i.one_off.pence())
    .bind(fy_start(i.first_year))
    .bind(i.last_year.map(fy_start))
    .bind(i.service.as_deref())
    .bind(i.party.code())
    .bind(i.counterparty.map(|o| o.0))
    .bind(n.quality_note)
    .bind(n.source_ref)
    .bind(n.at)
    .bind(n.user)
    .fetch_one(&mut *conn)
    .await?;
    keep_version(conn, id, "recorded", None).await?;
    Ok(id)
}

/// Keeps the initiative's current row as its version `version` (issue 15): called in the
/// transaction of every insert or change, after it.
pub async fn keep_version(
    conn: &mut AnyConnection,
    id: i64,
    change: &str,
    reason: Option<&str>,
) -> Result<(), DbError> {
    sqlx::query(
        "INSERT INTO initiative_versions (initiative_id, version, change, reason, title, class,
                                         evidence, recurring_pence, one_off_pence, first_fy,
                                         last_fy, service_code, party, counterparty_id,
                                         quality_note, withdrawn, changed_at, changed_by)
         SELECT id, version, $2, $3, title, class, evidence, recurring_pence, one_off_pence,
                first_fy, last_fy, service_code, party, counterparty_id, quality_note,
                CASE WHEN withdrawn_at IS NULL THEN 0 ELSE 1 END, updated_at, updated_by
           FROM initiatives WHERE id = $1",
    )
    .bind(id)
    .bind(change)
    .bind(reason)
    .execute(conn)
    .await?;
    Ok(())
}

/// One initiative as stored, whether or not it is withdrawn.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InitiativeRow {
    pub id: i64,
    pub org_id: i64,
    pub kind: String,
    pub title: String,
    pub class: String,
    pub evidence: String,
    pub recurring_pence: i64,
    pub one_off_pence: i64,
    pub first_fy: i64,
    pub last_fy: Option<i64>,
    pub service_code: Option<String>,
    pub party: String,
    pub counterparty_id: Option<i64>,
    pub quality_note: String,
    pub source_ref: Option<String>,
    pub version: i64,
    pub row_version: i64,
    pub withdrawn_at: Option<i64>,
}

pub(super) const INITIATIVE_COLUMNS: &str =
    "id, org_id, kind, title, class, evidence, recurring_pence,
    one_off_pence, first_fy, last_fy, service_code, party, counterparty_id, quality_note,
    source_ref, version, row_version, withdrawn_at";

/// An initiative of the body `org`, withdrawn or not.
pub async fn initiative_row(
    conn: &mut AnyConnection,
    org: i64,
    id: i64,
) -> Result<Option<InitiativeRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {INITIATIVE_COLUMNS} FROM initiatives WHERE id = $1 AND org_id = $2"
    ))
    .bind(id)
    .bind(org)
    .fetch_optional(conn)
    .await?)
}

/// The body's withdrawn initiatives, newest first.
pub async fn withdrawn_initiatives(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<Vec<InitiativeRow>, DbError> {
    Ok(sqlx::query_as(&format!(
        "SELECT {INITIATIVE_COLUMNS} FROM initiatives
          WHERE org_id = $1 AND withdrawn_at IS NOT NULL ORDER BY withdrawn_at DESC, id DESC"
    ))
    .bind(org)
    .fetch_all(conn)
    .await?)
}

/// The initiative with `source_ref` (a closure's or an adoption's), if in force.
pub async fn initiative_by_source(
    conn: &mut AnyConnection,
    source_ref: &str,
) -> Result<Option<i64>, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT id FROM initiatives WHERE source_ref = $1 AND withdrawn_at IS NULL",
    )
    .bind(source_ref)
    .fetch_optional(conn)
    .await?)
}

/// The changeable figures of an initiative.
pub struct InitiativeChange<'a> {
    pub kind: &'a str,
    pub title: &'a str,
    pub class: &'a str,
    pub evidence: &'a str,
    pub recurring_pence: i64,
    pub one_off_pence: i64,
    pub first_fy: i64,
    pub last_fy: Option<i64>,
    pub service_code: Option<&'a str>,
    pub party: &'a str,
    pub counterparty_id: Option<i64>,
    pub quality_note: &'a str,
}

/// Replaces an in-force initiative's figures as its next version, if nobody changed it since
/// `row_version`; returns whether it did.
pub async fn change_initiative(
    conn: &mut AnyConnection,
    id: i64,
    row_version: i64,
    c: &InitiativeChange<'_>,
    at: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE initiatives
            SET title = $3, class = $4, evidence = $5, recurring_pence = $6, one_off_pence = $7,
                first_fy = $8, last_fy = $9, service_code = $10, party = $11,
                counterparty_id = $12, quality_note = $13, updated_at = $14, updated_by = $15,
                kind = $16,
                version = version + 1, row_version = row_version + 1
          WHERE id = $1 AND row_version = $2 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .bind(row_version)
    .bind(c.title)
    .bind(c.class)
    .bind(c.evidence)
    .bind(c.recurring_pence)
    .bind(c.one_off_pence)
    .bind(c.first_fy)
    .bind(c.last_fy)
    .bind(c.service_code)
    .bind(c.party)
    .bind(c.counterparty_id)
    .bind(c.quality_note)
    .bind(at)
    .bind(user)
    .bind(c.kind)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Withdraws an in-force initiative as its next version (the savings engine stops counting it),
/// if nobody changed it since `row_version` (`None`: whatever its version); returns whether it
/// did.
pub async fn withdraw_initiative(
    conn: &mut AnyConnection,
    id: i64,
    row_version: Option<i64>,
    at: i64,
    user: i64,
) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE initiatives
            SET withdrawn_at = $3, updated_at = $3, updated_by = $4,
                version = version + 1, row_version = row_version + 1
          WHERE id = $1 AND withdrawn_at IS NULL AND row_version = COALESCE($2, row_version)",
    )
    .bind(id)
    .bind(row_version)
    .bind(at)
    .bind(user)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// One version of an initiative, with who made it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct VersionRow {
    pub version: i64,
    pub change: String,
    pub reason: Option<String>,
    pub title: String,
    pub class: String,
    pub evidence: String,
    pub recurring_pence: i64,
    pub one_off_pence: i64,
    pub first_fy: i64,
    pub last_fy: Option<i64>,
    pub withdrawn: i64,
    pub changed_at: i64,
    pub changed_by: Option<String>,
}

/// Every version of an initiative, newest first.
pub async fn initiative_versions(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<VersionRow>, DbError> {
    Ok(sqlx::query_as(
        "SELECT v.version, v.change, v.reason, v.title, v.class, v.evidence, v.recurring_pence,
                v.one_off_pence, v.first_fy, v.last_fy, v.withdrawn, v.changed_at,
                u.display_name AS changed_by
           FROM initiative_versions v LEFT JOIN users u ON u.id = v.changed_by
          WHERE v.initiative_id = $1 ORDER BY v.version DESC",
    )
    .bind(id)
    .fetch_all(conn)
    .await?)
}

/// The quality notes of initiatives, by id.
pub async fn initiative_notes(
    conn: &mut AnyConnection,
    org: i64,
) -> Result<std::collections::HashMap<i64, String>, DbError> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, quality_note FROM initiatives WHERE org_id = $1")
            .bind(org)
            .fetch_all(conn)
            .await?;
    Ok(rows.into_iter().collect())
}
