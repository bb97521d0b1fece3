//! Queries on user accounts and their organisation memberships.

use super::DbError;
use crate::domain::{Email, OrgCode, Role};
use crate::model::{CurrentUser, OrgRef};
use sqlx::{AnyConnection, AnyPool};

/// An account as stored, with its password hash (never leaves the server).
#[derive(Clone, Debug)]
pub struct UserRecord {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
    password_hash: String,
    disabled_at: Option<i64>,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = DbError;
    fn try_from(r: UserRow) -> Result<Self, DbError> {
        Ok(UserRecord {
            role: r.role.parse()?,
            id: r.id,
            email: r.email,
            display_name: r.display_name,
            password_hash: r.password_hash,
            disabled: r.disabled_at.is_some(),
        })
    }
}

pub async fn find_by_email(pool: &AnyPool, email: &Email) -> Result<Option<UserRecord>, DbError> {
    let row: Option<UserRow> = sqlx::query_as(
        "SELECT id, email, display_name, role, password_hash, disabled_at FROM users WHERE email = $1",
    )
    .bind(email.as_str())
    .fetch_optional(pool)
    .await?;
    row.map(UserRecord::try_from).transpose()
}

/// A new account; the password is already hashed.
pub struct NewUser<'a> {
    pub email: &'a Email,
    pub display_name: &'a str,
    pub role: Role,
    pub password_hash: &'a str,
    pub now: i64,
}

/// Inserts an account and returns its id. A duplicate e-mail is a unique violation.
pub async fn insert(conn: &mut AnyConnection, user: &NewUser<'_>) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "INSERT INTO users (email, display_name, role, password_hash, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(user.email.as_str())
    .bind(user.display_name)
    .bind(user.role.code())
    .bind(user.password_hash)
    .bind(user.now)
    .fetch_one(conn)
    .await?)
}

/// Adds the user to an organisation by code; `Corrupt` if no organisation has the code.
pub async fn add_membership(
    conn: &mut AnyConnection,
    user_id: i64,
    org: &OrgCode,
) -> Result<(), DbError> {
    let org_id: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE code = $1")
        .bind(org.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    let org_id =
        org_id.ok_or_else(|| DbError::Corrupt(format!("no organisation has the code {org}")))?;
    sqlx::query(
        "INSERT INTO user_organisations (user_id, org_id) VALUES ($1, $2)
         ON CONFLICT (user_id, org_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(org_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionUserRow {
    id: i64,
    email: String,
    display_name: String,
    role: String,
}

/// The enabled user a session token hash belongs to, with their organisations.
pub async fn current_user(pool: &AnyPool, user_id: i64) -> Result<Option<CurrentUser>, DbError> {
    let row: Option<SessionUserRow> = sqlx::query_as(
        "SELECT id, email, display_name, role FROM users WHERE id = $1 AND disabled_at IS NULL",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let organisations: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT o.id, o.code, o.name FROM user_organisations m JOIN organisations o ON o.id = m.org_id
          WHERE m.user_id = $1 ORDER BY o.name",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(Some(CurrentUser {
        role: row.role.parse()?,
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        organisations: organisations
            .into_iter()
            .map(|(id, code, name)| OrgRef { id, code, name })
            .collect(),
    }))
}

/// Every account with its organisation codes, by e-mail (one query, no N+1).
pub async fn list_all(pool: &AnyPool) -> Result<Vec<crate::model::UserSummary>, DbError> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        email: String,
        display_name: String,
        role: String,
        disabled_at: Option<i64>,
        org_code: Option<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT u.id, u.email, u.display_name, u.role, u.disabled_at, o.code AS org_code
           FROM users u
           LEFT JOIN user_organisations m ON m.user_id = u.id
           LEFT JOIN organisations o ON o.id = m.org_id
          ORDER BY u.email, o.code",
    )
    .fetch_all(pool)
    .await?;
    let mut users: Vec<crate::model::UserSummary> = Vec::new();
    for row in rows {
        if users.last().map(|u| u.id) != Some(row.id) {
            users.push(crate::model::UserSummary {
                id: row.id,
                role: row.role.parse()?,
                email: row.email,
                display_name: row.display_name,
                disabled: row.disabled_at.is_some(),
                organisations: Vec::new(),
            });
        }
        if let (Some(code), Some(user)) = (row.org_code, users.last_mut()) {
            user.organisations.push(code);
        }
    }
    Ok(users)
}

/// One account as listed, or `None`.
pub async fn find_summary(
    pool: &AnyPool,
    id: i64,
) -> Result<Option<crate::model::UserSummary>, DbError> {
    Ok(list_all(pool).await?.into_iter().find(|u| u.id == id))
}

/// How many enabled admin accounts there are besides `id`.
pub async fn other_enabled_admins(conn: &mut AnyConnection, id: i64) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM users
          WHERE role = 'admin' AND disabled_at IS NULL AND id <> $1",
    )
    .bind(id)
    .fetch_one(conn)
    .await?)
}

pub async fn set_role(conn: &mut AnyConnection, id: i64, role: Role) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET role = $2 WHERE id = $1")
        .bind(id)
        .bind(role.code())
        .execute(conn)
        .await?;
    Ok(())
}

/// Replaces the account's memberships with `orgs` (each must exist).
pub async fn replace_memberships(
    conn: &mut AnyConnection,
    id: i64,
    orgs: &[OrgCode],
) -> Result<(), DbError> {
    sqlx::query("DELETE FROM user_organisations WHERE user_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for org in orgs {
        add_membership(&mut *conn, id, org).await?;
    }
    Ok(())
}

pub async fn set_disabled_at(
    conn: &mut AnyConnection,
    id: i64,
    disabled_at: Option<i64>,
) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET disabled_at = $2 WHERE id = $1")
        .bind(id)
        .bind(disabled_at)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_password_hash(
    conn: &mut AnyConnection,
    id: i64,
    hash: &str,
) -> Result<(), DbError> {
    sqlx::query("UPDATE users SET password_hash = $2 WHERE id = $1")
        .bind(id)
        .bind(hash)
        .execute(conn)
        .await?;
    Ok(())
}

/// The first account created (the data a command-line generator writes is recorded against it).
pub async fn first_id(pool: &AnyPool) -> Result<Option<i64>, DbError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM users ORDER BY id LIMIT 1")
            .fetch_optional(pool)
            .await?,
    )
}
