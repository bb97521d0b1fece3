//! Open data: aggregate datasets the programme office publishes for anyone to read, as JSON and
//! CSV, computed by the same services as the pages.
//!
//! Policy (issue 8): a dataset is aggregate (no body's return lines, no person), except the
//! data-centre list, whose sensitive fields (postcode by default; also costs, energy, servers)
//! the deployment suppresses by configuration. A dataset nobody has published is readable by the
//! board and office only (to check it before publishing); anyone else gets "not found".
//! Publishing and withdrawing are the programme office's, audited.

use crate::access::Office;
use crate::db::audit::{self, AuditEntry};
use crate::db::open_data as store;
use crate::db::{Db, DbError};
use crate::error::AppError;
use crate::model::audit::AuditAction;
use crate::model::CurrentUser;
use crate::services::auth::now;
use serde::{Deserialize, Serialize};

mod tables;

pub use tables::*;

/// The datasets: name, title, description.
pub const DATASETS: [(&str, &str, &str); 5] = [
    (
        "savings",
        "National ICT savings by year",
        "Spend-based savings of every body with a counted return, by financial year, in cash: the bodies' baselines, their counted spend, the saving, the cumulative saving from 2012-13 and the trajectory's target.",
    ),
    (
        "savings-by-sector",
        "ICT savings by sector and year",
        "Spend-based savings by sector and financial year, in cash, with each sector's apportioned share of the trajectory's target.",
    ),
    (
        "spend",
        "ICT spend by sector, category and year",
        "Counted ICT spend (approved returns, and submitted ones counted provisionally) added up by financial year, sector and category, in cash, with the number of bodies.",
    ),
    (
        "data-centres",
        "Public-sector data centres and computer rooms",
        "Every recorded site with its body, type, ownership, status, computed PUE and virtualisation ratio; fields this deployment suppresses are left out.",
    ),
    (
        "adoption",
        "Shared-service adoption",
        "For each shared service, how many bodies are at each stage of adopting it.",
    ),
];

/// The licence the open data is published under (the software itself is MIT): the UK
/// government's standard licence for public-sector information (ADR 0010, rule 11).
pub const LICENCE: &str = "Open Government Licence v3.0";
pub const LICENCE_URL: &str =
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";
/// The attribution the licence asks re-users to give.
pub const ATTRIBUTION: &str =
    "Contains public sector information licensed under the Open Government Licence v3.0.";

/// The fields of the data-centre list a deployment may suppress.
pub const SUPPRESSIBLE: [&str; 4] = ["postcode", "costs", "energy", "servers"];

/// A dataset as a table: JSON is one object per row, CSV the same columns.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenTable {
    pub name: String,
    pub title: String,
    pub description: String,
    pub published: bool,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Columns left out by configuration.
    pub suppressed: Vec<String>,
    /// What a reader must know to quote the figures: illustrative targets, synthetic demo
    /// data, unverified factors (ADR 0010, rule 10: labels travel with the figures).
    pub notes: Vec<String>,
}

impl OpenTable {
    pub fn to_csv(&self) -> String {
        let cell = crate::util::csv_cell;
        let mut out = self
            .columns
            .iter()
            .map(|c| cell(c))
            .collect::<Vec<_>>()
            .join(",");
        out.push('\n');
        for row in &self.rows {
            out.push_str(&row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(","));
            out.push('\n');
        }
        out
    }

    pub fn to_json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|r| {
                serde_json::Value::Object(
                    self.columns
                        .iter()
                        .zip(r)
                        .map(|(c, v)| (c.clone(), serde_json::Value::String(v.clone())))
                        .collect(),
                )
            })
            .collect();
        serde_json::json!({
            "dataset": self.name,
            "title": self.title,
            "description": self.description,
            "published": self.published,
            "suppressed": self.suppressed,
            "notes": self.notes,
            "licence": { "name": LICENCE, "url": LICENCE_URL, "attribution": ATTRIBUTION },
            "rows": rows,
        })
    }
}

pub use crate::model::dashboard::Publication;

pub(super) fn dataset_of(
    name: &str,
) -> Result<(&'static str, &'static str, &'static str), AppError> {
    DATASETS
        .iter()
        .find(|(n, ..)| *n == name)
        .copied()
        .ok_or_else(|| AppError::NotFound(format!("The dataset {name:?}")))
}

/// Every dataset with its publication (anonymous callers see the published ones only).
#[tracing::instrument(skip_all)]
pub async fn publications(
    db: &Db,
    user: Option<&CurrentUser>,
) -> Result<Vec<Publication>, AppError> {
    let mut conn = db.pool().acquire().await.map_err(DbError::from)?;
    let stored = store::publications(&mut conn).await?;
    let reviewer = user.is_some_and(|u| u.role.reads_all_organisations());
    Ok(DATASETS
        .iter()
        .map(|(name, title, description)| {
            let p = stored.iter().find(|(d, ..)| d == name);
            Publication {
                name: (*name).to_owned(),
                title: (*title).to_owned(),
                description: (*description).to_owned(),
                published: p.is_some_and(|p| p.1),
                changed: p.map(|(_, published, at, by)| {
                    let when = chrono::DateTime::from_timestamp(*at, 0)
                        .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                        .unwrap_or_default();
                    format!(
                        "{} {when} by {by}",
                        if *published { "Published" } else { "Withdrawn" }
                    )
                }),
            }
        })
        .filter(|p| reviewer || p.published)
        .collect())
}

/// Publishes or withdraws a dataset (the programme office).
#[tracing::instrument(skip_all, fields(user = office.user().id, %name, published))]
pub async fn set_published(
    db: &Db,
    office: &Office<'_>,
    name: &str,
    published: bool,
) -> Result<(), AppError> {
    let user = office.user();
    let client = office.client();
    let (name, ..) = dataset_of(name)?;
    let mut tx = db.begin().await?;
    let at = now();
    store::set_published(&mut tx, name, published, at, user.id).await?;
    audit::record(
        &mut tx,
        &AuditEntry::by(
            user,
            &client.addr,
            if published {
                AuditAction::OpenDataPublished
            } else {
                AuditAction::OpenDataWithdrawn
            },
            "open_dataset",
            name,
        )
        .at(at),
    )
    .await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}
